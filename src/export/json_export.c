#include "config.h"

/*
 * json_export.c — the JSON export, written as scan_iter reads the hosts.
 *
 * A host is the `show --json` object (json_hosts_detail()), so `show` and
 * an export never disagree on a shape; the envelope around the hosts is
 * written here by hand, since building it as one jansson tree would hold
 * the whole fleet.
 *
 * Software is where the rows are (300 packages a host is common), and a
 * jansson object per package costs a dozen allocations and a walk of its
 * hash table to dump.  So a host's object is built without its packages
 * and dumped, and the packages follow it: their member names are constant
 * text, and each value that needs encoding is encoded by jansson through
 * one reused string (append_value()).
 * The text is the same as json_hosts_detail() would give, member for
 * member (tests/cli/export.test compares the two).
 * A host's text is gathered in one buffer and written at once.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "export/json_export.h"
#include "export/json_hosts.h"
#include "inventory/scan_iter.h"
#include "util/compat.h"
#include "util/err.h"

#define DUMP_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY)

typedef struct {
	const export_request *req;
	char *buf; /* the text of the current host, written by flush() */
	size_t len, cap;
	json_t *scratch; /* a string reused for every software value */
	int nomem;	 /* an allocation failed while appending */
} json_out;

/* The host members each --what keeps besides identity, verdict, discovery,
 * in json_hosts_detail()'s order. */
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

static bool wanted(export_what what, const char *member)
{
	for (size_t i = 0; i < ARRAY_SIZE(sections); i++)
		if (strcmp(sections[i].member, member) == 0)
			return what == EXPORT_WHAT_ALL || sections[i].what == what;
	return false;
}

static unsigned parts_for(export_what what)
{
	unsigned parts = 0;

	for (size_t i = 0; i < ARRAY_SIZE(sections); i++)
		if (what == EXPORT_WHAT_ALL || sections[i].what == what)
			parts |= sections[i].part;
	return parts;
}

static int fail_nomem(void)
{
	return nc_fail(NC_ERR_NOMEM, "out of memory writing JSON");
}

/* ---- the text buffer ------------------------------------------------------ */

static bool reserve(json_out *j, size_t more)
{
	if (j->cap - j->len > more)
		return true;
	size_t cap = (j->len + more) * 2 + 4096;
	char *grown = realloc(j->buf, cap);

	if (grown == NULL) {
		j->nomem = 1;
		return false;
	}
	j->buf = grown;
	j->cap = cap;
	return true;
}

static void append(json_out *j, const char *s, size_t n)
{
	if (!reserve(j, n))
		return;
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = '\0';
}

static void append_str(json_out *j, const char *s)
{
	append(j, s, strlen(s));
}

/* o as compact JSON. */
static void append_json(json_out *j, const json_t *o)
{
	size_t need;

	if (o == NULL) {
		j->nomem = 1;
		return;
	}
	need = json_dumpb(o, j->len < j->cap ? j->buf + j->len : NULL, j->cap - j->len, DUMP_FLAGS);
	if (need == 0) {
		j->nomem = 1;
		return;
	}
	if (need >= j->cap - j->len) {
		if (!reserve(j, need))
			return;
		if (json_dumpb(o, j->buf + j->len, j->cap - j->len, DUMP_FLAGS) != need) {
			j->nomem = 1;
			return;
		}
	}
	j->len += need;
	j->buf[j->len] = '\0';
}

/* append_json() of a new reference, released. */
static void append_new(json_out *j, json_t *o)
{
	append_json(j, o);
	json_decref(o);
}

/* Write the buffer out and empty it. */
static int flush(json_out *j)
{
	size_t n = j->len;

	j->len = 0;
	if (j->nomem)
		return fail_nomem();
	if (n > 0 && fwrite(j->buf, 1, n, j->req->out) != n)
		return nc_fail(NC_ERR_IO, "cannot write the JSON export: %s", strerror(errno));
	return 0;
}

/* ---- values --------------------------------------------------------------- */

/* A JSON string as json_hosts.c makes one: jansson refuses invalid UTF-8,
 * and then the text is kept with its non-ASCII bytes replaced by '?'. */
