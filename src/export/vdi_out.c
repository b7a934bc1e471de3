#include "config.h"

/*
 * vdi_out.c — writing the VDI plan (vdi.h): a directory of CSV tables, one
 * JSON document or one XML document (data/netcensus-vdi.xsd), and the vdi
 * entry of the export format table.
 *
 * The three outputs carry the same records with the same names (CSV
 * columns and JSON members in snake_case, XML attributes in kebab-case);
 * keep them, the schema and netcensus(1) in step.  Absent values are empty
 * cells, JSON null, or absent attributes — never "" or -1.  Installs are
 * streamed from the inventory (vdi_plan_installs()), never held.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <jansson.h>
#include <libxml/xmlwriter.h>

#include "export/csv.h"
#include "export/json_hosts.h"
#include "export/vdi.h"
#include "util/buildtree.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/parse.h"

#ifndef NC_DATADIR
#define NC_DATADIR "/usr/local/share/netcensus"
#endif

/* ------------------------------------------------------------- helpers */

const char *vdi_default_rules_path(void)
{
#ifdef NC_SRC_VDI_RULES
	struct stat st;

	/* running from the build tree: the rules being edited win */
	if (nc_run_from_build_tree() && stat(NC_SRC_VDI_RULES, &st) == 0 && S_ISREG(st.st_mode))
		return NC_SRC_VDI_RULES;
#endif
	return NC_DATADIR "/vdi-rules.conf";
}

int vdi_output_parse(const char *s, vdi_output *out)
{
	if (strcmp(s, "csv") == 0)
		*out = VDI_OUT_CSV;
	else if (strcmp(s, "json") == 0)
		*out = VDI_OUT_JSON;
	else if (strcmp(s, "xml") == 0)
		*out = VDI_OUT_XML;
	else
		return nc_fail(NC_ERR_INVALID, "unknown --vdi-format '%s' (csv, json or xml)", s);
	return 0;
}

static bool ends_with_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && strcasecmp(s + n - k, suffix) == 0;
}

vdi_output vdi_output_for_path(const char *path)
{
	if (ends_with_ci(path, ".json"))
		return VDI_OUT_JSON;
	if (ends_with_ci(path, ".xml"))
		return VDI_OUT_XML;
	return VDI_OUT_CSV;
}

int vdi_parse_share(const char *s, double *out, const char *what)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno != 0)
		goto bad;
	if (*end == '%') {
		v /= 100.0;
		end++;
	} else if (v > 1.0) {
		v /= 100.0; /* "90" */
	}
	if (*end != '\0' || !(v > 0.0 && v <= 1.0))
		goto bad;
	*out = v;
	return 0;
bad:
	return nc_fail(NC_ERR_INVALID, "bad %s '%s' (a share such as 0.9, 90 or 90%%)", what, s);
}

int vdi_parse_min_pool(const char *s, size_t *out)
{
	uint64_t v;
	int r;

	if ((r = parse_u64(s, 0, VDI_MAX_MIN_POOL, &v, "--min-pool")) != 0)
		return r;
	*out = (size_t)v;
	return 0;
}

/* v as decimal text in buf, or NULL when absent (< 0). */
static const char *num(char *buf, size_t len, int64_t v)
{
	if (v < 0)
		return NULL;
	snprintf(buf, len, "%lld", (long long)v);
	return buf;
}

/* A median (may be .5) or NULL when absent. */
static const char *real(char *buf, size_t len, double v)
{
	if (v < 0)
		return NULL;
	snprintf(buf, len, "%.15g", v);
	return buf;
}

/* part / whole as a percentage with one decimal. */
static const char *percent(char *buf, size_t len, size_t part, size_t whole)
{
	snprintf(buf, len, "%.1f", whole ? 100.0 * (double)part / (double)whole : 0.0);
	return buf;
}

static const char *virtual_word(int v)
{
	return v == 1 ? "virtual" : v == 0 ? "physical" : NULL;
}

/* Versions "1.0;2.0" (ascending; unknown left out) into a malloc'd string. */
static char *version_list(const vdi_app *a)
{
	size_t len = 1;
	char *s;

	for (size_t i = 0; i < a->nversions; i++)
		len += strlen(a->versions[i].version) + 1;
	if ((s = malloc(len)) == NULL)
		return NULL;
	s[0] = '\0';
	for (size_t i = 0, used = 0; i < a->nversions; i++) {
		if (a->versions[i].version[0] == '\0')
			continue;
		used += (size_t)snprintf(s + used, len - used, "%s%s", used ? ";" : "",
					 a->versions[i].version);
	}
	return s;
}

static const char *os_name_of(const vdi_machine *m)
{
	return m->os_name;
}

/* ----------------------------------------------------------------- CSV */

typedef struct {
	export_file f;
	const vdi_plan *plan;
} csv_ctx;

static int csv_row(csv_ctx *c, const char *const *cells, size_t n)
{
	int r = csv_write_row(c->f.fp, cells, n);

	if (r == NC_ERR_IO)
		return nc_fail(NC_ERR_IO, "cannot write %s: %s", c->f.path, strerror(errno));
	return r;
}

