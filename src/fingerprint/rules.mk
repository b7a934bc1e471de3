# rules: sources and unit tests, included by Makefile.am (owned by the rules work).
