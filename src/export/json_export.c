#include "config.h"

/*
 * json_export.c — the JSON export, written as scan_iter reads the hosts.
 *
 * A host is the `show --json` object (json_hosts_detail()), so `show` and
 * an export never disagree on a shape; the envelope around the hosts is
 * written here by hand, since building it as one jansson tree would hold
 * the whole fleet.  JSON Lines rows (--what software etc.) are the
 * elements of that same host object with the host's key put in front.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "export/json_export.h"
#include "export/json_hosts.h"
#include "inventory/scan_iter.h"
#include "util/compat.h"
#include "util/err.h"

#define DUMP_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER)

/* The host members each --what keeps besides identity, verdict, discovery. */
static const struct {
	const char *member;
	unsigned part;
	export_what what;
} sections[] = {
    {"ports", SCAN_ITER_PORTS, EXPORT_WHAT_HOSTS},
    {"services", SCAN_ITER_SERVICES, EXPORT_WHAT_SERVICES},
    {"hardware", SCAN_ITER_HARDWARE, EXPORT_WHAT_HARDWARE},
    {"software", SCAN_ITER_SOFTWARE, EXPORT_WHAT_SOFTWARE},
    {"evidence", SCAN_ITER_FACTS, EXPORT_WHAT_ALL},
};

static bool wanted(export_what what, size_t section)
{
	return what == EXPORT_WHAT_ALL || sections[section].what == what;
}

static unsigned parts_for(export_what what)
{
	unsigned parts = 0;

	for (size_t i = 0; i < ARRAY_SIZE(sections); i++)
		if (wanted(what, i))
			parts |= sections[i].part;
	return parts;
}

/* The host object for --what: NULL when out of memory. */
static json_t *host_object(const export_request *req, const host_detail *d)
{
	json_t *o = json_hosts_detail(req->scan, d);

	if (o == NULL)
		return NULL;
	json_object_del(o, "scan");
	for (size_t i = 0; i < ARRAY_SIZE(sections); i++)
		if (!wanted(req->what, i))
			json_object_del(o, sections[i].member);
	return o;
}

static int dump_line(json_t *o, FILE *out)
{
	if (json_dumpf(o, out, DUMP_FLAGS) != 0 || fputc('\n', out) == EOF)
		return nc_fail(NC_ERR_IO, "cannot write the JSON export: %s", strerror(errno));
	return 0;
}

/* {"scan_id", "address", "hostname", ["kind",] then row's members} on
 * one line; host is the host object (address and hostname come from its
 * identity, already made valid JSON text there). */
static int dump_row(const export_request *req, json_t *host, json_t *kind, json_t *row,
		    FILE *out)
{
	json_t *identity = json_object_get(host, "identity");
	json_t *o = json_object();
	int bad = 0, r;

	if (o == NULL)
		return nc_fail(NC_ERR_NOMEM, "out of memory writing JSON");
	bad |= json_object_set_new(o, "scan_id", json_integer(req->scan->id));
	bad |= json_object_set(o, "address", json_object_get(identity, "address"));
	bad |= json_object_set(o, "hostname", json_object_get(identity, "hostname"));
	if (kind != NULL)
		bad |= json_object_set(o, "kind", kind);
	bad |= json_object_update(o, row);
	r = bad ? nc_fail(NC_ERR_NOMEM, "out of memory writing JSON") : dump_line(o, out);
	json_decref(o);
	return r;
}

