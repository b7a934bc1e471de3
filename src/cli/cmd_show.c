#include "config.h"

/*
 * cmd_show.c — `netcensus show HOST`: everything one scan knows about one
 * host.
 *
 * HOST is an address, a MAC or a hostname (inventory/facts_store.h says how
 * each is matched); without --scan the newest scan that saw the host is
 * read.  The text is grouped the way an administrator reads a machine:
 * who it is and how it changed across scans, what we concluded and from
 * which source, how it answered discovery, its ports and services, its
 * hardware and software, and last the raw evidence behind the verdict.  --json gives the same
 * groups (export/json_hosts.h).
 *
 * Everything printed came off the network at some point.  The inventory
 * readers already replace control characters; this file does it once more
 * on the way out, so a terminal never receives one even from a database
 * written by something else.
 */

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "export/json_hosts.h"
#include "inventory/db.h"
#include "inventory/facts_store.h"
#include "inventory/identity.h"
#include "inventory/query.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/grow.h"
#include "util/parse.h"

/* Cells of a column that is not the last are cut to this many bytes; the
 * last column (a banner, a raw value) is printed whole. */
#define SHOW_CELL_MAX 60
#define SHOW_LABEL_WIDTH 12
/* The newest change-log rows `show` prints (--json too). */
#define SHOW_HISTORY_MAX 20

static void usage(FILE *f)
{
	fprintf(f,
		"usage: netcensus show HOST [--db FILE] [--scan ID] [--json]\n"
		"\n"
		"Everything known about one host: identity, history (first/last seen and\n"
		"what changed between scans), verdict (with the source that decided each\n"
		"field), discovery, ports, services, hardware, software and the raw\n"
		"evidence. HOST is an address, a MAC or a hostname.\n"
		"Default: the newest finished scan that saw the host.\n"
		"\n"
		"  --db FILE   inventory database (default: $NETCENSUS_DB, else ./netcensus.db)\n"
		"  --scan ID   read this scan (see `netcensus scans`)\n"
		"  --json      print a JSON document instead of text\n"
		"  -h, --help  show this help\n");
}

/* ---- safe text ------------------------------------------------------------ */

/* The bytes of the UTF-8 character at s (at most left), 0 if it is not one. */
static size_t utf8_size(const char *s, size_t left)
{
	unsigned char c = (unsigned char)s[0];
	size_t size = c < 0x80	  ? 1
		      : c >= 0xf8 ? 0
		      : c >= 0xf0 ? 4
		      : c >= 0xe0 ? 3
		      : c >= 0xc0 ? 2
				  : 0;

	if (size > left)
		return 0;
	for (size_t k = 1; k < size; k++)
		if (((unsigned char)s[k] & 0xc0) != 0x80)
			return 0;
	return size;
}

/*
 * A copy of s that a terminal can print: C0 controls, DEL, UTF-8 C1
 * controls (C2 80-9F) and bytes that are not UTF-8 become '?', and it is
 * cut to max bytes (on a character boundary, with "..." added).  "-" for NULL or "". NULL when
 * out of memory.
 */
static char *clean_cell(const char *s, size_t max)
{
	size_t len, n = 0;
	char *out;

	if (s == NULL || s[0] == '\0')
		s = "-";
	len = strlen(s);
	if ((out = malloc(NC_MIN(len, max) + 4)) == NULL)
		return NULL;
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		size_t size = utf8_size(s + i, len - i);

		if (n + NC_MAX(size, 1) > max) {
			memcpy(out + n, "...", 3);
			n += 3;
			break;
		}
		if (size == 0) { /* not UTF-8: one byte, shown as '?' */
			out[n++] = '?';
			size = 1;
		} else if (c < 0x20 || c == 0x7f ||
			   (c == 0xc2 && (unsigned char)s[i + 1] <= 0x9f)) {
			out[n++] = '?';
		} else {
			memcpy(out + n, s + i, size);
			n += size;
		}
		i += size;
	}
	out[n] = '\0';
	return out;
}

