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

# `make bench/identity && bench/identity.sh`: resolution and prune timings
# on a large inventory (not built by default, never run by make check).
EXTRA_PROGRAMS = bench/identity
bench_identity_SOURCES = bench/identity.c
bench_identity_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
bench_identity_LDADD = libnetcensus.a $(DEP_LIBS)
