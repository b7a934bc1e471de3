#include "config.h"

/*
 * snmp.c — what SNMP agents tell about their hosts (see snmp.h).
 *
 * A bounded pool of cfg->workers threads takes hosts from a shared index.
 * For one host, each [snmp] credential that applies to its address is tried
 * in file order: a session is opened (v3: engine discovery, keys from the
 * passphrases) and the system group is read with one GET. The first
 * credential that gets an answer wins; each one that did not is recorded as
 * an snmp.error fact "SECTION: reason" (timeout, unknown user name, wrong
 * digest, ...) — the section name, never the secret. Once a v3 engine
 * discovery has gone unanswered, the host's other v3 credentials are
 * skipped: every v3 agent answers discovery, whatever the user.
 *
 * Then, through the winning session (snmp_walk.c does GETBULK or GETNEXT):
 *   system group      snmp.sysDescr/sysObjectID/sysName/sysLocation/
 *                     sysContact, snmp.sysUpTime (seconds), host.name;
 *                     sysDescr and sysObjectID through the recog rules
 *                     (snmp.sys_description, snmp.sys_object_id) into
 *                     os.*, hw.vendor, hw.model, device.type
 *   IF-MIB ifTable    hardware "nic": name = ifDescr, extra name, mac,
 *                     type, speed, status and addr (from IP-MIB
 *                     ipAddrTable and ipAddressTable, "a.b.c.d/len")
 *   HOST-RESOURCES    hrSystemUptime/NumUsers/Processes as snmp.hr* facts;
 *                     hrMemorySize -> hw.memory_bytes; hrStorageTable ->
 *                     "memory" (RAM, virtual) and "storage" (disks) with
 *                     size and used bytes; hrProcessorTable with the
 *                     hrDeviceTable descriptions -> "cpu" (extra load=N),
 *                     hw.cpu.count, hw.cpu.model; other hrDevice rows ->
 *                     "device"; hrSWInstalledTable -> software, install
 *                     date from DateAndTime; hrSWRunTable -> snmp.processes
 *                     (the count only: process names change every scan)
 *   ENTITY-MIB        entPhysicalTable -> "entity" for chassis, modules,
 *                     stacks, CPUs, power supplies, drives and anything
 *                     with a model or serial (ports and sensors would
 *                     drown the rest); the first chassis gives hw.vendor,
 *                     hw.model, hw.serial
 *   Printer-MIB       prtGeneralPrinterName/SerialNumber,
 *                     prtMarkerLifeCount, hrPrinterStatus -> "printer"
 *                     (extra status, pages) and device.type = printer
 *
 * Software names: see snmp_split_package() — Debian "name_version_arch"
 * and rpm "name-version-release" are split, anything else is kept whole.
 *
 * Each walk is capped at cfg->max_rows rows and stops on an OID that does
 * not increase; those, and agent errors, become snmp.error facts
 * ("walk TABLE: reason") and the next table is tried. A timeout mid-way
 * ends the host: an agent that went silent would cost a timeout per table.
 */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprint/snmp.h"
#include "fingerprint/snmp_util.h"
#include "fingerprint/snmp_walk.h"
#include "util/compat.h"
#include "util/err.h"

/* Confidence of what we report. The agent's own words about itself are
 * close to certain; what the rules infer from them less so. */
#define CONF_RAW 90
#define CONF_ENTITY 85
#define CONF_RULE 75
#define CONF_NAME 70
#define CONF_PRINTER 70

#define DEFAULT_MAX_ROWS 10000
#define MAX_WORKERS 256

#define OIDLEN(a) ARRAY_SIZE(a)

/* system group scalars, in the order of the GET */
static const snmp_subid oid_sysDescr[] = {1, 3, 6, 1, 2, 1, 1, 1, 0};
static const snmp_subid oid_sysObjectID[] = {1, 3, 6, 1, 2, 1, 1, 2, 0};
static const snmp_subid oid_sysUpTime[] = {1, 3, 6, 1, 2, 1, 1, 3, 0};
static const snmp_subid oid_sysContact[] = {1, 3, 6, 1, 2, 1, 1, 4, 0};
static const snmp_subid oid_sysName[] = {1, 3, 6, 1, 2, 1, 1, 5, 0};
static const snmp_subid oid_sysLocation[] = {1, 3, 6, 1, 2, 1, 1, 6, 0};

