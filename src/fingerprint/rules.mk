# rules: sources and unit tests, included by Makefile.am (owned by the rules work).
#
# Fingerprint rules are data (recog-compatible XML) installed under
# $(pkgdatadir)/rules. A binary run from the build tree prefers the source
# tree's rules/ (NC_SRC_RULES_DIR, see rules_default_dir()), so editing a
# rule needs no install; $NETCENSUS_RULES overrides both.

libnetcensus_a_SOURCES += src/fingerprint/rules.c src/fingerprint/rules.h
libnetcensus_a_CFLAGS += -DNC_SRC_RULES_DIR='"$(abs_top_srcdir)/rules"'

rulesdir = $(pkgdatadir)/rules
dist_rules_DATA = \
	rules/ftp_banners.xml \
	rules/html_titles.xml \
	rules/http_servers.xml \
	rules/smb_native_lm.xml \
	rules/smb_native_os.xml \
	rules/smtp_banners.xml \
	rules/snmp_sysdescr.xml \
	rules/snmp_sysobjid.xml \
	rules/ssh_banners.xml \
	rules/telnet_banners.xml

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_rules
TESTS += tests/unit/test_rules
tests_unit_test_rules_CFLAGS = $(UNIT_CFLAGS) -DNC_RULES_DIR='"$(abs_top_srcdir)/rules"'
tests_unit_test_rules_LDADD = $(UNIT_LDADD)
endif
