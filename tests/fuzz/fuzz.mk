# fuzzing: libFuzzer harnesses for every parser of network or user input,
# included by Makefile.am (owned by the fuzz work).
#
#   make fuzz         builds tests/fuzz/fuzz_* with clang
#                     (-fsanitize=fuzzer,address,undefined) in the build tree
#   make fuzz-check   builds them, then runs each for FUZZ_SECONDS (20) over a
#                     copy of its seeds (tests/fuzz/run-fuzz.sh); one TAP line
#                     per harness and a summary line; a subset with
#                     `make fuzz-check FUZZ_HARNESSES="fuzz_smb fuzz_snmp"`
#
# The library sources a harness needs are compiled once more, with clang and
# the sanitizers plus fuzzer coverage (libnetcensus.a is gcc-built and not
# instrumented), into tests/fuzz/obj/ and one archive the harnesses link
# against with $(DEP_LIBS). Run one harness by hand, e.g.
#   tests/fuzz/fuzz_ssh_parse -max_total_time=60 CORPUS_DIR $(srcdir)/tests/data/ssh
FUZZ_CC = clang
FUZZ_SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CC_FLAGS = -g -O1 -fno-omit-frame-pointer $(FUZZ_SANITIZE) -fsanitize=fuzzer-no-link \
	-I$(top_srcdir)/src -I$(top_builddir) $(DEP_CFLAGS) $(PTHREAD_CFLAGS) \
	-DNC_SYSCONFDIR='"$(sysconfdir)"' -DNC_DATADIR='"$(pkgdatadir)"'
FUZZ_LINK_FLAGS = -fsanitize=fuzzer $(FUZZ_SANITIZE)

# The harnesses (tests/fuzz/NAME.c -> tests/fuzz/NAME).
FUZZ_HARNESSES = fuzz_pkt fuzz_targets fuzz_smb fuzz_netbios fuzz_snmp fuzz_banner \
	fuzz_ssh_parse fuzz_rules fuzz_credentials fuzz_macvendor fuzz_appnorm fuzz_nmap

# The library sources under test: every C file of libnetcensus.a but the
# command-line layer (src/cli/) and src/fingerprint/banner_loop.c, which
# fuzz_banner compiles into itself (it drives the handlers through the
# loop's own static services), with the library's own flags and defines.
# (warnings off: gcc and the lint targets judge the code; here clang with
# the same -W flags would only repeat them)
# The archive gives each harness what it needs.
FUZZ_DIST = tests/fuzz/fuzz_common.h tests/fuzz/run-fuzz.sh tests/fuzz/seeds.py \
	tests/fuzz/dict tests/fuzz/regress
EXTRA_DIST += $(FUZZ_DIST) \
	tests/fuzz/fuzz_pkt.c tests/fuzz/fuzz_targets.c tests/fuzz/fuzz_smb.c \
	tests/fuzz/fuzz_netbios.c tests/fuzz/fuzz_snmp.c tests/fuzz/fuzz_banner.c \
	tests/fuzz/fuzz_ssh_parse.c tests/fuzz/fuzz_rules.c tests/fuzz/fuzz_credentials.c \
	tests/fuzz/fuzz_macvendor.c tests/fuzz/fuzz_appnorm.c tests/fuzz/fuzz_nmap.c

# Rebuilds what is older than its source or than any header of src/.
fuzz:
	@$(MKDIR_P) tests/fuzz/obj
	@set -e; objs=; changed=no; \
	newer() { test -n "`find $(top_srcdir)/src -name '*.h' -newer $$1 | sed 1q`"; }; \
	for s in $(libnetcensus_a_SOURCES); do \
		case $$s in *.h | src/cli/* | src/fingerprint/banner_loop.c) continue ;; esac; \
		o=tests/fuzz/obj/`echo $$s | sed 's|^src/||; s|/|_|g; s|\.c$$|.o|'`; \
		if test ! -f $$o || test $(top_srcdir)/$$s -nt $$o || newer $$o; then \
			echo "  FUZZCC   $$s"; \
			$(FUZZ_CC) $(libnetcensus_a_CFLAGS) $(FUZZ_CC_FLAGS) -w -c -o $$o \
				$(top_srcdir)/$$s; \
			changed=yes; \
		fi; \
		objs="$$objs $$o"; \
	done; \
	a=tests/fuzz/libfuzz-src.a; \
	if test $$changed = yes || test ! -f $$a; then \
		rm -f $$a; $(AR) rcs $$a $$objs; \
	fi; \
	for h in $(FUZZ_HARNESSES); do \
		b=tests/fuzz/$$h; \
		if test -f $$b && ! test $$a -nt $$b && \
		   ! test $(top_srcdir)/tests/fuzz/$$h.c -nt $$b && \
		   ! test $(top_srcdir)/tests/fuzz/fuzz_common.h -nt $$b && \
		   ! test $(top_srcdir)/src/fingerprint/banner_loop.c -nt $$b && ! newer $$b; then \
			continue; \
		fi; \
		echo "  FUZZLD   $$b"; \
		$(FUZZ_CC) $(FUZZ_CC_FLAGS) $(FUZZ_LINK_FLAGS) -DFUZZ_SRCDIR='"$(abs_top_srcdir)"' \
			-o $$b $(top_srcdir)/tests/fuzz/$$h.c $$a $(DEP_LIBS); \
	done

# FUZZ_SECONDS per harness (default 20), FUZZ_JOBS at once (default 2).
fuzz-check: fuzz
	FUZZ_BIN='$(abs_top_builddir)/tests/fuzz' NC_SRCDIR='$(abs_top_srcdir)' \
		FUZZ_HARNESSES='$(FUZZ_HARNESSES)' \
		$(SHELL) $(top_srcdir)/tests/fuzz/run-fuzz.sh

clean-local: fuzz-clean
fuzz-clean:
	rm -rf tests/fuzz/obj tests/fuzz/libfuzz-src.a tests/fuzz/fuzz-check.out
	for h in $(FUZZ_HARNESSES); do rm -f tests/fuzz/$$h; done

.PHONY: fuzz fuzz-check fuzz-clean
