#include "config.h"

/*
 * csv.c — the CSV cell writer and the CSV tables of an inventory.
 *
 * A table is a header and a function that writes a host's rows of it; the
 * export walks the scan once (scan_iter) and hands each host to every
 * table being written, so `--what all` costs one pass for six files.
 * Every row table starts with the host's address and hostname, the key a
 * spreadsheet joins on (an address is unique within a scan).
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/csv.h"
#include "inventory/scan_iter.h"
#include "util/compat.h"
#include "util/err.h"

/* ---- cells ---------------------------------------------------------------- */

/* Optional sign, digits, optional fraction: a number, not a formula. */
static bool plain_number(const char *s)
{
	size_t digits;

	if (*s == '-' || *s == '+')
		s++;
	if ((digits = strspn(s, "0123456789")) == 0)
		return false;
	s += digits;
	if (*s == '.') {
		s++;
		if ((digits = strspn(s, "0123456789")) == 0)
			return false;
		s += digits;
	}
	return *s == '\0';
}

bool csv_cell_is_formula(const char *cell)
{
	if (cell == NULL || cell[0] == '\0' || strchr("=+-@\t\r", cell[0]) == NULL)
		return false;
	return !plain_number(cell);
}

/* The caller holds the stream's lock (flockfile). */
static void write_cell(FILE *out, const char *s)
{
	bool formula = csv_cell_is_formula(s);
	size_t len = strcspn(s, ",\"\r\n");

	if (s[len] == '\0') {
		if (formula)
			putc_unlocked('\'', out);
		fwrite_unlocked(s, 1, len, out);
		return;
	}
	putc_unlocked('"', out);
	if (formula)
		putc_unlocked('\'', out);
	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '"')
			putc_unlocked('"', out);
		putc_unlocked(*p, out);
	}
	putc_unlocked('"', out);
}

int csv_write_row(FILE *out, const char *const *cells, size_t n)
{
	export_buf buf = {0};
	int r = 0;

	/* One lock a row, not one a character. */
	flockfile(out);
	for (size_t i = 0; i < n; i++) {
		const char *s = export_text(&buf, cells[i]);

		if (s == NULL) {
			r = nc_fail(NC_ERR_NOMEM, "out of memory writing CSV");
			break;
		}
		if (i > 0)
			putc_unlocked(',', out);
		write_cell(out, s);
	}
	fwrite_unlocked("\r\n", 1, 2, out);
	funlockfile(out);
	export_buf_free(&buf);
	if (r == 0 && ferror(out))
		r = nc_fail(NC_ERR_IO, "write error");
	return r;
}

/* ---- the tables ------------------------------------------------------------ */

/* Formatted numbers and times of one row; each "" when unknown. */
typedef struct {
	char a[32], b[32], c[32], d[32];
} numbufs;

static const char *int_cell(char *buf, size_t len, int64_t v)
{
	if (v < 0)
		return "";
	snprintf(buf, len, "%lld", (long long)v);
	return buf;
}

static const char *time_cell(char *buf, size_t len, double epoch)
{
	return epoch > 0 ? query_time_iso8601(epoch, buf, len) : "";
}

static const char *verdict(const host_detail *d, const char *field)
{
	return host_detail_verdict(d, field);
}

/* "22/tcp,80/tcp,161/udp": the open ports; NULL when out of memory. */
static char *open_ports(const host_row *h)
{
	size_t len = 1, used = 0;
	char *list;

	for (size_t i = 0; i < h->nports; i++)
		len += strlen(h->ports[i].proto ? h->ports[i].proto : "?") + 8;
	if ((list = malloc(len)) == NULL)
		return NULL;
	list[0] = '\0';
	for (size_t i = 0; i < h->nports; i++) {
		const port_row *p = &h->ports[i];

		if (p->state == NULL || strcmp(p->state, "open") != 0)
			continue;
		used += (size_t)snprintf(list + used, len - used, "%s%u/%s", used ? "," : "",
					 p->port, p->proto ? p->proto : "?");
	}
	return list;
}

static const char *const hosts_header[] = {
    "address",	"mac",	      "mac_vendor", "hostname",	      "domain",	 "os_family",
    "os_name",	"os_version", "os_build",   "device_type",    "virtual", "hw_vendor",
    "hw_model", "open_ports", "reasons",    "address_source", "ttl",	 "rtt_us",
    "on_link",	"first_seen", "last_seen",
};

