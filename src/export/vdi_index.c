#include "config.h"

/*
 * vdi_index.c — hash tables from raw software rows to applications
 * (vdi_index.h).  Open addressing with linear probing, FNV-1a, keys owned
 * by the table; a table doubles at 50% load.
 */

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/vdi_index.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/grow.h"

#define KEY_MAX 1024 /* a raw key: name, vendor and version major, cut */
#define SEP '\x1f'

/* What the raw table keeps for one raw name (row first: see
 * vdi_index_last_version()). */
typedef struct {
	vdi_row_app row;
	char *publisher; /* normalised; NULL none */
	char *spelling;	 /* the normalised name */
	/* the last version field seen with this raw name, and what it gave:
	 * most raw names come with one version, so rows skip the work */
	char *last_raw;
	char *last_norm;
	uint32_t last_ver;
	bool last_ver_set; /* last_ver is valid (building) */
} raw_info;

typedef struct {
	char *key; /* NULL: free slot */
	size_t len;
	uint64_t hash;
	uint32_t a;   /* an application number, or a version index */
	uint64_t b;   /* a count: rows of this raw name, of this publisher... */
	raw_info *ri; /* raw table only */
} slot;

typedef struct {
	slot *s;
	size_t cap, n;
} table;

struct vdi_index {
	const appnorm_rules *rules;
	table raw;   /* name SEP vendor SEP major -> application */
	table apps;  /* application key -> number */
	table vers;  /* number SEP version -> index in the application */
	table pubs;  /* number SEP publisher -> rows */
	table names; /* number SEP spelling -> rows */
	size_t app_cap;
	/* raw-table slot (+1; 0 none) of the row at each position of the last
	 * machine read: machines list their software in much the same order
	 * (dpkg and the Uninstall keys sort by name), so the row at the same
	 * position is usually the same raw name and needs no hashing */
	size_t *hints;
	size_t nhints;
};

/* FNV-1a, then a final mix: FNV's low bits (the ones a power-of-two table
 * uses) mix poorly when keys differ only at the end ("...\x1f8", "...\x1f9"). */
static uint64_t hash_key(const char *k, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)k[i];
		h *= 1099511628211ull;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

static void table_free(table *t, bool rows)
{
	for (size_t i = 0; i < t->cap; i++) {
		free(t->s[i].key);
		if (rows && t->s[i].ri != NULL) {
			free(t->s[i].ri->row.name_version);
			free(t->s[i].ri->publisher);
			free(t->s[i].ri->spelling);
			free(t->s[i].ri->last_raw);
			free(t->s[i].ri->last_norm);
			free(t->s[i].ri);
		}
	}
	free(t->s);
	memset(t, 0, sizeof(*t));
}

static int table_grow(table *t)
{
	size_t cap = t->cap ? t->cap * 2 : 1024;
	slot *s = calloc(cap, sizeof(*s));

	if (s == NULL)
		return NC_ERR_NOMEM;
	for (size_t i = 0; i < t->cap; i++) {
		size_t j;

		if (t->s[i].key == NULL)
			continue;
		for (j = t->s[i].hash & (cap - 1); s[j].key != NULL; j = (j + 1) & (cap - 1))
			;
		s[j] = t->s[i];
	}
	free(t->s);
	t->s = s;
	t->cap = cap;
	return 0;
}

/* The slot of key, or NULL when absent and !create (or out of memory:
 * *nomem is set). *created tells a new slot (key copied, rest zero). */
static slot *table_get(table *t, const char *key, size_t len, bool create, bool *created,
		       bool *nomem)
{
	uint64_t h = hash_key(key, len);
	size_t j;

	*created = false;
	if (t->cap > 0)
		for (j = h & (t->cap - 1); t->s[j].key != NULL; j = (j + 1) & (t->cap - 1))
			if (t->s[j].hash == h && t->s[j].len == len &&
			    memcmp(t->s[j].key, key, len) == 0)
				return &t->s[j];
	if (!create)
		return NULL;
	if (2 * (t->n + 1) > t->cap && table_grow(t) != 0) {
		*nomem = true;
		return NULL;
	}
	for (j = h & (t->cap - 1); t->s[j].key != NULL; j = (j + 1) & (t->cap - 1))
		;
	if ((t->s[j].key = malloc(len + 1)) == NULL) {
		*nomem = true;
		return NULL;
	}
	memcpy(t->s[j].key, key, len);
	t->s[j].key[len] = '\0';
	t->s[j].len = len;
	t->s[j].hash = h;
	t->n++;
	*created = true;
	return &t->s[j];
}

