#include "config.h"

/*
 * query.c — reading scans and the hosts of a scan out of the inventory.
 *
 * This is the one place that knows how the tables are read back; the
 * commands and exporters get typed rows (query.h) and never see SQL.  Text
 * leaves here through copy_text(), which neutralises control bytes, so no
 * caller can forget to.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "inventory/query.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/grow.h"

#define SCAN_COLUMNS                                                                               \
	"id, started_at, finished_at, status, targets, command, note, target_count,"               \
	" hosts_up, packets_sent, replies, pid, unprivileged"

enum {
	SC_ID,
	SC_STARTED,
	SC_FINISHED,
	SC_STATUS,
	SC_TARGETS,
	SC_COMMAND,
	SC_NOTE,
	SC_TARGET_COUNT,
	SC_HOSTS_UP,
	SC_PACKETS_SENT,
	SC_REPLIES,
	SC_PID,
	SC_UNPRIVILEGED
};

/* A copy of a text column with bytes < 0x20 and 0x7f replaced by '?';
 * *out = NULL for SQL NULL. */
static int copy_text(sqlite3_stmt *st, int col, char **out)
{
	const unsigned char *s;
	int len;
	char *copy;

	*out = NULL;
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return 0;
	s = sqlite3_column_text(st, col);
	len = sqlite3_column_bytes(st, col);
	if (s == NULL || (copy = malloc((size_t)len + 1)) == NULL)
		return nc_fail(NC_ERR_NOMEM, "out of memory reading the inventory");
	for (int i = 0; i < len; i++)
		copy[i] = s[i] < 0x20 || s[i] == 0x7f ? '?' : (char)s[i];
	copy[len] = '\0';
	*out = copy;
	return 0;
}

static int64_t int_or(sqlite3_stmt *st, int col, int64_t absent)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? absent : sqlite3_column_int64(st, col);
}

static double real_or_zero(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? 0 : sqlite3_column_double(st, col);
}

void scan_row_clear(scan_row *row)
{
	free(row->status);
	free(row->targets);
	free(row->command);
	free(row->note);
	memset(row, 0, sizeof(*row));
}

static int read_scan(sqlite3_stmt *st, scan_row *row)
{
	int r;

	memset(row, 0, sizeof(*row));
	row->id = sqlite3_column_int64(st, SC_ID);
	row->started_at = real_or_zero(st, SC_STARTED);
	row->finished_at = real_or_zero(st, SC_FINISHED);
	row->target_count = int_or(st, SC_TARGET_COUNT, -1);
	row->hosts_up = int_or(st, SC_HOSTS_UP, -1);
	row->packets_sent = int_or(st, SC_PACKETS_SENT, -1);
	row->replies = int_or(st, SC_REPLIES, -1);
	row->pid = int_or(st, SC_PID, -1);
	row->unprivileged = int_or(st, SC_UNPRIVILEGED, 0) != 0;
	if ((r = copy_text(st, SC_STATUS, &row->status)) != 0 ||
	    (r = copy_text(st, SC_TARGETS, &row->targets)) != 0 ||
	    (r = copy_text(st, SC_COMMAND, &row->command)) != 0 ||
	    (r = copy_text(st, SC_NOTE, &row->note)) != 0) {
		scan_row_clear(row);
		return r;
	}
	return 0;
}

void query_scans_free(scan_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		scan_row_clear(&rows[i]);
	free(rows);
}

int query_scans(inventory_t *inv, scan_row **rows_out, size_t *n_out)
{
	sqlite3_stmt *st = NULL;
	scan_row *rows = NULL;
	size_t n = 0, cap = 0;
	int rc, r = NC_ERR_INTERNAL;

	*rows_out = NULL;
	*n_out = 0;
	if (sqlite3_prepare_v2(inventory_sqlite(inv),
			       "SELECT " SCAN_COLUMNS " FROM scans ORDER BY id", -1, &st,
			       NULL) != SQLITE_OK) {
		r = inventory_fail(inv, "listing scans");
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (nc_grow(&rows, &cap, n + 1, sizeof(*rows), 16) != 0) {
			r = nc_fail(NC_ERR_NOMEM, "out of memory listing scans");
			goto out;
		}
		if ((r = read_scan(st, &rows[n])) != 0)
			goto out;
		n++;
	}
	if (rc != SQLITE_DONE) {
		r = inventory_fail(inv, "listing scans");
		goto out;
	}
	*rows_out = rows;
	*n_out = n;
	rows = NULL;
	n = 0;
	r = 0;
out:
	sqlite3_finalize(st);
	query_scans_free(rows, n);
	return r;
}

