# SSH inventory: the collector scripts and the parser of their output,
# included by Makefile.am (owned by the SSH inventory work). The transport
# that runs them (libssh2) lives elsewhere.
libnetcensus_a_SOURCES += \
	src/fingerprint/ssh_script.c src/fingerprint/ssh_script.h \
	src/fingerprint/ssh_parse.c src/fingerprint/ssh_parse.h

EXTRA_DIST += scripts/inventory.sh scripts/inventory.ps1

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_ssh_parse
TESTS += tests/unit/test_ssh_parse
tests_unit_test_ssh_parse_CFLAGS = $(UNIT_CFLAGS) -DNC_SCRIPTS_DIR='"$(abs_top_srcdir)/scripts"'
tests_unit_test_ssh_parse_LDADD = $(UNIT_LDADD)
endif