static int csv_machines(csv_ctx *c)
{
	static const char *const head[] = {
	    "host_id",	   "address",	  "mac",	"hostname",	   "domain",
	    "os_family",   "os_name",	  "os_version", "os_build",	   "os_edition",
	    "os_arch",	   "device_type", "virtual",	"cpu_model",	   "cpu_cores",
	    "cpu_threads", "ram_bytes",	  "disk_bytes", "disk_used_bytes", "disk_free_bytes",
	    "hw_vendor",   "hw_model",	  "hw_serial",	"last_user",	   "applications",
	    "pool",
	};
	int r;

	if ((r = csv_row(c, head, ARRAY_SIZE(head))) != 0)
		return r;
	for (size_t i = 0; i < c->plan->nmachines; i++) {
		const vdi_machine *m = &c->plan->machines[i];
		char id[24], cores[24], threads[24], ram[24], disk[24], used[24], fr[24], napps[24];
		const char *row[] = {
		    num(id, sizeof(id), m->host_id),
		    m->address,
		    m->mac,
		    m->hostname,
		    m->domain,
		    m->os_family,
		    os_name_of(m),
		    m->os_version,
		    m->os_build,
		    m->os_edition,
		    m->os_arch,
		    m->device_type,
		    virtual_word(m->is_virtual),
		    m->cpu_model,
		    num(cores, sizeof(cores), m->cpu_cores),
		    num(threads, sizeof(threads), m->cpu_threads),
		    num(ram, sizeof(ram), m->ram_bytes),
		    num(disk, sizeof(disk), m->disk_bytes),
		    num(used, sizeof(used), m->disk_used_bytes),
		    num(fr, sizeof(fr), m->disk_free_bytes),
		    m->hw_vendor,
		    m->hw_model,
		    m->hw_serial,
		    m->last_user,
		    num(napps, sizeof(napps), (int64_t)m->napps),
		    c->plan->pools[m->pool].id,
		};
		_Static_assert(ARRAY_SIZE(row) == ARRAY_SIZE(head), "machines.csv columns");

		if ((r = csv_row(c, row, ARRAY_SIZE(row))) != 0)
			return r;
	}
	return 0;
}

static int csv_applications(csv_ctx *c)
{
	static const char *const head[] = {"app_id", "application", "publisher", "machines",
					   "share",  "versions",    "flag",	 "flag_reason"};
	int r;

	if ((r = csv_row(c, head, ARRAY_SIZE(head))) != 0)
		return r;
	for (size_t i = 0; i < c->plan->napps; i++) {
		const vdi_app *a = &c->plan->apps[i];
		char id[24], n[24], share[16];
		char *versions = version_list(a);
		const char *row[] = {
		    num(id, sizeof(id), (int64_t)i + 1),
		    a->name,
		    a->publisher,
		    num(n, sizeof(n), (int64_t)a->machines),
		    percent(share, sizeof(share), a->machines, c->plan->nmachines),
		    versions,
		    a->flag,
		    a->flag_reason,
		};
		_Static_assert(ARRAY_SIZE(row) == ARRAY_SIZE(head), "applications.csv columns");

		if (versions == NULL)
			return nc_fail(NC_ERR_NOMEM, "out of memory writing %s", c->f.path);
		r = csv_row(c, row, ARRAY_SIZE(row));
		free(versions);
		if (r != 0)
			return r;
	}
	return 0;
}

static int csv_install(void *ctx, const vdi_install *in)
{
	csv_ctx *c = ctx;
	const vdi_machine *m = &c->plan->machines[in->machine];
	char id[24], app[24];
	const char *row[] = {
	    num(id, sizeof(id), m->host_id),
	    m->address,
	    m->hostname,
	    num(app, sizeof(app), (int64_t)in->app + 1),
	    c->plan->apps[in->app].name,
	    in->version[0] ? in->version : NULL,
	    in->install_date,
	};

	return csv_row(c, row, ARRAY_SIZE(row));
}

static int csv_pools(csv_ctx *c)
{
	static const char *const head[] = {
	    "pool",
	    "kind",
	    "os_family",
	    "os",
	    "machines",
	    "leader",
	    "base_apps",
	    "common_apps",
	    "layer_apps",
	    "cores_median",
	    "cores_max",
	    "ram_median_bytes",
	    "ram_max_bytes",
	    "disk_used_median_bytes",
	    "disk_used_max_bytes",
	    "disk_used_total_bytes",
	};
	int r;

	if ((r = csv_row(c, head, ARRAY_SIZE(head))) != 0)
		return r;
	for (size_t i = 0; i < c->plan->npools; i++) {
		const vdi_pool *p = &c->plan->pools[i];
		const vdi_machine *l = &c->plan->machines[p->leader];
		char n[24], nb[24], nc[24], nl[24], cm[32], cx[24], rm[32], rx[24], dm[32], dx[24],
		    dt[24];
		const char *row[] = {
		    p->id,
		    vdi_pool_kind(p),
		    p->os_family,
		    p->os_label,
		    num(n, sizeof(n), (int64_t)p->nmembers),
		    l->hostname ? l->hostname : l->address,
		    num(nb, sizeof(nb), (int64_t)p->nbase),
		    num(nc, sizeof(nc), (int64_t)p->ncommon),
		    num(nl, sizeof(nl), (int64_t)p->nlayer),
		    real(cm, sizeof(cm), p->cores_median),
		    num(cx, sizeof(cx), p->cores_max),
		    real(rm, sizeof(rm), p->ram_median),
		    num(rx, sizeof(rx), p->ram_max),
		    real(dm, sizeof(dm), p->disk_used_median),
		    num(dx, sizeof(dx), p->disk_used_max),
		    num(dt, sizeof(dt), p->disk_used_total),
		};
		_Static_assert(ARRAY_SIZE(row) == ARRAY_SIZE(head), "pools.csv columns");

		if ((r = csv_row(c, row, ARRAY_SIZE(row))) != 0)
			return r;
	}
	return 0;
}

