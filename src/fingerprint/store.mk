# store: sources and unit tests, included by Makefile.am (owned by the store work).
# The verdict (one value per field from all the evidence of a host).
libnetcensus_a_SOURCES += src/fingerprint/verdict.c src/fingerprint/verdict.h

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_verdict
TESTS += tests/unit/test_verdict
tests_unit_test_verdict_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_verdict_LDADD = $(UNIT_LDADD)
endif
