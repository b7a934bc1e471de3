#include "config.h"

/*
 * test_identity.c — one host across scans (inventory/identity.h), its
 * change log, the schema 2 -> 3 migration, and pruning old scans
 * (inventory/prune.h).
 *
 * Every scan goes through the real writer: inventory_begin_scan(),
 * inventory_record_results() with a results_t, inventory_record_facts()
 * with host_facts, inventory_finish_scan().  Each case describes the hosts
 * a scan sees (address, MAC, and the identity facts fingerprinting would
 * have found) and checks which host ids the inventory gave them, through a
 * second, plain SQLite connection.  Databases live in a mkdtemp()
 * directory removed at the end; addresses are from 198.18.0.0/15.
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
#include "inventory/identity.h"
#include "inventory/prune.h"
#include "inventory/query.h"
#include "inventory/store.h"
#include "scanner/results.h"
#include "util/compat.h"
#include "util/err.h"

#define LAB_IP(c, d) ((198u << 24) | (18u << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))

static char tmpdir[64];
static char dbpath[128];
static int db_serial;

/* MACs: a physical one (Dell's OUI), and hypervisor ones. */
#define MAC_PHYS1 "00:14:22:01:02:03"
#define MAC_PHYS2 "00:14:22:0a:0b:0c"
#define MAC_VMW1 "00:50:56:aa:00:01"
#define MAC_VMW2 "00:50:56:aa:00:02"
#define MAC_QEMU "52:54:00:12:34:56"

#define UUID1 "4C4C4544-0042-3510-8052-B4C04F565731"
#define UUID2 "564d7a3b-1c2e-4f5a-9b8c-0d1e2f3a4b5c"
#define KEY1 "SHA256:q7Cq3mVw0r3xZbX5kTqgqkU8o4pMf1mX2s0m1yXo9cA"
#define KEY2 "SHA256:Z9Nn2kqz1b8QpV6d0l3mX4yR5tS6uW7vA8bC9dE0fGh"

/* One host as a scan sees it; NULL fields are not observed. */
typedef struct {
	uint32_t ip;
	const char *mac;	/* NULL: routed, no MAC */
	const char *hostname;	/* fact host.name (SNMP) */
	const char *os_name;	/* fact os.name (SNMP) */
	const char *os_version; /* fact os.version (SNMP) */
	const char *uuid;	/* hw.uuid (SSH) */
	const char *serial;	/* hw.serial (SSH) */
	const char *ssh_key;	/* ssh.hostkey.sha256, type ssh-ed25519 */
	const char *ssh_status; /* "new" when NULL */
	const char *smb_name, *smb_domain;
	const char *snmp_engine;
} seen;

static int group_setup(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/nc-test-identity.XXXXXX");
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

static sqlite3 *raw_open(void)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	return db;
}

/* The first column of the first row as an integer; -1 NULL, -2 no row. */
static int64_t sql_int(const char *sql)
{
	sqlite3 *db = raw_open();
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

/* Every row, columns joined by '|', rows by '\n', NULL as "NULL". */
static const char *sql_rows(const char *sql)
{
	static char buf[8192];
	sqlite3 *db = raw_open();
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
	sqlite3 *db = raw_open();

	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	sqlite3_close(db);
}

/* The host id scan `scan` recorded at 198.18.c.d; -2 when none. */
static int64_t host_at(int64_t scan, uint32_t ip)
{
	char sql[160];

	snprintf(sql, sizeof(sql),
		 "SELECT host_id FROM host_scans WHERE scan_id = %lld AND address_int = %u",
		 (long long)scan, ip);
	return sql_int(sql);
}

static int64_t count_hosts(void)
{
	return sql_int("SELECT count(*) FROM hosts");
}

/* ---- writing scans through the real writer -------------------------------- */

static inventory_t *open_write(void)
{
	inventory_t *inv = NULL;

	assert_int_equal(inventory_open(dbpath, INV_WRITE, &inv), 0);
	return inv;
}

static const scan_meta test_meta = {
    .targets = "198.18.0.0/16",
    .command = "netcensus scan 198.18.0.0/16",
    .target_count = 65536,
};

static void parse_mac(const char *s, uint8_t mac[6])
{
	unsigned b[6];

	assert_int_equal(sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]),
			 6);
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
}

static void add(host_facts *h, fact_source src, const char *key, const char *value)
{
	if (value != NULL)
		assert_int_equal(host_facts_add(h, src, 90, key, value), 0);
}

static void facts_for(host_facts *h, const seen *s)
{
	host_facts_init(h, s->ip);
	add(h, FACT_SRC_SNMP, "host.name", s->hostname);
	add(h, FACT_SRC_SNMP, "os.name", s->os_name);
	add(h, FACT_SRC_SNMP, "os.version", s->os_version);
	add(h, FACT_SRC_SSH, "hw.uuid", s->uuid);
	add(h, FACT_SRC_SSH, "hw.serial", s->serial);
	if (s->ssh_key != NULL) {
		const char *status = s->ssh_status ? s->ssh_status : "new";

		add(h, FACT_SRC_SSH, "ssh.hostkey.type", "ssh-ed25519");
		add(h, FACT_SRC_SSH, "ssh.hostkey.sha256", s->ssh_key);
		add(h, FACT_SRC_SSH, "ssh.hostkey.status", status);
		if (strcmp(status, "changed") == 0)
			assert_int_equal(host_facts_addf(h, FACT_SRC_SSH, 100,
							 "ssh.hostkey_changed", "old %s new %s",
							 "SHA256:old", s->ssh_key),
					 0);
	}
	add(h, FACT_SRC_SMB, "smb.netbios_name", s->smb_name);
	add(h, FACT_SRC_SMB, "smb.netbios_domain", s->smb_domain);
	add(h, FACT_SRC_SNMP, "snmp.engineID", s->snmp_engine);
}