static int csv_pool_members(csv_ctx *c)
{
	static const char *const head[] = {"pool", "host_id", "address", "hostname", "similarity"};
	int r;

	if ((r = csv_row(c, head, ARRAY_SIZE(head))) != 0)
		return r;
	for (size_t i = 0; i < c->plan->npools; i++) {
		const vdi_pool *p = &c->plan->pools[i];

		for (size_t k = 0; k < p->nmembers; k++) {
			const vdi_machine *m = &c->plan->machines[p->members[k]];
			char id[24], sim[16];
			const char *row[] = {p->id, num(id, sizeof(id), m->host_id), m->address,
					     m->hostname, sim};

			snprintf(sim, sizeof(sim), "%.3f", m->similarity);
			if ((r = csv_row(c, row, ARRAY_SIZE(row))) != 0)
				return r;
		}
	}
	return 0;
}

static int csv_pool_applications(csv_ctx *c)
{
	static const char *const head[] = {"pool",     "app_id", "application", "publisher",
					   "machines", "share",	 "role",	"flag"};
	int r;

	if ((r = csv_row(c, head, ARRAY_SIZE(head))) != 0)
		return r;
	for (size_t i = 0; i < c->plan->npools; i++) {
		const vdi_pool *p = &c->plan->pools[i];

		for (size_t k = 0; k < p->napps; k++) {
			const vdi_pool_app *pa = &p->apps[k];
			const vdi_app *a = &c->plan->apps[pa->app];
			char id[24], n[24], share[16];
			const char *row[] = {
			    p->id,
			    num(id, sizeof(id), (int64_t)pa->app + 1),
			    a->name,
			    a->publisher,
			    num(n, sizeof(n), (int64_t)pa->machines),
			    percent(share, sizeof(share), pa->machines, p->nmembers),
			    vdi_role_name(pa->role),
			    a->flag,
			};

			if ((r = csv_row(c, row, ARRAY_SIZE(row))) != 0)
				return r;
		}
	}
	return 0;
}

/* The pools an application is in, "pool-01;pool-03", malloc'd. */
static char *pools_of(const vdi_plan *plan, uint32_t app)
{
	size_t len = 1, used = 0;
	char *s;

	for (size_t i = 0; i < plan->npools; i++)
		len += strlen(plan->pools[i].id) + 1;
	if ((s = malloc(len)) == NULL)
		return NULL;
	s[0] = '\0';
	for (size_t i = 0; i < plan->npools; i++)
		for (size_t k = 0; k < plan->pools[i].napps; k++)
			if (plan->pools[i].apps[k].app == app) {
				used += (size_t)snprintf(s + used, len - used, "%s%s",
							 used ? ";" : "", plan->pools[i].id);
				break;
			}
	return s;
}

static int csv_flags(csv_ctx *c)
{
	static const char *const head[] = {"app_id", "application", "publisher", "flag",
					   "reason", "machines",    "pools"};
	int r;

	if ((r = csv_row(c, head, ARRAY_SIZE(head))) != 0)
		return r;
	for (size_t i = 0; i < c->plan->napps; i++) {
		const vdi_app *a = &c->plan->apps[i];
		char id[24], n[24];
		char *pools;

		if (a->flag == NULL)
			continue;
		if ((pools = pools_of(c->plan, (uint32_t)i)) == NULL)
			return nc_fail(NC_ERR_NOMEM, "out of memory writing %s", c->f.path);
		const char *row[] = {num(id, sizeof(id), (int64_t)i + 1),
				     a->name,
				     a->publisher,
				     a->flag,
				     a->flag_reason,
				     num(n, sizeof(n), (int64_t)a->machines),
				     pools};
		r = csv_row(c, row, ARRAY_SIZE(row));
		free(pools);
		if (r != 0)
			return r;
	}
	return 0;
}

static int csv_installs(csv_ctx *c, inventory_t *inv)
{
	static const char *const head[] = {"host_id",	  "address", "hostname",    "app_id",
					   "application", "version", "install_date"};
	int r;

	if ((r = csv_row(c, head, ARRAY_SIZE(head))) != 0)
		return r;
	return vdi_plan_installs(inv, c->plan, csv_install, c);
}

int vdi_write_csv(inventory_t *inv, const vdi_plan *plan, const char *dir)
{
	static const struct {
		const char *name;
		int (*write)(csv_ctx *c);
	} tables[] = {
	    {"machines.csv", csv_machines},
	    {"applications.csv", csv_applications},
	    {"installs.csv", NULL},
	    {"pools.csv", csv_pools},
	    {"pool_members.csv", csv_pool_members},
	    {"pool_applications.csv", csv_pool_applications},
	    {"flags.csv", csv_flags},
	};
	int r = 0;

	for (size_t t = 0; t < ARRAY_SIZE(tables) && r == 0; t++) {
		csv_ctx c = {.plan = plan};

		if ((r = export_file_open(&c.f, dir, tables[t].name)) != 0)
			break;
		r = tables[t].write ? tables[t].write(&c) : csv_installs(&c, inv);
		if (r != 0)
			export_file_abort(&c.f);
		else
			r = export_file_commit(&c.f);
	}
	return r;
}

/* ---------------------------------------------------------------- JSON */

#define DUMP_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER)

