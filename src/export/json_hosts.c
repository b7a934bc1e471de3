#include "config.h"

/*
 * json_hosts.c — `scans --json` and `hosts --json`, through jansson.
 *
 * The shapes are a contract with whoever parses them (jq pipelines, the
 * planning scripts), so they are written down in json_hosts.h and built in
 * one place; `show --json` is built here too, from the same pieces.  Every member is set with
 * json_object_set_new(), which takes the value even when it fails, so one OR'ed status per object
 * catches any allocation failure without leaking.
 */

#include <stdlib.h>
#include <string.h>

#include "export/json_hosts.h"
#include "util/compat.h"

/*
 * A JSON string of len bytes. jansson refuses invalid UTF-8, and the
 * inventory will hold bytes off the network, so such a string is kept with
 * its non-ASCII bytes replaced by '?' rather than dropped.
 */
static json_t *jstrn(const char *s, size_t len)
{
	json_t *j;
	char *ascii;

	if ((j = json_stringn(s, len)) != NULL || (ascii = strndup(s, len)) == NULL)
		return j;
	for (char *p = ascii; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	j = json_string(ascii);
	free(ascii);
	return j;
}

/* A JSON string, or null for NULL. */
static json_t *jstr(const char *s)
{
	return s != NULL ? jstrn(s, strlen(s)) : json_null();
}

/* A JSON integer, or null for the inventory's "unknown" (-1). */
static json_t *jint(int64_t v)
{
	return v < 0 ? json_null() : json_integer(v);
}

/* An ISO 8601 UTC time, or null for 0. */
static json_t *jtime(double epoch)
{
	char buf[32];

	return epoch > 0 ? jstr(query_time_iso8601(epoch, buf, sizeof(buf))) : json_null();
}

/* Ownership of obj passes in; NULL (obj freed) when any member failed. */
static json_t *checked(json_t *obj, int failed)
{
	if (failed == 0)
		return obj;
	json_decref(obj);
	return NULL;
}

json_t *json_hosts_scan(const scan_row *s)
{
	json_t *o = json_object();
	json_t *duration = json_null();
	int bad = 0;

	if (o == NULL)
		return NULL;
	if (s->finished_at > 0 && s->started_at > 0)
		duration = json_real(s->finished_at - s->started_at);
	bad |= json_object_set_new(o, "id", json_integer(s->id));
	bad |= json_object_set_new(o, "status", jstr(s->status));
	bad |= json_object_set_new(o, "started_at", jtime(s->started_at));
	bad |= json_object_set_new(o, "finished_at", jtime(s->finished_at));
	bad |= json_object_set_new(o, "duration_s", duration);
	bad |= json_object_set_new(o, "targets", jstr(s->targets));
	bad |= json_object_set_new(o, "target_count", jint(s->target_count));
	bad |= json_object_set_new(o, "hosts_up", jint(s->hosts_up));
	bad |= json_object_set_new(o, "note", jstr(s->note));
	return checked(o, bad);
}

json_t *json_hosts_scan_list(const scan_row *scans, size_t n)
{
	json_t *a = json_array();
	int bad = 0;

	if (a == NULL)
		return NULL;
	for (size_t i = 0; i < n && bad == 0; i++)
		bad |= json_array_append_new(a, json_hosts_scan(&scans[i]));
	return checked(a, bad);
}

/* "echo-reply,syn-ack" -> ["echo-reply", "syn-ack"]; "" -> []. */
static json_t *reason_list(const char *csv)
{
	json_t *a = json_array();
	int bad = 0;

	if (a == NULL)
		return NULL;
	while (*csv != '\0' && bad == 0) {
		size_t len = strcspn(csv, ",");

		if (len > 0)
			bad |= json_array_append_new(a, jstrn(csv, len));
		csv += len;
		if (*csv == ',')
			csv++;
	}
	return checked(a, bad);
}

static json_t *port_object(const port_row *p)
{
	json_t *o = json_object();
	int bad = 0;

	if (o == NULL)
		return NULL;
	bad |= json_object_set_new(o, "port", json_integer(p->port));
	bad |= json_object_set_new(o, "proto", jstr(p->proto));
	bad |= json_object_set_new(o, "state", jstr(p->state));
	bad |= json_object_set_new(o, "reason", jstr(p->reason));
	bad |= json_object_set_new(o, "ttl", jint(p->ttl));
	return checked(o, bad);
}

static json_t *host_object(const host_row *h)
{
	json_t *o = json_object(), *ports = json_array();
	int bad = 0;

	if (o == NULL || ports == NULL) {
		json_decref(o);
		json_decref(ports);
		return NULL;
	}
	for (size_t i = 0; i < h->nports && bad == 0; i++)
		bad |= json_array_append_new(ports, port_object(&h->ports[i]));
	bad |= json_object_set_new(o, "address", jstr(h->address));
	bad |= json_object_set_new(o, "mac", jstr(h->mac));
	bad |= json_object_set_new(o, "mac_source", jstr(h->mac_source));
	bad |= json_object_set_new(o, "address_source", jstr(h->address_reason));
	bad |= json_object_set_new(o, "vendor", jstr(h->vendor));
	bad |= json_object_set_new(o, "hostname", jstr(h->hostname));
	bad |= json_object_set_new(o, "os", jstr(h->os));
	bad |= json_object_set_new(o, "device_type", jstr(h->device_type));
	bad |= json_object_set_new(o, "reasons", reason_list(h->reasons));
	bad |= json_object_set_new(o, "ttl", jint(h->ttl));
	bad |= json_object_set_new(o, "rtt_us", jint(h->rtt_us));
	bad |= json_object_set_new(o, "on_link", json_boolean(h->on_link));
	bad |= json_object_set_new(o, "ports", ports);
	return checked(o, bad);
}

json_t *json_hosts_document(const scan_row *scan, const host_row *hosts, size_t n)
{
	json_t *doc = json_object(), *list = json_array();
	int bad = 0;

	if (doc == NULL || list == NULL) {
		json_decref(doc);
		json_decref(list);
		return NULL;
	}
	for (size_t i = 0; i < n && bad == 0; i++)
		bad |= json_array_append_new(list, host_object(&hosts[i]));
	bad |= json_object_set_new(doc, "scan", json_hosts_scan(scan));
	bad |= json_object_set_new(doc, "hosts", list);
	return checked(doc, bad);
}

/* ---- `show --json` ------------------------------------------------------- */

static json_t *identity_object(const host_detail *d)
{
	json_t *o = json_object();
	int bad = 0;

	if (o == NULL)
		return NULL;
	bad |= json_object_set_new(o, "address", jstr(d->host.address));
	bad |= json_object_set_new(o, "mac", jstr(d->host.mac));
	bad |= json_object_set_new(o, "mac_source", jstr(d->host.mac_source));
	bad |= json_object_set_new(o, "vendor", jstr(d->host.vendor));
	bad |= json_object_set_new(o, "hostname", jstr(host_detail_verdict(d, "hostname")));
	bad |= json_object_set_new(o, "domain", jstr(host_detail_verdict(d, "domain")));
	bad |= json_object_set_new(o, "first_seen", jtime(d->first_seen));
	bad |= json_object_set_new(o, "last_seen", jtime(d->last_seen));
	return checked(o, bad);
}

/* {"hostname": {"value", "source", "confidence"}, ...} in field order
 * (jansson keeps insertion order). */
static json_t *verdict_object(const host_detail *d)
{
	json_t *o = json_object();
	int bad = 0;

	if (o == NULL)
		return NULL;
	for (size_t i = 0; i < d->nverdicts && bad == 0; i++) {
		const verdict_row *v = &d->verdicts[i];
		json_t *field = json_object();

		if (field == NULL || v->field == NULL) {
			json_decref(field);
			bad |= field == NULL;
			continue;
		}
		bad |= json_object_set_new(field, "value", jstr(v->value));
		bad |= json_object_set_new(field, "source", jstr(v->source));
		bad |= json_object_set_new(field, "confidence", jint(v->confidence));
		bad |= json_object_set_new(o, v->field, checked(field, bad));
	}
	return checked(o, bad);
}

static json_t *discovery_object(const host_row *h)
{
	json_t *o = json_object();
	int bad = 0;

	if (o == NULL)
		return NULL;
	bad |= json_object_set_new(o, "address_source", jstr(h->address_reason));
	bad |= json_object_set_new(o, "reasons", reason_list(h->reasons));
	bad |= json_object_set_new(o, "ttl", jint(h->ttl));
	bad |= json_object_set_new(o, "rtt_us", jint(h->rtt_us));
	bad |= json_object_set_new(o, "on_link", json_boolean(h->on_link));
	return checked(o, bad);
}

static json_t *service_object(const service_row *s)
{
	json_t *o = json_object();
	int bad = 0;

	if (o == NULL)
		return NULL;
	bad |= json_object_set_new(o, "port", json_integer(s->port));
	bad |= json_object_set_new(o, "proto", jstr(s->proto));
	bad |= json_object_set_new(o, "name", jstr(s->name));
	bad |= json_object_set_new(o, "product", jstr(s->product));
	bad |= json_object_set_new(o, "version", jstr(s->version));
	bad |= json_object_set_new(o, "info", jstr(s->info));
	bad |= json_object_set_new(o, "banner", jstr(s->banner));
	bad |= json_object_set_new(o, "source", jstr(s->source));
	return checked(o, bad);
}

static json_t *hardware_item(const hardware_row *hw)
{
	json_t *o = json_object();
	int bad = 0;

	if (o == NULL)
		return NULL;
	bad |= json_object_set_new(o, "name", jstr(hw->name));
	bad |= json_object_set_new(o, "vendor", jstr(hw->vendor));
	bad |= json_object_set_new(o, "model", jstr(hw->model));
	bad |= json_object_set_new(o, "serial", jstr(hw->serial));
	bad |= json_object_set_new(o, "firmware", jstr(hw->firmware));
	bad |= json_object_set_new(o, "extra", jstr(hw->extra));
	bad |= json_object_set_new(o, "size_bytes", jint(hw->size_bytes));
	bad |= json_object_set_new(o, "used_bytes", jint(hw->used_bytes));
	bad |= json_object_set_new(o, "source", jstr(hw->source));
	return checked(o, bad);
}

/* {"cpu": [...], "storage": [...], ...}: the rows come grouped by kind. */
static json_t *hardware_object(const host_detail *d)
{
	json_t *o = json_object();
	int bad = 0;

	if (o == NULL)
		return NULL;
	for (size_t i = 0; i < d->nhardware && bad == 0; i++) {
		const hardware_row *hw = &d->hardware[i];
		json_t *list = json_object_get(o, hw->kind);

		if (list == NULL) {
			bad |= json_object_set_new(o, hw->kind, json_array());
			if ((list = json_object_get(o, hw->kind)) == NULL)
				break;
		}
		bad |= json_array_append_new(list, hardware_item(hw));
	}
	return checked(o, bad);
}

static json_t *software_object(const host_detail *d)
{
	json_t *o = json_object(), *list = json_array();
	int bad = 0;

	if (o == NULL || list == NULL) {
		json_decref(o);
		json_decref(list);
		return NULL;
	}
	for (size_t i = 0; i < d->nsoftware && bad == 0; i++) {
		const software_row *s = &d->software[i];
		json_t *p = json_object();

		if (p == NULL) {
			bad = 1;
			break;
		}
		bad |= json_object_set_new(p, "name", jstr(s->name));
		bad |= json_object_set_new(p, "version", jstr(s->version));
		bad |= json_object_set_new(p, "vendor", jstr(s->vendor));
		bad |= json_object_set_new(p, "install_date", jstr(s->install_date));
		bad |= json_object_set_new(p, "arch", jstr(s->arch));
		bad |= json_object_set_new(p, "size_bytes", s->size_bytes >= 0
								 ? json_integer(s->size_bytes)
								 : json_null());
		bad |= json_object_set_new(p, "source", jstr(s->source));
		bad |= json_array_append_new(list, checked(p, bad));
	}
	bad |= json_object_set_new(o, "count", json_integer((json_int_t)d->nsoftware));
	bad |= json_object_set_new(o, "packages", list);
	return checked(o, bad);
}

static json_t *evidence_array(const host_detail *d)
{
	json_t *a = json_array();
	int bad = 0;

	if (a == NULL)
		return NULL;
	for (size_t i = 0; i < d->nfacts && bad == 0; i++) {
		const fact_row *f = &d->facts[i];
		json_t *o = json_object();

		if (o == NULL) {
			bad = 1;
			break;
		}
		bad |= json_object_set_new(o, "key", jstr(f->key));
		bad |= json_object_set_new(o, "value", jstr(f->value));
		bad |= json_object_set_new(o, "source", jstr(f->source));
		bad |= json_object_set_new(o, "confidence", jint(f->confidence));
		bad |= json_array_append_new(a, checked(o, bad));
	}
	return checked(a, bad);
}

json_t *json_hosts_detail(const scan_row *scan, const host_detail *d)
{
	json_t *doc = json_object(), *ports = json_array(), *services = json_array();
	int bad = 0;

	if (doc == NULL || ports == NULL || services == NULL) {
		json_decref(doc);
		json_decref(ports);
		json_decref(services);
		return NULL;
	}
	for (size_t i = 0; i < d->host.nports && bad == 0; i++)
		bad |= json_array_append_new(ports, port_object(&d->host.ports[i]));
	for (size_t i = 0; i < d->nservices && bad == 0; i++)
		bad |= json_array_append_new(services, service_object(&d->services[i]));
	bad |= json_object_set_new(doc, "scan", json_hosts_scan(scan));
	bad |= json_object_set_new(doc, "identity", identity_object(d));
	bad |= json_object_set_new(doc, "verdict", verdict_object(d));
	bad |= json_object_set_new(doc, "discovery", discovery_object(&d->host));
	bad |= json_object_set_new(doc, "ports", ports);
	bad |= json_object_set_new(doc, "services", services);
	bad |= json_object_set_new(doc, "hardware", hardware_object(d));
	bad |= json_object_set_new(doc, "software", software_object(d));
	bad |= json_object_set_new(doc, "evidence", evidence_array(d));
	return checked(doc, bad);
}

/* ---- `show --json` history ------------------------------------------------ */

static json_t *id_or_null(int64_t id)
{
	return id > 0 ? json_integer(id) : json_null();
}

json_t *json_hosts_history(const host_history *h)
{
	json_t *o = json_object(), *changes = json_array();
	int bad = 0;

	if (o == NULL || changes == NULL) {
		json_decref(o);
		json_decref(changes);
		return NULL;
	}
	for (size_t i = 0; i < h->nrows && bad == 0; i++) {
		const host_history_row *r = &h->rows[i];
		json_t *c = json_object();

		if (c == NULL) {
			bad = 1;
			break;
		}
		bad |= json_object_set_new(c, "scan", id_or_null(r->scan_id));
		bad |= json_object_set_new(c, "at", jtime(r->at));
		bad |= json_object_set_new(c, "kind", jstr(r->kind));
		bad |= json_object_set_new(c, "field", jstr(r->field));
		bad |= json_object_set_new(c, "old", jstr(r->old_value));
		bad |= json_object_set_new(c, "new", jstr(r->new_value));
		bad |= json_array_append_new(changes, checked(c, bad));
	}
	bad |= json_object_set_new(o, "first_seen", jtime(h->first_seen));
	bad |= json_object_set_new(o, "last_seen", jtime(h->last_seen));
	bad |= json_object_set_new(o, "first_scan", id_or_null(h->first_scan));
	bad |= json_object_set_new(o, "last_scan", id_or_null(h->last_scan));
	bad |= json_object_set_new(o, "scans", json_integer(h->scans));
	bad |= json_object_set_new(o, "changes", changes);
	bad |= json_object_set_new(o, "truncated", json_boolean(h->truncated));
	return checked(o, bad);
}
