#include "config.h"

/*
 * xml.c — the XML export: one <inventory> document, written host by host
 * as scan_iter reads them.
 *
 * Element and attribute names are data/netcensus.xsd's; keep the two in
 * step (tests/cli/export.test validates every export against the schema).
 * Absent values are absent attributes or elements, never "" or -1.  Short
 * values are attributes; free text that came off the network (banners,
 * service info, evidence, verdict values) is element content.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "export/xml.h"
#include "inventory/scan_iter.h"
#include "util/compat.h"
#include "util/err.h"

typedef struct {
	xmlTextWriterPtr w;
	export_buf text;
	bool nomem; /* export_text() failed: report that rather than "write error" */
} xml_out;

/* libxml2 calls this with the bytes to write; -1 stops the writer. */
static int write_cb(void *ctx, const char *buf, int len)
{
	FILE *out = ctx;

	if (len > 0 && fwrite(buf, 1, (size_t)len, out) != (size_t)len)
		return -1;
	return len;
}

static int close_cb(void *ctx)
{
	return fflush((FILE *)ctx) == 0 ? 0 : -1;
}

/* libxml2 would print its own "I/O error" lines; xml_export() reports. */
static void quiet(void *ctx, const char *fmt, ...)
{
	(void)ctx;
	(void)fmt;
}

static const xmlChar *X(const char *s)
{
	return (const xmlChar *)s;
}

/* Each returns 0 or -1, like xmlTextWriter (which returns bytes written). */
static int ok(int rc)
{
	return rc < 0 ? -1 : 0;
}

static int start(xml_out *x, const char *name)
{
	return ok(xmlTextWriterStartElement(x->w, X(name)));
}

static int end(xml_out *x)
{
	return ok(xmlTextWriterEndElement(x->w));
}

static const char *clean(xml_out *x, const char *s)
{
	const char *c = export_text(&x->text, s);

	if (c == NULL)
		x->nomem = true;
	return c;
}

/* name="value", left out for NULL. */
static int attr(xml_out *x, const char *name, const char *value)
{
	const char *c;

	if (value == NULL)
		return 0;
	if ((c = clean(x, value)) == NULL)
		return -1;
	return ok(xmlTextWriterWriteAttribute(x->w, X(name), X(c)));
}

/* name="v", left out for unknown (negative). */
static int attr_int(xml_out *x, const char *name, int64_t v)
{
	char buf[32];

	if (v < 0)
		return 0;
	snprintf(buf, sizeof(buf), "%lld", (long long)v);
	return ok(xmlTextWriterWriteAttribute(x->w, X(name), X(buf)));
}

static int attr_time(xml_out *x, const char *name, double epoch)
{
	char buf[32];

	if (epoch <= 0)
		return 0;
	return ok(xmlTextWriterWriteAttribute(x->w, X(name),
					      X(query_time_iso8601(epoch, buf, sizeof(buf)))));
}

static int text(xml_out *x, const char *s)
{
	const char *c = clean(x, s);

	if (c == NULL)
		return -1;
	return ok(xmlTextWriterWriteString(x->w, X(c)));
}

/* <name>value</name>, left out for NULL. */
static int element(xml_out *x, const char *name, const char *value)
{
	if (value == NULL)
		return 0;
	if (start(x, name) != 0 || text(x, value) != 0)
		return -1;
	return end(x);
}

static int write_scan(xml_out *x, const scan_row *s)
{
	if (start(x, "scan") != 0 || attr_int(x, "id", s->id) != 0 ||
	    attr(x, "status", s->status) != 0 || attr_time(x, "started", s->started_at) != 0 ||
	    attr_time(x, "finished", s->finished_at) != 0 ||
	    attr_int(x, "target-count", s->target_count) != 0 ||
	    attr_int(x, "hosts-up", s->hosts_up) != 0 ||
	    attr(x, "unprivileged", s->unprivileged ? "true" : "false") != 0 ||
	    element(x, "targets", s->targets) != 0 || element(x, "note", s->note) != 0)
		return -1;
	return end(x);
}

static int write_identity(xml_out *x, const host_detail *d)
{
	const host_row *h = &d->host;
	const char *os_family = host_detail_verdict(d, "os.family");
	const char *os_name = host_detail_verdict(d, "os.name");
	const char *os_version = host_detail_verdict(d, "os.version");
	const char *os_build = host_detail_verdict(d, "os.build");

	if (h->mac != NULL &&
	    (start(x, "mac") != 0 || attr(x, "source", h->mac_source) != 0 ||
	     attr(x, "vendor", h->vendor) != 0 || text(x, h->mac) != 0 || end(x) != 0))
		return -1;
	if (element(x, "hostname", host_detail_verdict(d, "hostname")) != 0 ||
	    element(x, "domain", host_detail_verdict(d, "domain")) != 0)
		return -1;
	if ((os_family || os_name || os_version || os_build) &&
	    (start(x, "os") != 0 || attr(x, "family", os_family) != 0 ||
	     attr(x, "name", os_name) != 0 || attr(x, "version", os_version) != 0 ||
	     attr(x, "build", os_build) != 0 || end(x) != 0))
		return -1;
	if (element(x, "device-type", host_detail_verdict(d, "device.type")) != 0)
		return -1;
	if (d->first_seen > 0 &&
	    (start(x, "first-seen") != 0 || attr_time(x, "at", d->first_seen) != 0 || end(x) != 0))
		return -1;
	if (d->last_seen > 0 &&
	    (start(x, "last-seen") != 0 || attr_time(x, "at", d->last_seen) != 0 || end(x) != 0))
		return -1;
	return 0;
}

