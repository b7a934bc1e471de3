#include "config.h"

/*
 * vdi.c — building the VDI plan of a scan (vdi.h): machines from the
 * verdicts, facts and hardware rows; applications from the software rows,
 * normalised once per distinct (name, publisher, major version) and
 * counted per machine; pools by OS and by profile clustering of
 * application sets (vdi.h).
 *
 * The software table is the big one (hundreds of rows per host): it is
 * read host by host through its (scan_id, host_id) index, each row is
 * looked up in a hash of raw names, and only application numbers are
 * kept.  Everything else is proportional to machines and distinct
 * applications.
 */

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "export/vdi.h"
#include "export/vdi_index.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/grow.h"

const char *vdi_role_name(vdi_role r)
{
	switch (r) {
	case VDI_ROLE_BASE:
		return "base";
	case VDI_ROLE_COMMON:
		return "common";
	case VDI_ROLE_LAYER:
		return "layer";
	}
	return "?";
}

static int nomem(void)
{
	return nc_fail(NC_ERR_NOMEM, "out of memory building the VDI plan");
}

static int prepare(inventory_t *inv, const char *sql, sqlite3_stmt **st, int64_t scan_id)
{
	if (sqlite3_prepare_v2(inventory_sqlite(inv), sql, -1, st, NULL) != SQLITE_OK ||
	    sqlite3_bind_int64(*st, 1, scan_id) != SQLITE_OK)
		return inventory_fail(inv, "reading the VDI plan");
	return 0;
}

/* ----------------------------------------------------------- machines */

typedef struct {
	int64_t host_id;
	size_t idx;
} host_slot;

static int cmp_slot(const void *a, const void *b)
{
	const host_slot *x = a, *y = b;

	return x->host_id < y->host_id ? -1 : x->host_id > y->host_id;
}

typedef struct {
	host_slot *slots; /* by host id */
	size_t n;
} host_map;

static vdi_machine *find_machine(vdi_plan *p, const host_map *m, int64_t host_id)
{
	host_slot key = {.host_id = host_id}, *s;

	s = bsearch(&key, m->slots, m->n, sizeof(*s), cmp_slot);
	return s ? &p->machines[s->idx] : NULL;
}

static int64_t num_or(const char *s, int64_t absent)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0')
		return absent;
	v = strtoll(s, &end, 10);
	if (*end != '\0' || v < 0)
		return absent;
	return v;
}

/* Set *dst to a copy of the text column when it is still unset. */
static int take_text(sqlite3_stmt *st, int col, char **dst)
{
	char *s;
	int r;

	if (*dst != NULL)
		return 0;
	if ((r = query_column_text(st, col, &s)) != 0)
		return r;
	if (s != NULL && s[0] == '\0') {
		free(s);
		s = NULL;
	}
	*dst = s;
	return 0;
}

static int read_hosts(inventory_t *inv, vdi_plan *p, host_map *m)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int r = 0, rc;

	if ((r = prepare(inv,
			 "SELECT host_id, address, mac FROM host_scans WHERE scan_id = ?1 "
			 "ORDER BY address_int",
			 &st, p->scan.id)) != 0)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		vdi_machine *mc;

		if (nc_grow(&p->machines, &cap, p->nmachines + 1, sizeof(*p->machines), 64) != 0) {
			r = nomem();
			goto out;
		}
		mc = &p->machines[p->nmachines++];
		memset(mc, 0, sizeof(*mc));
		mc->host_id = sqlite3_column_int64(st, 0);
		mc->is_virtual = -1;
		mc->cpu_cores = mc->cpu_threads = mc->ram_bytes = -1;
		mc->disk_bytes = mc->disk_free_bytes = mc->disk_used_bytes = -1;
		if (take_text(st, 1, &mc->address) != 0 || take_text(st, 2, &mc->mac) != 0) {
			r = nomem();
			goto out;
		}
	}
	if (rc != SQLITE_DONE) {
		r = inventory_fail(inv, "reading the hosts of the scan");
		goto out;
	}
	if ((m->slots = calloc(p->nmachines ? p->nmachines : 1, sizeof(*m->slots))) == NULL) {
		r = nomem();
		goto out;
	}
	for (size_t i = 0; i < p->nmachines; i++)
		m->slots[i] = (host_slot){.host_id = p->machines[i].host_id, .idx = i};
	m->n = p->nmachines;
	qsort(m->slots, m->n, sizeof(*m->slots), cmp_slot);
out:
	sqlite3_finalize(st);
	return r;
}

static int read_verdicts(inventory_t *inv, vdi_plan *p, const host_map *m)
{
	static const struct {
		const char *field;
		size_t off;
	} fields[] = {
	    {"hostname", offsetof(vdi_machine, hostname)},
	    {"domain", offsetof(vdi_machine, domain)},
	    {"os.family", offsetof(vdi_machine, os_family)},
	    {"os.name", offsetof(vdi_machine, os_name)},
	    {"os.version", offsetof(vdi_machine, os_version)},
	    {"os.build", offsetof(vdi_machine, os_build)},
	    {"device.type", offsetof(vdi_machine, device_type)},
	    {"hw.vendor", offsetof(vdi_machine, hw_vendor)},
	    {"hw.model", offsetof(vdi_machine, hw_model)},
	};
	sqlite3_stmt *st = NULL;
	int r, rc;

	if ((r = prepare(inv, "SELECT host_id, field, value FROM verdicts WHERE scan_id = ?1", &st,
			 p->scan.id)) != 0)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		vdi_machine *mc = find_machine(p, m, sqlite3_column_int64(st, 0));
		const char *field = (const char *)sqlite3_column_text(st, 1);
		const char *value = (const char *)sqlite3_column_text(st, 2);

		if (mc == NULL || field == NULL || value == NULL)
			continue;
		if (strcmp(field, "virtual") == 0) {
			if (strcasecmp(value, "yes") == 0 || strcasecmp(value, "true") == 0)
				mc->is_virtual = 1;
			else if (strcasecmp(value, "no") == 0 || strcasecmp(value, "false") == 0)
				mc->is_virtual = 0;
			continue;
		}
		for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
			if (strcmp(field, fields[i].field) == 0 &&
			    (r = take_text(st, 2, (char **)((char *)mc + fields[i].off))) != 0) {
				r = nomem();
				goto out;
			}
	}
	if (rc != SQLITE_DONE)
		r = inventory_fail(inv, "reading the verdicts of the scan");
out:
	sqlite3_finalize(st);
	return r;
}

