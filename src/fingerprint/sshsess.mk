# ssh session: the transport of credentialed SSH inventory (issue 4), included
# by Makefile.am (owned by the ssh session work). libssh2 sessions with host
# key trust (known_hosts or a caller's store), credentials in file order, one
# command with a script on stdin, bounded output; a worker pool over hosts.
libnetcensus_a_SOURCES += \
	src/fingerprint/ssh_session.c src/fingerprint/ssh_session.h \
	src/fingerprint/ssh_session_hostkey.c \
	src/fingerprint/ssh_session_pool.c

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_ssh_session
TESTS += tests/unit/test_ssh_session
tests_unit_test_ssh_session_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_ssh_session_LDADD = $(UNIT_LDADD)
endif

# The lab test's driver: load a credentials file, collect from the hosts
# named on the command line, print facts and output sizes.
check_PROGRAMS += tests/lab/ssh-probe
tests_lab_ssh_probe_SOURCES = tests/lab/ssh_probe.c
tests_lab_ssh_probe_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
tests_lab_ssh_probe_LDADD = libnetcensus.a $(DEP_LIBS)

TESTS += tests/lab/ssh.test
EXTRA_DIST += tests/lab/ssh.test
TESTS += tests/lab/ssh_scan.test
EXTRA_DIST += tests/lab/ssh_scan.test
