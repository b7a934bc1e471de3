# banner: sources and unit tests, included by Makefile.am (owned by the banner work).
libnetcensus_a_SOURCES += \
	src/fingerprint/banner.c src/fingerprint/banner.h \
	src/fingerprint/banner_int.h \
	src/fingerprint/banner_loop.c \
	src/fingerprint/banner_record.c \
	src/fingerprint/banner_tls.c \
	src/fingerprint/banner_ssh.c \
	src/fingerprint/banner_reply.c \
	src/fingerprint/banner_telnet.c \
	src/fingerprint/banner_http.c \
	src/fingerprint/banner_rdp.c \
	src/fingerprint/banner_smb.c \
	src/fingerprint/banner_generic.c

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_banner
TESTS += tests/unit/test_banner
tests_unit_test_banner_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_banner_LDADD = $(UNIT_LDADD)
endif
