#include "config.h"

/*
 * diff.c — comparing two scans, host by host, without loading either.
 *
 * Each scan is read through one cursor per table, every query ordered by
 * host_id (the tables' primary keys and (scan_id, host_id) indexes give that
 * order without a sort).  The two host_scans cursors drive a merge join;
 * for the host at hand every other cursor is advanced to it and its rows
 * are collected, compared with the other scan's, handed to the sink and
 * freed.  Memory is one host's rows, so two scans of 10,000 hosts with
 * hundreds of packages each cost what the biggest host costs.
 *
 * Rows inside one host that have no natural order in the schema (software,
 * hardware) are sorted here.  Text goes through diff_clean() on the way
 * in, so nothing downstream sees a byte it could choke on.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inventory/diff.h"
#include "scanner/targets.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/grow.h"

/* A reboot is reported when the uptime is this much short of what it would
 * be had the host stayed up (clocks and scan durations differ a little). */
#define UPTIME_SLACK_S 300

static const char *const field_names[] = {
    [DIFF_F_ADDRESS] = "address",
    [DIFF_F_MAC] = "mac",
    [DIFF_F_HOSTNAME] = "hostname",
    [DIFF_F_DOMAIN] = "domain",
    [DIFF_F_OS_NAME] = "os.name",
    [DIFF_F_OS_VERSION] = "os.version",
    [DIFF_F_OS_BUILD] = "os.build",
    [DIFF_F_DEVICE_TYPE] = "device.type",
    [DIFF_F_HW_VENDOR] = "hw.vendor",
    [DIFF_F_HW_MODEL] = "hw.model",
    [DIFF_F_VIRTUAL] = "virtual",
    [DIFF_F_TTL] = "ttl",
    [DIFF_F_UPTIME] = "uptime",
    [DIFF_F_SSH_HOSTKEY] = "ssh.hostkey",
    [DIFF_F_PORT] = "port",
    [DIFF_F_SERVICE] = "service",
    [DIFF_F_CPU] = "cpu",
    [DIFF_F_MEMORY] = "memory",
    [DIFF_F_DISK] = "disk",
    [DIFF_F_STORAGE] = "storage",
    [DIFF_F_NIC] = "nic",
    [DIFF_F_HARDWARE] = "hardware",
    [DIFF_F_SOFTWARE] = "software",
};
_Static_assert(ARRAY_SIZE(field_names) == DIFF_F__COUNT, "a diff field has no name");

const char *diff_field_name(diff_field f)
{
	return (unsigned)f < DIFF_F__COUNT ? field_names[f] : "?";
}

const char *diff_kind_name(diff_kind k)
{
	static const char *const names[] = {"added", "removed", "changed", "upgraded",
					    "downgraded"};

	return (unsigned)k < ARRAY_SIZE(names) ? names[k] : "?";
}

const char *diff_status_name(diff_status s)
{
	static const char *const names[] = {"new", "gone", "back", "changed"};

	return (unsigned)s < ARRAY_SIZE(names) ? names[s] : "?";
}

/* The verdict fields a diff reads, in the order they are reported. */
static const struct {
	const char *verdict;
	diff_field field;
} verdict_fields[] = {
    {"hostname", DIFF_F_HOSTNAME},   {"domain", DIFF_F_DOMAIN},
    {"os.name", DIFF_F_OS_NAME},     {"os.version", DIFF_F_OS_VERSION},
    {"os.build", DIFF_F_OS_BUILD},   {"device.type", DIFF_F_DEVICE_TYPE},
    {"hw.vendor", DIFF_F_HW_VENDOR}, {"hw.model", DIFF_F_HW_MODEL},
    {"virtual", DIFF_F_VIRTUAL},
};
#define NVERDICTS ARRAY_SIZE(verdict_fields)