static json_t *fallback_string(const char *s)
{
	json_t *v = json_string(s);
	char *ascii;

	if (v != NULL || (ascii = strdup(s)) == NULL)
		return v;
	for (char *p = ascii; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	v = json_string(ascii);
	free(ascii);
	return v;
}

/*
 * s as a JSON string value (null for NULL).  Printable ASCII without '"'
 * or '\\' is its own encoding and is copied between quotes, byte for byte
 * what jansson would write; anything else is encoded by jansson, through
 * the one reused string j->scratch.
 */
static void append_value(json_out *j, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	if (s == NULL) {
		append(j, "null", 4);
		return;
	}
	for (n = 0; p[n] >= 0x20 && p[n] < 0x7f && p[n] != '"' && p[n] != '\\'; n++)
		;
	if (p[n] == '\0') {
		if (!reserve(j, n + 2))
			return;
		j->buf[j->len++] = '"';
		memcpy(j->buf + j->len, s, n);
		j->len += n;
		j->buf[j->len++] = '"';
		j->buf[j->len] = '\0';
		return;
	}
	if (json_string_set(j->scratch, s) == 0)
		append_json(j, j->scratch);
	else
		append_new(j, fallback_string(s)); /* not UTF-8: as json_hosts.c */
}

/* The members of a package, "name":...,"source":..., in json_hosts.c's
 * software_object() order. */
static void append_package_members(json_out *j, const software_row *s)
{
	static const char *const keys[] = {
	    "\"name\":", ",\"version\":", ",\"vendor\":", ",\"install_date\":", ",\"arch\":"};
	const char *const values[] = {s->name, s->version, s->vendor, s->install_date, s->arch};
	char size[48];

	_Static_assert(ARRAY_SIZE(values) == ARRAY_SIZE(keys), "package members");
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		append_str(j, keys[i]);
		append_value(j, values[i]);
	}
	if (s->size_bytes >= 0)
		snprintf(size, sizeof(size), ",\"size_bytes\":%lld", (long long)s->size_bytes);
	else
		snprintf(size, sizeof(size), ",\"size_bytes\":null");
	append_str(j, size);
	append_str(j, ",\"source\":");
	append_value(j, s->source);
}

/* ---- hosts ---------------------------------------------------------------- */

/*
 * The host object of `show --json` for --what, without "scan", appended to
 * the buffer; with scan_id (JSON Lines) "scan_id" comes first.  *host_out
 * receives the object (without software and evidence) for the caller to
 * take rows from and release.
 */
static void append_host(json_out *j, const host_detail *d, bool scan_id, json_t **host_out)
{
	const export_request *req = j->req;
	host_detail without = *d;
	json_t *o, *evidence = NULL;
	char head[48];
	size_t start = j->len;

	*host_out = NULL;
	without.nsoftware = 0; /* written below, row by row */
	if ((o = json_hosts_detail(req->scan, &without)) == NULL) {
		j->nomem = 1;
		return;
	}
	json_object_del(o, "scan");
	evidence = json_incref(json_object_get(o, "evidence"));
	json_object_del(o, "evidence");
	json_object_del(o, "software");
	for (size_t i = 0; i < ARRAY_SIZE(sections); i++)
		if (!wanted(req->what, sections[i].member))
			json_object_del(o, sections[i].member);

	append_json(j, o);
	if (j->nomem || j->len == start || j->buf[j->len - 1] != '}')
		goto out;
	j->len--; /* reopen the object: the members below follow */
	if (scan_id) {
		/* {"scan_id":N,<the host's members>} */
		snprintf(head, sizeof(head), "{\"scan_id\":%lld,", (long long)req->scan->id);
		if (!reserve(j, strlen(head)))
			goto out;
		memmove(j->buf + start + strlen(head), j->buf + start + 1, j->len - start - 1);
		memcpy(j->buf + start, head, strlen(head));
		j->len += strlen(head) - 1;
	}
	if (wanted(req->what, "software")) {
		snprintf(head, sizeof(head), ",\"software\":{\"count\":%zu,\"packages\":[",
			 d->nsoftware);
		append_str(j, head);
		for (size_t i = 0; i < d->nsoftware && !j->nomem; i++) {
			append(j, i > 0 ? ",{" : "{", i > 0 ? 2 : 1);
			append_package_members(j, &d->software[i]);
			append(j, "}", 1);
		}
		append_str(j, "]}");
	}
	if (wanted(req->what, "evidence")) {
		append_str(j, ",\"evidence\":");
		append_json(j, evidence);
	}
	append(j, "}", 1);
	*host_out = o;
	o = NULL;
out:
	json_decref(evidence);
	json_decref(o);
}

/* One line {"scan_id", "address", "hostname", ["kind",] row's members}. */
static void append_row(json_out *j, json_t *host, json_t *kind, json_t *row)
{
	json_t *identity = json_object_get(host, "identity");
	json_t *o = json_object();
	int bad = o == NULL;

	if (o != NULL) {
		bad |= json_object_set_new(o, "scan_id", json_integer(j->req->scan->id));
		bad |= json_object_set(o, "address", json_object_get(identity, "address"));
		bad |= json_object_set(o, "hostname", json_object_get(identity, "hostname"));
		if (kind != NULL)
			bad |= json_object_set(o, "kind", kind);
		bad |= json_object_update(o, row);
	}
	if (bad)
		j->nomem = 1;
	else
		append_json(j, o);
	append(j, "\n", 1);
	json_decref(o);
}

