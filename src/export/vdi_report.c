#include "config.h"

/*
 * vdi_report.c — the one-page console summary of a VDI plan (`netcensus
 * report`): the fleet by OS and by type, the top applications, the pools
 * with their sizing and base images, and the flagged applications.
 *
 * Plain text, fixed order, no colours and no terminal width guessing, so
 * that the same inventory always prints the same page (tests compare it
 * byte for byte).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/vdi.h"
#include "util/compat.h"
#include "util/err.h"

#define REPORT_WIDTH 78
#define REPORT_MAX_COLUMNS 10
#define REPORT_NAME_MAX 44  /* characters of a name in a table */

/* Characters, not bytes, of UTF-8 text (for column widths). */
static size_t width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* A table: header then rows, columns two spaces apart, the last not
 * padded; columns listed in right[] are right-aligned. */
static void table(FILE *f, const char *const *head, size_t ncols, const char *const *cells,
		  size_t nrows, const bool *right)
{
	size_t w[REPORT_MAX_COLUMNS] = {0};

	for (size_t c = 0; c < ncols; c++) {
		w[c] = width(head[c]);
		for (size_t r = 0; r < nrows; r++)
			w[c] = NC_MAX(w[c], width(cells[r * ncols + c]));
	}
	for (size_t r = 0; r <= nrows; r++) {
		const char *const *row = r == 0 ? head : cells + (r - 1) * ncols;

		fputs("  ", f);
		for (size_t c = 0; c < ncols; c++) {
			size_t pad = w[c] - width(row[c]);
			bool last = c + 1 == ncols;

			if (right[c])
				fprintf(f, "%*s%s", (int)pad, "", row[c]);
			else
				fprintf(f, "%s%*s", row[c], last ? 0 : (int)pad, "");
			if (!last)
				fputs("  ", f);
		}
		fputc('\n', f);
	}
}

/* "15.6 GiB", "512 MiB", "-". */
static const char *bytes(char *buf, size_t len, double v)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
	size_t u = 0;

	if (v < 0)
		return "-";
	while (v >= 1024.0 && u + 1 < ARRAY_SIZE(units)) {
		v /= 1024.0;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%.0f B", v);
	else
		snprintf(buf, len, "%.1f %s", v, units[u]);
	return buf;
}

/* s, or its first REPORT_NAME_MAX - 3 characters and "..." in buf. */
static const char *shorten(char *buf, size_t len, const char *s)
{
	size_t chars = 0, i = 0;

	if (width(s) <= REPORT_NAME_MAX)
		return s;
	for (; s[i] != '\0'; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80 && ++chars > REPORT_NAME_MAX - 3)
			break;
	}
	snprintf(buf, len, "%.*s...", (int)NC_MIN(i, len - 4), s);
	return buf;
}

static const char *count(char *buf, size_t len, double v)
{
	if (v < 0)
		return "-";
	snprintf(buf, len, "%.15g", v);
	return buf;
}

typedef struct {
	const char *label;
	size_t n;
} tally;

static int cmp_tally(const void *a, const void *b)
{
	const tally *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->label, y->label);
}

static int report_os(const vdi_plan *p, FILE *f, size_t top)
{
	tally *t = calloc(p->npools ? p->npools : 1, sizeof(*t));
	const char **cells;
	char(*nums)[24];
	size_t nt = 0, shown, rest = 0;

	if (t == NULL)
		return NC_ERR_NOMEM;
	/* pools are grouped by OS label already: sum their machines */
	for (size_t i = 0; i < p->npools; i++) {
		if (nt > 0 && strcmp(t[nt - 1].label, p->pools[i].os_label) == 0) {
			t[nt - 1].n += p->pools[i].nmembers;
			continue;
		}
		t[nt].label = p->pools[i].os_label;
		t[nt++].n = p->pools[i].nmembers;
	}
	qsort(t, nt, sizeof(*t), cmp_tally);
	shown = NC_MIN(nt, top);
	for (size_t i = shown; i < nt; i++)
		rest += t[i].n;
	cells = calloc(shown * 3 + 1, sizeof(*cells));
	nums = calloc(shown * 2 + 1, sizeof(*nums));
	if (cells == NULL || nums == NULL) {
		free(t);
		free(cells);
		free(nums);
		return NC_ERR_NOMEM;
	}
	for (size_t i = 0; i < shown; i++) {
		snprintf(nums[2 * i], sizeof(nums[0]), "%zu", t[i].n);
		snprintf(nums[2 * i + 1], sizeof(nums[0]), "%.1f%%",
			 100.0 * (double)t[i].n / (double)p->nmachines);
		cells[3 * i] = nums[2 * i];
		cells[3 * i + 1] = nums[2 * i + 1];
		cells[3 * i + 2] = t[i].label;
	}
	fputs("Machines by OS\n", f);
	table(f, (const char *const[]){"MACHINES", "SHARE", "OS"}, 3, cells, shown,
	      (const bool[]){true, true, false});
	if (nt > shown)
		fprintf(f, "  and %zu more OS (%zu machines)\n", nt - shown, rest);
	free(t);
	free(cells);
	free(nums);
	return 0;
}