/* The facts the verdict does not summarise, best first per host and key. */
static int read_facts(inventory_t *inv, vdi_plan *p, const host_map *m)
{
	static const struct {
		const char *key;
		size_t off;
	} texts[] =
	    {
		{"os.edition", offsetof(vdi_machine, os_edition)},
		{"os.arch", offsetof(vdi_machine, os_arch)},
		{"hw.cpu.model", offsetof(vdi_machine, cpu_model)},
		{"hw.serial", offsetof(vdi_machine, hw_serial)},
		{"netbios.user", offsetof(vdi_machine, last_user)},
	    },
	  nums[] = {
	      {"hw.cpu.cores", offsetof(vdi_machine, cpu_cores)},
	      {"hw.cpu.threads", offsetof(vdi_machine, cpu_threads)},
	      {"hw.memory_bytes", offsetof(vdi_machine, ram_bytes)},
	  };
	sqlite3_stmt *st = NULL;
	int64_t *cpu_count = NULL;
	int r, rc;

	if ((cpu_count = malloc((p->nmachines ? p->nmachines : 1) * sizeof(*cpu_count))) == NULL)
		return nomem();
	for (size_t i = 0; i < p->nmachines; i++)
		cpu_count[i] = -1;
	if ((r = prepare(inv,
			 "SELECT host_id, key, value FROM facts WHERE scan_id = ?1 AND key IN "
			 "('os.edition', 'os.arch', 'hw.cpu.model', 'hw.cpu.cores', "
			 "'hw.cpu.threads', 'hw.cpu.count', 'hw.memory_bytes', 'hw.serial', "
			 "'netbios.user', 'users.logged_on') "
			 "ORDER BY host_id, key, confidence DESC, CASE source WHEN 'ssh' THEN 0 "
			 "WHEN 'snmp' THEN 1 WHEN 'smb' THEN 2 WHEN 'netbios' THEN 3 "
			 "WHEN 'banner' THEN 4 ELSE 5 END, rowid",
			 &st, p->scan.id)) != 0)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		vdi_machine *mc = find_machine(p, m, sqlite3_column_int64(st, 0));
		const char *key = (const char *)sqlite3_column_text(st, 1);
		const char *value = (const char *)sqlite3_column_text(st, 2);

		if (mc == NULL || key == NULL || value == NULL || value[0] == '\0')
			continue;
		for (size_t i = 0; i < ARRAY_SIZE(texts); i++)
			if (strcmp(key, texts[i].key) == 0 &&
			    take_text(st, 2, (char **)((char *)mc + texts[i].off)) != 0) {
				r = nomem();
				goto out;
			}
		for (size_t i = 0; i < ARRAY_SIZE(nums); i++) {
			int64_t *num = (int64_t *)((char *)mc + nums[i].off);

			if (strcmp(key, nums[i].key) == 0 && *num < 0)
				*num = num_or(value, -1);
		}
		if (strcmp(key, "hw.cpu.count") == 0 && cpu_count[mc - p->machines] < 0)
			cpu_count[mc - p->machines] = num_or(value, -1);
		/* the first user listed, when NetBIOS named none (netbios.user
		 * sorts before users.logged_on) */
		if (strcmp(key, "users.logged_on") == 0 && mc->last_user == NULL) {
			if (take_text(st, 2, &mc->last_user) != 0) {
				r = nomem();
				goto out;
			}
			if (mc->last_user != NULL)
				mc->last_user[strcspn(mc->last_user, ",")] = '\0';
		}
	}
	if (rc != SQLITE_DONE) {
		r = inventory_fail(inv, "reading the facts of the scan");
		goto out;
	}
	/* SNMP's hw.cpu.count counts logical processors: it stands in for a
	 * thread count that SSH did not give */
	for (size_t i = 0; i < p->nmachines; i++)
		/* nmachines > 0: read_machines() allocated machines */
		/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
		if (p->machines[i].cpu_threads < 0 && cpu_count[i] > 0)
			p->machines[i].cpu_threads = cpu_count[i];
out:
	free(cpu_count);
	sqlite3_finalize(st);
	return r;
}

/* "type=fixed" in an extra of "k=v;k=v": the value of key, or NULL. */
static const char *extra_value(const char *extra, const char *key, size_t *len)
{
	size_t kn = strlen(key);

	for (const char *p = extra; p != NULL && *p != '\0';) {
		const char *end = strchr(p, ';');

		if (strncmp(p, key, kn) == 0 && p[kn] == '=') {
			*len = end ? (size_t)(end - p - kn - 1) : strlen(p + kn + 1);
			return p + kn + 1;
		}
		p = end ? end + 1 : NULL;
	}
	return NULL;
}

/* Per-host sums while the hardware rows of one host go by. */
typedef struct {
	int64_t disks, fs_size, fs_used, fs_free, ram, cores;
	size_t cpus;
	char *cpu_model;
	char seen[32][64]; /* file-system sources already counted */
	size_t nseen;
} hw_acc;

static void add64(int64_t *sum, int64_t v)
{
	if (v < 0)
		return;
	*sum = *sum < 0 ? v : *sum + v;
}

static void hw_flush(vdi_machine *mc, hw_acc *a)
{
	if (mc != NULL) {
		mc->disk_bytes = a->disks >= 0 ? a->disks : a->fs_size;
		mc->disk_used_bytes = a->fs_used;
		mc->disk_free_bytes = a->fs_free;
		if (mc->ram_bytes < 0)
			mc->ram_bytes = a->ram;
		if (mc->cpu_model == NULL) {
			mc->cpu_model = a->cpu_model;
			a->cpu_model = NULL;
		}
		if (mc->cpu_cores < 0 && a->cores > 0)
			mc->cpu_cores = a->cores;
		if (mc->cpu_threads < 0 && a->cpus > 0 && a->cores < 0)
			mc->cpu_threads = (int64_t)a->cpus;
		if (mc->cpu_cores < 0)
			mc->cpu_cores = mc->cpu_threads;
	}
	free(a->cpu_model);
	memset(a, 0, sizeof(*a));
	a->disks = a->fs_size = a->fs_used = a->fs_free = a->ram = a->cores = -1;
}

static int hw_row(sqlite3_stmt *st, hw_acc *a)
{
	const char *kind = (const char *)sqlite3_column_text(st, 1);
	const char *name = (const char *)sqlite3_column_text(st, 2);
	const char *extra = (const char *)sqlite3_column_text(st, 3);
	int64_t size = sqlite3_column_type(st, 4) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 4);
	int64_t used = sqlite3_column_type(st, 5) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 5);
	const char *v;
	size_t vn;

	if (kind == NULL)
		return 0;
	if (strcmp(kind, "disk") == 0) {
		add64(&a->disks, size);
	} else if (strcmp(kind, "storage") == 0) {
		/* SNMP: hrStorageFixedDisk only; SSH: local file systems, once per
		 * source, not loop devices (snaps) */
		if ((v = extra_value(extra, "type", &vn)) != NULL &&
		    (vn != 5 || strncmp(v, "fixed", 5) != 0))
			return 0;
		if ((v = extra_value(extra, "source", &vn)) != NULL) {
			if (vn >= 9 && strncmp(v, "/dev/loop", 9) == 0)
				return 0;
			for (size_t i = 0; i < a->nseen; i++)
				if (strlen(a->seen[i]) == vn && strncmp(a->seen[i], v, vn) == 0)
					return 0;
			if (a->nseen < ARRAY_SIZE(a->seen))
				snprintf(a->seen[a->nseen++], sizeof(a->seen[0]), "%.*s",
					 (int)NC_MIN(vn, 63), v);
		}
		add64(&a->fs_size, size);
		add64(&a->fs_used, used);
		if (size >= 0 && used >= 0 && size >= used)
			add64(&a->fs_free, size - used);
	} else if (strcmp(kind, "memory") == 0) {
		if ((v = extra_value(extra, "type", &vn)) != NULL &&
		    (vn != 3 || strncmp(v, "ram", 3) != 0))
			return 0;
		if (a->ram < 0)
			a->ram = size;
	} else if (strcmp(kind, "cpu") == 0) {
		a->cpus++;
		if ((v = extra_value(extra, "cores", &vn)) != NULL) {
			char buf[24];

			snprintf(buf, sizeof(buf), "%.*s", (int)NC_MIN(vn, 20), v);
			if (num_or(buf, -1) > 0)
				a->cores = num_or(buf, -1);
		}
		if (a->cpu_model == NULL && name != NULL && name[0] != '\0' &&
		    strcmp(name, "cpu") != 0) {
			if (query_column_text(st, 2, &a->cpu_model) != 0)
				return NC_ERR_NOMEM;
		}
	}
	return 0;
}

