#include "config.h"

/*
 * facts_store.c — fingerprint results into the inventory, and everything
 * about one host back out.
 *
 * The writer runs inside a scan, after inventory_record_results() has given
 * every live address its host id in host_scans: a host's facts go to that
 * id, so identity across scans stays store.c's business alone.  All hosts
 * are written in one transaction, so a scan never keeps half of its
 * fingerprints.  Everything is written, not only what the verdict chose
 * (the zmap fieldset idea: storage, export and diff read the same records),
 * except facts that name a secret: the fingerprinters never produce those,
 * and this is the last place that could stop one reaching the disk.
 *
 * The reader answers `show`: which scan, which host (address, MAC or
 * hostname), then each table of that scan for that host.
 */

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fingerprint/verdict.h"
#include "inventory/facts_store.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/grow.h"
#include "util/parse.h"

/* ---- writing ------------------------------------------------------------- */

/* Words that mark a fact as a secret, wherever they occur in its key.
 * ("ssh.credential" is the name of the credential section that worked,
 * not a secret.) */
static const char *const secret_words[] = {"community", "password", "passphrase",
					   "secret",	"token",    "private_key"};

enum {
	WS_SCAN_STATUS,
	WS_HOST_ID,
	WS_DELETE_VERDICTS,
	WS_DELETE_FACTS,
	WS_DELETE_SERVICES,
	WS_DELETE_SOFTWARE,
	WS_DELETE_HARDWARE,
	WS_INSERT_VERDICT,
	WS_INSERT_FACT,
	WS_INSERT_SERVICE,
	WS_INSERT_SOFTWARE,
	WS_INSERT_HARDWARE,
	WS__COUNT
};

static const char *const write_sql[] = {
    [WS_SCAN_STATUS] = "SELECT status FROM scans WHERE id = ?1",
    [WS_HOST_ID] = "SELECT host_id FROM host_scans WHERE scan_id = ?1 AND address_int = ?2",
    [WS_DELETE_VERDICTS] = "DELETE FROM verdicts WHERE scan_id = ?1 AND host_id = ?2",
    [WS_DELETE_FACTS] = "DELETE FROM facts WHERE scan_id = ?1 AND host_id = ?2",
    [WS_DELETE_SERVICES] = "DELETE FROM services WHERE scan_id = ?1 AND host_id = ?2",
    [WS_DELETE_SOFTWARE] = "DELETE FROM software WHERE scan_id = ?1 AND host_id = ?2",
    [WS_DELETE_HARDWARE] = "DELETE FROM hardware WHERE scan_id = ?1 AND host_id = ?2",
    [WS_INSERT_VERDICT] = "INSERT INTO verdicts (scan_id, host_id, field, value, source,"
			  " confidence) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [WS_INSERT_FACT] = "INSERT INTO facts (scan_id, host_id, key, value, source, confidence)"
		       " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [WS_INSERT_SERVICE] = "INSERT OR REPLACE INTO services (scan_id, host_id, proto, port, name,"
			  " product, version, info, banner, source)"
			  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    [WS_INSERT_SOFTWARE] = "INSERT INTO software (scan_id, host_id, name, version, vendor,"
			   " install_date, source, arch, size_bytes)"
			   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [WS_INSERT_HARDWARE] = "INSERT INTO hardware (scan_id, host_id, kind, name, vendor, model,"
			   " serial, firmware, extra, size_bytes, used_bytes, source)"
			   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
};
_Static_assert(ARRAY_SIZE(write_sql) == WS__COUNT, "a statement has no SQL");

bool fact_key_names_secret(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(secret_words); i++)
		if (strcasestr(key, secret_words[i]) != NULL)
			return true;
	return false;
}

