#include "config.h"

/*
 * prune.c — dropping old scans and what only they knew (see prune.h).
 *
 * The scans to drop and the hosts they orphan are chosen first, into two
 * temporary tables, so the dry run and the real run report the same thing.
 * The deletes then go table by table, by scan id (every per-scan table is
 * indexed on it), with foreign-key enforcement off for the transaction:
 * with it on, SQLite would look up every table that references hosts for
 * every host removed, and ports, services, software and hardware have no
 * index on host_id, so a prune of a large inventory would crawl.  To stay
 * safe without the enforcement, the prune first checks that every foreign
 * key of the schema is one this file deletes by; a table added later that
 * references scans or hosts makes prune refuse until it is listed here.
 * identity.c moves rows between hosts by the same list, and uses the same
 * check before it turns the enforcement off (store.c).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inventory/prune.h"
#include "inventory/query.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/grow.h"

#define IN_PRUNED_SCANS " IN (SELECT id FROM temp.prune_scans)"
#define IN_PRUNED_HOSTS " IN (SELECT id FROM temp.prune_hosts)"

/* Every table with a scan_id referencing scans(id), and how its rows go. */
static const struct {
	const char *table;
	const char *delete_sql;
} per_scan[] = {
    {"ports", "DELETE FROM ports WHERE scan_id" IN_PRUNED_SCANS},
    {"services", "DELETE FROM services WHERE scan_id" IN_PRUNED_SCANS},
    {"facts", "DELETE FROM facts WHERE scan_id" IN_PRUNED_SCANS},
    {"verdicts", "DELETE FROM verdicts WHERE scan_id" IN_PRUNED_SCANS},
    {"software", "DELETE FROM software WHERE scan_id" IN_PRUNED_SCANS},
    {"hardware", "DELETE FROM hardware WHERE scan_id" IN_PRUNED_SCANS},
    {"host_changes", "DELETE FROM host_changes WHERE scan_id" IN_PRUNED_SCANS},
    {"events", "DELETE FROM events WHERE scan_id" IN_PRUNED_SCANS},
    {"host_scans", "DELETE FROM host_scans WHERE scan_id" IN_PRUNED_SCANS},
};

/* Tables that reference hosts(id) through host_id without a scan (or
 * whose rows of a removed host may outlive the scans above). */
static const struct {
	const char *table;
	const char *delete_sql;
} per_host[] = {
    {"host_keys", "DELETE FROM host_keys WHERE host_id" IN_PRUNED_HOSTS},
    {"host_changes", "DELETE FROM host_changes WHERE host_id" IN_PRUNED_HOSTS},
    {"events", "DELETE FROM events WHERE host_id" IN_PRUNED_HOSTS},
};

/* Tables whose every row also sits in per_scan (they reference hosts, but
 * a host is only removed once none of its scans is left). */
static const char *const scan_bound[] = {"host_scans", "ports",	   "services", "facts",
					 "verdicts",   "software", "hardware"};

static bool listed(const char *table, const char *from, const char *parent)
{
	if (strcmp(parent, "scans") == 0) {
		if (strcmp(table, "hosts") == 0)
			return strcmp(from, "first_scan") == 0 || strcmp(from, "last_scan") == 0;
		for (size_t i = 0; i < ARRAY_SIZE(per_scan); i++)
			if (strcmp(table, per_scan[i].table) == 0)
				return strcmp(from, "scan_id") == 0;
		return false;
	}
	if (strcmp(parent, "hosts") == 0 && strcmp(from, "host_id") == 0) {
		for (size_t i = 0; i < ARRAY_SIZE(per_host); i++)
			if (strcmp(table, per_host[i].table) == 0)
				return true;
		for (size_t i = 0; i < ARRAY_SIZE(scan_bound); i++)
			if (strcmp(table, scan_bound[i]) == 0)
				return true;
	}
	return false;
}

int inventory_check_references(inventory_t *inv)
{
	static const char sql[] = "SELECT m.name, f.\"from\", f.\"table\" FROM sqlite_master m,"
				  " pragma_foreign_key_list(m.name) f WHERE m.type = 'table'";
	sqlite3_stmt *st = NULL;
	int rc, r = 0;

	if (sqlite3_prepare_v2(inventory_sqlite(inv), sql, -1, &st, NULL) != SQLITE_OK)
		return inventory_fail(inv, "reading the schema");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *table = (const char *)sqlite3_column_text(st, 0);
		const char *from = (const char *)sqlite3_column_text(st, 1);
		const char *parent = (const char *)sqlite3_column_text(st, 2);

		if (table == NULL || from == NULL || parent == NULL)
			continue;
		if (!listed(table, from, parent)) {
			r = nc_fail(NC_ERR_INTERNAL,
				    "database %s: table %s references %s through a column the "
				    "inventory code does not move or delete by",
				    inventory_path(inv), table, parent);
			break;
		}
	}
	if (r == 0 && rc != SQLITE_DONE)
		r = inventory_fail(inv, "reading the schema");
	sqlite3_finalize(st);
	return r;
}