static int read_hardware(inventory_t *inv, vdi_plan *p, const host_map *m)
{
	sqlite3_stmt *st = NULL;
	hw_acc *acc = NULL;
	vdi_machine *cur = NULL;
	int64_t cur_id = -1;
	int r, rc;

	if ((acc = calloc(1, sizeof(*acc))) == NULL)
		return nomem();
	hw_flush(NULL, acc);
	if ((r = prepare(inv,
			 "SELECT host_id, kind, name, extra, size_bytes, used_bytes FROM hardware "
			 "WHERE scan_id = ?1 AND kind IN ('cpu', 'memory', 'disk', 'storage') "
			 "ORDER BY host_id, rowid",
			 &st, p->scan.id)) != 0)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);

		if (id != cur_id) {
			hw_flush(cur, acc);
			cur = find_machine(p, m, id);
			cur_id = id;
		}
		if (cur != NULL && (r = hw_row(st, acc)) != 0) {
			r = nomem();
			goto out;
		}
	}
	if (rc != SQLITE_DONE) {
		r = inventory_fail(inv, "reading the hardware of the scan");
		goto out;
	}
	hw_flush(cur, acc);
	/* machines without hardware rows still get cores from threads */
	for (size_t i = 0; i < p->nmachines; i++)
		/* nmachines > 0: read_machines() allocated machines */
		/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
		if (p->machines[i].cpu_cores < 0)
			p->machines[i].cpu_cores = p->machines[i].cpu_threads;
out:
	if (acc != NULL)
		hw_flush(NULL, acc);
	free(acc);
	sqlite3_finalize(st);
	return r;
}

/* -------------------------------------------------------- applications */

typedef struct {
	uint32_t app;
	uint32_t ver;
} app_ver;

static int cmp_app_ver(const void *a, const void *b)
{
	const app_ver *x = a, *y = b;

	if (x->app != y->app)
		return x->app < y->app ? -1 : 1;
	return x->ver < y->ver ? -1 : x->ver > y->ver;
}

/* One machine's applications, once its rows are read. */
static int flush_machine(vdi_plan *p, vdi_machine *mc, app_ver *av, size_t n)
{
	size_t napps = 0;

	if (n > 1) /* av is NULL for a machine without software rows */
		qsort(av, n, sizeof(*av), cmp_app_ver);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || av[i].app != av[i - 1].app)
			napps++;
	free(mc->apps);
	mc->apps = NULL;
	mc->napps = 0;
	if (napps > 0 && (mc->apps = malloc(napps * sizeof(*mc->apps))) == NULL)
		return nomem();
	for (size_t i = 0; i < n; i++) {
		vdi_app *a = &p->apps[av[i].app];

		if (i == 0 || av[i].app != av[i - 1].app) {
			mc->apps[mc->napps++] = av[i].app;
			a->machines++;
		}
		if (i == 0 || av[i].app != av[i - 1].app || av[i].ver != av[i - 1].ver)
			a->versions[av[i].ver].machines++;
	}
	return 0;
}

/*
 * The software rows of a scan are read in one of two ways.  The fast one
 * scans the scan's rowid range in table order (no index seek per row): the
 * writer stores a host's rows together, so they arrive host by host.  When
 * they do not (a host's rows in two places), the plan is read again one
 * machine at a time through the (scan_id, host_id) index.
 */
#define SOFTWARE_RANGE_SQL                                                                         \
	"SELECT host_id, name, version, vendor, install_date FROM software "                       \
	"WHERE rowid BETWEEN ?2 AND ?3 AND +scan_id = ?1"
#define SOFTWARE_HOST_SQL                                                                          \
	"SELECT host_id, name, version, vendor, install_date FROM software "                       \
	"WHERE scan_id = ?1 AND host_id = ?2"

/* The statement for the fast way, bound; *st = NULL when the scan has no
 * software at all. */
static int software_range(inventory_t *inv, int64_t scan_id, sqlite3_stmt **st)
{
	sqlite3_stmt *q = NULL;
	int64_t lo, hi;
	int r;

	*st = NULL;
	if ((r = prepare(inv, "SELECT min(rowid), max(rowid) FROM software WHERE scan_id = ?1", &q,
			 scan_id)) != 0)
		goto out;
	if (sqlite3_step(q) != SQLITE_ROW) {
		r = inventory_fail(inv, "reading the software of the scan");
		goto out;
	}
	if (sqlite3_column_type(q, 0) == SQLITE_NULL)
		goto out;
	lo = sqlite3_column_int64(q, 0);
	hi = sqlite3_column_int64(q, 1);
	if ((r = prepare(inv, SOFTWARE_RANGE_SQL, st, scan_id)) != 0)
		goto out;
	sqlite3_bind_int64(*st, 2, lo);
	sqlite3_bind_int64(*st, 3, hi);
out:
	sqlite3_finalize(q);
	return r;
}

/* One software row into av (grown as needed). */
static int software_row(vdi_plan *p, sqlite3_stmt *st, size_t pos, app_ver **av, size_t *n,
			size_t *cap)
{
	const vdi_row_app *ra;
	uint32_t ver;
	int r;

	p->software_rows++;
	if ((r = vdi_index_row(p->index, p, pos, (const char *)sqlite3_column_text(st, 1),
			       (const char *)sqlite3_column_text(st, 2),
			       (const char *)sqlite3_column_text(st, 3), &ra, &ver)) != 0)
		return r;
	if (ra->app == VDI_NO_APP) {
		p->ignored_rows++;
		return 0;
	}
	if (nc_grow(av, cap, *n + 1, sizeof(**av), 256) != 0)
		return nomem();
	(*av)[(*n)++] = (app_ver){.app = ra->app, .ver = ver};
	return 0;
}

/* Forget what a reading of the software counted (before reading again). */
static void software_reset(vdi_plan *p)
{
	for (size_t i = 0; i < p->napps; i++) {
		p->apps[i].machines = 0;
		for (size_t k = 0; k < p->apps[i].nversions; k++)
			p->apps[i].versions[k].machines = 0;
	}
	for (size_t i = 0; i < p->nmachines; i++) {
		free(p->machines[i].apps);
		p->machines[i].apps = NULL;
		p->machines[i].napps = 0;
	}
	p->software_rows = p->ignored_rows = 0;
}

/* The fast way: 0 and *grouped = false when a host's rows are not
 * together (nothing usable was counted then). */
