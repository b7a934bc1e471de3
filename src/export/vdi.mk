# vdi: the VDI planning export and `netcensus report`, included by Makefile.am.
# Application normalisation (appnorm), the plan (machines, applications,
# pools) and its writers (CSV directory, JSON, XML), the console report.
libnetcensus_a_SOURCES += src/export/appnorm.c src/export/appnorm.h \
	src/export/vdi.c src/export/vdi.h src/export/vdi_index.c src/export/vdi_index.h \
	src/export/vdi_out.c src/export/vdi_report.c src/cli/cmd_report.c

libnetcensus_a_CFLAGS += -DNC_SRC_VDI_RULES='"$(abs_top_srcdir)/data/vdi-rules.conf"'

# Installed to $(pkgdatadir) (a directory variable of our own, so that no
# other fragment's pkgdata list is touched).
vdidatadir = $(pkgdatadir)
dist_vdidata_DATA = data/vdi-rules.conf data/netcensus-vdi.xsd

# The fixture fleet, expected tables and report, xmllint validation (no root).
TESTS += tests/cli/vdi.test
EXTRA_DIST += tests/cli/vdi.test

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_appnorm
TESTS += tests/unit/test_appnorm
tests_unit_test_appnorm_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_appnorm_LDADD = $(UNIT_LDADD)
endif
