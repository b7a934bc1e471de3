#include "config.h"

/*
 * db.c — opening the inventory, keeping its schema current, and the lock
 * that lets only one scan write at a time.
 *
 * The schema is a list of migrations: migrations[i] takes a database from
 * PRAGMA user_version i to i + 1.  inventory_open() applies the missing ones
 * in one IMMEDIATE transaction (re-reading the version inside it, so two
 * processes opening a fresh file at once do not both create tables) and
 * refuses a database that a newer netcensus has written.  A change to the
 * schema is a new entry at the end of the list, never an edit of an old one.
 *
 * The writer lock is an flock() on "<db>.lock", not an SQLite lock: it has
 * to be held for a whole scan, across many transactions, and it has to
 * vanish when the process dies.  Readers never take it; WAL mode lets them
 * read while a scan writes.  The writer also holds an open-file-description
 * fcntl() write lock on the same file, which F_OFD_GETLK can see without
 * taking anything: that is how every open tells a scan still "running"
 * because its process is writing from one whose process is gone (killed,
 * crashed, out of disk before it could close the row).  A reader asking
 * never delays a writer, and a pid in the scans row proves nothing (pids
 * are reused); the lock is the proof.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inventory/db.h"
#include "inventory/identity.h"
#include "inventory/query.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/log.h"
#include "util/timeutil.h"

#define DB_BUSY_TIMEOUT_MS 5000
#define LOCK_POLL_NS 100000000ull /* 100 ms */

struct inventory {
	sqlite3 *db;
	char *path;
	char *lock_path;
	int lock_fd; /* -1 while the writer lock is not held */
	bool writable;
	int schema_version; /* as found (read-only) or after migrating */
	int64_t stale_upto; /* "running" scans with id <= this have no writer */
	bool snapshot;	    /* inventory_snapshot()'s read transaction is open */
};

