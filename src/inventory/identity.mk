# identity: sources and tests, included by Makefile.am (owned by the identity work).
# Host identity across scans (schema 3: host_keys, host_changes, events),
# the change log, and `netcensus scans --prune`.
libnetcensus_a_SOURCES += src/inventory/identity.c src/inventory/identity.h \
	src/inventory/prune.c src/inventory/prune.h

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_identity
TESTS += tests/unit/test_identity
tests_unit_test_identity_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_identity_LDADD = $(UNIT_LDADD)
endif

# `netcensus scans` and `scans --prune` on fixture inventories (no root).
TESTS += tests/cli/prune.test
EXTRA_DIST += tests/cli/prune.test
