#include "config.h"

/*
 * identity.c — which host an observation belongs to, once a scan knows all
 * it will know about it (the rules are in identity.h).
 *
 * store.c had to give each address a host id the moment discovery found it,
 * before any fingerprint: by MAC, else by address.  This file revisits each
 * observation of the scan at its end with the stronger keys fingerprinting
 * found (DMI UUID and serial, SSH host key, SMB name, SNMP engine id) and,
 * when they name another host, moves the scan's rows there in the same
 * transaction.  Because it runs from inventory_finish_scan(), every writer
 * (a scan, the nmap import, the fixture builder, a discovery-only scan)
 * gets the same identity.
 *
 * Keys are kept per host in host_keys, every value a host ever showed, so a
 * host keeps matching by an older MAC or name; the address is not kept
 * there (addresses move between hosts all the time) but read from the
 * host's newest other observation.
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "inventory/identity.h"
#include "inventory/query.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/grow.h"
#include "util/log.h"
#include "util/timeutil.h"

/* Key kinds, strongest first: a candidate is refused when a kind before the
 * one it matched through disagrees. KIND_HOSTNAME only corroborates. */
typedef enum {
	KIND_UUID,
	KIND_SERIAL,
	KIND_SSH,
	KIND_MAC,
	KIND_SMB,
	KIND_SNMP,
	KIND_HOSTNAME,
	KIND_ADDRESS,
	KIND__COUNT
} key_kind;

static const char *const kind_names[] = {
    [KIND_UUID] = "uuid",	  [KIND_SERIAL] = "serial",   [KIND_SSH] = "ssh",
    [KIND_MAC] = "mac",		  [KIND_SMB] = "smb",	      [KIND_SNMP] = "snmp",
    [KIND_HOSTNAME] = "hostname", [KIND_ADDRESS] = "address",
};
_Static_assert(ARRAY_SIZE(kind_names) == KIND__COUNT, "a key kind has no name");

#define KEY_VALUE_MAX 192
#define OBS_MAX_VALUES 4  /* values of one kind one observation carries */
#define MAX_CANDIDATES 64 /* hosts weighed for one observation */
#define MAX_EVENTS 4

typedef struct {
	char v[OBS_MAX_VALUES][KEY_VALUE_MAX];
	int n;
} key_values;

/* One observation of the scan, with every key it carries. */
typedef struct {
	int64_t host_id; /* the provisional host store.c gave it */
	char address[16];
	char mac[18];
	bool has_mac;
	double seen_at;
	bool mac_virtual;
	key_values k[KIND__COUNT];
	char events[MAX_EVENTS][KEY_VALUE_MAX]; /* ssh.hostkey_changed details */
	int nevents;
} observation;

/* How one candidate host compares with the observation. */
typedef struct {
	int64_t id;
	bool has[KIND__COUNT];
	bool agree[KIND__COUNT];
	int best; /* strongest agreeing kind, KIND__COUNT when none */
	int agreements;
	double last_seen;
} candidate;

/* ---- key normalisation --------------------------------------------------- */

static const char *const placeholder_values[] = {
    "to be filled by o.e.m.",
    "to be filled by oem",
    "not specified",
    "not applicable",
    "default string",
    "system serial number",
    "chassis serial number",
    "serial number",
    "system product name",
    "none",
    "null",
    "n/a",
    "na",
    "unknown",
    "invalid",
    "empty",
    "0",
    "00000000",
    "0123456789",
    "123456789",
    "1234567890",
    "xxxxxxxxxx",
    "oem",
    "o.e.m.",
    "base board serial number",
    "default",
    "not available",
    "undefined",
};

/* Well-known hypervisor MAC prefixes (OUIs). */
static const char *const virtual_ouis[] = {
    "00:50:56", "00:0c:29", "00:05:69", "00:1c:14", /* VMware */
    "00:15:5d",					    /* Hyper-V */
    "08:00:27", "0a:00:27",			    /* VirtualBox */
    "52:54:00",					    /* QEMU/KVM */
    "00:16:3e",					    /* Xen */
    "00:1c:42",					    /* Parallels */
    "00:03:ff",					    /* Microsoft Virtual PC */
};

/* A known junk UUID some boards ship (AMI sample data). */
static const char *const junk_uuids[] = {
    "03000200-0400-0500-0006-000700080009",
};

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

bool identity_mac_key(const char *in, char *out, size_t len)
{
	unsigned b[6];
	bool zero = true, bcast = true;

	if (in == NULL || strlen(in) != 17 || len < 18)
		return false;
	for (int i = 0; i < 6; i++) {
		int hi = hexval((unsigned char)in[3 * i]),
		    lo = hexval((unsigned char)in[3 * i + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && in[3 * i + 2] != ':' && in[3 * i + 2] != '-'))
			return false;
		b[i] = (unsigned)(hi << 4 | lo);
		zero &= b[i] == 0;
		bcast &= b[i] == 0xff;
	}
	if (zero || bcast || (b[0] & 1)) /* the group bit: multicast */
		return false;
	snprintf(out, len, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
	return true;
}

bool identity_mac_is_virtual(const char *mac)
{
	int first;

	if (mac == NULL || strlen(mac) < 8)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(virtual_ouis); i++)
		if (strncasecmp(mac, virtual_ouis[i], 8) == 0)
			return true;
	first = hexval((unsigned char)mac[1]); /* the low nibble of the first byte */
	return first >= 0 && (first & 0x02);   /* locally administered */
}

bool identity_uuid_key(const char *in, char *out, size_t len)
{
	char hex[33];
	size_t n = 0;
	bool zero = true, ones = true;

	if (in == NULL || len < 37)
		return false;
	for (const char *p = in; *p != '\0'; p++) {
		if (*p == '-' || *p == '{' || *p == '}' || *p == ' ')
			continue;
		if (hexval((unsigned char)*p) < 0 || n >= 32)
			return false;
		hex[n++] = (char)tolower((unsigned char)*p);
		zero &= *p == '0';
		ones &= *p == 'f' || *p == 'F';
	}
	if (n != 32 || zero || ones)
		return false;
	hex[32] = '\0';
	snprintf(out, len, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
	for (size_t i = 0; i < ARRAY_SIZE(junk_uuids); i++)
		if (strcmp(out, junk_uuids[i]) == 0)
			return false;
	return true;
}

/* Trim s into out; false when nothing is left or it does not fit. */
static bool trimmed(const char *s, char *out, size_t len)
{
	size_t n;

	if (s == NULL)
		return false;
	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0 || n >= len)
		return false;
	memcpy(out, s, n);
	out[n] = '\0';
	return true;
}

