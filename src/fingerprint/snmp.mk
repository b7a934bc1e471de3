# snmp: sources and unit tests, included by Makefile.am (owned by the snmp work).
# Credentials file parser, SNMP collection (net-snmp single-session API in a
# bounded thread pool), their unit tests and the lab test with a real snmpd.

libnetcensus_a_SOURCES += \
	src/util/credentials.c src/util/credentials.h \
	src/fingerprint/snmp.h \
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
