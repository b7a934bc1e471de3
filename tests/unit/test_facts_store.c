#include "config.h"

/*
 * test_facts_store.c — fingerprint results in the inventory (schema 2):
 * the migration from schema 1 keeps every row, inventory_record_facts()
 * writes exactly the facts, verdicts, services, software and hardware it
 * is given (minus any secret) through the real scan writer, in one
 * transaction that leaves nothing behind when it fails, and
 * query_host_detail() / query_scan_hosts() read them back.
 *
 * Every database lives in a mkdtemp() directory removed at the end; the
 * tables are checked through a second, plain SQLite connection.  Addresses
 * are from the 198.18.0.0/15 benchmarking range.
 */

#include <dirent.h>
#include <netinet/in.h>
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

#include "fingerprint/facts.h"
#include "inventory/db.h"
#include "inventory/facts_store.h"
#include "inventory/query.h"
#include "inventory/store.h"
#include "scanner/results.h"
#include "util/compat.h"
#include "util/err.h"

#define LAB_IP(c, d) ((198u << 24) | (18u << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))

static char tmpdir[64];
static char dbpath[128];
static int db_serial;

static const uint8_t mac_vmware[6] = {0x00, 0x50, 0x56, 0x12, 0x00, 0x0a};
static const uint8_t mac_other[6] = {0x02, 0xab, 0xcd, 0x00, 0x00, 0x14};

static int group_setup(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/nc-test-facts.XXXXXX");
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

static int test_setup(void **state)
{
	snprintf(dbpath, sizeof(dbpath), "%s/t%d.db", tmpdir, ++db_serial);
	nc_clear_error();
	return 0;
}

/* ---- reading the tables directly ---------------------------------------- */

static sqlite3 *raw_open_path(const char *path)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	return db;
}

/* The first column of the first row of sql as an integer; -1 for NULL,
 * -2 for no row. */
static int64_t sql_int(const char *sql)
{
	sqlite3 *db = raw_open_path(dbpath);
	sqlite3_stmt *st = NULL;
	int64_t v = -2;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_type(st, 0) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/*
 * Every row of sql, columns joined by '|', rows by '\n' (NULL as "NULL"),
 * into a static buffer: the way the lab tests read tables with sqlite3.
 */
static const char *sql_rows(const char *sql)
{
	static char buf[8192];
	sqlite3 *db = raw_open_path(dbpath);
	sqlite3_stmt *st = NULL;
	size_t used = 0;

	buf[0] = '\0';
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (int c = 0; c < sqlite3_column_count(st); c++) {
			const unsigned char *t = sqlite3_column_text(st, c);

			used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s",
						 c ? "|" : (used ? "\n" : ""),
						 t ? (const char *)t : "NULL");
			assert_true(used < sizeof(buf));
		}
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return buf;
}

static void raw_exec(const char *sql)
{
	sqlite3 *db = raw_open_path(dbpath);

	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	sqlite3_close(db);
}

/* ---- building scans and facts -------------------------------------------- */

static inventory_t *open_write(void)
{
	inventory_t *inv = NULL;

	assert_int_equal(inventory_open(dbpath, INV_WRITE, &inv), 0);
	return inv;
}

static const scan_meta test_meta = {
    .targets = "198.18.0.0/24",
    .command = "netcensus scan 198.18.0.0/24",
    .target_count = 256,
};

/* Discovery results: .10 (VMware MAC, ssh open), .20 (another MAC). */
static results_t *lab_results(void)
{
	results_t *res = results_new();

	assert_non_null(res);
	assert_int_equal(results_record(res, LAB_IP(0, 10), REASON_ARP_RESPONSE, 64, 300,
					mac_vmware, MAC_SRC_ARP, true),
			 0);
	assert_int_equal(
	    results_record_port(res, LAB_IP(0, 10), 22, IPPROTO_TCP, PORT_OPEN, REASON_SYN_ACK, 64),
	    0);
	assert_int_equal(results_record(res, LAB_IP(0, 20), REASON_ARP_RESPONSE, 0, -1, mac_other,
					MAC_SRC_ARP, true),
			 0);
	return res;
}

static void add(host_facts *h, fact_source src, int conf, const char *key, const char *value)
{
	assert_int_equal(host_facts_add(h, src, conf, key, value), 0);
}

