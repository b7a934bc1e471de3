# diff: `netcensus diff` — the comparison of two scans (src/inventory/diff.c),
# its text/JSON/XML renderers (src/export/diff_render.c) and the command;
# included by Makefile.am.
libnetcensus_a_SOURCES += src/inventory/diff.c src/inventory/diff.h \
	src/export/diff_render.c src/export/diff_render.h \
	src/cli/cmd_diff.c

# The schema of `netcensus diff --xml`, installed next to the other data.
diffschemadir = $(pkgdatadir)
dist_diffschema_DATA = data/netcensus-diff.xsd

# The data-driven cases of tests/data/diff and the command line (no root).
TESTS += tests/cli/diff.test
EXTRA_DIST += tests/cli/diff.test

# Real changes in the lab, reported through the cron recipe (root; skips
# otherwise).
TESTS += tests/lab/diff.test
EXTRA_DIST += tests/lab/diff.test

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_diff
TESTS += tests/unit/test_diff
tests_unit_test_diff_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_diff_LDADD = $(UNIT_LDADD)
endif
