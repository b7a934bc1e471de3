/*
 * compat.h — small macros used everywhere, and the footguns we ban.
 */
#ifndef NC_UTIL_COMPAT_H
#define NC_UTIL_COMPAT_H

#include <stddef.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NC_MIN(a, b) ((a) < (b) ? (a) : (b))
#define NC_MAX(a, b) ((a) > (b) ? (a) : (b))

/* Unbounded or unchecked functions: use snprintf, strtol via util/parse.h. */
#pragma GCC poison strcpy strcat sprintf vsprintf gets strtok atoi atol

#endif
