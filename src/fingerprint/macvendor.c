/*
 * macvendor.c — who made this network card, from the IEEE registries.
 *
 * An ARP reply gives us a MAC address before any port answers, and its
 * first 24, 28 or 36 bits say which organisation the IEEE assigned it to:
 * often the quickest hint of what a silent host is (a printer, a phone, a
 * VMware guest).  Debian's ieee-data ships the four registries as CSV files
 * whose address column holds quoted commas, doubled quotes and line breaks,
 * so the files are read byte by byte through a small RFC 4180 state machine
 * rather than split on lines.
 *
 * Memory is kept small because vendor names repeat a lot (one company owns
 * hundreds of blocks): every name is stored once in a string pool, and an
 * entry is one 64-bit word, the prefix in the high bits and the name's pool
 * offset in the low 28.  Each prefix length has its own sorted array, and a
 * lookup is at most three binary searches, longest prefix first, so that an
 * MA-S block carved out of a 24-bit IEEE block names its real owner.
 *
 * The hypervisors' virtual NIC prefixes are a short table written here; two
 * of them (QEMU's 52:54:00, VirtualBox's host-only 0a:00:27) are locally
 * administered and would otherwise name nobody.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fingerprint/macvendor.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/grow.h"

/* Registry files, 36-bit ones first so that their rows win duplicates. */
static const char *const registry_files[] = {"oui36.csv", "iab.csv", "mam.csv", "oui.csv"};

/* Prefix lengths, longest first: the order lookups try them in. */
static const uint8_t table_bits[] = {36, 28, 24};
#define NTABLES ARRAY_SIZE(table_bits)

/* Bounds on what we believe from a file. */
#define FIELD_MAX 256		     /* registry, assignment, org name */
#define FILE_MAX (64u * 1024 * 1024) /* the real oui.csv is 3 MB */
#define ORG_BITS 28		     /* pool offset in an entry */
#define ORG_MASK ((UINT64_C(1) << ORG_BITS) - 1)
#define POOL_MAX ((size_t)ORG_MASK)

struct macvendor_db {
	uint64_t *table[NTABLES]; /* (prefix << ORG_BITS) | pool offset, sorted */
	size_t count[NTABLES];
	char *pool; /* NUL-terminated names, each stored once */
	size_t pool_len;
	size_t skipped;	   /* malformed rows */
	size_t duplicates; /* rows whose prefix was already assigned */
};

/* ------------------------------------------------------ virtual NICs */

static const struct vm_prefix {
	uint8_t oui[3];
	const char *hypervisor; /* short product name */
	const char *vendor;	/* used when the registry does not name it */
} vm_prefixes[] = {
    {{0x00, 0x05, 0x69}, "VMware", "VMware, Inc."},
    {{0x00, 0x0c, 0x29}, "VMware", "VMware, Inc."},
    {{0x00, 0x1c, 0x14}, "VMware", "VMware, Inc."},
    {{0x00, 0x50, 0x56}, "VMware", "VMware, Inc."},
    {{0x00, 0x15, 0x5d}, "Hyper-V", "Microsoft Corporation"},
    {{0x08, 0x00, 0x27}, "VirtualBox", "PCS Systemtechnik GmbH"},
    {{0x0a, 0x00, 0x27}, "VirtualBox", "VirtualBox host-only adapter"},
    {{0x00, 0x16, 0x3e}, "Xen", "Xensource, Inc."},
    {{0x52, 0x54, 0x00}, "QEMU/KVM", "QEMU/KVM virtual NIC"},
    {{0x00, 0x1c, 0x42}, "Parallels", "Parallels, Inc."},
};

static const struct vm_prefix *vm_find(const uint8_t mac[6])
{
	for (size_t i = 0; i < ARRAY_SIZE(vm_prefixes); i++)
		if (memcmp(vm_prefixes[i].oui, mac, 3) == 0)
			return &vm_prefixes[i];
	return NULL;
}

const char *macvendor_hypervisor(const uint8_t mac[6])
{
	const struct vm_prefix *vm = vm_find(mac);

	return vm != NULL ? vm->hypervisor : NULL;
}

/* ------------------------------------------------------------ loader */

