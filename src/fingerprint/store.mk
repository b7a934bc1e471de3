# store: sources and unit tests, included by Makefile.am (owned by the store work).
# The verdict (one value per field from all the evidence of a host), and
# fingerprint results into the inventory (schema 2) and back.
libnetcensus_a_SOURCES += src/fingerprint/verdict.c src/fingerprint/verdict.h \
	src/inventory/facts_store.c src/inventory/facts_store.h \
	src/cli/cmd_show.c

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_verdict tests/unit/test_facts_store
TESTS += tests/unit/test_verdict tests/unit/test_facts_store
tests_unit_test_verdict_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_verdict_LDADD = $(UNIT_LDADD)
tests_unit_test_facts_store_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_facts_store_LDADD = $(UNIT_LDADD)
endif

# `netcensus show` and `hosts` on a fixture inventory (no root, no scan).
TESTS += tests/cli/show.test
EXTRA_DIST += tests/cli/show.test
