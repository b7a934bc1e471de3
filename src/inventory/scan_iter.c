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
 * once for all of them.  Their strings live in an arena that is emptied
 * (not freed) from one host to the next: three million software rows would
 * otherwise be fifteen million malloc()/free() pairs.
 */

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "inventory/query.h"
#include "inventory/scan_iter.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/grow.h"

enum col_kind { C_TEXT, C_INT, C_INT64, C_PORT };

typedef struct {
	enum col_kind kind;
	size_t off; /* of the member in the row struct */
} col_desc;

typedef struct {
	unsigned part;	  /* SCAN_ITER_* that asks for it; 0: always read */
	const char *what; /* for error messages: "reading software" */
	const char *sql;  /* ?1 scan, ?2 host; columns in cols order */
	size_t elem;	  /* sizeof the row struct */
	size_t rows_off;  /* of the array pointer in host_detail */
	size_t count_off; /* of its size_t count in host_detail */
	const col_desc *cols;
	size_t ncols;
	size_t required_off; /* a text member that must not be NULL ("?"), or SIZE_MAX */
} table_desc;

#define COL(kind, type, member)                                                                    \
	{                                                                                          \
		kind, offsetof(type, member)                                                       \
	}

static const col_desc port_cols[] = {
    COL(C_TEXT, port_row, proto),  COL(C_PORT, port_row, port), COL(C_TEXT, port_row, state),
    COL(C_TEXT, port_row, reason), COL(C_INT, port_row, ttl),
};
static const col_desc verdict_cols[] = {
    COL(C_TEXT, verdict_row, field),
    COL(C_TEXT, verdict_row, value),
    COL(C_TEXT, verdict_row, source),
    COL(C_INT, verdict_row, confidence),
};
static const col_desc fact_cols[] = {
    COL(C_TEXT, fact_row, key),
    COL(C_TEXT, fact_row, value),
    COL(C_TEXT, fact_row, source),
    COL(C_INT, fact_row, confidence),
};
static const col_desc service_cols[] = {
    COL(C_TEXT, service_row, proto),   COL(C_PORT, service_row, port),
    COL(C_TEXT, service_row, name),    COL(C_TEXT, service_row, product),
    COL(C_TEXT, service_row, version), COL(C_TEXT, service_row, info),
    COL(C_TEXT, service_row, banner),  COL(C_TEXT, service_row, source),
};
static const col_desc software_cols[] = {
    COL(C_TEXT, software_row, name),	    COL(C_TEXT, software_row, version),
    COL(C_TEXT, software_row, vendor),	    COL(C_TEXT, software_row, install_date),
    COL(C_TEXT, software_row, source),	    COL(C_TEXT, software_row, arch),
    COL(C_INT64, software_row, size_bytes),
};
static const col_desc hardware_cols[] = {
    COL(C_TEXT, hardware_row, kind),	    COL(C_TEXT, hardware_row, name),
    COL(C_TEXT, hardware_row, vendor),	    COL(C_TEXT, hardware_row, model),
    COL(C_TEXT, hardware_row, serial),	    COL(C_TEXT, hardware_row, firmware),
    COL(C_TEXT, hardware_row, extra),	    COL(C_INT64, hardware_row, size_bytes),
    COL(C_INT64, hardware_row, used_bytes), COL(C_TEXT, hardware_row, source),
};

enum { T_PORTS, T_VERDICTS, T_FACTS, T_SERVICES, T_SOFTWARE, T_HARDWARE, T__COUNT };

#define TABLE(p, w, s, type, rows, count, cols, req)                                               \
	{                                                                                          \
		p, w, s, sizeof(type), offsetof(host_detail, rows), offsetof(host_detail, count),  \
		    cols, ARRAY_SIZE(cols), req                                                    \
	}

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
    [T_SOFTWARE] =
	TABLE(SCAN_ITER_SOFTWARE, "reading software",
	      /* sorted by sort_software(): SQLite's sorter would copy
	       * every record, and cost more than reading them */
	      "SELECT name, version, vendor, install_date, source, arch, size_bytes"
	      " FROM software WHERE scan_id = ?1 AND host_id = ?2 ORDER BY rowid",
	      software_row, software, nsoftware, software_cols, offsetof(software_row, name)),
    [T_HARDWARE] =
	TABLE(SCAN_ITER_HARDWARE, "reading hardware",
	      "SELECT kind, name, vendor, model, serial, firmware, extra, size_bytes,"
	      " used_bytes, source FROM hardware WHERE scan_id = ?1 AND host_id = ?2"
	      " ORDER BY CASE kind WHEN 'cpu' THEN 0 WHEN 'memory' THEN 1"
	      " WHEN 'storage' THEN 2 WHEN 'nic' THEN 3 WHEN 'device' THEN 4"
	      " WHEN 'entity' THEN 5 WHEN 'printer' THEN 6 ELSE 7 END, kind, rowid",
	      hardware_row, hardware, nhardware, hardware_cols, offsetof(hardware_row, kind)),
};