bool identity_serial_key(const char *in, char *out, size_t len)
{
	bool same = true;

	if (!trimmed(in, out, len) || strlen(out) < 4)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(placeholder_values); i++)
		if (strcasecmp(out, placeholder_values[i]) == 0)
			return false;
	for (const char *p = out + 1; *p != '\0'; p++)
		same &= *p == out[0];
	if (same) /* "00000000", "xxxxxxxx", "        " */
		return false;
	return true;
}

/* Upper-case ASCII, as Windows compares NetBIOS names. */
static void upcase(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)toupper((unsigned char)*s);
}

static void key_add(key_values *kv, const char *value)
{
	if (value == NULL || value[0] == '\0' || kv->n >= OBS_MAX_VALUES ||
	    strlen(value) >= KEY_VALUE_MAX)
		return;
	for (int i = 0; i < kv->n; i++)
		if (strcmp(kv->v[i], value) == 0)
			return;
	snprintf(kv->v[kv->n++], KEY_VALUE_MAX, "%s", value);
}

static bool key_has(const key_values *kv, const char *value)
{
	for (int i = 0; i < kv->n; i++)
		if (strcmp(kv->v[i], value) == 0)
			return true;
	return false;
}

/* "ssh-ed25519 SHA256:..." -> length of the type part. */
static size_t ssh_type_len(const char *v)
{
	const char *sp = strchr(v, ' ');

	return sp ? (size_t)(sp - v) : strlen(v);
}

/* ---- statements ------------------------------------------------------------ */

enum {
	IS_OBSERVATIONS,
	IS_OBSERVATION,
	IS_FACTS,
	IS_HOSTNAME,
	IS_BY_KEY,
	IS_BY_ADDRESS,
	IS_HOST_KEYS,
	IS_PREVIOUS,
	IS_LAST_ADDRESS,
	IS_IN_SCAN,
	IS_OTHER_SCANS,
	IS_LAST_SEEN,
	IS_NEW_HOST,
	IS_MOVE_HOST_SCANS,
	IS_MOVE_PORTS,
	IS_MOVE_SERVICES,
	IS_MOVE_FACTS,
	IS_MOVE_VERDICTS,
	IS_MOVE_SOFTWARE,
	IS_MOVE_HARDWARE,
	IS_MOVE_CHANGES,
	IS_MOVE_EVENTS,
	IS_DELETE_HOST_KEYS,
	IS_DELETE_HOST,
	IS_RECOMPUTE,
	IS_TOUCH,
	IS_UPSERT_KEY,
	IS_VERDICT_PAIRS,
	IS_DELETE_CHANGES,
	IS_INSERT_CHANGE,
	IS_DELETE_EVENTS,
	IS_INSERT_EVENT,
	IS__COUNT
};

