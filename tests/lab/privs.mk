# Privilege dropping (src/util/privs.c is in libnetcensus already): the lab
# test that checks, while a real scan fingerprints, the uid, groups and
# capability sets of every thread of the scanner, and the setcap path.
PRIVS_TESTS = tests/lab/privdrop.test
TESTS += $(PRIVS_TESTS)
EXTRA_DIST += $(PRIVS_TESTS)