static int read_software_range(inventory_t *inv, vdi_plan *p, const host_map *m, bool *grouped)
{
	sqlite3_stmt *st = NULL;
	app_ver *av = NULL;
	bool *seen = NULL;
	vdi_machine *cur = NULL;
	int64_t cur_id = 0;
	size_t cap = 0, n = 0, last = 0, pos = 0;
	int r, rc;

	*grouped = true;
	p->rows_in_order = true;
	if ((r = software_range(inv, p->scan.id, &st)) != 0 || st == NULL)
		goto out;
	if ((seen = calloc(p->nmachines ? p->nmachines : 1, sizeof(*seen))) == NULL) {
		r = nomem();
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);

		if (cur == NULL || id != cur_id) {
			size_t idx;

			if (cur != NULL && (r = flush_machine(p, cur, av, n)) != 0)
				goto out;
			n = pos = 0;
			cur_id = id;
			if ((cur = find_machine(p, m, id)) == NULL)
				continue; /* a host the scan did not see: not ours */
			idx = (size_t)(cur - p->machines);
			if (seen[idx]) {
				*grouped = false;
				goto out;
			}
			seen[idx] = true;
			if (idx < last)
				p->rows_in_order = false;
			last = idx;
		}
		if (cur != NULL && (r = software_row(p, st, pos++, &av, &n, &cap)) != 0)
			goto out;
	}
	if (rc != SQLITE_DONE) {
		r = inventory_fail(inv, "reading the software of the scan");
		goto out;
	}
	if (cur != NULL)
		r = flush_machine(p, cur, av, n);
out:
	free(av);
	free(seen);
	sqlite3_finalize(st);
	return r;
}

/* The slow way: one indexed query per machine. */
static int read_software_by_host(inventory_t *inv, vdi_plan *p)
{
	sqlite3_stmt *st = NULL;
	app_ver *av = NULL;
	size_t cap = 0;
	int r, rc;

	if ((r = prepare(inv, SOFTWARE_HOST_SQL, &st, p->scan.id)) != 0)
		goto out;
	for (size_t i = 0; i < p->nmachines; i++) {
		size_t n = 0, pos = 0;

		sqlite3_reset(st);
		sqlite3_bind_int64(st, 2, p->machines[i].host_id);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			if ((r = software_row(p, st, pos++, &av, &n, &cap)) != 0)
				goto out;
		if (rc != SQLITE_DONE) {
			r = inventory_fail(inv, "reading the software of the scan");
			goto out;
		}
		if ((r = flush_machine(p, &p->machines[i], av, n)) != 0)
			goto out;
	}
out:
	free(av);
	sqlite3_finalize(st);
	return r;
}

static int read_software(inventory_t *inv, vdi_plan *p, const host_map *m)
{
	bool grouped;
	int r;

	if ((r = read_software_range(inv, p, m, &grouped)) != 0 || grouped)
		return r;
	software_reset(p);
	p->rows_in_order = false;
	return read_software_by_host(inv, p);
}

/* ------------------------------------------------------------- pools */

/* Case-insensitive name order for clustering: hostname, else address. */
static const char *machine_name(const vdi_machine *m)
{
	return m->hostname ? m->hostname : (m->address ? m->address : "");
}

static char *os_label(const vdi_machine *m)
{
	char *s = NULL;
	const char *name = m->os_name, *ver = m->os_version;

	if (name == NULL && m->os_family == NULL)
		return strdup("unknown OS");
	if (name == NULL)
		name = m->os_family;
	if (ver != NULL && strstr(name, ver) == NULL) {
		if (asprintf(&s, "%s %s", name, ver) < 0)
			return NULL;
		return s;
	}
	return strdup(name);
}

typedef struct {
	char *label; /* OS group */
	size_t idx;  /* machine */
	const vdi_plan *plan;
} cluster_item;