/* The first row of a scan query (?1, if the query has it, bound to arg);
 * NC_ERR_NOT_FOUND with no detail when there is none. */
static int query_one_scan(inventory_t *inv, const char *sql, int64_t arg, scan_row *out)
{
	sqlite3_stmt *st = NULL;
	int rc, r = NC_ERR_INTERNAL;

	memset(out, 0, sizeof(*out));
	if (sqlite3_prepare_v2(inventory_sqlite(inv), sql, -1, &st, NULL) != SQLITE_OK) {
		r = inventory_fail(inv, "reading a scan");
		goto out;
	}
	if (sqlite3_bind_parameter_count(st) > 0)
		sqlite3_bind_int64(st, 1, arg);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		r = read_scan(st, out);
	else if (rc == SQLITE_DONE)
		r = NC_ERR_NOT_FOUND;
	else
		r = inventory_fail(inv, "reading a scan");
out:
	sqlite3_finalize(st);
	return r;
}

int query_scan(inventory_t *inv, int64_t id, scan_row *out)
{
	int r = query_one_scan(inv, "SELECT " SCAN_COLUMNS " FROM scans WHERE id = ?1", id, out);

	if (r == NC_ERR_NOT_FOUND)
		return nc_fail(r, "no scan %lld in %s", (long long)id, inventory_path(inv));
	return r;
}

int query_latest_scan(inventory_t *inv, scan_row *out)
{
	int r = query_one_scan(inv,
			       "SELECT " SCAN_COLUMNS " FROM scans"
			       " WHERE status IN ('complete', 'interrupted')"
			       " ORDER BY id DESC LIMIT 1",
			       0, out);

	if (r == NC_ERR_NOT_FOUND)
		return nc_fail(r, "no finished scan in %s (run a scan first)", inventory_path(inv));
	return r;
}

static void host_row_clear(host_row *h)
{
	for (size_t i = 0; i < h->nports; i++) {
		free(h->ports[i].proto);
		free(h->ports[i].state);
		free(h->ports[i].reason);
	}
	free(h->ports);
	free(h->address);
	free(h->address_reason);
	free(h->mac);
	free(h->mac_source);
	free(h->reasons);
}

void query_hosts_free(host_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		host_row_clear(&rows[i]);
	free(rows);
}

static int read_host(sqlite3_stmt *st, host_row *h)
{
	int r;

	memset(h, 0, sizeof(*h));
	h->host_id = sqlite3_column_int64(st, 0);
	h->address_int = (uint32_t)sqlite3_column_int64(st, 2);
	h->ttl = (int)int_or(st, 7, -1);
	h->rtt_us = int_or(st, 8, -1);
	h->on_link = int_or(st, 9, 0) != 0;
	if ((r = copy_text(st, 1, &h->address)) != 0 ||
	    (r = copy_text(st, 3, &h->address_reason)) != 0 ||
	    (r = copy_text(st, 4, &h->mac)) != 0 || (r = copy_text(st, 5, &h->mac_source)) != 0 ||
	    (r = copy_text(st, 6, &h->reasons)) != 0)
		return r;
	if (h->reasons == NULL && (h->reasons = strdup("")) == NULL)
		return nc_fail(NC_ERR_NOMEM, "out of memory reading the inventory");
	if (h->address == NULL && (h->address = strdup("?")) == NULL)
		return nc_fail(NC_ERR_NOMEM, "out of memory reading the inventory");
	return 0;
}

static int read_port(sqlite3_stmt *st, host_row *h)
{
	port_row *p;
	int r;

	/* Capacity is implicit: 4, then doubled each time a power of two fills. */
	if (h->nports == 0 || (h->nports >= 4 && (h->nports & (h->nports - 1)) == 0)) {
		size_t cap = h->nports ? h->nports * 2 : 4;
		port_row *grown = realloc(h->ports, cap * sizeof(*grown));

		if (grown == NULL)
			return nc_fail(NC_ERR_NOMEM, "out of memory reading ports");
		h->ports = grown;
	}
	p = &h->ports[h->nports++];
	memset(p, 0, sizeof(*p));
	p->port = (uint16_t)sqlite3_column_int(st, 2);
	p->ttl = (int)int_or(st, 5, -1);
	if ((r = copy_text(st, 1, &p->proto)) != 0 || (r = copy_text(st, 3, &p->state)) != 0 ||
	    (r = copy_text(st, 4, &p->reason)) != 0)
		return r;
	return 0;
}

