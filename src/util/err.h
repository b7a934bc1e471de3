/*
 * err.h — the one error type of netcensus.
 *
 * Library code returns an nc_err (0 on success, a negative NC_ERR_* code on
 * failure) and never prints or exits.  Where a code alone would not tell the
 * user what went wrong ("bad target spec" — which one?), the failing function
 * also records a one-line detail with nc_fail(); the CLI prints nc_errmsg().
 * The detail is thread-local, so the sender and receiver threads cannot
 * clobber each other's messages.
 */
#ifndef NC_UTIL_ERR_H
#define NC_UTIL_ERR_H

typedef enum {
	NC_OK = 0,
	NC_ERR_INTERNAL = -1,    /* a bug: should not happen */
	NC_ERR_NOMEM = -2,       /* allocation failed */
	NC_ERR_INVALID = -3,     /* bad user input: spec, option, file content */
	NC_ERR_IO = -4,          /* a file could not be read or written */
	NC_ERR_SYS = -5,         /* a system call failed (see detail) */
	NC_ERR_RESOLVE = -6,     /* a hostname did not resolve */
	NC_ERR_PERM = -7,        /* not permitted (raw sockets, file modes) */
	NC_ERR_DB = -8,          /* SQLite reported an error */
	NC_ERR_BUSY = -9,        /* another process holds the database lock */
	NC_ERR_INTERRUPTED = -10,/* stopped by SIGINT/SIGTERM */
	NC_ERR_NOT_FOUND = -11,  /* no such scan, host, interface, route */
	NC_ERR_TOOBIG = -12,     /* input exceeded a bound we enforce */
	NC_ERR_SCHEMA = -13,     /* database written by a newer netcensus */
} nc_err;

/* Static text for a code, never NULL. */
const char *nc_strerror(int code);

/*
 * Record a printf-style detail for the current thread and return code, so
 * that callers can write: return nc_fail(NC_ERR_INVALID, "bad port '%s'", s);
 */
int nc_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#ifdef __clang_analyzer__
/* For the static analyzer of `make lint` only, which cannot see into err.c:
 * nc_fail() returns its code, so `return nc_fail(NC_ERR_NOMEM, ...)` is a
 * failure path and not a success with unset outputs. */
#define nc_fail(code, ...)                                                                         \
	({                                                                                         \
		int nc_fail_code_ = (code);                                                        \
		(nc_fail)(nc_fail_code_, __VA_ARGS__);                                             \
		nc_fail_code_;                                                                     \
	})
#endif

/* The detail of the last nc_fail() on this thread, or nc_strerror(code)
 * when none was recorded since nc_clear_error(). Never NULL. */
const char *nc_errmsg(int code);

/* Forget the recorded detail. */
void nc_clear_error(void);

#endif