static int cmp_cluster(const void *a, const void *b)
{
	const cluster_item *x = a, *y = b;
	const vdi_machine *mx = &x->plan->machines[x->idx], *my = &y->plan->machines[y->idx];
	int c = strcmp(x->label, y->label);

	if (c != 0)
		return c;
	if ((c = strcasecmp(machine_name(mx), machine_name(my))) != 0)
		return c;
	if ((c = strcmp(machine_name(mx), machine_name(my))) != 0)
		return c;
	/* machines are in address order already */
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Median and max of the known (>= 0) values; -1 when none. */
static void stats(int64_t *v, size_t n, double *median, int64_t *max, int64_t *total)
{
	size_t k = 0, mid;

	for (size_t i = 0; i < n; i++)
		if (v[i] >= 0)
			v[k++] = v[i];
	*median = -1;
	*max = -1;
	if (total != NULL)
		*total = -1;
	if (k == 0)
		return;
	qsort(v, k, sizeof(*v), cmp_i64);
	mid = k / 2;
	*median = k % 2 ? (double)v[mid] : ((double)v[mid - 1] + (double)v[mid]) / 2.0;
	*max = v[k - 1];
	if (total != NULL) {
		*total = 0;
		for (size_t i = 0; i < k; i++)
			*total += v[i];
	}
}

static const vdi_plan *sort_plan; /* qsort has no context argument */

static int cmp_pool_app(const void *a, const void *b)
{
	const vdi_pool_app *x = a, *y = b;

	if (x->role != y->role)
		return x->role < y->role ? -1 : 1;
	if (x->machines != y->machines)
		return x->machines > y->machines ? -1 : 1;
	return strcmp(sort_plan->apps[x->app].key, sort_plan->apps[y->app].key);
}

/* Applications, roles and sizing of one pool. */
static int finish_pool(vdi_plan *p, vdi_pool *pool, size_t *counts)
{
	size_t need_base = (size_t)ceil(p->opt.base_share * (double)pool->nmembers - 1e-9);
	int64_t *v = NULL;

	if (need_base < 1)
		need_base = 1;
	for (size_t i = 0; i < pool->nmembers; i++) {
		const vdi_machine *mc = &p->machines[pool->members[i]];

		for (size_t k = 0; k < mc->napps; k++)
			counts[mc->apps[k]]++;
	}
	for (size_t a = 0; a < p->napps; a++)
		if (counts[a] > 0)
			pool->napps++;
	if (pool->napps > 0 && (pool->apps = calloc(pool->napps, sizeof(*pool->apps))) == NULL)
		return nomem();
	pool->napps = 0;
	for (size_t a = 0; a < p->napps; a++) {
		vdi_pool_app *pa;

		if (counts[a] == 0)
			continue;
		pa = &pool->apps[pool->napps++];
		pa->app = (uint32_t)a;
		pa->machines = counts[a];
		if (counts[a] >= need_base) {
			pa->role = VDI_ROLE_BASE;
			pool->nbase++;
		} else if (2 * counts[a] >= pool->nmembers) {
			pa->role = VDI_ROLE_COMMON;
			pool->ncommon++;
		} else {
			pa->role = VDI_ROLE_LAYER;
			pool->nlayer++;
		}
		counts[a] = 0;
	}
	sort_plan = p;
	if (pool->napps > 1) /* apps is NULL in a pool without applications */
		qsort(pool->apps, pool->napps, sizeof(*pool->apps), cmp_pool_app);
	/* each member against the pool's base and common applications */
	for (size_t k = 0; k < pool->nbase + pool->ncommon; k++)
		counts[pool->apps[k].app] = 1;
	for (size_t i = 0; i < pool->nmembers; i++) {
		vdi_machine *mc = &p->machines[pool->members[i]];
		size_t inter = 0, nprof = pool->nbase + pool->ncommon;

		for (size_t k = 0; k < mc->napps; k++)
			inter += counts[mc->apps[k]];
		mc->similarity = mc->napps + nprof == 0
				     ? 1.0
				     : (double)inter / (double)(mc->napps + nprof - inter);
	}
	for (size_t k = 0; k < pool->nbase + pool->ncommon; k++)
		counts[pool->apps[k].app] = 0;

	if ((v = malloc((pool->nmembers ? pool->nmembers : 1) * sizeof(*v))) == NULL)
		return nomem();
	for (size_t i = 0; i < pool->nmembers; i++)
		v[i] = p->machines[pool->members[i]].cpu_cores;
	stats(v, pool->nmembers, &pool->cores_median, &pool->cores_max, NULL);
	for (size_t i = 0; i < pool->nmembers; i++)
		v[i] = p->machines[pool->members[i]].ram_bytes;
	stats(v, pool->nmembers, &pool->ram_median, &pool->ram_max, NULL);
	for (size_t i = 0; i < pool->nmembers; i++)
		v[i] = p->machines[pool->members[i]].disk_used_bytes;
	stats(v, pool->nmembers, &pool->disk_used_median, &pool->disk_used_max,
	      &pool->disk_used_total);
	free(v);
	return 0;
}

/* ------------------------------------------------------- clustering */

/*
 * The clustering of one OS group (vdi.h, netcensus(1) "Pools").  Machines
 * are numbered 0..n-1 in name order within the group; a machine's
 * informative applications (on fewer than VDI_UBIQUITOUS and at least
 * VDI_RARE of the group's machines, and on two at least) are a slice of
 * inf[]; a pool's profile holds those on more than half of its members.  Pools are numbered in
 * order of creation.  posting[a] lists the pools whose profile holds
 * application a, so that a machine is compared only with the pools that
 * share one of its applications.
 */

typedef struct {
	uint32_t app, count;
} app_count;

typedef struct {
	app_count *counts; /* informative applications of the members, ascending */
	size_t ncounts;
	uint32_t *profile; /* those on at least half of the members, ascending */
	size_t nprofile, nmembers;
} cl_pool;

typedef struct {
	uint32_t *pools;
	uint32_t n, cap;
} posting;

typedef struct {
	vdi_plan *p;
	const cluster_item *items; /* the group, in name order */
	size_t n;
	uint32_t *inf; /* informative applications, machine after machine */
	size_t *inf_at; /* machine i: inf[inf_at[i] .. inf_at[i + 1]) */
	posting *post;	/* by application */
	uint32_t *touched_apps; /* applications with a posting, to reset */
	size_t ntouched_apps, touched_cap;
	cl_pool *pools;
	size_t npools, pools_cap;
	uint32_t *inter;  /* by pool: shared applications with the machine */
	uint32_t *hit;	  /* pools with inter > 0 */
	size_t inter_cap; /* of inter and hit */
	uint32_t *assign; /* machine -> pool */
} cluster;

static size_t inf_len(const cluster *c, size_t i)
{
	return c->inf_at[i + 1] - c->inf_at[i];
}

/* Jaccard similarity from the sizes and the intersection. */
static double sim_of(size_t na, size_t nb, size_t inter)
{
	if (na + nb == 0)
		return 1.0;
	return (double)inter / (double)(na + nb - inter);
}

static int post_add(cluster *c, uint32_t app, uint32_t pool)
{
	posting *ps = &c->post[app];

	if (ps->n == ps->cap) {
		uint32_t ncap = ps->cap ? ps->cap * 2 : 4;
		uint32_t *v = realloc(ps->pools, ncap * sizeof(*v));

		if (v == NULL)
			return nomem();
		if (ps->cap == 0) {
			if (nc_grow(&c->touched_apps, &c->touched_cap, c->ntouched_apps + 1,
				    sizeof(*c->touched_apps), 64) != 0) {
				free(v);
				return nomem();
			}
			c->touched_apps[c->ntouched_apps++] = app;
		}
		ps->pools = v;
		ps->cap = ncap;
	}
	ps->pools[ps->n++] = pool;
	return 0;
}

static void post_remove(cluster *c, uint32_t app, uint32_t pool)
{
	posting *ps = &c->post[app];

	for (uint32_t k = 0; k < ps->n; k++)
		if (ps->pools[k] == pool) {
			ps->pools[k] = ps->pools[--ps->n];
			return;
		}
}

/*
 * Count into c->inter the applications machine i shares with each pool's
 * profile; c->hit gets the pools with a count, *nhit how many.
 */
static void intersect_set(cluster *c, const uint32_t *a, size_t na, size_t *nhit)
{
	*nhit = 0;
	for (size_t k = 0; k < na; k++) {
		const posting *ps = &c->post[a[k]];

		for (uint32_t j = 0; j < ps->n; j++)
			if (c->inter[ps->pools[j]]++ == 0)
				c->hit[(*nhit)++] = ps->pools[j];
	}
}

static void intersect(cluster *c, size_t i, size_t *nhit)
{
	intersect_set(c, &c->inf[c->inf_at[i]], inf_len(c, i), nhit);
}

/*
 * After the first pass: a pool whose profile is at least --pool-similarity
 * similar to the profile of an older pool still standing is merged into
 * the most similar such pool (alive[k] = 0; the second pass places its
 * machines).  Pools that differ by an optional application or two are one.
 */
static void cl_merge_profiles(cluster *c, size_t *alive)
{
	for (size_t k = 0; k < c->npools; k++)
		alive[k] = 1;
	for (size_t k = 1; k < c->npools; k++) {
		const cl_pool *pk = &c->pools[k];
		size_t nhit, bj = SIZE_MAX;
		double best = -1.0;

		intersect_set(c, pk->profile, pk->nprofile, &nhit);
		for (size_t h = 0; h < nhit; h++) {
			size_t j = c->hit[h];
			double s = sim_of(pk->nprofile, c->pools[j].nprofile, c->inter[j]);

			c->inter[j] = 0;
			if (j >= k || !alive[j])
				continue;
			if (s > best || (s == best && j < bj)) {
				best = s;
				bj = j;
			}
		}
		if (bj == SIZE_MAX) /* no older profile shares an application */
			for (size_t j = 0; j < k; j++)
				if (alive[j] && (pk->nprofile > 0 || c->pools[j].nprofile == 0)) {
					best = sim_of(pk->nprofile, c->pools[j].nprofile, 0);
					bj = j;
					break;
				}
		if (bj != SIZE_MAX && best >= c->p->opt.similarity)
			alive[k] = 0;
	}
}

/*
 * The most similar pool to machine i: *best_pool (SIZE_MAX: none) and
 * *best.  With sizes, only among the pools with sizes[k] >= min.  Ties go
 * to prefer (SIZE_MAX: none), else to the lowest pool number.
 */
static void best_pool(cluster *c, size_t i, const size_t *sizes, size_t min, size_t prefer,
		      size_t *best_pool, double *best)
{
	size_t na = inf_len(c, i), nhit;

	*best_pool = SIZE_MAX;
	*best = -1.0;
	intersect(c, i, &nhit);
	for (size_t h = 0; h < nhit; h++) {
		size_t k = c->hit[h];
		double s = sim_of(na, c->pools[k].nprofile, c->inter[k]);

		c->inter[k] = 0;
		if (sizes != NULL && sizes[k] < min)
			continue;
		if (s > *best ||
		    (s == *best && *best_pool != prefer && (k == prefer || k < *best_pool))) {
			*best = s;
			*best_pool = k;
		}
	}
	if (*best_pool != SIZE_MAX)
		return; /* above 0: better than any pool that shares nothing */
	/* no pool shares an application: similarity 1 with an empty profile
	 * when the machine has no informative application either, else 0 */
	for (int empty = na == 0; empty >= 0; empty--) {
		for (size_t n = 0; n <= c->npools; n++) {
			size_t k = n == 0 ? prefer : n - 1;

			if (k >= c->npools || (sizes != NULL && sizes[k] < min) ||
			    (empty && c->pools[k].nprofile > 0))
				continue;
			*best_pool = k;
			*best = empty ? 1.0 : 0.0;
			return;
		}
	}
}

/* Machine i into pool k: counts, profile and postings follow. */
static int cl_join(cluster *c, size_t i, size_t k)
{
	cl_pool *pl = &c->pools[k];
	const uint32_t *a = &c->inf[c->inf_at[i]];
	size_t na = inf_len(c, i), x = 0, y = 0, n = 0, np = 0, oi = 0;
	app_count *counts = malloc((pl->ncounts + na + 1) * sizeof(*counts));
	uint32_t *profile;
	int r = 0;

	if (counts == NULL)
		return nomem();
	while (x < pl->ncounts || y < na) {
		if (y == na || (x < pl->ncounts && pl->counts[x].app < a[y]))
			counts[n++] = pl->counts[x++];
		else if (x == pl->ncounts || a[y] < pl->counts[x].app)
			counts[n++] = (app_count){a[y++], 1};
		else {
			counts[n++] = (app_count){a[y++], pl->counts[x++].count + 1};
		}
	}
	pl->nmembers++;
	if ((profile = malloc((n + 1) * sizeof(*profile))) == NULL) {
		free(counts);
		return nomem();
	}
	for (size_t j = 0; j < n; j++)
		if (2 * (size_t)counts[j].count > pl->nmembers)
			profile[np++] = counts[j].app;
	/* the postings follow the change of profile */
	for (size_t j = 0; j < np && r == 0; j++) {
		while (oi < pl->nprofile && pl->profile[oi] < profile[j])
			post_remove(c, pl->profile[oi++], (uint32_t)k);
		if (oi < pl->nprofile && pl->profile[oi] == profile[j])
			oi++;
		else
			r = post_add(c, profile[j], (uint32_t)k);
	}
	while (r == 0 && oi < pl->nprofile)
		post_remove(c, pl->profile[oi++], (uint32_t)k);
	free(pl->counts);
	free(pl->profile);
	pl->counts = counts;
	pl->ncounts = n;
	pl->profile = profile;
	pl->nprofile = np;
	return r;
}

static int cl_new_pool(cluster *c, size_t *k)
{
	if (nc_grow(&c->pools, &c->pools_cap, c->npools + 1, sizeof(*c->pools), 16) != 0)
		return nomem();
	if (c->npools + 1 > c->inter_cap) {
		size_t cap = c->inter_cap ? c->inter_cap * 2 : 64;
		uint32_t *inter = realloc(c->inter, cap * sizeof(*inter)), *hit;

		if (inter == NULL)
			return nomem();
		c->inter = inter;
		memset(c->inter + c->inter_cap, 0, (cap - c->inter_cap) * sizeof(*inter));
		if ((hit = realloc(c->hit, cap * sizeof(*hit))) == NULL)
			return nomem();
		c->hit = hit;
		c->inter_cap = cap;
	}
	memset(&c->pools[c->npools], 0, sizeof(*c->pools));
	*k = c->npools++;
	return 0;
}

/* The informative applications of each machine of the group. */
static int cl_informative(cluster *c, size_t *df)
{
	size_t total = 0, need, rare;

	for (size_t i = 0; i < c->n; i++) {
		const vdi_machine *m = &c->p->machines[c->items[i].idx];

		for (size_t k = 0; k < m->napps; k++)
			df[m->apps[k]]++;
		total += m->napps;
	}
	need = (size_t)ceil(VDI_UBIQUITOUS * (double)c->n - 1e-9);
	rare = NC_MAX((size_t)2, (size_t)ceil(VDI_RARE * (double)c->n - 1e-9));
	if ((c->inf = malloc((total + 1) * sizeof(*c->inf))) == NULL ||
	    (c->inf_at = malloc((c->n + 1) * sizeof(*c->inf_at))) == NULL)
		return nomem();
	total = 0;
	for (size_t i = 0; i < c->n; i++) {
		const vdi_machine *m = &c->p->machines[c->items[i].idx];

		c->inf_at[i] = total;
		for (size_t k = 0; k < m->napps; k++)
			if (df[m->apps[k]] < need && df[m->apps[k]] >= rare)
				c->inf[total++] = m->apps[k];
	}
	c->inf_at[c->n] = total;
	for (size_t i = 0; i < c->n; i++) {
		const vdi_machine *m = &c->p->machines[c->items[i].idx];

		for (size_t k = 0; k < m->napps; k++)
			df[m->apps[k]] = 0;
	}
	return 0;
}

static void cl_clear(cluster *c)
{
	for (size_t k = 0; k < c->npools; k++) {
		free(c->pools[k].counts);
		free(c->pools[k].profile);
	}
	for (size_t k = 0; k < c->ntouched_apps; k++) {
		posting *ps = &c->post[c->touched_apps[k]];

		free(ps->pools);
		*ps = (posting){0};
	}
	free(c->pools);
	free(c->inter);
	free(c->hit);
	free(c->assign);
	free(c->inf);
	free(c->inf_at);
	free(c->touched_apps);
	c->pools = NULL;
	c->inter = c->hit = c->assign = c->inf = c->touched_apps = NULL;
	c->inf_at = NULL;
	c->npools = c->pools_cap = c->inter_cap = c->ntouched_apps = c->touched_cap = 0;
}

/*
 * Cluster one OS group: c->assign[i] is the pool of machine i (a pool
 * number below c->npools), or c->npools for the group's unpooled pool.
 */
static int cluster_group(cluster *c, size_t *df)
{
	size_t *sizes = NULL, *alive = NULL, nbig = 0, nonempty = 0;
	double lower = c->p->opt.similarity / 2.0;
	int r;

	if ((r = cl_informative(c, df)) != 0)
		return r;
	if ((c->assign = malloc(c->n * sizeof(*c->assign))) == NULL)
		return nomem();
	/* first pass: join the most similar profile, or found a pool */
	for (size_t i = 0; i < c->n; i++) {
		size_t k;
		double s;

		best_pool(c, i, NULL, 0, SIZE_MAX, &k, &s);
		if (k == SIZE_MAX || s < c->p->opt.similarity) {
			if ((r = cl_new_pool(c, &k)) != 0)
				return r;
		}
		c->assign[i] = (uint32_t)k;
		if ((r = cl_join(c, i, k)) != 0)
			return r;
	}
	/* pools with similar profiles are one */
	if ((sizes = calloc(c->npools + 1, sizeof(*sizes))) == NULL ||
	    (alive = calloc(c->npools + 1, sizeof(*alive))) == NULL) {
		free(sizes);
		return nomem();
	}
	cl_merge_profiles(c, alive);
	/* second pass, profiles fixed: the most similar profile, ties stay */
	for (size_t i = 0; i < c->n; i++) {
		size_t k;
		double s;

		best_pool(c, i, alive, 1, alive[c->assign[i]] ? c->assign[i] : SIZE_MAX, &k, &s);
		sizes[k]++;
		c->assign[i] = (uint32_t)k; /* profiles do not change: order does not matter */
	}
	free(alive);
	/* small pools give up their machines */
	for (size_t k = 0; k < c->npools; k++) {
		nonempty += sizes[k] > 0;
		nbig += c->p->opt.min_pool > 1 && sizes[k] >= c->p->opt.min_pool;
	}
	if (c->p->opt.min_pool > 1 && nonempty > 1 && nbig == 0) {
		for (size_t i = 0; i < c->n; i++)
			c->assign[i] = (uint32_t)c->npools;
	} else if (c->p->opt.min_pool > 1 && nbig > 0 && nbig < nonempty) {
		for (size_t i = 0; i < c->n; i++) {
			size_t k;
			double s;

			if (sizes[c->assign[i]] >= c->p->opt.min_pool)
				continue;
			best_pool(c, i, sizes, c->p->opt.min_pool, SIZE_MAX, &k, &s);
			c->assign[i] = (uint32_t)(k != SIZE_MAX && s >= lower ? k : c->npools);
		}
	}
	free(sizes);
	return 0;
}

typedef struct {
	size_t pool, size, first; /* cluster pool, machines, first machine */
} group_pool;

static int cmp_group_pool(const void *a, const void *b)
{
	const group_pool *x = a, *y = b;

	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return x->first < y->first ? -1 : x->first > y->first;
}

/* The pools of the clustered group c into p->pools. */
static int emit_group(vdi_plan *p, cluster *c, size_t *pool_cap)
{
	group_pool *gp = calloc(c->npools + 1, sizeof(*gp));
	size_t *at = NULL, ng = 0, unpooled = 0, first;
	int r = 0;

	if (gp == NULL || (at = calloc(c->npools + 1, sizeof(*at))) == NULL) {
		r = nomem();
		goto out;
	}
	for (size_t k = 0; k <= c->npools; k++)
		gp[k] = (group_pool){.pool = k, .first = SIZE_MAX};
	for (size_t i = 0; i < c->n; i++) {
		group_pool *g = &gp[c->assign[i]];

		if (g->size++ == 0)
			g->first = i;
	}
	unpooled = gp[c->npools].size;
	/* the pools by size, then first machine; empty ones go */
	qsort(gp, c->npools, sizeof(*gp), cmp_group_pool);
	for (ng = 0; ng < c->npools && gp[ng].size > 0; ng++)
		;
	if (unpooled > 0)
		gp[ng++] = (group_pool){.pool = c->npools, .size = unpooled};
	if (nc_grow(&p->pools, pool_cap, p->npools + ng, sizeof(*p->pools), 16) != 0) {
		r = nomem();
		goto out;
	}
	first = p->npools;
	memset(&p->pools[first], 0, ng * sizeof(*p->pools));
	p->npools += ng; /* from here on freed with the plan */
	for (size_t g = 0; g < ng; g++) {
		vdi_pool *pool = &p->pools[first + g];
		const vdi_machine *lead = &p->machines[c->items[0].idx];

		at[gp[g].pool] = first + g;
		pool->unpooled = gp[g].pool == c->npools;
		if ((pool->members = malloc(gp[g].size * sizeof(*pool->members))) == NULL ||
		    (pool->os_label = strdup(c->items[0].label)) == NULL ||
		    (lead->os_family != NULL && (pool->os_family = strdup(lead->os_family)) == NULL)) {
			r = nomem();
			goto out;
		}
	}
	for (size_t i = 0; i < c->n; i++) {
		vdi_pool *pool = &p->pools[at[c->assign[i]]];

		pool->members[pool->nmembers++] = c->items[i].idx;
	}
	for (size_t g = 0; g < ng; g++)
		/* every pool of gp has a machine, put in members above */
		/* NOLINTNEXTLINE(clang-analyzer-core.uninitialized.Assign) */
		p->pools[first + g].leader = p->pools[first + g].members[0];
out:
	free(gp);
	free(at);
	return r;
}

static int build_pools(vdi_plan *p)
{
	cluster_item *items = NULL;
	size_t *counts = NULL, pool_cap = 0;
	cluster c = {.p = p};
	int r = 0;

	if (p->nmachines == 0)
		return 0;
	if ((items = calloc(p->nmachines, sizeof(*items))) == NULL ||
	    (counts = calloc(p->napps ? p->napps : 1, sizeof(*counts))) == NULL ||
	    (c.post = calloc(p->napps ? p->napps : 1, sizeof(*c.post))) == NULL) {
		r = nomem();
		goto out;
	}
	for (size_t i = 0; i < p->nmachines; i++) {
		items[i] = (cluster_item){.label = os_label(&p->machines[i]), .idx = i, .plan = p};
		if (items[i].label == NULL) {
			r = nomem();
			goto out;
		}
	}
	qsort(items, p->nmachines, sizeof(*items), cmp_cluster);

	for (size_t i = 0, end; i < p->nmachines; i = end) {
		for (end = i + 1;
		     end < p->nmachines && strcmp(items[end].label, items[i].label) == 0; end++)
			;
		c.items = &items[i];
		c.n = end - i;
		if ((r = cluster_group(&c, counts)) != 0 || (r = emit_group(p, &c, &pool_cap)) != 0)
			goto out;
		cl_clear(&c);
	}
	for (size_t k = 0; k < p->npools; k++) {
		vdi_pool *pool = &p->pools[k];

		snprintf(pool->id, sizeof(pool->id), "pool-%02zu", k + 1);
		for (size_t i = 0; i < pool->nmembers; i++)
			p->machines[pool->members[i]].pool = k;
		if ((r = finish_pool(p, pool, counts)) != 0)
			goto out;
	}
out:
	cl_clear(&c);
	free(c.post);
	for (size_t i = 0; items != NULL && i < p->nmachines; i++)
		free(items[i].label);
	free(items);
	free(counts);
	return r;
}

/* --------------------------------------------------------------- plan */

void vdi_plan_free(vdi_plan *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->nmachines; i++) {
		vdi_machine *m = &p->machines[i];

		free(m->address);
		free(m->mac);
		free(m->hostname);
		free(m->domain);
		free(m->os_family);
		free(m->os_name);
		free(m->os_version);
		free(m->os_build);
		free(m->os_edition);
		free(m->os_arch);
		free(m->device_type);
		free(m->cpu_model);
		free(m->hw_vendor);
		free(m->hw_model);
		free(m->hw_serial);
		free(m->last_user);
		free(m->apps);
	}
	free(p->machines);
	for (size_t i = 0; i < p->napps; i++) {
		vdi_app *a = &p->apps[i];

		free(a->name);
		free(a->key);
		free(a->publisher);
		for (size_t v = 0; v < a->nversions; v++)
			free(a->versions[v].version);
		free(a->versions);
	}
	free(p->apps);
	for (size_t i = 0; i < p->npools; i++) {
		free(p->pools[i].os_label);
		free(p->pools[i].os_family);
		free(p->pools[i].members);
		free(p->pools[i].apps);
	}
	free(p->pools);
	vdi_index_free(p->index);
	scan_row_clear(&p->scan);
	free(p);
}

