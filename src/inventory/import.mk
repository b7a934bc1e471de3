# import: `netcensus import FILE` — an nmap XML scan into the inventory
# (owned by the import work).  The parser and writer, the command, the unit
# tests on captured nmap files (tests/data/nmap/) and the lab test that
# runs nmap in the lab and compares what was imported with what nmap wrote.
libnetcensus_a_SOURCES += src/inventory/import_nmap.c src/inventory/import_nmap.h \
	src/cli/cmd_import.c

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_import_nmap
TESTS += tests/unit/test_import_nmap
tests_unit_test_import_nmap_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_import_nmap_LDADD = $(UNIT_LDADD)
endif

TESTS += tests/lab/import.test
EXTRA_DIST += tests/lab/import.test
