# snmp: sources and unit tests, included by Makefile.am (owned by the snmp work).
