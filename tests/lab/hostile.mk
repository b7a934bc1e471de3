# Hostile peers (tests/lab/peers/liar.py), terminal safety of every reading
# command, and SQL/CSV/XML metacharacters through every input path.
HOSTILE_TESTS = \
	tests/lab/hostile.test \
	tests/lab/metachar.test
TESTS += $(HOSTILE_TESTS)
EXTRA_DIST += $(HOSTILE_TESTS) tests/lab/peers/liar.py \
	tests/lab/peers/metachar_check.py

# The terminal-safe text cleaner every message to the user goes through.
libnetcensus_a_SOURCES += src/util/textsafe.c src/util/textsafe.h
