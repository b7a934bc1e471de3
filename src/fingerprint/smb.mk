# smb: sources and unit tests, included by Makefile.am (owned by the smb work).
