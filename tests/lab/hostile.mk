# Hostile peers (tests/lab/peers/liar.py), terminal safety of every reading
# command, and SQL/CSV/XML metacharacters through every input path.
HOSTILE_TESTS = \
	tests/lab/hostile.test \
	tests/lab/metachar.test
TESTS += $(HOSTILE_TESTS)
EXTRA_DIST += $(HOSTILE_TESTS) tests/lab/peers/liar.py \
	tests/lab/peers/metachar_check.py

# The terminal-safe text cleaner every message to the user goes through.
libnetcensus_a_SOURCES += src/util/textsafe.c src/util/textsafe.h src/util/utf8.h

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_textsafe
TESTS += tests/unit/test_textsafe
tests_unit_test_textsafe_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_textsafe_LDADD = $(UNIT_LDADD)
endif

# No string spliced into SQL: a source check (no root).
TESTS += tests/cli/sqlsplice.test
EXTRA_DIST += tests/cli/sqlsplice.test tests/cli/sqlsplice.py
