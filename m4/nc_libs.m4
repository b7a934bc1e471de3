dnl NC_REQUIRE_PKG(VAR, MODULE, DEBIAN-PACKAGE)
dnl Find MODULE with pkg-config into VAR_CFLAGS/VAR_LIBS; stop with the
dnl name of the Debian -dev package to install when it is missing.
AC_DEFUN([NC_REQUIRE_PKG], [
  PKG_CHECK_MODULES([$1], [$2], [],
    [AC_MSG_ERROR([$2 was not found by pkg-config. On Debian/Ubuntu install it with: apt-get install $3])])
])

dnl NC_REQUIRE_NETSNMP: net-snmp via pkg-config (netsnmp) or net-snmp-config.
AC_DEFUN([NC_REQUIRE_NETSNMP], [
  PKG_CHECK_MODULES([NETSNMP], [netsnmp], [], [
    AC_PATH_PROG([NET_SNMP_CONFIG], [net-snmp-config], [no])
    AS_IF([test "x$NET_SNMP_CONFIG" = xno],
      [AC_MSG_ERROR([net-snmp was not found (no pkg-config module, no net-snmp-config). On Debian/Ubuntu install it with: apt-get install libsnmp-dev])])
    NETSNMP_CFLAGS=`$NET_SNMP_CONFIG --base-cflags`
    NETSNMP_LIBS=`$NET_SNMP_CONFIG --netsnmp-libs`
  ])
  nc_save_CFLAGS="$CFLAGS"; nc_save_LIBS="$LIBS"
  CFLAGS="$CFLAGS $NETSNMP_CFLAGS"; LIBS="$LIBS $NETSNMP_LIBS"
  AC_LINK_IFELSE([AC_LANG_PROGRAM([[#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>]], [[init_snmp("netcensus");]])], [],
    [AC_MSG_ERROR([cannot link against net-snmp. On Debian/Ubuntu install it with: apt-get install libsnmp-dev])])
  CFLAGS="$nc_save_CFLAGS"; LIBS="$nc_save_LIBS"
  AC_SUBST([NETSNMP_CFLAGS])
  AC_SUBST([NETSNMP_LIBS])
])

dnl NC_CHECK_PTHREAD: POSIX threads, as -pthread (gcc/clang).
AC_DEFUN([NC_CHECK_PTHREAD], [
  PTHREAD_CFLAGS=-pthread
  PTHREAD_LIBS=-pthread
  nc_save_CFLAGS="$CFLAGS"; CFLAGS="$CFLAGS -pthread"
  AC_LINK_IFELSE([AC_LANG_PROGRAM([[#include <pthread.h>]], [[pthread_create(0, 0, 0, 0);]])], [],
    [AC_MSG_ERROR([POSIX threads (-pthread) are required])])
  CFLAGS="$nc_save_CFLAGS"
  AC_SUBST([PTHREAD_CFLAGS])
  AC_SUBST([PTHREAD_LIBS])
])