typedef struct {
	FILE *out;
	const vdi_plan *plan;
	export_buf text;
	bool first;
	bool oom;
} json_ctx;

/* A JSON string of s (cleaned), or null. */
static json_t *js(json_ctx *c, const char *s)
{
	const char *t;
	json_t *v;

	if (s == NULL)
		return json_null();
	if ((t = export_text(&c->text, s)) == NULL || (v = json_string(t)) == NULL) {
		c->oom = true;
		return json_null();
	}
	return v;
}

static json_t *ji(int64_t v)
{
	return v < 0 ? json_null() : json_integer(v);
}

static json_t *jr(double v)
{
	return v < 0 ? json_null() : json_real(v);
}

static void set(json_ctx *c, json_t *o, const char *key, json_t *v)
{
	if (v == NULL || json_object_set_new(o, key, v) != 0)
		c->oom = true;
}

/* Write one array element (and release it). */
static int element(json_ctx *c, json_t *o)
{
	int r = 0;

	if (o == NULL || c->oom)
		r = nc_fail(NC_ERR_NOMEM, "out of memory writing JSON");
	else if ((!c->first && fputs(",\n", c->out) == EOF) ||
		 json_dumpf(o, c->out, DUMP_FLAGS) != 0)
		r = nc_fail(NC_ERR_IO, "cannot write the VDI export: %s", strerror(errno));
	c->first = false;
	json_decref(o);
	return r;
}

static int open_array(json_ctx *c, const char *name)
{
	c->first = true;
	if (fprintf(c->out, ",\n\"%s\":[\n", name) < 0)
		return nc_fail(NC_ERR_IO, "cannot write the VDI export: %s", strerror(errno));
	return 0;
}

static int close_array(json_ctx *c)
{
	if (fputs(c->first ? "]" : "\n]", c->out) == EOF)
		return nc_fail(NC_ERR_IO, "cannot write the VDI export: %s", strerror(errno));
	return 0;
}

static json_t *json_machine(json_ctx *c, const vdi_machine *m)
{
	json_t *o = json_object(), *os = json_object(), *cpu = json_object(), *disk = json_object(),
	       *hw = json_object();

	if (o == NULL || os == NULL || cpu == NULL || disk == NULL || hw == NULL) {
		json_decref(os);
		json_decref(cpu);
		json_decref(disk);
		json_decref(hw);
		json_decref(o);
		return NULL;
	}
	set(c, o, "host_id", json_integer(m->host_id));
	set(c, o, "address", js(c, m->address));
	set(c, o, "mac", js(c, m->mac));
	set(c, o, "hostname", js(c, m->hostname));
	set(c, o, "domain", js(c, m->domain));
	set(c, os, "family", js(c, m->os_family));
	set(c, os, "name", js(c, m->os_name));
	set(c, os, "version", js(c, m->os_version));
	set(c, os, "build", js(c, m->os_build));
	set(c, os, "edition", js(c, m->os_edition));
	set(c, os, "arch", js(c, m->os_arch));
	set(c, o, "os", os);
	set(c, o, "device_type", js(c, m->device_type));
	set(c, o, "virtual", m->is_virtual < 0 ? json_null() : json_boolean(m->is_virtual));
	set(c, cpu, "model", js(c, m->cpu_model));
	set(c, cpu, "cores", ji(m->cpu_cores));
	set(c, cpu, "threads", ji(m->cpu_threads));
	set(c, o, "cpu", cpu);
	set(c, o, "ram_bytes", ji(m->ram_bytes));
	set(c, disk, "size_bytes", ji(m->disk_bytes));
	set(c, disk, "used_bytes", ji(m->disk_used_bytes));
	set(c, disk, "free_bytes", ji(m->disk_free_bytes));
	set(c, o, "disk", disk);
	set(c, hw, "vendor", js(c, m->hw_vendor));
	set(c, hw, "model", js(c, m->hw_model));
	set(c, hw, "serial", js(c, m->hw_serial));
	set(c, o, "hardware", hw);
	set(c, o, "last_user", js(c, m->last_user));
	set(c, o, "applications", json_integer((json_int_t)m->napps));
	set(c, o, "pool", js(c, c->plan->pools[m->pool].id));
	return o;
}

static json_t *json_app(json_ctx *c, size_t i)
{
	const vdi_app *a = &c->plan->apps[i];
	json_t *o = json_object(), *vs = json_array();

	if (o == NULL || vs == NULL) {
		json_decref(o);
		json_decref(vs);
		return NULL;
	}
	set(c, o, "id", json_integer((json_int_t)i + 1));
	set(c, o, "name", js(c, a->name));
	set(c, o, "publisher", js(c, a->publisher));
	set(c, o, "machines", json_integer((json_int_t)a->machines));
	set(c, o, "share",
	    json_real(c->plan->nmachines ? (double)a->machines / (double)c->plan->nmachines : 0));
	for (size_t k = 0; k < a->nversions; k++) {
		json_t *v = json_object();

		if (v == NULL || json_array_append_new(vs, v) != 0) {
			c->oom = true;
			break;
		}
		set(c, v, "version",
		    a->versions[k].version[0] ? js(c, a->versions[k].version) : json_null());
		set(c, v, "machines", json_integer((json_int_t)a->versions[k].machines));
	}
	set(c, o, "versions", vs);
	if (a->flag != NULL) {
		json_t *f = json_object();

		if (f == NULL) {
			c->oom = true;
		} else {
			set(c, f, "name", js(c, a->flag));
			set(c, f, "reason", js(c, a->flag_reason));
			set(c, o, "flag", f);
		}
	} else {
		set(c, o, "flag", json_null());
	}
	return o;
}

