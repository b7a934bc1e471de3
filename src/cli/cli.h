/*
 * cli.h — the sub-commands and what they share.
 *
 * Each cmd_* receives the argv of its sub-command (argv[0] is the
 * sub-command's name), parses it with getopt_long, prints its own output and
 * errors ("netcensus: ..." on stderr) and returns the process exit code:
 * 0 ok, 2 usage or runtime error (1 is reserved for "diff found changes").
 */
#ifndef NC_CLI_CLI_H
#define NC_CLI_CLI_H

#define NC_EXIT_OK 0
#define NC_EXIT_DIFF 1
#define NC_EXIT_ERROR 2

int cmd_scan(int argc, char **argv);
int cmd_scans(int argc, char **argv);
int cmd_hosts(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_import(int argc, char **argv);

/* The database path: --db value if given, else $NETCENSUS_DB, else
 * "./netcensus.db". */
const char *cli_db_path(const char *opt_db);

#include <jansson.h>
#include <stddef.h>

#include "inventory/query.h"

#define CLI_TABLE_MAX_COLUMNS 16

/*
 * Print a header row and nrows rows of ncols cells (row-major in cells) to
 * stdout, each column as wide as its widest cell, two spaces apart; the last
 * column is not padded. Cells must not be NULL (use "-"). Only the first
 * CLI_TABLE_MAX_COLUMNS columns are printed; none when ncols is 0.
 */
void cli_print_table(const char *const *headers, size_t ncols, const char *const *cells,
		     size_t nrows);

/* Write doc to stdout as indented JSON and release it (NULL: out of memory).
 * what names the document in errors ("host list"). 0 or an nc_err. */
int cli_print_json(json_t *doc, const char *what);

/*
 * What a reading command (hosts, export, report) starts with: open the
 * database (opt_db as for cli_db_path) read-only inside one read snapshot,
 * and fill *scan with scan opt_scan (an id as the user typed it) or, when
 * opt_scan is NULL, the latest scan query_latest_scan() picks. A scan that
 * did not complete gets a warning on stderr: "... its WHAT may be
 * incomplete". Returns 0 or an nc_err; *inv is set whenever it was opened,
 * and the caller closes it and clears *scan either way.
 */
int cli_open_scan(const char *opt_db, const char *opt_scan, const char *what,
		  inventory_t **inv, scan_row *scan);

/* Print "netcensus: <msg>\n" to stderr (printf-style). */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
