#include "config.h"

/*
 * query.c — reading scans and the hosts of a scan out of the inventory.
 *
 * This is the one place that knows how the tables are read back; the
 * commands and exporters get typed rows (query.h) and never see SQL.  Text
 * leaves here through query_column_text(), which neutralises control bytes,
 * so no caller can forget to.
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

/* The length of the UTF-8 sequence that lead byte c starts, 0 if none. */
static int utf8_length(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if ((c & 0xe0) == 0xc0)
		return 2;
	if ((c & 0xf0) == 0xe0)
		return 3;
	if ((c & 0xf8) == 0xf0)
		return 4;
	return 0;
}

/* Is s[0, len) valid UTF-8 (structure only: what a terminal decodes)? */
static bool valid_utf8(const unsigned char *s, int len)
{
	for (int i = 0; i < len;) {
		int n = utf8_length(s[i]);

		if (n == 0 || i + n > len)
			return false;
		for (int k = 1; k < n; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
		i += n;
	}
	return true;
}

/*
 * A copy of a text column in which nothing can drive a terminal: C0
 * controls and DEL become '?', and so do C1 controls (U+0080-U+009F,
 * UTF-8 C2 80-C2 9F); in text that is not valid UTF-8 every byte from 0x80
 * becomes '?'.  *out = NULL for SQL NULL.
 */
int query_column_text(sqlite3_stmt *st, int col, char **out)
{
	const unsigned char *s;
	bool utf8;
	int len, n = 0;
	char *copy;

	*out = NULL;
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return 0;
	s = sqlite3_column_text(st, col);
	len = sqlite3_column_bytes(st, col);
	if (s == NULL || (copy = malloc((size_t)len + 1)) == NULL)
		return nc_fail(NC_ERR_NOMEM, "out of memory reading the inventory");
	utf8 = valid_utf8(s, len);
	for (int i = 0; i < len; i++) {
		if (s[i] < 0x20 || s[i] == 0x7f || (!utf8 && s[i] >= 0x80)) {
			copy[n++] = '?';
		} else if (s[i] == 0xc2 && i + 1 < len && s[i + 1] >= 0x80 && s[i + 1] <= 0x9f) {
			copy[n++] = '?';
			i++;
		} else {
			copy[n++] = (char)s[i];
		}
	}
	copy[n] = '\0';
	*out = copy;
	return 0;
}

int64_t query_column_int(sqlite3_stmt *st, int col, int64_t absent)
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

/*
 * A stale "running" row (db.h: its process is gone) reads as what the next
 * scan will record it as: interrupted, with the hosts it got to recorded.
 */
static int show_stale(inventory_t *inv, scan_row *row)
{
	static const char count_sql[] = "SELECT count(*) FROM host_scans WHERE scan_id = ?1";
	static const char note[] = "process ended without finishing the scan";
	sqlite3_stmt *st = NULL;
	char *status = strdup("interrupted");
	int r = 0;

	if (status == NULL || (row->note == NULL && (row->note = strdup(note)) == NULL)) {
		free(status);
		return nc_fail(NC_ERR_NOMEM, "out of memory reading the inventory");
	}
	free(row->status);
	row->status = status;
	if (sqlite3_prepare_v2(inventory_sqlite(inv), count_sql, -1, &st, NULL) != SQLITE_OK) {
		r = inventory_fail(inv, "counting the hosts of an unfinished scan");
		goto out;
	}
	sqlite3_bind_int64(st, 1, row->id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		r = inventory_fail(inv, "counting the hosts of an unfinished scan");
		goto out;
	}
	row->hosts_up = sqlite3_column_int64(st, 0);
out:
	sqlite3_finalize(st);
	return r;
}

static int read_scan(inventory_t *inv, sqlite3_stmt *st, scan_row *row)
{
	int r;

	memset(row, 0, sizeof(*row));
	row->id = sqlite3_column_int64(st, SC_ID);
	row->started_at = real_or_zero(st, SC_STARTED);
	row->finished_at = real_or_zero(st, SC_FINISHED);
	row->target_count = query_column_int(st, SC_TARGET_COUNT, -1);
	row->hosts_up = query_column_int(st, SC_HOSTS_UP, -1);
	row->packets_sent = query_column_int(st, SC_PACKETS_SENT, -1);
	row->replies = query_column_int(st, SC_REPLIES, -1);
	row->pid = query_column_int(st, SC_PID, -1);
	row->unprivileged = query_column_int(st, SC_UNPRIVILEGED, 0) != 0;
	if ((r = query_column_text(st, SC_STATUS, &row->status)) != 0 ||
	    (r = query_column_text(st, SC_TARGETS, &row->targets)) != 0 ||
	    (r = query_column_text(st, SC_COMMAND, &row->command)) != 0 ||
	    (r = query_column_text(st, SC_NOTE, &row->note)) != 0 ||
	    (inventory_scan_stale(inv, row->id, row->status) && (r = show_stale(inv, row)) != 0)) {
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
		if ((r = read_scan(inv, st, &rows[n])) != 0)
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
		r = read_scan(inv, st, out);
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

void query_host_clear(host_row *h)
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
	free(h->hostname);
	free(h->os);
	free(h->device_type);
	free(h->vendor);
	memset(h, 0, sizeof(*h));
}

void query_hosts_free(host_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		query_host_clear(&rows[i]);
	free(rows);
}

/*
 * The hosts of scan ?1 (only host ?2 unless ?2 is 0), by address, with the
 * verdicts the listing shows.  Every verdict join is on the verdicts
 * primary key.
 */
static const char hosts_sql[] =
    "SELECT hs.host_id, hs.address, hs.address_int, hs.address_reason, hs.mac,"
    " hs.mac_source, hs.reasons, hs.ttl, hs.rtt_us, hs.on_link,"
    " name.value, COALESCE(os.value, fam.value), osv.value, dev.value,"
    " COALESCE(macv.value, (SELECT f.value FROM facts f"
    "   WHERE f.scan_id = hs.scan_id AND f.host_id = hs.host_id AND f.key = 'mac.vendor'"
    "   ORDER BY f.confidence DESC, f.rowid LIMIT 1))"
    " FROM host_scans hs"
    " LEFT JOIN verdicts name ON name.scan_id = hs.scan_id AND name.host_id = hs.host_id"
    "   AND name.field = 'hostname'"
    " LEFT JOIN verdicts os ON os.scan_id = hs.scan_id AND os.host_id = hs.host_id"
    "   AND os.field = 'os.name'"
    /* a family is better than nothing, but not the TTL's guess */
    " LEFT JOIN verdicts fam ON fam.scan_id = hs.scan_id AND fam.host_id = hs.host_id"
    "   AND fam.field = 'os.family' AND fam.source <> 'discovery'"
    " LEFT JOIN verdicts osv ON osv.scan_id = hs.scan_id AND osv.host_id = hs.host_id"
    "   AND osv.field = 'os.version'"
    " LEFT JOIN verdicts dev ON dev.scan_id = hs.scan_id AND dev.host_id = hs.host_id"
    "   AND dev.field = 'device.type'"
    " LEFT JOIN verdicts macv ON macv.scan_id = hs.scan_id AND macv.host_id = hs.host_id"
    "   AND macv.field = 'hw.vendor' AND macv.source = 'mac-vendor'"
    " WHERE hs.scan_id = ?1 AND (?2 = 0 OR hs.host_id = ?2)"
    " ORDER BY hs.address_int";

enum {
	HC_HOST_ID,
	HC_ADDRESS,
	HC_ADDRESS_INT,
	HC_ADDRESS_REASON,
	HC_MAC,
	HC_MAC_SOURCE,
	HC_REASONS,
	HC_TTL,
	HC_RTT,
	HC_ON_LINK,
	HC_HOSTNAME,
	HC_OS_NAME,
	HC_OS_VERSION,
	HC_DEVICE_TYPE,
	HC_VENDOR
};

/* Windows names its release ("Windows Server 2022"); the NT version
 * ("10.0") next to it would only confuse. */
static bool is_nt_version(const char *name, const char *version)
{
	size_t digits = strspn(version, "0123456789");

	return strstr(name, "Windows") != NULL && digits > 0 && version[digits] == '.' &&
	       version[digits + 1 + strspn(version + digits + 1, "0123456789")] == '\0';
}

/* "Ubuntu 22.04" from os.name "Ubuntu" and os.version "22.04"; the name
 * alone when it already holds the version, or for Windows' NT version. */
static int combine_os(sqlite3_stmt *st, char **out)
{
	char *name = NULL, *version = NULL;
	int r;

	*out = NULL;
	if ((r = query_column_text(st, HC_OS_NAME, &name)) != 0 ||
	    (r = query_column_text(st, HC_OS_VERSION, &version)) != 0)
		goto out;
	if (name != NULL && version != NULL && version[0] != '\0' &&
	    strstr(name, version) == NULL && !is_nt_version(name, version)) {
		if (asprintf(out, "%s %s", name, version) < 0) {
			*out = NULL;
			r = nc_fail(NC_ERR_NOMEM, "out of memory reading the inventory");
		}
		goto out;
	}
	*out = name;
	name = NULL;
out:
	free(name);
	free(version);
	return r;
}

static int read_host(sqlite3_stmt *st, host_row *h)
{
	int r;

	memset(h, 0, sizeof(*h));
	h->host_id = sqlite3_column_int64(st, HC_HOST_ID);
	h->address_int = (uint32_t)sqlite3_column_int64(st, HC_ADDRESS_INT);
	h->ttl = (int)query_column_int(st, HC_TTL, -1);
	h->rtt_us = query_column_int(st, HC_RTT, -1);
	h->on_link = query_column_int(st, HC_ON_LINK, 0) != 0;
	if ((r = query_column_text(st, HC_ADDRESS, &h->address)) != 0 ||
	    (r = query_column_text(st, HC_ADDRESS_REASON, &h->address_reason)) != 0 ||
	    (r = query_column_text(st, HC_MAC, &h->mac)) != 0 ||
	    (r = query_column_text(st, HC_MAC_SOURCE, &h->mac_source)) != 0 ||
	    (r = query_column_text(st, HC_REASONS, &h->reasons)) != 0 ||
	    (r = query_column_text(st, HC_HOSTNAME, &h->hostname)) != 0 ||
	    (r = combine_os(st, &h->os)) != 0 ||
	    (r = query_column_text(st, HC_DEVICE_TYPE, &h->device_type)) != 0 ||
	    (r = query_column_text(st, HC_VENDOR, &h->vendor)) != 0)
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
	p->ttl = (int)query_column_int(st, 5, -1);
	if ((r = query_column_text(st, 1, &p->proto)) != 0 ||
	    (r = query_column_text(st, 3, &p->state)) != 0 ||
	    (r = query_column_text(st, 4, &p->reason)) != 0)
		return r;
	return 0;
}

/* Attach the ports of the scan (of host_id only, unless 0) to hosts[],
 * which is in address order like the ports query, so one forward walk
 * pairs them. */
static int read_ports(inventory_t *inv, int64_t scan_id, int64_t host_id, host_row *hosts, size_t n)
{
	static const char sql[] =
	    "SELECT p.host_id, p.proto, p.port, p.state, p.reason, p.ttl"
	    " FROM ports p JOIN host_scans h ON h.scan_id = p.scan_id AND h.host_id = p.host_id"
	    " WHERE p.scan_id = ?1 AND (?2 = 0 OR p.host_id = ?2)"
	    " ORDER BY h.address_int, p.proto, p.port";
	sqlite3_stmt *st = NULL;
	size_t hi = 0;
	int rc, r = NC_ERR_INTERNAL;

	if (sqlite3_prepare_v2(inventory_sqlite(inv), sql, -1, &st, NULL) != SQLITE_OK) {
		r = inventory_fail(inv, "reading ports");
		goto out;
	}
	sqlite3_bind_int64(st, 1, scan_id);
	sqlite3_bind_int64(st, 2, host_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t port_host = sqlite3_column_int64(st, 0);

		while (hi < n && hosts[hi].host_id != port_host)
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

/* The hosts of a scan, or its one host host_id (see hosts_sql). */
static int read_hosts(inventory_t *inv, int64_t scan_id, int64_t host_id, host_row **rows_out,
		      size_t *n_out)
{
	sqlite3_stmt *st = NULL;
	host_row *rows = NULL;
	size_t n = 0, cap = 0;
	int rc, r = NC_ERR_INTERNAL;

	*rows_out = NULL;
	*n_out = 0;
	if (sqlite3_prepare_v2(inventory_sqlite(inv), hosts_sql, -1, &st, NULL) != SQLITE_OK) {
		r = inventory_fail(inv, "reading hosts");
		goto out;
	}
	sqlite3_bind_int64(st, 1, scan_id);
	sqlite3_bind_int64(st, 2, host_id);
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
	if ((r = read_ports(inv, scan_id, host_id, rows, n)) != 0)
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

int query_scan_hosts(inventory_t *inv, int64_t scan_id, host_row **rows_out, size_t *n_out)
{
	return read_hosts(inv, scan_id, 0, rows_out, n_out);
}

int query_scan_host(inventory_t *inv, int64_t scan_id, int64_t host_id, host_row *out)
{
	host_row *rows = NULL;
	size_t n = 0;
	int r;

	memset(out, 0, sizeof(*out));
	if (host_id <= 0)
		return NC_ERR_NOT_FOUND;
	if ((r = read_hosts(inv, scan_id, host_id, &rows, &n)) != 0)
		return r;
	if (n == 0)
		return NC_ERR_NOT_FOUND;
	/* (scan_id, host_id) is the primary key: one row. */
	*out = rows[0];
	free(rows);
	return 0;
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