static const snmp_subid oid_hrSystemUptime[] = {1, 3, 6, 1, 2, 1, 25, 1, 1, 0};
static const snmp_subid oid_hrSystemNumUsers[] = {1, 3, 6, 1, 2, 1, 25, 1, 5, 0};
static const snmp_subid oid_hrSystemProcesses[] = {1, 3, 6, 1, 2, 1, 25, 1, 6, 0};
static const snmp_subid oid_hrMemorySize[] = {1, 3, 6, 1, 2, 1, 25, 2, 2, 0};

/* table entries */
static const snmp_subid oid_ifEntry[] = {1, 3, 6, 1, 2, 1, 2, 2, 1};
static const snmp_subid oid_ipAddrEntry[] = {1, 3, 6, 1, 2, 1, 4, 20, 1};
static const snmp_subid oid_ipAddressEntry[] = {1, 3, 6, 1, 2, 1, 4, 34, 1};
static const snmp_subid oid_hrStorageEntry[] = {1, 3, 6, 1, 2, 1, 25, 2, 3, 1};
static const snmp_subid oid_hrDeviceEntry[] = {1, 3, 6, 1, 2, 1, 25, 3, 2, 1};
static const snmp_subid oid_hrProcessorEntry[] = {1, 3, 6, 1, 2, 1, 25, 3, 3, 1};
static const snmp_subid oid_hrPrinterEntry[] = {1, 3, 6, 1, 2, 1, 25, 3, 5, 1};
static const snmp_subid oid_hrSWRunEntry[] = {1, 3, 6, 1, 2, 1, 25, 4, 2, 1};
static const snmp_subid oid_hrSWInstalledEntry[] = {1, 3, 6, 1, 2, 1, 25, 6, 3, 1};
static const snmp_subid oid_entPhysicalEntry[] = {1, 3, 6, 1, 2, 1, 47, 1, 1, 1, 1};
static const snmp_subid oid_prtGeneralEntry[] = {1, 3, 6, 1, 2, 1, 43, 5, 1, 1};
static const snmp_subid oid_prtMarkerEntry[] = {1, 3, 6, 1, 2, 1, 43, 10, 2, 1};

/* prefixes of the values of hrStorageType and hrDeviceType */
static const snmp_subid oid_hrStorageTypes[] = {1, 3, 6, 1, 2, 1, 25, 2, 1};
static const snmp_subid oid_hrDeviceTypes[] = {1, 3, 6, 1, 2, 1, 25, 3, 1};

#define IFTYPE_SOFTWARE_LOOPBACK 24
#define HRDEV_PROCESSOR 3
#define HRDEV_PRINTER 5
#define ENT_CHASSIS 3

/* One host's conversation. */
typedef struct {
	const snmp_config *cfg;
	host_facts *h;
	snmp_conn conn;
	size_t max_rows;
	bool dead;    /* timed out or stopped: no more requests */
	bool printer; /* some table says this is a printer */
} collector;

/* ------------------------------------------------------------- helpers */

static void add_fact(collector *k, int conf, const char *key, const char *value)
{
	if (value != NULL && value[0] != '\0')
		host_facts_add(k->h, FACT_SRC_SNMP, conf, key, value);
}

static void error_fact(collector *k, const char *what, const char *why)
{
	host_facts_addf(k->h, FACT_SRC_SNMP, CONF_RAW, "snmp.error", "%s: %s", what, why);
}

/* "key=value;key=value", bounded; a ';' inside a value becomes ','. */
typedef struct {
	char s[1024];
	size_t len;
} extra_buf;

static void extra_add(extra_buf *e, const char *key, const char *val)
{
	size_t need, klen;

	if (val == NULL || val[0] == '\0')
		return;
	klen = strlen(key);
	need = (e->len > 0) + klen + 1 + strlen(val);
	if (e->len + need >= sizeof(e->s))
		return;
	if (e->len > 0)
		e->s[e->len++] = ';';
	memcpy(e->s + e->len, key, klen);
	e->len += klen;
	e->s[e->len++] = '=';
	for (const char *p = val; *p != '\0'; p++)
		e->s[e->len++] = *p == ';' ? ',' : *p;
	e->s[e->len] = '\0';
}

static void extra_addf(extra_buf *e, const char *key, long long v)
{
	char num[32];

	snprintf(num, sizeof(num), "%lld", v);
	extra_add(e, key, num);
}

static const char *cell_str(const snmp_row *r, size_t col)
{
	return r != NULL ? snmp_value_str(&r->cells[col]) : NULL;
}

static int64_t cell_num(const snmp_row *r, size_t col, int64_t dflt)
{
	return r != NULL ? snmp_value_num(&r->cells[col], dflt) : dflt;
}