static int exec_bound(inventory_t *inv, const char *sql, int64_t a, const char *what)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(inventory_sqlite(inv), sql, -1, &st, NULL) != SQLITE_OK)
		return inventory_fail(inv, what);
	sqlite3_bind_int64(st, 1, a);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return inventory_fail(inv, what);
	return 0;
}

static int count(inventory_t *inv, const char *sql, int64_t *n)
{
	sqlite3_stmt *st = NULL;
	int r = 0;

	*n = 0;
	if (sqlite3_prepare_v2(inventory_sqlite(inv), sql, -1, &st, NULL) != SQLITE_OK)
		return inventory_fail(inv, "counting what to prune");
	if (sqlite3_step(st) == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	else
		r = inventory_fail(inv, "counting what to prune");
	sqlite3_finalize(st);
	return r;
}

/* The oldest of the newest `keep` complete scans, 0 when there are fewer. */
static int find_cutoff(inventory_t *inv, long keep, int64_t *cutoff)
{
	static const char sql[] = "SELECT id FROM scans WHERE status = 'complete'"
				  " ORDER BY id DESC LIMIT 1 OFFSET ?1";
	sqlite3_stmt *st = NULL;
	int rc;

	*cutoff = 0;
	if (sqlite3_prepare_v2(inventory_sqlite(inv), sql, -1, &st, NULL) != SQLITE_OK)
		return inventory_fail(inv, "choosing the scans to keep");
	sqlite3_bind_int64(st, 1, keep - 1);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*cutoff = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return inventory_fail(inv, "choosing the scans to keep");
	return 0;
}

/* Fill temp.prune_scans and temp.prune_hosts, and the report. */
static int choose(inventory_t *inv, int64_t cutoff, prune_report *out)
{
	static const char scans_sql[] = "INSERT INTO temp.prune_scans SELECT id FROM scans"
					" WHERE id < ?1 AND status <> 'running'";
	static const char hosts_sql[] =
	    "INSERT INTO temp.prune_hosts SELECT id FROM hosts h WHERE NOT EXISTS"
	    " (SELECT 1 FROM host_scans hs WHERE hs.host_id = h.id"
	    "  AND hs.scan_id NOT" IN_PRUNED_SCANS ")";
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int64_t events = 0;
	int rc, r;

	if ((r = exec_bound(inv, scans_sql, cutoff, "choosing the scans to prune")) != 0 ||
	    (r = exec_bound(inv, hosts_sql, 0, "choosing the hosts to prune")) != 0)
		return r;
	if (sqlite3_prepare_v2(inventory_sqlite(inv), "SELECT id FROM temp.prune_scans ORDER BY id",
			       -1, &st, NULL) != SQLITE_OK)
		return inventory_fail(inv, "listing the scans to prune");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (nc_grow(&out->scan_ids, &cap, out->nscans + 1, sizeof(*out->scan_ids), 16) !=
		    0) {
			sqlite3_finalize(st);
			return nc_fail(NC_ERR_NOMEM, "out of memory listing the scans to prune");
		}
		out->scan_ids[out->nscans++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return inventory_fail(inv, "listing the scans to prune");
	if ((r = count(inv, "SELECT count(*) FROM host_scans WHERE scan_id" IN_PRUNED_SCANS,
		       &out->observations)) != 0 ||
	    (r = count(inv, "SELECT count(*) FROM temp.prune_hosts", &out->hosts)) != 0)
		return r;
	if (inventory_schema_version(inv) >= 3 &&
	    ((r = count(inv, "SELECT count(*) FROM host_changes WHERE scan_id" IN_PRUNED_SCANS,
			&out->changes)) != 0 ||
	     (r = count(inv, "SELECT count(*) FROM events WHERE scan_id" IN_PRUNED_SCANS,
			&events)) != 0))
		return r;
	out->changes += events;
	return 0;
}

static int remove_chosen(inventory_t *inv)
{
	static const char *const hosts_sql[] = {
	    /* surviving hosts first: nothing may point at a removed scan */
	    "UPDATE hosts SET first_scan = NULL WHERE first_scan" IN_PRUNED_SCANS,
	    "UPDATE hosts SET"
	    " last_scan = (SELECT max(scan_id) FROM host_scans WHERE host_id = hosts.id"
	    "              AND scan_id NOT" IN_PRUNED_SCANS "),"
	    " last_seen = COALESCE((SELECT max(seen_at) FROM host_scans WHERE host_id = hosts.id"
	    "              AND scan_id NOT" IN_PRUNED_SCANS "), last_seen)"
	    " WHERE last_scan" IN_PRUNED_SCANS,
	};
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(hosts_sql); i++)
		if ((r = inventory_exec(inv, hosts_sql[i], "pruning hosts")) != 0)
			return r;
	for (size_t i = 0; i < ARRAY_SIZE(per_scan); i++)
		if ((r = inventory_exec(inv, per_scan[i].delete_sql, "pruning scans")) != 0)
			return r;
	for (size_t i = 0; i < ARRAY_SIZE(per_host); i++)
		if ((r = inventory_exec(inv, per_host[i].delete_sql, "pruning hosts")) != 0)
			return r;
	if ((r = inventory_exec(inv, "DELETE FROM hosts WHERE id" IN_PRUNED_HOSTS,
				"pruning hosts")) != 0)
		return r;
	return inventory_exec(inv, "DELETE FROM scans WHERE id" IN_PRUNED_SCANS, "pruning scans");
}

/* NC_ERR_BUSY naming the scan that holds the writer lock. */
static int refuse_busy(inventory_t *inv)
{
	static const char sql[] = "SELECT id, pid FROM scans WHERE status = 'running'"
				  " ORDER BY id DESC LIMIT 1";
	sqlite3_stmt *q = NULL;
	int r;

	if (sqlite3_prepare_v2(inventory_sqlite(inv), sql, -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		r = nc_fail(NC_ERR_BUSY,
			    "database %s is being written by scan %lld (pid %lld); nothing was "
			    "pruned — try again when it ends",
			    inventory_path(inv), (long long)sqlite3_column_int64(q, 0),
			    (long long)sqlite3_column_int64(q, 1));
	else
		r = nc_fail(NC_ERR_BUSY,
			    "database %s is being written by another process; nothing was "
			    "pruned — try again when it ends",
			    inventory_path(inv));
	sqlite3_finalize(q);
	return r;
}

int inventory_prune(inventory_t *inv, long keep, bool dry_run, prune_report *out)
{
	bool locked = false, fk_off = false, in_txn = false;
	int64_t cutoff = 0;
	int r = NC_ERR_INTERNAL;

	memset(out, 0, sizeof(*out));
	if (keep < 1)
		return nc_fail(NC_ERR_INVALID, "prune: keep at least 1 scan (got %ld)", keep);
	if (!dry_run) {
		if ((r = inventory_lock(inv, 0)) != 0)
			return r == NC_ERR_BUSY ? refuse_busy(inv) : r;
		locked = true;
		/* only outside a transaction; see the file comment */
		if ((r = inventory_exec(inv, "PRAGMA foreign_keys = OFF", "preparing to prune")) !=
		    0)
			goto out;
		fk_off = true;
	}
	if ((r = inventory_exec(inv, dry_run ? "BEGIN" : "BEGIN IMMEDIATE", "starting to prune")) !=
	    0)
		goto out;
	in_txn = true;
	if ((r = inventory_check_references(inv)) != 0 ||
	    (r = find_cutoff(inv, keep, &cutoff)) != 0)
		goto out;
	out->oldest_kept = cutoff;
	if (cutoff == 0) {
		r = 0;
		goto out; /* fewer complete scans than asked to keep */
	}
	if ((r = inventory_exec(inv,
				"CREATE TEMP TABLE prune_scans (id INTEGER PRIMARY KEY);"
				"CREATE TEMP TABLE prune_hosts (id INTEGER PRIMARY KEY)",
				"preparing to prune")) != 0 ||
	    (r = choose(inv, cutoff, out)) != 0)
		goto out;
	if (!dry_run && out->nscans > 0 && (r = remove_chosen(inv)) != 0)
		goto out;
	if ((r = inventory_exec(inv, "DROP TABLE temp.prune_scans; DROP TABLE temp.prune_hosts",
				"finishing the prune")) != 0)
		goto out;
	if ((r = inventory_exec(inv, dry_run ? "ROLLBACK" : "COMMIT", "committing the prune")) != 0)
		goto out;
	in_txn = false;
	r = 0;
out:
	if (in_txn)
		sqlite3_exec(inventory_sqlite(inv), "ROLLBACK", NULL, NULL, NULL);
	if (fk_off)
		sqlite3_exec(inventory_sqlite(inv), "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	if (locked)
		inventory_unlock(inv);
	if (r != 0)
		prune_report_free(out);
	return r;
}

void prune_report_free(prune_report *r)
{
	free(r->scan_ids);
	memset(r, 0, sizeof(*r));
}