/* s as a JSON string literal to out (s is valid UTF-8: export_text()). */
static void json_quoted(FILE *out, const char *s)
{
	putc('"', out);
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(out, "\\u%04x", ch);
		else
			putc(ch, out);
	}
	putc('"', out);
}

/* Installs are most of the document: written directly, not through
 * jansson objects, in the same compact form. */
static int json_install(void *ctx, const vdi_install *in)
{
	json_ctx *c = ctx;
	const char *v = NULL;

	if (in->version[0] != '\0' && (v = export_text(&c->text, in->version)) == NULL)
		return nc_fail(NC_ERR_NOMEM, "out of memory writing JSON");
	if (!c->first)
		fputs(",\n", c->out);
	c->first = false;
	fprintf(c->out, "{\"host_id\":%lld,\"app_id\":%u,\"version\":",
		(long long)c->plan->machines[in->machine].host_id, (unsigned)in->app + 1);
	if (v != NULL)
		json_quoted(c->out, v);
	else
		fputs("null", c->out);
	fputs(",\"install_date\":", c->out);
	if (in->install_date != NULL) /* YYYY-MM-DD: digits and dashes only */
		fprintf(c->out, "\"%s\"}", in->install_date);
	else
		fputs("null}", c->out);
	if (ferror(c->out))
		return nc_fail(NC_ERR_IO, "cannot write the VDI export: %s", strerror(errno));
	return 0;
}

static json_t *json_pool(json_ctx *c, const vdi_pool *p)
{
	json_t *o = json_object(), *members = json_array(), *apps = json_array(),
	       *size = json_object();
	const vdi_machine *l = &c->plan->machines[p->leader];

	if (o == NULL || members == NULL || apps == NULL || size == NULL) {
		json_decref(o);
		json_decref(members);
		json_decref(apps);
		json_decref(size);
		return NULL;
	}
	set(c, o, "id", js(c, p->id));
	set(c, o, "kind", js(c, vdi_pool_kind(p)));
	set(c, o, "os_family", js(c, p->os_family));
	set(c, o, "os", js(c, p->os_label));
	set(c, o, "leader", json_integer(l->host_id));
	set(c, size, "machines", json_integer((json_int_t)p->nmembers));
	set(c, size, "cores_median", jr(p->cores_median));
	set(c, size, "cores_max", ji(p->cores_max));
	set(c, size, "ram_median_bytes", jr(p->ram_median));
	set(c, size, "ram_max_bytes", ji(p->ram_max));
	set(c, size, "disk_used_median_bytes", jr(p->disk_used_median));
	set(c, size, "disk_used_max_bytes", ji(p->disk_used_max));
	set(c, size, "disk_used_total_bytes", ji(p->disk_used_total));
	set(c, o, "sizing", size);
	for (size_t k = 0; k < p->nmembers; k++) {
		const vdi_machine *m = &c->plan->machines[p->members[k]];
		json_t *e = json_object();

		if (e == NULL || json_array_append_new(members, e) != 0) {
			c->oom = true;
			break;
		}
		set(c, e, "host_id", json_integer(m->host_id));
		set(c, e, "hostname", js(c, m->hostname));
		set(c, e, "address", js(c, m->address));
		set(c, e, "similarity", json_real(m->similarity));
	}
	set(c, o, "machines", members);
	for (size_t k = 0; k < p->napps; k++) {
		const vdi_pool_app *pa = &p->apps[k];
		json_t *e = json_object();

		if (e == NULL || json_array_append_new(apps, e) != 0) {
			c->oom = true;
			break;
		}
		set(c, e, "app_id", json_integer((json_int_t)pa->app + 1));
		set(c, e, "name", js(c, c->plan->apps[pa->app].name));
		set(c, e, "machines", json_integer((json_int_t)pa->machines));
		set(c, e, "share", json_real((double)pa->machines / (double)p->nmembers));
		set(c, e, "role", js(c, vdi_role_name(pa->role)));
	}
	set(c, o, "applications", apps);
	return o;
}