/* clang-format off */
static const char *const identity_sql[] = {
    [IS_OBSERVATIONS] = "SELECT host_id FROM host_scans WHERE scan_id = ?1 ORDER BY address_int",
    [IS_OBSERVATION] = "SELECT address, mac, seen_at FROM host_scans"
		       " WHERE scan_id = ?1 AND host_id = ?2",
    [IS_FACTS] = "SELECT key, value, source FROM facts WHERE scan_id = ?1 AND host_id = ?2"
		 " AND key IN ('ssh.hostkey.type', 'ssh.hostkey.sha256', 'ssh.hostkey.status',"
		 " 'ssh.hostkey_changed', 'hw.uuid', 'hw.serial', 'smb.netbios_name',"
		 " 'smb.netbios_domain', 'host.name', 'host.domain', 'snmp.engineID')"
		 " ORDER BY rowid",
    [IS_HOSTNAME] = "SELECT value FROM verdicts WHERE scan_id = ?1 AND host_id = ?2"
		    " AND field = 'hostname'",
    [IS_BY_KEY] = "SELECT host_id FROM host_keys WHERE kind = ?1 AND value = ?2",
    [IS_BY_ADDRESS] = "SELECT id FROM hosts WHERE address = ?1",
    [IS_HOST_KEYS] = "SELECT kind, value FROM host_keys WHERE host_id = ?1",
    /* The host's newest observation before scan ?2. */
    [IS_PREVIOUS] = "SELECT scan_id, address, mac FROM host_scans"
		    " WHERE host_id = ?1 AND scan_id < ?2 ORDER BY scan_id DESC LIMIT 1",
    [IS_LAST_ADDRESS] = "SELECT address FROM host_scans WHERE host_id = ?1 AND scan_id <> ?2"
			 " ORDER BY scan_id DESC LIMIT 1",
    [IS_IN_SCAN] = "SELECT 1 FROM host_scans WHERE scan_id = ?1 AND host_id = ?2",
    [IS_OTHER_SCANS] = "SELECT 1 FROM host_scans WHERE host_id = ?1 AND scan_id <> ?2 LIMIT 1",
    [IS_LAST_SEEN] = "SELECT last_seen FROM hosts WHERE id = ?1",
    [IS_NEW_HOST] = "INSERT INTO hosts (mac, address, first_seen, last_seen, first_scan,"
		    " last_scan) VALUES (?1, ?2, ?3, ?3, ?4, ?4)",
    [IS_MOVE_HOST_SCANS] = "UPDATE host_scans SET host_id = ?3 WHERE scan_id = ?1 AND host_id = ?2",
    [IS_MOVE_PORTS] = "UPDATE ports SET host_id = ?3 WHERE scan_id = ?1 AND host_id = ?2",
    [IS_MOVE_SERVICES] = "UPDATE services SET host_id = ?3 WHERE scan_id = ?1 AND host_id = ?2",
    [IS_MOVE_FACTS] = "UPDATE facts SET host_id = ?3 WHERE scan_id = ?1 AND host_id = ?2",
    [IS_MOVE_VERDICTS] = "UPDATE verdicts SET host_id = ?3 WHERE scan_id = ?1 AND host_id = ?2",
    [IS_MOVE_SOFTWARE] = "UPDATE software SET host_id = ?3 WHERE scan_id = ?1 AND host_id = ?2",
    [IS_MOVE_HARDWARE] = "UPDATE hardware SET host_id = ?3 WHERE scan_id = ?1 AND host_id = ?2",
    [IS_MOVE_CHANGES] = "UPDATE host_changes SET host_id = ?3 WHERE scan_id = ?1 AND host_id = ?2",
    [IS_MOVE_EVENTS] = "UPDATE events SET host_id = ?3 WHERE scan_id = ?1 AND host_id = ?2",
    [IS_DELETE_HOST_KEYS] = "DELETE FROM host_keys WHERE host_id = ?1",
    [IS_DELETE_HOST] = "DELETE FROM hosts WHERE id = ?1",
    /* A host some of whose rows moved away: its newest remaining scan
     * decides where it was last seen. */
    [IS_RECOMPUTE] =
	"UPDATE hosts SET"
	" last_scan = (SELECT max(scan_id) FROM host_scans WHERE host_id = ?1),"
	" last_seen = (SELECT max(seen_at) FROM host_scans WHERE host_id = ?1),"
	" address = (SELECT address FROM host_scans WHERE host_id = ?1"
	"            ORDER BY scan_id DESC LIMIT 1),"
	" mac = (SELECT mac FROM host_scans WHERE host_id = ?1 AND mac IS NOT NULL"
	"        ORDER BY scan_id DESC LIMIT 1)"
	" WHERE id = ?1",
    /* The resolved host saw scan ?4 at ?3: widen its first/last, and take
     * the address and MAC when this is its newest scan. */
    [IS_TOUCH] =
	"UPDATE hosts SET"
	" address = CASE WHEN ?4 >= COALESCE(last_scan, 0) THEN ?2 ELSE address END,"
	" mac = CASE WHEN ?4 >= COALESCE(last_scan, 0) THEN COALESCE(?1, mac) ELSE mac END,"
	" first_seen = min(COALESCE(first_seen, ?3), ?3),"
	" last_seen = max(COALESCE(last_seen, ?3), ?3),"
	" first_scan = CASE WHEN first_scan IS NULL AND last_scan IS NOT NULL THEN NULL"
	"              ELSE min(COALESCE(first_scan, ?4), ?4) END,"
	" last_scan = max(COALESCE(last_scan, ?4), ?4)"
	" WHERE id = ?5",
    [IS_UPSERT_KEY] = "INSERT INTO host_keys (host_id, kind, value, first_scan, last_scan)"
		      " VALUES (?1, ?2, ?3, ?4, ?5)"
		      " ON CONFLICT (kind, value, host_id) DO UPDATE SET"
		      " first_scan = min(COALESCE(first_scan, excluded.first_scan),"
		      "                  excluded.first_scan),"
		      " last_scan = max(COALESCE(last_scan, excluded.last_scan),"
		      "                 excluded.last_scan)",
    /* Every verdict field of either observation (?1/?2 old, ?3/?4 new). */
    [IS_VERDICT_PAIRS] =
	"SELECT o.field, o.value, n.value FROM verdicts o JOIN verdicts n"
	"  ON n.field = o.field AND n.scan_id = ?3 AND n.host_id = ?4"
	" WHERE o.scan_id = ?1 AND o.host_id = ?2 ORDER BY o.field",
    [IS_DELETE_CHANGES] = "DELETE FROM host_changes WHERE scan_id = ?1 AND host_id = ?2",
    [IS_INSERT_CHANGE] = "INSERT INTO host_changes (host_id, scan_id, field, old_value,"
			 " new_value) VALUES (?1, ?2, ?3, ?4, ?5)",
    [IS_DELETE_EVENTS] = "DELETE FROM events WHERE scan_id = ?1 AND host_id = ?2"
			 " AND kind = 'ssh.hostkey_changed'",
    [IS_INSERT_EVENT] = "INSERT INTO events (scan_id, host_id, kind, detail, at)"
			" VALUES (?1, ?2, 'ssh.hostkey_changed', ?3, ?4)",
};
/* clang-format on */
_Static_assert(ARRAY_SIZE(identity_sql) == IS__COUNT, "a statement has no SQL");

typedef struct {
	inventory_t *inv;
	sqlite3_stmt *st[IS__COUNT];
	int64_t scan_id;
} resolver;

static int resolver_open(resolver *rv, inventory_t *inv, int64_t scan_id)
{
	memset(rv, 0, sizeof(*rv));
	rv->inv = inv;
	rv->scan_id = scan_id;
	for (size_t i = 0; i < IS__COUNT; i++)
		if (sqlite3_prepare_v2(inventory_sqlite(inv), identity_sql[i], -1, &rv->st[i],
				       NULL) != SQLITE_OK)
			return inventory_fail(inv, "preparing to resolve host identities");
	return 0;
}

static void resolver_close(resolver *rv)
{
	for (size_t i = 0; i < IS__COUNT; i++)
		sqlite3_finalize(rv->st[i]);
}

static int step_done(resolver *rv, int which, const char *what)
{
	int rc = sqlite3_step(rv->st[which]);

	sqlite3_reset(rv->st[which]);
	if (rc != SQLITE_DONE)
		return inventory_fail(rv->inv, what);
	return 0;
}

/* Step a one-row lookup: *found, and the row stays for the caller to read
 * until it resets the statement. */
static int step_row(resolver *rv, int which, bool *found, const char *what)
{
	int rc = sqlite3_step(rv->st[which]);

	*found = rc == SQLITE_ROW;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sqlite3_reset(rv->st[which]);
		return inventory_fail(rv->inv, what);
	}
	return 0;
}

static const char *col_text(sqlite3_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st, col);
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (s != NULL)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* ---- reading an observation --------------------------------------------- */

typedef struct {
	char type[64], sha[128];
	bool refused; /* status "changed", or a hostkey_changed fact */
	char smb_name[64], smb_domain[64];
	char nb_name[64], nb_domain[64];
} fact_scratch;