static int hosts_rows(FILE *out, const host_detail *d)
{
	const host_row *h = &d->host;
	numbufs nb;
	char *ports = open_ports(h);
	int r;

	if (ports == NULL)
		return nc_fail(NC_ERR_NOMEM, "out of memory writing CSV");
	const char *const cells[] = {
	    h->address,
	    h->mac,
	    h->vendor,
	    verdict(d, "hostname"),
	    verdict(d, "domain"),
	    verdict(d, "os.family"),
	    verdict(d, "os.name"),
	    verdict(d, "os.version"),
	    verdict(d, "os.build"),
	    verdict(d, "device.type"),
	    verdict(d, "virtual"),
	    verdict(d, "hw.vendor"),
	    verdict(d, "hw.model"),
	    ports,
	    h->reasons,
	    h->address_reason,
	    int_cell(nb.a, sizeof(nb.a), h->ttl),
	    int_cell(nb.b, sizeof(nb.b), h->rtt_us),
	    h->on_link ? "yes" : "no",
	    time_cell(nb.c, sizeof(nb.c), d->first_seen),
	    time_cell(nb.d, sizeof(nb.d), d->last_seen),
	};
	_Static_assert(ARRAY_SIZE(cells) == ARRAY_SIZE(hosts_header), "hosts: cells != header");
	r = csv_write_row(out, cells, ARRAY_SIZE(cells));
	free(ports);
	return r;
}

static const char *const ports_header[] = {"address", "hostname", "proto", "port",
					   "state",   "reason",	  "ttl"};

static int ports_rows(FILE *out, const host_detail *d)
{
	int r = 0;

	for (size_t i = 0; i < d->host.nports && r == 0; i++) {
		const port_row *p = &d->host.ports[i];
		numbufs nb;
		const char *const cells[] = {
		    d->host.address,
		    d->host.hostname,
		    p->proto,
		    int_cell(nb.a, sizeof(nb.a), p->port),
		    p->state,
		    p->reason,
		    int_cell(nb.b, sizeof(nb.b), p->ttl),
		};
		_Static_assert(ARRAY_SIZE(cells) == ARRAY_SIZE(ports_header), "ports");
		r = csv_write_row(out, cells, ARRAY_SIZE(cells));
	}
	return r;
}

static const char *const verdicts_header[] = {"address", "hostname", "field",
					      "value",	 "source",   "confidence"};

static int verdicts_rows(FILE *out, const host_detail *d)
{
	int r = 0;

	for (size_t i = 0; i < d->nverdicts && r == 0; i++) {
		const verdict_row *v = &d->verdicts[i];
		numbufs nb;
		const char *const cells[] = {
		    d->host.address, d->host.hostname, v->field,
		    v->value,	     v->source,	       int_cell(nb.a, sizeof(nb.a), v->confidence),
		};
		_Static_assert(ARRAY_SIZE(cells) == ARRAY_SIZE(verdicts_header), "verdicts");
		r = csv_write_row(out, cells, ARRAY_SIZE(cells));
	}
	return r;
}

static const char *const services_header[] = {"address", "hostname", "proto", "port",	"name",
					      "product", "version",  "info",  "banner", "source"};

static int services_rows(FILE *out, const host_detail *d)
{
	int r = 0;

	for (size_t i = 0; i < d->nservices && r == 0; i++) {
		const service_row *s = &d->services[i];
		numbufs nb;
		const char *const cells[] = {
		    d->host.address, d->host.hostname,
		    s->proto,	     int_cell(nb.a, sizeof(nb.a), s->port),
		    s->name,	     s->product,
		    s->version,	     s->info,
		    s->banner,	     s->source,
		};
		_Static_assert(ARRAY_SIZE(cells) == ARRAY_SIZE(services_header), "services");
		r = csv_write_row(out, cells, ARRAY_SIZE(cells));
	}
	return r;
}

static const char *const software_header[] = {"address", "hostname",   "name",
					      "version", "vendor",     "install_date",
					      "arch",	 "size_bytes", "source"};

static int software_rows(FILE *out, const host_detail *d)
{
	int r = 0;

	for (size_t i = 0; i < d->nsoftware && r == 0; i++) {
		const software_row *s = &d->software[i];
		numbufs nb;
		const char *const cells[] = {
		    d->host.address, d->host.hostname,
		    s->name,	     s->version,
		    s->vendor,	     s->install_date,
		    s->arch,	     int_cell(nb.a, sizeof(nb.a), s->size_bytes),
		    s->source,
		};
		_Static_assert(ARRAY_SIZE(cells) == ARRAY_SIZE(software_header), "software");
		r = csv_write_row(out, cells, ARRAY_SIZE(cells));
	}
	return r;
}

static const char *const hardware_header[] = {"address", "hostname",   "kind",	     "name",
					      "vendor",	 "model",      "serial",     "firmware",
					      "extra",	 "size_bytes", "used_bytes", "source"};