int vdi_write_json(inventory_t *inv, const vdi_plan *plan, FILE *out)
{
	json_ctx c = {.out = out, .plan = plan};
	json_t *scan = json_hosts_scan(&plan->scan), *opts = json_object(), *sum = json_object();
	int r = 0;

	if (scan == NULL || opts == NULL || sum == NULL) {
		r = nc_fail(NC_ERR_NOMEM, "out of memory writing JSON");
		goto out;
	}
	set(&c, opts, "base_share", json_real(plan->opt.base_share));
	set(&c, opts, "pool_similarity", json_real(plan->opt.similarity));
	set(&c, opts, "min_pool", json_integer((json_int_t)plan->opt.min_pool));
	set(&c, sum, "machines", json_integer((json_int_t)plan->nmachines));
	set(&c, sum, "applications", json_integer((json_int_t)plan->napps));
	set(&c, sum, "pools", json_integer((json_int_t)plan->npools));
	set(&c, sum, "software_rows", json_integer((json_int_t)plan->software_rows));
	set(&c, sum, "ignored_rows", json_integer((json_int_t)plan->ignored_rows));
	if (c.oom) {
		r = nc_fail(NC_ERR_NOMEM, "out of memory writing JSON");
		goto out;
	}
	if (fprintf(out, "{\"format\":\"netcensus-vdi\",\"version\":1,\"generator\":\"%s\",\n",
		    export_generator()) < 0 ||
	    fputs("\"scan\":", out) == EOF || json_dumpf(scan, out, DUMP_FLAGS) != 0 ||
	    fputs(",\n\"options\":", out) == EOF || json_dumpf(opts, out, DUMP_FLAGS) != 0 ||
	    fputs(",\n\"summary\":", out) == EOF || json_dumpf(sum, out, DUMP_FLAGS) != 0) {
		r = nc_fail(NC_ERR_IO, "cannot write the VDI export: %s", strerror(errno));
		goto out;
	}
	if ((r = open_array(&c, "machines")) != 0)
		goto out;
	for (size_t i = 0; i < plan->nmachines; i++)
		if ((r = element(&c, json_machine(&c, &plan->machines[i]))) != 0)
			goto out;
	if ((r = close_array(&c)) != 0 || (r = open_array(&c, "applications")) != 0)
		goto out;
	for (size_t i = 0; i < plan->napps; i++)
		if ((r = element(&c, json_app(&c, i))) != 0)
			goto out;
	if ((r = close_array(&c)) != 0 || (r = open_array(&c, "pools")) != 0)
		goto out;
	for (size_t i = 0; i < plan->npools; i++)
		if ((r = element(&c, json_pool(&c, &plan->pools[i]))) != 0)
			goto out;
	if ((r = close_array(&c)) != 0 || (r = open_array(&c, "installs")) != 0 ||
	    (r = vdi_plan_installs(inv, plan, json_install, &c)) != 0 || (r = close_array(&c)) != 0)
		goto out;
	if (fputs("}\n", out) == EOF)
		r = nc_fail(NC_ERR_IO, "cannot write the VDI export: %s", strerror(errno));
out:
	json_decref(scan);
	json_decref(opts);
	json_decref(sum);
	export_buf_free(&c.text);
	return r;
}

/* ----------------------------------------------------------------- XML */

typedef struct {
	xmlTextWriterPtr w;
	const vdi_plan *plan;
	export_buf text;
	bool nomem;
} xml_ctx;

static int xml_write_cb(void *ctx, const char *buf, int len)
{
	if (len > 0 && fwrite(buf, 1, (size_t)len, (FILE *)ctx) != (size_t)len)
		return -1;
	return len;
}

static int xml_close_cb(void *ctx)
{
	return fflush((FILE *)ctx) == 0 ? 0 : -1;
}

static const xmlChar *X(const char *s)
{
	return (const xmlChar *)s;
}

static int xstart(xml_ctx *x, const char *name)
{
	return xmlTextWriterStartElement(x->w, X(name)) < 0 ? -1 : 0;
}

static int xend(xml_ctx *x)
{
	return xmlTextWriterEndElement(x->w) < 0 ? -1 : 0;
}

/* An attribute, left out when value is NULL. */
static int xattr(xml_ctx *x, const char *name, const char *value)
{
	const char *t;

	if (value == NULL)
		return 0;
	if ((t = export_text(&x->text, value)) == NULL) {
		x->nomem = true;
		return -1;
	}
	return xmlTextWriterWriteAttribute(x->w, X(name), X(t)) < 0 ? -1 : 0;
}

static int xnum(xml_ctx *x, const char *name, int64_t v)
{
	char buf[24];

	return xattr(x, name, num(buf, sizeof(buf), v));
}

static int xreal(xml_ctx *x, const char *name, double v)
{
	char buf[32];

	return xattr(x, name, real(buf, sizeof(buf), v));
}

static int xml_machine(xml_ctx *x, const vdi_machine *m)
{
	if (xstart(x, "machine") || xnum(x, "host-id", m->host_id) ||
	    xattr(x, "address", m->address) || xattr(x, "mac", m->mac) ||
	    xattr(x, "hostname", m->hostname) || xattr(x, "domain", m->domain) ||
	    xattr(x, "device-type", m->device_type) ||
	    xattr(x, "type", virtual_word(m->is_virtual)) || xattr(x, "last-user", m->last_user) ||
	    xnum(x, "applications", (int64_t)m->napps) ||
	    xattr(x, "pool", x->plan->pools[m->pool].id))
		return -1;
	if (xstart(x, "os") || xattr(x, "family", m->os_family) || xattr(x, "name", m->os_name) ||
	    xattr(x, "version", m->os_version) || xattr(x, "build", m->os_build) ||
	    xattr(x, "edition", m->os_edition) || xattr(x, "arch", m->os_arch) || xend(x))
		return -1;
	if (xstart(x, "hardware") || xattr(x, "cpu-model", m->cpu_model) ||
	    xnum(x, "cpu-cores", m->cpu_cores) || xnum(x, "cpu-threads", m->cpu_threads) ||
	    xnum(x, "ram-bytes", m->ram_bytes) || xnum(x, "disk-bytes", m->disk_bytes) ||
	    xnum(x, "disk-used-bytes", m->disk_used_bytes) ||
	    xnum(x, "disk-free-bytes", m->disk_free_bytes) || xattr(x, "vendor", m->hw_vendor) ||
	    xattr(x, "model", m->hw_model) || xattr(x, "serial", m->hw_serial) || xend(x))
		return -1;
	return xend(x);
}

