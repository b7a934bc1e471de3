#include "config.h"

/*
 * diff_render.c — the text, JSON and XML forms of a diff.
 *
 * Each renderer is a diff_sink (inventory/diff.h): begin writes the header
 * naming both scans, host one host's block, end the summary.  Nothing is
 * kept between calls but the output position, so a diff of any size is
 * written in constant memory.  Output errors surface as NC_ERR_IO at the
 * end (stdio) or at once (libxml2).
 */

#include <libxml/xmlwriter.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "export/diff_render.h"
#include "util/compat.h"
#include "util/err.h"

#define DIFF_XML_NS "urn:netcensus:diff:1"

static int io_error(void)
{
	return nc_fail(NC_ERR_IO, "cannot write the diff");
}

static int nomem(void)
{
	return nc_fail(NC_ERR_NOMEM, "out of memory writing the diff");
}

/* A clean copy of a scan's text (the query layer already removed control
 * characters; this also makes it strict UTF-8 for JSON and XML). */
static char *clean(const char *s)
{
	return diff_clean(s ? s : "-", strlen(s ? s : "-"));
}

static const char *scan_time(const scan_row *s, char *buf, size_t len)
{
	return query_time_iso8601(s->started_at, buf, len);
}

/* ------------------------------------------------------------ text */

static int text_scan_line(FILE *f, const char *mark, const scan_row *s)
{
	char when[32];
	char *targets = clean(s->targets), *status = clean(s->status);

	if (targets == NULL || status == NULL) {
		free(targets);
		free(status);
		return nomem();
	}
	fprintf(f, "%s scan %lld %s %s targets %s\n", mark, (long long)s->id,
		scan_time(s, when, sizeof(when)), status, targets);
	free(targets);
	free(status);
	return 0;
}

static int text_begin(void *vctx, const diff_header *hdr)
{
	diff_render_ctx *ctx = vctx;
	int r;

	if ((r = text_scan_line(ctx->out, "---", hdr->old_scan)) != 0)
		return r;
	return text_scan_line(ctx->out, "+++", hdr->new_scan);
}

static void text_change(FILE *f, char mark, const diff_change *c, const char *value,
			const char *note)
{
	fprintf(f, "%c  %s%s%s: %s%s\n", mark, diff_field_name(c->field), c->item ? " " : "",
		c->item ? c->item : "", value, note);
}

static int text_host(void *vctx, const diff_host *h)
{
	diff_render_ctx *ctx = vctx;
	FILE *f = ctx->out;
	char mark = h->status == DIFF_HOST_GONE ? '-' : h->status == DIFF_HOST_CHANGED ? ' ' : '+';

	fprintf(f, "\n%c%s%s%s%s: %s", mark, h->address ? h->address : "-", h->hostname ? " (" : "",
		h->hostname ? h->hostname : "", h->hostname ? ")" : "",
		diff_status_name(h->status));
	if (h->status == DIFF_HOST_BACK)
		fprintf(f, " (last seen in scan %lld)", (long long)h->last_seen_scan);
	fputc('\n', f);
	for (size_t i = 0; i < h->nchanges; i++) {
		const diff_change *c = &h->changes[i];
		const char *note = "";

		if (c->kind == DIFF_UPGRADED)
			note = " (upgraded)";
		else if (c->kind == DIFF_DOWNGRADED)
			note = " (downgraded)";
		if (c->old_value != NULL)
			text_change(f, '-', c, c->old_value, "");
		if (c->new_value != NULL)
			text_change(f, '+', c, c->new_value, note);
	}
	return 0;
}

static int text_end(void *vctx, const diff_header *hdr, const diff_summary *s)
{
	diff_render_ctx *ctx = vctx;

	fprintf(ctx->out, "\nsummary: %zu new, %zu gone, %zu back, %zu changed, %zu unchanged",
		s->new_hosts, s->gone, s->back, s->changed, s->unchanged);
	if (s->not_covered > 0)
		fprintf(ctx->out, "; %zu not covered by the targets of scan %lld", s->not_covered,
			(long long)hdr->new_scan->id);
	fputc('\n', ctx->out);
	return fflush(ctx->out) != 0 || ferror(ctx->out) ? io_error() : 0;
}

const diff_sink diff_render_text = {
    .begin = text_begin,
    .host = text_host,
    .end = text_end,
};

/* ------------------------------------------------------------ JSON */