/* One complete scan of the hosts hs[0..n): with_facts false is a
 * discovery-only scan (inventory_record_facts() is never called). */
static int64_t scan_with(inventory_t *inv, const seen *hs, size_t n, bool with_facts)
{
	results_t *res = results_new();
	host_facts *facts = calloc(n ? n : 1, sizeof(*facts));
	host_facts **ptrs = calloc(n ? n : 1, sizeof(*ptrs));
	int64_t id = 0;

	assert_non_null(res);
	assert_non_null(facts);
	assert_non_null(ptrs);
	for (size_t i = 0; i < n; i++) {
		uint8_t mac[6];

		if (hs[i].mac != NULL)
			parse_mac(hs[i].mac, mac);
		assert_int_equal(results_record(res, hs[i].ip,
						hs[i].mac ? REASON_ARP_RESPONSE : REASON_ECHO_REPLY,
						64, 500, hs[i].mac ? mac : NULL,
						hs[i].mac ? MAC_SRC_ARP : MAC_SRC_NONE,
						hs[i].mac != NULL),
				 0);
		facts_for(&facts[i], &hs[i]);
		ptrs[i] = &facts[i];
	}
	assert_int_equal(inventory_begin_scan(inv, &test_meta, &id), 0);
	assert_int_equal(inventory_record_results(inv, id, res), 0);
	if (with_facts)
		assert_int_equal(inventory_record_facts(inv, id, ptrs, n), 0);
	assert_int_equal(inventory_finish_scan(inv, id, "complete", results_stats(res)), 0);
	for (size_t i = 0; i < n; i++)
		host_facts_clear(&facts[i]);
	free(facts);
	free(ptrs);
	results_free(res);
	return id;
}

static int64_t scan(inventory_t *inv, const seen *hs, size_t n)
{
	return scan_with(inv, hs, n, true);
}

/* ---- key normalisation ------------------------------------------------------ */

static void test_keys_refuse_junk(void **state)
{
	char out[192];

	assert_true(identity_mac_key("00:14:22:01:02:0A", out, sizeof(out)));
	assert_string_equal(out, "00:14:22:01:02:0a");
	assert_true(identity_mac_key("00-14-22-01-02-0a", out, sizeof(out)));
	assert_false(identity_mac_key("00:00:00:00:00:00", out, sizeof(out)));
	assert_false(identity_mac_key("ff:ff:ff:ff:ff:ff", out, sizeof(out)));
	assert_false(identity_mac_key("01:00:5e:00:00:01", out, sizeof(out))); /* multicast */
	assert_false(identity_mac_key("00:14:22:01:02", out, sizeof(out)));

	assert_true(identity_mac_is_virtual(MAC_VMW1));
	assert_true(identity_mac_is_virtual("00:0c:29:01:02:03"));
	assert_true(identity_mac_is_virtual("00:15:5d:01:02:03"));
	assert_true(identity_mac_is_virtual("08:00:27:01:02:03"));
	assert_true(identity_mac_is_virtual(MAC_QEMU));
	assert_true(identity_mac_is_virtual("00:16:3e:01:02:03"));
	assert_true(identity_mac_is_virtual("02:42:ac:11:00:02")); /* locally administered */
	assert_false(identity_mac_is_virtual(MAC_PHYS1));

	assert_true(identity_uuid_key(UUID1, out, sizeof(out)));
	assert_string_equal(out, "4c4c4544-0042-3510-8052-b4c04f565731");
	assert_true(identity_uuid_key("{4C4C4544004235108052B4C04F565731}", out, sizeof(out)));
	assert_string_equal(out, "4c4c4544-0042-3510-8052-b4c04f565731");
	assert_false(identity_uuid_key("00000000-0000-0000-0000-000000000000", out, sizeof(out)));
	assert_false(identity_uuid_key("FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF", out, sizeof(out)));
	assert_false(identity_uuid_key("03000200-0400-0500-0006-000700080009", out, sizeof(out)));
	assert_false(identity_uuid_key("Not Settable", out, sizeof(out)));
	assert_false(identity_uuid_key("4c4c4544-0042", out, sizeof(out)));

	assert_true(identity_serial_key("  CZJ12345AB ", out, sizeof(out)));
	assert_string_equal(out, "CZJ12345AB");
	for (size_t i = 0; i < 9; i++) {
		static const char *const junk[] = {
		    "To be filled by O.E.M.",
		    "Not Specified",
		    "Default string",
		    "System Serial Number",
		    "None",
		    "0",
		    "00000000",
		    "",
		    "   ",
		};

		assert_false(identity_serial_key(junk[i], out, sizeof(out)));
	}
}

/* ---- identity ---------------------------------------------------------------- */