int vdi_index_new(const appnorm_rules *rules, struct vdi_index **out)
{
	*out = calloc(1, sizeof(**out));
	if (*out == NULL)
		return nc_fail(NC_ERR_NOMEM, "out of memory building the VDI plan");
	(*out)->rules = rules;
	return 0;
}

void vdi_index_free(struct vdi_index *ix)
{
	if (ix == NULL)
		return;
	table_free(&ix->raw, true);
	table_free(&ix->apps, false);
	table_free(&ix->vers, false);
	table_free(&ix->pubs, false);
	table_free(&ix->names, false);
	free(ix->hints);
	free(ix);
}

/* Append at most max bytes of s (NULL: nothing) to key at n; the new length. */
static size_t key_append(char *key, size_t n, const char *s, size_t max)
{
	size_t len = s ? strnlen(s, max) : 0;

	memcpy(key + n, s ? s : "", len);
	return n + len;
}

static int nomem(void)
{
	return nc_fail(NC_ERR_NOMEM, "out of memory building the VDI plan");
}

/* The application named by res in plan: found or created. */
static int app_of(struct vdi_index *ix, vdi_plan *plan, const appnorm_result *res, uint32_t *app)
{
	bool created, oom = false;
	slot *s = table_get(&ix->apps, res->key, strlen(res->key), true, &created, &oom);
	vdi_app *a;

	if (s == NULL)
		return nomem();
	if (!created) {
		*app = s->a;
		return 0;
	}
	/* created: table_get() creates slots only when plan is not NULL */
	/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
	if (plan->napps >= VDI_NO_APP - 1 ||
	    nc_grow(&plan->apps, &ix->app_cap, plan->napps + 1, sizeof(*plan->apps), 256) != 0)
		return nomem();
	a = &plan->apps[plan->napps];
	memset(a, 0, sizeof(*a));
	if ((a->key = strdup(res->key)) == NULL)
		return nomem();
	s->a = (uint32_t)plan->napps++;
	*app = s->a;
	return 0;
}

/* The index of version in application app of plan: found or created. */
static int version_of(struct vdi_index *ix, vdi_plan *plan, uint32_t app, const char *version,
		      uint32_t *ver)
{
	char key[16 + APPNORM_VERSION_MAX];
	bool created, oom = false;
	int n = snprintf(key, sizeof(key), "%u%c%s", app, SEP, version);
	slot *s = table_get(&ix->vers, key, (size_t)n, true, &created, &oom);
	vdi_app *a = &plan->apps[app];
	vdi_version *v;

	if (s == NULL)
		return nomem();
	if (!created) {
		*ver = s->a;
		return 0;
	}
	if ((v = realloc(a->versions, (a->nversions + 1) * sizeof(*v))) == NULL)
		return nomem();
	a->versions = v;
	if ((v[a->nversions].version = strdup(version)) == NULL)
		return nomem();
	v[a->nversions].machines = 0;
	s->a = (uint32_t)a->nversions++;
	*ver = s->a;
	return 0;
}

void vdi_index_row_version(const vdi_row_app *ra, const char *version, char *out, size_t len)
{
	appnorm_version(version, out, len);
	if (out[0] == '\0' && ra->name_version != NULL)
		snprintf(out, len, "%s", ra->name_version);
}