static int hardware_rows(FILE *out, const host_detail *d)
{
	int r = 0;

	for (size_t i = 0; i < d->nhardware && r == 0; i++) {
		const hardware_row *hw = &d->hardware[i];
		numbufs nb;
		const char *const cells[] = {
		    d->host.address,
		    d->host.hostname,
		    hw->kind,
		    hw->name,
		    hw->vendor,
		    hw->model,
		    hw->serial,
		    hw->firmware,
		    hw->extra,
		    int_cell(nb.a, sizeof(nb.a), hw->size_bytes),
		    int_cell(nb.b, sizeof(nb.b), hw->used_bytes),
		    hw->source,
		};
		_Static_assert(ARRAY_SIZE(cells) == ARRAY_SIZE(hardware_header), "hardware");
		r = csv_write_row(out, cells, ARRAY_SIZE(cells));
	}
	return r;
}

typedef struct {
	const char *file; /* its name in the --what all directory */
	const char *const *header;
	size_t ncols;
	unsigned parts; /* what scan_iter must read for it */
	int (*rows)(FILE *out, const host_detail *d);
} csv_table;

enum { TB_HOSTS, TB_PORTS, TB_VERDICTS, TB_SERVICES, TB_SOFTWARE, TB_HARDWARE, TB__COUNT };

static const csv_table csv_tables[TB__COUNT] = {
    [TB_HOSTS] = {"hosts.csv", hosts_header, ARRAY_SIZE(hosts_header), SCAN_ITER_PORTS, hosts_rows},
    [TB_PORTS] = {"ports.csv", ports_header, ARRAY_SIZE(ports_header), SCAN_ITER_PORTS, ports_rows},
    [TB_VERDICTS] = {"verdicts.csv", verdicts_header, ARRAY_SIZE(verdicts_header), 0,
		     verdicts_rows},
    [TB_SERVICES] = {"services.csv", services_header, ARRAY_SIZE(services_header),
		     SCAN_ITER_SERVICES, services_rows},
    [TB_SOFTWARE] = {"software.csv", software_header, ARRAY_SIZE(software_header),
		     SCAN_ITER_SOFTWARE, software_rows},
    [TB_HARDWARE] = {"hardware.csv", hardware_header, ARRAY_SIZE(hardware_header),
		     SCAN_ITER_HARDWARE, hardware_rows},
};

/* The one table a --what other than all writes. */
static const int what_table[EXPORT_WHAT__COUNT] = {
    [EXPORT_WHAT_HOSTS] = TB_HOSTS,
    [EXPORT_WHAT_SERVICES] = TB_SERVICES,
    [EXPORT_WHAT_SOFTWARE] = TB_SOFTWARE,
    [EXPORT_WHAT_HARDWARE] = TB_HARDWARE,
    [EXPORT_WHAT_ALL] = -1,
};

bool csv_export_wants_dir(const export_request *req)
{
	return req->what == EXPORT_WHAT_ALL;
}

/* The names of the files in errors: "-" for standard output. */
static int write_failed(int r, const char *name)
{
	if (r == NC_ERR_IO)
		return nc_fail(r, "cannot write %s: write error", name);
	return r;
}

int csv_export(const export_request *req)
{
	export_file files[TB__COUNT] = {{0}};
	FILE *outs[TB__COUNT] = {0};
	const char *names[TB__COUNT] = {0};
	scan_iter *it = NULL;
	const host_detail *d;
	unsigned parts = 0;
	int r = NC_ERR_INTERNAL;

	if (req->what == EXPORT_WHAT_ALL) {
		if (req->dir == NULL)
			return nc_fail(NC_ERR_INVALID, "csv --what all writes one file per table: "
						       "give -o DIRECTORY");
		for (int t = 0; t < TB__COUNT; t++) {
			if ((r = export_file_open(&files[t], req->dir, csv_tables[t].file)) != 0)
				goto out;
			outs[t] = files[t].fp;
			names[t] = files[t].path;
		}
	} else {
		int t = what_table[req->what];

		outs[t] = req->out;
		names[t] = "the output";
	}
	for (int t = 0; t < TB__COUNT; t++) {
		if (outs[t] == NULL)
			continue;
		parts |= csv_tables[t].parts;
		if ((r = csv_write_row(outs[t], csv_tables[t].header, csv_tables[t].ncols)) != 0) {
			r = write_failed(r, names[t]);
			goto out;
		}
	}
	if ((r = scan_iter_open(req->inv, req->scan->id, parts, &it)) != 0)
		goto out;
	while ((r = scan_iter_next(it, &d)) > 0) {
		for (int t = 0; t < TB__COUNT; t++) {
			if (outs[t] != NULL && (r = csv_tables[t].rows(outs[t], d)) != 0) {
				r = write_failed(r, names[t]);
				goto out;
			}
		}
	}
	if (r != 0)
		goto out;
	for (int t = 0; t < TB__COUNT; t++)
		if (files[t].fp != NULL && (r = export_file_commit(&files[t])) != 0)
			goto out;
	r = 0;
out:
	scan_iter_close(it);
	for (int t = 0; t < TB__COUNT; t++)
		export_file_abort(&files[t]);
	return r;
}
