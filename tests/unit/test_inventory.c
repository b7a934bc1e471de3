#include "config.h"

/*
 * test_inventory.c — the inventory database and the host table that feeds
 * it: schema and migrations, the writer lock, host identity across scans,
 * the queries the commands print from, and results.c under two threads.
 *
 * Every database lives in a mkdtemp() directory removed at the end; the
 * tables are checked through a second, plain SQLite connection, the way the
 * lab tests read them with the sqlite3 CLI.  Addresses are from the
 * 198.18.0.0/15 benchmarking range.
 */

#include <dirent.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "export/json_hosts.h"
#include "inventory/db.h"
#include "inventory/query.h"
#include "inventory/store.h"
#include "scanner/results.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/timeutil.h"

#define LAB_IP(c, d) ((198u << 24) | (18u << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))
#define TCP 6
#define UDP 17

static char tmpdir[64];
static char dbpath[128];
static int db_serial;

static const uint8_t mac_a[6] = {0x02, 0xAB, 0xCD, 0x00, 0x00, 0x01};
static const uint8_t mac_b[6] = {0x02, 0xAB, 0xCD, 0x00, 0x00, 0x02};

static int group_setup(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/nc-test-inventory.XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int group_teardown(void **state)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	char path[512];

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, e->d_name);
		unlink(path);
	}
	closedir(d);
	return rmdir(tmpdir);
}

/* A fresh database path for each test. */
static int test_setup(void **state)
{
	snprintf(dbpath, sizeof(dbpath), "%s/t%d.db", tmpdir, ++db_serial);
	nc_clear_error();
	return 0;
}

/* ---- reading the tables directly ---------------------------------------- */

static sqlite3 *raw_open(void)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	return db;
}

/* The first column of the first row of sql (with ?1 bound to arg when the
 * statement has it) as an integer; -1 for NULL, -2 for no row. */
static int64_t sql_int(const char *sql, int64_t arg)
{
	sqlite3 *db = raw_open();
	sqlite3_stmt *st = NULL;
	int64_t v = -2;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_bind_parameter_count(st) > 0)
		sqlite3_bind_int64(st, 1, arg);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_type(st, 0) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* Like sql_int() for text, copied into a static buffer; "NULL" for NULL. */
static const char *sql_text(const char *sql, int64_t arg)
{
	static char buf[256];
	sqlite3 *db = raw_open();
	sqlite3_stmt *st = NULL;

	snprintf(buf, sizeof(buf), "<no row>");
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_bind_parameter_count(st) > 0)
		sqlite3_bind_int64(st, 1, arg);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);

		snprintf(buf, sizeof(buf), "%s", t ? (const char *)t : "NULL");
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return buf;
}

