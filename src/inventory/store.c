#include "config.h"

/*
 * store.c — writing one scan into the inventory.
 *
 * A scan is written under the writer lock (db.c) from begin to finish, so
 * two scans never interleave and nothing is written by a process that did
 * not get the lock.  A row still "running" when the lock is taken belongs to
 * a process that died mid-scan; it is marked "interrupted" then.
 *
 * Host identity across scans, for each live address of this scan:
 *   1. the host this scan already recorded at that address (recording the
 *      same scan twice replaces its observations instead of doubling them);
 *   2. with a MAC: a host with that MAC, preferring one last seen at the
 *      same address (a router answering proxy ARP for many addresses keeps
 *      one host per address); failing that, a host last seen at the address
 *      whose MAC was never learned — it learns it now;
 *   3. without a MAC (routed or unprivileged scans): the most recently seen
 *      host whose last address is this one, whatever its MAC;
 *   4. else a new host.
 * A host is observed at most once per scan, so candidates already taken by
 * this scan are skipped.
 *
 * That id is provisional: inventory_finish_scan() runs identity.h's
 * resolution over the whole scan once its facts are in (SSH host key, DMI
 * UUID/serial, SMB name, SNMP engine id outrank MAC and address), moving an
 * observation to another host when the stronger keys say so.  A scan whose
 * process died is resolved when the next scan closes it as interrupted.
 */

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "inventory/identity.h"
#include "inventory/prune.h"
#include "inventory/query.h"
#include "inventory/store.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/timeutil.h"

static const char *const scan_statuses[] = {"complete", "interrupted", "failed"};

/* Statements of inventory_record_results(), prepared once per call. */
enum {
	ST_SCAN_STATUS,
	ST_SEEN_IN_SCAN,
	ST_BY_MAC,
	ST_BY_ADDRESS,
	ST_INSERT_HOST,
	ST_UPDATE_HOST,
	ST_DELETE_PORTS,
	ST_INSERT_OBSERVATION,
	ST_INSERT_PORT,
	ST__COUNT
};