static const char *const migrations[] = {
    /* 0 -> 1: scans, hosts, what each scan saw of each host, ports. */
    "CREATE TABLE scans ("
    "  id INTEGER PRIMARY KEY,"
    "  started_at REAL,"
    "  finished_at REAL,"
    "  status TEXT NOT NULL"
    "    CHECK (status IN ('running', 'complete', 'interrupted', 'failed')),"
    "  targets TEXT,"
    "  target_count INTEGER,"
    "  command TEXT,"
    "  pid INTEGER,"
    "  hosts_up INTEGER,"
    "  packets_sent INTEGER,"
    "  replies INTEGER,"
    "  unprivileged INTEGER,"
    "  note TEXT"
    ");"
    "CREATE INDEX scans_status ON scans(status, id);"
    "CREATE TABLE hosts ("
    "  id INTEGER PRIMARY KEY,"
    "  mac TEXT,"
    "  address TEXT,"
    "  first_seen REAL,"
    "  last_seen REAL,"
    "  first_scan INTEGER REFERENCES scans(id),"
    "  last_scan INTEGER REFERENCES scans(id)"
    ");"
    "CREATE INDEX hosts_mac ON hosts(mac);"
    "CREATE INDEX hosts_address ON hosts(address, last_seen);"
    "CREATE TABLE host_scans ("
    "  scan_id INTEGER REFERENCES scans(id) ON DELETE CASCADE,"
    "  host_id INTEGER REFERENCES hosts(id),"
    "  address TEXT NOT NULL,"
    "  address_int INTEGER NOT NULL,"
    "  address_reason TEXT,"
    "  mac TEXT,"
    "  mac_source TEXT,"
    "  reasons TEXT,"
    "  ttl INTEGER,"
    "  rtt_us INTEGER,"
    "  on_link INTEGER,"
    "  seen_at REAL,"
    "  PRIMARY KEY (scan_id, host_id)"
    ");"
    "CREATE UNIQUE INDEX host_scans_address ON host_scans(scan_id, address_int);"
    "CREATE INDEX host_scans_host ON host_scans(host_id);"
    "CREATE TABLE ports ("
    "  scan_id INTEGER REFERENCES scans(id) ON DELETE CASCADE,"
    "  host_id INTEGER REFERENCES hosts(id),"
    "  proto TEXT,"
    "  port INTEGER,"
    "  state TEXT,"
    "  reason TEXT,"
    "  ttl INTEGER,"
    "  PRIMARY KEY (scan_id, host_id, proto, port)"
    ");",

    /* 1 -> 2: what fingerprinting learned.  facts keeps every raw
     * observation with its source; verdicts the one value per field that
     * the evidence decided (fingerprint/verdict.h); services, software and
     * hardware the typed records.  Secrets are never stored. */
    "CREATE TABLE services ("
    "  scan_id INTEGER REFERENCES scans(id) ON DELETE CASCADE,"
    "  host_id INTEGER REFERENCES hosts(id),"
    "  proto TEXT,"
    "  port INTEGER,"
    "  name TEXT,"
    "  product TEXT,"
    "  version TEXT,"
    "  info TEXT,"
    "  banner TEXT,"
    "  source TEXT,"
    "  PRIMARY KEY (scan_id, host_id, proto, port)"
    ");"
    "CREATE TABLE facts ("
    "  scan_id INTEGER REFERENCES scans(id) ON DELETE CASCADE,"
    "  host_id INTEGER REFERENCES hosts(id),"
    "  key TEXT NOT NULL,"
    "  value TEXT NOT NULL,"
    "  source TEXT NOT NULL,"
    "  confidence INTEGER"
    ");"
    "CREATE INDEX facts_host ON facts(scan_id, host_id);"
    "CREATE TABLE verdicts ("
    "  scan_id INTEGER REFERENCES scans(id) ON DELETE CASCADE,"
    "  host_id INTEGER REFERENCES hosts(id),"
    "  field TEXT,"
    "  value TEXT,"
    "  source TEXT,"
    "  confidence INTEGER,"
    "  PRIMARY KEY (scan_id, host_id, field)"
    ");"
    "CREATE INDEX verdicts_value ON verdicts(field, value COLLATE NOCASE);"
    "CREATE TABLE software ("
    "  scan_id INTEGER REFERENCES scans(id) ON DELETE CASCADE,"
    "  host_id INTEGER REFERENCES hosts(id),"
    "  name TEXT NOT NULL,"
    "  version TEXT,"
    "  vendor TEXT,"
    "  install_date TEXT,"
    "  source TEXT"
    ");"
    "CREATE INDEX software_host ON software(scan_id, host_id);"
    "CREATE TABLE hardware ("
    "  scan_id INTEGER REFERENCES scans(id) ON DELETE CASCADE,"
    "  host_id INTEGER REFERENCES hosts(id),"
    "  kind TEXT NOT NULL,"
    "  name TEXT,"
    "  vendor TEXT,"
    "  model TEXT,"
    "  serial TEXT,"
    "  firmware TEXT,"
    "  extra TEXT,"
    "  size_bytes INTEGER,"
    "  used_bytes INTEGER,"
    "  source TEXT"
    ");"
    "CREATE INDEX hardware_host ON hardware(scan_id, host_id);"
    "CREATE VIEW snmp_facts AS"
    "  SELECT scan_id, host_id, key, value, confidence FROM facts WHERE source = 'snmp';",

    /* 2 -> 3: host identity (identity.h).  host_keys holds every identity
     * key a host has shown (MAC, DMI UUID/serial, SSH host key, SMB name,
     * SNMP engine id, hostname) with the scans that saw it first and last;
     * a value may belong to several hosts (a virtual MAC reused, a cloned
     * name).  host_changes is the per-field change log, events what a scan
     * flagged on a host (a changed SSH host key).  Existing hosts get their
     * keys in the same transaction (identity_backfill()). */
    "CREATE TABLE host_keys ("
    "  host_id INTEGER NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,"
    "  kind TEXT NOT NULL,"
    "  value TEXT NOT NULL,"
    "  first_scan INTEGER,"
    "  last_scan INTEGER,"
    "  PRIMARY KEY (kind, value, host_id)"
    ");"
    "CREATE INDEX host_keys_host ON host_keys(host_id, kind);"
    "CREATE TABLE host_changes ("
    "  id INTEGER PRIMARY KEY,"
    "  host_id INTEGER NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,"
    "  scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,"
    "  field TEXT NOT NULL,"
    "  old_value TEXT,"
    "  new_value TEXT"
    ");"
    "CREATE INDEX host_changes_host ON host_changes(host_id, scan_id);"
    "CREATE INDEX host_changes_scan ON host_changes(scan_id);"
    "CREATE TABLE events ("
    "  id INTEGER PRIMARY KEY,"
    "  scan_id INTEGER REFERENCES scans(id) ON DELETE CASCADE,"
    "  host_id INTEGER REFERENCES hosts(id) ON DELETE CASCADE,"
    "  kind TEXT NOT NULL,"
    "  detail TEXT,"
    "  at REAL"
    ");"
    "CREATE INDEX events_scan ON events(scan_id);"
    "CREATE INDEX events_host ON events(host_id);"
    "CREATE INDEX hosts_first_scan ON hosts(first_scan);"
    "CREATE INDEX hosts_last_scan ON hosts(last_scan);",

    /* 3 -> 4: a package's architecture and installed size, as the package
     * manager reports them (dpkg Installed-Size, rpm SIZE, apk I:, pacman
     * %SIZE%, Windows EstimatedSize). */
    "ALTER TABLE software ADD COLUMN arch TEXT;"
    "ALTER TABLE software ADD COLUMN size_bytes INTEGER;",
};
_Static_assert(ARRAY_SIZE(migrations) == INVENTORY_SCHEMA_VERSION,
	       "INVENTORY_SCHEMA_VERSION must equal the number of migrations");