static void test_same_mac_new_ip(void **state)
{
	inventory_t *inv = open_write();
	seen a = {.ip = LAB_IP(1, 10), .mac = MAC_PHYS1};
	seen b = {.ip = LAB_IP(1, 11), .mac = MAC_PHYS1};
	int64_t s1 = scan(inv, &a, 1), s2 = scan(inv, &b, 1);

	inventory_close(inv);
	assert_int_equal(count_hosts(), 1);
	assert_int_equal(host_at(s1, a.ip), host_at(s2, b.ip));
	assert_string_equal(sql_rows("SELECT address, mac, first_scan, last_scan FROM hosts"),
			    "198.18.1.11|" MAC_PHYS1 "|1|2");
	assert_string_equal(
	    sql_rows("SELECT scan_id, field, old_value, new_value FROM host_changes"),
	    "2|address|198.18.1.10|198.18.1.11");
}

static void test_same_ip_new_mac_new_name(void **state)
{
	inventory_t *inv = open_write();
	seen a = {.ip = LAB_IP(1, 10), .mac = MAC_PHYS1, .hostname = "alpha"};
	seen b = {.ip = LAB_IP(1, 10), .mac = MAC_PHYS2, .hostname = "beta"};
	int64_t s1 = scan(inv, &a, 1), s2 = scan(inv, &b, 1);

	inventory_close(inv);
	assert_int_equal(count_hosts(), 2);
	assert_int_not_equal(host_at(s1, a.ip), host_at(s2, b.ip));
	/* the old host keeps its own history: last seen in scan 1 */
	assert_string_equal(
	    sql_rows("SELECT id, mac, first_scan, last_scan FROM hosts ORDER BY id"),
	    "1|" MAC_PHYS1 "|1|1\n2|" MAC_PHYS2 "|2|2");
	assert_int_equal(sql_int("SELECT count(*) FROM host_changes"), 0);
}

/* A routed host (no MAC): the address alone carries it, until the name
 * says it is another machine. */
static void test_address_only_fallback(void **state)
{
	inventory_t *inv = open_write();
	seen a = {.ip = LAB_IP(2, 10)};
	seen b = {.ip = LAB_IP(2, 10), .hostname = "gamma"};
	seen c = {.ip = LAB_IP(2, 10), .hostname = "delta"};
	int64_t s1 = scan(inv, &a, 1), s2 = scan(inv, &b, 1), s3 = scan(inv, &c, 1);

	inventory_close(inv);
	assert_int_equal(host_at(s1, a.ip), host_at(s2, b.ip));
	assert_int_not_equal(host_at(s2, b.ip), host_at(s3, c.ip));
	assert_int_equal(count_hosts(), 2);
}

static void test_vm_cloned_with_same_name(void **state)
{
	inventory_t *inv = open_write();
	seen orig = {.ip = LAB_IP(1, 10),
		     .mac = MAC_VMW1,
		     .hostname = "web01",
		     .uuid = UUID1,
		     .ssh_key = KEY1,
		     .smb_name = "WEB01",
		     .smb_domain = "LAB"};
	seen both[2] = {orig, orig};
	seen later = {.ip = LAB_IP(1, 12), .mac = MAC_VMW2, .uuid = UUID2};
	int64_t s1, s2, s3;

	/* the clone: same name, same (copied) SSH host key, new MAC and UUID */
	both[1].ip = LAB_IP(1, 11);
	both[1].mac = MAC_VMW2;
	both[1].uuid = UUID2;
	both[1].ssh_status = "new";
	s1 = scan(inv, &orig, 1);
	s2 = scan(inv, both, 2);
	s3 = scan(inv, &later, 1);
	inventory_close(inv);
	assert_int_equal(count_hosts(), 2);
	assert_int_equal(host_at(s1, orig.ip), host_at(s2, both[0].ip));
	assert_int_not_equal(host_at(s2, both[0].ip), host_at(s2, both[1].ip));
	/* the clone keeps its own identity afterwards, by its UUID */
	assert_int_equal(host_at(s3, later.ip), host_at(s2, both[1].ip));
}

/* Even alone in its scan, a clone does not take the original's place. */
static void test_clone_alone_is_new(void **state)
{
	inventory_t *inv = open_write();
	seen orig = {.ip = LAB_IP(1, 10),
		     .mac = MAC_VMW1,
		     .uuid = UUID1,
		     .ssh_key = KEY1,
		     .smb_name = "WEB01",
		     .smb_domain = "LAB"};
	seen clone = {.ip = LAB_IP(1, 11),
		      .mac = MAC_VMW2,
		      .uuid = UUID2,
		      .ssh_key = KEY1,
		      .smb_name = "WEB01",
		      .smb_domain = "LAB"};
	int64_t s1 = scan(inv, &orig, 1), s2 = scan(inv, &clone, 1);

	inventory_close(inv);
	assert_int_not_equal(host_at(s1, orig.ip), host_at(s2, clone.ip));
	assert_int_equal(count_hosts(), 2);
}

