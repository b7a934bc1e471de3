# Nothing lost (issue 6): a scan killed with SIGKILL in every phase, a full
# disk under the database and under an export, readers while a scan writes.
# Lab tests: they need root and skip with a reason otherwise. stale.test
# (a scan left running by a dead process, as readers see it) needs neither.
CRASH_TESTS = \
	tests/lab/crash.test \
	tests/lab/diskfull.test
TESTS += $(CRASH_TESTS) tests/cli/stale.test
EXTRA_DIST += $(CRASH_TESTS) tests/lab/crash.sh tests/cli/stale.test
