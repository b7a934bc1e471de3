#include "config.h"

/*
 * common.c — what every sub-command shares: where the inventory is, and
 * how an error reaches the user.
 *
 * Only the CLI layer talks to the user; library code reports through
 * nc_fail() and the commands print nc_errmsg() with cli_error(), so every
 * message has the same "netcensus: " prefix and goes to stderr.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "util/compat.h"

#define CLI_DEFAULT_DB "./netcensus.db"

const char *cli_db_path(const char *opt_db)
{
	const char *env;

	if (opt_db != NULL)
		return opt_db;
	env = getenv("NETCENSUS_DB");
	if (env != NULL && *env != '\0')
		return env;
	return CLI_DEFAULT_DB;
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("netcensus: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