/* Last sub-identifier of an OBJECT IDENTIFIER value under prefix, or 0. */
static snmp_subid cell_oid_code(const snmp_row *r, size_t col, const snmp_subid *prefix,
				size_t plen)
{
	const snmp_value *v = &r->cells[col];

	if (v->oid == NULL || v->oid_len != plen + 1 ||
	    !snmp_oid_under(prefix, plen, v->oid, v->oid_len))
		return 0;
	return v->oid[plen];
}

/* Walk one table; failures become facts. False when nothing was read. */
static bool walk(collector *k, const char *what, const snmp_subid *entry, size_t elen,
		 const unsigned *cols, size_t ncols, snmp_table *t)
{
	snmpw_status st;
	char label[64];

	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	if (k->dead)
		return false;
	snprintf(label, sizeof(label), "walk %s", what);
	st = snmp_walk_table(&k->conn, entry, elen, cols, ncols, k->max_rows, t);
	if (st != SNMPW_OK) {
		if (st != SNMPW_STOPPED)
			error_fact(k, label, k->conn.why);
		if (st == SNMPW_TIMEOUT || st == SNMPW_STOPPED || st == SNMPW_NOMEM)
			k->dead = true;
	}
	if (t->problem != NULL)
		error_fact(k, label, t->problem);
	return t->nrows > 0;
}

/* ---------------------------------------------------------- system group */

static void apply_rule(collector *k, const char *db, const char *text)
{
	static const struct {
		const char *param, *fact;
	} map[] = {
	    {"os.family", "os.family"},
	    {"os.product", "os.name"},
	    {"os.version", "os.version"},
	    {"os.build", "os.build"},
	    {"os.edition", "os.edition"},
	    {"os.vendor", "os.vendor"},
	    {"os.distribution", "os.distribution"},
	    {"os.arch", "os.arch"},
	    {"hw.vendor", "hw.vendor"},
	    {"hw.product", "hw.model"},
	    {"hw.serial", "hw.serial"},
	};
	rule_params p;
	const char *dev;

	if (k->cfg->rules == NULL || text == NULL || text[0] == '\0')
		return;
	memset(&p, 0, sizeof(p));
	if (!rules_match(k->cfg->rules, db, text, &p))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		add_fact(k, CONF_RULE, map[i].fact, rule_param(&p, map[i].param));
	if ((dev = snmp_device_type(rule_param(&p, "hw.device"))) != NULL)
		add_fact(k, CONF_RULE, "device.type", dev);
}

/* The facts of an answered system-group GET (order of sys_oids). */
static void system_facts(collector *k, const snmp_value *v)
{
	char buf[512];
	const char *descr = snmp_value_str(&v[0]), *name = snmp_value_str(&v[4]);

	add_fact(k, CONF_RAW, "snmp.sysDescr", descr);
	if (v[1].oid != NULL) {
		snmp_oid_format(v[1].oid, v[1].oid_len, buf, sizeof(buf));
		add_fact(k, CONF_RAW, "snmp.sysObjectID", buf);
		apply_rule(k, "snmp.sys_object_id", buf);
	}
	if (v[2].type != 0 && !v[2].missing)
		host_facts_addf(k->h, FACT_SRC_SNMP, CONF_RAW, "snmp.sysUpTime", "%lld",
				(long long)(v[2].num / 100));
	add_fact(k, CONF_RAW, "snmp.sysContact", snmp_value_str(&v[3]));
	add_fact(k, CONF_RAW, "snmp.sysName", name);
	add_fact(k, CONF_NAME, "host.name", name);
	add_fact(k, CONF_RAW, "snmp.sysLocation", snmp_value_str(&v[5]));
	apply_rule(k, "snmp.sys_description", descr);
}

