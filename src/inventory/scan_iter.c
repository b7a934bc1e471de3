#include "config.h"

/*
 * scan_iter.c — walking the hosts of one scan without holding the scan.
 *
 * One outer statement steps through host_scans in address order; for each
 * host, one statement per table (prepared once, reset and re-bound per
 * host, each served by the table's (scan_id, host_id) index) fills the
 * arrays of a single host_detail.  The arrays keep their capacity from host
 * to host, so a fleet of identical machines costs a handful of
 * allocations beyond the strings themselves.
 *
 * The tables are described by data (which SQL, which struct, which column
 * goes to which member) so that reading, clearing and growing are written
 * once for all of them.
 */

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fingerprint/verdict.h"
#include "inventory/query.h"
#include "inventory/scan_iter.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/grow.h"

/* Words that mark a fact as a secret wherever they occur in its key: the
 * writer's list (facts_store.c) and a few more, since a database written by
 * anything else is not trusted to have applied it.  ("ssh.credential" is
 * the name of the credential section that worked, not a secret.) */
static const char *const secret_words[] = {"community", "password", "passphrase", "secret",
					   "token", "private_key"};

enum col_kind { C_TEXT, C_INT, C_INT64, C_PORT };

typedef struct {
	enum col_kind kind;
	size_t off; /* of the member in the row struct */
} col_desc;

typedef struct {
	unsigned part;	    /* SCAN_ITER_* that asks for it; 0: always read */
	const char *what;   /* for error messages: "reading software" */
	const char *sql;    /* ?1 scan, ?2 host; columns in cols order */
	size_t elem;	    /* sizeof the row struct */
	size_t rows_off;    /* of the array pointer in host_detail */
	size_t count_off;   /* of its size_t count in host_detail */
	const col_desc *cols;
	size_t ncols;
	size_t required_off; /* a text member that must not be NULL ("?"), or SIZE_MAX */
} table_desc;

#define COL(kind, type, member) {kind, offsetof(type, member)}

static const col_desc port_cols[] = {
    COL(C_TEXT, port_row, proto), COL(C_PORT, port_row, port), COL(C_TEXT, port_row, state),
    COL(C_TEXT, port_row, reason), COL(C_INT, port_row, ttl),
};
static const col_desc verdict_cols[] = {
    COL(C_TEXT, verdict_row, field), COL(C_TEXT, verdict_row, value),
    COL(C_TEXT, verdict_row, source), COL(C_INT, verdict_row, confidence),
};
static const col_desc fact_cols[] = {
    COL(C_TEXT, fact_row, key), COL(C_TEXT, fact_row, value), COL(C_TEXT, fact_row, source),
    COL(C_INT, fact_row, confidence),
};
static const col_desc service_cols[] = {
    COL(C_TEXT, service_row, proto),   COL(C_PORT, service_row, port),
    COL(C_TEXT, service_row, name),    COL(C_TEXT, service_row, product),
    COL(C_TEXT, service_row, version), COL(C_TEXT, service_row, info),
    COL(C_TEXT, service_row, banner),  COL(C_TEXT, service_row, source),
};
static const col_desc software_cols[] = {
    COL(C_TEXT, software_row, name),	     COL(C_TEXT, software_row, version),
    COL(C_TEXT, software_row, vendor),	     COL(C_TEXT, software_row, install_date),
    COL(C_TEXT, software_row, source),
};
static const col_desc hardware_cols[] = {
    COL(C_TEXT, hardware_row, kind),	   COL(C_TEXT, hardware_row, name),
    COL(C_TEXT, hardware_row, vendor),	   COL(C_TEXT, hardware_row, model),
    COL(C_TEXT, hardware_row, serial),	   COL(C_TEXT, hardware_row, firmware),
    COL(C_TEXT, hardware_row, extra),	   COL(C_INT64, hardware_row, size_bytes),
    COL(C_INT64, hardware_row, used_bytes), COL(C_TEXT, hardware_row, source),
};

enum { T_PORTS, T_VERDICTS, T_FACTS, T_SERVICES, T_SOFTWARE, T_HARDWARE, T__COUNT };

#define TABLE(p, w, s, type, rows, count, cols, req)                                               \
	{p,                                                                                        \
	 w,                                                                                        \
	 s,                                                                                        \
	 sizeof(type),                                                                             \
	 offsetof(host_detail, rows),                                                              \
	 offsetof(host_detail, count),                                                             \
	 cols,                                                                                     \
	 ARRAY_SIZE(cols),                                                                         \
	 req}