/* Did the last failure come from a full disk?  SQLITE_FULL, or an I/O
 * error whose write got ENOSPC/EDQUOT (a WAL or checkpoint write). */
static bool disk_full(sqlite3 *db)
{
	int code = sqlite3_extended_errcode(db) & 0xff, e = sqlite3_system_errno(db);

	return code == SQLITE_FULL || (code == SQLITE_IOERR && (e == ENOSPC || e == EDQUOT));
}

int inventory_fail(const inventory_t *inv, const char *what)
{
	if (disk_full(inv->db))
		/* The transaction was rolled back: what earlier commits wrote is
		 * whole, in the database or its -wal file. */
		return nc_fail(NC_ERR_DB,
			       "database %s: %s: the disk is full (%s); what was recorded before "
			       "is kept — free some space and run again",
			       inv->path, what, sqlite3_errmsg(inv->db));
	return nc_fail(NC_ERR_DB, "database %s: %s: %s", inv->path, what, sqlite3_errmsg(inv->db));
}

int inventory_exec(inventory_t *inv, const char *sql, const char *what)
{
	if (sqlite3_exec(inv->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return inventory_fail(inv, what);
	return 0;
}

static int read_user_version(inventory_t *inv, int *version)
{
	sqlite3_stmt *st = NULL;
	int r = NC_ERR_INTERNAL;

	if (sqlite3_prepare_v2(inv->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		r = inventory_fail(inv, "reading the schema version");
		goto out;
	}
	*version = sqlite3_column_int(st, 0);
	r = 0;
out:
	sqlite3_finalize(st);
	return r;
}

static int refuse_newer(const inventory_t *inv, int version)
{
	return nc_fail(NC_ERR_SCHEMA,
		       "database %s has schema version %d but this netcensus knows only up to %d; "
		       "use a newer netcensus",
		       inv->path, version, INVENTORY_SCHEMA_VERSION);
}

/* Bring the schema to INVENTORY_SCHEMA_VERSION (see the file comment). */
static int migrate(inventory_t *inv)
{
	char set_version[64];
	int version = 0, r = NC_ERR_INTERNAL;
	bool in_txn = false;

	if ((r = read_user_version(inv, &version)) != 0)
		return r;
	if (version > INVENTORY_SCHEMA_VERSION)
		return refuse_newer(inv, version);
	inv->schema_version = version;
	if (version == INVENTORY_SCHEMA_VERSION)
		return 0;
	/* A reader does not migrate; what it needs of a slightly older schema
	 * is there (inventory_schema_version() tells what is missing). */
	if (!inv->writable && version >= INVENTORY_READABLE_VERSION)
		return 0;
	if (!inv->writable) {
		if (version == 0)
			return nc_fail(NC_ERR_NOT_FOUND, "no inventory at %s (run a scan first)",
				       inv->path);
		return nc_fail(NC_ERR_SCHEMA,
			       "database %s has schema version %d; run a scan with this netcensus "
			       "to upgrade it to %d",
			       inv->path, version, INVENTORY_SCHEMA_VERSION);
	}

	if ((r = inventory_exec(inv, "BEGIN IMMEDIATE", "starting the schema migration")) != 0)
		goto out;
	in_txn = true;
	/* Another process may have migrated while we waited for the lock. */
	if ((r = read_user_version(inv, &version)) != 0)
		goto out;
	if (version > INVENTORY_SCHEMA_VERSION) {
		r = refuse_newer(inv, version);
		goto out;
	}
	for (int v = version; v < INVENTORY_SCHEMA_VERSION; v++)
		if ((r = inventory_exec(inv, migrations[v], "migrating the schema")) != 0)
			goto out;
	/* Schema 3 keeps identity keys: give the hosts already there theirs. */
	if (version >= 1 && version < 3 && (r = identity_backfill(inv)) != 0)
		goto out;
	/* PRAGMA takes no parameters; the value is our own constant. */
	snprintf(set_version, sizeof(set_version), "PRAGMA user_version = %d",
		 INVENTORY_SCHEMA_VERSION);
	if ((r = inventory_exec(inv, set_version, "recording the schema version")) != 0)
		goto out;
	if ((r = inventory_exec(inv, "COMMIT", "committing the schema migration")) != 0)
		goto out;
	in_txn = false;
	inv->schema_version = INVENTORY_SCHEMA_VERSION;
	r = 0;
out:
	if (in_txn)
		sqlite3_exec(inv->db, "ROLLBACK", NULL, NULL, NULL);
	return r;
}

static int configure_connection(inventory_t *inv)
{
	int r;

	if (sqlite3_busy_timeout(inv->db, DB_BUSY_TIMEOUT_MS) != SQLITE_OK)
		return inventory_fail(inv, "setting the busy timeout");
	if ((r = inventory_exec(inv, "PRAGMA foreign_keys = ON", "enabling foreign keys")) != 0)
		return r;
	if (!inv->writable)
		return 0;
	/* journal_mode answers with a row; sqlite3_exec() just discards it. */
	if ((r = inventory_exec(inv, "PRAGMA journal_mode = WAL", "enabling WAL mode")) != 0)
		return r;
	return inventory_exec(inv, "PRAGMA synchronous = NORMAL", "setting synchronous mode");
}

#ifdef F_OFD_SETLK
#define LOCK_SET F_OFD_SETLK
#define LOCK_GET F_OFD_GETLK
#else
/* A process-wide lock: closing any descriptor of the file drops it, so
 * writer_alive() below must not run in the writing process. */
#define LOCK_SET F_SETLK
#define LOCK_GET F_GETLK
#endif

/* Make the flock held on fd visible to writer_alive() (file comment).  The
 * flock alone keeps writers apart, so a failure only costs readers their
 * certainty; they then show the scan as it is recorded. */
static void publish_lock(const inventory_t *inv, int fd)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};

	if (fcntl(fd, LOCK_SET, &fl) != 0)
		log_debug("cannot set the record lock on %s: %s", inv->lock_path,
			  strerror(errno));
}

/* 1 when a process holds the writer lock, 0 when none does, -1 when that
 * cannot be told (the lock file is unreadable, record locks unsupported). */
static int writer_alive(const inventory_t *inv)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	int fd, r;

	if (inv->lock_fd >= 0)
		return 1;
	/* O_RDONLY: F_GETLK needs no write access, and the directory may be
	 * read-only */
	fd = open(inv->lock_path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1; /* no lock file: no scan ever locked here */
	r = fcntl(fd, LOCK_GET, &fl);
	close(fd);
	if (r != 0)
		return -1;
	return fl.l_type != F_UNLCK;
}

/*
 * Which "running" scans have no writer: the newest running id is read
 * first, the lock asked after, so a scan that starts in between (its id is
 * higher) is never taken for dead; one that ends in between is no longer
 * "running" when a reader looks at its row.  Nothing is written: a reader
 * shows such a scan as interrupted (query.h), the next scan records it so.
 */
static int find_stale_scans(inventory_t *inv)
{
	sqlite3_stmt *st = NULL;
	int64_t newest = 0;
	int rc;

	inv->stale_upto = 0;
	if (inv->schema_version < 1)
		return 0;
	if (sqlite3_prepare_v2(inv->db, "SELECT max(id) FROM scans WHERE status = 'running'", -1,
			       &st, NULL) != SQLITE_OK)
		return inventory_fail(inv, "looking for unfinished scans");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		newest = sqlite3_column_int64(st, 0); /* NULL -> 0 */
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return inventory_fail(inv, "looking for unfinished scans");
	if (newest > 0 && writer_alive(inv) == 0)
		inv->stale_upto = newest;
	return 0;
}

int64_t inventory_stale_upto(const inventory_t *inv)
{
	return inv->stale_upto;
}

bool inventory_scan_stale(const inventory_t *inv, int64_t scan_id, const char *status)
{
	return scan_id > 0 && scan_id <= inv->stale_upto && status != NULL &&
	       strcmp(status, "running") == 0;
}

int inventory_lock(inventory_t *inv, double wait_s)
{
	uint64_t deadline = time_mono_ns() + (uint64_t)(wait_s > 0 ? wait_s * 1e9 : 0);
	int fd;

	if (!inv->writable)
		return nc_fail(NC_ERR_INVALID, "database %s was opened read-only", inv->path);
	if (inv->lock_fd >= 0)
		return nc_fail(NC_ERR_INVALID, "a scan is already being written to %s", inv->path);
	/* readable by all: a reader asks it whether a writer is alive; it
	 * holds no data */
	fd = open(inv->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return nc_fail(NC_ERR_IO, "cannot open lock file %s: %s", inv->lock_path,
			       strerror(errno));
	for (;;) {
		int e;

		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			break;
		if ((e = errno) == EINTR)
			continue;
		if (e != EWOULDBLOCK || time_mono_ns() >= deadline) {
			close(fd);
			if (e != EWOULDBLOCK)
				return nc_fail(NC_ERR_IO, "cannot lock %s: %s", inv->lock_path,
					       strerror(e));
			return NC_ERR_BUSY;
		}
		time_sleep_ns(LOCK_POLL_NS);
	}
	publish_lock(inv, fd);
	inv->lock_fd = fd;
	return 0;
}

/* The lock file stays: removing it would race with a process that has
 * opened it and is about to lock it. */
void inventory_unlock(inventory_t *inv)
{
	if (inv->lock_fd < 0)
		return;
	close(inv->lock_fd); /* drops the flock */
	inv->lock_fd = -1;
}

bool inventory_locked(const inventory_t *inv)
{
	return inv->lock_fd >= 0;
}

/*
 * A WAL database needs its -shm file, which SQLite creates next to it even
 * for a reader; in a directory the reader may not write (a copy on
 * read-only media, an inventory owned by root read by a user), with no -shm
 * and no -wal there, that fails.  With no -wal file nothing is waiting to be
 * checkpointed, so the database file alone is the whole inventory: open it
 * immutable (no -shm, no locks).  0 when the first read works either way.
 * Called on a configured connection (its busy timeout set).
 */
static int readonly_fallback(inventory_t *inv)
{
	static const char hex[] = "0123456789ABCDEF";
	char *wal = NULL, *uri = NULL;
	size_t n = 0, len = strlen(inv->path);
	int rc, version, r;

	if ((r = read_user_version(inv, &version)) == 0)
		return 0;
	rc = sqlite3_extended_errcode(inv->db);
	if (rc != SQLITE_READONLY_CANTINIT && rc != SQLITE_READONLY_DIRECTORY &&
	    (rc & 0xff) != SQLITE_CANTOPEN)
		return r;
	if (asprintf(&wal, "%s-wal", inv->path) < 0)
		return nc_fail(NC_ERR_NOMEM, "out of memory opening %s", inv->path);
	rc = access(wal, F_OK) == 0 || errno != ENOENT;
	free(wal);
	if (rc)
		return r; /* a -wal we cannot use: say why the read failed */
	/* "file:" + the path, percent-encoded but for unreserved bytes and '/' */
	if ((uri = malloc(5 + 3 * len + sizeof("?immutable=1"))) == NULL)
		return nc_fail(NC_ERR_NOMEM, "out of memory opening %s", inv->path);
	memcpy(uri, "file:", 5);
	n = 5;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)inv->path[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
			uri[n++] = (char)c;
		} else {
			uri[n++] = '%';
			uri[n++] = hex[c >> 4];
			uri[n++] = hex[c & 15];
		}
	}
	memcpy(uri + n, "?immutable=1", sizeof("?immutable=1"));
	sqlite3_close(inv->db);
	inv->db = NULL;
	rc = sqlite3_open_v2(uri, &inv->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
	free(uri);
	if (rc != SQLITE_OK)
		return nc_fail(NC_ERR_IO, "cannot open database %s: %s", inv->path,
			       inv->db ? sqlite3_errmsg(inv->db) : "out of memory");
	sqlite3_extended_result_codes(inv->db, 1);
	nc_clear_error();
	return configure_connection(inv);
}

int inventory_open(const char *path, int mode, inventory_t **out)
{
	inventory_t *inv = NULL;
	struct stat sb;
	int flags, r = NC_ERR_INTERNAL;

	*out = NULL;
	if (mode != INV_WRITE && stat(path, &sb) != 0) {
		if (errno == ENOENT)
			return nc_fail(NC_ERR_NOT_FOUND, "no inventory at %s (run a scan first)",
				       path);
		return nc_fail(NC_ERR_IO, "cannot open database %s: %s", path, strerror(errno));
	}
	if ((inv = calloc(1, sizeof(*inv))) == NULL)
		return nc_fail(NC_ERR_NOMEM, "out of memory opening %s", path);
	inv->lock_fd = -1;
	inv->writable = mode == INV_WRITE;
	if ((inv->path = strdup(path)) == NULL || asprintf(&inv->lock_path, "%s.lock", path) < 0) {
		inv->lock_path = NULL;
		r = nc_fail(NC_ERR_NOMEM, "out of memory opening %s", path);
		goto out;
	}
	flags = inv->writable ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
	if (sqlite3_open_v2(path, &inv->db, flags, NULL) != SQLITE_OK) {
		r = nc_fail(sqlite3_errcode(inv->db) == SQLITE_CANTOPEN ? NC_ERR_IO : NC_ERR_DB,
			    "cannot open database %s: %s", path,
			    inv->db ? sqlite3_errmsg(inv->db) : "out of memory");
		goto out;
	}
	sqlite3_extended_result_codes(inv->db, 1);
	if ((r = configure_connection(inv)) != 0 ||
	    (!inv->writable && (r = readonly_fallback(inv)) != 0) || (r = migrate(inv)) != 0 ||
	    (r = find_stale_scans(inv)) != 0)
		goto out;
	*out = inv;
	inv = NULL;
	r = 0;
out:
	inventory_close(inv);
	return r;
}

int inventory_snapshot(inventory_t *inv)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (inv->snapshot || !sqlite3_get_autocommit(inv->db))
		return 0;
	if (inventory_exec(inv, "BEGIN", "starting a read transaction") != 0)
		return NC_ERR_DB;
	/* a deferred transaction takes its snapshot at its first read: now */
	if (sqlite3_prepare_v2(inv->db, "SELECT count(*) FROM sqlite_master", -1, &st, NULL) !=
	    SQLITE_OK) {
		rc = SQLITE_ERROR;
	} else {
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
	}
	if (rc != SQLITE_ROW) {
		int r = inventory_fail(inv, "starting a read transaction");

		sqlite3_exec(inv->db, "ROLLBACK", NULL, NULL, NULL);
		return r;
	}
	inv->snapshot = true;
	return 0;
}

void inventory_close(inventory_t *inv)
{
	if (inv == NULL)
		return;
	if (inv->snapshot && !sqlite3_get_autocommit(inv->db))
		sqlite3_exec(inv->db, "COMMIT", NULL, NULL, NULL);
	inventory_unlock(inv);
	sqlite3_close(inv->db); /* NULL is a no-op */
	free(inv->lock_path);
	free(inv->path);
	free(inv);
}

sqlite3 *inventory_sqlite(inventory_t *inv)
{
	return inv->db;
}

const char *inventory_path(const inventory_t *inv)
{
	return inv->path;
}

int inventory_schema_version(const inventory_t *inv)
{
	return inv->schema_version;
}