static void take_fact(observation *o, fact_scratch *fs, const char *key, const char *value,
		      const char *source)
{
	char buf[KEY_VALUE_MAX];

	if (strcmp(key, "ssh.hostkey.type") == 0)
		snprintf(fs->type, sizeof(fs->type), "%s", value);
	else if (strcmp(key, "ssh.hostkey.sha256") == 0)
		snprintf(fs->sha, sizeof(fs->sha), "%s", value);
	else if (strcmp(key, "ssh.hostkey.status") == 0)
		fs->refused |= strcmp(value, "changed") == 0;
	else if (strcmp(key, "ssh.hostkey_changed") == 0) {
		fs->refused = true;
		if (o->nevents < MAX_EVENTS)
			snprintf(o->events[o->nevents++], KEY_VALUE_MAX, "%s", value);
	} else if (strcmp(key, "hw.uuid") == 0) {
		if (identity_uuid_key(value, buf, sizeof(buf)))
			key_add(&o->k[KIND_UUID], buf);
	} else if (strcmp(key, "hw.serial") == 0) {
		if (identity_serial_key(value, buf, sizeof(buf)))
			key_add(&o->k[KIND_SERIAL], buf);
	} else if (strcmp(key, "smb.netbios_name") == 0)
		trimmed(value, fs->smb_name, sizeof(fs->smb_name));
	else if (strcmp(key, "smb.netbios_domain") == 0)
		trimmed(value, fs->smb_domain, sizeof(fs->smb_domain));
	else if (strcmp(key, "host.name") == 0 && strcmp(source, "netbios") == 0)
		trimmed(value, fs->nb_name, sizeof(fs->nb_name));
	else if (strcmp(key, "host.domain") == 0 && strcmp(source, "netbios") == 0)
		trimmed(value, fs->nb_domain, sizeof(fs->nb_domain));
	else if (strcmp(key, "snmp.engineID") == 0) {
		size_t n = 0;
		bool zero = true;

		/* hex, at least 5 octets (RFC 3411), not all zero */
		for (const char *p = value; *p != '\0' && n + 1 < sizeof(buf); p++) {
			if (hexval((unsigned char)*p) < 0)
				continue; /* separators */
			buf[n++] = (char)tolower((unsigned char)*p);
			zero &= *p == '0';
		}
		buf[n] = '\0';
		if (n >= 10 && n % 2 == 0 && !zero)
			key_add(&o->k[KIND_SNMP], buf);
	}
}

static void smb_key(observation *o, const char *name, const char *domain)
{
	char buf[KEY_VALUE_MAX];

	if (name[0] == '\0' || strcasecmp(name, "localhost") == 0)
		return;
	snprintf(buf, sizeof(buf), "%s\\%s", name, domain);
	upcase(buf);
	key_add(&o->k[KIND_SMB], buf);
}

/* Fill *o from what scan S recorded of host host_id. */
static int read_observation(resolver *rv, int64_t host_id, observation *o)
{
	sqlite3_stmt *q;
	fact_scratch fs;
	bool found;
	int rc, r;

	memset(o, 0, sizeof(*o));
	memset(&fs, 0, sizeof(fs));
	o->host_id = host_id;

	q = rv->st[IS_OBSERVATION];
	sqlite3_bind_int64(q, 1, rv->scan_id);
	sqlite3_bind_int64(q, 2, host_id);
	if ((r = step_row(rv, IS_OBSERVATION, &found, "reading an observation")) != 0)
		return r;
	if (found) {
		const char *addr = col_text(q, 0), *mac = col_text(q, 1);

		snprintf(o->address, sizeof(o->address), "%s", addr ? addr : "");
		if (mac != NULL && identity_mac_key(mac, o->mac, sizeof(o->mac))) {
			o->has_mac = true;
			o->mac_virtual = identity_mac_is_virtual(o->mac);
			key_add(&o->k[KIND_MAC], o->mac);
		}
		o->seen_at = sqlite3_column_double(q, 2);
	}
	sqlite3_reset(q);
	if (!found)
		return nc_fail(NC_ERR_INTERNAL, "database %s: host %lld has no row in scan %lld",
			       inventory_path(rv->inv), (long long)host_id, (long long)rv->scan_id);
	if (o->address[0] != '\0')
		key_add(&o->k[KIND_ADDRESS], o->address);

	q = rv->st[IS_FACTS];
	sqlite3_bind_int64(q, 1, rv->scan_id);
	sqlite3_bind_int64(q, 2, host_id);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *key = col_text(q, 0), *value = col_text(q, 1), *src = col_text(q, 2);

		if (key != NULL && value != NULL)
			take_fact(o, &fs, key, value, src ? src : "");
	}
	sqlite3_reset(q);
	if (rc != SQLITE_DONE)
		return inventory_fail(rv->inv, "reading identity facts");
	if (fs.type[0] != '\0' && fs.sha[0] != '\0' && !fs.refused) {
		char buf[KEY_VALUE_MAX];

		snprintf(buf, sizeof(buf), "%s %s", fs.type, fs.sha);
		key_add(&o->k[KIND_SSH], buf);
	}
	if (fs.smb_name[0] != '\0')
		smb_key(o, fs.smb_name, fs.smb_domain);
	else if (fs.nb_name[0] != '\0')
		smb_key(o, fs.nb_name, fs.nb_domain);

	q = rv->st[IS_HOSTNAME];
	sqlite3_bind_int64(q, 1, rv->scan_id);
	sqlite3_bind_int64(q, 2, host_id);
	if ((r = step_row(rv, IS_HOSTNAME, &found, "reading the hostname")) != 0)
		return r;
	if (found && col_text(q, 0) != NULL) {
		char buf[KEY_VALUE_MAX];
		char *dot;

		if (trimmed(col_text(q, 0), buf, sizeof(buf))) {
			if ((dot = strchr(buf, '.')) != NULL && dot != buf)
				*dot = '\0';
			for (char *p = buf; *p != '\0'; p++)
				*p = (char)tolower((unsigned char)*p);
			key_add(&o->k[KIND_HOSTNAME], buf);
		}
	}
	sqlite3_reset(q);
	return 0;
}

/* ---- weighing candidates ------------------------------------------------ */

static void add_candidate(candidate *c, size_t *n, int64_t id)
{
	for (size_t i = 0; i < *n; i++)
		if (c[i].id == id)
			return;
	if (*n >= MAX_CANDIDATES)
		return;
	memset(&c[*n], 0, sizeof(c[*n]));
	c[(*n)++].id = id;
}