int diff_parse_ignore(diff_options *opt, const char *list)
{
	static const struct {
		const char *name;
		diff_field first, last;
	} groups[] = {
	    {"os", DIFF_F_OS_NAME, DIFF_F_OS_BUILD},
	    {"hw", DIFF_F_HW_VENDOR, DIFF_F_HW_MODEL},
	    {"hardware", DIFF_F_CPU, DIFF_F_HARDWARE},
	    {"ports", DIFF_F_PORT, DIFF_F_SERVICE},
	};
	const char *p = list;

	while (*p != '\0') {
		size_t len = strcspn(p, ",");
		bool found = false;

		for (size_t i = 0; len > 0 && i < ARRAY_SIZE(groups) && !found; i++) {
			if (strlen(groups[i].name) == len && strncmp(p, groups[i].name, len) == 0) {
				for (int f = groups[i].first; f <= (int)groups[i].last; f++)
					opt->ignore[f] = true;
				found = true;
			}
		}
		for (int f = 0; len > 0 && f < DIFF_F__COUNT && !found; f++) {
			if (strlen(field_names[f]) == len && strncmp(p, field_names[f], len) == 0) {
				opt->ignore[f] = true;
				found = true;
			}
		}
		if (!found && len > 0)
			return nc_fail(
			    NC_ERR_INVALID,
			    "unknown field '%.*s' in --ignore (fields: address, mac, "
			    "hostname, domain, os, os.name, os.version, os.build, "
			    "device.type, hw, hw.vendor, hw.model, virtual, ttl, uptime, "
			    "ssh.hostkey, ports, port, service, hardware, cpu, memory, "
			    "disk, storage, nic, software)",
			    (int)(len > 64 ? 64 : len), p);
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* ------------------------------------------------------------ text */

/* May code point cp (decoded from well-formed UTF-8) be written as is to
 * a terminal, JSON and XML 1.0? See diff_clean(). */
static bool acceptable_code_point(uint32_t cp)
{
	if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
		return false; /* C0, DEL, C1 */
	if (cp >= 0xd800 && cp <= 0xdfff)
		return false; /* surrogates are not characters */
	if (cp == 0xfffe || cp == 0xffff || cp > 0x10ffff)
		return false; /* not allowed in XML */
	return true;
}

char *diff_clean(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	char *out = malloc(n + 1);
	size_t o = 0;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		size_t len;
		uint32_t cp, min;

		if (c < 0x80) {
			out[o++] = acceptable_code_point(c) ? (char)c : '?';
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			len = 2, cp = c & 0x1f, min = 0x80;
		else if ((c & 0xf0) == 0xe0)
			len = 3, cp = c & 0x0f, min = 0x800;
		else if (c >= 0xf0 && c <= 0xf4)
			len = 4, cp = c & 0x07, min = 0x10000;
		else
			len = 0, cp = 0, min = 0;
		if (len == 0 || i + len > n) {
			out[o++] = '?';
			i++;
			continue;
		}
		bool ok = true;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80) {
				ok = false;
				break;
			}
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (!ok) {
			out[o++] = '?';
			i++; /* resynchronise on the next byte */
			continue;
		}
		if (cp < min || !acceptable_code_point(cp)) {
			out[o++] = '?';
		} else {
			memcpy(out + o, s + i, len);
			o += len;
		}
		i += len;
	}
	out[o] = '\0';
	return out;
}

/* ------------------------------------------------------------ versions */

/* Order of one character in a non-digit run: '~' first (even before the
 * end of the run), then the end, then letters, then everything else. */
static int version_order(unsigned char c)
{
	if (c == '~')
		return -1;
	if (c == '\0' || (c >= '0' && c <= '9'))
		return 0;
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return c;
	return c + 256;
}

/* Compare a[0, alen) with b[0, blen): one part of a version. */
static int version_part_compare(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i = 0, j = 0;

	while (i < alen || j < blen) {
		/* non-digit runs, character by character */
		while ((i < alen && !(a[i] >= '0' && a[i] <= '9')) ||
		       (j < blen && !(b[j] >= '0' && b[j] <= '9'))) {
			int oa = version_order(i < alen ? (unsigned char)a[i] : 0);
			int ob = version_order(j < blen ? (unsigned char)b[j] : 0);

			if (oa != ob)
				return oa < ob ? -1 : 1;
			/* equal and both non-digits (neither can be the end here) */
			i++;
			j++;
		}
		/* digit runs, numerically: skip leading zeros, then the longer
		 * run is the bigger number, else the first differing digit */
		while (i < alen && a[i] == '0')
			i++;
		while (j < blen && b[j] == '0')
			j++;
		size_t da = 0, db = 0;
		while (i + da < alen && a[i + da] >= '0' && a[i + da] <= '9')
			da++;
		while (j + db < blen && b[j + db] >= '0' && b[j + db] <= '9')
			db++;
		if (da != db)
			return da < db ? -1 : 1;
		int c = memcmp(a + i, b + j, da);
		if (c != 0)
			return c < 0 ? -1 : 1;
		i += da;
		j += db;
	}
	return 0;
}

/* Split v into epoch (numeric; 0 when absent), upstream and revision. */
static void version_split(const char *v, unsigned long long *epoch, const char **up, size_t *uplen,
			  const char **rev, size_t *revlen)
{
	const char *colon = strchr(v, ':'), *dash;
	size_t n = strlen(v);

	*epoch = 0;
	if (colon != NULL && colon > v && strspn(v, "0123456789") == (size_t)(colon - v)) {
		for (const char *p = v; p < colon; p++)
			*epoch =
			    *epoch > 1000000000ull ? *epoch : *epoch * 10 + (unsigned)(*p - '0');
		n -= (size_t)(colon + 1 - v);
		v = colon + 1;
	}
	dash = NULL;
	for (size_t i = 0; i < n; i++)
		if (v[i] == '-')
			dash = v + i;
	*up = v;
	if (dash != NULL) {
		*uplen = (size_t)(dash - v);
		*rev = dash + 1;
		*revlen = n - *uplen - 1;
	} else {
		*uplen = n;
		*rev = "";
		*revlen = 0;
	}
}

int diff_version_compare(const char *a, const char *b)
{
	unsigned long long ea, eb;
	const char *ua, *ub, *ra, *rb;
	size_t ual, ubl, ral, rbl;
	int c;

	version_split(a ? a : "", &ea, &ua, &ual, &ra, &ral);
	version_split(b ? b : "", &eb, &ub, &ubl, &rb, &rbl);
	if (ea != eb)
		return ea < eb ? -1 : 1;
	if ((c = version_part_compare(ua, ual, ub, ubl)) != 0)
		return c;
	return version_part_compare(ra, ral, rb, rbl);
}

/* ------------------------------------------------------------ one host */

typedef struct {
	char *proto, *state, *name, *product, *version;
	int port;
} dport;

typedef struct {
	char *name, *arch, *version;
} dsoft;

typedef struct {
	char *kind, *name, *vendor, *model, *serial, *firmware, *extra;
	int64_t size;
} dhw;

/* Everything one scan knows about one host, as far as the diff cares. */
typedef struct {
	bool present;
	char *address, *mac;
	uint32_t address_int;
	int ttl;
	char *verdict[NVERDICTS];
	char *hostkey_type, *hostkey_sha256;
	int64_t uptime; /* seconds, -1 unknown */
	dport *ports;
	size_t nports, cap_ports;
	dsoft *sw;
	size_t nsw, cap_sw;
	dhw *hw;
	size_t nhw, cap_hw;
} hostdata;

static void hostdata_clear(hostdata *h)
{
	free(h->address);
	free(h->mac);
	for (size_t i = 0; i < NVERDICTS; i++)
		free(h->verdict[i]);
	free(h->hostkey_type);
	free(h->hostkey_sha256);
	for (size_t i = 0; i < h->nports; i++) {
		dport *p = &h->ports[i];
		free(p->proto), free(p->state), free(p->name), free(p->product), free(p->version);
	}
	free(h->ports);
	for (size_t i = 0; i < h->nsw; i++)
		free(h->sw[i].name), free(h->sw[i].arch), free(h->sw[i].version);
	free(h->sw);
	for (size_t i = 0; i < h->nhw; i++) {
		dhw *w = &h->hw[i];
		free(w->kind), free(w->name), free(w->vendor), free(w->model), free(w->serial);
		free(w->firmware), free(w->extra);
	}
	free(h->hw);
	memset(h, 0, sizeof(*h));
	h->ttl = -1;
	h->uptime = -1;
}

/* ------------------------------------------------------------ cursors */

enum { T_HOSTS, T_VERDICTS, T_PORTS, T_FACTS, T_SOFTWARE, T_HARDWARE, T__COUNT };

/* Column 0 of each is host_id; ?1 is the scan. */
static const char *const table_sql[T__COUNT] = {
    [T_HOSTS] = "SELECT host_id, address, mac, ttl, address_int FROM host_scans"
		" WHERE scan_id = ?1 ORDER BY host_id",
    [T_VERDICTS] = "SELECT host_id, field, value FROM verdicts WHERE scan_id = ?1"
		   " ORDER BY host_id",
    [T_PORTS] = "SELECT p.host_id, p.proto, p.port, p.state, s.name, s.product, s.version"
		" FROM ports p LEFT JOIN services s ON s.scan_id = p.scan_id"
		"  AND s.host_id = p.host_id AND s.proto = p.proto AND s.port = p.port"
		" WHERE p.scan_id = ?1 ORDER BY p.host_id, p.proto, p.port",
    [T_FACTS] = "SELECT host_id, key, value FROM facts WHERE scan_id = ?1"
		" AND key IN ('ssh.hostkey.type', 'ssh.hostkey.sha256', 'os.uptime',"
		" 'snmp.sysUpTime') ORDER BY host_id",
    [T_SOFTWARE] = "SELECT host_id, name, version, arch FROM software WHERE scan_id = ?1"
		   " ORDER BY host_id",
    [T_HARDWARE] = "SELECT host_id, kind, name, vendor, model, serial, firmware, extra,"
		   " size_bytes FROM hardware WHERE scan_id = ?1 ORDER BY host_id",
};

typedef struct {
	sqlite3_stmt *st;
	bool row; /* a current row is there */
	int64_t host_id;
} cursor;

typedef struct {
	inventory_t *inv;
	cursor c[T__COUNT];
} side;

static int cursor_step(inventory_t *inv, cursor *c)
{
	int rc = sqlite3_step(c->st);

	if (rc == SQLITE_ROW) {
		c->row = true;
		c->host_id = sqlite3_column_int64(c->st, 0);
		return 0;
	}
	c->row = false;
	if (rc != SQLITE_DONE)
		return inventory_fail(inv, "reading a scan for the diff");
	return 0;
}

static int side_open(inventory_t *inv, int64_t scan_id, side *s)
{
	int r;

	memset(s, 0, sizeof(*s));
	s->inv = inv;
	for (int t = 0; t < T__COUNT; t++) {
		if (sqlite3_prepare_v2(inventory_sqlite(inv), table_sql[t], -1, &s->c[t].st,
				       NULL) != SQLITE_OK)
			return inventory_fail(inv, "preparing the diff queries");
		sqlite3_bind_int64(s->c[t].st, 1, scan_id);
		if ((r = cursor_step(inv, &s->c[t])) != 0)
			return r;
	}
	return 0;
}

static void side_close(side *s)
{
	for (int t = 0; t < T__COUNT; t++)
		sqlite3_finalize(s->c[t].st);
}

/* Column col as clean text (NULL for SQL NULL): 0 or NC_ERR_NOMEM. */
static int col_text(sqlite3_stmt *st, int col, char **out)
{
	const char *s;

	*out = NULL;
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return 0;
	s = (const char *)sqlite3_column_text(st, col);
	if (s == NULL || (*out = diff_clean(s, (size_t)sqlite3_column_bytes(st, col))) == NULL)
		return nc_fail(NC_ERR_NOMEM, "out of memory reading the inventory");
	return 0;
}

static int64_t col_int(sqlite3_stmt *st, int col, int64_t absent)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? absent : sqlite3_column_int64(st, col);
}