static void test_same_uuid_new_mac_and_ip(void **state)
{
	inventory_t *inv = open_write();
	seen a = {.ip = LAB_IP(1, 10), .mac = MAC_PHYS1, .uuid = UUID1, .hostname = "db01"};
	seen b = {.ip = LAB_IP(1, 20), .mac = MAC_PHYS2, .uuid = UUID1, .hostname = "db01"};
	int64_t s1 = scan(inv, &a, 1), s2 = scan(inv, &b, 1);

	inventory_close(inv);
	assert_int_equal(host_at(s1, a.ip), host_at(s2, b.ip));
	/* the provisional host the new MAC got is gone */
	assert_int_equal(count_hosts(), 1);
	assert_string_equal(sql_rows("SELECT address, mac, first_scan, last_scan FROM hosts"),
			    "198.18.1.20|" MAC_PHYS2 "|1|2");
	assert_string_equal(
	    sql_rows("SELECT field, old_value, new_value FROM host_changes ORDER BY field"),
	    "address|198.18.1.10|198.18.1.20\nmac|" MAC_PHYS1 "|" MAC_PHYS2);
	/* every row of scan 2 moved with it */
	assert_int_equal(sql_int("SELECT count(*) FROM facts WHERE scan_id = 2 AND host_id <> 1"),
			 0);
	assert_int_equal(sql_int("SELECT count(*) FROM verdicts WHERE scan_id = 2 AND host_id = 1"),
			 1);
	/* both MACs are keys of the host now */
	assert_string_equal(
	    sql_rows("SELECT value FROM host_keys WHERE kind = 'mac' ORDER BY value"),
	    MAC_PHYS1 "\n" MAC_PHYS2);
	/* the rows were moved and the host dropped by hand (foreign keys are
	 * off while identities are resolved): nothing points nowhere */
	assert_string_equal(sql_rows("PRAGMA foreign_key_check"), "");
}

static void test_ssh_key_across_address_change(void **state)
{
	inventory_t *inv = open_write();
	seen a = {.ip = LAB_IP(3, 10), .ssh_key = KEY1, .hostname = "bastion"};
	seen b = {.ip = LAB_IP(3, 30), .ssh_key = KEY1, .hostname = "bastion"};
	int64_t s1 = scan(inv, &a, 1), s2 = scan(inv, &b, 1);

	inventory_close(inv);
	assert_int_equal(host_at(s1, a.ip), host_at(s2, b.ip));
	assert_int_equal(count_hosts(), 1);
}

static void test_changed_ssh_key_does_not_merge(void **state)
{
	inventory_t *inv = open_write();
	seen a = {.ip = LAB_IP(3, 10), .ssh_key = KEY1};
	seen b = {.ip = LAB_IP(3, 40), .ssh_key = KEY1, .ssh_status = "changed"};
	int64_t s1 = scan(inv, &a, 1), s2 = scan(inv, &b, 1);

	inventory_close(inv);
	assert_int_not_equal(host_at(s1, a.ip), host_at(s2, b.ip));
	assert_int_equal(count_hosts(), 2);
	/* the changed key is an event, and never a key of the host */
	assert_string_equal(sql_rows("SELECT scan_id, host_id = (SELECT host_id FROM host_scans"
				     " WHERE scan_id = 2), kind, detail FROM events"),
			    "2|1|ssh.hostkey_changed|old SHA256:old new " KEY1);
	assert_int_equal(sql_int("SELECT count(*) FROM host_keys WHERE kind = 'ssh'"), 1);
}