/* The orders are query_host_detail()'s, so `show` and an export agree. */
static const table_desc tables[T__COUNT] = {
    [T_PORTS] = TABLE(SCAN_ITER_PORTS, "reading ports",
		      "SELECT proto, port, state, reason, ttl FROM ports"
		      " WHERE scan_id = ?1 AND host_id = ?2 ORDER BY proto, port",
		      port_row, host.ports, host.nports, port_cols, SIZE_MAX),
    [T_VERDICTS] = TABLE(0, "reading verdicts",
			 "SELECT field, value, source, confidence FROM verdicts"
			 " WHERE scan_id = ?1 AND host_id = ?2",
			 verdict_row, verdicts, nverdicts, verdict_cols, SIZE_MAX),
    [T_FACTS] = TABLE(SCAN_ITER_FACTS, "reading facts",
		      "SELECT key, value, source, confidence FROM facts"
		      " WHERE scan_id = ?1 AND host_id = ?2 ORDER BY rowid",
		      fact_row, facts, nfacts, fact_cols, offsetof(fact_row, key)),
    [T_SERVICES] = TABLE(SCAN_ITER_SERVICES, "reading services",
			 "SELECT proto, port, name, product, version, info, banner, source"
			 " FROM services WHERE scan_id = ?1 AND host_id = ?2 ORDER BY proto, port",
			 service_row, services, nservices, service_cols, SIZE_MAX),
    [T_SOFTWARE] = TABLE(SCAN_ITER_SOFTWARE, "reading software",
			 "SELECT name, version, vendor, install_date, source FROM software"
			 " WHERE scan_id = ?1 AND host_id = ?2"
			 " ORDER BY name COLLATE NOCASE, version, rowid",
			 software_row, software, nsoftware, software_cols,
			 offsetof(software_row, name)),
    [T_HARDWARE] = TABLE(SCAN_ITER_HARDWARE, "reading hardware",
			 "SELECT kind, name, vendor, model, serial, firmware, extra, size_bytes,"
			 " used_bytes, source FROM hardware WHERE scan_id = ?1 AND host_id = ?2"
			 " ORDER BY CASE kind WHEN 'cpu' THEN 0 WHEN 'memory' THEN 1"
			 " WHEN 'storage' THEN 2 WHEN 'nic' THEN 3 WHEN 'device' THEN 4"
			 " WHEN 'entity' THEN 5 WHEN 'printer' THEN 6 ELSE 7 END, kind, rowid",
			 hardware_row, hardware, nhardware, hardware_cols,
			 offsetof(hardware_row, kind)),
};

/* The host row: discovery of this scan, first/last seen across scans, and
 * the MAC's vendor as query.c's hosts_sql chooses it. */
static const char hosts_sql[] =
    "SELECT hs.host_id, hs.address, hs.address_int, hs.address_reason, hs.mac,"
    " hs.mac_source, hs.reasons, hs.ttl, hs.rtt_us, hs.on_link, h.first_seen, h.last_seen,"
    " COALESCE(macv.value, (SELECT f.value FROM facts f"
    "   WHERE f.scan_id = hs.scan_id AND f.host_id = hs.host_id AND f.key = 'mac.vendor'"
    "   ORDER BY f.confidence DESC, f.rowid LIMIT 1))"
    " FROM host_scans hs"
    " LEFT JOIN hosts h ON h.id = hs.host_id"
    " LEFT JOIN verdicts macv ON macv.scan_id = hs.scan_id AND macv.host_id = hs.host_id"
    "   AND macv.field = 'hw.vendor' AND macv.source = 'mac-vendor'"
    " WHERE hs.scan_id = ?1 ORDER BY hs.address_int";

enum {
	H_HOST_ID,
	H_ADDRESS,
	H_ADDRESS_INT,
	H_ADDRESS_REASON,
	H_MAC,
	H_MAC_SOURCE,
	H_REASONS,
	H_TTL,
	H_RTT,
	H_ON_LINK,
	H_FIRST_SEEN,
	H_LAST_SEEN,
	H_VENDOR
};

struct scan_iter {
	inventory_t *inv;
	int64_t scan_id;
	unsigned parts;
	sqlite3_stmt *hosts;
	sqlite3_stmt *table[T__COUNT]; /* NULL for the tables not asked for */
	size_t cap[T__COUNT];	       /* allocated elements of each array */
	host_detail cur;
	uint64_t count;
	bool failed;
};

static void **rows_ptr(host_detail *d, const table_desc *t)
{
	return (void **)((char *)d + t->rows_off);
}

static size_t *count_ptr(host_detail *d, const table_desc *t)
{
	return (size_t *)((char *)d + t->count_off);
}

static char **text_member(void *row, size_t off)
{
	return (char **)((char *)row + off);
}