static void report_types(const vdi_plan *p, FILE *f)
{
	tally types[16] = {{0}};
	size_t nt = 0, phys = 0, virt = 0, unknown = 0;

	for (size_t i = 0; i < p->nmachines; i++) {
		const vdi_machine *m = &p->machines[i];
		const char *type = m->device_type ? m->device_type : "unknown";
		size_t k;

		for (k = 0; k < nt && strcmp(types[k].label, type) != 0; k++)
			;
		if (k == nt && nt < ARRAY_SIZE(types))
			types[nt++] = (tally){.label = type};
		else if (k == nt)
			k = nt - 1; /* more than 16 kinds: the last one counts the rest */
		types[k].n++;
		if (m->is_virtual == 1)
			virt++;
		else if (m->is_virtual == 0)
			phys++;
		else
			unknown++;
	}
	qsort(types, nt, sizeof(*types), cmp_tally);
	fputs("Machines by type:", f);
	for (size_t k = 0; k < nt; k++)
		fprintf(f, "%s %zu %s", k ? "," : "", types[k].n, types[k].label);
	fprintf(f, "\nPhysical or virtual: %zu physical, %zu virtual, %zu unknown\n", phys, virt,
		unknown);
}

static const vdi_plan *sort_plan; /* qsort has no context argument */

static int cmp_top(const void *a, const void *b)
{
	const vdi_app *x = &sort_plan->apps[*(const size_t *)a];
	const vdi_app *y = &sort_plan->apps[*(const size_t *)b];

	if (x->machines != y->machines)
		return x->machines > y->machines ? -1 : 1;
	return strcmp(x->key, y->key);
}

static int report_apps(const vdi_plan *p, FILE *f, size_t top)
{
	size_t n = NC_MIN(top, p->napps);
	size_t *order = malloc((p->napps ? p->napps : 1) * sizeof(*order));
	const char **cells = calloc(n * 6 + 1, sizeof(*cells));
	char(*nums)[3][24] = calloc(n + 1, sizeof(*nums));
	char(*names)[4 * REPORT_NAME_MAX] = calloc(n + 1, sizeof(*names));

	if (order == NULL || cells == NULL || nums == NULL || names == NULL) {
		free(order);
		free(cells);
		free(nums);
		free(names);
		return NC_ERR_NOMEM;
	}
	for (size_t i = 0; i < p->napps; i++)
		order[i] = i;
	sort_plan = p;
	qsort(order, p->napps, sizeof(*order), cmp_top);
	for (size_t i = 0; i < n; i++) {
		const vdi_app *a = &p->apps[order[i]];
		size_t nv = 0;

		for (size_t k = 0; k < a->nversions; k++)
			if (a->versions[k].version[0] != '\0')
				nv++;
		snprintf(nums[i][0], sizeof(nums[0][0]), "%zu", a->machines);
		snprintf(nums[i][1], sizeof(nums[0][0]), "%.1f%%",
			 100.0 * (double)a->machines / (double)p->nmachines);
		snprintf(nums[i][2], sizeof(nums[0][0]), "%zu", nv);
		cells[6 * i] = nums[i][0];
		cells[6 * i + 1] = nums[i][1];
		cells[6 * i + 2] = shorten(names[i], sizeof(names[0]), a->name);
		cells[6 * i + 3] = a->publisher ? a->publisher : "-";
		cells[6 * i + 4] = nums[i][2];
		cells[6 * i + 5] = a->flag ? a->flag : "-";
	}
	fprintf(f, "Top applications (%zu of %zu)\n", n, p->napps);
	table(f,
	      (const char *const[]){"MACHINES", "SHARE", "APPLICATION", "PUBLISHER", "VERSIONS",
				    "FLAG"},
	      6, cells, n, (const bool[]){true, true, false, false, true, false});
	free(order);
	free(cells);
	free(nums);
	free(names);
	return 0;
}