static int collect_ids(resolver *rv, int which, candidate *c, size_t *n, const char *what)
{
	sqlite3_stmt *q = rv->st[which];
	int rc;

	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		add_candidate(c, n, sqlite3_column_int64(q, 0));
	sqlite3_reset(q);
	if (rc != SQLITE_DONE)
		return inventory_fail(rv->inv, what);
	return 0;
}

/* Every host that shares a key with the observation. */
static int find_candidates(resolver *rv, const observation *o, candidate *c, size_t *n)
{
	int r;

	*n = 0;
	for (int k = 0; k < KIND__COUNT; k++) {
		if (k == KIND_HOSTNAME) /* corroborates only */
			continue;
		for (int i = 0; i < o->k[k].n; i++) {
			sqlite3_stmt *q;
			int which = k == KIND_ADDRESS ? IS_BY_ADDRESS : IS_BY_KEY;

			q = rv->st[which];
			if (which == IS_BY_KEY) {
				sqlite3_bind_text(q, 1, kind_names[k], -1, SQLITE_STATIC);
				sqlite3_bind_text(q, 2, o->k[k].v[i], -1, SQLITE_STATIC);
			} else {
				sqlite3_bind_text(q, 1, o->k[k].v[i], -1, SQLITE_STATIC);
			}
			if ((r = collect_ids(rv, which, c, n, "looking up identity keys")) != 0)
				return r;
		}
	}
	return 0;
}

static int kind_from_name(const char *s)
{
	for (int k = 0; s != NULL && k < KIND__COUNT; k++)
		if (strcmp(s, kind_names[k]) == 0)
			return k;
	return -1;
}

/* Compare candidate c with the observation, key kind by key kind. */
static int weigh(resolver *rv, const observation *o, candidate *c)
{
	sqlite3_stmt *q = rv->st[IS_HOST_KEYS];
	bool found;
	int rc, r;

	sqlite3_bind_int64(q, 1, c->id);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		int k = kind_from_name(col_text(q, 0));
		const char *v = col_text(q, 1);

		if (k < 0 || k == KIND_ADDRESS || v == NULL)
			continue;
		if (k == KIND_SSH) {
			/* keys of another type neither agree nor disagree */
			size_t tl = ssh_type_len(v);
			bool same_type = false;

			for (int i = 0; i < o->k[k].n; i++)
				same_type |= ssh_type_len(o->k[k].v[i]) == tl &&
					     strncmp(o->k[k].v[i], v, tl) == 0;
			if (!same_type)
				continue;
		}
		c->has[k] = true;
		c->agree[k] |= key_has(&o->k[k], v);
	}
	sqlite3_reset(q);
	if (rc != SQLITE_DONE)
		return inventory_fail(rv->inv, "reading a host's keys");

	/* The address it was last seen at, in another scan. */
	q = rv->st[IS_LAST_ADDRESS];
	sqlite3_bind_int64(q, 1, c->id);
	sqlite3_bind_int64(q, 2, rv->scan_id);
	if ((r = step_row(rv, IS_LAST_ADDRESS, &found, "reading a host's address")) != 0)
		return r;
	if (found && col_text(q, 0) != NULL) {
		c->has[KIND_ADDRESS] = true;
		c->agree[KIND_ADDRESS] = key_has(&o->k[KIND_ADDRESS], col_text(q, 0));
	}
	sqlite3_reset(q);

	q = rv->st[IS_LAST_SEEN];
	sqlite3_bind_int64(q, 1, c->id);
	if ((r = step_row(rv, IS_LAST_SEEN, &found, "reading a host")) != 0)
		return r;
	c->last_seen = found ? sqlite3_column_double(q, 0) : 0;
	sqlite3_reset(q);
	return 0;
}

static bool disagrees(const observation *o, const candidate *c, int k)
{
	return o->k[k].n > 0 && c->has[k] && !c->agree[k];
}

/* Is c the observation's host, by the rules of identity.h? Sets c->best. */
static bool acceptable(const observation *o, candidate *c)
{
	c->best = KIND__COUNT;
	c->agreements = 0;
	for (int k = 0; k < KIND__COUNT; k++) {
		if (!c->agree[k])
			continue;
		c->agreements++;
		if (k != KIND_HOSTNAME && c->best == KIND__COUNT)
			c->best = k;
	}
	if (c->best == KIND__COUNT)
		return false;
	for (int k = 0; k < c->best; k++)
		if (disagrees(o, c, k))
			return false;
	/* A virtual MAC names a machine only as long as the names agree. */
	if (c->best == KIND_MAC && o->mac_virtual &&
	    (disagrees(o, c, KIND_SMB) || disagrees(o, c, KIND_HOSTNAME)))
		return false;
	return true;
}

static bool better(const candidate *a, const candidate *b)
{
	if (a->best != b->best)
		return a->best < b->best;
	if (a->agreements != b->agreements)
		return a->agreements > b->agreements;
	if (a->last_seen != b->last_seen)
		return a->last_seen > b->last_seen;
	return a->id > b->id;
}

static int exists(resolver *rv, int which, int64_t a, int64_t b, bool *yes)
{
	int r;

	sqlite3_bind_int64(rv->st[which], 1, a);
	sqlite3_bind_int64(rv->st[which], 2, b);
	r = step_row(rv, which, yes, "looking up an observation");
	sqlite3_reset(rv->st[which]);
	return r;
}

/*
 * The host the observation belongs to: *resolved = an existing host id, or
 * 0 for "a new host" (when the provisional host is an older host that the
 * keys refuse). *established: the provisional host has other scans.
 */
static int choose_host(resolver *rv, const observation *o, bool established, int64_t *resolved)
{
	candidate c[MAX_CANDIDATES];
	const candidate *best = NULL;
	size_t n = 0;
	int r;

	*resolved = 0;
	if ((r = find_candidates(rv, o, c, &n)) != 0)
		return r;
	if (established)
		add_candidate(c, &n, o->host_id);
	for (size_t i = 0; i < n; i++) {
		bool taken = false;

		if (c[i].id != o->host_id) {
			/* held by another observation of this scan */
			if ((r = exists(rv, IS_IN_SCAN, rv->scan_id, c[i].id, &taken)) != 0)
				return r;
			if (taken)
				continue;
		} else if (!established) {
			continue; /* made by this scan: no evidence to weigh */
		}
		if ((r = weigh(rv, o, &c[i])) != 0)
			return r;
		if (acceptable(o, &c[i]) && (best == NULL || better(&c[i], best)))
			best = &c[i];
	}
	if (best != NULL)
		*resolved = best->id;
	else if (!established)
		*resolved = o->host_id; /* a new host, already made */
	return 0;
}

