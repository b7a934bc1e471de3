/*
 * db.h — the inventory database: opening, schema, migrations, the writer lock.
 *
 * SQLite in WAL mode with a busy timeout; the schema version lives in
 * PRAGMA user_version and inventory_open() migrates older databases forward
 * inside a transaction (and refuses NC_ERR_SCHEMA for newer ones).  A
 * read-only open never migrates: it accepts INVENTORY_READABLE_VERSION and
 * later, and refuses older schemas with a hint to run a scan.  All SQL
 * goes through prepared statements.
 *
 * One scan writes at a time: inventory_begin_scan() (store.h) takes an
 * exclusive advisory lock on "<db>.lock" that lives until the scan ends or
 * the process dies.  Readers (scans, hosts, export) never take it; they
 * only ask whether someone holds it (inventory_scan_stale()).
 */
#ifndef NC_INVENTORY_DB_H
#define NC_INVENTORY_DB_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#define INVENTORY_SCHEMA_VERSION 4
/* The oldest schema a read-only open accepts without migrating: readers
 * check inventory_schema_version() before using tables added since. */
#define INVENTORY_READABLE_VERSION 2

typedef struct inventory inventory_t;

enum { INV_READONLY = 0, INV_WRITE = 1 };

/*
 * Open (creating when mode is INV_WRITE) and migrate. *out = NULL first;
 * on success the caller owns *out. Errors: NC_ERR_DB / NC_ERR_IO /
 * NC_ERR_SCHEMA / NC_ERR_NOT_FOUND (read-only open of a missing file), each
 * with a detail naming the path.
 */
int inventory_open(const char *path, int mode, inventory_t **out);
void inventory_close(inventory_t *inv);

/*
 * A scan whose row still says "running" but whose process no longer holds
 * the writer lock (killed, crashed, or it could not close the row) is
 * stale.  Every open finds those (as of the open) without writing anything;
 * query.h shows them as "interrupted", and the next scan records them so.
 * inventory_scan_stale(): is this row (id, recorded status) one of them?
 * inventory_stale_upto(): running rows with an id up to this are (0: none).
 */
bool inventory_scan_stale(const inventory_t *inv, int64_t scan_id, const char *status);
int64_t inventory_stale_upto(const inventory_t *inv);

/*
 * Read everything from here to inventory_close() out of one snapshot of the
 * database (a read transaction; WAL lets a scan go on writing meanwhile), so
 * a command that reads with many queries — an export, a diff — never mixes
 * the states before and after a commit of a scan being written.  For
 * read-only commands; a no-op when a transaction is already open.  0 or
 * NC_ERR_DB.
 */
int inventory_snapshot(inventory_t *inv);

/* The underlying handle, for store.c/query.c only. */
sqlite3 *inventory_sqlite(inventory_t *inv);
const char *inventory_path(const inventory_t *inv);
/* The schema version of the open database (INVENTORY_SCHEMA_VERSION unless
 * a read-only open found an older, still readable one). */
int inventory_schema_version(const inventory_t *inv);

/*
 * Internal to src/inventory: db.c defines these for store.c, facts_store.c
 * and query.c.
 */

/* Take the writer lock on "<db>.lock", polling every 100 ms for up to
 * wait_s seconds: 0, NC_ERR_BUSY (no detail: the caller says who holds it),
 * NC_ERR_IO or NC_ERR_INVALID (read-only handle, lock already held). */
int inventory_lock(inventory_t *inv, double wait_s);
/* Release it if held; inventory_close() does this too. */
void inventory_unlock(inventory_t *inv);
bool inventory_locked(const inventory_t *inv);
/* Run constant SQL (transaction control, DDL): never SQL with values. */
int inventory_exec(inventory_t *inv, const char *sql, const char *what);
/* nc_fail(NC_ERR_DB, ...) naming the database, what failed, SQLite's text. */
int inventory_fail(const inventory_t *inv, const char *what);
/* Is scan_id there and still "running"? status_q is a prepared
 * "SELECT status FROM scans WHERE id = ?1" (reset after use). 0,
 * NC_ERR_NOT_FOUND or NC_ERR_INVALID with a detail, NC_ERR_DB. Defined in
 * store.c. */
int inventory_check_running(inventory_t *inv, sqlite3_stmt *status_q, int64_t scan_id);

#endif
