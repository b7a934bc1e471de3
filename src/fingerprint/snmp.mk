# snmp: sources and unit tests, included by Makefile.am (owned by the snmp work).
# Credentials file parser, SNMP collection (net-snmp single-session API in a
# bounded thread pool), their unit tests and the lab test with a real snmpd.

libnetcensus_a_SOURCES += \
	src/util/credentials.c src/util/credentials.h \
	src/fingerprint/snmp.c src/fingerprint/snmp.h \
	src/fingerprint/snmp_walk.c src/fingerprint/snmp_walk.h \
	src/fingerprint/snmp_util.c src/fingerprint/snmp_util.h

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_credentials tests/unit/test_snmp
TESTS += tests/unit/test_credentials tests/unit/test_snmp
tests_unit_test_credentials_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_credentials_LDADD = $(UNIT_LDADD)
tests_unit_test_snmp_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_snmp_LDADD = $(UNIT_LDADD)
endif

# The lab test's driver: load a credentials file, collect from one host,
# print the facts.
check_PROGRAMS += tests/lab/snmp-probe
tests_lab_snmp_probe_SOURCES = tests/lab/snmp_probe.c
tests_lab_snmp_probe_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
tests_lab_snmp_probe_LDADD = libnetcensus.a $(DEP_LIBS)

TESTS += tests/lab/snmp.test
EXTRA_DIST += tests/lab/snmp.test