static int xml_app(xml_ctx *x, size_t i)
{
	const vdi_app *a = &x->plan->apps[i];
	char share[16];

	if (xstart(x, "application") || xnum(x, "id", (int64_t)i + 1) ||
	    xattr(x, "name", a->name) || xattr(x, "publisher", a->publisher) ||
	    xnum(x, "machines", (int64_t)a->machines) ||
	    xattr(x, "share", percent(share, sizeof(share), a->machines, x->plan->nmachines)) ||
	    xattr(x, "flag", a->flag) || xattr(x, "flag-reason", a->flag_reason))
		return -1;
	for (size_t k = 0; k < a->nversions; k++)
		if (xstart(x, "version") ||
		    xattr(x, "version",
			  a->versions[k].version[0] ? a->versions[k].version : NULL) ||
		    xnum(x, "machines", (int64_t)a->versions[k].machines) || xend(x))
			return -1;
	return xend(x);
}

static int xml_install(void *ctx, const vdi_install *in)
{
	xml_ctx *x = ctx;

	if (xstart(x, "install") || xnum(x, "host-id", x->plan->machines[in->machine].host_id) ||
	    xnum(x, "app-id", (int64_t)in->app + 1) ||
	    xattr(x, "version", in->version[0] ? in->version : NULL) ||
	    xattr(x, "install-date", in->install_date) || xend(x))
		return x->nomem
			   ? nc_fail(NC_ERR_NOMEM, "out of memory writing XML")
			   : nc_fail(NC_ERR_IO, "cannot write the VDI export: XML writer error");
	return 0;
}

static int xml_pool(xml_ctx *x, const vdi_pool *p)
{
	const vdi_machine *l = &x->plan->machines[p->leader];

	if (xstart(x, "pool") || xattr(x, "id", p->id) || xattr(x, "kind", vdi_pool_kind(p)) ||
	    xattr(x, "os", p->os_label) ||
	    xattr(x, "os-family", p->os_family) || xnum(x, "leader", l->host_id))
		return -1;
	if (xstart(x, "sizing") || xnum(x, "machines", (int64_t)p->nmembers) ||
	    xreal(x, "cores-median", p->cores_median) || xnum(x, "cores-max", p->cores_max) ||
	    xreal(x, "ram-median-bytes", p->ram_median) || xnum(x, "ram-max-bytes", p->ram_max) ||
	    xreal(x, "disk-used-median-bytes", p->disk_used_median) ||
	    xnum(x, "disk-used-max-bytes", p->disk_used_max) ||
	    xnum(x, "disk-used-total-bytes", p->disk_used_total) || xend(x))
		return -1;
	for (size_t k = 0; k < p->nmembers; k++) {
		const vdi_machine *m = &x->plan->machines[p->members[k]];
		char sim[16];

		snprintf(sim, sizeof(sim), "%.3f", m->similarity);
		if (xstart(x, "member") || xnum(x, "host-id", m->host_id) ||
		    xattr(x, "hostname", m->hostname) || xattr(x, "address", m->address) ||
		    xattr(x, "similarity", sim) || xend(x))
			return -1;
	}
	for (size_t k = 0; k < p->napps; k++) {
		const vdi_pool_app *pa = &p->apps[k];
		char share[16];

		if (xstart(x, "app") || xnum(x, "app-id", (int64_t)pa->app + 1) ||
		    xattr(x, "name", x->plan->apps[pa->app].name) ||
		    xnum(x, "machines", (int64_t)pa->machines) ||
		    xattr(x, "share", percent(share, sizeof(share), pa->machines, p->nmembers)) ||
		    xattr(x, "role", vdi_role_name(pa->role)) || xend(x))
			return -1;
	}
	return xend(x);
}

static int xml_scan(xml_ctx *x, const scan_row *s)
{
	char started[32], finished[32];

	return xstart(x, "scan") || xnum(x, "id", s->id) || xattr(x, "status", s->status) ||
		       xattr(x, "started",
			     s->started_at > 0
				 ? query_time_iso8601(s->started_at, started, sizeof(started))
				 : NULL) ||
		       xattr(x, "finished",
			     s->finished_at > 0
				 ? query_time_iso8601(s->finished_at, finished, sizeof(finished))
				 : NULL) ||
		       xend(x)
		   ? -1
		   : 0;
}