int vdi_plan_build(inventory_t *inv, const scan_row *scan, const vdi_options *opt, vdi_plan **out)
{
	vdi_plan *p = NULL;
	host_map hm = {0};
	int r;

	*out = NULL;
	if (!(opt->base_share > 0.0 && opt->base_share <= 1.0))
		return nc_fail(NC_ERR_INVALID,
			       "--base-share must be above 0 and at most 1 (100%%)");
	if (!(opt->similarity >= 0.0 && opt->similarity <= 1.0))
		return nc_fail(NC_ERR_INVALID, "--pool-similarity must be between 0 and 1");
	if (opt->min_pool > VDI_MAX_MIN_POOL)
		return nc_fail(NC_ERR_INVALID, "--min-pool must be at most %d", VDI_MAX_MIN_POOL);
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return nomem();
	p->opt = *opt;
	if ((r = query_scan(inv, scan->id, &p->scan)) != 0)
		goto out;
	if ((r = vdi_index_new(opt->rules, &p->index)) != 0)
		goto out;
	if ((r = read_hosts(inv, p, &hm)) != 0 || (r = read_verdicts(inv, p, &hm)) != 0 ||
	    (r = read_facts(inv, p, &hm)) != 0 || (r = read_hardware(inv, p, &hm)) != 0 ||
	    (r = read_software(inv, p, &hm)) != 0)
		goto out;
	if ((r = vdi_index_finish(p->index, p)) != 0)
		goto out;
	if ((r = build_pools(p)) != 0)
		goto out;
	*out = p;
	p = NULL;
out:
	free(hm.slots);
	vdi_plan_free(p);
	return r;
}

