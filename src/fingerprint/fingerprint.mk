# The fingerprint stage: runs every fingerprinter over the live hosts.
libnetcensus_a_SOURCES += src/fingerprint/fingerprint.c src/fingerprint/fingerprint.h
# Host keys of earlier scans as the SSH trust store.
libnetcensus_a_SOURCES += src/inventory/hostkeys.c src/inventory/hostkeys.h
