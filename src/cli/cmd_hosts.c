#include "config.h"

/*
 * cmd_hosts.c — `netcensus hosts`: one line per host a scan found.
 *
 * By default it shows the newest scan that ended (complete, or interrupted
 * with a warning, since an interrupted sweep still found real hosts), so
 * `hosts` right after `scan` shows what that scan saw.  Standard output is
 * the table alone, header then rows, so scripts can read it; notes go to
 * standard error.  Vendor, hostname, OS and device type come from the
 * fingerprint verdicts ("-" when unknown).  --json gives the same data with
 * every field (export/json_hosts.h).
 */

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "export/json_hosts.h"
#include "inventory/db.h"
#include "inventory/query.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/parse.h"

/* The columns, in the order printed; tests/lab/discovery.test matches the
 * header's first seven. */
enum {
	COL_ADDRESS,
	COL_MAC,
	COL_VENDOR,
	COL_HOSTNAME,
	COL_OS,
	COL_DEVICE,
	COL_TTL,
	COL_RTT,
	COL_REASONS,
	COL_OPEN_PORTS,
	HOST_COLUMNS
};

static const char *const host_headers[] = {
    [COL_ADDRESS] = "ADDRESS",
    [COL_MAC] = "MAC",
    [COL_VENDOR] = "VENDOR",
    [COL_TTL] = "TTL",
    [COL_RTT] = "RTT",
    [COL_REASONS] = "REASONS",
    [COL_OPEN_PORTS] = "OPEN-PORTS",
    [COL_HOSTNAME] = "HOSTNAME",
    [COL_OS] = "OS",
    [COL_DEVICE] = "DEVICE",
};
_Static_assert(ARRAY_SIZE(host_headers) == HOST_COLUMNS, "a column has no header");

/* One table row: the formatted values, and every cell by column. */
typedef struct {
	char ttl[12], rtt[32];
	char *open_ports; /* owned */
	const char *cell[HOST_COLUMNS];
} host_line;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: netcensus hosts [--db FILE] [--scan ID] [--json]\n"
		"\n"
		"List the hosts one scan found, by address. Default: the newest scan\n"
		"that completed or was interrupted.\n"
		"\n"
		"  --db FILE   inventory database (default: $NETCENSUS_DB, else ./netcensus.db)\n"
		"  --scan ID   the scan to show (see `netcensus scans`)\n"
		"  --json      print a JSON document instead of a table\n"
		"  -h, --help  show this help\n");
}

/* "22,80,443" (other protocols as "161/udp"), or "-"; NULL when out of
 * memory. The caller frees. */
static char *open_port_list(const host_row *h)
{
	size_t len = 2, used = 0;
	char *list;

	for (size_t i = 0; i < h->nports; i++)
		len += strlen(h->ports[i].proto ? h->ports[i].proto : "") + 8;
	if ((list = malloc(len)) == NULL)
		return NULL;
	list[0] = '\0';
	for (size_t i = 0; i < h->nports; i++) {
		const port_row *p = &h->ports[i];
		const char *proto = p->proto ? p->proto : "?";

		if (p->state == NULL || strcmp(p->state, "open") != 0)
			continue;
		if (strcmp(proto, "tcp") == 0)
			used += (size_t)snprintf(list + used, len - used, "%s%u", used ? "," : "",
						 p->port);
		else
			used += (size_t)snprintf(list + used, len - used, "%s%u/%s",
						 used ? "," : "", p->port, proto);
	}
	if (used == 0)
		snprintf(list, len, "-");
	return list;
}

/* A cell for a value that may be unknown (NULL or empty). */
static const char *or_dash(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : "-";
}

static int fill_line(host_line *l, const host_row *h)
{
	if ((l->open_ports = open_port_list(h)) == NULL)
		return nc_fail(NC_ERR_NOMEM, "out of memory listing hosts");
	if (h->ttl >= 0)
		snprintf(l->ttl, sizeof(l->ttl), "%d", h->ttl);
	else
		snprintf(l->ttl, sizeof(l->ttl), "-");
	if (h->rtt_us >= 0)
		snprintf(l->rtt, sizeof(l->rtt), "%.2fms", (double)h->rtt_us / 1000.0);
	else
		snprintf(l->rtt, sizeof(l->rtt), "-");
	l->cell[COL_ADDRESS] = h->address;
	l->cell[COL_MAC] = or_dash(h->mac);
	l->cell[COL_VENDOR] = or_dash(h->vendor);
	l->cell[COL_TTL] = l->ttl;
	l->cell[COL_RTT] = l->rtt;
	l->cell[COL_REASONS] = or_dash(h->reasons);
	l->cell[COL_OPEN_PORTS] = l->open_ports;
	l->cell[COL_HOSTNAME] = or_dash(h->hostname);
	l->cell[COL_OS] = or_dash(h->os);
	l->cell[COL_DEVICE] = or_dash(h->device_type);
	return 0;
}

static int print_table(const host_row *hosts, size_t n)
{
	host_line *lines = calloc(n ? n : 1, sizeof(*lines));
	const char **cells = calloc(n ? n * HOST_COLUMNS : 1, sizeof(*cells));
	int r = NC_ERR_INTERNAL;

	if (lines == NULL || cells == NULL) {
		r = nc_fail(NC_ERR_NOMEM, "out of memory listing hosts");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if ((r = fill_line(&lines[i], &hosts[i])) != 0)
			goto out;
		memcpy(cells + i * HOST_COLUMNS, lines[i].cell, sizeof(lines[i].cell));
	}
	cli_print_table(host_headers, HOST_COLUMNS, cells, n);
	r = 0;
out:
	for (size_t i = 0; lines != NULL && i < n; i++)
		free(lines[i].open_ports);
	free(lines);
	free(cells);
	return r;
}

static int print_json(const scan_row *scan, const host_row *hosts, size_t n)
{
	return cli_print_json(json_hosts_document(scan, hosts, n), "host list");
}

/* The user should know when the list they read is not a whole scan. */
int cmd_hosts(int argc, char **argv)
{
	static const struct option options[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"scan", required_argument, NULL, 's'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *opt_db = NULL, *opt_scan = NULL;
	bool json = false;
	inventory_t *inv = NULL;
	scan_row scan = {0};
	host_row *hosts = NULL;
	size_t n = 0;
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
	if (optind < argc) {
		cli_error("hosts: unexpected argument '%s'", argv[optind]);
		usage(stderr);
		return NC_EXIT_ERROR;
	}

	nc_clear_error();
	if ((r = cli_open_scan(opt_db, opt_scan, "host list", &inv, &scan)) != 0 ||
	    (r = query_scan_hosts(inv, scan.id, &hosts, &n)) != 0)
		goto out;
	if ((r = json ? print_json(&scan, hosts, n) : print_table(hosts, n)) != 0)
		goto out;
	if (fflush(stdout) != 0)
		r = nc_fail(NC_ERR_IO, "cannot write to standard output");
out:
	if (r != 0)
		cli_error("%s", nc_errmsg(r));
	query_hosts_free(hosts, n);
	scan_row_clear(&scan);
	inventory_close(inv);
	return r == 0 ? NC_EXIT_OK : NC_EXIT_ERROR;
}