/* ----------------------------------------------------------- installs */

typedef struct {
	uint32_t app;
	char version[APPNORM_VERSION_MAX];
	char date[11];
} install_row;

static int cmp_install(const void *a, const void *b)
{
	const install_row *x = a, *y = b;

	if (x->app != y->app)
		return x->app < y->app ? -1 : 1;
	return 0;
}

/* "YYYY-MM-DD" and nothing else, else "". */
static void install_date(const char *s, char *out)
{
	out[0] = '\0';
	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return;
	memcpy(out, s, 11);
}

/* One machine's buffered rows out through each(), one per application. */
static int emit_installs(size_t machine, install_row *rows, size_t n,
			 int (*each)(void *ctx, const vdi_install *in), void *ctx)
{
	/* apps are numbered in name order: sorting by number is by name */
	if (n > 1) /* rows is NULL for a machine without software rows */
		qsort(rows, n, sizeof(*rows), cmp_install);
	for (size_t k = 0; k < n;) {
		size_t best = k, earliest = k, e = k + 1;
		vdi_install in;
		int r;

		for (; e < n && rows[e].app == rows[k].app; e++) {
			if (appnorm_version_cmp(rows[e].version, rows[best].version) > 0)
				best = e;
			if (rows[e].date[0] != '\0' &&
			    (rows[earliest].date[0] == '\0' ||
			     strcmp(rows[e].date, rows[earliest].date) < 0))
				earliest = e;
		}
		in = (vdi_install){.machine = machine,
				   .app = rows[k].app,
				   .version = rows[best].version,
				   .install_date =
				       rows[earliest].date[0] ? rows[earliest].date : NULL};
		if ((r = each(ctx, &in)) != 0)
			return r;
		k = e;
	}
	return 0;
}

