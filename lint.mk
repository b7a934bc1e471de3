# ---------------------------------------------------------------- lint
# `make lint`: cppcheck and clang-tidy over every src/**/*.c, with the
# include paths and defines of the build (config.h from the build tree, so it
# works in a VPATH build). Any finding fails the target. The clang-tidy
# checks and the reasons for those left out are in .clang-tidy; cppcheck's
# few global suppressions, each with its reason, in cppcheck.supp; a
# one-off false positive is suppressed where it is, with a comment.
#
# LINT_JOBS clang-tidy processes run at once (default 2).

CPPCHECK = cppcheck
CLANG_TIDY = clang-tidy
LINT_JOBS = 2

# What the compiler sees when it builds libnetcensus.a and netcensus.
LINT_CPPFLAGS = $(DEFS) $(DEFAULT_INCLUDES) $(AM_CPPFLAGS) $(CPPFLAGS)
LINT_CFLAGS = $(LINT_CPPFLAGS) $(libnetcensus_a_CFLAGS)

# cppcheck gets our own include paths and defines, not the system headers
# (it has its own models of libc, POSIX and SQLite).
LINT_CPPCHECK_FLAGS = --enable=warning,style,portability,performance \
	--error-exitcode=1 --inline-suppr --quiet --std=c11 \
	--library=posix --library=gnu --library=sqlite3 --library=openssl \
	--suppressions-list=$(srcdir)/cppcheck.supp \
	--template='{file}:{line}:{column}: {severity}: {message} [{id}]' \
	-I$(top_builddir) -I$(top_srcdir)/src -DHAVE_CONFIG_H \
	-DNC_SYSCONFDIR='"$(sysconfdir)"' -DNC_DATADIR='"$(pkgdatadir)"' \
	-DNC_SRC_RULES_DIR='"$(abs_top_srcdir)/rules"' \
	-DNC_SRC_VDI_RULES='"$(abs_top_srcdir)/data/vdi-rules.conf"'

EXTRA_DIST += lint.mk .clang-tidy .clang-format cppcheck.supp

lint: lint-cppcheck lint-clang-tidy

lint-cppcheck: $(top_builddir)/config.h
	@echo "  CPPCHECK src/"
	@$(CPPCHECK) -j$(LINT_JOBS) $(LINT_CPPCHECK_FLAGS) $(srcdir)/src

# One clang-tidy per file, LINT_JOBS at a time; xargs fails when any does.
# Findings go to stdout; of stderr, the "N warnings generated." count of
# each file (warnings in system headers, not shown) is left out.
lint-clang-tidy: $(top_builddir)/config.h
	@echo "  CLANG-TIDY src/ ($(LINT_JOBS) jobs)"
	@st=0; find $(srcdir)/src -name '*.c' | LC_ALL=C sort | xargs -P $(LINT_JOBS) -I{} \
		$(CLANG_TIDY) --quiet --config-file=$(srcdir)/.clang-tidy {} -- $(LINT_CFLAGS) \
		2>lint-clang-tidy.err || st=$$?; \
	grep -v 'warnings* generated\.$$' lint-clang-tidy.err >&2; \
	rm -f lint-clang-tidy.err; exit $$st

.PHONY: lint lint-cppcheck lint-clang-tidy