/* ---- writing ------------------------------------------------------------- */

static int move_rows(resolver *rv, int64_t from, int64_t to)
{
	static const int moves[] = {
	    IS_MOVE_HOST_SCANS, IS_MOVE_PORTS,	  IS_MOVE_SERVICES,
	    IS_MOVE_FACTS,	IS_MOVE_VERDICTS, IS_MOVE_SOFTWARE,
	    IS_MOVE_HARDWARE,	IS_MOVE_CHANGES,  IS_MOVE_EVENTS,
	};
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(moves); i++) {
		sqlite3_stmt *q = rv->st[moves[i]];

		sqlite3_bind_int64(q, 1, rv->scan_id);
		sqlite3_bind_int64(q, 2, from);
		sqlite3_bind_int64(q, 3, to);
		if ((r = step_done(rv, moves[i], "moving an observation to its host")) != 0)
			return r;
	}
	return 0;
}

static int new_host(resolver *rv, const observation *o, int64_t *id)
{
	sqlite3_stmt *q = rv->st[IS_NEW_HOST];
	int r;

	bind_text_or_null(q, 1, o->has_mac ? o->mac : NULL);
	sqlite3_bind_text(q, 2, o->address, -1, SQLITE_TRANSIENT);
	sqlite3_bind_double(q, 3, o->seen_at);
	sqlite3_bind_int64(q, 4, rv->scan_id);
	if ((r = step_done(rv, IS_NEW_HOST, "adding a host")) != 0)
		return r;
	*id = sqlite3_last_insert_rowid(inventory_sqlite(rv->inv));
	return 0;
}

/* Hand the observation from the provisional host to host `to`. */
static int reassign(resolver *rv, const observation *o, bool established, int64_t to)
{
	sqlite3_stmt *q;
	int r;

	if ((r = move_rows(rv, o->host_id, to)) != 0)
		return r;
	if (!established) {
		/* by hand: the caller may run with foreign keys off (store.c) */
		q = rv->st[IS_DELETE_HOST_KEYS];
		sqlite3_bind_int64(q, 1, o->host_id);
		if ((r = step_done(rv, IS_DELETE_HOST_KEYS, "dropping a provisional host")) != 0)
			return r;
		q = rv->st[IS_DELETE_HOST];
		sqlite3_bind_int64(q, 1, o->host_id);
		return step_done(rv, IS_DELETE_HOST, "dropping a provisional host");
	}
	q = rv->st[IS_RECOMPUTE];
	sqlite3_bind_int64(q, 1, o->host_id);
	return step_done(rv, IS_RECOMPUTE, "updating a host");
}

static int touch_host(resolver *rv, const observation *o, int64_t id)
{
	sqlite3_stmt *q = rv->st[IS_TOUCH];

	bind_text_or_null(q, 1, o->has_mac ? o->mac : NULL);
	sqlite3_bind_text(q, 2, o->address, -1, SQLITE_TRANSIENT);
	sqlite3_bind_double(q, 3, o->seen_at);
	sqlite3_bind_int64(q, 4, rv->scan_id);
	sqlite3_bind_int64(q, 5, id);
	return step_done(rv, IS_TOUCH, "updating a host");
}

static int upsert_key(resolver *rv, int64_t host_id, int kind, const char *value,
		      int64_t first_scan, int64_t last_scan)
{
	sqlite3_stmt *q = rv->st[IS_UPSERT_KEY];

	sqlite3_bind_int64(q, 1, host_id);
	sqlite3_bind_text(q, 2, kind_names[kind], -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, value, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(q, 4, first_scan);
	sqlite3_bind_int64(q, 5, last_scan);
	return step_done(rv, IS_UPSERT_KEY, "recording an identity key");
}

static int store_keys(resolver *rv, const observation *o, int64_t host_id)
{
	int r;

	for (int k = 0; k < KIND__COUNT; k++) {
		if (k == KIND_ADDRESS)
			continue;
		for (int i = 0; i < o->k[k].n; i++)
			if ((r = upsert_key(rv, host_id, k, o->k[k].v[i], rv->scan_id,
					    rv->scan_id)) != 0)
				return r;
	}
	return 0;
}

static int log_change(resolver *rv, int64_t host_id, const char *field, const char *old_value,
		      const char *new_value)
{
	sqlite3_stmt *q = rv->st[IS_INSERT_CHANGE];

	/* a field unknown on either side is a shallower scan, not a change */
	if (old_value == NULL || new_value == NULL || strcmp(old_value, new_value) == 0)
		return 0;
	sqlite3_bind_int64(q, 1, host_id);
	sqlite3_bind_int64(q, 2, rv->scan_id);
	sqlite3_bind_text(q, 3, field, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 4, old_value, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 5, new_value, -1, SQLITE_TRANSIENT);
	return step_done(rv, IS_INSERT_CHANGE, "recording a change");
}

/* Compare the observation with the host's previous one; log what moved. */
static int record_changes(resolver *rv, const observation *o, int64_t host_id)
{
	sqlite3_stmt *q = rv->st[IS_DELETE_CHANGES];
	char prev_address[16] = "", prev_mac[18] = "";
	int64_t prev_scan = 0;
	bool found, had_mac = false;
	int rc, r;

	sqlite3_bind_int64(q, 1, rv->scan_id);
	sqlite3_bind_int64(q, 2, host_id);
	if ((r = step_done(rv, IS_DELETE_CHANGES, "replacing changes")) != 0)
		return r;

	q = rv->st[IS_PREVIOUS];
	sqlite3_bind_int64(q, 1, host_id);
	sqlite3_bind_int64(q, 2, rv->scan_id);
	if ((r = step_row(rv, IS_PREVIOUS, &found, "reading the previous observation")) != 0)
		return r;
	if (found) {
		prev_scan = sqlite3_column_int64(q, 0);
		snprintf(prev_address, sizeof(prev_address), "%s",
			 col_text(q, 1) ? col_text(q, 1) : "");
		if (col_text(q, 2) != NULL) {
			had_mac = true;
			snprintf(prev_mac, sizeof(prev_mac), "%s", col_text(q, 2));
		}
	}
	sqlite3_reset(q);
	if (!found)
		return 0; /* first seen now */

	if ((r = log_change(rv, host_id, "address", prev_address[0] ? prev_address : NULL,
			    o->address[0] ? o->address : NULL)) != 0 ||
	    (r = log_change(rv, host_id, "mac", had_mac ? prev_mac : NULL,
			    o->has_mac ? o->mac : NULL)) != 0)
		return r;

	q = rv->st[IS_VERDICT_PAIRS];
	sqlite3_bind_int64(q, 1, prev_scan);
	sqlite3_bind_int64(q, 2, host_id);
	sqlite3_bind_int64(q, 3, rv->scan_id);
	sqlite3_bind_int64(q, 4, host_id);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if ((r = log_change(rv, host_id, col_text(q, 0), col_text(q, 1), col_text(q, 2))) !=
		    0) {
			sqlite3_reset(q);
			return r;
		}
	}
	sqlite3_reset(q);
	if (rc != SQLITE_DONE)
		return inventory_fail(rv->inv, "comparing verdicts");
	return 0;
}