static void hr_scalars(collector *k)
{
	static const snmp_subid *const oids[] = {oid_hrSystemUptime, oid_hrSystemNumUsers,
						 oid_hrSystemProcesses, oid_hrMemorySize};
	static const size_t lens[] = {OIDLEN(oid_hrSystemUptime), OIDLEN(oid_hrSystemNumUsers),
				      OIDLEN(oid_hrSystemProcesses), OIDLEN(oid_hrMemorySize)};
	snmp_value v[ARRAY_SIZE(oids)];
	snmpw_status st;
	int64_t n;

	if (k->dead)
		return;
	if ((st = snmp_conn_get(&k->conn, oids, lens, ARRAY_SIZE(oids), v)) != SNMPW_OK) {
		if (st != SNMPW_STOPPED)
			error_fact(k, "get hrSystem", k->conn.why);
		if (st == SNMPW_TIMEOUT || st == SNMPW_STOPPED)
			k->dead = true;
		return;
	}
	if ((n = snmp_value_num(&v[0], -1)) >= 0)
		host_facts_addf(k->h, FACT_SRC_SNMP, CONF_RAW, "snmp.hrSystemUptime", "%lld",
				(long long)(n / 100));
	if ((n = snmp_value_num(&v[1], -1)) >= 0)
		host_facts_addf(k->h, FACT_SRC_SNMP, CONF_RAW, "snmp.hrSystemNumUsers", "%lld",
				(long long)n);
	if ((n = snmp_value_num(&v[2], -1)) >= 0)
		host_facts_addf(k->h, FACT_SRC_SNMP, CONF_RAW, "snmp.hrSystemProcesses", "%lld",
				(long long)n);
	/* KBytes; a Counter64 or an overflowing agent must not overflow us */
	if ((n = snmp_value_num(&v[3], -1)) > 0 && n <= INT64_MAX / 1024)
		host_facts_addf(k->h, FACT_SRC_SNMP, CONF_RAW, "hw.memory_bytes", "%lld",
				(long long)n * 1024);
	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		snmp_value_free(&v[i]);
}

/* ------------------------------------------------------------ interfaces */

/* Append addr to the comma-separated list unless it is there already. */
static void addr_list_add(char *list, size_t size, const char *addr)
{
	size_t len = strlen(list), alen = strlen(addr);

	for (const char *p = list; *p != '\0';) {
		size_t n = strcspn(p, ",");

		if (n == alen && memcmp(p, addr, n) == 0)
			return;
		p += n + (p[n] == ',');
	}
	if (len + alen + 2 > size)
		return;
	if (len > 0)
		list[len++] = ',';
	memcpy(list + len, addr, alen + 1);
}

static void interfaces(collector *k)
{
	static const unsigned if_cols[] = {2, 3, 5, 6, 8}; /* descr type speed mac status */
	static const unsigned ip4_cols[] = {2, 3};	   /* ifIndex netmask */
	static const unsigned ip_cols[] = {3, 5};	   /* ifIndex prefix */
	snmp_table ift, ip4, ip;

	walk(k, "ifTable", oid_ifEntry, OIDLEN(oid_ifEntry), if_cols, ARRAY_SIZE(if_cols), &ift);
	if (ift.nrows > 0) {
		walk(k, "ipAddrTable", oid_ipAddrEntry, OIDLEN(oid_ipAddrEntry), ip4_cols,
		     ARRAY_SIZE(ip4_cols), &ip4);
		walk(k, "ipAddressTable", oid_ipAddressEntry, OIDLEN(oid_ipAddressEntry), ip_cols,
		     ARRAY_SIZE(ip_cols), &ip);
	} else {
		memset(&ip4, 0, sizeof(ip4));
		memset(&ip, 0, sizeof(ip));
	}
	for (size_t i = 0; i < ift.nrows; i++) {
		const snmp_row *r = &ift.rows[i];
		hardware_fact hw = {
		    .kind = "nic", .size_bytes = -1, .used_bytes = -1, .source = FACT_SRC_SNMP};
		char mac[64], addrs[512] = "", one[96];
		const snmp_value *pa = &r->cells[3];
		int64_t type = cell_num(r, 1, 0), status = cell_num(r, 4, 0);
		snmp_subid ifindex;
		extra_buf e = {.len = 0};

		if (r->index_len != 1 || type == IFTYPE_SOFTWARE_LOOPBACK)
			continue;
		ifindex = r->index[0];
		for (size_t j = 0; j < ip4.nrows; j++) {
			const snmp_row *a = &ip4.rows[j];
			int bits = -1;

			if (a->index_len != 4 || cell_num(a, 0, -1) != (int64_t)ifindex)
				continue;
			if (a->cells[1].type == SNMP_T_IPADDRESS && a->cells[1].len == 4) {
				const uint8_t *m = a->cells[1].bytes;

				bits =
				    snmp_mask_bits(((uint32_t)m[0] << 24) | ((uint32_t)m[1] << 16) |
						   ((uint32_t)m[2] << 8) | m[3]);
			}
			snprintf(one, sizeof(one),
				 bits >= 0 ? "%lu.%lu.%lu.%lu/%d" : "%lu.%lu.%lu.%lu",
				 a->index[0] & 255, a->index[1] & 255, a->index[2] & 255,
				 a->index[3] & 255, bits);
			addr_list_add(addrs, sizeof(addrs), one);
		}
		for (size_t j = 0; j < ip.nrows; j++) {
			const snmp_row *a = &ip.rows[j];
			char txt[48];
			int bits;

			if (cell_num(a, 0, -1) != (int64_t)ifindex ||
			    !snmp_inet_index(a->index, a->index_len, txt, sizeof(txt)))
				continue;
			bits = snmp_prefix_from_pointer(a->cells[1].oid, a->cells[1].oid_len);
			if (bits >= 0)
				snprintf(one, sizeof(one), "%s/%d", txt, bits);
			else
				snprintf(one, sizeof(one), "%s", txt);
			addr_list_add(addrs, sizeof(addrs), one);
		}
		hw.name = (char *)cell_str(r, 0);
		extra_add(&e, "name", hw.name);
		if (pa->type == SNMP_T_OCTETS)
			extra_add(&e, "mac", snmp_format_mac(pa->bytes, pa->len, mac, sizeof(mac)));
		extra_addf(&e, "type", (long long)type);
		if (cell_num(r, 2, 0) > 0)
			extra_addf(&e, "speed", (long long)cell_num(r, 2, 0));
		extra_add(&e, "status", status == 1 ? "up" : status == 2 ? "down" : "other");
		extra_add(&e, "addr", addrs);
		hw.extra = e.s;
		host_facts_add_hardware(k->h, &hw);
	}
	snmp_table_free(&ift);
	snmp_table_free(&ip4);
	snmp_table_free(&ip);
}