/* A row as read, before sorting: seq keeps file order for duplicates. */
struct raw_entry {
	uint64_t prefix;
	uint32_t org;
	uint32_t seq;
};

struct loader {
	macvendor_db *db;
	struct raw_entry *raw[NTABLES];
	size_t nraw[NTABLES], capraw[NTABLES];
	size_t pool_cap;
	uint32_t *slots; /* intern hash: pool offset + 1, 0 = empty */
	size_t nslots, nused;
	uint32_t seq;
};

static uint32_t hash_name(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

static int intern_rehash(struct loader *ld)
{
	size_t n = ld->nslots ? ld->nslots * 2 : 4096;
	uint32_t *slots = calloc(n, sizeof(*slots));

	if (slots == NULL)
		return NC_ERR_NOMEM;
	for (size_t i = 0; i < ld->nslots; i++) {
		size_t j;

		if (ld->slots[i] == 0)
			continue;
		j = hash_name(ld->db->pool + ld->slots[i] - 1) & (n - 1);
		while (slots[j] != 0)
			j = (j + 1) & (n - 1);
		slots[j] = ld->slots[i];
	}
	free(ld->slots);
	ld->slots = slots;
	ld->nslots = n;
	return 0;
}

/* Store name once; *off is its offset in the pool. */
static int intern(struct loader *ld, const char *name, size_t len, uint32_t *off)
{
	macvendor_db *db = ld->db;
	size_t j;
	int r;

	if (ld->nused * 2 >= ld->nslots && (r = intern_rehash(ld)) != 0)
		return r;
	j = hash_name(name) & (ld->nslots - 1);
	for (; ld->slots[j] != 0; j = (j + 1) & (ld->nslots - 1)) {
		if (strcmp(db->pool + ld->slots[j] - 1, name) == 0) {
			*off = ld->slots[j] - 1;
			return 0;
		}
	}
	if (db->pool_len + len + 1 > POOL_MAX)
		return nc_fail(NC_ERR_TOOBIG, "IEEE OUI vendor names exceed %zu bytes", POOL_MAX);
	if ((r = nc_grow(&db->pool, &ld->pool_cap, db->pool_len + len + 1, 1, 64 * 1024)) != 0)
		return r;
	memcpy(db->pool + db->pool_len, name, len + 1);
	*off = (uint32_t)db->pool_len;
	db->pool_len += len + 1;
	ld->slots[j] = *off + 1;
	ld->nused++;
	return 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Length in bytes of the valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

/*
 * Make a registered name safe to print and to put in XML or JSON: a run of
 * control characters (a tab, a line break inside quotes) becomes one space,
 * bytes that are not UTF-8 become '?', and the ends are trimmed.  In place;
 * returns the new length.
 */
static size_t clean_name(char *s, size_t len)
{
	unsigned char *u = (unsigned char *)s;
	size_t i = 0, w = 0;

	while (i < len) {
		size_t n = utf8_len(u + i, len - i);

		if (n == 0) {
			u[w++] = '?';
			i++;
		} else if (n == 1 && (u[i] < 0x20 || u[i] == 0x7f)) {
			if (w > 0 && u[w - 1] != ' ')
				u[w++] = ' ';
			i++;
		} else {
			memmove(u + w, u + i, n);
			w += n;
			i += n;
		}
	}
	while (w > 0 && u[w - 1] == ' ')
		w--;
	i = 0;
	while (i < w && u[i] == ' ')
		i++;
	memmove(s, s + i, w - i);
	s[w - i] = '\0';
	return w - i;
}

/* The fields of one CSV record that we keep; the address is only parsed. */
enum { F_REGISTRY, F_ASSIGNMENT, F_ORG, F_KEPT };

enum csv_state {
	CSV_FIELD_START, /* at the start of a field */
	CSV_UNQUOTED,	 /* inside a field that did not start with a quote */
	CSV_QUOTED,	 /* inside "..." */
	CSV_QUOTE_QUOTE, /* a quote inside "...": doubled, or the closing one */
};

struct csv {
	enum csv_state state;
	bool bad;	/* this record is malformed */
	bool started;	/* this record has at least one byte */
	bool skip_lf;	/* the record ended on CR: swallow a following LF */
	unsigned field; /* index of the current field */
	char buf[F_KEPT][FIELD_MAX + 1];
	size_t len[F_KEPT];
};

static void csv_reset_record(struct csv *c)
{
	c->state = CSV_FIELD_START;
	c->bad = false;
	c->started = false;
	c->field = 0;
	memset(c->len, 0, sizeof(c->len));
}

static void csv_put(struct csv *c, char ch)
{
	if (c->field >= F_KEPT)
		return;
	if (c->len[c->field] >= FIELD_MAX) {
		c->bad = true; /* no registered name is this long */
		return;
	}
	c->buf[c->field][c->len[c->field]++] = ch;
}

static bool is_header(const struct csv *c, unsigned nfields)
{
	return nfields > F_ASSIGNMENT && c->len[F_ASSIGNMENT] == strlen("Assignment") &&
	       strncasecmp(c->buf[F_ASSIGNMENT], "Assignment", c->len[F_ASSIGNMENT]) == 0;
}

/* A complete record: add it to the loader, or count it as skipped. */
static int csv_record(struct csv *c, struct loader *ld)
{
	unsigned nfields = c->field + 1;
	uint64_t prefix = 0;
	size_t alen = c->len[F_ASSIGNMENT], olen, t;
	uint32_t off = 0;
	int r;

	if (!c->started)
		return 0; /* a blank line */
	if (is_header(c, nfields))
		return 0;
	if (c->bad || nfields <= F_ORG)
		goto skip;
	switch (alen) {
	case 9:
		t = 0;
		break;
	case 7:
		t = 1;
		break;
	case 6:
		t = 2;
		break;
	default:
		goto skip;
	}
	for (size_t i = 0; i < alen; i++) {
		int v = hexval((unsigned char)c->buf[F_ASSIGNMENT][i]);

		if (v < 0)
			goto skip;
		prefix = (prefix << 4) | (uint64_t)v;
	}
	olen = clean_name(c->buf[F_ORG], c->len[F_ORG]);
	if (olen == 0)
		goto skip;
	if ((r = intern(ld, c->buf[F_ORG], olen, &off)) != 0)
		return r;
	if ((r = nc_grow(&ld->raw[t], &ld->capraw[t], ld->nraw[t] + 1, sizeof(*ld->raw[t]),
			 1024)) != 0)
		return r;
	ld->raw[t][ld->nraw[t]++] = (struct raw_entry){prefix, off, ld->seq++};
	return 0;
skip:
	ld->db->skipped++;
	return 0;
}

static int csv_end_record(struct csv *c, struct loader *ld)
{
	int r = csv_record(c, ld);

	csv_reset_record(c);
	return r;
}

/* Feed n bytes of the file through the state machine. */
static int csv_feed(struct csv *c, struct loader *ld, const char *p, size_t n)
{
	int r;

	for (size_t i = 0; i < n; i++) {
		char ch = p[i];

		if (c->skip_lf) {
			c->skip_lf = false;
			if (ch == '\n')
				continue;
		}
		if (c->state != CSV_QUOTED && (ch == '\r' || ch == '\n')) {
			/* in CSV_QUOTE_QUOTE the quote before was the closing one */
			c->skip_lf = ch == '\r';
			if ((r = csv_end_record(c, ld)) != 0)
				return r;
			continue;
		}
		c->started = true;
		switch (c->state) {
		case CSV_FIELD_START:
			if (ch == '"') {
				c->state = CSV_QUOTED;
				break;
			}
			c->state = CSV_UNQUOTED;
			/* fall through */
		case CSV_UNQUOTED:
			if (ch == ',') {
				c->field++;
				c->state = CSV_FIELD_START;
			} else if (ch == '"') {
				c->bad = true; /* RFC 4180: quotes only around a field */
			} else {
				csv_put(c, ch);
			}
			break;
		case CSV_QUOTED:
			if (ch == '"')
				c->state = CSV_QUOTE_QUOTE;
			else
				csv_put(c, ch);
			break;
		case CSV_QUOTE_QUOTE:
			if (ch == '"') {
				csv_put(c, '"');
				c->state = CSV_QUOTED;
			} else if (ch == ',') {
				c->field++;
				c->state = CSV_FIELD_START;
			} else {
				/* "abc"x: text after the closing quote */
				c->bad = true;
				c->state = CSV_UNQUOTED;
				csv_put(c, ch);
			}
			break;
		}
	}
	return 0;
}

/* End of file: a last record without a line break still counts. */
static int csv_finish(struct csv *c, struct loader *ld)
{
	if (c->state == CSV_QUOTED)
		c->bad = true; /* the file ends inside quotes */
	return csv_end_record(c, ld);
}

static int load_file(struct loader *ld, FILE *fp, const char *path)
{
	struct csv *c = NULL;
	char *chunk = NULL;
	size_t n, total = 0;
	int r = NC_ERR_INTERNAL;

	if ((c = calloc(1, sizeof(*c))) == NULL || (chunk = malloc(64 * 1024)) == NULL) {
		r = NC_ERR_NOMEM;
		goto out;
	}
	csv_reset_record(c);
	while ((n = fread(chunk, 1, 64 * 1024, fp)) > 0) {
		size_t skip = 0;

		/* a UTF-8 byte order mark is not part of the header */
		if (total == 0 && n >= 3 && memcmp(chunk, "\xef\xbb\xbf", 3) == 0)
			skip = 3;
		total += n;
		if (total > FILE_MAX) {
			r = nc_fail(NC_ERR_TOOBIG, "%s: larger than %u MiB, not an IEEE registry",
				    path, FILE_MAX >> 20);
			goto out;
		}
		if ((r = csv_feed(c, ld, chunk + skip, n - skip)) != 0)
			goto out;
	}
	if (ferror(fp)) {
		r = nc_fail(NC_ERR_IO, "cannot read %s: %s", path, strerror(errno));
		goto out;
	}
	if ((r = csv_finish(c, ld)) != 0)
		goto out;
	r = 0;
out:
	free(chunk);
	free(c);
	return r;
}

static int raw_cmp(const void *a, const void *b)
{
	const struct raw_entry *x = a, *y = b;

	if (x->prefix != y->prefix)
		return x->prefix < y->prefix ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Sort each table, keep the first row of a duplicated prefix, pack. */
static int loader_finish(struct loader *ld)
{
	macvendor_db *db = ld->db;
	char *pool;

	for (size_t t = 0; t < NTABLES; t++) {
		size_t n = 0;

		if (ld->nraw[t] == 0)
			continue;
		qsort(ld->raw[t], ld->nraw[t], sizeof(*ld->raw[t]), raw_cmp);
		if ((db->table[t] = malloc(ld->nraw[t] * sizeof(*db->table[t]))) == NULL)
			return NC_ERR_NOMEM;
		for (size_t i = 0; i < ld->nraw[t]; i++) {
			const struct raw_entry *e = &ld->raw[t][i];

			if (i > 0 && e->prefix == ld->raw[t][i - 1].prefix) {
				db->duplicates++;
				continue;
			}
			db->table[t][n++] = (e->prefix << ORG_BITS) | e->org;
		}
		db->count[t] = n;
		if (n < ld->nraw[t]) {
			uint64_t *shrunk = realloc(db->table[t], n * sizeof(*shrunk));

			if (shrunk != NULL)
				db->table[t] = shrunk;
		}
	}
	/* give back the pool's slack */
	if (db->pool_len > 0 && (pool = realloc(db->pool, db->pool_len)) != NULL)
		db->pool = pool;
	return 0;
}

static void loader_free(struct loader *ld)
{
	for (size_t t = 0; t < NTABLES; t++)
		free(ld->raw[t]);
	free(ld->slots);
}

int macvendor_load(const char *dir, macvendor_db **out)
{
	struct loader ld = {0};
	macvendor_db *db = NULL;
	size_t found = 0;
	FILE *fp = NULL;
	int r = NC_ERR_INTERNAL;

	*out = NULL;
	if ((db = calloc(1, sizeof(*db))) == NULL) {
		r = NC_ERR_NOMEM;
		goto out;
	}
	ld.db = db;
	for (size_t i = 0; i < ARRAY_SIZE(registry_files); i++) {
		char path[4096];
		int n = snprintf(path, sizeof(path), "%s/%s", dir, registry_files[i]);

		if (n < 0 || (size_t)n >= sizeof(path)) {
			r = nc_fail(NC_ERR_INVALID, "IEEE OUI directory name too long: %.64s...",
				    dir);
			goto out;
		}
		if ((fp = fopen(path, "rb")) == NULL) {
			if (errno == ENOENT || errno == ENOTDIR)
				continue; /* an older ieee-data has fewer registries */
			r = nc_fail(NC_ERR_IO, "cannot open %s: %s", path, strerror(errno));
			goto out;
		}
		found++;
		if ((r = load_file(&ld, fp, path)) != 0)
			goto out;
		fclose(fp);
		fp = NULL;
	}
	if (found == 0) {
		r = nc_fail(NC_ERR_NOT_FOUND, "no IEEE OUI files in %s (apt-get install ieee-data)",
			    dir);
		goto out;
	}
	if ((r = loader_finish(&ld)) != 0)
		goto out;
	if (macvendor_count(db) == 0) {
		r = nc_fail(NC_ERR_INVALID,
			    "no valid entries in the IEEE OUI files in %s (%zu "
			    "malformed rows)",
			    dir, db->skipped);
		goto out;
	}
	*out = db;
	db = NULL;
	r = 0;
out:
	if (fp != NULL)
		fclose(fp);
	loader_free(&ld);
	macvendor_free(db);
	return r;
}

void macvendor_free(macvendor_db *db)
{
	if (db == NULL)
		return;
	for (size_t t = 0; t < NTABLES; t++)
		free(db->table[t]);
	free(db->pool);
	free(db);
}

size_t macvendor_count(const macvendor_db *db)
{
	size_t n = 0;

	if (db == NULL)
		return 0;
	for (size_t t = 0; t < NTABLES; t++)
		n += db->count[t];
	return n;
}

size_t macvendor_skipped(const macvendor_db *db)
{
	return db != NULL ? db->skipped : 0;
}

size_t macvendor_duplicates(const macvendor_db *db)
{
	return db != NULL ? db->duplicates : 0;
}

size_t macvendor_memory(const macvendor_db *db)
{
	size_t bytes;

	if (db == NULL)
		return 0;
	bytes = sizeof(*db) + db->pool_len;
	for (size_t t = 0; t < NTABLES; t++)
		bytes += db->count[t] * sizeof(*db->table[t]);
	return bytes;
}

/* ------------------------------------------------------------ lookup */

/* The registered name for the bits-long prefix of mac, or NULL. */
static const char *table_find(const macvendor_db *db, size_t t, uint64_t mac48)
{
	uint64_t prefix = mac48 >> (48 - table_bits[t]);
	uint64_t key = prefix << ORG_BITS;
	const uint64_t *v = db->table[t];
	size_t lo = 0, hi = db->count[t];

	/* lower bound of key: prefixes are unique, so at most one can match */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < db->count[t] && (v[lo] >> ORG_BITS) == prefix)
		return db->pool + (v[lo] & ORG_MASK);
	return NULL;
}

bool macvendor_lookup(const macvendor_db *db, const uint8_t mac[6], macvendor_result *result)
{
	const struct vm_prefix *vm = vm_find(mac);
	uint64_t mac48 = 0;

	*result = (macvendor_result){0};
	result->local_admin = (mac[0] & 0x02) != 0;
	if (vm != NULL) {
		result->is_virtual = true;
		/* a locally administered address has no registered owner */
		if (result->local_admin) {
			result->vendor = vm->vendor;
			result->prefix_bits = 24;
			return true;
		}
	}
	if (result->local_admin)
		return false;
	for (size_t i = 0; i < 6; i++)
		mac48 = (mac48 << 8) | mac[i];
	for (size_t t = 0; db != NULL && t < NTABLES; t++) {
		const char *name = table_find(db, t, mac48);

		if (name != NULL) {
			result->vendor = name;
			result->prefix_bits = table_bits[t];
			return true;
		}
	}
	if (vm != NULL) {
		result->vendor = vm->vendor;
		result->prefix_bits = 24;
		return true;
	}
	return false;
}
