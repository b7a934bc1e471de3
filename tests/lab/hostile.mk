# Hostile peers (tests/lab/peers/liar.py), terminal safety of every reading
# command, and SQL/CSV/XML metacharacters through every input path.
HOSTILE_TESTS = \
	tests/lab/hostile.test
TESTS += $(HOSTILE_TESTS)
EXTRA_DIST += $(HOSTILE_TESTS) tests/lab/peers/liar.py
