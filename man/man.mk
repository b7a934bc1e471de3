# man: packaging, included by Makefile.am — the tests that keep the manual
# pages true to the sources, the bash completion, the install hooks and
# what `make distcheck` runs.

# Build-tree detection (the installed binary reads only the installed data;
# see src/util/buildtree.h).
libnetcensus_a_SOURCES += src/util/buildtree.c src/util/buildtree.h
libnetcensus_a_CFLAGS += -DNC_BUILD_DIR='"$(abs_top_builddir)"'

# netcensus(1) and netcensus.conf(5) against the getopt tables, the
# credentials parser and groff -ww; the completion against the binary; a
# configure --prefix build installed, run and uninstalled (no root; the
# scan part needs root and sends only inside a namespace of its own).
PACKAGING_TESTS = tests/cli/man.test tests/cli/completion.test tests/cli/install.test
TESTS += $(PACKAGING_TESTS)
EXTRA_DIST += $(PACKAGING_TESTS)

# The bash completion, installed under the name bash-completion looks for
# (the command's): --with-bash-completion-dir, else bash-completion's
# pkg-config completionsdir relative to our prefix, else
# $(datadir)/bash-completion/completions.
bashcompletiondir = @bashcompletiondir@
bashcompletion_DATA = data/completion/netcensus
EXTRA_DIST += data/netcensus.bash-completion
CLEANFILES = data/completion/netcensus
data/completion/netcensus: data/netcensus.bash-completion
	$(AM_V_GEN)$(MKDIR_P) data/completion && \
		cp $(srcdir)/data/netcensus.bash-completion $@

# Raw scanning needs CAP_NET_RAW; say how to grant it rather than do it.
install-exec-hook:
	@echo
	@echo "netcensus: to let users other than root run raw scans, give the binary"
	@echo "the capabilities it needs (as root):"
	@echo "    setcap cap_net_raw,cap_net_admin=eip $(bindir)/netcensus$(EXEEXT)"
	@echo

# Lab tests (root, network namespaces) are skipped in `make check` when
# configured with --disable-lab-tests (tests/tap.sh reads NC_LAB_TESTS).
AM_TESTS_ENVIRONMENT += NC_LAB_TESTS='$(NC_LAB_TESTS)'; export NC_LAB_TESTS;

# `make distcheck` checks the packaging: unit, command-line and install
# tests, with the completion under its own prefix. The lab tests run in
# `tests/run-all` and CI; to run them in distcheck too:
#   make distcheck DISTCHECK_CONFIGURE_FLAGS=--enable-lab-tests
AM_DISTCHECK_CONFIGURE_FLAGS = --disable-lab-tests \
	--with-bash-completion-dir='$${datadir}/bash-completion/completions'