/* Attach the ports of the scan to hosts[], which is in address order like
 * the ports query, so one forward walk pairs them. */
static int read_ports(inventory_t *inv, int64_t scan_id, host_row *hosts, size_t n)
{
	static const char sql[] =
	    "SELECT p.host_id, p.proto, p.port, p.state, p.reason, p.ttl"
	    " FROM ports p JOIN host_scans h ON h.scan_id = p.scan_id AND h.host_id = p.host_id"
	    " WHERE p.scan_id = ?1 ORDER BY h.address_int, p.proto, p.port";
	sqlite3_stmt *st = NULL;
	size_t hi = 0;
	int rc, r = NC_ERR_INTERNAL;

	if (sqlite3_prepare_v2(inventory_sqlite(inv), sql, -1, &st, NULL) != SQLITE_OK) {
		r = inventory_fail(inv, "reading ports");
		goto out;
	}
	sqlite3_bind_int64(st, 1, scan_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t host_id = sqlite3_column_int64(st, 0);

		while (hi < n && hosts[hi].host_id != host_id)
			hi++;
		if (hi == n) {
			r = nc_fail(NC_ERR_INTERNAL, "database %s: ports out of address order",
				    inventory_path(inv));
			goto out;
		}
		if ((r = read_port(st, &hosts[hi])) != 0)
			goto out;
	}
	if (rc != SQLITE_DONE) {
		r = inventory_fail(inv, "reading ports");
		goto out;
	}
	r = 0;
out:
	sqlite3_finalize(st);
	return r;
}

int query_scan_hosts(inventory_t *inv, int64_t scan_id, host_row **rows_out, size_t *n_out)
{
	static const char sql[] =
	    "SELECT host_id, address, address_int, address_reason, mac, mac_source, reasons,"
	    " ttl, rtt_us, on_link FROM host_scans WHERE scan_id = ?1 ORDER BY address_int";
	sqlite3_stmt *st = NULL;
	host_row *rows = NULL;
	size_t n = 0, cap = 0;
	int rc, r = NC_ERR_INTERNAL;

	*rows_out = NULL;
	*n_out = 0;
	if (sqlite3_prepare_v2(inventory_sqlite(inv), sql, -1, &st, NULL) != SQLITE_OK) {
		r = inventory_fail(inv, "reading hosts");
		goto out;
	}
	sqlite3_bind_int64(st, 1, scan_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (nc_grow(&rows, &cap, n + 1, sizeof(*rows), 64) != 0) {
			r = nc_fail(NC_ERR_NOMEM, "out of memory reading hosts");
			goto out;
		}
		/* Counted before reading, so a half-read row is freed too. */
		if ((r = read_host(st, &rows[n++])) != 0)
			goto out;
	}
	if (rc != SQLITE_DONE) {
		r = inventory_fail(inv, "reading hosts");
		goto out;
	}
	if ((r = read_ports(inv, scan_id, rows, n)) != 0)
		goto out;
	*rows_out = rows;
	*n_out = n;
	rows = NULL;
	n = 0;
	r = 0;
out:
	sqlite3_finalize(st);
	query_hosts_free(rows, n);
	return r;
}

/* strftime() formats stay literal so that the compiler checks them. */
static const char *format_time(double epoch, bool utc, char *buf, size_t len)
{
	time_t t = (time_t)epoch;
	struct tm tm;
	size_t n = 0;

	if (epoch > 0 && utc && gmtime_r(&t, &tm) != NULL)
		n = strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	else if (epoch > 0 && !utc && localtime_r(&t, &tm) != NULL)
		n = strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
	if (n == 0)
		snprintf(buf, len, "-");
	return buf;
}

const char *query_time_local(double epoch, char *buf, size_t len)
{
	return format_time(epoch, false, buf, len);
}

const char *query_time_iso8601(double epoch, char *buf, size_t len)
{
	return format_time(epoch, true, buf, len);
}