static int nomem(void)
{
	return nc_fail(NC_ERR_NOMEM, "out of memory comparing scans");
}

/* Read the current row of table t into h. */
static int read_row(int t, sqlite3_stmt *st, hostdata *h)
{
	int r = 0;

	switch (t) {
	case T_HOSTS:
		h->present = true;
		h->ttl = (int)col_int(st, 3, -1);
		h->address_int = (uint32_t)col_int(st, 4, 0);
		if ((r = col_text(st, 1, &h->address)) != 0 || (r = col_text(st, 2, &h->mac)) != 0)
			return r;
		return 0;
	case T_VERDICTS: {
		const char *field = (const char *)sqlite3_column_text(st, 1);

		for (size_t i = 0; field != NULL && i < NVERDICTS; i++) {
			if (strcmp(field, verdict_fields[i].verdict) == 0 && h->verdict[i] == NULL)
				return col_text(st, 2, &h->verdict[i]);
		}
		return 0;
	}
	case T_PORTS: {
		dport *p;

		if (nc_grow(&h->ports, &h->cap_ports, h->nports + 1, sizeof(*p), 16) != 0)
			return nomem();
		p = &h->ports[h->nports++];
		memset(p, 0, sizeof(*p));
		p->port = (int)col_int(st, 2, 0);
		if ((r = col_text(st, 1, &p->proto)) != 0 ||
		    (r = col_text(st, 3, &p->state)) != 0 || (r = col_text(st, 4, &p->name)) != 0 ||
		    (r = col_text(st, 5, &p->product)) != 0 ||
		    (r = col_text(st, 6, &p->version)) != 0)
			return r;
		return 0;
	}
	case T_FACTS: {
		const char *key = (const char *)sqlite3_column_text(st, 1);
		char **slot = NULL;

		if (key == NULL)
			return 0;
		if (strcmp(key, "ssh.hostkey.type") == 0)
			slot = &h->hostkey_type;
		else if (strcmp(key, "ssh.hostkey.sha256") == 0)
			slot = &h->hostkey_sha256;
		else if (strcmp(key, "os.uptime") == 0 ||
			 (strcmp(key, "snmp.sysUpTime") == 0 && h->uptime < 0)) {
			const char *v = (const char *)sqlite3_column_text(st, 2);
			char *end;
			long long up = v ? strtoll(v, &end, 10) : -1;

			if (v != NULL && end != v && *end == '\0' && up >= 0)
				h->uptime = up;
			return 0;
		}
		if (slot != NULL && *slot == NULL)
			return col_text(st, 2, slot);
		return 0;
	}
	case T_SOFTWARE: {
		dsoft *s;

		if (nc_grow(&h->sw, &h->cap_sw, h->nsw + 1, sizeof(*s), 64) != 0)
			return nomem();
		s = &h->sw[h->nsw++];
		memset(s, 0, sizeof(*s));
		if ((r = col_text(st, 1, &s->name)) != 0 ||
		    (r = col_text(st, 2, &s->version)) != 0 || (r = col_text(st, 3, &s->arch)) != 0)
			return r;
		return 0;
	}
	case T_HARDWARE: {
		dhw *w;

		if (nc_grow(&h->hw, &h->cap_hw, h->nhw + 1, sizeof(*w), 16) != 0)
			return nomem();
		w = &h->hw[h->nhw++];
		memset(w, 0, sizeof(*w));
		w->size = col_int(st, 8, -1);
		if ((r = col_text(st, 1, &w->kind)) != 0 || (r = col_text(st, 2, &w->name)) != 0 ||
		    (r = col_text(st, 3, &w->vendor)) != 0 ||
		    (r = col_text(st, 4, &w->model)) != 0 ||
		    (r = col_text(st, 5, &w->serial)) != 0 ||
		    (r = col_text(st, 6, &w->firmware)) != 0 ||
		    (r = col_text(st, 7, &w->extra)) != 0)
			return r;
		return 0;
	}
	}
	return 0;
}