int vdi_write_xml(inventory_t *inv, const vdi_plan *plan, FILE *out)
{
	xml_ctx x = {.plan = plan};
	xmlOutputBufferPtr buf;
	char share[32], sim[32];
	int r = 0;

	if ((buf = xmlOutputBufferCreateIO(xml_write_cb, xml_close_cb, out, NULL)) == NULL)
		return nc_fail(NC_ERR_NOMEM, "out of memory starting the XML writer");
	if ((x.w = xmlNewTextWriter(buf)) == NULL) {
		xmlOutputBufferClose(buf);
		return nc_fail(NC_ERR_NOMEM, "out of memory starting the XML writer");
	}
	snprintf(share, sizeof(share), "%.15g", plan->opt.base_share);
	snprintf(sim, sizeof(sim), "%.15g", plan->opt.similarity);
	if (xmlTextWriterSetIndent(x.w, 1) < 0 || xmlTextWriterSetIndentString(x.w, X("  ")) < 0 ||
	    xmlTextWriterStartDocument(x.w, "1.0", "UTF-8", NULL) < 0 ||
	    xmlTextWriterStartElementNS(x.w, NULL, X("vdi"), X(VDI_XML_NAMESPACE)) < 0 ||
	    xattr(&x, "version", "1") || xattr(&x, "generator", export_generator()) ||
	    xml_scan(&x, &plan->scan) || xstart(&x, "options") || xattr(&x, "base-share", share) ||
	    xattr(&x, "pool-similarity", sim) || xnum(&x, "min-pool", (int64_t)plan->opt.min_pool) ||
	    xend(&x) || xstart(&x, "summary") ||
	    xnum(&x, "machines", (int64_t)plan->nmachines) ||
	    xnum(&x, "applications", (int64_t)plan->napps) ||
	    xnum(&x, "pools", (int64_t)plan->npools) ||
	    xnum(&x, "software-rows", (int64_t)plan->software_rows) ||
	    xnum(&x, "ignored-rows", (int64_t)plan->ignored_rows) || xend(&x))
		goto write_error;
	if (xstart(&x, "machines"))
		goto write_error;
	for (size_t i = 0; i < plan->nmachines; i++)
		if (xml_machine(&x, &plan->machines[i]))
			goto write_error;
	if (xend(&x) || xstart(&x, "applications"))
		goto write_error;
	for (size_t i = 0; i < plan->napps; i++)
		if (xml_app(&x, i))
			goto write_error;
	if (xend(&x) || xstart(&x, "pools"))
		goto write_error;
	for (size_t i = 0; i < plan->npools; i++)
		if (xml_pool(&x, &plan->pools[i]))
			goto write_error;
	if (xend(&x) || xstart(&x, "installs"))
		goto write_error;
	if ((r = vdi_plan_installs(inv, plan, xml_install, &x)) != 0)
		goto out;
	if (xend(&x) || xmlTextWriterEndDocument(x.w) < 0 || xmlTextWriterFlush(x.w) < 0)
		goto write_error;
	r = 0;
	goto out;
write_error:
	if (x.nomem)
		r = nc_fail(NC_ERR_NOMEM, "out of memory writing XML");
	else
		r = nc_fail(NC_ERR_IO, "cannot write the VDI export: %s",
			    ferror(out) ? strerror(errno) : "XML writer error");
out:
	xmlFreeTextWriter(x.w);
	export_buf_free(&x.text);
	return r;
}

/* ------------------------------------------------------ format entry */

static int output_of(const export_request *req, vdi_output *out)
{
	if (req->vdi_format != NULL)
		return vdi_output_parse(req->vdi_format, out);
	*out = req->output ? vdi_output_for_path(req->output) : VDI_OUT_JSON;
	return 0;
}

bool vdi_export_wants_dir(const export_request *req)
{
	vdi_output o;

	return output_of(req, &o) == 0 && o == VDI_OUT_CSV;
}

int vdi_export_format(const export_request *req)
{
	appnorm_rules *rules = NULL;
	vdi_plan *plan = NULL;
	vdi_options opt = {.base_share = VDI_DEFAULT_BASE_SHARE,
			   .similarity = VDI_DEFAULT_SIMILARITY,
			   .min_pool = VDI_DEFAULT_MIN_POOL};
	vdi_output o;
	bool in_txn = false;
	int r;

	if ((r = output_of(req, &o)) != 0)
		return r;
	if (req->vdi_base_share != NULL &&
	    (r = vdi_parse_share(req->vdi_base_share, &opt.base_share, "--base-share")) != 0)
		return r;
	if (req->vdi_similarity != NULL) {
		char *end;

		errno = 0;
		opt.similarity = strtod(req->vdi_similarity, &end);
		if (end == req->vdi_similarity || *end != '\0' || errno != 0 ||
		    !(opt.similarity >= 0.0 && opt.similarity <= 1.0))
			return nc_fail(NC_ERR_INVALID,
				       "bad --pool-similarity '%s' (a number from 0 to 1)",
				       req->vdi_similarity);
	}
	if (req->vdi_min_pool != NULL && (r = vdi_parse_min_pool(req->vdi_min_pool, &opt.min_pool)) != 0)
		return r;
	if ((r = appnorm_rules_load(req->vdi_rules ? req->vdi_rules : vdi_default_rules_path(),
				    &rules)) != 0)
		return r;
	opt.rules = rules;
	/* one read transaction: the installs are read again after the plan is
	 * built, and must come from the same snapshot */
	if (sqlite3_get_autocommit(inventory_sqlite(req->inv))) {
		if (sqlite3_exec(inventory_sqlite(req->inv), "BEGIN", NULL, NULL, NULL) !=
		    SQLITE_OK) {
			r = inventory_fail(req->inv, "starting a read transaction");
			goto out;
		}
		in_txn = true; /* else the caller's (inventory_snapshot()) */
	}
	if ((r = vdi_plan_build(req->inv, req->scan, &opt, &plan)) != 0)
		goto out;
	if (o == VDI_OUT_CSV) {
		if (req->dir == NULL) {
			r = nc_fail(NC_ERR_INVALID,
				    "--vdi-format csv writes a directory: give -o DIR");
			goto out;
		}
		r = vdi_write_csv(req->inv, plan, req->dir);
	} else if (o == VDI_OUT_JSON) {
		r = vdi_write_json(req->inv, plan, req->out);
	} else {
		r = vdi_write_xml(req->inv, plan, req->out);
	}
out:
	if (in_txn)
		sqlite3_exec(inventory_sqlite(req->inv), "COMMIT", NULL, NULL, NULL);
	vdi_plan_free(plan);
	appnorm_rules_free(rules);
	return r;
}