static void test_virtual_mac_reused_by_another_machine(void **state)
{
	inventory_t *inv = open_write();
	seen a = {.ip = LAB_IP(4, 10), .mac = MAC_QEMU, .uuid = UUID1};
	seen b = {.ip = LAB_IP(4, 11), .mac = MAC_QEMU, .uuid = UUID2};
	seen c = {.ip = LAB_IP(4, 12), .mac = MAC_QEMU, .hostname = "vm-a"};
	seen d = {.ip = LAB_IP(4, 13), .mac = MAC_QEMU, .hostname = "vm-b"};
	int64_t s1 = scan(inv, &a, 1), s2 = scan(inv, &b, 1);
	sqlite3_stmt *st = NULL;
	int64_t s3, s4;

	/* enforcement is back on for the connection once the scan is done */
	assert_int_equal(
	    sqlite3_prepare_v2(inventory_sqlite(inv), "PRAGMA foreign_keys", -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 1);
	sqlite3_finalize(st);
	assert_int_not_equal(host_at(s1, a.ip), host_at(s2, b.ip));
	assert_string_equal(sql_rows("PRAGMA foreign_key_check"), "");
	/* store.c matched it by MAC first: host 1 must be back as it was */
	assert_string_equal(sql_rows("SELECT id, address, last_scan FROM hosts ORDER BY id"),
			    "1|198.18.4.10|1\n2|198.18.4.11|2");
	/* with no UUID, a different name keeps a virtual MAC apart too (each
	 * may join one of the two hosts above: nothing contradicts that) */
	s3 = scan(inv, &c, 1);
	s4 = scan(inv, &d, 1);
	inventory_close(inv);
	assert_int_not_equal(host_at(s3, c.ip), host_at(s4, d.ip));
	assert_int_equal(count_hosts(), 2);
}

/* A virtual MAC alone still carries a host whose name did not change. */
static void test_virtual_mac_same_name_merges(void **state)
{
	inventory_t *inv = open_write();
	seen a = {.ip = LAB_IP(4, 20), .mac = MAC_VMW1, .hostname = "app01"};
	seen b = {.ip = LAB_IP(4, 21), .mac = MAC_VMW1, .hostname = "app01"};
	int64_t s1 = scan(inv, &a, 1), s2 = scan(inv, &b, 1);

	inventory_close(inv);
	assert_int_equal(host_at(s1, a.ip), host_at(s2, b.ip));
	assert_int_equal(count_hosts(), 1);
}

static void test_smb_name_when_mac_unknown(void **state)
{
	inventory_t *inv = open_write();
	seen a = {.ip = LAB_IP(5, 10), .smb_name = "FILESRV", .smb_domain = "CORP"};
	seen b = {.ip = LAB_IP(5, 50), .smb_name = "filesrv", .smb_domain = "corp"};
	seen c = {.ip = LAB_IP(5, 60), .smb_name = "FILESRV", .smb_domain = "OTHER"};
	int64_t s1 = scan(inv, &a, 1), s2 = scan(inv, &b, 1), s3 = scan(inv, &c, 1);

	inventory_close(inv);
	assert_int_equal(host_at(s1, a.ip), host_at(s2, b.ip));
	assert_int_not_equal(host_at(s2, b.ip), host_at(s3, c.ip));
	assert_int_equal(count_hosts(), 2);
	assert_string_equal(
	    sql_rows("SELECT value FROM host_keys WHERE kind = 'smb' ORDER BY value"),
	    "FILESRV\\CORP\nFILESRV\\OTHER");
}

static void test_snmp_engine_id(void **state)
{
	inventory_t *inv = open_write();
	seen a = {.ip = LAB_IP(6, 10), .snmp_engine = "80001f88807c0a7b3b5f6e1c6500000000"};
	seen b = {.ip = LAB_IP(6, 60), .snmp_engine = "80001f88807c0a7b3b5f6e1c6500000000"};
	seen c = {.ip = LAB_IP(6, 70), .snmp_engine = "0000000000"};
	seen d = {.ip = LAB_IP(6, 80), .snmp_engine = "0000000000"};
	int64_t s1 = scan(inv, &a, 1), s2 = scan(inv, &b, 1);
	int64_t s3 = scan(inv, &c, 1), s4 = scan(inv, &d, 1);

	inventory_close(inv);
	assert_int_equal(host_at(s1, a.ip), host_at(s2, b.ip));
	/* an all-zero engine id is no key */
	assert_int_not_equal(host_at(s3, c.ip), host_at(s4, d.ip));
	assert_int_equal(count_hosts(), 3);
}

static void test_junk_serial_does_not_merge(void **state)
{
	inventory_t *inv = open_write();
	seen a = {.ip = LAB_IP(7, 10),
		  .serial = "To be filled by O.E.M.",
		  .uuid = "00000000-0000-0000-0000-000000000000"};
	seen b = {.ip = LAB_IP(7, 20),
		  .serial = "To be filled by O.E.M.",
		  .uuid = "00000000-0000-0000-0000-000000000000"};
	seen c = {.ip = LAB_IP(7, 30), .serial = "CZJ12345AB"};
	seen d = {.ip = LAB_IP(7, 40), .serial = "CZJ12345AB"};
	int64_t s1 = scan(inv, &a, 1), s2 = scan(inv, &b, 1);
	int64_t s3 = scan(inv, &c, 1), s4 = scan(inv, &d, 1);

	inventory_close(inv);
	assert_int_not_equal(host_at(s1, a.ip), host_at(s2, b.ip));
	assert_int_equal(host_at(s3, c.ip), host_at(s4, d.ip));
	assert_int_equal(sql_int("SELECT count(*) FROM host_keys WHERE kind IN ('uuid', 'serial')"),
			 1);
}

/* Two hosts swap their addresses between scans (DHCP): the MACs win. */
static void test_two_hosts_swap_addresses(void **state)
{
	inventory_t *inv = open_write();
	seen first[2] = {{.ip = LAB_IP(8, 10), .mac = MAC_PHYS1},
			 {.ip = LAB_IP(8, 11), .mac = MAC_PHYS2}};
	seen second[2] = {{.ip = LAB_IP(8, 10), .mac = MAC_PHYS2},
			  {.ip = LAB_IP(8, 11), .mac = MAC_PHYS1}};
	int64_t s1 = scan(inv, first, 2), s2 = scan(inv, second, 2);

	inventory_close(inv);
	assert_int_equal(count_hosts(), 2);
	assert_int_equal(host_at(s1, LAB_IP(8, 10)), host_at(s2, LAB_IP(8, 11)));
	assert_int_equal(host_at(s1, LAB_IP(8, 11)), host_at(s2, LAB_IP(8, 10)));
}

/* A discovery-only scan never records facts: identity by MAC still. */
static void test_discovery_only_scan(void **state)
{
	inventory_t *inv = open_write();
	seen a = {.ip = LAB_IP(9, 10), .mac = MAC_PHYS1, .uuid = UUID1};
	seen b = {.ip = LAB_IP(9, 99), .mac = MAC_PHYS1};
	int64_t s1 = scan(inv, &a, 1), s2 = scan_with(inv, &b, 1, false);

	inventory_close(inv);
	assert_int_equal(host_at(s1, a.ip), host_at(s2, b.ip));
	assert_string_equal(sql_rows("SELECT field, new_value FROM host_changes"),
			    "address|198.18.9.99");
}

/* ---- change log, first/last seen ------------------------------------------- */

static void test_change_log_hostname_and_os(void **state)
{
	inventory_t *inv = NULL;
	seen a = {.ip = LAB_IP(1, 10),
		  .mac = MAC_PHYS1,
		  .hostname = "alpha",
		  .os_name = "Ubuntu",
		  .os_version = "20.04"};
	seen b = {.ip = LAB_IP(1, 10),
		  .mac = MAC_PHYS1,
		  .hostname = "alpha2",
		  .os_name = "Ubuntu",
		  .os_version = "22.04"};
	seen c = {.ip = LAB_IP(1, 10), .mac = MAC_PHYS1}; /* no fingerprint this time */
	host_history h;
	int64_t s2;

	inv = open_write();
	scan(inv, &a, 1);
	s2 = scan(inv, &b, 1);
	scan_with(inv, &c, 1, false);
	assert_string_equal(sql_rows("SELECT scan_id, field, old_value, new_value FROM host_changes"
				     " ORDER BY id"),
			    "2|hostname|alpha|alpha2\n2|os.version|20.04|22.04");
	inventory_close(inv);

	/* the read API: newest first, with the scans' times */
	assert_int_equal(inventory_open(dbpath, INV_READONLY, &inv), 0);
	assert_int_equal(query_host_history(inv, host_at(s2, b.ip), 0, &h), 0);
	assert_int_equal(h.scans, 3);
	assert_int_equal(h.first_scan, 1);
	assert_int_equal(h.last_scan, 3);
	assert_int_equal(h.nrows, 2);
	assert_string_equal(h.rows[0].kind, "change");
	assert_string_equal(h.rows[0].field, "hostname");
	assert_string_equal(h.rows[0].old_value, "alpha");
	assert_string_equal(h.rows[0].new_value, "alpha2");
	assert_int_equal(h.rows[0].scan_id, 2);
	assert_true(h.rows[0].at > 0);
	query_host_history_free(&h);
	assert_int_equal(query_host_history(inv, host_at(s2, b.ip), 1, &h), 0);
	assert_int_equal(h.nrows, 1);
	assert_true(h.truncated);
	query_host_history_free(&h);
	assert_int_equal(query_host_history(inv, 999, 0, &h), NC_ERR_NOT_FOUND);
	inventory_close(inv);
}

static void test_first_last_seen(void **state)
{
	inventory_t *inv = open_write();
	seen a = {.ip = LAB_IP(1, 10), .mac = MAC_PHYS1, .uuid = UUID1};
	seen other = {.ip = LAB_IP(1, 99), .mac = MAC_PHYS2};
	seen moved = {.ip = LAB_IP(1, 77), .mac = MAC_VMW1, .uuid = UUID1};
	int64_t id;

	scan(inv, &a, 1);
	scan(inv, &a, 1);
	scan(inv, &other, 1);
	scan(inv, &moved, 1);
	inventory_close(inv);
	id = host_at(1, a.ip);
	assert_int_equal(host_at(4, moved.ip), id);
	assert_string_equal(
	    sql_rows("SELECT first_scan, last_scan, address,"
		     " first_seen = (SELECT seen_at FROM host_scans WHERE scan_id = 1),"
		     " last_seen = (SELECT seen_at FROM host_scans WHERE scan_id = 4)"
		     " FROM hosts WHERE id = 1"),
	    "1|4|198.18.1.77|1|1");
	assert_string_equal(sql_rows("SELECT first_scan, last_scan FROM hosts WHERE id = 2"),
			    "3|3");
}

/* A scan whose process died is resolved when the next scan closes it. */
static void test_dead_scan_resolved_by_next(void **state)
{
	inventory_t *inv = open_write();
	seen a = {.ip = LAB_IP(1, 10), .mac = MAC_PHYS1, .uuid = UUID1};
	seen b = {.ip = LAB_IP(1, 20), .mac = MAC_PHYS2, .uuid = UUID1};
	host_facts f, *fp = &f;
	results_t *res = results_new();
	uint8_t mac[6];
	int64_t dead = 0;

	scan(inv, &a, 1);
	parse_mac(b.mac, mac);
	assert_int_equal(
	    results_record(res, b.ip, REASON_ARP_RESPONSE, 64, 100, mac, MAC_SRC_ARP, true), 0);
	facts_for(&f, &b);
	assert_int_equal(inventory_begin_scan(inv, &test_meta, &dead), 0);
	assert_int_equal(inventory_record_results(inv, dead, res), 0);
	assert_int_equal(inventory_record_facts(inv, dead, &fp, 1), 0);
	inventory_close(inv); /* "dies": the lock goes, the row stays running */
	assert_int_equal(count_hosts(), 2);

	inv = open_write();
	scan(inv, NULL, 0);
	inventory_close(inv);
	assert_string_equal(sql_rows("SELECT status FROM scans WHERE id = 2"), "interrupted");
	assert_int_equal(host_at(dead, b.ip), 1);
	assert_int_equal(count_hosts(), 1);
	host_facts_clear(&f);
	results_free(res);
}

/* ---- migration ---------------------------------------------------------------- */

/* The v3 fixture of show.test, turned back into the schema 2 database it
 * was before identity. */
static void load_v2_fixture(void)
{
	char path[512], *sql;
	FILE *f;
	long len;

	snprintf(path, sizeof(path), "%s/inventory/show-fixture.sql", NC_TEST_DATA);
	assert_non_null(f = fopen(path, "r"));
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	assert_true((len = ftell(f)) > 0);
	rewind(f);
	assert_non_null(sql = calloc(1, (size_t)len + 1));
	assert_int_equal(fread(sql, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	raw_exec(sql);
	free(sql);
	raw_exec("DROP TABLE host_keys; DROP TABLE host_changes; DROP TABLE events;"
		 " DROP INDEX hosts_first_scan; DROP INDEX hosts_last_scan;"
		 " ALTER TABLE software DROP COLUMN arch;"
		 " ALTER TABLE software DROP COLUMN size_bytes;"
		 " INSERT INTO facts VALUES (2, 2, 'hw.serial', 'PHBQ123456', 'snmp', 85);"
		 " INSERT INTO facts VALUES (2, 2, 'hw.uuid', 'Not Specified', 'snmp', 85);"
		 " PRAGMA user_version = 2;");
}

static void test_migrate_v2(void **state)
{
	inventory_t *inv = NULL;
	host_history h;
	seen moved = {.ip = LAB_IP(1, 99), .mac = "00:50:56:12:01:0a", .hostname = "web01"};
	seen printer = {.ip = LAB_IP(1, 98), .serial = "PHBQ123456"};
	int64_t s;

	load_v2_fixture();
	/* a reader reads schema 2 as it is, without the change log */
	assert_int_equal(inventory_open(dbpath, INV_READONLY, &inv), 0);
	assert_int_equal(inventory_schema_version(inv), 2);
	assert_int_equal(query_host_history(inv, 1, 0, &h), 0);
	assert_int_equal(h.nrows, 0);
	assert_int_equal(h.scans, 3);
	query_host_history_free(&h);
	inventory_close(inv);
	assert_int_equal(sql_int("PRAGMA user_version"), 2);

	/* a writer migrates, and backfills each host's keys */
	inv = open_write();
	assert_int_equal(inventory_schema_version(inv), INVENTORY_SCHEMA_VERSION);
	assert_int_equal(sql_int("PRAGMA user_version"), INVENTORY_SCHEMA_VERSION);
	assert_string_equal(sql_rows("SELECT host_id, kind, value, first_scan, last_scan"
				     " FROM host_keys ORDER BY host_id, kind, value"),
			    "1|hostname|web01|2|2\n"
			    "1|mac|00:50:56:12:01:0a|1|3\n"
			    "2|hostname|prn01|2|2\n"
			    "2|mac|02:00:c6:12:01:14|2|2\n"
			    "2|serial|PHBQ123456|2|2");
	assert_int_equal(sql_int("SELECT count(*) FROM host_changes"), 0);
	/* every schema 2 row is still there */
	assert_int_equal(sql_int("SELECT count(*) FROM host_scans"), 5);
	assert_int_equal(sql_int("SELECT count(*) FROM facts"), 18);

	/* and the old hosts are found by their keys: web01 by its MAC at a
	 * new address, the printer by its serial from a routed scan */
	s = scan(inv, (seen[]){moved, printer}, 2);
	inventory_close(inv);
	assert_int_equal(host_at(s, moved.ip), 1);
	assert_int_equal(host_at(s, printer.ip), 2);
	assert_string_equal(sql_rows("SELECT status FROM scans WHERE id = 3"), "interrupted");
	assert_int_equal(count_hosts(), 3);
}

/* ---- prune ---------------------------------------------------------------------- */

static void test_prune(void **state)
{
	inventory_t *inv = open_write();
	seen old_only = {.ip = LAB_IP(1, 10), .mac = MAC_PHYS1, .hostname = "old"};
	seen stays[2] = {{.ip = LAB_IP(1, 20), .mac = MAC_PHYS2, .hostname = "a"},
			 {.ip = LAB_IP(1, 21), .mac = MAC_VMW1, .hostname = "b"}};
	prune_report p;

	scan(inv, (seen[]){old_only, stays[0]}, 2); /* 1 */
	stays[0].hostname = "a2";		    /* a change in scan 2 */
	scan(inv, (seen[]){old_only, stays[0]}, 2); /* 2 */
	scan(inv, stays, 2);			    /* 3 */
	scan(inv, stays, 2);			    /* 4 */
	raw_exec("UPDATE scans SET status = 'failed' WHERE id = 3");

	assert_int_equal(inventory_prune(inv, 0, false, &p), NC_ERR_INVALID);
	/* nothing to do with fewer complete scans than asked to keep */
	assert_int_equal(inventory_prune(inv, 10, false, &p), 0);
	assert_int_equal(p.nscans, 0);
	assert_int_equal(p.oldest_kept, 0);
	prune_report_free(&p);

	/* keep 1 complete (4): 3 is failed and older, so 1-3 go */
	assert_int_equal(inventory_prune(inv, 1, true, &p), 0);
	assert_int_equal(p.nscans, 3);
	assert_int_equal(p.scan_ids[0], 1);
	assert_int_equal(p.scan_ids[2], 3);
	assert_int_equal(p.oldest_kept, 4);
	assert_int_equal(p.hosts, 1);
	assert_int_equal(p.observations, 6);
	assert_int_equal(p.changes, 1);
	prune_report_free(&p);
	assert_int_equal(sql_int("SELECT count(*) FROM scans"), 4); /* a dry run */

	/* keep 2 complete: 2 and 4, and 3 between them */
	assert_int_equal(inventory_prune(inv, 2, false, &p), 0);
	assert_int_equal(p.nscans, 1);
	assert_int_equal(p.scan_ids[0], 1);
	assert_int_equal(p.hosts, 0);
	prune_report_free(&p);
	assert_string_equal(sql_rows("SELECT id FROM scans ORDER BY id"), "2\n3\n4");
	assert_int_equal(sql_int("SELECT count(*) FROM host_scans WHERE scan_id = 1"), 0);
	/* first_scan pointed at scan 1: NULL now, first_seen kept */
	assert_string_equal(sql_rows("SELECT id, first_scan, last_scan, first_seen > 0 FROM hosts"
				     " ORDER BY id"),
			    "1|NULL|2|1\n2|NULL|4|1\n3|3|4|1");

	/* keep 1: 2 and 3 go, and "old", seen only there, with its keys */
	assert_int_equal(inventory_prune(inv, 1, false, &p), 0);
	assert_int_equal(p.nscans, 2);
	assert_int_equal(p.hosts, 1);
	assert_int_equal(p.changes, 1);
	prune_report_free(&p);
	assert_string_equal(sql_rows("SELECT id FROM scans"), "4");
	assert_string_equal(sql_rows("SELECT id FROM hosts ORDER BY id"), "2\n3");
	assert_int_equal(sql_int("SELECT count(*) FROM host_keys WHERE host_id = 1"), 0);
	assert_int_equal(sql_int("SELECT count(*) FROM host_changes"), 0);
	assert_int_equal(sql_int("SELECT count(*) FROM facts WHERE scan_id <> 4"), 0);
	assert_int_equal(sql_int("SELECT count(*) FROM verdicts WHERE scan_id <> 4"), 0);
	assert_string_equal(sql_rows("PRAGMA foreign_key_check"), "");
	/* still an inventory that identifies: host 2 is found again */
	assert_int_equal(host_at(scan(inv, stays, 1), stays[0].ip), 2);
	inventory_close(inv);
}

static void test_prune_refused_while_scanning(void **state)
{
	inventory_t *inv = open_write(), *other = NULL;
	seen a = {.ip = LAB_IP(1, 10), .mac = MAC_PHYS1};
	prune_report p;
	int64_t running = 0;

	scan(inv, &a, 1);
	scan(inv, &a, 1);
	assert_int_equal(inventory_begin_scan(inv, &test_meta, &running), 0);
	other = open_write();
	assert_int_equal(inventory_prune(other, 1, false, &p), NC_ERR_BUSY);
	assert_non_null(strstr(nc_errmsg(NC_ERR_BUSY), "being written by scan 3"));
	assert_int_equal(sql_int("SELECT count(*) FROM scans"), 3);
	/* a dry run only reads, so it may look */
	assert_int_equal(inventory_prune(other, 1, true, &p), 0);
	assert_int_equal(p.nscans, 1);
	prune_report_free(&p);
	assert_int_equal(inventory_finish_scan(inv, running, "complete", NULL), 0);

	/* once it ended: keep 1 complete (3), the rest goes */
	assert_int_equal(inventory_prune(other, 1, false, &p), 0);
	assert_int_equal(p.nscans, 2);
	prune_report_free(&p);
	inventory_close(other);
	inventory_close(inv);
}

/* A scan still marked running (its process died) is never pruned. */
static void test_prune_keeps_running_scan(void **state)
{
	inventory_t *inv = open_write();
	seen a = {.ip = LAB_IP(1, 10), .mac = MAC_PHYS1};
	seen b = {.ip = LAB_IP(1, 11), .mac = MAC_PHYS2};
	prune_report p;

	scan(inv, &a, 1);
	scan(inv, &b, 1);
	scan(inv, &a, 1);
	raw_exec("UPDATE scans SET status = 'running', finished_at = NULL WHERE id = 2");
	assert_int_equal(inventory_prune(inv, 1, false, &p), 0);
	assert_int_equal(p.nscans, 1);
	assert_int_equal(p.scan_ids[0], 1);
	prune_report_free(&p);
	assert_string_equal(sql_rows("SELECT id, status FROM scans ORDER BY id"),
			    "2|running\n3|complete");
	assert_int_equal(count_hosts(), 2);
	inventory_close(inv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_keys_refuse_junk),
	    cmocka_unit_test_setup(test_same_mac_new_ip, test_setup),
	    cmocka_unit_test_setup(test_same_ip_new_mac_new_name, test_setup),
	    cmocka_unit_test_setup(test_address_only_fallback, test_setup),
	    cmocka_unit_test_setup(test_vm_cloned_with_same_name, test_setup),
	    cmocka_unit_test_setup(test_clone_alone_is_new, test_setup),
	    cmocka_unit_test_setup(test_same_uuid_new_mac_and_ip, test_setup),
	    cmocka_unit_test_setup(test_ssh_key_across_address_change, test_setup),
	    cmocka_unit_test_setup(test_changed_ssh_key_does_not_merge, test_setup),
	    cmocka_unit_test_setup(test_virtual_mac_reused_by_another_machine, test_setup),
	    cmocka_unit_test_setup(test_virtual_mac_same_name_merges, test_setup),
	    cmocka_unit_test_setup(test_smb_name_when_mac_unknown, test_setup),
	    cmocka_unit_test_setup(test_snmp_engine_id, test_setup),
	    cmocka_unit_test_setup(test_junk_serial_does_not_merge, test_setup),
	    cmocka_unit_test_setup(test_two_hosts_swap_addresses, test_setup),
	    cmocka_unit_test_setup(test_discovery_only_scan, test_setup),
	    cmocka_unit_test_setup(test_change_log_hostname_and_os, test_setup),
	    cmocka_unit_test_setup(test_first_last_seen, test_setup),
	    cmocka_unit_test_setup(test_dead_scan_resolved_by_next, test_setup),
	    cmocka_unit_test_setup(test_migrate_v2, test_setup),
	    cmocka_unit_test_setup(test_prune, test_setup),
	    cmocka_unit_test_setup(test_prune_refused_while_scanning, test_setup),
	    cmocka_unit_test_setup(test_prune_keeps_running_scan, test_setup),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
