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

# `make fuzz-nmap` builds the libFuzzer harness of the importer with clang
# (FUZZ_CC, FUZZ_FLAGS and FUZZ_LIBSRC of Makefile.am); run e.g.
#   tests/fuzz/fuzz_nmap -max_total_time=60 tests/data/nmap
FUZZ_NMAP_SRC = $(top_srcdir)/src/inventory/import_nmap.c \
	$(top_srcdir)/src/inventory/store.c $(top_srcdir)/src/inventory/facts_store.c \
	$(top_srcdir)/src/inventory/db.c $(top_srcdir)/src/inventory/query.c \
	$(top_srcdir)/src/fingerprint/verdict.c $(top_srcdir)/src/scanner/results.c
EXTRA_DIST += tests/fuzz/fuzz_nmap.c
fuzz-nmap:
	$(FUZZ_CC) $(FUZZ_FLAGS) $(XML_CFLAGS) $(SQLITE_CFLAGS) -o tests/fuzz/fuzz_nmap \
		$(top_srcdir)/tests/fuzz/fuzz_nmap.c $(FUZZ_NMAP_SRC) $(FUZZ_LIBSRC) \
		$(XML_LIBS) $(SQLITE_LIBS) -pthread -lm
.PHONY: fuzz-nmap
