/*
 * db.h — the inventory database: opening, schema, migrations, the writer lock.
 *
 * SQLite in WAL mode with a busy timeout; the schema version lives in
 * PRAGMA user_version and inventory_open() migrates older databases forward
 * inside a transaction (and refuses NC_ERR_SCHEMA for newer ones).  All SQL
 * goes through prepared statements.
 *
 * One scan writes at a time: inventory_begin_scan() (store.h) takes an
 * exclusive advisory lock on "<db>.lock" that lives until the scan ends or
 * the process dies.  Readers (scans, hosts, export) never take it.
 */
#ifndef NC_INVENTORY_DB_H
#define NC_INVENTORY_DB_H

#include <sqlite3.h>
#include <stdbool.h>

#define INVENTORY_SCHEMA_VERSION 2

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

/* The underlying handle, for store.c/query.c only. */
sqlite3 *inventory_sqlite(inventory_t *inv);
const char *inventory_path(const inventory_t *inv);

#endif
