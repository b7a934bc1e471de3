# macvendor: sources and unit tests, included by Makefile.am (owned by the macvendor work).