/* --jsonl --what services|software|hardware: the host's rows of that table. */
static void append_rows(json_out *j, const host_detail *d)
{
	host_detail without = *d;
	json_t *host, *identity, *v, *list;
	const char *kind;
	char head[48], *prefix;
	size_t i, start;

	without.nsoftware = 0; /* written below through the reused row object */
	without.nfacts = 0;
	host = json_hosts_detail(j->req->scan, &without);
	identity = json_object_get(host, "identity");
	if (host == NULL) {
		j->nomem = 1;
		return;
	}
	switch (j->req->what) {
	case EXPORT_WHAT_SERVICES:
		json_array_foreach(json_object_get(host, "services"), i, v)
		{
			append_row(j, host, NULL, v);
		}
		break;
	case EXPORT_WHAT_HARDWARE:
		json_object_foreach(json_object_get(host, "hardware"), kind, list)
		{
			json_t *k = json_string(kind);

			if (k == NULL) {
				j->nomem = 1;
				break;
			}
			json_array_foreach(list, i, v)
			{
				append_row(j, host, k, v);
			}
			json_decref(k);
		}
		break;
	default: /* software, written like the document's packages */
		/* {"scan_id":N,"address":...,"hostname":..., rendered once a host,
		 * at the end of the buffer, then copied in front of each row */
		snprintf(head, sizeof(head),
			 "{\"scan_id\":%lld,\"address\":", (long long)j->req->scan->id);
		start = j->len;
		append_str(j, head);
		append_json(j, json_object_get(identity, "address"));
		append_str(j, ",\"hostname\":");
		append_json(j, json_object_get(identity, "hostname"));
		append(j, ",", 1);
		if (j->nomem || (prefix = strndup(j->buf + start, j->len - start)) == NULL) {
			j->nomem = 1;
			break;
		}
		j->len = start;
		for (i = 0; i < d->nsoftware && !j->nomem; i++) {
			append_str(j, prefix);
			append_package_members(j, &d->software[i]);
			append(j, "}\n", 2);
		}
		free(prefix);
		break;
	}
	json_decref(host);
}

static bool row_lines(const export_request *req)
{
	return req->jsonl && req->what != EXPORT_WHAT_HOSTS && req->what != EXPORT_WHAT_ALL;
}

/* One host: an element of the document's array, or lines of JSON Lines. */
static int write_host(json_out *j, const host_detail *d, bool first)
{
	json_t *host = NULL;

	if (row_lines(j->req)) {
		append_rows(j, d);
	} else {
		if (!j->req->jsonl && !first)
			append(j, ",\n", 2);
		append_host(j, d, j->req->jsonl, &host);
		if (j->req->jsonl)
			append(j, "\n", 1);
		json_decref(host);
	}
	if (j->nomem)
		return nc_fail(NC_ERR_NOMEM, "out of memory writing host %s as JSON",
			       d->host.address);
	return flush(j);
}

/* The envelope up to the hosts array's first element. */
static int write_head(json_out *j)
{
	const export_request *req = j->req;

	append_str(j, "{\"format\":\"netcensus-inventory\",\"version\":1,\"generator\":");
	append_new(j, json_string(export_generator()));
	append_str(j, ",\"what\":");
	append_new(j, json_string(export_what_name(req->what)));
	append_str(j, ",\"scan\":");
	append_new(j, json_hosts_scan(req->scan));
	append_str(j, ",\"hosts\":[\n");
	return flush(j);
}

int json_export(const export_request *req)
{
	json_out j = {.req = req};
	scan_iter *it = NULL;
	const host_detail *d;
	char tail[64];
	int rc, r;

	if ((j.scratch = json_string("")) == NULL) {
		r = fail_nomem();
		goto out;
	}
	if (!req->jsonl && (r = write_head(&j)) != 0)
		goto out;
	if ((r = scan_iter_open(req->inv, req->scan->id, parts_for(req->what), &it)) != 0)
		goto out;
	while ((rc = scan_iter_next(it, &d)) > 0)
		if ((r = write_host(&j, d, scan_iter_count(it) == 1)) != 0)
			goto out;
	if ((r = rc) != 0)
		goto out;
	if (!req->jsonl) {
		snprintf(tail, sizeof(tail), "%s],\"host_count\":%llu}\n",
			 scan_iter_count(it) ? "\n" : "", (unsigned long long)scan_iter_count(it));
		append_str(&j, tail);
		r = flush(&j);
	}
out:
	scan_iter_close(it);
	json_decref(j.scratch);
	free(j.buf);
	return r;
}