/* .10: a Linux server seen by SNMP and banners, with every kind of record. */
static void web01_facts(host_facts *h)
{
	service_fact ssh = {.port = 22,
			    .proto = IPPROTO_TCP,
			    .source = FACT_SRC_BANNER,
			    .name = "ssh",
			    .product = "OpenSSH",
			    .version = "8.9p1",
			    .banner = "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.4"};
	service_fact snmp = {
	    .port = 161, .proto = IPPROTO_UDP, .source = FACT_SRC_SNMP, .name = "snmp"};
	software_fact pkgs[] = {
	    {.name = "openssh-server",
	     .version = "1:8.9p1",
	     .install_date = "2023-10-02",
	     .source = FACT_SRC_SNMP},
	    {.name = "Zabbix Agent",
	     .version = "6.0",
	     .vendor = "Zabbix SIA",
	     .source = FACT_SRC_SNMP},
	};
	hardware_fact disk = {.kind = "storage",
			      .name = "/",
			      .extra = "type=fixed",
			      .size_bytes = 21474836480,
			      .used_bytes = 8589934592,
			      .source = FACT_SRC_SNMP};
	hardware_fact cpu = {.kind = "cpu",
			     .name = "Xeon",
			     .vendor = "Intel",
			     .extra = "load=3",
			     .size_bytes = -1,
			     .used_bytes = -1,
			     .source = FACT_SRC_SNMP};

	host_facts_init(h, LAB_IP(0, 10));
	add(h, FACT_SRC_DISCOVERY, 20, "os.family", "Linux");
	add(h, FACT_SRC_MAC_VENDOR, 90, "mac.vendor", "VMware, Inc.");
	add(h, FACT_SRC_SNMP, 100, "snmp.sysDescr", "Linux web01 5.15.0 x86_64");
	add(h, FACT_SRC_SNMP, 100, "snmp.credential", "office");
	add(h, FACT_SRC_SNMP, 90, "host.name", "web01");
	add(h, FACT_SRC_SNMP, 80, "host.domain", "lab.example");
	add(h, FACT_SRC_SNMP, 85, "os.name", "Ubuntu");
	add(h, FACT_SRC_SNMP, 85, "os.version", "22.04");
	assert_int_equal(host_facts_add_service(h, &ssh), 0);
	assert_int_equal(host_facts_add_service(h, &snmp), 0);
	for (size_t i = 0; i < ARRAY_SIZE(pkgs); i++)
		assert_int_equal(host_facts_add_software(h, &pkgs[i]), 0);
	assert_int_equal(host_facts_add_hardware(h, &disk), 0);
	assert_int_equal(host_facts_add_hardware(h, &cpu), 0);
}

/* begin, record results, record facts (expecting want), finish. */
static int64_t record_scan(inventory_t *inv, host_facts *const *hosts, size_t n, int want)
{
	results_t *res = lab_results();
	int64_t id = 0;

	assert_int_equal(inventory_begin_scan(inv, &test_meta, &id), 0);
	assert_int_equal(inventory_record_results(inv, id, res), 0);
	assert_int_equal(inventory_record_facts(inv, id, hosts, n), want);
	assert_int_equal(inventory_finish_scan(inv, id, "complete", results_stats(res)), 0);
	results_free(res);
	return id;
}

/* ---- schema -------------------------------------------------------------- */

