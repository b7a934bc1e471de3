# export: `netcensus export` (csv, xml, json; the format table that vdi
# joins), the streaming scan reader, the shipped XML schema and the tests.
libnetcensus_a_SOURCES += src/export/export.c src/export/export.h \
	src/export/csv.c src/export/csv.h \
	src/export/xml.c src/export/xml.h \
	src/export/json_export.c src/export/json_export.h \
	src/inventory/scan_iter.c src/inventory/scan_iter.h \
	src/cli/cmd_export.c

# The schema of the XML export, installed in $(pkgdatadir).
exportschemadir = $(pkgdatadir)
dist_exportschema_DATA = data/netcensus.xsd

# Fixture inventory, expected exports and xmllint validation (no root).
TESTS += tests/cli/export.test
EXTRA_DIST += tests/cli/export.test
# A real scan of the lab, every format exported and validated (root).
TESTS += tests/lab/export.test
EXTRA_DIST += tests/lab/export.test

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_export
TESTS += tests/unit/test_export
tests_unit_test_export_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_export_LDADD = $(UNIT_LDADD)
endif