/* ------------------------------------------------------- host resources */

static void storage(collector *k)
{
	static const unsigned cols[] = {2, 3, 4, 5, 6}; /* type descr units size used */
	snmp_table t;

	walk(k, "hrStorageTable", oid_hrStorageEntry, OIDLEN(oid_hrStorageEntry), cols,
	     ARRAY_SIZE(cols), &t);
	for (size_t i = 0; i < t.nrows; i++) {
		const snmp_row *r = &t.rows[i];
		const char *word, *kind;
		hardware_fact hw = {.size_bytes = -1, .used_bytes = -1, .source = FACT_SRC_SNMP};
		int64_t units = cell_num(r, 2, 0), size = cell_num(r, 3, -1),
			used = cell_num(r, 4, -1);
		extra_buf e = {.len = 0};

		kind = snmp_storage_kind(
		    cell_oid_code(r, 0, oid_hrStorageTypes, OIDLEN(oid_hrStorageTypes)), &word);
		if (kind == NULL)
			continue;
		/* Integer32 in the MIB; agents that overflow it send negatives */
		if (size < 0 && size != -1)
			size = (int64_t)(uint32_t)size;
		if (used < 0 && used != -1)
			used = (int64_t)(uint32_t)used;
		/* sizes * units beyond int64 are no sizes: unknown */
		if (units > 0 && size >= 0 && __builtin_mul_overflow(size, units, &hw.size_bytes))
			hw.size_bytes = -1;
		if (units > 0 && used >= 0 && __builtin_mul_overflow(used, units, &hw.used_bytes))
			hw.used_bytes = -1;
		hw.kind = (char *)kind;
		hw.name = (char *)cell_str(r, 1);
		extra_add(&e, "type", word);
		hw.extra = e.s;
		host_facts_add_hardware(k->h, &hw);
	}
	snmp_table_free(&t);
}