/* Schema 1 exactly as netcensus 0.1 wrote it (db.c's first migration). */
static const char schema_v1[] =
    "CREATE TABLE scans (id INTEGER PRIMARY KEY, started_at REAL, finished_at REAL,"
    " status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'interrupted', 'failed')),"
    " targets TEXT, target_count INTEGER, command TEXT, pid INTEGER, hosts_up INTEGER,"
    " packets_sent INTEGER, replies INTEGER, unprivileged INTEGER, note TEXT);"
    "CREATE INDEX scans_status ON scans(status, id);"
    "CREATE TABLE hosts (id INTEGER PRIMARY KEY, mac TEXT, address TEXT, first_seen REAL,"
    " last_seen REAL, first_scan INTEGER REFERENCES scans(id),"
    " last_scan INTEGER REFERENCES scans(id));"
    "CREATE INDEX hosts_mac ON hosts(mac);"
    "CREATE INDEX hosts_address ON hosts(address, last_seen);"
    "CREATE TABLE host_scans (scan_id INTEGER REFERENCES scans(id) ON DELETE CASCADE,"
    " host_id INTEGER REFERENCES hosts(id), address TEXT NOT NULL, address_int INTEGER NOT NULL,"
    " address_reason TEXT, mac TEXT, mac_source TEXT, reasons TEXT, ttl INTEGER,"
    " rtt_us INTEGER, on_link INTEGER, seen_at REAL, PRIMARY KEY (scan_id, host_id));"
    "CREATE UNIQUE INDEX host_scans_address ON host_scans(scan_id, address_int);"
    "CREATE INDEX host_scans_host ON host_scans(host_id);"
    "CREATE TABLE ports (scan_id INTEGER REFERENCES scans(id) ON DELETE CASCADE,"
    " host_id INTEGER REFERENCES hosts(id), proto TEXT, port INTEGER, state TEXT,"
    " reason TEXT, ttl INTEGER, PRIMARY KEY (scan_id, host_id, proto, port));"
    "PRAGMA user_version = 1;"
    "INSERT INTO scans (id, started_at, finished_at, status, targets, hosts_up)"
    " VALUES (1, 1700000000, 1700000010, 'complete', '198.18.0.0/24', 1);"
    "INSERT INTO hosts VALUES (1, '00:50:56:12:00:0a', '198.18.0.10', 1700000001,"
    " 1700000001, 1, 1);"
    "INSERT INTO host_scans VALUES (1, 1, '198.18.0.10', 3323068426, 'arp-response',"
    " '00:50:56:12:00:0a', 'arp-response', 'arp-response,syn-ack', 64, 300, 1, 1700000001);"
    "INSERT INTO ports VALUES (1, 1, 'tcp', 22, 'open', 'syn-ack', 64);";

