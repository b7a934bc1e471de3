# Nothing lost (issue 6): a scan killed with SIGKILL in every phase, a full
# disk under the database and under an export, readers while a scan writes.
# Lab tests: they need root and skip with a reason otherwise. stale.test
# (a scan left running by a dead process, as readers see it) and
# readers.test (exports, hosts, show, diff while mkinv writes) need neither.
CRASH_TESTS = \
	tests/lab/crash.test \
	tests/lab/diskfull.test
CRASH_CLI_TESTS = \
	tests/cli/stale.test \
	tests/cli/readers.test
TESTS += $(CRASH_TESTS) $(CRASH_CLI_TESTS)
EXTRA_DIST += $(CRASH_TESTS) $(CRASH_CLI_TESTS) tests/lab/crash.sh
