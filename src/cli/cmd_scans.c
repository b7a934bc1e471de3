#include "config.h"

/*
 * cmd_scans.c — `netcensus scans`: the list of recorded scans.
 *
 * The first thing a user runs to see what the inventory holds and which
 * scan id to hand to `hosts`, `export` or `diff`.  The table is aligned for
 * people and free of any decoration, so `awk` can read it too; --json gives
 * the same fields to programs (export/json_hosts.h), plus the host counts.
 *
 * `--prune KEEP` removes the scans older than the newest KEEP complete ones
 * (inventory/prune.h) and says what went; `--dry-run` only says it.
 */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "export/json_hosts.h"
#include "inventory/db.h"
#include "inventory/identity.h"
#include "inventory/prune.h"
#include "inventory/query.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/parse.h"

/* TARGETS: how many addresses the specs named; HOSTS: how many answered
 * (so far, for a running scan); NEW: how many of those were seen first. */
static const char *const scan_headers[] = {
    "ID", "STATUS", "STARTED", "DURATION", "TARGETS", "HOSTS", "NEW", "SPECS",
};
#define SCAN_COLUMNS ARRAY_SIZE(scan_headers)

/* One table row: the formatted numbers, and every cell by column. */
typedef struct {
	char id[24], started[32], duration[48], count[24], up[24], fresh[24];
	const char *cell[SCAN_COLUMNS];
} scan_line;

/* Per scan: hosts observed and hosts first seen there. */
typedef struct {
	int64_t hosts, new_hosts;
} scan_counts;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: netcensus scans [--db FILE] [--json]\n"
		"       netcensus scans --prune KEEP [--dry-run] [--db FILE] [--json]\n"
		"\n"
		"List the scans recorded in the inventory, oldest first: id, status, start,\n"
		"duration, addresses targeted, hosts seen, hosts seen for the first time.\n"
		"\n"
		"  --db FILE     inventory database (default: $NETCENSUS_DB, else ./netcensus.db)\n"
		"  --json        print JSON instead of a table\n"
		"  --prune KEEP  keep the newest KEEP complete scans (and every newer or still\n"
		"                running one); remove older scans, what they recorded, and the\n"
		"                hosts no remaining scan saw. Refused while a scan is writing.\n"
		"  --dry-run     with --prune: list what would be removed, change nothing\n"
		"  -h, --help    show this help\n");
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

static void fill_line(scan_line *l, const scan_row *s, const scan_counts *c)
{
	snprintf(l->id, sizeof(l->id), "%lld", (long long)s->id);
	l->cell[0] = l->id;
	l->cell[1] = s->status ? s->status : "-";
	l->cell[2] = query_time_local(s->started_at, l->started, sizeof(l->started));
	l->cell[3] = s->finished_at > 0 ? format_duration(s->finished_at - s->started_at,
							  l->duration, sizeof(l->duration))
					: "-";
	l->cell[4] = format_count(s->target_count, l->count, sizeof(l->count));
	/* a finished scan's own count; a running one's rows so far */
	l->cell[5] = format_count(s->hosts_up >= 0 ? s->hosts_up : c->hosts, l->up, sizeof(l->up));
	l->cell[6] = format_count(c->new_hosts, l->fresh, sizeof(l->fresh));
	l->cell[7] = s->targets ? s->targets : "-";
}

static int read_counts(inventory_t *inv, const scan_row *scans, size_t n, scan_counts **out)
{
	scan_counts *c = calloc(n ? n : 1, sizeof(*c));
	int r;

	*out = NULL;
	if (c == NULL)
		return nc_fail(NC_ERR_NOMEM, "out of memory listing scans");
	for (size_t i = 0; i < n; i++) {
		if ((r = query_scan_host_counts(inv, scans[i].id, &c[i].hosts, &c[i].new_hosts)) !=
		    0) {
			free(c);
			return r;
		}
	}
	*out = c;
	return 0;
}

static int print_table(const scan_row *scans, const scan_counts *counts, size_t n)
{
	scan_line *lines = calloc(n ? n : 1, sizeof(*lines));
	const char **cells = calloc(n ? n * SCAN_COLUMNS : 1, sizeof(*cells));

	if (lines == NULL || cells == NULL) {
		free(lines);
		free(cells);
		return nc_fail(NC_ERR_NOMEM, "out of memory listing scans");
	}
	for (size_t i = 0; i < n; i++) {
		fill_line(&lines[i], &scans[i], &counts[i]);
		memcpy(cells + i * SCAN_COLUMNS, lines[i].cell, sizeof(lines[i].cell));
	}
	cli_print_table(scan_headers, SCAN_COLUMNS, cells, n);
	free(lines);
	free(cells);
	return 0;
}

static int print_json(const scan_row *scans, const scan_counts *counts, size_t n)
{
	json_t *list = json_hosts_scan_list(scans, n);
	int bad = list == NULL;

	for (size_t i = 0; i < n && !bad; i++) {
		json_t *o = json_array_get(list, i);
		int64_t hosts = scans[i].hosts_up >= 0 ? scans[i].hosts_up : counts[i].hosts;

		bad |= json_object_set_new(o, "hosts", json_integer(hosts));
		bad |= json_object_set_new(o, "new_hosts", json_integer(counts[i].new_hosts));
	}
	if (bad) {
		json_decref(list);
		list = NULL;
	}
	return cli_print_json(list, "scan list");
}

