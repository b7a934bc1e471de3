# macvendor: sources and unit tests, included by Makefile.am (owned by the macvendor work).
libnetcensus_a_SOURCES += src/fingerprint/macvendor.c src/fingerprint/macvendor.h

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_macvendor
TESTS += tests/unit/test_macvendor
tests_unit_test_macvendor_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_macvendor_LDADD = $(UNIT_LDADD)
endif
