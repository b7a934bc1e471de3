# The fingerprint stage: runs every fingerprinter over the live hosts.
libnetcensus_a_SOURCES += src/fingerprint/fingerprint.c src/fingerprint/fingerprint.h