static void raw_exec(const char *sql)
{
	sqlite3 *db = raw_open();

	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* ---- writing scans ------------------------------------------------------- */

static inventory_t *open_write(void)
{
	inventory_t *inv = NULL;

	assert_int_equal(inventory_open(dbpath, INV_WRITE, &inv), 0);
	assert_non_null(inv);
	return inv;
}

static const scan_meta test_meta = {
    .targets = "198.18.0.0/24",
    .command = "netcensus scan 198.18.0.0/24",
    .target_count = 256,
    .lock_wait = 0,
};

/* begin, record, finish "complete": the id of the scan. */
static int64_t record_scan(inventory_t *inv, results_t *res)
{
	int64_t id = 0;

	assert_int_equal(inventory_begin_scan(inv, &test_meta, &id), 0);
	assert_true(id > 0);
	assert_int_equal(inventory_record_results(inv, id, res), 0);
	assert_int_equal(inventory_finish_scan(inv, id, "complete", results_stats(res)), 0);
	return id;
}

/* ---- schema -------------------------------------------------------------- */

static void test_schema_created(void **state)
{
	inventory_t *inv = open_write();

	inventory_close(inv);
	assert_int_equal(sql_int("PRAGMA user_version", 0), 4);
	assert_int_equal(INVENTORY_SCHEMA_VERSION, 4);
	assert_int_equal(
	    sql_int("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name"
		    " IN ('scans', 'hosts', 'host_scans', 'ports', 'services', 'facts',"
		    " 'verdicts', 'software', 'hardware')",
		    0),
	    9);
	assert_int_equal(sql_int("SELECT count(*) FROM sqlite_master WHERE type = 'view' AND name"
				 " = 'snmp_facts'",
				 0),
			 1);
	assert_string_equal(sql_text("PRAGMA journal_mode", 0), "wal");
}

static void test_reopen_is_idempotent(void **state)
{
	inventory_t *inv = open_write();

	inventory_close(inv);
	inv = open_write();
	inventory_close(inv);
	assert_int_equal(inventory_open(dbpath, INV_READONLY, &inv), 0);
	inventory_close(inv);
	assert_int_equal(sql_int("PRAGMA user_version", 0), INVENTORY_SCHEMA_VERSION);
	assert_int_equal(sql_int("SELECT count(*) FROM sqlite_master WHERE name = 'scans'", 0), 1);
}

static void test_newer_schema_refused(void **state)
{
	inventory_t *inv = (inventory_t *)1;

	raw_exec("PRAGMA user_version = 99");
	assert_int_equal(inventory_open(dbpath, INV_WRITE, &inv), NC_ERR_SCHEMA);
	assert_null(inv);
	assert_non_null(strstr(nc_errmsg(NC_ERR_SCHEMA), dbpath));
	assert_int_equal(inventory_open(dbpath, INV_READONLY, &inv), NC_ERR_SCHEMA);
	/* Refused means untouched. */
	assert_int_equal(sql_int("PRAGMA user_version", 0), 99);
	assert_int_equal(sql_int("SELECT count(*) FROM sqlite_master", 0), 0);
}

static void test_readonly_missing_file(void **state)
{
	inventory_t *inv = NULL;
	char want[256];

	assert_int_equal(inventory_open(dbpath, INV_READONLY, &inv), NC_ERR_NOT_FOUND);
	assert_null(inv);
	snprintf(want, sizeof(want), "no inventory at %s (run a scan first)", dbpath);
	assert_string_equal(nc_errmsg(NC_ERR_NOT_FOUND), want);
	assert_int_equal(access(dbpath, F_OK), -1); /* not created */
}

/* ---- writing and reading a scan ------------------------------------------ */

static void test_round_trip(void **state)
{
	results_t *res = results_new();
	inventory_t *inv = open_write();
	scan_stats *stats = results_stats(res);
	scan_row scan = {0};
	host_row *hosts = NULL;
	size_t n = 0;
	int64_t id;

	/* .20 answers ARP and ping; .5 only a SYN from a routed path. */
	assert_int_equal(results_record(res, LAB_IP(0, 20), REASON_ARP_RESPONSE, 0, -1, mac_a,
					MAC_SRC_ARP, true),
			 0);
	assert_int_equal(results_record(res, LAB_IP(0, 20), REASON_ECHO_REPLY, 64, 420, NULL,
					MAC_SRC_NONE, true),
			 0);
	assert_int_equal(
	    results_record_port(res, LAB_IP(0, 20), 80, TCP, PORT_CLOSED, REASON_RESET, 64), 0);
	assert_int_equal(
	    results_record_port(res, LAB_IP(0, 20), 22, TCP, PORT_OPEN, REASON_SYN_ACK, 64), 0);
	assert_int_equal(
	    results_record(res, LAB_IP(0, 5), REASON_SYN_ACK, 0, -1, NULL, MAC_SRC_NONE, false), 0);
	assert_int_equal(
	    results_record_port(res, LAB_IP(0, 5), 443, TCP, PORT_OPEN, REASON_SYN_ACK, 0), 0);
	stats->packets_sent = 1000;
	stats->replies_valid = 7;
	id = record_scan(inv, res);

	assert_string_equal(sql_text("SELECT status FROM scans WHERE id = ?1", id), "complete");
	assert_int_equal(sql_int("SELECT hosts_up FROM scans WHERE id = ?1", id), 2);
	assert_int_equal(sql_int("SELECT packets_sent FROM scans WHERE id = ?1", id), 1000);
	assert_int_equal(sql_int("SELECT replies FROM scans WHERE id = ?1", id), 7);
	assert_int_equal(sql_int("SELECT target_count FROM scans WHERE id = ?1", id), 256);
	assert_int_equal(sql_int("SELECT pid FROM scans WHERE id = ?1", id), getpid());
	assert_int_equal(sql_int("SELECT finished_at >= started_at FROM scans WHERE id = ?1", id),
			 1);
	assert_string_equal(sql_text("SELECT targets FROM scans WHERE id = ?1", id),
			    "198.18.0.0/24");

	assert_int_equal(sql_int("SELECT count(*) FROM hosts", 0), 2);
	assert_int_equal(sql_int("SELECT count(*) FROM host_scans WHERE scan_id = ?1", id), 2);
	assert_string_equal(sql_text("SELECT mac FROM host_scans WHERE address = '198.18.0.20'", 0),
			    "02:ab:cd:00:00:01");
	assert_string_equal(
	    sql_text("SELECT mac_source FROM host_scans WHERE address = '198.18.0.20'", 0),
	    "arp-response");
	assert_string_equal(
	    sql_text("SELECT address_reason FROM host_scans WHERE address = '198.18.0.20'", 0),
	    "arp-response");
	assert_string_equal(
	    sql_text("SELECT reasons FROM host_scans WHERE address = '198.18.0.20'", 0),
	    "arp-response,echo-reply");
	assert_int_equal(sql_int("SELECT ttl FROM host_scans WHERE address = '198.18.0.20'", 0),
			 64);
	assert_int_equal(sql_int("SELECT rtt_us FROM host_scans WHERE address = '198.18.0.20'", 0),
			 420);
	assert_int_equal(sql_int("SELECT on_link FROM host_scans WHERE address = '198.18.0.20'", 0),
			 1);
	assert_int_equal(
	    sql_int("SELECT address_int FROM host_scans WHERE address = '198.18.0.20'", 0),
	    LAB_IP(0, 20));
	/* Unknowns are NULL, not 0 or -1. */
	assert_string_equal(sql_text("SELECT mac FROM host_scans WHERE address = '198.18.0.5'", 0),
			    "NULL");
	assert_int_equal(sql_int("SELECT ttl FROM host_scans WHERE address = '198.18.0.5'", 0), -1);
	assert_int_equal(sql_int("SELECT rtt_us FROM host_scans WHERE address = '198.18.0.5'", 0),
			 -1);
	assert_string_equal(sql_text("SELECT mac FROM hosts WHERE address = '198.18.0.20'", 0),
			    "02:ab:cd:00:00:01");
	assert_int_equal(sql_int("SELECT count(*) FROM ports WHERE scan_id = ?1", id), 3);
	assert_string_equal(sql_text("SELECT state || '/' || reason || '/' || proto FROM ports"
				     " WHERE port = 80",
				     0),
			    "closed/reset/tcp");
	assert_int_equal(sql_int("SELECT ttl FROM ports WHERE port = 443", 0), -1);

	/* And back through query.h, sorted by address, ports by number. */
	assert_int_equal(query_latest_scan(inv, &scan), 0);
	assert_int_equal(scan.id, id);
	assert_int_equal(scan.hosts_up, 2);
	assert_int_equal(query_scan_hosts(inv, id, &hosts, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(hosts[0].address, "198.18.0.5");
	assert_null(hosts[0].mac);
	assert_int_equal(hosts[0].ttl, -1);
	assert_int_equal(hosts[0].rtt_us, -1);
	assert_int_equal(hosts[0].nports, 1);
	assert_int_equal(hosts[0].ports[0].port, 443);
	assert_string_equal(hosts[1].address, "198.18.0.20");
	assert_string_equal(hosts[1].mac_source, "arp-response");
	assert_true(hosts[1].on_link);
	assert_int_equal(hosts[1].nports, 2);
	assert_int_equal(hosts[1].ports[0].port, 22);
	assert_string_equal(hosts[1].ports[0].state, "open");
	assert_int_equal(hosts[1].ports[1].port, 80);
	query_hosts_free(hosts, n);
	scan_row_clear(&scan);
	inventory_close(inv);
	results_free(res);
}

static void test_record_twice_replaces(void **state)
{
	results_t *res = results_new();
	inventory_t *inv = open_write();
	int64_t id = 0;

	results_record(res, LAB_IP(0, 7), REASON_ECHO_REPLY, 64, 100, NULL, MAC_SRC_NONE, false);
	results_record_port(res, LAB_IP(0, 7), 22, TCP, PORT_OPEN, REASON_SYN_ACK, 64);
	assert_int_equal(inventory_begin_scan(inv, &test_meta, &id), 0);
	assert_int_equal(inventory_record_results(inv, id, res), 0);
	assert_int_equal(inventory_record_results(inv, id, res), 0);
	assert_int_equal(inventory_finish_scan(inv, id, "complete", NULL), 0);
	assert_int_equal(sql_int("SELECT count(*) FROM hosts", 0), 1);
	assert_int_equal(sql_int("SELECT count(*) FROM host_scans", 0), 1);
	assert_int_equal(sql_int("SELECT count(*) FROM ports", 0), 1);
	/* Finished: nothing more may be written through this handle. */
	assert_int_equal(inventory_record_results(inv, id, res), NC_ERR_INVALID);
	inventory_close(inv);
	results_free(res);
}

/* ---- host identity ------------------------------------------------------- */

static void test_identity_same_mac_new_address(void **state)
{
	inventory_t *inv = open_write();
	results_t *first = results_new(), *second = results_new();
	int64_t s1, s2;

	results_record(first, LAB_IP(1, 10), REASON_ARP_RESPONSE, 0, -1, mac_a, MAC_SRC_ARP, true);
	results_record(first, LAB_IP(1, 11), REASON_ARP_RESPONSE, 0, -1, mac_b, MAC_SRC_ARP, true);
	s1 = record_scan(inv, first);
	/* DHCP moved the first machine. */
	results_record(second, LAB_IP(1, 99), REASON_ARP_RESPONSE, 0, -1, mac_a, MAC_SRC_ARP, true);
	s2 = record_scan(inv, second);

	assert_int_equal(sql_int("SELECT count(*) FROM hosts", 0), 2);
	assert_int_equal(sql_int("SELECT count(DISTINCT host_id) FROM host_scans"
				 " WHERE mac = '02:ab:cd:00:00:01'",
				 0),
			 1);
	assert_string_equal(
	    sql_text("SELECT address FROM hosts WHERE mac = '02:ab:cd:00:00:01'", 0),
	    "198.18.1.99");
	assert_int_equal(sql_int("SELECT first_scan FROM hosts WHERE mac = '02:ab:cd:00:00:01'", 0),
			 s1);
	assert_int_equal(sql_int("SELECT last_scan FROM hosts WHERE mac = '02:ab:cd:00:00:01'", 0),
			 s2);
	inventory_close(inv);
	results_free(first);
	results_free(second);
}

static void test_identity_no_mac_same_address(void **state)
{
	inventory_t *inv = open_write();
	results_t *first = results_new(), *second = results_new();

	results_record(first, LAB_IP(2, 1), REASON_SYN_ACK, 60, -1, NULL, MAC_SRC_NONE, false);
	record_scan(inv, first);
	results_record(second, LAB_IP(2, 1), REASON_ECHO_REPLY, 60, -1, NULL, MAC_SRC_NONE, false);
	results_record(second, LAB_IP(2, 2), REASON_ECHO_REPLY, 60, -1, NULL, MAC_SRC_NONE, false);
	record_scan(inv, second);

	assert_int_equal(sql_int("SELECT count(*) FROM hosts", 0), 2);
	assert_int_equal(sql_int("SELECT count(DISTINCT host_id) FROM host_scans"
				 " WHERE address = '198.18.2.1'",
				 0),
			 1);
	inventory_close(inv);
	results_free(first);
	results_free(second);
}

/* A host first seen without a MAC learns it when a later scan sees one. */
static void test_identity_learns_mac(void **state)
{
	inventory_t *inv = open_write();
	results_t *first = results_new(), *second = results_new();

	results_record(first, LAB_IP(2, 40), REASON_CONNECTED, 0, -1, NULL, MAC_SRC_NONE, false);
	record_scan(inv, first);
	results_record(second, LAB_IP(2, 40), REASON_ARP_RESPONSE, 0, -1, mac_b, MAC_SRC_ARP, true);
	record_scan(inv, second);

	assert_int_equal(sql_int("SELECT count(*) FROM hosts", 0), 1);
	assert_string_equal(sql_text("SELECT mac FROM hosts", 0), "02:ab:cd:00:00:02");
	inventory_close(inv);
	results_free(first);
	results_free(second);
}

static void test_two_scans_keep_both_observations(void **state)
{
	inventory_t *inv = open_write();
	results_t *first = results_new(), *second = results_new();
	int64_t s1, s2;

	results_record(first, LAB_IP(3, 3), REASON_ECHO_REPLY, 64, 500, mac_a, MAC_SRC_ETHER, true);
	s1 = record_scan(inv, first);
	results_record(second, LAB_IP(3, 3), REASON_ECHO_REPLY, 128, 300, mac_a, MAC_SRC_ETHER,
		       true);
	s2 = record_scan(inv, second);

	assert_int_equal(sql_int("SELECT count(*) FROM host_scans", 0), 2);
	assert_int_equal(sql_int("SELECT ttl FROM host_scans WHERE scan_id = ?1", s1), 64);
	assert_int_equal(sql_int("SELECT ttl FROM host_scans WHERE scan_id = ?1", s2), 128);
	assert_int_equal(sql_int("SELECT last_seen >= first_seen FROM hosts", 0), 1);
	inventory_close(inv);
	results_free(first);
	results_free(second);
}

/* ---- the writer lock ----------------------------------------------------- */

static void test_second_writer_is_busy(void **state)
{
	inventory_t *a = open_write(), *b = open_write();
	int64_t id_a = 0, id_b = 0;
	char want[64];
	const char *msg;

	assert_int_equal(inventory_begin_scan(a, &test_meta, &id_a), 0);
	assert_int_equal(inventory_begin_scan(b, &test_meta, &id_b), NC_ERR_BUSY);
	assert_int_equal(id_b, 0);
	msg = nc_errmsg(NC_ERR_BUSY);
	assert_non_null(strstr(msg, dbpath));
	snprintf(want, sizeof(want), "scan %lld, pid %d", (long long)id_a, (int)getpid());
	assert_non_null(strstr(msg, want));
	assert_non_null(strstr(msg, "not touched"));
	assert_int_equal(sql_int("SELECT count(*) FROM scans", 0), 1);

	/* Once the first scan ends, the second may start. */
	assert_int_equal(inventory_finish_scan(a, id_a, "complete", NULL), 0);
	assert_int_equal(inventory_begin_scan(b, &test_meta, &id_b), 0);
	assert_true(id_b > id_a);
	assert_int_equal(inventory_finish_scan(b, id_b, "complete", NULL), 0);
	assert_string_equal(sql_text("SELECT status FROM scans WHERE id = ?1", id_a), "complete");
	inventory_close(a);
	inventory_close(b);
}

static void test_busy_waits_lock_wait(void **state)
{
	inventory_t *a = open_write(), *b = open_write();
	scan_meta patient = test_meta;
	int64_t id = 0;
	uint64_t t0;

	patient.lock_wait = 0.3;
	assert_int_equal(inventory_begin_scan(a, &test_meta, &id), 0);
	t0 = time_mono_ns();
	assert_int_equal(inventory_begin_scan(b, &patient, &id), NC_ERR_BUSY);
	assert_true(time_mono_ns() - t0 >= 290000000ull);
	inventory_close(a); /* releases the lock of the unfinished scan */
	assert_int_equal(inventory_begin_scan(b, &patient, &id), 0);
	inventory_close(b);
}

static void test_stale_running_scan_interrupted(void **state)
{
	inventory_t *dead = open_write(), *next;
	results_t *res = results_new();
	int64_t stale = 0, id = 0;

	results_record(res, LAB_IP(4, 4), REASON_ECHO_REPLY, 64, -1, NULL, MAC_SRC_NONE, false);
	assert_int_equal(inventory_begin_scan(dead, &test_meta, &stale), 0);
	assert_int_equal(inventory_record_results(dead, stale, res), 0);
	inventory_close(dead); /* as if the process died mid-scan */
	assert_string_equal(sql_text("SELECT status FROM scans WHERE id = ?1", stale), "running");

	next = open_write();
	assert_int_equal(inventory_begin_scan(next, &test_meta, &id), 0);
	assert_string_equal(sql_text("SELECT status FROM scans WHERE id = ?1", stale),
			    "interrupted");
	assert_string_equal(sql_text("SELECT note FROM scans WHERE id = ?1", stale),
			    "process ended without finishing the scan");
	assert_int_equal(sql_int("SELECT hosts_up FROM scans WHERE id = ?1", stale), 1);
	assert_string_equal(sql_text("SELECT status FROM scans WHERE id = ?1", id), "running");
	inventory_close(next);
	results_free(res);
}

static void test_latest_scan_and_interrupted_note(void **state)
{
	inventory_t *inv = open_write();
	results_t *res = results_new();
	scan_stats *stats = results_stats(res);
	scan_row scan = {0};
	int64_t complete = 0, interrupted = 0, running = 0;

	assert_int_equal(query_latest_scan(inv, &scan), NC_ERR_NOT_FOUND);
	complete = record_scan(inv, res);
	stats->interrupted = true;
	assert_int_equal(inventory_begin_scan(inv, &test_meta, &interrupted), 0);
	assert_int_equal(inventory_finish_scan(inv, interrupted, "interrupted", stats), 0);
	assert_string_equal(sql_text("SELECT note FROM scans WHERE id = ?1", interrupted),
			    "interrupted by signal");
	assert_int_equal(inventory_begin_scan(inv, &test_meta, &running), 0);

	assert_int_equal(query_latest_scan(inv, &scan), 0);
	assert_int_equal(scan.id, interrupted);
	assert_string_equal(scan.status, "interrupted");
	scan_row_clear(&scan);
	assert_int_equal(query_scan(inv, complete, &scan), 0);
	assert_string_equal(scan.status, "complete");
	scan_row_clear(&scan);
	assert_int_equal(query_scan(inv, 999, &scan), NC_ERR_NOT_FOUND);
	assert_non_null(strstr(nc_errmsg(NC_ERR_NOT_FOUND), "no scan 999"));
	assert_int_equal(inventory_finish_scan(inv, running, "bogus", NULL), NC_ERR_INVALID);
	assert_int_equal(inventory_finish_scan(inv, running, "failed", NULL), 0);
	inventory_close(inv);
	results_free(res);
}

static void test_query_sanitises_control_bytes(void **state)
{
	inventory_t *inv = open_write();
	scan_row *scans = NULL;
	size_t n = 0;

	raw_exec("INSERT INTO scans (started_at, status, targets)"
		 " VALUES (1, 'complete', 'a' || char(27) || '[31m' || char(127) || 'b')");
	assert_int_equal(query_scans(inv, &scans, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(scans[0].targets, "a?[31m?b");
	assert_int_equal(scans[0].finished_at, 0);
	assert_int_equal(scans[0].hosts_up, -1);
	query_scans_free(scans, n);
	inventory_close(inv);
}

static void test_json_document(void **state)
{
	inventory_t *inv = open_write();
	results_t *res = results_new();
	scan_row scan = {0};
	host_row *hosts = NULL;
	size_t n = 0;
	json_t *doc, *h, *reasons, *port;
	int64_t id;

	results_record(res, LAB_IP(5, 1), REASON_ECHO_REPLY, 0, -1, NULL, MAC_SRC_NONE, false);
	results_record(res, LAB_IP(5, 1), REASON_SYN_ACK, 0, -1, NULL, MAC_SRC_NONE, false);
	results_record_port(res, LAB_IP(5, 1), 161, UDP, PORT_OPEN, REASON_UDP_RESPONSE, 63);
	id = record_scan(inv, res);
	assert_int_equal(query_scan(inv, id, &scan), 0);
	assert_int_equal(query_scan_hosts(inv, id, &hosts, &n), 0);
	doc = json_hosts_document(&scan, hosts, n);
	assert_non_null(doc);

	assert_int_equal(json_integer_value(json_object_get(json_object_get(doc, "scan"), "id")),
			 id);
	assert_int_equal(
	    strlen(json_string_value(json_object_get(json_object_get(doc, "scan"), "started_at"))),
	    20);
	h = json_array_get(json_object_get(doc, "hosts"), 0);
	assert_string_equal(json_string_value(json_object_get(h, "address")), "198.18.5.1");
	assert_true(json_is_null(json_object_get(h, "mac")));
	assert_true(json_is_null(json_object_get(h, "mac_source")));
	assert_true(json_is_null(json_object_get(h, "vendor")));
	assert_true(json_is_null(json_object_get(h, "ttl")));
	assert_true(json_is_false(json_object_get(h, "on_link")));
	assert_string_equal(json_string_value(json_object_get(h, "address_source")), "echo-reply");
	reasons = json_object_get(h, "reasons");
	assert_int_equal(json_array_size(reasons), 2);
	assert_string_equal(json_string_value(json_array_get(reasons, 1)), "syn-ack");
	port = json_array_get(json_object_get(h, "ports"), 0);
	assert_int_equal(json_integer_value(json_object_get(port, "port")), 161);
	assert_string_equal(json_string_value(json_object_get(port, "proto")), "udp");
	assert_int_equal(json_integer_value(json_object_get(port, "ttl")), 63);

	json_decref(doc);
	query_hosts_free(hosts, n);
	scan_row_clear(&scan);
	inventory_close(inv);
	results_free(res);
}

/* ---- results.c ----------------------------------------------------------- */

typedef struct {
	results_t *res;
	uint32_t first;
	reason_t reason;
} recorder_arg;

#define HOSTS_PER_THREAD 10000

static void *recorder(void *p)
{
	const recorder_arg *a = p;

	for (uint32_t i = 0; i < HOSTS_PER_THREAD; i++) {
		uint32_t ip = LAB_IP(0, 0) + a->first + i;

		if (results_record(a->res, ip, a->reason, 64, i, NULL, MAC_SRC_NONE, false) != 0 ||
		    results_record_port(a->res, ip, 80, TCP, PORT_OPEN, REASON_SYN_ACK, 64) != 0)
			return (void *)1;
	}
	return NULL;
}

static void test_results_two_threads(void **state)
{
	results_t *res = results_new();
	/* The ranges overlap by half: 15000 distinct hosts in all. */
	recorder_arg args[2] = {
	    {res, 0, REASON_ECHO_REPLY},
	    {res, HOSTS_PER_THREAD / 2, REASON_SYN_ACK},
	};
	pthread_t t[2];
	host_result *const *hosts;
	void *ret;
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		assert_int_equal(pthread_create(&t[i], NULL, recorder, &args[i]), 0);
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		assert_int_equal(pthread_join(t[i], &ret), 0);
		assert_null(ret);
	}
	assert_int_equal(results_count(res), HOSTS_PER_THREAD * 3 / 2);
	hosts = results_sorted(res, &n);
	assert_int_equal(n, HOSTS_PER_THREAD * 3 / 2);
	for (size_t i = 0; i < n; i++) {
		bool both = i >= HOSTS_PER_THREAD / 2 && i < HOSTS_PER_THREAD;

		assert_int_equal(hosts[i]->ip, LAB_IP(0, 0) + i);
		assert_int_equal(hosts[i]->nports, 1);
		if (both)
			assert_int_equal(hosts[i]->reasons,
					 (1u << REASON_ECHO_REPLY) | (1u << REASON_SYN_ACK));
	}
	assert_true(results_has(res, LAB_IP(0, 0) + 14999));
	assert_false(results_has(res, LAB_IP(0, 0) + 15000));
	results_free(res);
}

static void test_results_merge_rules(void **state)
{
	results_t *res = results_new();
	uint32_t ip = LAB_IP(6, 6);
	host_result *const *hosts;
	size_t n;

	results_record(res, ip, REASON_ECHO_REPLY, 0, 900, NULL, MAC_SRC_NONE, false);
	results_record(res, ip, REASON_SYN_ACK, 64, 300, mac_b, MAC_SRC_NEIGHBOUR, false);
	results_record(res, ip, REASON_RESET, 128, -1, mac_a, MAC_SRC_ARP, true);
	/* A weaker source does not replace the ARP answer. */
	results_record(res, ip, REASON_RESET, 0, 500, mac_b, MAC_SRC_ETHER, false);
	assert_int_equal(results_reasons(res, ip),
			 (1u << REASON_ECHO_REPLY) | (1u << REASON_SYN_ACK) | (1u << REASON_RESET));
	assert_int_equal(results_reasons(res, ip + 1), 0);
	hosts = results_sorted(res, &n);
	assert_int_equal(n, 1);
	assert_int_equal(hosts[0]->addr_reason, REASON_ECHO_REPLY);
	assert_int_equal(hosts[0]->ttl, 64);
	assert_int_equal(hosts[0]->rtt_us, 300);
	assert_memory_equal(hosts[0]->mac, mac_a, 6);
	assert_int_equal(hosts[0]->mac_source, MAC_SRC_ARP);
	assert_true(hosts[0]->on_link);
	assert_true(hosts[0]->first_seen > 0);
	assert_int_equal(hosts[0]->reasons,
			 (1u << REASON_ECHO_REPLY) | (1u << REASON_SYN_ACK) | (1u << REASON_RESET));
	results_free(res);
}

static void test_results_port_states(void **state)
{
	results_t *res = results_new();
	uint32_t ip = LAB_IP(7, 7);
	host_result *const *hosts;
	size_t n;

	assert_false(results_has_port(res, ip, 22, TCP));
	results_record_port(res, ip, 22, TCP, PORT_FILTERED, REASON_NO_RESPONSE, 0);
	assert_true(results_has_port(res, ip, 22, TCP));
	assert_false(results_has_port(res, ip, 22, UDP));
	results_record_port(res, ip, 22, TCP, PORT_OPEN, REASON_SYN_ACK, 64);
	/* Once answered, a later answer does not change it. */
	results_record_port(res, ip, 22, TCP, PORT_CLOSED, REASON_RESET, 64);
	results_record_port(res, ip, 22, TCP, PORT_FILTERED, REASON_ADMIN_PROHIBITED, 0);
	results_record_port(res, ip, 23, TCP, PORT_CLOSED, REASON_RESET, 64);
	results_record_port(res, ip, 23, TCP, PORT_FILTERED, REASON_NO_RESPONSE, 0);
	hosts = results_sorted(res, &n);
	assert_int_equal(n, 1);
	assert_int_equal(hosts[0]->nports, 2);
	assert_int_equal(hosts[0]->ports[0].state, PORT_OPEN);
	assert_int_equal(hosts[0]->ports[0].reason, REASON_SYN_ACK);
	assert_int_equal(hosts[0]->ports[0].ttl, 64);
	assert_int_equal(hosts[0]->ports[1].state, PORT_CLOSED);
	assert_string_equal(port_state_name(PORT_FILTERED), "filtered");
	results_free(res);
}

static void test_results_sorted_order(void **state)
{
	static const uint32_t order[] = {LAB_IP(9, 3), LAB_IP(0, 200), LAB_IP(255, 1), LAB_IP(0, 2),
					 LAB_IP(9, 1)};
	static const uint16_t ports[] = {8080, 22, 443, 1, 80};
	results_t *res = results_new();
	host_result *const *hosts;
	size_t n;

	for (size_t i = 0; i < ARRAY_SIZE(order); i++)
		results_record(res, order[i], REASON_ECHO_REPLY, 0, -1, NULL, MAC_SRC_NONE, false);
	for (size_t i = 0; i < ARRAY_SIZE(ports); i++)
		results_record_port(res, LAB_IP(9, 1), ports[i], TCP, PORT_OPEN, REASON_SYN_ACK, 0);
	results_record_port(res, LAB_IP(9, 1), 80, UDP, PORT_OPEN, REASON_UDP_RESPONSE, 0);
	hosts = results_sorted(res, &n);
	assert_int_equal(n, ARRAY_SIZE(order));
	for (size_t i = 1; i < n; i++)
		assert_true(hosts[i - 1]->ip < hosts[i]->ip);
	assert_int_equal(hosts[0]->ip, LAB_IP(0, 2));
	assert_int_equal(hosts[n - 1]->ip, LAB_IP(255, 1));
	assert_int_equal(hosts[2]->ip, LAB_IP(9, 1));
	assert_int_equal(hosts[2]->nports, 6);
	for (size_t i = 1; i < hosts[2]->nports; i++)
		assert_true(hosts[2]->ports[i - 1].port <= hosts[2]->ports[i].port);
	assert_int_equal(hosts[2]->ports[2].port, 80);
	assert_int_equal(hosts[2]->ports[2].proto, TCP);
	assert_int_equal(hosts[2]->ports[3].proto, UDP);
	results_free(res);
}

static void test_reason_names(void **state)
{
	char buf[512], small[16];

	assert_string_equal(reason_mask_format(0, buf, sizeof(buf)), "");
	assert_string_equal(reason_mask_format((1u << REASON_RESET) | (1u << REASON_ARP_RESPONSE) |
						   (1u << REASON_ECHO_REPLY),
					       buf, sizeof(buf)),
			    "arp-response,echo-reply,reset");
	assert_string_equal(reason_mask_format(1u << REASON_LOCALHOST, buf, sizeof(buf)),
			    "localhost-response");
	/* Truncation drops whole names and stays terminated. */
	assert_string_equal(
	    reason_mask_format((1u << REASON_ARP_RESPONSE) | (1u << REASON_ECHO_REPLY), small,
			       sizeof(small)),
	    "arp-response");
	for (int r = 0; r < REASON__COUNT; r++)
		assert_int_equal(reason_from_name(reason_name((reason_t)r)), r);
	assert_int_equal(reason_from_name("nonsense"), -1);
	assert_string_equal(reason_name(REASON_ADMIN_PROHIBITED), "admin-prohibited");
	assert_string_equal(mac_source_name(MAC_SRC_ARP), "arp-response");
	assert_string_equal(mac_source_name(MAC_SRC_ETHER), "ether-source");
	assert_string_equal(mac_source_name(MAC_SRC_NEIGHBOUR), "neighbour-table");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_schema_created, test_setup),
	    cmocka_unit_test_setup(test_reopen_is_idempotent, test_setup),
	    cmocka_unit_test_setup(test_newer_schema_refused, test_setup),
	    cmocka_unit_test_setup(test_readonly_missing_file, test_setup),
	    cmocka_unit_test_setup(test_round_trip, test_setup),
	    cmocka_unit_test_setup(test_record_twice_replaces, test_setup),
	    cmocka_unit_test_setup(test_identity_same_mac_new_address, test_setup),
	    cmocka_unit_test_setup(test_identity_no_mac_same_address, test_setup),
	    cmocka_unit_test_setup(test_identity_learns_mac, test_setup),
	    cmocka_unit_test_setup(test_two_scans_keep_both_observations, test_setup),
	    cmocka_unit_test_setup(test_second_writer_is_busy, test_setup),
	    cmocka_unit_test_setup(test_busy_waits_lock_wait, test_setup),
	    cmocka_unit_test_setup(test_stale_running_scan_interrupted, test_setup),
	    cmocka_unit_test_setup(test_latest_scan_and_interrupted_note, test_setup),
	    cmocka_unit_test_setup(test_query_sanitises_control_bytes, test_setup),
	    cmocka_unit_test_setup(test_json_document, test_setup),
	    cmocka_unit_test(test_results_two_threads),
	    cmocka_unit_test(test_results_merge_rules),
	    cmocka_unit_test(test_results_port_states),
	    cmocka_unit_test(test_results_sorted_order),
	    cmocka_unit_test(test_reason_names),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