static int write_discovery(xml_out *x, const host_row *h)
{
	const char *p = h->reasons;

	if (start(x, "discovery") != 0 || attr(x, "address-source", h->address_reason) != 0 ||
	    attr_int(x, "ttl", h->ttl) != 0 || attr_int(x, "rtt-us", h->rtt_us) != 0 ||
	    attr(x, "on-link", h->on_link ? "true" : "false") != 0)
		return -1;
	while (*p != '\0') {
		size_t len = strcspn(p, ",");
		char reason[64];

		if (len > 0 && len < sizeof(reason)) {
			memcpy(reason, p, len);
			reason[len] = '\0';
			if (element(x, "reason", reason) != 0)
				return -1;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return end(x);
}

static int write_verdicts(xml_out *x, const host_detail *d)
{
	if (start(x, "verdicts") != 0)
		return -1;
	for (size_t i = 0; i < d->nverdicts; i++) {
		const verdict_row *v = &d->verdicts[i];

		if (v->field == NULL)
			continue;
		if (start(x, "verdict") != 0 || attr(x, "field", v->field) != 0 ||
		    attr(x, "source", v->source) != 0 ||
		    attr_int(x, "confidence", v->confidence) != 0 ||
		    text(x, v->value ? v->value : "") != 0 || end(x) != 0)
			return -1;
	}
	return end(x);
}

static int write_ports(xml_out *x, const host_row *h)
{
	if (start(x, "ports") != 0)
		return -1;
	for (size_t i = 0; i < h->nports; i++) {
		const port_row *p = &h->ports[i];

		if (start(x, "port") != 0 || attr(x, "proto", p->proto) != 0 ||
		    attr_int(x, "number", p->port) != 0 || attr(x, "state", p->state) != 0 ||
		    attr(x, "reason", p->reason) != 0 || attr_int(x, "ttl", p->ttl) != 0 ||
		    end(x) != 0)
			return -1;
	}
	return end(x);
}

static int write_services(xml_out *x, const host_detail *d)
{
	if (start(x, "services") != 0)
		return -1;
	for (size_t i = 0; i < d->nservices; i++) {
		const service_row *s = &d->services[i];

		if (start(x, "service") != 0 || attr(x, "proto", s->proto) != 0 ||
		    attr_int(x, "port", s->port) != 0 || attr(x, "name", s->name) != 0 ||
		    attr(x, "product", s->product) != 0 || attr(x, "version", s->version) != 0 ||
		    attr(x, "source", s->source) != 0 || element(x, "info", s->info) != 0 ||
		    element(x, "banner", s->banner) != 0 || end(x) != 0)
			return -1;
	}
	return end(x);
}

static int write_hardware(xml_out *x, const host_detail *d)
{
	if (start(x, "hardware") != 0)
		return -1;
	for (size_t i = 0; i < d->nhardware; i++) {
		const hardware_row *hw = &d->hardware[i];

		if (start(x, "item") != 0 || attr(x, "kind", hw->kind) != 0 ||
		    attr(x, "name", hw->name) != 0 || attr(x, "vendor", hw->vendor) != 0 ||
		    attr(x, "model", hw->model) != 0 || attr(x, "serial", hw->serial) != 0 ||
		    attr(x, "firmware", hw->firmware) != 0 ||
		    attr_int(x, "size-bytes", hw->size_bytes) != 0 ||
		    attr_int(x, "used-bytes", hw->used_bytes) != 0 ||
		    attr(x, "source", hw->source) != 0 || element(x, "extra", hw->extra) != 0 ||
		    end(x) != 0)
			return -1;
	}
	return end(x);
}

static int write_software(xml_out *x, const host_detail *d)
{
	if (start(x, "software") != 0 || attr_int(x, "count", (int64_t)d->nsoftware) != 0)
		return -1;
	for (size_t i = 0; i < d->nsoftware; i++) {
		const software_row *s = &d->software[i];

		if (start(x, "package") != 0 || attr(x, "name", s->name) != 0 ||
		    attr(x, "version", s->version) != 0 || attr(x, "vendor", s->vendor) != 0 ||
		    attr(x, "install-date", s->install_date) != 0 ||
		    attr(x, "arch", s->arch) != 0 ||
		    attr_int(x, "size-bytes", s->size_bytes) != 0 ||
		    attr(x, "source", s->source) != 0 || end(x) != 0)
			return -1;
	}
	return end(x);
}

static int write_evidence(xml_out *x, const host_detail *d)
{
	if (start(x, "evidence") != 0)
		return -1;
	for (size_t i = 0; i < d->nfacts; i++) {
		const fact_row *f = &d->facts[i];

		if (start(x, "fact") != 0 || attr(x, "key", f->key) != 0 ||
		    attr(x, "source", f->source) != 0 ||
		    attr_int(x, "confidence", f->confidence) != 0 ||
		    text(x, f->value ? f->value : "") != 0 || end(x) != 0)
			return -1;
	}
	return end(x);
}

static int write_host(xml_out *x, const host_detail *d, export_what what)
{
	bool all = what == EXPORT_WHAT_ALL;

	if (start(x, "host") != 0 || attr(x, "address", d->host.address) != 0 ||
	    write_identity(x, d) != 0 || write_discovery(x, &d->host) != 0 ||
	    write_verdicts(x, d) != 0)
		return -1;
	if ((all || what == EXPORT_WHAT_HOSTS) && write_ports(x, &d->host) != 0)
		return -1;
	if ((all || what == EXPORT_WHAT_SERVICES) && write_services(x, d) != 0)
		return -1;
	if ((all || what == EXPORT_WHAT_HARDWARE) && write_hardware(x, d) != 0)
		return -1;
	if ((all || what == EXPORT_WHAT_SOFTWARE) && write_software(x, d) != 0)
		return -1;
	if (all && write_evidence(x, d) != 0)
		return -1;
	return end(x);
}

/* What scan_iter must read for --what. */
static unsigned parts_for(export_what what)
{
	switch (what) {
	case EXPORT_WHAT_HOSTS:
		return SCAN_ITER_PORTS;
	case EXPORT_WHAT_SERVICES:
		return SCAN_ITER_SERVICES;
	case EXPORT_WHAT_SOFTWARE:
		return SCAN_ITER_SOFTWARE;
	case EXPORT_WHAT_HARDWARE:
		return SCAN_ITER_HARDWARE;
	default:
		return SCAN_ITER_ALL;
	}
}

int xml_export(const export_request *req)
{
	xml_out x = {0};
	xmlOutputBufferPtr buf;
	scan_iter *it = NULL;
	const host_detail *d;
	char count[32];
	int rc, r = NC_ERR_INTERNAL;
	bool bad;

	xmlSetGenericErrorFunc(NULL, quiet);
	if ((buf = xmlOutputBufferCreateIO(write_cb, close_cb, req->out, NULL)) == NULL) {
		r = nc_fail(NC_ERR_NOMEM, "out of memory starting the XML writer");
		goto out;
	}
	if ((x.w = xmlNewTextWriter(buf)) == NULL) {
		xmlOutputBufferClose(buf);
		r = nc_fail(NC_ERR_NOMEM, "out of memory starting the XML writer");
		goto out;
	}
	bad = xmlTextWriterSetIndent(x.w, 1) < 0 ||
	      xmlTextWriterSetIndentString(x.w, X("  ")) < 0 ||
	      xmlTextWriterStartDocument(x.w, "1.0", "UTF-8", NULL) < 0 ||
	      xmlTextWriterStartElementNS(x.w, NULL, X("inventory"), X(XML_EXPORT_NS)) < 0 ||
	      attr(&x, "version", "1") != 0 || attr(&x, "generator", export_generator()) != 0 ||
	      attr(&x, "what", export_what_name(req->what)) != 0 || write_scan(&x, req->scan) != 0;
	if (bad)
		goto write_error;
	if ((r = scan_iter_open(req->inv, req->scan->id, parts_for(req->what), &it)) != 0)
		goto out;
	while ((rc = scan_iter_next(it, &d)) > 0)
		if (write_host(&x, d, req->what) != 0)
			goto write_error;
	if (rc < 0) {
		r = rc;
		goto out;
	}
	snprintf(count, sizeof(count), "%llu", (unsigned long long)scan_iter_count(it));
	if (start(&x, "summary") != 0 || attr(&x, "hosts", count) != 0 || end(&x) != 0 ||
	    xmlTextWriterEndDocument(x.w) < 0 || xmlTextWriterFlush(x.w) < 0)
		goto write_error;
	r = 0;
	goto out;
write_error:
	if (x.nomem)
		r = nc_fail(NC_ERR_NOMEM, "out of memory writing XML");
	else
		r = nc_fail(NC_ERR_IO, "cannot write the XML export: %s",
			    ferror(req->out) ? strerror(errno) : "XML writer error");
out:
	scan_iter_close(it);
	if (x.w != NULL)
		xmlFreeTextWriter(x.w); /* closes buf, which flushes req->out */
	export_buf_free(&x.text);
	xmlSetGenericErrorFunc(NULL, NULL); /* libxml2's default again */
	return r;
}