static int print_prune(const prune_report *p, long keep, bool dry_run, bool json)
{
	const char *verb = dry_run ? "would remove" : "removed";

	if (json) {
		json_t *doc = json_object(), *ids = json_array();
		int bad = doc == NULL || ids == NULL;

		for (size_t i = 0; i < p->nscans && !bad; i++)
			bad |= json_array_append_new(ids, json_integer(p->scan_ids[i]));
		if (!bad) {
			bad |= json_object_set_new(doc, "dry_run", json_boolean(dry_run));
			bad |= json_object_set_new(doc, "keep", json_integer(keep));
			bad |= json_object_set_new(doc, "oldest_kept",
						   p->oldest_kept ? json_integer(p->oldest_kept)
								  : json_null());
			bad |= json_object_set_new(doc, "scans", ids);
			ids = NULL;
			bad |=
			    json_object_set_new(doc, "observations", json_integer(p->observations));
			bad |= json_object_set_new(doc, "hosts", json_integer(p->hosts));
			bad |= json_object_set_new(doc, "changes", json_integer(p->changes));
		}
		json_decref(ids);
		if (bad) {
			json_decref(doc);
			doc = NULL;
		}
		return cli_print_json(doc, "prune report");
	}
	if (p->oldest_kept == 0) {
		printf("nothing to prune: fewer than %ld complete scans\n", keep);
		return 0;
	}
	if (p->nscans == 0) {
		printf("nothing to prune: no scan older than scan %lld\n",
		       (long long)p->oldest_kept);
		return 0;
	}
	printf("%s %zu scan%s:", verb, p->nscans, p->nscans == 1 ? "" : "s");
	for (size_t i = 0; i < p->nscans; i++)
		printf(" %lld", (long long)p->scan_ids[i]);
	printf("\n%s %lld observation%s, %lld host%s no remaining scan saw, %lld change-log "
	       "row%s and event%s\n",
	       verb, (long long)p->observations, p->observations == 1 ? "" : "s",
	       (long long)p->hosts, p->hosts == 1 ? "" : "s", (long long)p->changes,
	       p->changes == 1 ? "" : "s", p->changes == 1 ? "" : "s");
	printf("kept scan %lld and newer\n", (long long)p->oldest_kept);
	return 0;
}

/* Pruning opens the database for writing, which would create it. */
static int refuse_missing(const char *path)
{
	struct stat sb;

	if (stat(path, &sb) == 0)
		return 0;
	if (errno == ENOENT)
		return nc_fail(NC_ERR_NOT_FOUND, "no inventory at %s (run a scan first)", path);
	return nc_fail(NC_ERR_IO, "cannot open database %s: %s", path, strerror(errno));
}

int cmd_scans(int argc, char **argv)
{
	static const struct option options[] = {
	    {"db", required_argument, NULL, 'd'},    {"json", no_argument, NULL, 'j'},
	    {"prune", required_argument, NULL, 'p'}, {"dry-run", no_argument, NULL, 'n'},
	    {"help", no_argument, NULL, 'h'},	     {NULL, 0, NULL, 0},
	};
	const char *opt_db = NULL, *opt_prune = NULL;
	bool json = false, dry_run = false;
	inventory_t *inv = NULL;
	scan_row *scans = NULL;
	scan_counts *counts = NULL;
	prune_report report = {0};
	uint64_t keep = 0;
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
		case 'p':
			opt_prune = optarg;
			break;
		case 'n':
			dry_run = true;
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

	if (dry_run && opt_prune == NULL) {
		cli_error("scans: --dry-run goes with --prune KEEP");
		usage(stderr);
		return NC_EXIT_ERROR;
	}

	nc_clear_error();
	if (opt_prune != NULL) {
		/* a dry run changes nothing, not even the schema version */
		if ((r = parse_u64(opt_prune, 1, 1000000, &keep, "--prune KEEP (scans to keep)")) !=
			0 ||
		    (r = refuse_missing(cli_db_path(opt_db))) != 0 ||
		    (r = inventory_open(cli_db_path(opt_db), dry_run ? INV_READONLY : INV_WRITE,
					&inv)) != 0 ||
		    (r = inventory_prune(inv, (long)keep, dry_run, &report)) != 0 ||
		    (r = print_prune(&report, (long)keep, dry_run, json)) != 0)
			goto out;
	} else if ((r = inventory_open(cli_db_path(opt_db), INV_READONLY, &inv)) != 0 ||
		   (r = inventory_snapshot(inv)) != 0 ||
		   (r = query_scans(inv, &scans, &n)) != 0 ||
		   (r = read_counts(inv, scans, n, &counts)) != 0 ||
		   (r = json ? print_json(scans, counts, n) : print_table(scans, counts, n)) != 0) {
		goto out;
	}
	if (fflush(stdout) != 0)
		r = nc_fail(NC_ERR_IO, "cannot write to standard output");
out:
	if (r != 0)
		cli_error("%s", nc_errmsg(r));
	query_scans_free(scans, n);
	free(counts);
	prune_report_free(&report);
	inventory_close(inv);
	return r == 0 ? NC_EXIT_OK : NC_EXIT_ERROR;
}