int vdi_index_row(struct vdi_index *ix, vdi_plan *plan, size_t pos, const char *name,
		  const char *version, const char *vendor, const vdi_row_app **out, uint32_t *ver)
{
	static const vdi_row_app none = {.app = VDI_NO_APP};
	char key[KEY_MAX], v[APPNORM_VERSION_MAX];
	size_t major = version ? strspn(version, "0123456789") : 0;
	bool created, oom = false;
	int n, r;
	slot *s;

	*out = &none;
	*ver = 0;
	/* the major version is part of the key: appnorm_app() reads it */
	n = (int)key_append(key, 0, name, 600);
	key[n++] = SEP;
	n = (int)key_append(key, (size_t)n, vendor, 300);
	key[n++] = SEP;
	n = (int)key_append(key, (size_t)n, version, NC_MIN(major, 20));
	if (pos >= ix->nhints) {
		size_t cap = NC_MAX(pos + 1, 2 * ix->nhints);
		size_t *h = realloc(ix->hints, cap * sizeof(*h));

		if (h == NULL)
			return nomem();
		memset(h + ix->nhints, 0, (cap - ix->nhints) * sizeof(*h));
		ix->hints = h;
		ix->nhints = cap;
	}
	s = NULL;
	created = false;
	if (ix->hints[pos] != 0 && ix->hints[pos] <= ix->raw.cap) {
		slot *h = &ix->raw.s[ix->hints[pos] - 1];

		if (h->key != NULL && h->len == (size_t)n && memcmp(h->key, key, (size_t)n) == 0)
			s = h;
	}
	if (s == NULL) {
		s = table_get(&ix->raw, key, (size_t)n, plan != NULL, &created, &oom);
		if (s == NULL)
			return oom ? nomem() : 0;
	}
	/* (a new slot may have moved the table: the hint is taken afterwards) */
	if (created) {
		appnorm_result res, bare;

		if ((s->ri = calloc(1, sizeof(*s->ri))) == NULL)
			return nomem();
		s->ri->row.app = VDI_NO_APP;
		appnorm_app(ix->rules, name, version, vendor, &res);
		if (!res.ignored) {
			if ((r = app_of(ix, plan, &res, &s->ri->row.app)) != 0)
				return r;
			/* the version the name holds, for rows without a version */
			appnorm_app(ix->rules, name, NULL, NULL, &bare);
			if ((bare.version[0] != '\0' &&
			     (s->ri->row.name_version = strdup(bare.version)) == NULL) ||
			    (res.publisher[0] != '\0' &&
			     (s->ri->publisher = strdup(res.publisher)) == NULL) ||
			    (s->ri->spelling = strdup(res.name)) == NULL)
				return nomem();
		}
	}
	ix->hints[pos] = (size_t)(s - ix->raw.s) + 1;
	*out = &s->ri->row;
	if (s->ri->row.app == VDI_NO_APP)
		return 0;
	if (plan != NULL)
		s->b++;
	if (s->ri->last_raw != NULL && strcmp(s->ri->last_raw, version ? version : "") == 0 &&
	    (plan == NULL || s->ri->last_ver_set)) {
		*ver = s->ri->last_ver;
		return 0;
	}
	vdi_index_row_version(&s->ri->row, version, v, sizeof(v));
	free(s->ri->last_raw);
	free(s->ri->last_norm);
	s->ri->last_norm = NULL;
	s->ri->last_ver_set = false;
	if ((s->ri->last_raw = strdup(version ? version : "")) == NULL ||
	    (s->ri->last_norm = strdup(v)) == NULL)
		return nomem();
	if (plan == NULL)
		return 0;
	if ((r = version_of(ix, plan, s->ri->row.app, v, &s->ri->last_ver)) != 0)
		return r;
	s->ri->last_ver_set = true;
	*ver = s->ri->last_ver;
	return 0;
}

const char *vdi_index_last_version(const vdi_row_app *ra)
{
	/* row is the first member of its raw_info */
	const raw_info *ri = (const raw_info *)ra;

	return ri->last_norm ? ri->last_norm : "";
}

/* Keep in *best the text with the most rows, ties to the smaller text. */
static void pick(const char **best, uint64_t *best_n, const char *text, uint64_t n)
{
	if (*best == NULL || n > *best_n || (n == *best_n && strcmp(text, *best) < 0)) {
		*best = text;
		*best_n = n;
	}
}

static const vdi_plan *sort_plan; /* qsort has no context argument */

static int cmp_app_number(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return strcmp(sort_plan->apps[x].key, sort_plan->apps[y].key);
}