/* One software row into the buffer. */
static int install_buffer(const vdi_plan *plan, sqlite3_stmt *st, size_t pos, install_row **rows,
			  size_t *n, size_t *cap)
{
	const vdi_row_app *ra;
	install_row *row;
	uint32_t ver;
	int r;

	if ((r = vdi_index_row(plan->index, NULL, pos, (const char *)sqlite3_column_text(st, 1),
			       (const char *)sqlite3_column_text(st, 2),
			       (const char *)sqlite3_column_text(st, 3), &ra, &ver)) != 0)
		return r;
	if (ra->app == VDI_NO_APP)
		return 0;
	if (nc_grow(rows, cap, *n + 1, sizeof(**rows), 64) != 0)
		return nomem();
	row = &(*rows)[(*n)++];
	row->app = ra->app;
	snprintf(row->version, sizeof(row->version), "%s", vdi_index_last_version(ra));
	install_date((const char *)sqlite3_column_text(st, 4), row->date);
	return 0;
}

int vdi_plan_installs(inventory_t *inv, const vdi_plan *plan,
		      int (*each)(void *ctx, const vdi_install *in), void *ctx)
{
	sqlite3_stmt *st = NULL;
	install_row *rows = NULL;
	size_t cap = 0, n = 0, pos = 0;
	int r = 0, rc;

	if (plan->rows_in_order) {
		/* the build found the rows grouped by machine, in machine order */
		host_map m = {0};
		const vdi_machine *cur = NULL;
		int64_t cur_id = 0;

		if ((r = software_range(inv, plan->scan.id, &st)) != 0 || st == NULL)
			goto out;
		if ((m.slots = calloc(plan->nmachines ? plan->nmachines : 1, sizeof(*m.slots))) ==
		    NULL) {
			r = nomem();
			goto out;
		}
		for (size_t i = 0; i < plan->nmachines; i++)
			m.slots[i] = (host_slot){.host_id = plan->machines[i].host_id, .idx = i};
		m.n = plan->nmachines;
		qsort(m.slots, m.n, sizeof(*m.slots), cmp_slot);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			int64_t id = sqlite3_column_int64(st, 0);

			if (cur == NULL || id != cur_id) {
				if (cur != NULL &&
				    (r = emit_installs((size_t)(cur - plan->machines), rows, n,
						       each, ctx)) != 0)
					break;
				n = pos = 0;
				cur_id = id;
				cur = find_machine((vdi_plan *)plan, &m, id);
			}
			if (cur != NULL &&
			    (r = install_buffer(plan, st, pos++, &rows, &n, &cap)) != 0)
				break;
		}
		free(m.slots);
		if (r != 0)
			goto out;
		if (rc != SQLITE_DONE) {
			r = inventory_fail(inv, "reading the software of the scan");
			goto out;
		}
		if (cur != NULL)
			r = emit_installs((size_t)(cur - plan->machines), rows, n, each, ctx);
		goto out;
	}
	if ((r = prepare(inv, SOFTWARE_HOST_SQL, &st, plan->scan.id)) != 0)
		goto out;
	for (size_t i = 0; i < plan->nmachines; i++) {
		n = pos = 0;
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 2, plan->machines[i].host_id);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			if ((r = install_buffer(plan, st, pos++, &rows, &n, &cap)) != 0)
				goto out;
		if (rc != SQLITE_DONE) {
			r = inventory_fail(inv, "reading the software of the scan");
			goto out;
		}
		if ((r = emit_installs(i, rows, n, each, ctx)) != 0)
			goto out;
	}
out:
	free(rows);
	sqlite3_finalize(st);
	return r;
}
