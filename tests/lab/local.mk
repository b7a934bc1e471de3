# Lab integration tests (need root; each skips with a reason otherwise).
# Owned by the lab scripts; listed here so Makefile.am stays short.
LAB_TESTS =
TESTS += $(LAB_TESTS)
EXTRA_DIST += $(LAB_TESTS) tests/lab/lab.sh
