# Lab integration tests (need root; each skips with a reason otherwise) and
# the command-line tests (no root). Owned by the lab scripts; listed here so
# Makefile.am stays short. Every test is a TAP shell script using tests/tap.sh.
LAB_TESTS = \
	tests/lab/discovery.test \
	tests/lab/farm.test \
	tests/lab/ports.test \
	tests/lab/unprivileged.test \
	tests/lab/interrupt.test \
	tests/lab/concurrent.test \
	tests/lab/loss.test \
	tests/lab/services.test \
	tests/lab/fingerprint.test
CLI_TESTS = \
	tests/cli/badspec.test \
	tests/cli/dryrun.test \
	tests/cli/cli.test
TESTS += $(CLI_TESTS) $(LAB_TESTS)
EXTRA_DIST += $(CLI_TESTS) $(LAB_TESTS) tests/lab/lab.sh tests/tap.sh \
	tests/install-deps.sh tests/run-all tests/lsan.supp

# The lab's stand-in TCP service (lab.sh starts it in the host namespaces).
noinst_PROGRAMS = tests/lab/lab-listen
tests_lab_lab_listen_SOURCES = tests/lab/listen.c

# `make demo` (as root): build the lab "ncdemo" unless it is up, scan it into
# ./netcensus.db and list the hosts. The lab stays up for more experiments.
DEMO_PREFIX = ncdemo
demo: netcensus$(EXEEXT) tests/lab/lab-listen$(EXEEXT)
	@test "`id -u`" = 0 || { echo "make demo: run as root (it builds network namespaces)" >&2; exit 1; }
	@if bash $(top_srcdir)/tests/lab/lab.sh status $(DEMO_PREFIX); then \
		echo "demo lab $(DEMO_PREFIX) is already up"; \
	else \
		echo "building demo lab $(DEMO_PREFIX) (FARM_LIVE=64, with the services segment)"; \
		FARM_LIVE=64 LAB_LISTEN=$(abs_top_builddir)/tests/lab/lab-listen \
			bash $(top_srcdir)/tests/lab/lab.sh up $(DEMO_PREFIX) services || exit 1; \
	fi
	ip netns exec $(DEMO_PREFIX)-scan ./netcensus$(EXEEXT) scan --db ./netcensus.db \
		-c /run/netcensus-lab/$(DEMO_PREFIX)/creds.conf \
		--rate 100000 198.18.1.0/24 198.18.4.0/24 198.19.0.0/16
	./netcensus$(EXEEXT) hosts --db ./netcensus.db
	@echo
	@echo "The demo lab is still up; remove it with: $(top_srcdir)/tests/lab/lab.sh down $(DEMO_PREFIX)"
.PHONY: demo