/* "label       value" on one line, value cleaned (never cut). */
static int print_field(const char *label, const char *value)
{
	char *v = clean_cell(value, SIZE_MAX - 4);

	if (v == NULL)
		return nc_fail(NC_ERR_NOMEM, "out of memory printing the host");
	printf("%-*s  %s\n", SHOW_LABEL_WIDTH, label, v);
	free(v);
	return 0;
}

static void print_section(const char *title, size_t count, bool counted)
{
	if (counted)
		printf("\n== %s (%zu) ==\n", title, count);
	else
		printf("\n== %s ==\n", title);
}

/* ---- tables --------------------------------------------------------------- */

/* A table being filled: rows of ncols cleaned cells. */
typedef struct {
	const char *const *headers;
	size_t ncols;
	char **cells; /* nrows * ncols, owned */
	size_t nrows, cap;
	bool keep_empty; /* print columns that are "-" in every row */
} table;

/* Append one row; values may be NULL ("-"). */
static int table_add(table *t, const char *const *values)
{
	if (nc_grow(&t->cells, &t->cap, (t->nrows + 1) * t->ncols, sizeof(*t->cells), 16) != 0)
		return nc_fail(NC_ERR_NOMEM, "out of memory printing the host");
	for (size_t c = 0; c < t->ncols; c++) {
		char *cell = clean_cell(values[c], c + 1 < t->ncols ? SHOW_CELL_MAX : SIZE_MAX - 4);

		if (cell == NULL) {
			for (size_t k = 0; k < c; k++)
				free(t->cells[t->nrows * t->ncols + k]);
			return nc_fail(NC_ERR_NOMEM, "out of memory printing the host");
		}
		t->cells[t->nrows * t->ncols + c] = cell;
	}
	t->nrows++;
	return 0;
}

static void table_free(table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = t->cap = 0;
}

/* Print with cli_print_table(), leaving out the columns no row has a value
 * for (a table of printers has no use for a SIZE column); "none" when
 * there are no rows.  Frees the table. */
static int table_print(table *t)
{
	const char *headers[CLI_TABLE_MAX_COLUMNS];
	const char **cells = NULL;
	size_t keep[CLI_TABLE_MAX_COLUMNS], nkeep = 0;

	if (t->nrows == 0 || t->ncols == 0) {
		printf("none\n");
		table_free(t);
		return 0;
	}
	for (size_t c = 0; c < t->ncols && nkeep < CLI_TABLE_MAX_COLUMNS; c++) {
		bool used = t->keep_empty || c == 0;

		for (size_t r = 0; r < t->nrows && !used; r++)
			used = strcmp(t->cells[r * t->ncols + c], "-") != 0;
		if (used) {
			headers[nkeep] = t->headers[c];
			keep[nkeep++] = c;
		}
	}
	if ((cells = calloc(t->nrows * nkeep, sizeof(*cells))) == NULL) {
		table_free(t);
		return nc_fail(NC_ERR_NOMEM, "out of memory printing the host");
	}
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t k = 0; k < nkeep; k++)
			cells[r * nkeep + k] = t->cells[r * t->ncols + keep[k]];
	cli_print_table(headers, nkeep, cells, t->nrows);
	free(cells);
	table_free(t);
	return 0;
}

/* ---- the groups ------------------------------------------------------------ */

static const char *format_int(int64_t v, char *buf, size_t len)
{
	if (v < 0)
		return NULL;
	snprintf(buf, len, "%lld", (long long)v);
	return buf;
}

/* 21474836480 -> "20.0 GiB". */
static const char *format_bytes(int64_t v, char *buf, size_t len)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
	double x = (double)v;
	size_t u = 0;

	if (v < 0)
		return NULL;
	while (x >= 1024 && u + 1 < ARRAY_SIZE(units)) {
		x /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%lld B", (long long)v);
	else
		snprintf(buf, len, "%.1f %s", x, units[u]);
	return buf;
}

