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
#include <string.h>

#include "cli/cli.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/parse.h"
#include "util/textsafe.h"

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

/*
 * A message quotes what the user typed (a target spec, a host name) and
 * what the network sent (a banner in a parser's detail): it goes out through
 * textsafe_fputs(), so no control byte of either reaches the terminal.
 */
void cli_error(const char *fmt, ...)
{
	char small[1024], *msg = small, *big;
	va_list ap, again;
	int n;

	va_start(ap, fmt);
	va_copy(again, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	/* out of memory: the message cut short in small */
	if (n >= (int)sizeof(small) && (big = malloc((size_t)n + 1)) != NULL) {
		vsnprintf(big, (size_t)n + 1, fmt, again);
		msg = big;
	}
	va_end(again);
	fputs("netcensus: ", stderr);
	if (n >= 0)
		textsafe_fputs(msg, stderr);
	fputc('\n', stderr);
	if (msg != small)
		free(msg);
}

void cli_print_table(const char *const *headers, size_t ncols, const char *const *cells,
		     size_t nrows)
{
	size_t width[CLI_TABLE_MAX_COLUMNS];
	/* the columns shown; a row is still ncols cells long */
	size_t shown = NC_MIN(ncols, (size_t)CLI_TABLE_MAX_COLUMNS);

	if (shown == 0)
		return;
	for (size_t c = 0; c < shown; c++) {
		width[c] = strlen(headers[c]);
		for (size_t r = 0; r < nrows; r++)
			width[c] = NC_MAX(width[c], strlen(cells[r * ncols + c]));
	}
	for (size_t r = 0; r <= nrows; r++) {
		const char *const *row = r == 0 ? headers : cells + (r - 1) * ncols;

		for (size_t c = 0; c + 1 < shown; c++)
			printf("%-*s  ", (int)width[c], row[c]);
		printf("%s\n", row[shown - 1]);
	}
}

int cli_print_json(json_t *doc, const char *what)
{
	int r = 0;

	if (doc == NULL)
		return nc_fail(NC_ERR_NOMEM, "out of memory building the %s", what);
	if (json_dumpf(doc, stdout, JSON_INDENT(2)) != 0 || fputc('\n', stdout) == EOF)
		r = nc_fail(NC_ERR_IO, "cannot write the %s", what);
	json_decref(doc);
	return r;
}

int cli_open_scan(const char *opt_db, const char *opt_scan, const char *what,
		  inventory_t **inv, scan_row *scan)
{
	uint64_t id = 0;
	const char *status;
	int r;

	*inv = NULL;
	if (opt_scan != NULL && (r = parse_u64(opt_scan, 1, INT64_MAX, &id, "scan id")) != 0)
		return r;
	if ((r = inventory_open(cli_db_path(opt_db), INV_READONLY, inv)) != 0 ||
	    (r = inventory_snapshot(*inv)) != 0)
		return r;
	if ((r = opt_scan != NULL ? query_scan(*inv, (int64_t)id, scan)
				  : query_latest_scan(*inv, scan)) != 0)
		return r;
	status = scan->status != NULL ? scan->status : "";
	if (strcmp(status, "interrupted") == 0)
		cli_error("scan %lld was interrupted; its %s may be incomplete", (long long)scan->id,
			  what);
	else if (strcmp(status, "running") == 0)
		cli_error("scan %lld is still running; its %s is incomplete", (long long)scan->id,
			  what);
	else if (strcmp(status, "failed") == 0)
		cli_error("scan %lld failed; its %s may be incomplete", (long long)scan->id, what);
	return 0;
}