static int step_done(inventory_t *inv, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return inventory_fail(inv, what);
	return 0;
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (s != NULL)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static void bind_size(sqlite3_stmt *st, int i, int64_t v)
{
	if (v >= 0)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

/* Bind ?1 scan and ?2 host, the key every statement below starts with. */
static void bind_key(sqlite3_stmt *st, int64_t scan_id, int64_t host_id)
{
	sqlite3_bind_int64(st, 1, scan_id);
	sqlite3_bind_int64(st, 2, host_id);
}

static const char *source_text(uint8_t source)
{
	return fact_source_name((fact_source)source);
}

static const char *proto_text(uint8_t proto, char *buf, size_t len)
{
	if (proto == IPPROTO_TCP)
		return "tcp";
	if (proto == IPPROTO_UDP)
		return "udp";
	snprintf(buf, len, "ip-%u", proto);
	return buf;
}

/* The id this scan recorded for the address, 0 when it recorded none. */
static int lookup_host(inventory_t *inv, sqlite3_stmt *q, int64_t scan_id, uint32_t ip,
		       int64_t *host_id)
{
	int rc;

	sqlite3_bind_int64(q, 1, scan_id);
	sqlite3_bind_int64(q, 2, ip);
	rc = sqlite3_step(q);
	*host_id = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
	sqlite3_reset(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return inventory_fail(inv, "looking up a host of the scan");
	return 0;
}

static int forget_host(inventory_t *inv, sqlite3_stmt **st, int64_t scan_id, int64_t host_id)
{
	static const int deletes[] = {WS_DELETE_VERDICTS, WS_DELETE_FACTS, WS_DELETE_SERVICES,
				      WS_DELETE_SOFTWARE, WS_DELETE_HARDWARE};
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(deletes); i++) {
		bind_key(st[deletes[i]], scan_id, host_id);
		if ((r = step_done(inv, st[deletes[i]], "replacing fingerprint results")) != 0)
			return r;
	}
	return 0;
}

static int store_verdict(inventory_t *inv, sqlite3_stmt *q, int64_t scan_id, int64_t host_id,
			 const host_facts *h)
{
	host_verdict v;
	int r;

	verdict_compute(h, &v);
	for (int f = 0; f < VERDICT__COUNT; f++) {
		if (!v.v[f].set)
			continue;
		bind_key(q, scan_id, host_id);
		sqlite3_bind_text(q, 3, verdict_field_name((verdict_field)f), -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 4, v.v[f].value, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 5, source_text(v.v[f].source), -1, SQLITE_STATIC);
		sqlite3_bind_int(q, 6, v.v[f].confidence);
		if ((r = step_done(inv, q, "recording a verdict")) != 0)
			return r;
	}
	return 0;
}

static int store_facts(inventory_t *inv, sqlite3_stmt *q, int64_t scan_id, int64_t host_id,
		       const host_facts *h)
{
	int r;

	for (size_t i = 0; i < h->nfacts; i++) {
		const fact *f = &h->facts[i];

		if (fact_key_names_secret(f->key))
			continue;
		bind_key(q, scan_id, host_id);
		sqlite3_bind_text(q, 3, f->key, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 4, f->value, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 5, source_text(f->source), -1, SQLITE_STATIC);
		sqlite3_bind_int(q, 6, f->confidence);
		if ((r = step_done(inv, q, "recording a fact")) != 0)
			return r;
	}
	return 0;
}

static int store_services(inventory_t *inv, sqlite3_stmt *q, int64_t scan_id, int64_t host_id,
			  const host_facts *h)
{
	int r;

	for (size_t i = 0; i < h->nservices; i++) {
		const service_fact *s = &h->services[i];
		char proto[16];

		bind_key(q, scan_id, host_id);
		sqlite3_bind_text(q, 3, proto_text(s->proto, proto, sizeof(proto)), -1,
				  SQLITE_TRANSIENT);
		sqlite3_bind_int(q, 4, s->port);
		bind_text_or_null(q, 5, s->name);
		bind_text_or_null(q, 6, s->product);
		bind_text_or_null(q, 7, s->version);
		bind_text_or_null(q, 8, s->info);
		bind_text_or_null(q, 9, s->banner);
		sqlite3_bind_text(q, 10, source_text(s->source), -1, SQLITE_STATIC);
		if ((r = step_done(inv, q, "recording a service")) != 0)
			return r;
	}
	return 0;
}

static int store_software(inventory_t *inv, sqlite3_stmt *q, int64_t scan_id, int64_t host_id,
			  const host_facts *h)
{
	int r;

	for (size_t i = 0; i < h->nsoftware; i++) {
		const software_fact *s = &h->software[i];

		bind_key(q, scan_id, host_id);
		sqlite3_bind_text(q, 3, s->name, -1, SQLITE_STATIC);
		bind_text_or_null(q, 4, s->version);
		bind_text_or_null(q, 5, s->vendor);
		bind_text_or_null(q, 6, s->install_date);
		sqlite3_bind_text(q, 7, source_text(s->source), -1, SQLITE_STATIC);
		bind_text_or_null(q, 8, s->arch);
		if (s->size_bytes > 0)
			sqlite3_bind_int64(q, 9, s->size_bytes);
		else
			sqlite3_bind_null(q, 9);
		if ((r = step_done(inv, q, "recording software")) != 0)
			return r;
	}
	return 0;
}

static int store_hardware(inventory_t *inv, sqlite3_stmt *q, int64_t scan_id, int64_t host_id,
			  const host_facts *h)
{
	int r;

	for (size_t i = 0; i < h->nhardware; i++) {
		const hardware_fact *hw = &h->hardware[i];

		bind_key(q, scan_id, host_id);
		sqlite3_bind_text(q, 3, hw->kind, -1, SQLITE_STATIC);
		bind_text_or_null(q, 4, hw->name);
		bind_text_or_null(q, 5, hw->vendor);
		bind_text_or_null(q, 6, hw->model);
		bind_text_or_null(q, 7, hw->serial);
		bind_text_or_null(q, 8, hw->firmware);
		bind_text_or_null(q, 9, hw->extra);
		bind_size(q, 10, hw->size_bytes);
		bind_size(q, 11, hw->used_bytes);
		sqlite3_bind_text(q, 12, source_text(hw->source), -1, SQLITE_STATIC);
		if ((r = step_done(inv, q, "recording hardware")) != 0)
			return r;
	}
	return 0;
}

static int store_host(inventory_t *inv, sqlite3_stmt **st, int64_t scan_id, int64_t host_id,
		      const host_facts *h)
{
	int r;

	if ((r = forget_host(inv, st, scan_id, host_id)) != 0 ||
	    (r = store_verdict(inv, st[WS_INSERT_VERDICT], scan_id, host_id, h)) != 0 ||
	    (r = store_facts(inv, st[WS_INSERT_FACT], scan_id, host_id, h)) != 0 ||
	    (r = store_services(inv, st[WS_INSERT_SERVICE], scan_id, host_id, h)) != 0 ||
	    (r = store_software(inv, st[WS_INSERT_SOFTWARE], scan_id, host_id, h)) != 0 ||
	    (r = store_hardware(inv, st[WS_INSERT_HARDWARE], scan_id, host_id, h)) != 0)
		return r;
	return 0;
}

int inventory_record_facts(inventory_t *inv, int64_t scan_id, host_facts *const *hosts, size_t n)
{
	sqlite3 *db = inventory_sqlite(inv);
	sqlite3_stmt *st[WS__COUNT] = {0};
	bool in_txn = false;
	int r = NC_ERR_INTERNAL;

	if (!inventory_locked(inv))
		return nc_fail(NC_ERR_INVALID, "no scan is being written to %s",
			       inventory_path(inv));
	for (size_t i = 0; i < WS__COUNT; i++) {
		if (sqlite3_prepare_v2(db, write_sql[i], -1, &st[i], NULL) != SQLITE_OK) {
			r = inventory_fail(inv, "preparing to record fingerprint results");
			goto out;
		}
	}
	if ((r = inventory_exec(inv, "BEGIN IMMEDIATE", "starting to record fingerprints")) != 0)
		goto out;
	in_txn = true;
	if ((r = inventory_check_running(inv, st[WS_SCAN_STATUS], scan_id)) != 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		int64_t host_id = 0;

		if (hosts[i] == NULL)
			continue;
		if ((r = lookup_host(inv, st[WS_HOST_ID], scan_id, hosts[i]->ip, &host_id)) != 0)
			goto out;
		if (host_id == 0)
			continue; /* not recorded by this scan: nothing to attach to */
		if ((r = store_host(inv, st, scan_id, host_id, hosts[i])) != 0)
			goto out;
	}
	if ((r = inventory_exec(inv, "COMMIT", "committing fingerprint results")) != 0)
		goto out;
	in_txn = false;
	r = 0;
out:
	if (in_txn)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	for (size_t i = 0; i < WS__COUNT; i++)
		sqlite3_finalize(st[i]);
	return r;
}

/* ---- finding the host `show` asks for ------------------------------------ */

/*
 * Each query yields the (scan, host, address) rows host_spec matches, the
 * newest scan first: in scan ?1, or with ?1 = 0 in every scan that is not
 * running.  ?2 is the address (as an integer), the MAC or the name.
 */
/* clang-format off */
#define FIND_SCANS \
	" JOIN scans s ON s.id = hs.scan_id" \
	" WHERE (hs.scan_id = ?1 OR (?1 = 0 AND s.status <> 'running'))"
#define FIND_ORDER " ORDER BY hs.scan_id DESC, hs.address_int"

static const char find_by_address_sql[] =
	"SELECT hs.scan_id, hs.host_id, hs.address FROM host_scans hs"
	FIND_SCANS
	" AND hs.address_int = ?2"
	FIND_ORDER;
static const char find_by_mac_sql[] =
	"SELECT hs.scan_id, hs.host_id, hs.address FROM host_scans hs"
	FIND_SCANS
	" AND hs.mac = ?2"
	FIND_ORDER;
static const char find_by_name_sql[] =
	"SELECT hs.scan_id, hs.host_id, hs.address FROM host_scans hs"
	" JOIN verdicts n ON n.scan_id = hs.scan_id AND n.host_id = hs.host_id"
	"   AND n.field = 'hostname'"
	" LEFT JOIN verdicts d ON d.scan_id = hs.scan_id AND d.host_id = hs.host_id"
	"   AND d.field = 'domain'"
	FIND_SCANS
	" AND (n.value = ?2 COLLATE NOCASE"
	"      OR n.value || '.' || d.value = ?2 COLLATE NOCASE)"
	FIND_ORDER;
/* clang-format on */

/* "aa:bb:cc:dd:ee:ff" (or '-', any case) into lower-case colon form. */
static bool parse_mac_text(const char *s, char *out, size_t len)
{
	static const char hex[] = "0123456789abcdefABCDEF";

	if (strlen(s) != 17 || len < 18)
		return false;
	for (int i = 0; i < 17; i++) {
		if (i % 3 == 2 ? s[i] != ':' && s[i] != '-' : strchr(hex, s[i]) == NULL)
			return false;
		out[i] = i % 3 == 2 ? ':' : (char)(s[i] | 0x20); /* ASCII lower case */
	}
	out[17] = '\0';
	return true;
}

/* Several hosts of one scan answer to spec: name them so the user can pick. */
static int refuse_ambiguous(const char *spec, int64_t scan_id, size_t count, const char *list)
{
	return nc_fail(NC_ERR_INVALID, "'%s' names %zu hosts in scan %lld (%s); give an address",
		       spec, count, (long long)scan_id, list);
}

static int refuse_unknown(inventory_t *inv, const char *spec, int64_t scan_id)
{
	scan_row latest;
	int r;

	if (scan_id == 0) {
		if ((r = query_latest_scan(inv, &latest)) != 0)
			return r;
		scan_id = latest.id;
		scan_row_clear(&latest);
	}
	return nc_fail(NC_ERR_NOT_FOUND, "no host '%s' in scan %lld", spec, (long long)scan_id);
}

/* The scan (the newest, with scan_id 0) and host that spec names. */
static int find_host(inventory_t *inv, int64_t scan_id, const char *spec, int64_t *scan_out,
		     int64_t *host_out)
{
	sqlite3_stmt *st = NULL;
	const char *sql = find_by_name_sql;
	char mac[18], list[128] = "";
	uint32_t ip;
	size_t count = 0, used = 0;
	int rc, r = NC_ERR_INTERNAL;

	*scan_out = *host_out = 0;
	if (parse_ipv4(spec, &ip))
		sql = find_by_address_sql;
	else if (parse_mac_text(spec, mac, sizeof(mac)))
		sql = find_by_mac_sql;
	if (sqlite3_prepare_v2(inventory_sqlite(inv), sql, -1, &st, NULL) != SQLITE_OK) {
		r = inventory_fail(inv, "looking for the host");
		goto out;
	}
	sqlite3_bind_int64(st, 1, scan_id);
	if (sql == find_by_address_sql)
		sqlite3_bind_int64(st, 2, ip);
	else
		sqlite3_bind_text(st, 2, sql == find_by_mac_sql ? mac : spec, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *address = (const char *)sqlite3_column_text(st, 2);

		if (count > 0 && sqlite3_column_int64(st, 0) != *scan_out)
			break; /* an older scan: the newest one is decided */
		if (count == 0) {
			*scan_out = sqlite3_column_int64(st, 0);
			*host_out = sqlite3_column_int64(st, 1);
		}
		if (count < 4 && used < sizeof(list))
			used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
						 count ? ", " : "", address ? address : "?");
		else if (count == 4 && used < sizeof(list))
			used += (size_t)snprintf(list + used, sizeof(list) - used, ", ...");
		count++;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		r = inventory_fail(inv, "looking for the host");
		goto out;
	}
	if (count == 0)
		r = refuse_unknown(inv, spec, scan_id);
	else if (count > 1)
		r = refuse_ambiguous(spec, *scan_out, count, list);
	else
		r = 0;
out:
	sqlite3_finalize(st);
	if (r != 0)
		*scan_out = *host_out = 0;
	return r;
}

/* ---- reading the tables of one host --------------------------------------- */

typedef int (*row_read_fn)(sqlite3_stmt *st, void *row);
typedef void (*row_clear_fn)(void *row);

/*
 * Every row of sql (?1 scan, ?2 host) as an array of elem-byte structs,
 * each zeroed then filled by read; *rows_out = NULL and *n_out = 0 first.
 * On failure the rows read so far are cleared and freed.
 */
static int read_rows(inventory_t *inv, const char *sql, int64_t scan_id, int64_t host_id,
		     size_t elem, row_read_fn read, row_clear_fn clear, void **rows_out,
		     size_t *n_out, const char *what)
{
	sqlite3_stmt *st = NULL;
	char *rows = NULL;
	size_t n = 0, cap = 0;
	int rc, r = NC_ERR_INTERNAL;

	*rows_out = NULL;
	*n_out = 0;
	if (sqlite3_prepare_v2(inventory_sqlite(inv), sql, -1, &st, NULL) != SQLITE_OK) {
		r = inventory_fail(inv, what);
		goto out;
	}
	bind_key(st, scan_id, host_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (nc_grow(&rows, &cap, n + 1, elem, 16) != 0) {
			r = nc_fail(NC_ERR_NOMEM, "out of memory %s", what);
			goto out;
		}
		memset(rows + n * elem, 0, elem);
		/* Counted before reading, so a half-read row is cleared too. */
		if ((r = read(st, rows + n++ * elem)) != 0)
			goto out;
	}
	if (rc != SQLITE_DONE) {
		r = inventory_fail(inv, what);
		goto out;
	}
	*rows_out = rows;
	*n_out = n;
	rows = NULL;
	n = 0;
	r = 0;
out:
	sqlite3_finalize(st);
	for (size_t i = 0; i < n; i++)
		clear(rows + i * elem);
	free(rows);
	return r;
}

/* Read text columns first..first+count-1 into the char * fields listed. */
static int read_texts(sqlite3_stmt *st, int first, char **const *fields, size_t count)
{
	int r;

	for (size_t i = 0; i < count; i++)
		if ((r = query_column_text(st, first + (int)i, fields[i])) != 0)
			return r;
	return 0;
}

static int read_verdict(sqlite3_stmt *st, void *row)
{
	verdict_row *v = row;
	char **const fields[] = {&v->field, &v->value, &v->source};

	v->confidence = (int)query_column_int(st, 3, -1);
	return read_texts(st, 0, fields, ARRAY_SIZE(fields));
}

static void clear_verdict(void *row)
{
	verdict_row *v = row;

	free(v->field);
	free(v->value);
	free(v->source);
}

static int read_fact(sqlite3_stmt *st, void *row)
{
	fact_row *f = row;
	char **const fields[] = {&f->key, &f->value, &f->source};

	f->confidence = (int)query_column_int(st, 3, -1);
	return read_texts(st, 0, fields, ARRAY_SIZE(fields));
}

static void clear_fact(void *row)
{
	fact_row *f = row;

	free(f->key);
	free(f->value);
	free(f->source);
}

static int read_service(sqlite3_stmt *st, void *row)
{
	service_row *s = row;
	char **const fields[] = {&s->name, &s->product, &s->version,
				 &s->info, &s->banner,	&s->source};
	int r;

	s->port = (uint16_t)query_column_int(st, 1, 0);
	if ((r = query_column_text(st, 0, &s->proto)) != 0)
		return r;
	return read_texts(st, 2, fields, ARRAY_SIZE(fields));
}

static void clear_service(void *row)
{
	service_row *s = row;

	free(s->proto);
	free(s->name);
	free(s->product);
	free(s->version);
	free(s->info);
	free(s->banner);
	free(s->source);
}

static int read_software(sqlite3_stmt *st, void *row)
{
	software_row *s = row;
	char **const fields[] = {&s->name,   &s->version, &s->vendor,
				 &s->install_date, &s->source, &s->arch};
	int r;

	if ((r = read_texts(st, 0, fields, ARRAY_SIZE(fields))) != 0)
		return r;
	s->size_bytes = query_column_int(st, 6, -1);
	if (s->name == NULL && (s->name = strdup("?")) == NULL)
		return nc_fail(NC_ERR_NOMEM, "out of memory reading software");
	return 0;
}

static void clear_software(void *row)
{
	software_row *s = row;

	free(s->name);
	free(s->version);
	free(s->vendor);
	free(s->install_date);
	free(s->source);
	free(s->arch);
}

static int read_hardware(sqlite3_stmt *st, void *row)
{
	hardware_row *hw = row;
	char **const fields[] = {&hw->kind,   &hw->name,     &hw->vendor, &hw->model,
				 &hw->serial, &hw->firmware, &hw->extra};
	int r;

	hw->size_bytes = query_column_int(st, 7, -1);
	hw->used_bytes = query_column_int(st, 8, -1);
	if ((r = read_texts(st, 0, fields, ARRAY_SIZE(fields))) != 0 ||
	    (r = query_column_text(st, 9, &hw->source)) != 0)
		return r;
	if (hw->kind == NULL && (hw->kind = strdup("?")) == NULL)
		return nc_fail(NC_ERR_NOMEM, "out of memory reading hardware");
	return 0;
}

static void clear_hardware(void *row)
{
	hardware_row *hw = row;

	free(hw->kind);
	free(hw->name);
	free(hw->vendor);
	free(hw->model);
	free(hw->serial);
	free(hw->firmware);
	free(hw->extra);
	free(hw->source);
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

void verdict_rows_sort(verdict_row *rows, size_t n)
{
	if (n > 1) /* rows may be NULL when n is 0: qsort must not see it */
		qsort(rows, n, sizeof(*rows), compare_verdicts);
}

static int read_first_last_seen(inventory_t *inv, int64_t host_id, host_detail *d)
{
	static const char sql[] = "SELECT first_seen, last_seen FROM hosts WHERE id = ?1";
	sqlite3_stmt *st = NULL;
	int rc, r = 0;

	if (sqlite3_prepare_v2(inventory_sqlite(inv), sql, -1, &st, NULL) != SQLITE_OK)
		return inventory_fail(inv, "reading the host");
	sqlite3_bind_int64(st, 1, host_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		d->first_seen = sqlite3_column_double(st, 0);
		d->last_seen = sqlite3_column_double(st, 1);
	} else if (rc != SQLITE_DONE) {
		r = inventory_fail(inv, "reading the host");
	}
	sqlite3_finalize(st);
	return r;
}

int query_host_detail(inventory_t *inv, int64_t scan_id, const char *host_spec, host_detail *out)
{
	static const char verdicts_sql[] = "SELECT field, value, source, confidence FROM verdicts"
					   " WHERE scan_id = ?1 AND host_id = ?2";
	static const char facts_sql[] = "SELECT key, value, source, confidence FROM facts"
					" WHERE scan_id = ?1 AND host_id = ?2 ORDER BY rowid";
	static const char services_sql[] =
	    "SELECT proto, port, name, product, version, info, banner, source FROM services"
	    " WHERE scan_id = ?1 AND host_id = ?2 ORDER BY proto, port";
	/* schema 4 added arch and size_bytes; an older database opened
	 * read-only has neither */
	const char *software_sql =
	    inventory_schema_version(inv) >= 4
		? "SELECT name, version, vendor, install_date, source, arch, size_bytes"
		  " FROM software WHERE scan_id = ?1 AND host_id = ?2"
		  " ORDER BY name COLLATE NOCASE, version, rowid"
		: "SELECT name, version, vendor, install_date, source, NULL, NULL"
		  " FROM software WHERE scan_id = ?1 AND host_id = ?2"
		  " ORDER BY name COLLATE NOCASE, version, rowid";
	static const char hardware_sql[] =
	    "SELECT kind, name, vendor, model, serial, firmware, extra, size_bytes, used_bytes,"
	    " source FROM hardware WHERE scan_id = ?1 AND host_id = ?2"
	    " ORDER BY CASE kind WHEN 'cpu' THEN 0 WHEN 'memory' THEN 1 WHEN 'storage' THEN 2"
	    " WHEN 'nic' THEN 3 WHEN 'device' THEN 4 WHEN 'entity' THEN 5 WHEN 'printer' THEN 6"
	    " ELSE 7 END, kind, rowid";
	scan_row scan;
	int64_t host_id = 0;
	void *rows;
	int r;

	memset(out, 0, sizeof(*out));
	if (scan_id != 0) {
		if ((r = query_scan(inv, scan_id, &scan)) != 0)
			return r;
		scan_row_clear(&scan);
	}
	if ((r = find_host(inv, scan_id, host_spec, &out->scan_id, &host_id)) != 0)
		return r;
	if ((r = query_scan_host(inv, out->scan_id, host_id, &out->host)) != 0) {
		if (r == NC_ERR_NOT_FOUND)
			r = nc_fail(NC_ERR_INTERNAL, "database %s: host %lld vanished",
				    inventory_path(inv), (long long)host_id);
		goto out;
	}
	if ((r = read_first_last_seen(inv, host_id, out)) != 0)
		goto out;
	if ((r = read_rows(inv, verdicts_sql, out->scan_id, host_id, sizeof(verdict_row),
			   read_verdict, clear_verdict, &rows, &out->nverdicts,
			   "reading verdicts")) != 0)
		goto out;
	out->verdicts = rows;
	if ((r = read_rows(inv, facts_sql, out->scan_id, host_id, sizeof(fact_row), read_fact,
			   clear_fact, &rows, &out->nfacts, "reading facts")) != 0)
		goto out;
	out->facts = rows;
	if ((r = read_rows(inv, services_sql, out->scan_id, host_id, sizeof(service_row),
			   read_service, clear_service, &rows, &out->nservices,
			   "reading services")) != 0)
		goto out;
	out->services = rows;
	if ((r = read_rows(inv, software_sql, out->scan_id, host_id, sizeof(software_row),
			   read_software, clear_software, &rows, &out->nsoftware,
			   "reading software")) != 0)
		goto out;
	out->software = rows;
	if ((r = read_rows(inv, hardware_sql, out->scan_id, host_id, sizeof(hardware_row),
			   read_hardware, clear_hardware, &rows, &out->nhardware,
			   "reading hardware")) != 0)
		goto out;
	out->hardware = rows;
	verdict_rows_sort(out->verdicts, out->nverdicts);
	r = 0;
out:
	if (r != 0)
		query_host_detail_free(out);
	return r;
}

void query_host_detail_free(host_detail *d)
{
	query_host_clear(&d->host);
	for (size_t i = 0; i < d->nverdicts; i++)
		clear_verdict(&d->verdicts[i]);
	for (size_t i = 0; i < d->nfacts; i++)
		clear_fact(&d->facts[i]);
	for (size_t i = 0; i < d->nservices; i++)
		clear_service(&d->services[i]);
	for (size_t i = 0; i < d->nsoftware; i++)
		clear_software(&d->software[i]);
	for (size_t i = 0; i < d->nhardware; i++)
		clear_hardware(&d->hardware[i]);
	free(d->verdicts);
	free(d->facts);
	free(d->services);
	free(d->software);
	free(d->hardware);
	memset(d, 0, sizeof(*d));
}

const char *host_detail_verdict(const host_detail *d, const char *field)
{
	for (size_t i = 0; i < d->nverdicts; i++)
		if (d->verdicts[i].field != NULL && strcmp(d->verdicts[i].field, field) == 0)
			return d->verdicts[i].value;
	return NULL;
}