static int print_identity(const host_detail *d)
{
	const host_row *h = &d->host;
	char mac[64] = "", first[32], last[32];
	int r;

	print_section("Identity", 0, false);
	if (h->mac != NULL)
		snprintf(mac, sizeof(mac), "%s (%s)", h->mac, h->mac_source ? h->mac_source : "?");
	if ((r = print_field("address", h->address)) != 0 ||
	    (r = print_field("mac", h->mac ? mac : NULL)) != 0 ||
	    (r = print_field("vendor", h->vendor)) != 0 ||
	    (r = print_field("hostname", host_detail_verdict(d, "hostname"))) != 0 ||
	    (r = print_field("domain", host_detail_verdict(d, "domain"))) != 0 ||
	    (r = print_field("first seen",
			     query_time_local(d->first_seen, first, sizeof(first)))) != 0 ||
	    (r = print_field("last seen", query_time_local(d->last_seen, last, sizeof(last)))) != 0)
		return r;
	return 0;
}

/* First/last scan and the newest changes of the host across all scans. */
static int print_history(const host_history *h)
{
	static const char *const headers[] = {"SCAN", "DATE", "FIELD", "OLD", "NEW"};
	table t = {.headers = headers, .ncols = ARRAY_SIZE(headers), .keep_empty = true};
	char first[24], last[24], scans[32];
	int r;

	print_section("History", 0, false);
	snprintf(scans, sizeof(scans), "%lld scan%s", (long long)h->scans,
		 h->scans == 1 ? "" : "s");
	if ((r = print_field("seen in", scans)) != 0 ||
	    (r = print_field("first scan", h->first_scan > 0
					       ? format_int(h->first_scan, first, sizeof(first))
					       : NULL)) != 0 ||
	    (r = print_field("last scan", h->last_scan > 0
					      ? format_int(h->last_scan, last, sizeof(last))
					      : NULL)) != 0)
		return r;
	for (size_t i = 0; i < h->nrows; i++) {
		const host_history_row *c = &h->rows[i];
		char scan[24], date[32];
		const char *row[] = {format_int(c->scan_id, scan, sizeof(scan)),
				     query_time_local(c->at, date, sizeof(date)), c->field,
				     c->old_value, c->new_value};

		if ((r = table_add(&t, row)) != 0) {
			table_free(&t);
			return r;
		}
	}
	if ((r = table_print(&t)) != 0)
		return r;
	if (h->truncated)
		printf("(older changes left out)\n");
	return 0;
}

static int print_verdict(const host_detail *d)
{
	static const char *const headers[] = {"FIELD", "VALUE", "SOURCE", "CONFIDENCE"};
	table t = {.headers = headers, .ncols = ARRAY_SIZE(headers), .keep_empty = true};
	int r;

	print_section("Verdict", 0, false);
	for (size_t i = 0; i < d->nverdicts; i++) {
		const verdict_row *v = &d->verdicts[i];
		char conf[16];
		const char *row[] = {v->field, v->value, v->source,
				     format_int(v->confidence, conf, sizeof(conf))};

		if ((r = table_add(&t, row)) != 0) {
			table_free(&t);
			return r;
		}
	}
	return table_print(&t);
}

static int print_discovery(const host_row *h)
{
	char ttl[16], rtt[32] = "";
	int r;

	print_section("Discovery", 0, false);
	if (h->rtt_us >= 0)
		snprintf(rtt, sizeof(rtt), "%.2fms", (double)h->rtt_us / 1000.0);
	if ((r = print_field("reasons", h->reasons)) != 0 ||
	    (r = print_field("learned by", h->address_reason)) != 0 ||
	    (r = print_field("ttl", format_int(h->ttl, ttl, sizeof(ttl)))) != 0 ||
	    (r = print_field("rtt", h->rtt_us >= 0 ? rtt : NULL)) != 0 ||
	    (r = print_field("on link", h->on_link ? "yes" : "no")) != 0)
		return r;
	return 0;
}