/* --jsonl --what services|software|hardware: host's rows of that table. */
static int dump_rows(const export_request *req, json_t *host, FILE *out)
{
	json_t *v, *list;
	const char *kind;
	size_t i;
	int r = 0;

	switch (req->what) {
	case EXPORT_WHAT_SERVICES:
		json_array_foreach (json_object_get(host, "services"), i, v)
			if ((r = dump_row(req, host, NULL, v, out)) != 0)
				return r;
		break;
	case EXPORT_WHAT_SOFTWARE:
		json_array_foreach (json_object_get(json_object_get(host, "software"), "packages"), i, v)
			if ((r = dump_row(req, host, NULL, v, out)) != 0)
				return r;
		break;
	case EXPORT_WHAT_HARDWARE:
		json_object_foreach (json_object_get(host, "hardware"), kind, list) {
			json_t *k = json_string(kind);

			if (k == NULL)
				return nc_fail(NC_ERR_NOMEM, "out of memory writing JSON");
			json_array_foreach (list, i, v)
				if ((r = dump_row(req, host, k, v, out)) != 0)
					break;
			json_decref(k);
			if (r != 0)
				return r;
		}
		break;
	default:
		return nc_fail(NC_ERR_INTERNAL, "no JSON rows for --what %s",
			       export_what_name(req->what));
	}
	return 0;
}

static bool row_lines(const export_request *req)
{
	return req->jsonl && req->what != EXPORT_WHAT_HOSTS && req->what != EXPORT_WHAT_ALL;
}

/* One host: a line of the document's array, or of JSON Lines. */
static int write_host(const export_request *req, const host_detail *d, bool first)
{
	json_t *o = host_object(req, d);
	int r;

	if (o == NULL)
		return nc_fail(NC_ERR_NOMEM, "out of memory writing host %s as JSON",
			       d->host.address);
	if (row_lines(req)) {
		r = dump_rows(req, o, req->out);
	} else if (req->jsonl) {
		/* scan_id first, like the row lines. */
		json_t *line = json_object();

		if (line == NULL || json_object_set_new(line, "scan_id", json_integer(req->scan->id)) ||
		    json_object_update(line, o))
			r = nc_fail(NC_ERR_NOMEM, "out of memory writing JSON");
		else
			r = dump_line(line, req->out);
		json_decref(line);
	} else {
		r = first || fputs(",\n", req->out) != EOF ? 0 : NC_ERR_IO;
		if (r == 0 && json_dumpf(o, req->out, DUMP_FLAGS) != 0)
			r = NC_ERR_IO;
		if (r != 0)
			r = nc_fail(NC_ERR_IO, "cannot write the JSON export: %s", strerror(errno));
	}
	json_decref(o);
	return r;
}

/* The envelope up to the hosts array's first element. */
static int write_head(const export_request *req)
{
	json_t *scan = json_hosts_scan(req->scan);
	int r = 0;

	if (scan == NULL)
		return nc_fail(NC_ERR_NOMEM, "out of memory writing JSON");
	if (fprintf(req->out,
		    "{\"format\":\"netcensus-inventory\",\"version\":1,\"generator\":\"%s\","
		    "\"what\":\"%s\",\"scan\":",
		    export_generator(), export_what_name(req->what)) < 0 ||
	    json_dumpf(scan, req->out, DUMP_FLAGS) != 0 || fputs(",\"hosts\":[\n", req->out) == EOF)
		r = nc_fail(NC_ERR_IO, "cannot write the JSON export: %s", strerror(errno));
	json_decref(scan);
	return r;
}

int json_export(const export_request *req)
{
	scan_iter *it = NULL;
	const host_detail *d;
	int rc, r;

	if (!req->jsonl && (r = write_head(req)) != 0)
		return r;
	if ((r = scan_iter_open(req->inv, req->scan->id, parts_for(req->what), &it)) != 0)
		goto out;
	while ((rc = scan_iter_next(it, &d)) > 0)
		if ((r = write_host(req, d, scan_iter_count(it) == 1)) != 0)
			goto out;
	if ((r = rc) != 0)
		goto out;
	if (!req->jsonl &&
	    fprintf(req->out, "%s],\"host_count\":%llu}\n", scan_iter_count(it) ? "\n" : "",
		    (unsigned long long)scan_iter_count(it)) < 0)
		r = nc_fail(NC_ERR_IO, "cannot write the JSON export: %s", strerror(errno));
out:
	scan_iter_close(it);
	return r;
}