/* Free the strings of one row and zero it. */
static void clear_row(const table_desc *t, void *row)
{
	for (size_t c = 0; c < t->ncols; c++)
		if (t->cols[c].kind == C_TEXT)
			free(*text_member(row, t->cols[c].off));
	memset(row, 0, t->elem);
}

/* Empty every array of the current host, keeping the allocations. */
static void clear_tables(scan_iter *it)
{
	for (size_t ti = 0; ti < T__COUNT; ti++) {
		const table_desc *t = &tables[ti];
		char *rows = *rows_ptr(&it->cur, t);
		size_t *n = count_ptr(&it->cur, t);

		for (size_t i = 0; i < *n; i++)
			clear_row(t, rows + i * t->elem);
		*n = 0;
	}
}

static void clear_host_row(host_row *h)
{
	free(h->address);
	free(h->address_reason);
	free(h->mac);
	free(h->mac_source);
	free(h->reasons);
	free(h->hostname);
	free(h->os);
	free(h->device_type);
	free(h->vendor);
	/* The ports array belongs to the T_PORTS table. */
	h->address = h->address_reason = h->mac = h->mac_source = h->reasons = NULL;
	h->hostname = h->os = h->device_type = h->vendor = NULL;
}

static bool names_secret(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(secret_words); i++)
		if (strcasestr(key, secret_words[i]) != NULL)
			return true;
	return false;
}

static int read_row(const table_desc *t, sqlite3_stmt *st, void *row)
{
	int r;

	for (size_t c = 0; c < t->ncols; c++) {
		const col_desc *col = &t->cols[c];
		char *member = (char *)row + col->off;

		switch (col->kind) {
		case C_TEXT:
			if ((r = query_column_text(st, (int)c, (char **)member)) != 0)
				return r;
			break;
		case C_INT:
			*(int *)member = (int)query_column_int(st, (int)c, -1);
			break;
		case C_INT64:
			*(int64_t *)member = query_column_int(st, (int)c, -1);
			break;
		case C_PORT:
			*(uint16_t *)member = (uint16_t)query_column_int(st, (int)c, 0);
			break;
		}
	}
	if (t->required_off != SIZE_MAX && *text_member(row, t->required_off) == NULL &&
	    (*text_member(row, t->required_off) = strdup("?")) == NULL)
		return nc_fail(NC_ERR_NOMEM, "out of memory %s", t->what);
	return 0;
}

/* Every row of table ti for host_id into the current host's array. */
static int read_table(scan_iter *it, size_t ti, int64_t host_id)
{
	const table_desc *t = &tables[ti];
	sqlite3_stmt *st = it->table[ti];
	void **rows = rows_ptr(&it->cur, t);
	size_t *n = count_ptr(&it->cur, t);
	int rc, r = 0;

	sqlite3_bind_int64(st, 1, it->scan_id);
	sqlite3_bind_int64(st, 2, host_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char *row;

		if (nc_grow(rows, &it->cap[ti], *n + 1, t->elem, 16) != 0) {
			r = nc_fail(NC_ERR_NOMEM, "out of memory %s", t->what);
			goto out;
		}
		row = (char *)*rows + *n * t->elem;
		memset(row, 0, t->elem);
		(*n)++; /* counted before reading, so a half-read row is cleared too */
		if ((r = read_row(t, st, row)) != 0)
			goto out;
		if (ti == T_FACTS && names_secret(((fact_row *)row)->key)) {
			clear_row(t, row);
			(*n)--;
		}
	}
	if (rc != SQLITE_DONE)
		r = inventory_fail(it->inv, t->what);
out:
	sqlite3_reset(st);
	return r;
}

/* Position of a verdict field in verdict_field order; unknown names last. */
static int field_rank(const char *field)
{
	for (int f = 0; field != NULL && f < VERDICT__COUNT; f++)
		if (strcmp(field, verdict_field_name((verdict_field)f)) == 0)
			return f;
	return VERDICT__COUNT;
}

static int compare_verdicts(const void *a, const void *b)
{
	const verdict_row *va = a, *vb = b;
	int ra = field_rank(va->field), rb = field_rank(vb->field);

	if (ra != rb)
		return ra - rb;
	return strcmp(va->field ? va->field : "", vb->field ? vb->field : "");
}

static int dup_verdict(const host_detail *d, const char *field, char **out)
{
	const char *v = host_detail_verdict(d, field);

	if (v != NULL && (*out = strdup(v)) == NULL)
		return nc_fail(NC_ERR_NOMEM, "out of memory reading verdicts");
	return 0;
}

static double real_or_zero(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? 0 : sqlite3_column_double(st, col);
}