static int cmp_version(const void *a, const void *b)
{
	const vdi_version *x = a, *y = b;
	int c = appnorm_version_cmp(x->version, y->version);

	return c ? c : strcmp(x->version, y->version);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int vdi_index_finish(struct vdi_index *ix, vdi_plan *plan)
{
	const char **names = NULL, **pubs = NULL;
	uint64_t *names_n = NULL, *pubs_n = NULL;
	uint32_t *order = NULL, *remap = NULL;
	vdi_app *sorted = NULL;
	size_t na = plan->napps;
	int r = NC_ERR_NOMEM;

	if (na == 0)
		goto done;
	if ((names = calloc(na, sizeof(*names))) == NULL ||
	    (pubs = calloc(na, sizeof(*pubs))) == NULL ||
	    (names_n = calloc(na, sizeof(*names_n))) == NULL ||
	    (pubs_n = calloc(na, sizeof(*pubs_n))) == NULL ||
	    (order = malloc(na * sizeof(*order))) == NULL ||
	    (remap = malloc(na * sizeof(*remap))) == NULL ||
	    (sorted = malloc(na * sizeof(*sorted))) == NULL)
		goto out;

	/* spellings and publishers: the most rows win (summed over the raw
	 * names that map to the same text) */
	for (size_t i = 0; i < ix->raw.cap; i++) {
		const slot *s = &ix->raw.s[i];
		bool created, oom = false;
		char key[16 + APPNORM_NAME_MAX];
		slot *c;
		int n;

		if (s->key == NULL || s->ri == NULL || s->ri->row.app == VDI_NO_APP || s->b == 0)
			continue;
		n = snprintf(key, sizeof(key), "%u%cn%s", s->ri->row.app, SEP, s->ri->spelling);
		if ((c = table_get(&ix->names, key, (size_t)n, true, &created, &oom)) == NULL)
			goto out;
		c->a = s->ri->row.app;
		c->b += s->b;
		if (s->ri->publisher == NULL)
			continue;
		n = snprintf(key, sizeof(key), "%u%cp%s", s->ri->row.app, SEP, s->ri->publisher);
		if ((c = table_get(&ix->pubs, key, (size_t)n, true, &created, &oom)) == NULL)
			goto out;
		c->a = s->ri->row.app;
		c->b += s->b;
	}
	for (size_t i = 0; i < ix->names.cap; i++)
		if (ix->names.s[i].key != NULL)
			pick(&names[ix->names.s[i].a], &names_n[ix->names.s[i].a],
			     strchr(ix->names.s[i].key, SEP) + 2, ix->names.s[i].b);
	for (size_t i = 0; i < ix->pubs.cap; i++)
		if (ix->pubs.s[i].key != NULL)
			pick(&pubs[ix->pubs.s[i].a], &pubs_n[ix->pubs.s[i].a],
			     strchr(ix->pubs.s[i].key, SEP) + 2, ix->pubs.s[i].b);
	for (size_t a = 0; a < na; a++) {
		vdi_app *app = &plan->apps[a];
		const char *reason;

		if ((app->name = strdup(names[a] ? names[a] : app->key)) == NULL ||
		    (pubs[a] != NULL && (app->publisher = strdup(pubs[a])) == NULL))
			goto out;
		app->flag = appnorm_flag(ix->rules, app->name, &reason);
		app->flag_reason = reason;
		qsort(app->versions, app->nversions, sizeof(*app->versions), cmp_version);
	}

	/* number the applications in key order */
	for (size_t a = 0; a < na; a++)
		order[a] = (uint32_t)a;
	sort_plan = plan;
	qsort(order, na, sizeof(*order), cmp_app_number);
	for (size_t k = 0; k < na; k++) {
		remap[order[k]] = (uint32_t)k;
		sorted[k] = plan->apps[order[k]];
	}
	memcpy(plan->apps, sorted, na * sizeof(*sorted));
	for (size_t i = 0; i < ix->raw.cap; i++)
		if (ix->raw.s[i].key != NULL && ix->raw.s[i].ri->row.app != VDI_NO_APP)
			ix->raw.s[i].ri->row.app = remap[ix->raw.s[i].ri->row.app];
	for (size_t m = 0; m < plan->nmachines; m++) {
		vdi_machine *mc = &plan->machines[m];

		for (size_t k = 0; k < mc->napps; k++)
			mc->apps[k] = remap[mc->apps[k]];
		if (mc->napps > 1) /* apps is NULL when there are none */
			qsort(mc->apps, mc->napps, sizeof(*mc->apps), cmp_u32);
	}
done:
	/* only the raw table is needed from here on (vdi_plan_installs) */
	table_free(&ix->apps, false);
	table_free(&ix->vers, false);
	table_free(&ix->pubs, false);
	table_free(&ix->names, false);
	r = 0;
out:
	if (r != 0)
		r = nomem();
	free(names);
	free(pubs);
	free(names_n);
	free(pubs_n);
	free(order);
	free(remap);
	free(sorted);
	return r;
}