static int record_events(resolver *rv, const observation *o, int64_t host_id)
{
	sqlite3_stmt *q = rv->st[IS_DELETE_EVENTS];
	int r;

	sqlite3_bind_int64(q, 1, rv->scan_id);
	sqlite3_bind_int64(q, 2, host_id);
	if ((r = step_done(rv, IS_DELETE_EVENTS, "replacing events")) != 0)
		return r;
	q = rv->st[IS_INSERT_EVENT];
	for (int i = 0; i < o->nevents; i++) {
		sqlite3_bind_int64(q, 1, rv->scan_id);
		sqlite3_bind_int64(q, 2, host_id);
		sqlite3_bind_text(q, 3, o->events[i], -1, SQLITE_TRANSIENT);
		sqlite3_bind_double(q, 4, o->seen_at > 0 ? o->seen_at : time_wall());
		if ((r = step_done(rv, IS_INSERT_EVENT, "recording an event")) != 0)
			return r;
	}
	return 0;
}

static int resolve_one(resolver *rv, int64_t provisional)
{
	observation *o = NULL;
	bool established = false;
	int64_t host_id = 0;
	int r = NC_ERR_INTERNAL;

	if ((o = malloc(sizeof(*o))) == NULL)
		return nc_fail(NC_ERR_NOMEM, "out of memory resolving host identities");
	if ((r = read_observation(rv, provisional, o)) != 0 ||
	    (r = exists(rv, IS_OTHER_SCANS, provisional, rv->scan_id, &established)) != 0 ||
	    (r = choose_host(rv, o, established, &host_id)) != 0)
		goto out;
	if (host_id == 0 && (r = new_host(rv, o, &host_id)) != 0)
		goto out;
	if (host_id != provisional && (r = reassign(rv, o, established, host_id)) != 0)
		goto out;
	if ((r = touch_host(rv, o, host_id)) != 0 || (r = store_keys(rv, o, host_id)) != 0 ||
	    (r = record_changes(rv, o, host_id)) != 0 || (r = record_events(rv, o, host_id)) != 0)
		goto out;
	if (host_id != provisional)
		log_debug("identity: scan %lld %s: host %lld -> %lld", (long long)rv->scan_id,
			  o->address, (long long)provisional, (long long)host_id);
	r = 0;
out:
	free(o);
	return r;
}

/* The provisional host ids of the scan, read before any is moved. */
static int scan_hosts(resolver *rv, int64_t **ids_out, size_t *n_out)
{
	sqlite3_stmt *q = rv->st[IS_OBSERVATIONS];
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	int rc;

	*ids_out = NULL;
	*n_out = 0;
	sqlite3_bind_int64(q, 1, rv->scan_id);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (nc_grow(&ids, &cap, n + 1, sizeof(*ids), 256) != 0) {
			sqlite3_reset(q);
			free(ids);
			return nc_fail(NC_ERR_NOMEM, "out of memory resolving host identities");
		}
		ids[n++] = sqlite3_column_int64(q, 0);
	}
	sqlite3_reset(q);
	if (rc != SQLITE_DONE) {
		free(ids);
		return inventory_fail(rv->inv, "reading the hosts of the scan");
	}
	*ids_out = ids;
	*n_out = n;
	return 0;
}

int identity_resolve_scan(inventory_t *inv, int64_t scan_id)
{
	resolver rv;
	int64_t *ids = NULL;
	size_t n = 0;
	int r;

	if ((r = resolver_open(&rv, inv, scan_id)) != 0 || (r = scan_hosts(&rv, &ids, &n)) != 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		if ((r = resolve_one(&rv, ids[i])) != 0)
			goto out;
	r = 0;
out:
	free(ids);
	resolver_close(&rv);
	return r;
}

/* ---- schema 2 -> 3 --------------------------------------------------------- */

int identity_backfill(inventory_t *inv)
{
	/* each host's newest observation, and its newest fingerprinted one
	 * (the newest may be a discovery-only scan) */
	static const char newest_sql[] =
	    "SELECT host_id, max(scan_id) FROM host_scans GROUP BY host_id"
	    " UNION SELECT host_id, max(scan_id) FROM verdicts GROUP BY host_id"
	    " UNION SELECT host_id, max(scan_id) FROM facts GROUP BY host_id";
	static const char macs_sql[] =
	    "SELECT host_id, mac, min(scan_id), max(scan_id) FROM host_scans"
	    " WHERE mac IS NOT NULL GROUP BY host_id, mac";
	sqlite3_stmt *q = NULL;
	resolver rv;
	observation *o = NULL;
	int rc, r = NC_ERR_INTERNAL;

	if ((r = resolver_open(&rv, inv, 0)) != 0)
		goto out;
	if ((o = malloc(sizeof(*o))) == NULL) {
		r = nc_fail(NC_ERR_NOMEM, "out of memory migrating %s", inventory_path(inv));
		goto out;
	}
	if (sqlite3_prepare_v2(inventory_sqlite(inv), newest_sql, -1, &q, NULL) != SQLITE_OK) {
		r = inventory_fail(inv, "reading hosts to migrate");
		goto out;
	}
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		rv.scan_id = sqlite3_column_int64(q, 1);
		if ((r = read_observation(&rv, sqlite3_column_int64(q, 0), o)) != 0 ||
		    (r = store_keys(&rv, o, o->host_id)) != 0)
			goto out;
	}
	if (rc != SQLITE_DONE) {
		r = inventory_fail(inv, "reading hosts to migrate");
		goto out;
	}
	sqlite3_finalize(q);
	if (sqlite3_prepare_v2(inventory_sqlite(inv), macs_sql, -1, &q, NULL) != SQLITE_OK) {
		r = inventory_fail(inv, "reading MACs to migrate");
		goto out;
	}
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		char mac[18];

		if (!identity_mac_key(col_text(q, 1), mac, sizeof(mac)))
			continue;
		if ((r = upsert_key(&rv, sqlite3_column_int64(q, 0), KIND_MAC, mac,
				    sqlite3_column_int64(q, 2), sqlite3_column_int64(q, 3))) != 0)
			goto out;
	}
	if (rc != SQLITE_DONE) {
		r = inventory_fail(inv, "reading MACs to migrate");
		goto out;
	}
	r = 0;