static void test_migrate_v1_to_v2(void **state)
{
	inventory_t *inv = NULL;
	host_row *hosts = NULL;
	size_t n = 0;

	raw_exec(schema_v1);
	/* A reader does not migrate; it says how to. */
	assert_int_equal(inventory_open(dbpath, INV_READONLY, &inv), NC_ERR_SCHEMA);
	assert_int_equal(sql_int("PRAGMA user_version"), 1);

	inv = open_write();
	assert_int_equal(sql_int("PRAGMA user_version"), 4);
	assert_int_equal(INVENTORY_SCHEMA_VERSION, 4);
	assert_string_equal(sql_rows("SELECT type, name FROM sqlite_master WHERE name IN"
				     " ('services', 'facts', 'verdicts', 'software', 'hardware',"
				     " 'snmp_facts', 'facts_host') ORDER BY name"),
			    "table|facts\n"
			    "index|facts_host\n"
			    "table|hardware\n"
			    "table|services\n"
			    "view|snmp_facts\n"
			    "table|software\n"
			    "table|verdicts");
	/* The schema 1 rows are all there. */
	assert_string_equal(sql_rows("SELECT id, status, targets, hosts_up FROM scans"),
			    "1|complete|198.18.0.0/24|1");
	assert_string_equal(sql_rows("SELECT id, mac, address FROM hosts"),
			    "1|00:50:56:12:00:0a|198.18.0.10");
	assert_string_equal(
	    sql_rows("SELECT scan_id, host_id, address, reasons, ttl FROM host_scans"),
	    "1|1|198.18.0.10|arp-response,syn-ack|64");
	assert_string_equal(sql_rows("SELECT * FROM ports"), "1|1|tcp|22|open|syn-ack|64");

	/* And read as before, with nothing fingerprinted. */
	assert_int_equal(query_scan_hosts(inv, 1, &hosts, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(hosts[0].address, "198.18.0.10");
	assert_int_equal(hosts[0].nports, 1);
	assert_null(hosts[0].hostname);
	assert_null(hosts[0].os);
	assert_null(hosts[0].device_type);
	assert_null(hosts[0].vendor);
	query_hosts_free(hosts, n);
	inventory_close(inv);

	/* Migrating is done once. */
	inv = open_write();
	inventory_close(inv);
	assert_int_equal(sql_int("SELECT count(*) FROM sqlite_master WHERE name = 'facts'"), 1);
}

/* The fixture show.test builds its database from must have the schema the
 * migrations create, or the CLI test would pass against a fiction. */
static void test_fixture_schema_is_current(void **state)
{
	static const char schema_sql[] =
	    "SELECT type || ' ' || name || ' ' || replace(replace(replace(sql, ' ', ''),"
	    " char(10), ''), char(9), '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
	    " ORDER BY type, name";
	char fixture_path[512], *migrated, *fixture;
	inventory_t *inv = open_write();
	FILE *f;
	long len;
	char *sql;
	sqlite3 *db;

	inventory_close(inv);
	migrated = strdup(sql_rows(schema_sql));

	snprintf(fixture_path, sizeof(fixture_path), "%s/inventory/show-fixture.sql", NC_TEST_DATA);
	assert_non_null(f = fopen(fixture_path, "r"));
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	assert_true((len = ftell(f)) > 0);
	rewind(f);
	assert_non_null(sql = calloc(1, (size_t)len + 1));
	assert_int_equal(fread(sql, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	snprintf(dbpath, sizeof(dbpath), "%s/fixture%d.db", tmpdir, db_serial);
	db = raw_open_path(dbpath);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("show-fixture.sql: %s", sqlite3_errmsg(db));
	sqlite3_close(db);
	free(sql);
	fixture = strdup(sql_rows(schema_sql));

	assert_string_equal(fixture, migrated);
	assert_int_equal(sql_int("PRAGMA user_version"), INVENTORY_SCHEMA_VERSION);
	free(migrated);
	free(fixture);
}

/* ---- writing -------------------------------------------------------------- */

static void test_round_trip(void **state)
{
	inventory_t *inv = open_write();
	host_facts web;
	host_facts *hosts[] = {&web};
	host_detail d;
	int64_t id;

	web01_facts(&web);
	id = record_scan(inv, hosts, ARRAY_SIZE(hosts), 0);
	host_facts_clear(&web);

	/* Raw rows, exactly. */
	assert_string_equal(sql_rows("SELECT v.field, v.value, v.source, v.confidence"
				     " FROM verdicts v JOIN host_scans h USING (scan_id, host_id)"
				     " WHERE h.address = '198.18.0.10' ORDER BY v.rowid"),
			    "hostname|web01|snmp|90\n"
			    "domain|lab.example|snmp|80\n"
			    "os.family|Linux|snmp|68\n"
			    "os.name|Ubuntu|snmp|85\n"
			    "os.version|22.04|snmp|85\n"
			    "device.type|server|snmp|54\n"
			    "virtual|yes|mac-vendor|72\n"
			    "hw.vendor|VMware, Inc.|mac-vendor|90");
	assert_string_equal(sql_rows("SELECT key, value, source, confidence FROM facts"
				     " ORDER BY rowid"),
			    "os.family|Linux|discovery|20\n"
			    "mac.vendor|VMware, Inc.|mac-vendor|90\n"
			    "snmp.sysDescr|Linux web01 5.15.0 x86_64|snmp|100\n"
			    "snmp.credential|office|snmp|100\n"
			    "host.name|web01|snmp|90\n"
			    "host.domain|lab.example|snmp|80\n"
			    "os.name|Ubuntu|snmp|85\n"
			    "os.version|22.04|snmp|85");
	assert_string_equal(sql_rows("SELECT key, value FROM snmp_facts ORDER BY rowid LIMIT 2"),
			    "snmp.sysDescr|Linux web01 5.15.0 x86_64\n"
			    "snmp.credential|office");
	assert_string_equal(sql_rows("SELECT proto, port, name, product, version, info, banner,"
				     " source FROM services ORDER BY proto, port"),
			    "tcp|22|ssh|OpenSSH|8.9p1|NULL|SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.4|"
			    "banner\n"
			    "udp|161|snmp|NULL|NULL|NULL|NULL|snmp");
	assert_string_equal(sql_rows("SELECT name, version, vendor, install_date, source"
				     " FROM software ORDER BY rowid"),
			    "openssh-server|1:8.9p1|NULL|2023-10-02|snmp\n"
			    "Zabbix Agent|6.0|Zabbix SIA|NULL|snmp");
	assert_string_equal(
	    sql_rows("SELECT kind, name, vendor, model, serial, firmware, extra,"
		     " size_bytes, used_bytes, source FROM hardware ORDER BY rowid"),
	    "storage|/|NULL|NULL|NULL|NULL|type=fixed|21474836480|8589934592|snmp\n"
	    "cpu|Xeon|Intel|NULL|NULL|NULL|load=3|NULL|NULL|snmp");
	/* Every row belongs to this scan and to .10's host. */
	assert_int_equal(sql_int("SELECT count(*) FROM (SELECT scan_id, host_id FROM facts"
				 " UNION SELECT scan_id, host_id FROM verdicts"
				 " UNION SELECT scan_id, host_id FROM services"
				 " UNION SELECT scan_id, host_id FROM software"
				 " UNION SELECT scan_id, host_id FROM hardware)"),
			 1);
	assert_int_equal(sql_int("SELECT count(*) FROM facts f JOIN host_scans h"
				 " USING (scan_id, host_id) WHERE h.address = '198.18.0.10'"),
			 8);

	/* Read back by address. */
	assert_int_equal(query_host_detail(inv, id, "198.18.0.10", &d), 0);
	assert_int_equal(d.scan_id, id);
	assert_string_equal(d.host.address, "198.18.0.10");
	assert_string_equal(d.host.mac, "00:50:56:12:00:0a");
	assert_string_equal(d.host.mac_source, "arp-response");
	assert_string_equal(d.host.hostname, "web01");
	assert_string_equal(d.host.os, "Ubuntu 22.04");
	assert_string_equal(d.host.device_type, "server");
	assert_string_equal(d.host.vendor, "VMware, Inc.");
	assert_int_equal(d.host.ttl, 64);
	assert_int_equal(d.host.nports, 1);
	assert_int_equal(d.host.ports[0].port, 22);
	assert_true(d.first_seen > 0 && d.last_seen >= d.first_seen);
	assert_string_equal(host_detail_verdict(&d, "domain"), "lab.example");
	assert_null(host_detail_verdict(&d, "hw.model"));
	assert_int_equal(d.nverdicts, 8);
	assert_string_equal(d.verdicts[0].field, "hostname");
	assert_string_equal(d.verdicts[2].field, "os.family");
	assert_string_equal(d.verdicts[2].source, "snmp");
	assert_int_equal(d.verdicts[2].confidence, 68);
	assert_string_equal(d.verdicts[7].field, "hw.vendor");
	assert_int_equal(d.nfacts, 8);
	assert_string_equal(d.facts[0].key, "os.family");
	assert_string_equal(d.facts[0].source, "discovery");
	assert_int_equal(d.facts[0].confidence, 20);
	assert_int_equal(d.nservices, 2);
	assert_string_equal(d.services[0].proto, "tcp");
	assert_int_equal(d.services[0].port, 22);
	assert_string_equal(d.services[0].product, "OpenSSH");
	assert_null(d.services[0].info);
	assert_string_equal(d.services[1].proto, "udp");
	assert_int_equal(d.nsoftware, 2);
	assert_string_equal(d.software[0].name, "openssh-server"); /* by name, any case */
	assert_string_equal(d.software[1].name, "Zabbix Agent");
	assert_string_equal(d.software[1].vendor, "Zabbix SIA");
	assert_null(d.software[1].install_date);
	assert_int_equal(d.nhardware, 2);
	assert_string_equal(d.hardware[0].kind, "cpu"); /* cpu before storage */
	assert_int_equal(d.hardware[0].size_bytes, -1);
	assert_string_equal(d.hardware[1].kind, "storage");
	assert_int_equal(d.hardware[1].size_bytes, 21474836480);
	assert_int_equal(d.hardware[1].used_bytes, 8589934592);
	query_host_detail_free(&d);

	/* By MAC (any case and separator), by hostname, by FQDN, newest scan. */
	assert_int_equal(query_host_detail(inv, 0, "00-50-56-12-00-0A", &d), 0);
	assert_string_equal(d.host.address, "198.18.0.10");
	query_host_detail_free(&d);
	assert_int_equal(query_host_detail(inv, 0, "WEB01", &d), 0);
	assert_int_equal(d.scan_id, id);
	assert_string_equal(d.host.address, "198.18.0.10");
	query_host_detail_free(&d);
	assert_int_equal(query_host_detail(inv, 0, "web01.lab.example", &d), 0);
	assert_string_equal(d.host.address, "198.18.0.10");
	query_host_detail_free(&d);

	/* .20 was seen but not fingerprinted: an empty detail, not an error. */
	assert_int_equal(query_host_detail(inv, id, "198.18.0.20", &d), 0);
	assert_null(d.host.hostname);
	assert_int_equal(d.nverdicts + d.nfacts + d.nservices + d.nsoftware + d.nhardware, 0);
	query_host_detail_free(&d);
	inventory_close(inv);
}

/* A fact whose key names a secret never reaches the disk. */
static void test_secret_facts_dropped(void **state)
{
	inventory_t *inv = open_write();
	host_facts web;
	host_facts *hosts[] = {&web};

	web01_facts(&web);
	add(&web, FACT_SRC_SNMP, 100, "snmp.community", "public-secret-1");
	add(&web, FACT_SRC_SSH, 100, "ssh.password", "hunter2");
	add(&web, FACT_SRC_SSH, 100, "ssh.key.Passphrase", "pp");
	add(&web, FACT_SRC_SNMP, 100, "snmp.v3.auth_SECRET", "s3");
	record_scan(inv, hosts, ARRAY_SIZE(hosts), 0);
	host_facts_clear(&web);
	inventory_close(inv);

	assert_int_equal(sql_int("SELECT count(*) FROM facts"), 8);
	assert_int_equal(sql_int("SELECT count(*) FROM facts WHERE key LIKE '%community%'"
				 " OR key LIKE '%password%' OR key LIKE '%passphrase%'"
				 " OR key LIKE '%secret%'"),
			 0);
	assert_int_equal(sql_int("SELECT count(*) FROM facts WHERE value IN"
				 " ('public-secret-1', 'hunter2', 'pp', 's3')"),
			 0);
	/* The name of the credential that worked is not a secret. */
	assert_int_equal(sql_int("SELECT count(*) FROM facts WHERE key = 'snmp.credential'"), 1);
}

/* A host the scan did not record is skipped; the others are written. */
static void test_host_not_in_scan_skipped(void **state)
{
	inventory_t *inv = open_write();
	host_facts web, stray;
	host_facts *hosts[] = {&stray, &web, NULL};

	web01_facts(&web);
	host_facts_init(&stray, LAB_IP(0, 99));
	add(&stray, FACT_SRC_SNMP, 90, "host.name", "stray");
	record_scan(inv, hosts, ARRAY_SIZE(hosts), 0);
	host_facts_clear(&web);
	host_facts_clear(&stray);
	inventory_close(inv);

	assert_int_equal(sql_int("SELECT count(*) FROM facts WHERE value = 'stray'"), 0);
	assert_int_equal(sql_int("SELECT count(*) FROM verdicts WHERE value = 'stray'"), 0);
	assert_int_equal(sql_int("SELECT count(*) FROM hosts"), 2); /* none made up */
	assert_int_equal(sql_int("SELECT count(*) FROM verdicts WHERE value = 'web01'"), 1);
}

/* A failure halfway leaves no row of any host; the scan can try again. */
static void test_rollback_on_error(void **state)
{
	inventory_t *inv = open_write();
	results_t *res = lab_results();
	host_facts web, other;
	host_facts *hosts[] = {&other, &web};
	int64_t id = 0;

	host_facts_init(&other, LAB_IP(0, 20));
	add(&other, FACT_SRC_SNMP, 90, "host.name", "other");
	web01_facts(&web);
	/* .20 is written first; .10's hardware then fails. */
	raw_exec("CREATE TRIGGER no_hardware BEFORE INSERT ON hardware"
		 " BEGIN SELECT RAISE(ABORT, 'forced failure'); END");
	assert_int_equal(inventory_begin_scan(inv, &test_meta, &id), 0);
	assert_int_equal(inventory_record_results(inv, id, res), 0);
	assert_int_equal(inventory_record_facts(inv, id, hosts, ARRAY_SIZE(hosts)), NC_ERR_DB);
	assert_non_null(strstr(nc_errmsg(NC_ERR_DB), "forced failure"));
	assert_int_equal(sql_int("SELECT (SELECT count(*) FROM facts) + (SELECT count(*) FROM"
				 " verdicts) + (SELECT count(*) FROM services) + (SELECT count(*)"
				 " FROM software) + (SELECT count(*) FROM hardware)"),
			 0);
	/* The discovery results of the scan are untouched. */
	assert_int_equal(sql_int("SELECT count(*) FROM host_scans"), 2);

	raw_exec("DROP TRIGGER no_hardware");
	assert_int_equal(inventory_record_facts(inv, id, hosts, ARRAY_SIZE(hosts)), 0);
	assert_int_equal(inventory_finish_scan(inv, id, "complete", results_stats(res)), 0);
	assert_int_equal(sql_int("SELECT count(*) FROM hardware"), 2);
	assert_int_equal(sql_int("SELECT count(*) FROM verdicts WHERE value = 'other'"), 1);
	host_facts_clear(&web);
	host_facts_clear(&other);
	results_free(res);
	inventory_close(inv);
}

/* Recording a host twice in one scan replaces, never doubles. */
static void test_record_twice_replaces(void **state)
{
	inventory_t *inv = open_write();
	results_t *res = lab_results();
	host_facts web;
	host_facts *hosts[] = {&web};
	int64_t id = 0;

	web01_facts(&web);
	assert_int_equal(inventory_begin_scan(inv, &test_meta, &id), 0);
	assert_int_equal(inventory_record_results(inv, id, res), 0);
	assert_int_equal(inventory_record_facts(inv, id, hosts, 1), 0);
	add(&web, FACT_SRC_SSH, 95, "os.name", "Ubuntu 22.04.3 LTS");
	assert_int_equal(inventory_record_facts(inv, id, hosts, 1), 0);
	assert_int_equal(inventory_finish_scan(inv, id, "complete", results_stats(res)), 0);
	assert_int_equal(sql_int("SELECT count(*) FROM facts"), 9);
	assert_int_equal(sql_int("SELECT count(*) FROM services"), 2);
	assert_int_equal(sql_int("SELECT count(*) FROM software"), 2);
	assert_int_equal(sql_int("SELECT count(*) FROM hardware"), 2);
	assert_string_equal(sql_rows("SELECT value, source FROM verdicts WHERE field = 'os.name'"),
			    "Ubuntu 22.04.3 LTS|ssh");
	host_facts_clear(&web);
	results_free(res);
	inventory_close(inv);
}

/* Only the writer of a running scan may record facts. */
static void test_needs_running_scan(void **state)
{
	inventory_t *inv = open_write();
	host_facts web;
	host_facts *hosts[] = {&web};
	int64_t id;

	web01_facts(&web);
	assert_int_equal(inventory_record_facts(inv, 1, hosts, 1), NC_ERR_INVALID);
	id = record_scan(inv, hosts, 1, 0);
	/* Finished: the lock is gone. */
	assert_int_equal(inventory_record_facts(inv, id, hosts, 1), NC_ERR_INVALID);
	host_facts_clear(&web);
	inventory_close(inv);
}

/* ---- reading -------------------------------------------------------------- */

static void test_detail_errors(void **state)
{
	inventory_t *inv = open_write();
	host_facts web, other;
	host_facts *hosts[] = {&web, &other};
	host_detail d;
	char want[256];
	int64_t id;

	web01_facts(&web);
	host_facts_init(&other, LAB_IP(0, 20));
	add(&other, FACT_SRC_NETBIOS, 60, "host.name", "WEB01"); /* a name clash */
	id = record_scan(inv, hosts, ARRAY_SIZE(hosts), 0);
	host_facts_clear(&web);
	host_facts_clear(&other);

	assert_int_equal(query_host_detail(inv, id, "198.18.0.99", &d), NC_ERR_NOT_FOUND);
	snprintf(want, sizeof(want), "no host '198.18.0.99' in scan %lld", (long long)id);
	assert_string_equal(nc_errmsg(NC_ERR_NOT_FOUND), want);
	assert_int_equal(query_host_detail(inv, 0, "nosuchhost", &d), NC_ERR_NOT_FOUND);
	snprintf(want, sizeof(want), "no host 'nosuchhost' in scan %lld", (long long)id);
	assert_string_equal(nc_errmsg(NC_ERR_NOT_FOUND), want);
	assert_int_equal(query_host_detail(inv, 0, "00:50:56:ff:ff:ff", &d), NC_ERR_NOT_FOUND);
	assert_int_equal(query_host_detail(inv, 99, "198.18.0.10", &d), NC_ERR_NOT_FOUND);
	assert_non_null(strstr(nc_errmsg(NC_ERR_NOT_FOUND), "no scan 99"));

	assert_int_equal(query_host_detail(inv, id, "web01", &d), NC_ERR_INVALID);
	assert_non_null(strstr(nc_errmsg(NC_ERR_INVALID), "198.18.0.10, 198.18.0.20"));
	/* The FQDN is unique. */
	assert_int_equal(query_host_detail(inv, id, "web01.lab.example", &d), 0);
	assert_string_equal(d.host.address, "198.18.0.10");
	query_host_detail_free(&d);
	inventory_close(inv);
}

/* With no scan given: the newest scan that has the host and is not running. */
static void test_detail_newest_scan(void **state)
{
	inventory_t *inv = open_write();
	results_t *res = lab_results();
	host_facts web;
	host_facts *hosts[] = {&web};
	host_detail d;
	int64_t first, second, running = 0;

	web01_facts(&web);
	first = record_scan(inv, hosts, 1, 0);
	add(&web, FACT_SRC_SSH, 95, "os.name", "Ubuntu 24.04 LTS");
	second = record_scan(inv, hosts, 1, 0);
	assert_true(second > first);
	add(&web, FACT_SRC_SSH, 99, "host.name", "web01-new");
	assert_int_equal(inventory_begin_scan(inv, &test_meta, &running), 0);
	assert_int_equal(inventory_record_results(inv, running, res), 0);
	assert_int_equal(inventory_record_facts(inv, running, hosts, 1), 0);

	assert_int_equal(query_host_detail(inv, 0, "198.18.0.10", &d), 0);
	assert_int_equal(d.scan_id, second);
	assert_string_equal(host_detail_verdict(&d, "os.name"), "Ubuntu 24.04 LTS");
	query_host_detail_free(&d);
	assert_int_equal(query_host_detail(inv, first, "198.18.0.10", &d), 0);
	assert_string_equal(host_detail_verdict(&d, "os.name"), "Ubuntu");
	query_host_detail_free(&d);
	/* Asked for by id, a running scan is read. */
	assert_int_equal(query_host_detail(inv, running, "web01-new", &d), 0);
	assert_int_equal(d.scan_id, running);
	query_host_detail_free(&d);
	assert_int_equal(query_host_detail(inv, 0, "web01-new", &d), NC_ERR_NOT_FOUND);

	assert_int_equal(inventory_finish_scan(inv, running, "complete", results_stats(res)), 0);
	host_facts_clear(&web);
	results_free(res);
	inventory_close(inv);
}

/* The host list: the MAC's vendor, not the maker SNMP names; the OS with
 * its version; nothing made up for a host without fingerprints. */
static void test_host_list_columns(void **state)
{
	inventory_t *inv = open_write();
	host_facts web, other;
	host_facts *hosts[] = {&web, &other};
	host_row *rows = NULL;
	size_t n = 0;
	int64_t id;

	host_facts_init(&web, LAB_IP(0, 10));
	add(&web, FACT_SRC_SNMP, 90, "hw.vendor", "Dell Inc.");
	add(&web, FACT_SRC_MAC_VENDOR, 90, "mac.vendor", "Intel Corporate");
	add(&web, FACT_SRC_SMB, 90, "os.name", "Windows Server 2022");
	add(&web, FACT_SRC_SMB, 90, "os.version", "10.0");
	host_facts_init(&other, LAB_IP(0, 20));
	add(&other, FACT_SRC_MAC_VENDOR, 90, "mac.vendor", "Raspberry Pi Trading Ltd");
	id = record_scan(inv, hosts, ARRAY_SIZE(hosts), 0);
	host_facts_clear(&web);
	host_facts_clear(&other);

	assert_int_equal(query_scan_hosts(inv, id, &rows, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].vendor, "Intel Corporate");
	assert_string_equal(rows[0].os, "Windows Server 2022");
	assert_string_equal(rows[0].device_type, "server");
	assert_null(rows[0].hostname);
	assert_string_equal(rows[1].vendor, "Raspberry Pi Trading Ltd");
	assert_null(rows[1].os);
	assert_null(rows[1].device_type);
	query_hosts_free(rows, n);

	/* Control characters stored by someone else never come back raw. */
	raw_exec("UPDATE verdicts SET value = 'x' || char(27) || '[2J' || char(155) || 'y'"
		 " WHERE field = 'os.name'");
	raw_exec("INSERT INTO verdicts (scan_id, host_id, field, value, source, confidence)"
		 " SELECT scan_id, host_id, 'hostname', CAST(x'6869ff' AS TEXT), 'snmp', 1"
		 " FROM host_scans WHERE address = '198.18.0.10'");
	assert_int_equal(query_scan_hosts(inv, id, &rows, &n), 0);
	assert_string_equal(rows[0].os, "x?[2J?y 10.0");
	assert_string_equal(rows[0].hostname, "hi?");
	query_hosts_free(rows, n);
	inventory_close(inv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_migrate_v1_to_v2, test_setup),
	    cmocka_unit_test_setup(test_fixture_schema_is_current, test_setup),
	    cmocka_unit_test_setup(test_round_trip, test_setup),
	    cmocka_unit_test_setup(test_secret_facts_dropped, test_setup),
	    cmocka_unit_test_setup(test_host_not_in_scan_skipped, test_setup),
	    cmocka_unit_test_setup(test_rollback_on_error, test_setup),
	    cmocka_unit_test_setup(test_record_twice_replaces, test_setup),
	    cmocka_unit_test_setup(test_needs_running_scan, test_setup),
	    cmocka_unit_test_setup(test_detail_errors, test_setup),
	    cmocka_unit_test_setup(test_detail_newest_scan, test_setup),
	    cmocka_unit_test_setup(test_host_list_columns, test_setup),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