/* hrDeviceTable + hrProcessorTable; dev is kept for the printers. */
static void devices(collector *k, snmp_table *dev)
{
	static const unsigned dev_cols[] = {2, 3}; /* type descr */
	/* hrProcessorFrwID too: net-snmp has no load until it has sampled a minute */
	static const unsigned cpu_cols[] = {1, 2}; /* frwID load */
	snmp_table cpu;
	size_t ncpu = 0;

	walk(k, "hrDeviceTable", oid_hrDeviceEntry, OIDLEN(oid_hrDeviceEntry), dev_cols,
	     ARRAY_SIZE(dev_cols), dev);
	walk(k, "hrProcessorTable", oid_hrProcessorEntry, OIDLEN(oid_hrProcessorEntry), cpu_cols,
	     ARRAY_SIZE(cpu_cols), &cpu);
	for (size_t i = 0; i < cpu.nrows; i++) {
		const snmp_row *r = &cpu.rows[i];
		const snmp_row *d = snmp_table_find(dev, r->index, r->index_len);
		hardware_fact hw = {
		    .kind = "cpu", .size_bytes = -1, .used_bytes = -1, .source = FACT_SRC_SNMP};
		extra_buf e = {.len = 0};
		int64_t load = cell_num(r, 1, -1);

		hw.name = (char *)cell_str(d, 1);
		if (load >= 0)
			extra_addf(&e, "load", (long long)load);
		hw.extra = e.s;
		host_facts_add_hardware(k->h, &hw);
		if (ncpu++ == 0)
			add_fact(k, CONF_RAW, "hw.cpu.model", hw.name);
	}
	if (ncpu > 0)
		host_facts_addf(k->h, FACT_SRC_SNMP, CONF_RAW, "hw.cpu.count", "%zu", ncpu);
	for (size_t i = 0; i < dev->nrows; i++) {
		const snmp_row *r = &dev->rows[i];
		snmp_subid type = cell_oid_code(r, 0, oid_hrDeviceTypes, OIDLEN(oid_hrDeviceTypes));
		hardware_fact hw = {
		    .kind = "device", .size_bytes = -1, .used_bytes = -1, .source = FACT_SRC_SNMP};
		extra_buf e = {.len = 0};

		if (type == HRDEV_PRINTER)
			k->printer = true;
		/* processors are above; printers below */
		if (type == HRDEV_PROCESSOR || type == HRDEV_PRINTER ||
		    snmp_table_find(&cpu, r->index, r->index_len) != NULL)
			continue;
		hw.name = (char *)cell_str(r, 1);
		extra_add(&e, "type", snmp_device_word(type));
		hw.extra = e.s;
		host_facts_add_hardware(k->h, &hw);
	}
	snmp_table_free(&cpu);
}

static void software(collector *k)
{
	static const unsigned cols[] = {2, 5}; /* name date (the type has nowhere to go) */
	snmp_table t;

	walk(k, "hrSWInstalledTable", oid_hrSWInstalledEntry, OIDLEN(oid_hrSWInstalledEntry), cols,
	     ARRAY_SIZE(cols), &t);
	for (size_t i = 0; i < t.nrows; i++) {
		const snmp_row *r = &t.rows[i];
		const char *raw = cell_str(r, 0);
		const snmp_value *dv = &r->cells[1];
		software_fact sw = {.source = FACT_SRC_SNMP};
		char date[24];

		if (raw == NULL)
			continue;
		if (snmp_split_package(raw, &sw.name, &sw.version) != 0)
			break;
		if (dv->type == SNMP_T_OCTETS &&
		    snmp_date_and_time(dv->bytes, dv->len, date, sizeof(date)))
			sw.install_date = date;
		host_facts_add_software(k->h, &sw);
		free(sw.name);
		free(sw.version);
	}
	snmp_table_free(&t);
}

static void processes(collector *k)
{
	static const unsigned cols[] = {2}; /* name */
	snmp_table t;

	if (walk(k, "hrSWRunTable", oid_hrSWRunEntry, OIDLEN(oid_hrSWRunEntry), cols,
		 ARRAY_SIZE(cols), &t))
		host_facts_addf(k->h, FACT_SRC_SNMP, CONF_RAW, "snmp.processes", "%zu", t.nrows);
	snmp_table_free(&t);
}

/* ------------------------------------------------------------ ENTITY-MIB */

static void entities(collector *k)
{
	/* descr class name hardwareRev firmwareRev softwareRev serialNum mfgName modelName */
	static const unsigned cols[] = {2, 5, 7, 8, 9, 10, 11, 12, 13};
	snmp_table t;
	bool chassis_done = false;

	walk(k, "entPhysicalTable", oid_entPhysicalEntry, OIDLEN(oid_entPhysicalEntry), cols,
	     ARRAY_SIZE(cols), &t);
	for (size_t i = 0; i < t.nrows; i++) {
		const snmp_row *r = &t.rows[i];
		long cls = (long)cell_num(r, 1, 0);
		const char *descr = cell_str(r, 0), *name = cell_str(r, 2);
		hardware_fact hw = {
		    .kind = "entity", .size_bytes = -1, .used_bytes = -1, .source = FACT_SRC_SNMP};
		extra_buf e = {.len = 0};
		bool wanted = cls == ENT_CHASSIS || cls == 9 /* module */ ||
			      cls == 11 /* stack */ || cls == 12 /* cpu */ ||
			      cls == 6 /* power supply */ || cls == 15 /* storage drive */;

		hw.vendor = (char *)cell_str(r, 7);
		hw.model = (char *)cell_str(r, 8);
		hw.serial = (char *)cell_str(r, 6);
		hw.firmware = (char *)cell_str(r, 4);
		if (!wanted && hw.model == NULL && hw.serial == NULL)
			continue;
		hw.name = (char *)(name != NULL ? name : descr);
		extra_add(&e, "class", snmp_entity_class(cls));
		if (name != NULL)
			extra_add(&e, "descr", descr);
		extra_add(&e, "hw_rev", cell_str(r, 3));
		extra_add(&e, "sw_rev", cell_str(r, 5));
		hw.extra = e.s;
		host_facts_add_hardware(k->h, &hw);
		if (cls == ENT_CHASSIS && !chassis_done) {
			chassis_done = true;
			add_fact(k, CONF_ENTITY, "hw.vendor", hw.vendor);
			add_fact(k, CONF_ENTITY, "hw.model", hw.model);
			add_fact(k, CONF_ENTITY, "hw.serial", hw.serial);
		}
	}
	snmp_table_free(&t);
}