static int print_ports(const host_row *h)
{
	static const char *const headers[] = {"PORT", "STATE", "REASON", "TTL"};
	table t = {.headers = headers, .ncols = ARRAY_SIZE(headers)};
	int r;

	print_section("Ports", 0, false);
	for (size_t i = 0; i < h->nports; i++) {
		const port_row *p = &h->ports[i];
		char port[32], ttl[16];
		const char *row[] = {port, p->state, p->reason,
				     format_int(p->ttl, ttl, sizeof(ttl))};

		snprintf(port, sizeof(port), "%u/%s", p->port, p->proto ? p->proto : "?");
		if ((r = table_add(&t, row)) != 0) {
			table_free(&t);
			return r;
		}
	}
	return table_print(&t);
}

static int print_services(const host_detail *d)
{
	static const char *const headers[] = {"PORT",	 "NAME", "PRODUCT",
					      "VERSION", "INFO", "BANNER"};
	table t = {.headers = headers, .ncols = ARRAY_SIZE(headers)};
	int r;

	print_section("Services", 0, false);
	for (size_t i = 0; i < d->nservices; i++) {
		const service_row *s = &d->services[i];
		char port[32];
		const char *row[] = {port, s->name, s->product, s->version, s->info, s->banner};

		snprintf(port, sizeof(port), "%u/%s", s->port, s->proto ? s->proto : "?");
		if ((r = table_add(&t, row)) != 0) {
			table_free(&t);
			return r;
		}
	}
	return table_print(&t);
}

/* One table per kind; the rows arrive grouped by kind. */
static int print_hardware(const host_detail *d)
{
	static const char *const headers[] = {"NAME",	  "VENDOR", "MODEL", "SERIAL",
					      "FIRMWARE", "SIZE",   "USED",  "EXTRA"};
	int r;

	print_section("Hardware", 0, false);
	if (d->nhardware == 0)
		printf("none\n");
	for (size_t i = 0; i < d->nhardware;) {
		const char *kind = d->hardware[i].kind;
		table t = {.headers = headers, .ncols = ARRAY_SIZE(headers)};
		size_t end = i;
		char *title;

		while (end < d->nhardware && strcmp(d->hardware[end].kind, kind) == 0)
			end++;
		if ((title = clean_cell(kind, SHOW_CELL_MAX)) == NULL)
			return nc_fail(NC_ERR_NOMEM, "out of memory printing the host");
		printf("%s-- %s (%zu) --\n", i ? "\n" : "", title, end - i);
		free(title);
		for (; i < end; i++) {
			const hardware_row *hw = &d->hardware[i];
			char size[32], used[32];
			const char *row[] = {hw->name,
					     hw->vendor,
					     hw->model,
					     hw->serial,
					     hw->firmware,
					     format_bytes(hw->size_bytes, size, sizeof(size)),
					     format_bytes(hw->used_bytes, used, sizeof(used)),
					     hw->extra};

			if ((r = table_add(&t, row)) != 0) {
				table_free(&t);
				return r;
			}
		}
		if ((r = table_print(&t)) != 0)
			return r;
	}
	return 0;
}

static int print_software(const host_detail *d)
{
	static const char *const headers[] = {"NAME", "VERSION", "ARCH", "SIZE", "VENDOR",
					      "INSTALLED"};
	table t = {.headers = headers, .ncols = ARRAY_SIZE(headers)};
	int r;

	print_section("Software", d->nsoftware, true);
	for (size_t i = 0; i < d->nsoftware; i++) {
		const software_row *s = &d->software[i];
		char size[32];
		const char *row[] = {s->name,
				     s->version,
				     s->arch,
				     format_bytes(s->size_bytes, size, sizeof(size)),
				     s->vendor,
				     s->install_date};

		if ((r = table_add(&t, row)) != 0) {
			table_free(&t);
			return r;
		}
	}
	return table_print(&t);
}

