# smb: sources and unit tests, included by Makefile.am (owned by the smb work).
libnetcensus_a_SOURCES += src/fingerprint/smb.c src/fingerprint/smb.h \
	src/fingerprint/netbios.c src/fingerprint/netbios.h

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_smb tests/unit/test_netbios
TESTS += tests/unit/test_smb tests/unit/test_netbios
tests_unit_test_smb_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_smb_LDADD = $(UNIT_LDADD)
tests_unit_test_netbios_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_netbios_LDADD = $(UNIT_LDADD)
endif