/* ----------------------------------------------------------- Printer-MIB */

static void printers(collector *k, const snmp_table *dev)
{
	static const unsigned gen_cols[] = {16, 17}; /* prtGeneralPrinterName, SerialNumber */
	static const unsigned st_cols[] = {1};	     /* hrPrinterStatus */
	static const unsigned mk_cols[] = {4};	     /* prtMarkerLifeCount */
	snmp_table gen, st, mk;

	walk(k, "prtGeneralTable", oid_prtGeneralEntry, OIDLEN(oid_prtGeneralEntry), gen_cols,
	     ARRAY_SIZE(gen_cols), &gen);
	if (gen.nrows == 0 && !k->printer) {
		snmp_table_free(&gen);
		return;
	}
	walk(k, "hrPrinterTable", oid_hrPrinterEntry, OIDLEN(oid_hrPrinterEntry), st_cols,
	     ARRAY_SIZE(st_cols), &st);
	walk(k, "prtMarkerTable", oid_prtMarkerEntry, OIDLEN(oid_prtMarkerEntry), mk_cols,
	     ARRAY_SIZE(mk_cols), &mk);
	/* one printer per hrDevice index that either table knows */
	for (size_t pass = 0; pass < 2; pass++) {
		const snmp_table *src = pass == 0 ? &gen : &st;

		for (size_t i = 0; i < src->nrows; i++) {
			const snmp_row *r = &src->rows[i];
			const snmp_row *g = snmp_table_find(&gen, r->index, r->index_len);
			const snmp_row *s = snmp_table_find(&st, r->index, r->index_len);
			const snmp_row *d = snmp_table_find(dev, r->index, r->index_len);
			hardware_fact hw = {.kind = "printer",
					    .size_bytes = -1,
					    .used_bytes = -1,
					    .source = FACT_SRC_SNMP};
			extra_buf e = {.len = 0};
			int64_t pages = -1;

			if (pass == 1 && g != NULL)
				continue; /* done in the first pass */
			hw.name = (char *)cell_str(g, 0);
			if (hw.name == NULL)
				hw.name = (char *)cell_str(d, 1);
			hw.serial = (char *)cell_str(g, 1);
			if (s != NULL)
				extra_add(&e, "status",
					  snmp_printer_status((long)cell_num(s, 0, 2)));
			/* prtMarkerEntry is indexed hrDeviceIndex.prtMarkerIndex */
			for (size_t j = 0; j < mk.nrows; j++) {
				int64_t count = cell_num(&mk.rows[j], 0, -1);

				if (mk.rows[j].index_len != r->index_len + 1 ||
				    memcmp(mk.rows[j].index, r->index,
					   r->index_len * sizeof(snmp_subid)) != 0 ||
				    count < 0)
					continue;
				/* Counter64 values: the sum saturates */
				if (__builtin_add_overflow(pages < 0 ? 0 : pages, count, &pages))
					pages = INT64_MAX;
			}
			if (pages >= 0)
				extra_addf(&e, "pages", (long long)pages);
			hw.extra = e.s;
			host_facts_add_hardware(k->h, &hw);
		}
	}
	add_fact(k, CONF_PRINTER, "device.type", "printer");
	snmp_table_free(&gen);
	snmp_table_free(&st);
	snmp_table_free(&mk);
}

/* ------------------------------------------------------------- one host */

/* GET the system group: does this credential get an answer? */
static snmpw_status read_system(collector *k, snmp_value *v)
{
	static const snmp_subid *const oids[] = {oid_sysDescr,	 oid_sysObjectID, oid_sysUpTime,
						 oid_sysContact, oid_sysName,	  oid_sysLocation};
	static const size_t lens[] = {OIDLEN(oid_sysDescr),  OIDLEN(oid_sysObjectID),
				      OIDLEN(oid_sysUpTime), OIDLEN(oid_sysContact),
				      OIDLEN(oid_sysName),   OIDLEN(oid_sysLocation)};

	return snmp_conn_get(&k->conn, oids, lens, ARRAY_SIZE(oids), v);
}