/* Schema 4 added the software's arch and size_bytes; a database of schema
 * 2 or 3, read without migrating, has neither. */
static const char software_sql_v2[] =
    "SELECT name, version, vendor, install_date, source, NULL, NULL"
    " FROM software WHERE scan_id = ?1 AND host_id = ?2 ORDER BY rowid";

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

/* Strings of the current host's table rows: chunks that are kept and
 * refilled from one host to the next. */
typedef struct chunk {
	struct chunk *next;
	size_t used, cap;
	char data[];
} chunk;

#define CHUNK_SIZE (64 * 1024 - sizeof(chunk))

struct scan_iter {
	inventory_t *inv;
	int64_t scan_id;
	unsigned parts;
	sqlite3_stmt *hosts;
	sqlite3_stmt *table[T__COUNT]; /* NULL for the tables not asked for */
	size_t cap[T__COUNT];	       /* allocated elements of each array */
	host_detail cur;
	chunk *chunks;	      /* the arena; the first one with room is filled */
	software_row *sorted; /* sort_software()'s scratch array */
	size_t sorted_cap;
	uint32_t *order;
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

/* len bytes of the arena; NULL when out of memory. */
static char *arena_alloc(scan_iter *it, size_t len)
{
	chunk **link = &it->chunks, *c;

	for (c = it->chunks; c != NULL; link = &c->next, c = c->next)
		if (c->cap - c->used >= len)
			break;
	if (c == NULL) {
		size_t cap = NC_MAX(len, CHUNK_SIZE);

		if ((c = malloc(sizeof(*c) + cap)) == NULL)
			return NULL;
		c->next = NULL;
		c->used = 0;
		c->cap = cap;
		*link = c;
	}
	c->used += len;
	return c->data + c->used - len;
}

/* Empty the arena, keeping its chunks. */
static void arena_reset(scan_iter *it)
{
	for (chunk *c = it->chunks; c != NULL; c = c->next)
		c->used = 0;
}

static void arena_free(scan_iter *it)
{
	while (it->chunks != NULL) {
		chunk *next = it->chunks->next;

		free(it->chunks);
		it->chunks = next;
	}
}

static char *arena_copy(scan_iter *it, const char *s, size_t len)
{
	char *copy = arena_alloc(it, len + 1);

	if (copy != NULL) {
		memcpy(copy, s, len);
		copy[len] = '\0';
	}
	return copy;
}

/*
 * A text column into the arena, cleaned as query_column_text() does (it
 * does the work whenever there is anything to clean; printable ASCII is
 * copied as is).  *out = NULL for SQL NULL.
 */
static int arena_text(scan_iter *it, sqlite3_stmt *st, int col, char **out)
{
	const unsigned char *s;
	char *cleaned = NULL;
	int len, i, r;

	*out = NULL;
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return 0;
	s = sqlite3_column_text(st, col);
	len = sqlite3_column_bytes(st, col);
	if (s == NULL)
		return nc_fail(NC_ERR_NOMEM, "out of memory reading the inventory");
	for (i = 0; i < len && s[i] >= 0x20 && s[i] < 0x7f; i++)
		;
	if (i == len) {
		*out = arena_copy(it, (const char *)s, (size_t)len);
	} else {
		if ((r = query_column_text(st, col, &cleaned)) != 0)
			return r;
		*out = arena_copy(it, cleaned, strlen(cleaned));
		free(cleaned);
	}
	if (*out == NULL)
		return nc_fail(NC_ERR_NOMEM, "out of memory reading the inventory");
	return 0;
}

/* Empty every array of the current host, keeping the allocations. */
static void clear_tables(scan_iter *it)
{
	for (size_t ti = 0; ti < T__COUNT; ti++)
		*count_ptr(&it->cur, &tables[ti]) = 0;
	arena_reset(it);
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

static int read_row(scan_iter *it, const table_desc *t, sqlite3_stmt *st, void *row)
{
	int r;

	for (size_t c = 0; c < t->ncols; c++) {
		const col_desc *col = &t->cols[c];
		char *member = (char *)row + col->off;

		switch (col->kind) {
		case C_TEXT:
			if ((r = arena_text(it, st, (int)c, (char **)member)) != 0)
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
	    (*text_member(row, t->required_off) = arena_copy(it, "?", 1)) == NULL)
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
		if ((r = read_row(it, t, st, row)) != 0)
			goto out;
		if (ti != T_FACTS || !fact_key_names_secret(((fact_row *)row)->key))
			(*n)++;
	}
	if (rc != SQLITE_DONE)
		r = inventory_fail(it->inv, t->what);
out:
	sqlite3_reset(st);
	return r;
}

/* SQLite's ORDER BY name COLLATE NOCASE, version, rowid: ASCII case
 * folding only, bytes compared unsigned, NULL first. */
static int compare_nocase(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;

	for (;; x++, y++) {
		int cx = *x >= 'A' && *x <= 'Z' ? *x + 32 : *x;
		int cy = *y >= 'A' && *y <= 'Z' ? *y + 32 : *y;

		if (cx != cy || cx == 0)
			return cx - cy;
	}
}

static int compare_binary(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b); /* glibc compares as unsigned char, like memcmp */
}

static int compare_software(const void *pa, const void *pb, void *arg)
{
	const software_row *rows = arg;
	uint32_t ia = *(const uint32_t *)pa, ib = *(const uint32_t *)pb;
	int c = compare_nocase(rows[ia].name, rows[ib].name);

	if (c == 0)
		c = compare_binary(rows[ia].version, rows[ib].version);
	return c != 0 ? c : (ia > ib) - (ia < ib); /* rows were read in rowid order */
}

static int sort_software(scan_iter *it)
{
	host_detail *d = &it->cur;
	software_row *swap;
	size_t swap_cap;
	uint32_t *order;

	if (d->nsoftware < 2)
		return 0;
	if (d->nsoftware > UINT32_MAX ||
	    nc_grow(&it->sorted, &it->sorted_cap, d->nsoftware, sizeof(*it->sorted), 16) != 0 ||
	    (order = realloc(it->order, d->nsoftware * sizeof(*order))) == NULL)
		return nc_fail(NC_ERR_NOMEM, "out of memory sorting software");
	it->order = order;
	for (size_t i = 0; i < d->nsoftware; i++)
		it->order[i] = (uint32_t)i;
	qsort_r(it->order, d->nsoftware, sizeof(*it->order), compare_software, d->software);
	for (size_t i = 0; i < d->nsoftware; i++)
		it->sorted[i] = d->software[it->order[i]];
	swap = d->software;
	swap_cap = it->cap[T_SOFTWARE];
	d->software = it->sorted;
	it->cap[T_SOFTWARE] = it->sorted_cap;
	it->sorted = swap;
	it->sorted_cap = swap_cap;
	return 0;
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
		const char *sql = tables[ti].sql;

		if (tables[ti].part != 0 && (parts & tables[ti].part) == 0)
			continue;
		if (ti == T_SOFTWARE && inventory_schema_version(inv) < 4)
			sql = software_sql_v2;
		if (sqlite3_prepare_v2(db, sql, -1, &it->table[ti], NULL) != SQLITE_OK) {
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
	verdict_rows_sort(it->cur.verdicts, it->cur.nverdicts);
	if ((r = sort_software(it)) != 0)
		goto fail;
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
	clear_host_row(&it->cur.host);
	for (size_t ti = 0; ti < T__COUNT; ti++) {
		free(*rows_ptr(&it->cur, &tables[ti]));
		sqlite3_finalize(it->table[ti]);
	}
	arena_free(it);
	free(it->sorted);
	free(it->order);
	sqlite3_finalize(it->hosts);
	free(it);
}