out:
	sqlite3_finalize(q);
	free(o);
	resolver_close(&rv);
	return r;
}

/* ---- reading --------------------------------------------------------------- */

void query_host_history_free(host_history *h)
{
	for (size_t i = 0; i < h->nrows; i++) {
		free(h->rows[i].kind);
		free(h->rows[i].field);
		free(h->rows[i].old_value);
		free(h->rows[i].new_value);
	}
	free(h->rows);
	memset(h, 0, sizeof(*h));
}

static int read_history_rows(inventory_t *inv, host_history *out, size_t limit)
{
	static const char sql[] =
	    "SELECT c.scan_id, s.started_at, 'change', c.field, c.old_value, c.new_value, c.id"
	    " FROM host_changes c LEFT JOIN scans s ON s.id = c.scan_id WHERE c.host_id = ?1"
	    " UNION ALL"
	    " SELECT e.scan_id, COALESCE(s.started_at, e.at), 'event', e.kind, NULL, e.detail,"
	    " e.id FROM events e LEFT JOIN scans s ON s.id = e.scan_id WHERE e.host_id = ?1"
	    " ORDER BY 1 DESC, 3, 4, 7";
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc, r = 0;

	if (sqlite3_prepare_v2(inventory_sqlite(inv), sql, -1, &st, NULL) != SQLITE_OK)
		return inventory_fail(inv, "reading the host's history");
	sqlite3_bind_int64(st, 1, out->host_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		host_history_row *row;

		if (limit > 0 && out->nrows >= limit) {
			out->truncated = true;
			break;
		}
		if (nc_grow(&out->rows, &cap, out->nrows + 1, sizeof(*out->rows), 16) != 0) {
			r = nc_fail(NC_ERR_NOMEM, "out of memory reading the host's history");
			goto out;
		}
		row = &out->rows[out->nrows++];
		memset(row, 0, sizeof(*row));
		row->scan_id = query_column_int(st, 0, 0);
		row->at = sqlite3_column_double(st, 1);
		if ((r = query_column_text(st, 2, &row->kind)) != 0 ||
		    (r = query_column_text(st, 3, &row->field)) != 0 ||
		    (r = query_column_text(st, 4, &row->old_value)) != 0 ||
		    (r = query_column_text(st, 5, &row->new_value)) != 0)
			goto out;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = inventory_fail(inv, "reading the host's history");
out:
	sqlite3_finalize(st);
	return r;
}

int query_host_history(inventory_t *inv, int64_t host_id, size_t limit, host_history *out)
{
	static const char host_sql[] =
	    "SELECT first_seen, last_seen, first_scan, last_scan,"
	    " (SELECT count(*) FROM host_scans WHERE host_id = ?1) FROM hosts WHERE id = ?1";
	sqlite3_stmt *st = NULL;
	int rc, r = 0;

	memset(out, 0, sizeof(*out));
	out->host_id = host_id;
	if (sqlite3_prepare_v2(inventory_sqlite(inv), host_sql, -1, &st, NULL) != SQLITE_OK)
		return inventory_fail(inv, "reading the host");
	sqlite3_bind_int64(st, 1, host_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->first_seen = sqlite3_column_double(st, 0);
		out->last_seen = sqlite3_column_double(st, 1);
		out->first_scan = query_column_int(st, 2, 0);
		out->last_scan = query_column_int(st, 3, 0);
		out->scans = query_column_int(st, 4, 0);
	} else if (rc == SQLITE_DONE) {
		r = nc_fail(NC_ERR_NOT_FOUND, "database %s has no host %lld", inventory_path(inv),
			    (long long)host_id);
	} else {
		r = inventory_fail(inv, "reading the host");
	}
	sqlite3_finalize(st);
	if (r == 0 && inventory_schema_version(inv) >= 3)
		r = read_history_rows(inv, out, limit);
	if (r != 0)
		query_host_history_free(out);
	return r;
}

int query_scan_host_counts(inventory_t *inv, int64_t scan_id, int64_t *hosts, int64_t *new_hosts)
{
	static const char sql[] = "SELECT (SELECT count(*) FROM host_scans WHERE scan_id = ?1),"
				  " (SELECT count(*) FROM hosts WHERE first_scan = ?1)";
	sqlite3_stmt *st = NULL;
	int r = 0;

	*hosts = *new_hosts = 0;
	if (sqlite3_prepare_v2(inventory_sqlite(inv), sql, -1, &st, NULL) != SQLITE_OK)
		return inventory_fail(inv, "counting the hosts of a scan");
	sqlite3_bind_int64(st, 1, scan_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*hosts = sqlite3_column_int64(st, 0);
		*new_hosts = sqlite3_column_int64(st, 1);
	} else {
		r = inventory_fail(inv, "counting the hosts of a scan");
	}
	sqlite3_finalize(st);
	return r;
}
