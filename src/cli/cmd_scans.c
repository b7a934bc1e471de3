#include "config.h"

/*
 * cmd_scans.c — `netcensus scans`: the list of recorded scans.
 *
 * The first thing a user runs to see what the inventory holds and which
 * scan id to hand to `hosts`, `export` or `diff`.  The table is aligned for
 * people and free of any decoration, so `awk` can read it too; --json gives
 * the same fields to programs (export/json_hosts.h).
 */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "export/json_hosts.h"
#include "inventory/db.h"
#include "inventory/query.h"
#include "util/compat.h"
#include "util/err.h"

static const char *const scan_headers[] = {
    "ID", "STARTED", "STATUS", "DURATION", "TARGETS", "UP", "SPECS",
};
#define SCAN_COLUMNS ARRAY_SIZE(scan_headers)

/* One table row: the formatted numbers, and every cell by column. */
typedef struct {
	char id[24], started[32], duration[48], count[24], up[24];
	const char *cell[SCAN_COLUMNS];
} scan_line;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: netcensus scans [--db FILE] [--json]\n"
		"\n"
		"List the scans recorded in the inventory, oldest first.\n"
		"\n"
		"  --db FILE   inventory database (default: $NETCENSUS_DB, else ./netcensus.db)\n"
		"  --json      print a JSON array instead of a table\n"
		"  -h, --help  show this help\n");
}

/* "1.23s" below a minute, then "12m03s", then "2h05m". */
static const char *format_duration(double s, char *buf, size_t len)
{
	long whole;

	if (s < 0)
		s = 0;
	whole = (long)s;
	if (s < 60)
		snprintf(buf, len, "%.2fs", s);
	else if (s < 3600)
		snprintf(buf, len, "%ldm%02lds", whole / 60, whole % 60);
	else
		snprintf(buf, len, "%ldh%02ldm", whole / 3600, whole / 60 % 60);
	return buf;
}

static const char *format_count(int64_t v, char *buf, size_t len)
{
	if (v < 0)
		return "-";
	snprintf(buf, len, "%lld", (long long)v);
	return buf;
}

static void fill_line(scan_line *l, const scan_row *s)
{
	snprintf(l->id, sizeof(l->id), "%lld", (long long)s->id);
	l->cell[0] = l->id;
	l->cell[1] = query_time_local(s->started_at, l->started, sizeof(l->started));
	l->cell[2] = s->status ? s->status : "-";
	l->cell[3] = s->finished_at > 0 ? format_duration(s->finished_at - s->started_at,
							  l->duration, sizeof(l->duration))
					: "-";
	l->cell[4] = format_count(s->target_count, l->count, sizeof(l->count));
	l->cell[5] = format_count(s->hosts_up, l->up, sizeof(l->up));
	l->cell[6] = s->targets ? s->targets : "-";
}

static int print_table(const scan_row *scans, size_t n)
{
	scan_line *lines = calloc(n ? n : 1, sizeof(*lines));
	const char **cells = calloc(n ? n * SCAN_COLUMNS : 1, sizeof(*cells));

	if (lines == NULL || cells == NULL) {
		free(lines);
		free(cells);
		return nc_fail(NC_ERR_NOMEM, "out of memory listing scans");
	}
	for (size_t i = 0; i < n; i++) {
		fill_line(&lines[i], &scans[i]);
		memcpy(cells + i * SCAN_COLUMNS, lines[i].cell, sizeof(lines[i].cell));
	}
	cli_print_table(scan_headers, SCAN_COLUMNS, cells, n);
	free(lines);
	free(cells);
	return 0;
}

static int print_json(const scan_row *scans, size_t n)
{
	return cli_print_json(json_hosts_scan_list(scans, n), "scan list");
}

int cmd_scans(int argc, char **argv)
{
	static const struct option options[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *opt_db = NULL;
	bool json = false;
	inventory_t *inv = NULL;
	scan_row *scans = NULL;
	size_t n = 0;
	int c, r;

	optind = 0; /* glibc: restart scanning, whatever parsed argv before */
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'd':
			opt_db = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			usage(stdout);
			return NC_EXIT_OK;
		default:
			usage(stderr);
			return NC_EXIT_ERROR;
		}
	}
	if (optind < argc) {
		cli_error("scans: unexpected argument '%s'", argv[optind]);
		usage(stderr);
		return NC_EXIT_ERROR;
	}

	nc_clear_error();
	if ((r = inventory_open(cli_db_path(opt_db), INV_READONLY, &inv)) != 0 ||
	    (r = query_scans(inv, &scans, &n)) != 0 ||
	    (r = json ? print_json(scans, n) : print_table(scans, n)) != 0)
		goto out;
	if (fflush(stdout) != 0)
		r = nc_fail(NC_ERR_IO, "cannot write to standard output");
out:
	if (r != 0)
		cli_error("%s", nc_errmsg(r));
	query_scans_free(scans, n);
	inventory_close(inv);
	return r == 0 ? NC_EXIT_OK : NC_EXIT_ERROR;
}
