# tools: test and benchmark helpers, included by Makefile.am (owned by the
# fixtures work). mkinv builds fixture inventories through the real writer;
# it is built by `make` so tests and bench/ can run
# $NC_BUILDDIR/tests/tools/mkinv. See tests/tools/README.
noinst_PROGRAMS += tests/tools/mkinv
tests_tools_mkinv_SOURCES = tests/tools/mkinv.c tests/tools/mkinv_write.c \
	tests/tools/mkinv_synth.c tests/tools/mkinv.h
tests_tools_mkinv_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
tests_tools_mkinv_LDADD = libnetcensus.a $(DEP_LIBS)
EXTRA_DIST += tests/tools/README

# mkinv's spec format and its refusals, read back through the CLI.
TESTS += tests/cli/mkinv.test
EXTRA_DIST += tests/cli/mkinv.test