static int nullcmp(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int soft_cmp(const void *pa, const void *pb)
{
	const dsoft *a = pa, *b = pb;
	int c;

	if ((c = nullcmp(a->name, b->name)) != 0 || (c = nullcmp(a->arch, b->arch)) != 0)
		return c;
	return nullcmp(a->version, b->version);
}

static int hw_cmp(const void *pa, const void *pb)
{
	const dhw *a = pa, *b = pb;
	int c;

	if ((c = nullcmp(a->kind, b->kind)) != 0 || (c = nullcmp(a->name, b->name)) != 0 ||
	    (c = nullcmp(a->serial, b->serial)) != 0 || (c = nullcmp(a->model, b->model)) != 0)
		return c;
	return a->size < b->size ? -1 : a->size > b->size;
}

/* Collect the rows of host_id from every cursor but the hosts one (which
 * the caller has read already). */
static int side_load(side *s, int64_t host_id, hostdata *h)
{
	int r;

	for (int t = T_HOSTS + 1; t < T__COUNT; t++) {
		cursor *c = &s->c[t];

		while (c->row && c->host_id < host_id)
			if ((r = cursor_step(s->inv, c)) != 0)
				return r;
		while (c->row && c->host_id == host_id) {
			if ((r = read_row(t, c->st, h)) != 0 || (r = cursor_step(s->inv, c)) != 0)
				return r;
		}
	}
	if (h->nsw > 1)
		qsort(h->sw, h->nsw, sizeof(*h->sw), soft_cmp);
	if (h->nhw > 1)
		qsort(h->hw, h->nhw, sizeof(*h->hw), hw_cmp);
	return 0;
}

/* ------------------------------------------------------------ changes */

/* The changes of one host, and the strings they point to. */
typedef struct {
	diff_change *ch;
	size_t n, cap;
	char **strs;
	size_t nstrs, cap_strs;
	const diff_options *opt;
} changeset;

static void changeset_reset(changeset *cs)
{
	for (size_t i = 0; i < cs->nstrs; i++)
		free(cs->strs[i]);
	cs->nstrs = 0;
	cs->n = 0;
}

static void changeset_free(changeset *cs)
{
	changeset_reset(cs);
	free(cs->strs);
	free(cs->ch);
}

/* Keep a malloc'd string for the life of the host; NULL stays NULL. */
static int keep(changeset *cs, char *s, const char **out)
{
	*out = s;
	if (s == NULL)
		return 0;
	if (nc_grow(&cs->strs, &cs->cap_strs, cs->nstrs + 1, sizeof(char *), 32) != 0) {
		free(s);
		return nomem();
	}
	cs->strs[cs->nstrs++] = s;
	return 0;
}

static int keepf(changeset *cs, const char **out, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int keepf(changeset *cs, const char **out, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return nomem();
	return keep(cs, s, out);
}

/* Add a change; item, old and new must outlive the host (engine rows or
 * kept strings). */
static int add(changeset *cs, diff_field f, diff_kind k, const char *item, const char *old,
	       const char *new)
{
	diff_change *c;

	if (nc_grow(&cs->ch, &cs->cap, cs->n + 1, sizeof(*c), 16) != 0)
		return nomem();
	c = &cs->ch[cs->n++];
	c->field = f;
	c->kind = k;
	c->item = item;
	c->old_value = old;
	c->new_value = new;
	return 0;
}

/* A single-valued field: a change when the values differ. */
static int scalar(changeset *cs, diff_field f, const char *old, const char *new)
{
	if (cs->opt->ignore[f] || nullcmp(old, new) == 0 || (old == NULL && *new == '\0') ||
	    (new == NULL &&*old == '\0'))
		return 0;
	return add(cs, f,
		   old == NULL	 ? DIFF_ADDED
		   : new == NULL ? DIFF_REMOVED
				 : DIFF_CHANGED,
		   NULL, old, new);
}

/* "open ssh OpenSSH 9.2p1" for a port: its state, then what runs there. */
static int port_value(changeset *cs, const dport *p, bool with_service, const char **out)
{
	if (!with_service || (p->name == NULL && p->product == NULL && p->version == NULL))
		return keepf(cs, out, "%s", p->state ? p->state : "seen");
	return keepf(cs, out, "%s%s%s%s%s%s%s", p->state ? p->state : "seen", p->name ? " " : "",
		     p->name ? p->name : "", p->product ? " " : "", p->product ? p->product : "",
		     p->version ? " " : "", p->version ? p->version : "");
}

static int port_cmp(const dport *a, const dport *b)
{
	int c = nullcmp(a->proto, b->proto);

	return c != 0 ? c : (a->port > b->port) - (a->port < b->port);
}

static int port_item(changeset *cs, const dport *p, const char **out)
{
	/* compare_ports() passes the side that has the port */
	/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
	return keepf(cs, out, "%s/%d", p->proto ? p->proto : "?", p->port);
}

static int compare_ports(changeset *cs, const hostdata *o, const hostdata *n)
{
	bool want_state = !cs->opt->ignore[DIFF_F_PORT];
	bool want_service = !cs->opt->ignore[DIFF_F_SERVICE];
	size_t i = 0, j = 0;
	int r;

	if (!want_state && !want_service)
		return 0;
	while (i < o->nports || j < n->nports) {
		const dport *a = i < o->nports ? &o->ports[i] : NULL;
		const dport *b = j < n->nports ? &n->ports[j] : NULL;
		int c = a == NULL ? 1 : b == NULL ? -1 : port_cmp(a, b);
		const char *item, *ov = NULL, *nv = NULL;

		if (c != 0) {
			/* on one side only: a port opened or closed as a whole */
			if (want_state) {
				const dport *p = c < 0 ? a : b;

				if ((r = port_item(cs, p, &item)) != 0 ||
				    (r = port_value(cs, p, want_service, c < 0 ? &ov : &nv)) != 0 ||
				    (r = add(cs, DIFF_F_PORT, c < 0 ? DIFF_REMOVED : DIFF_ADDED,
					     item, ov, nv)) != 0)
					return r;
			}
			if (c < 0)
				i++;
			else
				j++;
			continue;
		}
		bool state_diff = want_state && nullcmp(a->state, b->state) != 0;
		bool service_diff = want_service && (nullcmp(a->name, b->name) != 0 ||
						     nullcmp(a->product, b->product) != 0 ||
						     nullcmp(a->version, b->version) != 0);
		if (state_diff || service_diff) {
			if ((r = port_item(cs, a, &item)) != 0 ||
			    (r = port_value(cs, a, want_service, &ov)) != 0 ||
			    (r = port_value(cs, b, want_service, &nv)) != 0 ||
			    (r = add(cs, state_diff ? DIFF_F_PORT : DIFF_F_SERVICE, DIFF_CHANGED,
				     item, ov, nv)) != 0)
				return r;
		}
		i++;
		j++;
	}
	return 0;
}

static diff_field hw_field(const char *kind)
{
	static const struct {
		const char *kind;
		diff_field f;
	} map[] = {{"cpu", DIFF_F_CPU},
		   {"memory", DIFF_F_MEMORY},
		   {"disk", DIFF_F_DISK},
		   {"storage", DIFF_F_STORAGE},
		   {"nic", DIFF_F_NIC}};

	for (size_t i = 0; kind != NULL && i < ARRAY_SIZE(map); i++)
		if (strcmp(kind, map[i].kind) == 0)
			return map[i].f;
	return DIFF_F_HARDWARE;
}

/* A size a person reads: "16.0 GiB", "512 MiB", "931.5 GiB". */
static void human_size(int64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
	double v = (double)bytes;
	size_t u = 0;

	while (v >= 1024 && u + 1 < ARRAY_SIZE(units)) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%lld B", (long long)bytes);
	else
		snprintf(buf, len, "%.1f %s", v, units[u]);
}

/* The value of a "mac=..." pair in a hardware extra, copied into buf. */
static const char *extra_value(const char *extra, const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key);

	for (const char *p = extra; p != NULL && *p != '\0';) {
		size_t n = strcspn(p, ";");

		if (n > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
			snprintf(buf, len, "%.*s", (int)(n - klen - 1), p + klen + 1);
			return buf;
		}
		p += n;
		if (*p == ';')
			p++;
	}
	return NULL;
}

/* Append " text" (or "text" at the start) to buf[0, len); silently cut. */
static void append(char *buf, size_t len, const char *prefix, const char *text)
{
	size_t used = strlen(buf);

	if (text == NULL || *text == '\0' || used + 1 >= len)
		return;
	snprintf(buf + used, len - used, "%s%s%s", used ? " " : "", prefix, text);
}

/* What is compared of a piece of hardware, as one line: vendor, model,
 * size, serial, firmware; for a CPU its topology; for a NIC its MAC.
 * Used bytes and free space are never part of it (they always move). */
static int hw_value(changeset *cs, const dhw *w, const char **out)
{
	char buf[1024] = "", size[32] = "", mac[64];
	bool cpu = w->kind != NULL && strcmp(w->kind, "cpu") == 0;
	bool nic = w->kind != NULL && strcmp(w->kind, "nic") == 0;

	if (w->size >= 0)
		human_size(w->size, size, sizeof(size));
	append(buf, sizeof(buf), "", w->vendor);
	append(buf, sizeof(buf), "", w->model);
	append(buf, sizeof(buf), "", size);
	append(buf, sizeof(buf), "serial ", w->serial);
	append(buf, sizeof(buf), "firmware ", w->firmware);
	if (cpu)
		append(buf, sizeof(buf), "", w->extra);
	if (nic)
		append(buf, sizeof(buf), "mac ", extra_value(w->extra, "mac", mac, sizeof(mac)));
	return keepf(cs, out, "%s", buf[0] ? buf : "present");
}

/* The item name of a piece of hardware: its name; for the kinds without a
 * field of their own, "KIND NAME". */
static int hw_item(changeset *cs, const dhw *w, const char **out)
{
	if (hw_field(w->kind) == DIFF_F_HARDWARE)
		return keepf(cs, out, "%s %s", w->kind ? w->kind : "?", w->name ? w->name : "-");
	return keepf(cs, out, "%s", w->name ? w->name : "-");
}

/* Hardware is paired by (kind, name) and, for several items of the same
 * name (four identical CPUs), by their order after sorting. */
static int hw_key_cmp(const dhw *a, const dhw *b)
{
	int c = nullcmp(a->kind, b->kind);

	return c != 0 ? c : nullcmp(a->name, b->name);
}

/* Summary of an inventory part one scan did not collect. */
static int count_value(changeset *cs, size_t n, const char *what, const char **out)
{
	return keepf(cs, out, "%zu %s", n, what);
}

static int compare_hardware(changeset *cs, const hostdata *o, const hostdata *n)
{
	size_t i = 0, j = 0;
	int r;

	if (o->nhw == 0 || n->nhw == 0) {
		/* one scan did not inventory this host's hardware: say so once
		 * rather than list every item as added or removed */
		const char *ov = NULL, *nv = NULL;

		if ((o->nhw == 0 && n->nhw == 0) || cs->opt->ignore[DIFF_F_HARDWARE])
			return 0;
		if ((r = count_value(cs, o->nhw ? o->nhw : n->nhw, "items", o->nhw ? &ov : &nv)) !=
		    0)
			return r;
		return add(cs, DIFF_F_HARDWARE, o->nhw ? DIFF_REMOVED : DIFF_ADDED, NULL, ov, nv);
	}
	while (i < o->nhw || j < n->nhw) {
		const dhw *a = i < o->nhw ? &o->hw[i] : NULL;
		const dhw *b = j < n->nhw ? &n->hw[j] : NULL;
		int c = a == NULL ? 1 : b == NULL ? -1 : hw_key_cmp(a, b);
		const dhw *w = c <= 0 ? a : b;
		/* the loop runs while a side has rows: c picks that side */
		/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
		diff_field f = hw_field(w->kind);
		const char *item, *ov = NULL, *nv = NULL;

		if (c < 0)
			i++;
		else if (c > 0)
			j++;
		else
			i++, j++;
		if (cs->opt->ignore[f])
			continue;
		if ((c <= 0 && (r = hw_value(cs, a, &ov)) != 0) ||
		    (c >= 0 && (r = hw_value(cs, b, &nv)) != 0))
			return r;
		if (c == 0 && strcmp(ov, nv) == 0)
			continue;
		if ((r = hw_item(cs, w, &item)) != 0 || (r = add(cs, f,
								 c < 0	 ? DIFF_REMOVED
								 : c > 0 ? DIFF_ADDED
									 : DIFF_CHANGED,
								 item, ov, nv)) != 0)
			return r;
	}
	return 0;
}

/* One package name's versions on both sides, after the versions present on
 * both were set aside: one each is an upgrade or downgrade, anything else
 * is removals and additions. */
static int software_group(changeset *cs, const char *label, const dsoft *o, size_t on,
			  const dsoft *n, size_t nn)
{
	bool *o_used = NULL, *n_used = NULL;
	size_t o_left = on, n_left = nn;
	int r = 0;

	if ((o_used = calloc(on + 1, 1)) == NULL || (n_used = calloc(nn + 1, 1)) == NULL) {
		r = nomem();
		goto out;
	}
	for (size_t i = 0; i < on; i++)
		for (size_t j = 0; j < nn; j++)
			if (!n_used[j] && nullcmp(o[i].version, n[j].version) == 0) {
				o_used[i] = n_used[j] = true;
				o_left--, n_left--;
				break;
			}
	if (o_left == 1 && n_left == 1) {
		const dsoft *a = NULL, *b = NULL;
		int c;

		for (size_t i = 0; i < on; i++)
			if (!o_used[i])
				a = &o[i];
		for (size_t j = 0; j < nn; j++)
			if (!n_used[j])
				b = &n[j];
		c = diff_version_compare(a->version, b->version);
		r = add(cs, DIFF_F_SOFTWARE,
			c < 0	? DIFF_UPGRADED
			: c > 0 ? DIFF_DOWNGRADED
				: DIFF_CHANGED,
			label, a->version ? a->version : "", b->version ? b->version : "");
		goto out;
	}
	for (size_t i = 0; i < on; i++)
		if (!o_used[i] && (r = add(cs, DIFF_F_SOFTWARE, DIFF_REMOVED, label,
					   o[i].version ? o[i].version : "", NULL)) != 0)
			goto out;
	for (size_t j = 0; j < nn; j++)
		if (!n_used[j] && (r = add(cs, DIFF_F_SOFTWARE, DIFF_ADDED, label, NULL,
					   n[j].version ? n[j].version : "")) != 0)
			goto out;
out:
	free(o_used);
	free(n_used);
	return r;
}

/* All of one package name's rows on both sides (sorted by arch, then
 * version). Usually one architecture: compared as one group, named by the
 * package. A multiarch package (libc6 for amd64 and i386), or one that
 * changed architecture, is compared per architecture, named "NAME:ARCH". */
static int software_name(changeset *cs, const dsoft *o, size_t on, const dsoft *n, size_t nn)
{
	const char *arch0 = on ? o[0].arch : n[0].arch;
	bool one_arch = true;
	size_t i = 0, j = 0;
	int r;

	for (size_t k = 0; k < on && one_arch; k++)
		one_arch = nullcmp(o[k].arch, arch0) == 0;
	for (size_t k = 0; k < nn && one_arch; k++)
		one_arch = nullcmp(n[k].arch, arch0) == 0;
	if (one_arch)
		return software_group(cs, on ? o[0].name : n[0].name, o, on, n, nn);
	while (i < on || j < nn) {
		const dsoft *head = i < on ? &o[i] : &n[j];
		const char *label;
		size_t i0, j0;

		if (i < on && j < nn && nullcmp(n[j].arch, head->arch) < 0)
			head = &n[j];
		if ((r = keepf(cs, &label, "%s%s%s", head->name, head->arch ? ":" : "",
			       head->arch ? head->arch : "")) != 0)
			return r;
		for (i0 = i; i < on && nullcmp(o[i].arch, head->arch) == 0; i++)
			;
		for (j0 = j; j < nn && nullcmp(n[j].arch, head->arch) == 0; j++)
			;
		if ((r = software_group(cs, label, o + i0, i - i0, n + j0, j - j0)) != 0)
			return r;
	}
	return 0;
}

static int compare_software(changeset *cs, const hostdata *o, const hostdata *n)
{
	size_t i = 0, j = 0;
	int r;

	if (cs->opt->ignore[DIFF_F_SOFTWARE] || (o->nsw == 0 && n->nsw == 0))
		return 0;
	if (o->nsw == 0 || n->nsw == 0) {
		const char *ov = NULL, *nv = NULL;

		if ((r = count_value(cs, o->nsw ? o->nsw : n->nsw, "packages",
				     o->nsw ? &ov : &nv)) != 0)
			return r;
		return add(cs, DIFF_F_SOFTWARE, o->nsw ? DIFF_REMOVED : DIFF_ADDED, NULL, ov, nv);
	}
	while (i < o->nsw || j < n->nsw) {
		const char *name = i < o->nsw ? o->sw[i].name : n->sw[j].name;
		size_t i0, j0;

		if (i < o->nsw && j < n->nsw && nullcmp(n->sw[j].name, name) < 0)
			name = n->sw[j].name;
		for (i0 = i; i < o->nsw && nullcmp(o->sw[i].name, name) == 0; i++)
			;
		for (j0 = j; j < n->nsw && nullcmp(n->sw[j].name, name) == 0; j++)
			;
		if ((r = software_name(cs, o->sw + i0, i - i0, n->sw + j0, j - j0)) != 0)
			return r;
	}
	return 0;
}

static int hostkey_value(changeset *cs, const hostdata *h, const char **out)
{
	*out = NULL;
	if (h->hostkey_sha256 == NULL)
		return 0;
	return keepf(cs, out, "%s%s%s", h->hostkey_type ? h->hostkey_type : "",
		     h->hostkey_type ? " " : "", h->hostkey_sha256);
}

/* "3d 04:12" */
static int uptime_value(changeset *cs, int64_t s, const char *suffix, const char **out)
{
	return keepf(cs, out, "%lldd %02lld:%02lld%s", (long long)(s / 86400),
		     (long long)(s % 86400 / 3600), (long long)(s % 3600 / 60), suffix);
}

/* Everything that differs between two observations of one host. */
static int compare_host(changeset *cs, const hostdata *o, const hostdata *n, double elapsed)
{
	const char *ov, *nv;
	int r;

	if ((r = scalar(cs, DIFF_F_ADDRESS, o->address, n->address)) != 0 ||
	    (r = scalar(cs, DIFF_F_MAC, o->mac, n->mac)) != 0)
		return r;
	for (size_t i = 0; i < NVERDICTS; i++)
		if ((r = scalar(cs, verdict_fields[i].field, o->verdict[i], n->verdict[i])) != 0)
			return r;
	if (!cs->opt->ignore[DIFF_F_TTL] && o->ttl >= 0 && n->ttl >= 0 && o->ttl != n->ttl) {
		if ((r = keepf(cs, &ov, "%d", o->ttl)) != 0 ||
		    (r = keepf(cs, &nv, "%d", n->ttl)) != 0 ||
		    (r = add(cs, DIFF_F_TTL, DIFF_CHANGED, NULL, ov, nv)) != 0)
			return r;
	}
	/* Uptime always grows; only a reboot is news: the new uptime is
	 * shorter than the old one plus the time between the scans. */
	if (!cs->opt->ignore[DIFF_F_UPTIME] && o->uptime >= 0 && n->uptime >= 0 &&
	    (double)n->uptime + UPTIME_SLACK_S < (double)o->uptime + (elapsed > 0 ? elapsed : 0)) {
		if ((r = uptime_value(cs, o->uptime, "", &ov)) != 0 ||
		    (r = uptime_value(cs, n->uptime, " (rebooted)", &nv)) != 0 ||
		    (r = add(cs, DIFF_F_UPTIME, DIFF_CHANGED, NULL, ov, nv)) != 0)
			return r;
	}
	/* A key only one scan read says nothing (SSH was not tried, or failed);
	 * two different keys do. */
	if (!cs->opt->ignore[DIFF_F_SSH_HOSTKEY] && o->hostkey_sha256 && n->hostkey_sha256 &&
	    (strcmp(o->hostkey_sha256, n->hostkey_sha256) != 0 ||
	     nullcmp(o->hostkey_type, n->hostkey_type) != 0)) {
		if ((r = hostkey_value(cs, o, &ov)) != 0 || (r = hostkey_value(cs, n, &nv)) != 0 ||
		    (r = add(cs, DIFF_F_SSH_HOSTKEY, DIFF_CHANGED, NULL, ov, nv)) != 0)
			return r;
	}
	if ((r = compare_ports(cs, o, n)) != 0 || (r = compare_hardware(cs, o, n)) != 0)
		return r;
	return compare_software(cs, o, n);
}

/* What a host seen on one side only is: its identity, OS, open ports, the
 * CPU, memory and disks, and how many packages — not every package. */
static int describe_host(changeset *cs, const hostdata *h, bool gone)
{
	diff_kind k = gone ? DIFF_REMOVED : DIFF_ADDED;
	const char *v;
	int r;

#define ONE_SIDE(f, item, value) add(cs, f, k, item, gone ? (value) : NULL, gone ? NULL : (value))
	if (h->mac != NULL && !cs->opt->ignore[DIFF_F_MAC] &&
	    (r = ONE_SIDE(DIFF_F_MAC, NULL, h->mac)) != 0)
		return r;
	for (size_t i = 0; i < NVERDICTS; i++) {
		if (h->verdict[i] == NULL || h->verdict[i][0] == '\0' ||
		    cs->opt->ignore[verdict_fields[i].field])
			continue;
		if ((r = ONE_SIDE(verdict_fields[i].field, NULL, h->verdict[i])) != 0)
			return r;
	}
	if (!cs->opt->ignore[DIFF_F_SSH_HOSTKEY] && h->hostkey_sha256 != NULL) {
		if ((r = hostkey_value(cs, h, &v)) != 0 ||
		    (r = ONE_SIDE(DIFF_F_SSH_HOSTKEY, NULL, v)) != 0)
			return r;
	}
	for (size_t i = 0; !cs->opt->ignore[DIFF_F_PORT] && i < h->nports; i++) {
		const char *item;

		if (nullcmp(h->ports[i].state, "open") != 0)
			continue;
		if ((r = port_item(cs, &h->ports[i], &item)) != 0 ||
		    (r = port_value(cs, &h->ports[i], !cs->opt->ignore[DIFF_F_SERVICE], &v)) != 0 ||
		    (r = ONE_SIDE(DIFF_F_PORT, item, v)) != 0)
			return r;
	}
	for (size_t i = 0; i < h->nhw; i++) {
		const dhw *w = &h->hw[i];
		diff_field f = hw_field(w->kind);
		const char *item;

		if ((f != DIFF_F_CPU && f != DIFF_F_MEMORY && f != DIFF_F_DISK) ||
		    cs->opt->ignore[f])
			continue;
		if ((r = hw_item(cs, w, &item)) != 0 || (r = hw_value(cs, w, &v)) != 0 ||
		    (r = ONE_SIDE(f, item, v)) != 0)
			return r;
	}
	if (h->nsw > 0 && !cs->opt->ignore[DIFF_F_SOFTWARE]) {
		if ((r = count_value(cs, h->nsw, "packages", &v)) != 0 ||
		    (r = ONE_SIDE(DIFF_F_SOFTWARE, NULL, v)) != 0)
			return r;
	}
#undef ONE_SIDE
	return 0;
}

/* ------------------------------------------------------------ scope */

/*
 * Which addresses scan NEW was asked to cover, from its recorded target
 * description (targets_describe(): "SPEC,SPEC (excluding SPEC,...)").
 * Numeric specs are parsed back; a hostname or "file:PATH" cannot be
 * (resolving or reading now would not say what the scan used), so the
 * scope is then "partial": only addresses inside the numeric part count
 * as covered, and unknown excludes make nothing certain.
 */
typedef struct {
	targets_t *t;
	bool known;	     /* every include spec parsed */
	bool excludes_known; /* every exclude spec parsed */
} scope;

static bool numeric_spec(const char *s, size_t n)
{
	return n > 0 && strspn(s, "0123456789./-") >= n;
}

static int scope_add(scope *sc, const char *list, size_t len, bool exclude)
{
	char spec[128];
	int r;

	for (size_t i = 0; i < len;) {
		size_t n = 0;

		while (i + n < len && list[i + n] != ',')
			n++;
		if (!numeric_spec(list + i, n) || n >= sizeof(spec)) {
			if (n > 0) {
				if (exclude)
					sc->excludes_known = false;
				else
					sc->known = false;
			}
		} else {
			memcpy(spec, list + i, n);
			spec[n] = '\0';
			r = exclude ? targets_exclude_list(sc->t, spec)
				    : targets_add_spec(sc->t, spec);
			if (r == NC_ERR_NOMEM)
				return r;
			if (r != 0) {
				nc_clear_error();
				if (exclude)
					sc->excludes_known = false;
				else
					sc->known = false;
			}
		}
		i += n + 1;
	}
	return 0;
}

static int scope_init(scope *sc, const char *desc)
{
	static const char marker[] = " (excluding ";
	const char *ex;
	size_t inc_len;
	int r;

	sc->known = sc->excludes_known = true;
	if ((sc->t = targets_new()) == NULL)
		return nomem();
	if (desc == NULL) {
		sc->known = false;
		return targets_finalize(sc->t);
	}
	ex = strstr(desc, marker);
	inc_len = ex ? (size_t)(ex - desc) : strlen(desc);
	if ((r = scope_add(sc, desc, inc_len, false)) != 0)
		return r;
	if (ex != NULL) {
		const char *list = ex + strlen(marker);
		size_t n = strlen(list);

		if (n > 0 && list[n - 1] == ')')
			n--;
		if ((r = scope_add(sc, list, n, true)) != 0)
			return r;
	}
	return targets_finalize(sc->t);
}

static bool scope_covers(const scope *sc, uint32_t ip)
{
	return sc->excludes_known && targets_contains(sc->t, ip);
}

/* ------------------------------------------------------------ the run */

int diff_run(inventory_t *inv, const scan_row *old_scan, const scan_row *new_scan,
	     const diff_options *opt, const diff_sink *sink, void *ctx, diff_summary *sum)
{
	side so, sn;
	hostdata ho, hn;
	changeset cs = {.opt = opt};
	scope sc = {0};
	sqlite3_stmt *seen_q = NULL;
	diff_header hdr = {.old_scan = old_scan, .new_scan = new_scan};
	double elapsed = new_scan->started_at - old_scan->started_at;
	int r;

	memset(sum, 0, sizeof(*sum));
	memset(&ho, 0, sizeof(ho));
	memset(&hn, 0, sizeof(hn));
	hostdata_clear(&ho);
	hostdata_clear(&hn);
	hdr.same_targets = old_scan->targets != NULL && new_scan->targets != NULL &&
			   strcmp(old_scan->targets, new_scan->targets) == 0;
	if ((r = side_open(inv, old_scan->id, &so)) != 0 ||
	    (r = side_open(inv, new_scan->id, &sn)) != 0)
		goto out;
	if ((r = scope_init(&sc, new_scan->targets)) != 0)
		goto out;
	/* the last scan before NEW, other than OLD, that saw a host */
	if (sqlite3_prepare_v2(inventory_sqlite(inv),
			       "SELECT MAX(scan_id) FROM host_scans WHERE host_id = ?1"
			       " AND scan_id < ?2 AND scan_id <> ?3",
			       -1, &seen_q, NULL) != SQLITE_OK) {
		r = inventory_fail(inv, "preparing the diff queries");
		goto out;
	}
	if ((r = sink->begin(ctx, &hdr)) != 0)
		goto out;

	for (;;) {
		cursor *co = &so.c[T_HOSTS], *cn = &sn.c[T_HOSTS];
		int64_t id;
		diff_host dh = {0};

		if (!co->row && !cn->row)
			break;
		if (co->row && (!cn->row || co->host_id <= cn->host_id))
			id = co->host_id;
		else
			id = cn->host_id;
		if (co->row && co->host_id == id) {
			if ((r = read_row(T_HOSTS, co->st, &ho)) != 0 ||
			    (r = cursor_step(inv, co)) != 0)
				goto out;
			/* a scan records a host once; a second row is skipped */
			while (co->row && co->host_id == id)
				if ((r = cursor_step(inv, co)) != 0)
					goto out;
		}
		if (cn->row && cn->host_id == id) {
			if ((r = read_row(T_HOSTS, cn->st, &hn)) != 0 ||
			    (r = cursor_step(inv, cn)) != 0)
				goto out;
			while (cn->row && cn->host_id == id)
				if ((r = cursor_step(inv, cn)) != 0)
					goto out;
		}
		if ((r = side_load(&so, id, &ho)) != 0 || (r = side_load(&sn, id, &hn)) != 0)
			goto out;

		dh.host_id = id;
		if (ho.present && hn.present) {
			dh.status = DIFF_HOST_CHANGED;
			if ((r = compare_host(&cs, &ho, &hn, elapsed)) != 0)
				goto out;
		} else if (hn.present) {
			sqlite3_reset(seen_q);
			sqlite3_bind_int64(seen_q, 1, id);
			sqlite3_bind_int64(seen_q, 2, new_scan->id);
			sqlite3_bind_int64(seen_q, 3, old_scan->id);
			if (sqlite3_step(seen_q) != SQLITE_ROW) {
				r = inventory_fail(inv, "reading a host's history");
				goto out;
			}
			dh.last_seen_scan = col_int(seen_q, 0, 0);
			dh.status = dh.last_seen_scan > 0 ? DIFF_HOST_BACK : DIFF_HOST_NEW;
			if ((r = describe_host(&cs, &hn, false)) != 0)
				goto out;
		} else if (hdr.same_targets || scope_covers(&sc, ho.address_int)) {
			dh.status = DIFF_HOST_GONE;
			if ((r = describe_host(&cs, &ho, true)) != 0)
				goto out;
		} else {
			sum->not_covered++;
			goto next;
		}

		dh.address = hn.present ? hn.address : ho.address;
		{
			const char *hn_name = hn.present ? hn.verdict[0] : NULL;
			dh.hostname = hn_name ? hn_name : ho.verdict[0];
		}
		dh.changes = cs.ch;
		dh.nchanges = cs.n;
		if (dh.status == DIFF_HOST_CHANGED && cs.n == 0) {
			sum->unchanged++;
			goto next;
		}
		switch (dh.status) {
		case DIFF_HOST_NEW:
			sum->new_hosts++;
			break;
		case DIFF_HOST_GONE:
			sum->gone++;
			break;
		case DIFF_HOST_BACK:
			sum->back++;
			break;
		case DIFF_HOST_CHANGED:
			sum->changed++;
			break;
		}
		if ((r = sink->host(ctx, &dh)) != 0)
			goto out;
	next:
		changeset_reset(&cs);
		hostdata_clear(&ho);
		hostdata_clear(&hn);
	}
	r = sink->end(ctx, &hdr, sum);
out:
	sqlite3_finalize(seen_q);
	side_close(&so);
	side_close(&sn);
	targets_free(sc.t);
	changeset_free(&cs);
	hostdata_clear(&ho);
	hostdata_clear(&hn);
	return r;
}

/* ------------------------------------------------------------ picking */

static int scan_id_query(inventory_t *inv, const char *sql, int64_t a, const char *text,
			 int64_t *id)
{
	sqlite3_stmt *st = NULL;
	int rc, r;

	*id = 0;
	if (sqlite3_prepare_v2(inventory_sqlite(inv), sql, -1, &st, NULL) != SQLITE_OK)
		return inventory_fail(inv, "looking for scans to compare");
	sqlite3_bind_int64(st, 1, a);
	if (sqlite3_bind_parameter_count(st) >= 2) {
		if (text != NULL)
			sqlite3_bind_text(st, 2, text, -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(st, 2);
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		r = 0;
	} else if (rc == SQLITE_DONE) {
		r = NC_ERR_NOT_FOUND;
	} else {
		r = inventory_fail(inv, "looking for scans to compare");
	}
	sqlite3_finalize(st);
	return r;
}

/* scans.targets as stored (query_scan() cleans it; the comparison must
 * use the raw text, which is what the picker matches on). */
static int raw_targets(inventory_t *inv, int64_t id, char **out)
{
	sqlite3_stmt *st = NULL;
	int r = 0;

	*out = NULL;
	if (sqlite3_prepare_v2(inventory_sqlite(inv), "SELECT targets FROM scans WHERE id = ?1", -1,
			       &st, NULL) != SQLITE_OK)
		return inventory_fail(inv, "reading a scan");
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL &&
	    (*out = strdup((const char *)sqlite3_column_text(st, 0))) == NULL)
		r = nomem();
	sqlite3_finalize(st);
	return r;
}

int diff_newest_like(inventory_t *inv, const scan_row *ref, scan_row *out)
{
	char *targets = NULL;
	int64_t id;
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = raw_targets(inv, ref->id, &targets)) != 0)
		return r;
	r = scan_id_query(inv,
			  "SELECT id FROM scans WHERE status = 'complete' AND id > ?1"
			  " AND targets IS ?2 ORDER BY id DESC LIMIT 1",
			  ref->id, targets, &id);
	free(targets);
	if (r != 0)
		return r;
	return query_scan(inv, id, out);
}