/* Owned string or null; s is clean UTF-8 already. */
static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *json_scan(const scan_row *s)
{
	char when[32];
	char *targets = clean(s->targets), *status = clean(s->status);
	json_t *o = json_object();
	int e = o == NULL || targets == NULL || status == NULL;

	if (!e) {
		e |= json_object_set_new(o, "id", json_integer(s->id));
		e |= json_object_set_new(o, "status", json_string(status));
		e |= json_object_set_new(o, "started",
					 json_string(scan_time(s, when, sizeof(when))));
		e |= json_object_set_new(o, "targets",
					 s->targets ? json_string(targets) : json_null());
	}
	free(targets);
	free(status);
	if (e) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* Write value at the given nesting depth: jansson's indented dump with
 * every line after the first shifted right, so the stream reads like one
 * pretty-printed document. */
static int json_put(FILE *f, json_t *value, int depth)
{
	char *text;

	if (value == NULL)
		return nomem();
	text = json_dumps(value, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(value);
	if (text == NULL)
		return nomem();
	for (const char *p = text; *p != '\0'; p++) {
		fputc(*p, f);
		if (*p == '\n')
			fprintf(f, "%*s", depth * 2, "");
	}
	free(text);
	return 0;
}

static int json_begin(void *vctx, const diff_header *hdr)
{
	diff_render_ctx *ctx = vctx;
	int r;

	ctx->first = true;
	fputs("{\n  \"old\": ", ctx->out);
	if ((r = json_put(ctx->out, json_scan(hdr->old_scan), 1)) != 0)
		return r;
	fputs(",\n  \"new\": ", ctx->out);
	if ((r = json_put(ctx->out, json_scan(hdr->new_scan), 1)) != 0)
		return r;
	fputs(",\n  \"hosts\": [", ctx->out);
	return 0;
}

static json_t *json_change(const diff_change *c)
{
	json_t *o = json_object();
	int e = o == NULL;

	if (e)
		return NULL;
	e |= json_object_set_new(o, "field", json_string(diff_field_name(c->field)));
	if (c->item != NULL)
		e |= json_object_set_new(o, "item", json_string(c->item));
	e |= json_object_set_new(o, "kind", json_string(diff_kind_name(c->kind)));
	if (c->old_value != NULL)
		e |= json_object_set_new(o, "old", json_string(c->old_value));
	if (c->new_value != NULL)
		e |= json_object_set_new(o, "new", json_string(c->new_value));
	if (e) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int json_host(void *vctx, const diff_host *h)
{
	diff_render_ctx *ctx = vctx;
	json_t *o = json_object(), *changes = json_array();
	int e = o == NULL || changes == NULL;

	if (e) {
		json_decref(o);
		json_decref(changes);
		return nomem();
	}
	e |= json_object_set_new(o, "id", json_integer(h->host_id));
	e |= json_object_set_new(o, "status", json_string(diff_status_name(h->status)));
	e |= json_object_set_new(o, "address", jstr(h->address));
	e |= json_object_set_new(o, "hostname", jstr(h->hostname));
	if (h->status == DIFF_HOST_BACK)
		e |= json_object_set_new(o, "last_seen_scan", json_integer(h->last_seen_scan));
	for (size_t i = 0; i < h->nchanges; i++)
		e |= json_array_append_new(changes, json_change(&h->changes[i]));
	e |= json_object_set_new(o, "changes", changes);
	if (e) {
		json_decref(o);
		return nomem();
	}
	fputs(ctx->first ? "\n    " : ",\n    ", ctx->out);
	ctx->first = false;
	return json_put(ctx->out, o, 2);
}

static int json_end(void *vctx, const diff_header *hdr, const diff_summary *s)
{
	diff_render_ctx *ctx = vctx;
	json_t *o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "new", (json_int_t)s->new_hosts,
			      "gone", (json_int_t)s->gone, "back", (json_int_t)s->back, "changed",
			      (json_int_t)s->changed, "unchanged", (json_int_t)s->unchanged,
			      "not_covered", (json_int_t)s->not_covered);
	int r;

	(void)hdr;
	fputs(ctx->first ? "],\n  \"summary\": " : "\n  ],\n  \"summary\": ", ctx->out);
	if ((r = json_put(ctx->out, o, 1)) != 0)
		return r;
	fputs("\n}\n", ctx->out);
	return fflush(ctx->out) != 0 || ferror(ctx->out) ? io_error() : 0;
}

const diff_sink diff_render_json = {
    .begin = json_begin,
    .host = json_host,
    .end = json_end,
};

/* ------------------------------------------------------------ XML */

#define X(call)                                                                                    \
	do {                                                                                       \
		if ((call) < 0)                                                                    \
			return io_error();                                                         \
	} while (0)

static const xmlChar *xc(const char *s)
{
	return (const xmlChar *)s;
}

static int xml_attr_int(xmlTextWriterPtr w, const char *name, long long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", v);
	return xmlTextWriterWriteAttribute(w, xc(name), xc(buf));
}

static int xml_scan(xmlTextWriterPtr w, const char *elem, const scan_row *s)
{
	char when[32];
	char *targets = clean(s->targets), *status = clean(s->status);
	int r = 0;

	if (targets == NULL || status == NULL) {
		r = nomem();
	} else if (xmlTextWriterStartElement(w, xc(elem)) < 0 || xml_attr_int(w, "id", s->id) < 0 ||
		   xmlTextWriterWriteAttribute(w, xc("status"), xc(status)) < 0 ||
		   xmlTextWriterWriteAttribute(w, xc("started"),
					       xc(scan_time(s, when, sizeof(when)))) < 0 ||
		   (s->targets != NULL &&
		    xmlTextWriterWriteAttribute(w, xc("targets"), xc(targets)) < 0) ||
		   xmlTextWriterEndElement(w) < 0) {
		r = io_error();
	}
	free(targets);
	free(status);
	return r;
}

static int xml_begin(void *vctx, const diff_header *hdr)
{
	diff_render_ctx *ctx = vctx;
	xmlOutputBufferPtr buf;
	xmlTextWriterPtr w;
	int r;

	fflush(ctx->out);
	if ((buf = xmlOutputBufferCreateFile(ctx->out, NULL)) == NULL)
		return nomem();
	if ((w = xmlNewTextWriter(buf)) == NULL) {
		xmlOutputBufferClose(buf);
		return nomem();
	}
	ctx->xml = w;
	X(xmlTextWriterSetIndent(w, 1));
	X(xmlTextWriterSetIndentString(w, xc("  ")));
	X(xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL));
	X(xmlTextWriterStartElementNS(w, NULL, xc("diff"), xc(DIFF_XML_NS)));
	if ((r = xml_scan(w, "old", hdr->old_scan)) != 0 ||
	    (r = xml_scan(w, "new", hdr->new_scan)) != 0)
		return r;
	return 0;
}

static int xml_host(void *vctx, const diff_host *h)
{
	diff_render_ctx *ctx = vctx;
	xmlTextWriterPtr w = ctx->xml;

	X(xmlTextWriterStartElement(w, xc("host")));
	X(xml_attr_int(w, "id", h->host_id));
	X(xmlTextWriterWriteAttribute(w, xc("status"), xc(diff_status_name(h->status))));
	if (h->address != NULL)
		X(xmlTextWriterWriteAttribute(w, xc("address"), xc(h->address)));
	if (h->hostname != NULL)
		X(xmlTextWriterWriteAttribute(w, xc("hostname"), xc(h->hostname)));
	if (h->status == DIFF_HOST_BACK)
		X(xml_attr_int(w, "last-seen-scan", h->last_seen_scan));
	for (size_t i = 0; i < h->nchanges; i++) {
		const diff_change *c = &h->changes[i];

		X(xmlTextWriterStartElement(w, xc("change")));
		X(xmlTextWriterWriteAttribute(w, xc("field"), xc(diff_field_name(c->field))));
		if (c->item != NULL)
			X(xmlTextWriterWriteAttribute(w, xc("item"), xc(c->item)));
		X(xmlTextWriterWriteAttribute(w, xc("kind"), xc(diff_kind_name(c->kind))));
		if (c->old_value != NULL)
			X(xmlTextWriterWriteElement(w, xc("old"), xc(c->old_value)));
		if (c->new_value != NULL)
			X(xmlTextWriterWriteElement(w, xc("new"), xc(c->new_value)));
		X(xmlTextWriterEndElement(w));
	}
	X(xmlTextWriterEndElement(w));
	return 0;
}

static int xml_end(void *vctx, const diff_header *hdr, const diff_summary *s)
{
	diff_render_ctx *ctx = vctx;
	xmlTextWriterPtr w = ctx->xml;

	(void)hdr;
	X(xmlTextWriterStartElement(w, xc("summary")));
	X(xml_attr_int(w, "new", (long long)s->new_hosts));
	X(xml_attr_int(w, "gone", (long long)s->gone));
	X(xml_attr_int(w, "back", (long long)s->back));
	X(xml_attr_int(w, "changed", (long long)s->changed));
	X(xml_attr_int(w, "unchanged", (long long)s->unchanged));
	X(xml_attr_int(w, "not-covered", (long long)s->not_covered));
	X(xmlTextWriterEndElement(w));
	X(xmlTextWriterEndDocument(w));
	xmlFreeTextWriter(w); /* flushes; the FILE stays open */
	ctx->xml = NULL;
	return fflush(ctx->out) != 0 || ferror(ctx->out) ? io_error() : 0;
}

const diff_sink diff_render_xml = {
    .begin = xml_begin,
    .host = xml_host,
    .end = xml_end,
};

void diff_render_cleanup(diff_render_ctx *ctx)
{
	if (ctx->xml != NULL)
		xmlFreeTextWriter(ctx->xml);
	ctx->xml = NULL;
}