static void collect_tables(collector *k)
{
	snmp_table dev;

	hr_scalars(k);
	interfaces(k);
	storage(k);
	devices(k, &dev);
	software(k);
	processes(k);
	entities(k);
	printers(k, &dev);
	snmp_table_free(&dev);
}

static void collect_host(const snmp_config *cfg, host_facts *h)
{
	const credentials_t *cr = cfg->creds;
	collector k = {.cfg = cfg, .h = h};
	snmp_engine engine = {.len = 0};
	bool v3_silent = false;

	k.max_rows = cfg->max_rows > 0 ? cfg->max_rows : DEFAULT_MAX_ROWS;
	for (size_t i = 0; i < cr->nsnmp; i++) {
		const cred_snmp *c = &cr->snmp[i];
		snmp_value sys[6];
		snmpw_status st;

		if (!credentials_applies(c->targets, h->ip))
			continue;
		if (cfg->stop != NULL && *cfg->stop)
			return;
		if (c->version == 3 && v3_silent) {
			error_fact(&k, c->name, "skipped: no SNMPv3 engine answered on this host");
			continue;
		}
		st = snmp_conn_open(&k.conn, c, h->ip, cfg->timeout_ms, cfg->retries, cfg->stop,
				    &engine);
		if (st == SNMPW_OK)
			st = read_system(&k, sys);
		if (st != SNMPW_OK) {
			if (st == SNMPW_NO_ENGINE)
				v3_silent = true;
			/* the engine answered discovery, then silence: net-snmp's
			 * agent drops what it cannot decrypt */
			if (st == SNMPW_TIMEOUT && c->version == 3)
				error_fact(&k, c->name,
					   "timeout after the engine discovery "
					   "(wrong priv passphrase or protocol?)");
			else if (st != SNMPW_STOPPED)
				error_fact(&k, c->name, k.conn.why);
			snmp_conn_close(&k.conn);
			if (st == SNMPW_STOPPED || st == SNMPW_NOMEM)
				return;
			continue;
		}
		add_fact(&k, CONF_RAW, "snmp.credential", c->name);
		add_fact(&k, CONF_RAW, "snmp.version",
			 c->version == 1   ? "1"
			 : c->version == 2 ? "2c"
					   : "3");
		if (c->version == 3 && engine.len > 0) {
			char hex[2 * sizeof(engine.id) + 1];

			add_fact(&k, CONF_RAW, "snmp.engineID",
				 snmp_format_hex(engine.id, engine.len, hex, sizeof(hex)));
		}
		system_facts(&k, sys);
		for (size_t j = 0; j < ARRAY_SIZE(sys); j++)
			snmp_value_free(&sys[j]);
		collect_tables(&k);
		snmp_conn_close(&k.conn);
		return;
	}
}

/* ----------------------------------------------------------------- pool */

typedef struct {
	const snmp_config *cfg;
	host_facts *const *hosts;
	size_t n;
	size_t next; /* shared: the next host to take */
} pool;

static void *worker(void *arg)
{
	pool *p = arg;

	for (;;) {
		size_t i = __atomic_fetch_add(&p->next, 1, __ATOMIC_RELAXED);

		if (i >= p->n || (p->cfg->stop != NULL && *p->cfg->stop))
			break;
		collect_host(p->cfg, p->hosts[i]);
	}
	return NULL;
}

int snmp_collect(const snmp_config *cfg, host_facts *const *hosts, size_t n)
{
	pool p = {.cfg = cfg, .hosts = hosts, .n = n, .next = 0};
	pthread_t *th;
	size_t nw, started = 0;

	if (n == 0 || cfg->creds == NULL || cfg->creds->nsnmp == 0)
		return 0;
	snmp_walk_begin();
	nw = (size_t)NC_MAX(cfg->workers, 1);
	nw = NC_MIN(nw, n);
	nw = NC_MIN(nw, (size_t)MAX_WORKERS);
	if (nw == 1 || (th = calloc(nw, sizeof(*th))) == NULL) {
		worker(&p);
		snmp_walk_end();
		return 0;
	}
	for (size_t i = 0; i < nw; i++)
		if (pthread_create(&th[started], NULL, worker, &p) == 0)
			started++;
	if (started == 0)
		worker(&p); /* no thread at all: do the work here */
	for (size_t i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	free(th);
	snmp_walk_end();
	return 0;
}