static int cmp_pool_size(const void *a, const void *b)
{
	const vdi_pool *x = &sort_plan->pools[*(const size_t *)a];
	const vdi_pool *y = &sort_plan->pools[*(const size_t *)b];

	if (x->nmembers != y->nmembers)
		return x->nmembers > y->nmembers ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* "    name, name, name and N more" on one line of REPORT_WIDTH: as many
 * of the pool's base applications as fit. */
static void base_line(const vdi_plan *p, const vdi_pool *pl, FILE *f)
{
	char line[4 * REPORT_WIDTH + 64], more[48];
	size_t used = 0, n = 0, col = 4;

	for (size_t k = 0; k < pl->napps && pl->apps[k].role == VDI_ROLE_BASE; k++) {
		char name[4 * REPORT_NAME_MAX];
		const char *s = shorten(name, sizeof(name), p->apps[pl->apps[k].app].name);
		size_t w = width(s) + (n > 0 ? 2 : 0);

		/* room for this name and, unless it is the last, "and N more" */
		snprintf(more, sizeof(more), " and %zu more", pl->nbase - n - 1);
		if (col + w + (n + 1 < pl->nbase ? strlen(more) + 1 : 0) > REPORT_WIDTH ||
		    used + strlen(s) + 3 >= sizeof(line))
			break;
		used += (size_t)snprintf(line + used, sizeof(line) - used, "%s%s", n ? ", " : "", s);
		col += w;
		n++;
	}
	if (n < pl->nbase)
		snprintf(more, sizeof(more), "%s%zu more", n ? ", and " : "", pl->nbase - n);
	else
		more[0] = '\0';
	fprintf(f, "    %.*s%s\n", (int)used, line, more);
}

static int report_pools(const vdi_plan *p, FILE *f, size_t top)
{
	enum { NC = 9 };
	size_t shown = NC_MIN(top, p->npools), rest = 0;
	size_t *order = malloc((p->npools ? p->npools : 1) * sizeof(*order));
	const char **cells = calloc(shown * NC + 1, sizeof(*cells));
	char(*buf)[8][32] = calloc(shown + 1, sizeof(*buf));
	char(*os)[256] = calloc(shown + 1, sizeof(*os));
	size_t unpooled = 0, unpooled_machines = 0;

	if (order == NULL || cells == NULL || buf == NULL || os == NULL) {
		free(order);
		free(cells);
		free(buf);
		free(os);
		return NC_ERR_NOMEM;
	}
	for (size_t i = 0; i < p->npools; i++) {
		order[i] = i;
		if (p->pools[i].unpooled) {
			unpooled++;
			unpooled_machines += p->pools[i].nmembers;
		}
	}
	sort_plan = p;
	qsort(order, p->npools, sizeof(*order), cmp_pool_size);
	for (size_t i = shown; i < p->npools; i++)
		rest += p->pools[order[i]].nmembers;
	for (size_t i = 0; i < shown; i++) {
		const vdi_pool *pl = &p->pools[order[i]];
		const char **row = cells + i * NC;

		snprintf(buf[i][0], sizeof(buf[0][0]), "%zu", pl->nmembers);
		row[0] = pl->id;
		row[1] = buf[i][0];
		row[2] = count(buf[i][1], sizeof(buf[0][0]), pl->cores_median);
		row[3] = bytes(buf[i][2], sizeof(buf[0][0]), pl->ram_median);
		row[4] = bytes(buf[i][3], sizeof(buf[0][0]), pl->disk_used_median);
		snprintf(buf[i][4], sizeof(buf[0][0]), "%zu", pl->nbase);
		snprintf(buf[i][5], sizeof(buf[0][0]), "%zu", pl->ncommon);
		snprintf(buf[i][6], sizeof(buf[0][0]), "%zu", pl->nlayer);
		row[5] = buf[i][4];
		row[6] = buf[i][5];
		row[7] = buf[i][6];
		snprintf(os[i], sizeof(os[0]), "%s%s", pl->unpooled ? "unpooled: " : "",
			 pl->os_label);
		row[8] = os[i];
	}
	fprintf(f,
		"Pools (%zu, of which %zu unpooled with %zu machine%s; similarity >= %.2f, "
		"min %zu machines, base share >= %.0f%%)\n",
		p->npools, unpooled, unpooled_machines, unpooled_machines == 1 ? "" : "s",
		p->opt.similarity, p->opt.min_pool, p->opt.base_share * 100.0);
	table(f,
	      (const char *const[]){"POOL", "MACHINES", "CORES", "RAM", "DISK-USED", "BASE",
				    "COMMON", "LAYER", "OS"},
	      NC, cells, shown,
	      (const bool[]){false, true, true, true, true, true, true, true, false});
	if (p->npools > shown)
		fprintf(f, "  and %zu more pools (%zu machines): see `netcensus export --format vdi`\n",
			p->npools - shown, rest);
	free(cells);
	free(buf);
	free(os);

	fputs("Base images of these pools\n", f);
	for (size_t i = 0; i < shown; i++) {
		const vdi_pool *pl = &p->pools[order[i]];

		if (pl->unpooled)
			continue; /* machines that fit no pool share no image */
		fprintf(f, "  %s (%zu application%s)%s\n", pl->id, pl->nbase,
			pl->nbase == 1 ? "" : "s", pl->nbase == 0 ? ": none" : ":");
		if (pl->nbase > 0)
			base_line(p, pl, f);
	}
	free(order);
	return 0;
}

static int report_flags(const vdi_plan *p, FILE *f, size_t top)
{
	size_t n = 0, k = 0, shown, *order;
	const char **cells;
	char(*nums)[24];

	for (size_t i = 0; i < p->napps; i++)
		if (p->apps[i].flag != NULL)
			n++;
	fprintf(f, "Flagged applications (%zu: install in the base image, not as a layer)\n", n);
	if (n == 0) {
		fputs("  none\n", f);
		return 0;
	}
	cells = calloc(n * 3, sizeof(*cells));
	nums = calloc(n, sizeof(*nums));
	order = malloc(n * sizeof(*order));
	if (cells == NULL || nums == NULL || order == NULL) {
		free(cells);
		free(nums);
		free(order);
		return NC_ERR_NOMEM;
	}
	for (size_t i = 0; i < p->napps; i++)
		if (p->apps[i].flag != NULL)
			order[k++] = i;
	sort_plan = p;
	qsort(order, n, sizeof(*order), cmp_top);
	shown = NC_MIN(n, top);
	for (k = 0; k < shown; k++) {
		const vdi_app *a = &p->apps[order[k]];

		snprintf(nums[k], sizeof(nums[0]), "%zu", a->machines);
		cells[3 * k] = nums[k];
		cells[3 * k + 1] = a->flag;
		cells[3 * k + 2] = a->name;
	}
	table(f, (const char *const[]){"MACHINES", "FLAG", "APPLICATION"}, 3, cells, shown,
	      (const bool[]){true, false, false});
	if (n > shown)
		fprintf(f, "  and %zu more: see flags.csv of `netcensus export --format vdi`\n",
			n - shown);
	free(cells);
	free(nums);
	free(order);
	return 0;
}

int vdi_report(const vdi_plan *p, FILE *f, size_t top)
{
	char started[32];

	fprintf(f, "netcensus report: scan %lld (%s, started %s)\n", (long long)p->scan.id,
		p->scan.status ? p->scan.status : "?",
		query_time_local(p->scan.started_at, started, sizeof(started)));
	fprintf(f, "%zu machines, %zu applications (%zu software rows, %zu ignored), %zu pools\n",
		p->nmachines, p->napps, p->software_rows, p->ignored_rows, p->npools);
	if (p->nmachines == 0)
		return 0;
	fputc('\n', f);
	if (report_os(p, f, top) != 0)
		goto nomem;
	report_types(p, f);
	fputc('\n', f);
	if (report_apps(p, f, top) != 0)
		goto nomem;
	fputc('\n', f);
	if (report_pools(p, f, top) != 0)
		goto nomem;
	fputc('\n', f);
	if (report_flags(p, f, top) != 0)
		goto nomem;
	return 0;
nomem:
	return nc_fail(NC_ERR_NOMEM, "out of memory writing the report");
}