static const char *const record_sql[] = {
    [ST_SCAN_STATUS] = "SELECT status FROM scans WHERE id = ?1",
    [ST_SEEN_IN_SCAN] = "SELECT host_id FROM host_scans WHERE scan_id = ?1 AND address_int = ?2",
    [ST_BY_MAC] = "SELECT id FROM hosts WHERE mac = ?1"
		  " AND NOT EXISTS (SELECT 1 FROM host_scans"
		  "                 WHERE scan_id = ?2 AND host_id = hosts.id)"
		  " ORDER BY address IS ?3 DESC, last_seen DESC, id DESC LIMIT 1",
    [ST_BY_ADDRESS] = "SELECT id FROM hosts WHERE address = ?1 AND (?3 = 0 OR mac IS NULL)"
		      " AND NOT EXISTS (SELECT 1 FROM host_scans"
		      "                 WHERE scan_id = ?2 AND host_id = hosts.id)"
		      " ORDER BY last_seen DESC, id DESC LIMIT 1",
    [ST_INSERT_HOST] = "INSERT INTO hosts (mac, address, first_seen, last_seen, first_scan,"
		       " last_scan) VALUES (?1, ?2, ?3, ?3, ?4, ?4)",
    [ST_UPDATE_HOST] = "UPDATE hosts SET mac = COALESCE(?1, mac), address = ?2,"
		       " last_seen = MAX(COALESCE(last_seen, ?3), ?3), last_scan = ?4"
		       " WHERE id = ?5",
    [ST_DELETE_PORTS] = "DELETE FROM ports WHERE scan_id = ?1 AND host_id = ?2",
    [ST_INSERT_OBSERVATION] =
	"INSERT OR REPLACE INTO host_scans (scan_id, host_id, address, address_int,"
	" address_reason, mac, mac_source, reasons, ttl, rtt_us, on_link, seen_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    [ST_INSERT_PORT] = "INSERT OR REPLACE INTO ports (scan_id, host_id, proto, port, state,"
		       " reason, ttl) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
};
_Static_assert(ARRAY_SIZE(record_sql) == ST__COUNT, "a statement has no SQL");

/* One observation, formatted once for every statement that binds it. */
typedef struct {
	const host_result *h;
	char address[16];
	char mac[18];
	const char *mac_text; /* mac, or NULL when unknown */
	char reasons[256];
	double seen_at;
} observation;

static int step_done(inventory_t *inv, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return inventory_fail(inv, what);
	return 0;
}

/* Step a one-column lookup: *id = the value, or 0 when no row. */
static int step_lookup(inventory_t *inv, sqlite3_stmt *st, int64_t *id, const char *what)
{
	int rc = sqlite3_step(st);

	*id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
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

static void bind_int_or_null(sqlite3_stmt *st, int i, int64_t v, bool known)
{
	if (known)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

static const char *proto_name(uint8_t proto, char *buf, size_t len)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_SCTP:
		return "sctp";
	default:
		snprintf(buf, len, "ip-%u", proto);
		return buf;
	}
}

/* The host id for one observation (see the file comment), created or
 * updated as needed. */
static int resolve_host(inventory_t *inv, sqlite3_stmt **st, int64_t scan_id, const observation *o,
			int64_t *host_id)
{
	sqlite3_stmt *q;
	int r;

	q = st[ST_SEEN_IN_SCAN];
	sqlite3_bind_int64(q, 1, scan_id);
	sqlite3_bind_int64(q, 2, o->h->ip);
	if ((r = step_lookup(inv, q, host_id, "looking up an observation")) != 0)
		return r;
	if (*host_id == 0 && o->mac_text != NULL) {
		q = st[ST_BY_MAC];
		sqlite3_bind_text(q, 1, o->mac_text, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 2, scan_id);
		sqlite3_bind_text(q, 3, o->address, -1, SQLITE_STATIC);
		if ((r = step_lookup(inv, q, host_id, "looking up a host by MAC")) != 0)
			return r;
	}
	if (*host_id == 0) {
		q = st[ST_BY_ADDRESS];
		sqlite3_bind_text(q, 1, o->address, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 2, scan_id);
		sqlite3_bind_int(q, 3, o->mac_text != NULL ? 1 : 0);
		if ((r = step_lookup(inv, q, host_id, "looking up a host by address")) != 0)
			return r;
	}

	if (*host_id == 0) {
		q = st[ST_INSERT_HOST];
		bind_text_or_null(q, 1, o->mac_text);
		sqlite3_bind_text(q, 2, o->address, -1, SQLITE_STATIC);
		sqlite3_bind_double(q, 3, o->seen_at);
		sqlite3_bind_int64(q, 4, scan_id);
		if ((r = step_done(inv, q, "adding a host")) != 0)
			return r;
		*host_id = sqlite3_last_insert_rowid(inventory_sqlite(inv));
		return 0;
	}
	q = st[ST_UPDATE_HOST];
	bind_text_or_null(q, 1, o->mac_text);
	sqlite3_bind_text(q, 2, o->address, -1, SQLITE_STATIC);
	sqlite3_bind_double(q, 3, o->seen_at);
	sqlite3_bind_int64(q, 4, scan_id);
	sqlite3_bind_int64(q, 5, *host_id);
	return step_done(inv, q, "updating a host");
}

static int store_observation(inventory_t *inv, sqlite3_stmt **st, int64_t scan_id,
			     const observation *o, int64_t host_id)
{
	const host_result *h = o->h;
	sqlite3_stmt *q;
	int r;

	q = st[ST_DELETE_PORTS];
	sqlite3_bind_int64(q, 1, scan_id);
	sqlite3_bind_int64(q, 2, host_id);
	if ((r = step_done(inv, q, "replacing ports")) != 0)
		return r;

	q = st[ST_INSERT_OBSERVATION];
	sqlite3_bind_int64(q, 1, scan_id);
	sqlite3_bind_int64(q, 2, host_id);
	sqlite3_bind_text(q, 3, o->address, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, h->ip);
	sqlite3_bind_text(q, 5, reason_name((reason_t)h->addr_reason), -1, SQLITE_STATIC);
	bind_text_or_null(q, 6, o->mac_text);
	bind_text_or_null(q, 7, o->mac_text ? mac_source_name((mac_source_t)h->mac_source) : NULL);
	sqlite3_bind_text(q, 8, o->reasons, -1, SQLITE_STATIC);
	bind_int_or_null(q, 9, h->ttl, h->ttl != 0);
	bind_int_or_null(q, 10, h->rtt_us, h->rtt_us >= 0);
	sqlite3_bind_int(q, 11, h->on_link ? 1 : 0);
	sqlite3_bind_double(q, 12, o->seen_at);
	if ((r = step_done(inv, q, "recording a host")) != 0)
		return r;

	q = st[ST_INSERT_PORT];
	for (size_t i = 0; i < h->nports; i++) {
		const port_result *p = &h->ports[i];
		char proto[16];

		sqlite3_bind_int64(q, 1, scan_id);
		sqlite3_bind_int64(q, 2, host_id);
		sqlite3_bind_text(q, 3, proto_name(p->proto, proto, sizeof(proto)), -1,
				  SQLITE_TRANSIENT);
		sqlite3_bind_int(q, 4, p->port);
		sqlite3_bind_text(q, 5, port_state_name((port_state_t)p->state), -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 6, reason_name((reason_t)p->reason), -1, SQLITE_STATIC);
		bind_int_or_null(q, 7, p->ttl, p->ttl != 0);
		if ((r = step_done(inv, q, "recording a port")) != 0)
			return r;
	}
	return 0;
}

static void observation_init(observation *o, const host_result *h)
{
	o->h = h;
	format_ipv4(h->ip, o->address, sizeof(o->address));
	o->mac_text = NULL;
	if (h->mac_source != MAC_SRC_NONE)
		o->mac_text = format_mac(h->mac, o->mac, sizeof(o->mac));
	reason_mask_format(h->reasons, o->reasons, sizeof(o->reasons));
	o->seen_at = h->first_seen > 0 ? h->first_seen : time_wall();
}

int inventory_check_running(inventory_t *inv, sqlite3_stmt *q, int64_t scan_id)
{
	int rc, r = 0;

	sqlite3_bind_int64(q, 1, scan_id);
	rc = sqlite3_step(q);
	if (rc == SQLITE_DONE)
		r = nc_fail(NC_ERR_NOT_FOUND, "database %s has no scan %lld", inventory_path(inv),
			    (long long)scan_id);
	else if (rc != SQLITE_ROW)
		r = inventory_fail(inv, "reading the scan");
	else if (strcmp((const char *)sqlite3_column_text(q, 0), "running") != 0)
		r = nc_fail(NC_ERR_INVALID, "scan %lld in %s is %s, not running",
			    (long long)scan_id, inventory_path(inv), sqlite3_column_text(q, 0));
	sqlite3_reset(q);
	return r;
}

int inventory_record_results(inventory_t *inv, int64_t scan_id, results_t *res)
{
	sqlite3 *db = inventory_sqlite(inv);
	sqlite3_stmt *st[ST__COUNT] = {0};
	host_result *const *hosts;
	size_t n = 0;
	bool in_txn = false;
	int r = NC_ERR_INTERNAL;

	if (!inventory_locked(inv))
		return nc_fail(NC_ERR_INVALID, "no scan is being written to %s",
			       inventory_path(inv));
	hosts = results_sorted(res, &n);
	if (hosts == NULL && results_count(res) > 0)
		return NC_ERR_NOMEM; /* results_sorted() said why */

	for (size_t i = 0; i < ST__COUNT; i++) {
		if (sqlite3_prepare_v2(db, record_sql[i], -1, &st[i], NULL) != SQLITE_OK) {
			r = inventory_fail(inv, "preparing to record results");
			goto out;
		}
	}
	if ((r = inventory_exec(inv, "BEGIN IMMEDIATE", "starting to record results")) != 0)
		goto out;
	in_txn = true;
	if ((r = inventory_check_running(inv, st[ST_SCAN_STATUS], scan_id)) != 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		observation o;
		int64_t host_id = 0;

		observation_init(&o, hosts[i]);
		if ((r = resolve_host(inv, st, scan_id, &o, &host_id)) != 0 ||
		    (r = store_observation(inv, st, scan_id, &o, host_id)) != 0)
			goto out;
	}
	if ((r = inventory_exec(inv, "COMMIT", "committing results")) != 0)
		goto out;
	in_txn = false;
	r = 0;
out:
	if (in_txn)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	for (size_t i = 0; i < ST__COUNT; i++)
		sqlite3_finalize(st[i]);
	return r;
}

/*
 * Identity resolution (identity.c) drops provisional hosts.  With foreign
 * keys enforced, SQLite would look for rows still pointing at each one in
 * every table without an index on host_id (ports, services, facts,
 * verdicts, software, hardware): a full scan of each per host dropped.
 * identity.c moves and deletes those rows itself, so the enforcement is off
 * for that transaction when the schema holds no reference it does not
 * handle (inventory_check_references()).  Only outside a transaction.
 */
static bool foreign_keys_off(inventory_t *inv)
{
	if (inventory_check_references(inv) != 0) {
		log_debug("%s; foreign keys stay enforced", nc_errmsg(NC_ERR_INTERNAL));
		nc_clear_error();
		return false;
	}
	return sqlite3_exec(inventory_sqlite(inv), "PRAGMA foreign_keys = OFF", NULL, NULL, NULL) ==
	       SQLITE_OK;
}

static void foreign_keys_on(inventory_t *inv, bool off)
{
	if (off)
		sqlite3_exec(inventory_sqlite(inv), "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
}

/* NC_ERR_BUSY with a detail saying which scan holds the database. */
static int refuse_busy(inventory_t *inv)
{
	static const char sql[] = "SELECT id, pid, started_at FROM scans WHERE status = 'running'"
				  " ORDER BY id DESC LIMIT 1";
	sqlite3_stmt *q = NULL;
	char started[32];
	int r;

	if (sqlite3_prepare_v2(inventory_sqlite(inv), sql, -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		r = nc_fail(
		    NC_ERR_BUSY,
		    "database %s is being written by another scan (scan %lld, pid %lld, "
		    "started %s); it was not touched — try again when that scan ends",
		    inventory_path(inv), (long long)sqlite3_column_int64(q, 0),
		    (long long)sqlite3_column_int64(q, 1),
		    query_time_local(sqlite3_column_double(q, 2), started, sizeof(started)));
	else
		r = nc_fail(NC_ERR_BUSY,
			    "database %s is being written by another scan; it was not touched — "
			    "try again when that scan ends",
			    inventory_path(inv));
	sqlite3_finalize(q);
	return r;
}

int inventory_begin_scan(inventory_t *inv, const scan_meta *meta, int64_t *scan_id_out)
{
	static const char stale_sql[] =
	    "UPDATE scans SET status = 'interrupted', note = ?1,"
	    " hosts_up = (SELECT count(*) FROM host_scans WHERE scan_id = scans.id)"
	    " WHERE status = 'running'";
	static const char insert_sql[] =
	    "INSERT INTO scans (started_at, status, targets, target_count, command, pid)"
	    " VALUES (?1, 'running', ?2, ?3, ?4, ?5)";
	static const char running_sql[] = "SELECT id FROM scans WHERE status = 'running'";
	sqlite3 *db = inventory_sqlite(inv);
	sqlite3_stmt *stale = NULL, *insert = NULL, *running = NULL;
	bool in_txn = false, fk_off = false;
	int rc, r = NC_ERR_INTERNAL;

	*scan_id_out = 0;
	if ((r = inventory_lock(inv, meta->lock_wait)) != 0)
		return r == NC_ERR_BUSY ? refuse_busy(inv) : r;

	if (sqlite3_prepare_v2(db, stale_sql, -1, &stale, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, insert_sql, -1, &insert, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, running_sql, -1, &running, NULL) != SQLITE_OK) {
		r = inventory_fail(inv, "preparing to start a scan");
		goto out;
	}
	fk_off = foreign_keys_off(inv);
	if ((r = inventory_exec(inv, "BEGIN IMMEDIATE", "starting a scan")) != 0)
		goto out;
	in_txn = true;
	/* What a dead scan recorded keeps its observations: give them their
	 * hosts as its own finish would have. */
	while ((rc = sqlite3_step(running)) == SQLITE_ROW) {
		int64_t dead = sqlite3_column_int64(running, 0);
		int ir;

		/* a failure here must not keep every later scan from starting */
		if ((r = inventory_exec(inv, "SAVEPOINT identity", "resolving identities")) != 0)
			goto out;
		if ((ir = identity_resolve_scan(inv, dead)) != 0) {
			log_warn("scan %lld: %s", (long long)dead, nc_errmsg(ir));
			if ((r = inventory_exec(inv, "ROLLBACK TO identity",
						"resolving identities")) != 0)
				goto out;
		}
		if ((r = inventory_exec(inv, "RELEASE identity", "resolving identities")) != 0)
			goto out;
	}
	if (rc != SQLITE_DONE) {
		r = inventory_fail(inv, "reading stale scans");
		goto out;
	}
	sqlite3_reset(running);
	/* We hold the lock, so whoever left these "running" is gone. */
	sqlite3_bind_text(stale, 1, "process ended without finishing the scan", -1, SQLITE_STATIC);
	if ((r = step_done(inv, stale, "closing stale scans")) != 0)
		goto out;
	sqlite3_bind_double(insert, 1, time_wall());
	bind_text_or_null(insert, 2, meta->targets);
	sqlite3_bind_int64(
	    insert, 3, meta->target_count > INT64_MAX ? INT64_MAX : (int64_t)meta->target_count);
	bind_text_or_null(insert, 4, meta->command);
	sqlite3_bind_int64(insert, 5, (int64_t)getpid());
	if ((r = step_done(inv, insert, "recording the new scan")) != 0)
		goto out;
	*scan_id_out = sqlite3_last_insert_rowid(db);
	if ((r = inventory_exec(inv, "COMMIT", "committing the new scan")) != 0)
		goto out;
	in_txn = false;
	r = 0;
out:
	if (in_txn)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	foreign_keys_on(inv, fk_off);
	sqlite3_finalize(stale);
	sqlite3_finalize(insert);
	sqlite3_finalize(running);
	if (r != 0) {
		*scan_id_out = 0;
		inventory_unlock(inv);
	}
	return r;
}

int inventory_finish_scan(inventory_t *inv, int64_t scan_id, const char *status,
			  const scan_stats *stats)
{
	static const char sql[] =
	    "UPDATE scans SET status = ?1, finished_at = ?2,"
	    " hosts_up = (SELECT count(*) FROM host_scans WHERE scan_id = ?7),"
	    " packets_sent = ?3, replies = ?4, unprivileged = ?5, note = COALESCE(?6, note)"
	    " WHERE id = ?7";
	sqlite3 *db = inventory_sqlite(inv);
	sqlite3_stmt *q = NULL;
	bool known = false, in_txn = false, fk_off = false;
	int identity_r = 0, r = NC_ERR_INTERNAL;

	for (size_t i = 0; i < ARRAY_SIZE(scan_statuses); i++)
		known |= status != NULL && strcmp(status, scan_statuses[i]) == 0;
	if (!known)
		return nc_fail(NC_ERR_INVALID, "bad final scan status '%s'", status ? status : "");
	if (!inventory_locked(inv))
		return nc_fail(NC_ERR_INVALID, "no scan is being written to %s",
			       inventory_path(inv));
	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) {
		r = inventory_fail(inv, "preparing to finish the scan");
		goto out;
	}
	fk_off = foreign_keys_off(inv);
	if ((r = inventory_exec(inv, "BEGIN IMMEDIATE", "finishing the scan")) != 0)
		goto out;
	in_txn = true;
	/* Identity once everything the scan learned is in (identity.h). If
	 * that fails the scan is still closed, its hosts left provisional, and
	 * the error returned. */
	if ((r = inventory_exec(inv, "SAVEPOINT identity", "resolving identities")) != 0)
		goto out;
	if ((identity_r = identity_resolve_scan(inv, scan_id)) != 0) {
		log_warn("%s", nc_errmsg(identity_r));
		if ((r = inventory_exec(inv, "ROLLBACK TO identity", "resolving identities")) != 0)
			goto out;
	}
	if ((r = inventory_exec(inv, "RELEASE identity", "resolving identities")) != 0)
		goto out;
	sqlite3_bind_text(q, 1, status, -1, SQLITE_STATIC);
	sqlite3_bind_double(q, 2, time_wall());
	if (stats != NULL) {
		sqlite3_bind_int64(q, 3, (int64_t)stats->packets_sent);
		sqlite3_bind_int64(q, 4, (int64_t)stats->replies_valid);
		sqlite3_bind_int(q, 5, stats->unprivileged ? 1 : 0);
	}
	bind_text_or_null(q, 6, stats && stats->interrupted ? "interrupted by signal" : NULL);
	sqlite3_bind_int64(q, 7, scan_id);
	if ((r = step_done(inv, q, "finishing the scan")) != 0)
		goto out;
	if (sqlite3_changes(db) != 1) {
		r = nc_fail(NC_ERR_NOT_FOUND, "database %s has no scan %lld", inventory_path(inv),
			    (long long)scan_id);
		goto out;
	}
	if ((r = inventory_exec(inv, "COMMIT", "committing the finished scan")) != 0)
		goto out;
	in_txn = false;
	r = identity_r;
out:
	if (in_txn)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	foreign_keys_on(inv, fk_off);
	sqlite3_finalize(q);
	/* The scan is over either way; a row left "running" is closed as
	 * interrupted by the next scan. */
	inventory_unlock(inv);
	return r;
}