/* The host row under it->hosts into it->cur.host. */
static int read_host(scan_iter *it)
{
	sqlite3_stmt *st = it->hosts;
	host_row *h = &it->cur.host;
	int r;

	h->host_id = sqlite3_column_int64(st, H_HOST_ID);
	h->address_int = (uint32_t)sqlite3_column_int64(st, H_ADDRESS_INT);
	h->ttl = (int)query_column_int(st, H_TTL, -1);
	h->rtt_us = query_column_int(st, H_RTT, -1);
	h->on_link = query_column_int(st, H_ON_LINK, 0) != 0;
	it->cur.first_seen = real_or_zero(st, H_FIRST_SEEN);
	it->cur.last_seen = real_or_zero(st, H_LAST_SEEN);
	if ((r = query_column_text(st, H_ADDRESS, &h->address)) != 0 ||
	    (r = query_column_text(st, H_ADDRESS_REASON, &h->address_reason)) != 0 ||
	    (r = query_column_text(st, H_MAC, &h->mac)) != 0 ||
	    (r = query_column_text(st, H_MAC_SOURCE, &h->mac_source)) != 0 ||
	    (r = query_column_text(st, H_REASONS, &h->reasons)) != 0 ||
	    (r = query_column_text(st, H_VENDOR, &h->vendor)) != 0)
		return r;
	if (h->reasons == NULL && (h->reasons = strdup("")) == NULL)
		return nc_fail(NC_ERR_NOMEM, "out of memory reading the inventory");
	if (h->address == NULL && (h->address = strdup("?")) == NULL)
		return nc_fail(NC_ERR_NOMEM, "out of memory reading the inventory");
	return 0;
}

int scan_iter_open(inventory_t *inv, int64_t scan_id, unsigned parts, scan_iter **out)
{
	sqlite3 *db = inventory_sqlite(inv);
	scan_iter *it;
	int r = NC_ERR_INTERNAL;

	*out = NULL;
	if ((it = calloc(1, sizeof(*it))) == NULL)
		return nc_fail(NC_ERR_NOMEM, "out of memory reading the inventory");
	it->inv = inv;
	it->scan_id = scan_id;
	it->parts = parts;
	it->cur.scan_id = scan_id;
	if (sqlite3_prepare_v2(db, hosts_sql, -1, &it->hosts, NULL) != SQLITE_OK) {
		r = inventory_fail(inv, "reading hosts");
		goto out;
	}
	sqlite3_bind_int64(it->hosts, 1, scan_id);
	for (size_t ti = 0; ti < T__COUNT; ti++) {
		if (tables[ti].part != 0 && (parts & tables[ti].part) == 0)
			continue;
		if (sqlite3_prepare_v2(db, tables[ti].sql, -1, &it->table[ti], NULL) != SQLITE_OK) {
			r = inventory_fail(inv, tables[ti].what);
			goto out;
		}
	}
	*out = it;
	it = NULL;
	r = 0;
out:
	scan_iter_close(it);
	return r;
}

int scan_iter_next(scan_iter *it, const host_detail **host)
{
	int rc, r;

	*host = NULL;
	if (it->failed)
		return nc_fail(NC_ERR_INTERNAL, "scan_iter_next() after an error");
	clear_tables(it);
	clear_host_row(&it->cur.host);
	rc = sqlite3_step(it->hosts);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW) {
		r = inventory_fail(it->inv, "reading hosts");
		goto fail;
	}
	if ((r = read_host(it)) != 0)
		goto fail;
	for (size_t ti = 0; ti < T__COUNT; ti++)
		if (it->table[ti] != NULL && (r = read_table(it, ti, it->cur.host.host_id)) != 0)
			goto fail;
	qsort(it->cur.verdicts, it->cur.nverdicts, sizeof(*it->cur.verdicts), compare_verdicts);
	if ((r = dup_verdict(&it->cur, "hostname", &it->cur.host.hostname)) != 0 ||
	    (r = dup_verdict(&it->cur, "device.type", &it->cur.host.device_type)) != 0)
		goto fail;
	it->count++;
	*host = &it->cur;
	return 1;
fail:
	it->failed = true;
	return r;
}

uint64_t scan_iter_count(const scan_iter *it)
{
	return it->count;
}

void scan_iter_close(scan_iter *it)
{
	if (it == NULL)
		return;
	clear_tables(it);
	clear_host_row(&it->cur.host);
	for (size_t ti = 0; ti < T__COUNT; ti++) {
		free(*rows_ptr(&it->cur, &tables[ti]));
		sqlite3_finalize(it->table[ti]);
	}
	sqlite3_finalize(it->hosts);
	free(it);
}