static int print_evidence(const host_detail *d)
{
	static const char *const headers[] = {"KEY", "SOURCE", "CONFIDENCE", "VALUE"};
	table t = {.headers = headers, .ncols = ARRAY_SIZE(headers), .keep_empty = true};
	int r;

	print_section("Evidence", d->nfacts, true);
	for (size_t i = 0; i < d->nfacts; i++) {
		const fact_row *f = &d->facts[i];
		char conf[16];
		const char *row[] = {f->key, f->source,
				     format_int(f->confidence, conf, sizeof(conf)), f->value};

		if ((r = table_add(&t, row)) != 0) {
			table_free(&t);
			return r;
		}
	}
	return table_print(&t);
}

static int print_text(const scan_row *scan, const host_detail *d, const host_history *h)
{
	char started[32];
	char *address = clean_cell(d->host.address, SHOW_CELL_MAX);
	int r;

	if (address == NULL)
		return nc_fail(NC_ERR_NOMEM, "out of memory printing the host");
	printf("host %s in scan %lld (%s, started %s)\n", address, (long long)scan->id,
	       scan->status ? scan->status : "?",
	       query_time_local(scan->started_at, started, sizeof(started)));
	free(address);
	if ((r = print_identity(d)) != 0 || (r = print_history(h)) != 0 ||
	    (r = print_verdict(d)) != 0 || (r = print_discovery(&d->host)) != 0 ||
	    (r = print_ports(&d->host)) != 0 || (r = print_services(d)) != 0 ||
	    (r = print_hardware(d)) != 0 || (r = print_software(d)) != 0 ||
	    (r = print_evidence(d)) != 0)
		return r;
	return 0;
}

int cmd_show(int argc, char **argv)
{
	static const struct option options[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"scan", required_argument, NULL, 's'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *opt_db = NULL, *opt_scan = NULL, *spec;
	bool json = false;
	inventory_t *inv = NULL;
	scan_row scan = {0};
	host_detail detail = {0};
	host_history history = {0};
	uint64_t scan_id = 0;
	int c, r;

	optind = 0; /* glibc: restart scanning, whatever parsed argv before */
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'd':
			opt_db = optarg;
			break;
		case 's':
			opt_scan = optarg;
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
	if (optind >= argc) {
		cli_error("show: which host? (an address, a MAC or a hostname)");
		usage(stderr);
		return NC_EXIT_ERROR;
	}
	spec = argv[optind];
	if (optind + 1 < argc) {
		cli_error("show: unexpected argument '%s'", argv[optind + 1]);
		usage(stderr);
		return NC_EXIT_ERROR;
	}

	nc_clear_error();
	if (opt_scan != NULL && (r = parse_u64(opt_scan, 1, INT64_MAX, &scan_id, "scan id")) != 0)
		goto out;
	if ((r = inventory_open(cli_db_path(opt_db), INV_READONLY, &inv)) != 0 ||
	    (r = inventory_snapshot(inv)) != 0 ||
	    (r = query_host_detail(inv, (int64_t)scan_id, spec, &detail)) != 0 ||
	    (r = query_scan(inv, detail.scan_id, &scan)) != 0 ||
	    (r = query_host_history(inv, detail.host.host_id, SHOW_HISTORY_MAX, &history)) != 0)
		goto out;
	if (json) {
		json_t *doc = json_hosts_detail(&scan, &detail);

		if (doc != NULL &&
		    json_object_set_new(doc, "history", json_hosts_history(&history)) != 0) {
			json_decref(doc);
			doc = NULL;
		}
		r = cli_print_json(doc, "host document");
	} else {
		r = print_text(&scan, &detail, &history);
	}
	if (r != 0)
		goto out;
	if (fflush(stdout) != 0)
		r = nc_fail(NC_ERR_IO, "cannot write to standard output");
out:
	if (r != 0)
		cli_error("%s", nc_errmsg(r));
	query_host_detail_free(&detail);
	query_host_history_free(&history);
	scan_row_clear(&scan);
	inventory_close(inv);
	return r == 0 ? NC_EXIT_OK : NC_EXIT_ERROR;
}