int diff_pick_scans(inventory_t *inv, int64_t old_id, int64_t new_id, scan_row *old_out,
		    scan_row *new_out)
{
	char *targets = NULL;
	int r;

	memset(old_out, 0, sizeof(*old_out));
	memset(new_out, 0, sizeof(*new_out));
	if (new_id <= 0) {
		r = scan_id_query(inv,
				  "SELECT id FROM scans WHERE status = 'complete' AND ?1 = ?1"
				  " ORDER BY id DESC LIMIT 1",
				  0, NULL, &new_id);
		if (r == NC_ERR_NOT_FOUND)
			r = nc_fail(r, "no complete scan in %s (run a scan first)",
				    inventory_path(inv));
		if (r != 0)
			goto out;
	}
	if ((r = query_scan(inv, new_id, new_out)) != 0)
		goto out;
	if (old_id <= 0) {
		if ((r = raw_targets(inv, new_id, &targets)) != 0)
			goto out;
		r = scan_id_query(inv,
				  "SELECT id FROM scans WHERE status = 'complete' AND id < ?1"
				  " AND targets IS ?2 ORDER BY id DESC LIMIT 1",
				  new_id, targets, &old_id);
		if (r == NC_ERR_NOT_FOUND)
			r = nc_fail(r,
				    "no complete scan of the same targets (%s) before scan %lld in "
				    "%s; name the scans to compare: netcensus diff OLD NEW",
				    new_out->targets ? new_out->targets : "-", (long long)new_id,
				    inventory_path(inv));
		if (r != 0)
			goto out;
	}
	if (old_id == new_id) {
		r = nc_fail(NC_ERR_INVALID, "scan %lld is both OLD and NEW; nothing to compare",
			    (long long)old_id);
		goto out;
	}
	r = query_scan(inv, old_id, old_out);
out:
	free(targets);
	if (r != 0) {
		scan_row_clear(old_out);
		scan_row_clear(new_out);
	}
	return r;
}
