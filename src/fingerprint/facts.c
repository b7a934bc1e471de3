/*
 * facts.c — the per-host evidence store (see facts.h).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprint/facts.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/grow.h"
#include "util/utf8.h"

static const char *const source_names[FACT_SRC__COUNT] = {
	[FACT_SRC_DISCOVERY] = "discovery", [FACT_SRC_MAC_VENDOR] = "mac-vendor",
	[FACT_SRC_BANNER] = "banner",       [FACT_SRC_NETBIOS] = "netbios",
	[FACT_SRC_SMB] = "smb",             [FACT_SRC_SNMP] = "snmp",
	[FACT_SRC_SSH] = "ssh",             [FACT_SRC_NMAP] = "nmap",
};

static const int source_ranks[FACT_SRC__COUNT] = {
	[FACT_SRC_DISCOVERY] = 10, [FACT_SRC_MAC_VENDOR] = 20, [FACT_SRC_BANNER] = 40,
	[FACT_SRC_NETBIOS] = 50,   [FACT_SRC_SMB] = 70,        [FACT_SRC_SNMP] = 80,
	[FACT_SRC_SSH] = 90,       [FACT_SRC_NMAP] = 40,
};

const char *fact_source_name(fact_source s)
{
	return (unsigned)s < FACT_SRC__COUNT ? source_names[s] : "unknown";
}

int fact_source_from_name(const char *name)
{
	for (int i = 0; i < FACT_SRC__COUNT; i++)
		if (strcmp(source_names[i], name) == 0)
			return i;
	return -1;
}

int fact_source_rank(fact_source s)
{
	return (unsigned)s < FACT_SRC__COUNT ? source_ranks[s] : 0;
}

void host_facts_init(host_facts *h, uint32_t ip)
{
	memset(h, 0, sizeof(*h));
	h->ip = ip;
	pthread_mutex_init(&h->lock, NULL);
}

static void service_free(service_fact *s)
{
	free(s->name);
	free(s->product);
	free(s->version);
	free(s->info);
	free(s->banner);
}

static void software_free(software_fact *s)
{
	free(s->name);
	free(s->version);
	free(s->vendor);
	free(s->install_date);
	free(s->arch);
}

static void hardware_free(hardware_fact *hw)
{
	free(hw->kind);
	free(hw->name);
	free(hw->vendor);
	free(hw->model);
	free(hw->serial);
	free(hw->firmware);
	free(hw->extra);
}

void host_facts_clear(host_facts *h)
{
	for (size_t i = 0; i < h->nfacts; i++) {
		free(h->facts[i].key);
		free(h->facts[i].value);
	}
	for (size_t i = 0; i < h->nservices; i++)
		service_free(&h->services[i]);
	for (size_t i = 0; i < h->nsoftware; i++)
		software_free(&h->software[i]);
	for (size_t i = 0; i < h->nhardware; i++)
		hardware_free(&h->hardware[i]);
	free(h->hardware);
	free(h->facts);
	free(h->services);
	free(h->software);
	pthread_mutex_destroy(&h->lock);
	memset(h, 0, sizeof(*h));
}

char *facts_clean(const void *bytes, size_t len, size_t max)
{
	const unsigned char *p = bytes;
	size_t cap = NC_MIN(len, max) * 3 + 1, used = 0;
	char *out = malloc(cap);

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_seq(p + i, len - i, &cp);

		if (n == 0) {
			if (used + 3 > max)
				break;
			memcpy(out + used, "\xef\xbf\xbd", 3); /* U+FFFD */
			used += 3;
			i++;
			continue;
		}
		if (used + n > max)
			break;
		if (n == 1 && ((p[i] < 0x20 && p[i] != '\t') || p[i] == 0x7f))
			out[used++] = '?';
		else {
			memcpy(out + used, p + i, n);
			used += n;
		}
		i += n;
	}
	while (used > 0 && (out[used - 1] == ' ' || out[used - 1] == '\t'))
		used--;
	out[used] = '\0';
	return out;
}

static char *clean_or_null(const char *s, bool *oom)
{
	char *c;

	if (s == NULL)
		return NULL;
	if ((c = facts_clean(s, strlen(s), FACTS_MAX_VALUE)) == NULL)
		*oom = true;
	return c;
}

int host_facts_add(host_facts *h, fact_source src, int confidence, const char *key,
		   const char *value)
{
	int r = 0;
	fact f;

	if (key == NULL || value == NULL)
		return NC_ERR_INVALID;
	f.key = strdup(key);
	f.value = facts_clean(value, strlen(value), FACTS_MAX_VALUE);
	f.source = (uint8_t)src;
	f.confidence = (uint8_t)NC_MAX(0, NC_MIN(100, confidence));
	if (f.key == NULL || f.value == NULL) {
		free(f.key);
		free(f.value);
		return NC_ERR_NOMEM;
	}
	pthread_mutex_lock(&h->lock);
	/* the same fact from the same source once is enough */
	for (size_t i = 0; i < h->nfacts; i++)
		if (h->facts[i].source == f.source && strcmp(h->facts[i].key, f.key) == 0 &&
		    strcmp(h->facts[i].value, f.value) == 0) {
			r = 1;
			break;
		}
	if (r == 0 && h->nfacts >= FACTS_MAX_PER_HOST)
		r = NC_ERR_TOOBIG;
	else if (r == 0 && nc_grow(&h->facts, &h->facts_cap, h->nfacts + 1, sizeof(*h->facts), 16))
		r = NC_ERR_NOMEM;
	else if (r == 0)
		h->facts[h->nfacts++] = f;
	pthread_mutex_unlock(&h->lock);
	if (r != 0) {
		free(f.key);
		free(f.value);
	}
	return r == 1 ? 0 : r;
}

int host_facts_addf(host_facts *h, fact_source src, int confidence, const char *key,
		    const char *fmt, ...)
{
	char buf[FACTS_MAX_VALUE];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return host_facts_add(h, src, confidence, key, buf);
}

static void fill_null(char **dst, char **src)
{
	if (*dst == NULL) {
		*dst = *src;
		*src = NULL;
	}
}

int host_facts_add_service(host_facts *h, const service_fact *s)
{
	bool oom = false;
	service_fact c = {
		.port = s->port,
		.proto = s->proto,
		.source = s->source,
		.name = clean_or_null(s->name, &oom),
		.product = clean_or_null(s->product, &oom),
		.version = clean_or_null(s->version, &oom),
		.info = clean_or_null(s->info, &oom),
		.banner = clean_or_null(s->banner, &oom),
	};
	int r = 0;

	if (oom) {
		service_free(&c);
		return NC_ERR_NOMEM;
	}
	pthread_mutex_lock(&h->lock);
	for (size_t i = 0; i < h->nservices; i++) {
		service_fact *o = &h->services[i];

		if (o->port == c.port && o->proto == c.proto) {
			fill_null(&o->name, &c.name);
			fill_null(&o->product, &c.product);
			fill_null(&o->version, &c.version);
			fill_null(&o->info, &c.info);
			fill_null(&o->banner, &c.banner);
			r = 1;
			break;
		}
	}
	if (r == 0 && h->nservices >= FACTS_MAX_SERVICES)
		r = NC_ERR_TOOBIG;
	else if (r == 0 && nc_grow(&h->services, &h->services_cap, h->nservices + 1,
				   sizeof(*h->services), 8))
		r = NC_ERR_NOMEM;
	else if (r == 0) {
		h->services[h->nservices++] = c;
		memset(&c, 0, sizeof(c));
	}
	pthread_mutex_unlock(&h->lock);
	service_free(&c);
	return r == 1 ? 0 : r;
}

int host_facts_add_software(host_facts *h, const software_fact *s)
{
	bool oom = false;
	software_fact c = {
		.name = clean_or_null(s->name, &oom),
		.version = clean_or_null(s->version, &oom),
		.vendor = clean_or_null(s->vendor, &oom),
		.install_date = clean_or_null(s->install_date, &oom),
		.arch = clean_or_null(s->arch, &oom),
		.size_bytes = s->size_bytes > 0 ? s->size_bytes : 0,
		.source = s->source,
	};
	int r = 0;

	if (oom || c.name == NULL) {
		software_free(&c);
		return oom ? NC_ERR_NOMEM : NC_ERR_INVALID;
	}
	pthread_mutex_lock(&h->lock);
	if (h->nsoftware >= FACTS_MAX_SOFTWARE)
		r = NC_ERR_TOOBIG;
	else if (nc_grow(&h->software, &h->software_cap, h->nsoftware + 1, sizeof(*h->software),
			 64))
		r = NC_ERR_NOMEM;
	else
		h->software[h->nsoftware++] = c;
	pthread_mutex_unlock(&h->lock);
	if (r != 0)
		software_free(&c);
	return r;
}

int host_facts_add_hardware(host_facts *h, const hardware_fact *hw)
{
	bool oom = false;
	hardware_fact c = {
		.kind = clean_or_null(hw->kind, &oom),
		.name = clean_or_null(hw->name, &oom),
		.vendor = clean_or_null(hw->vendor, &oom),
		.model = clean_or_null(hw->model, &oom),
		.serial = clean_or_null(hw->serial, &oom),
		.firmware = clean_or_null(hw->firmware, &oom),
		.extra = clean_or_null(hw->extra, &oom),
		.size_bytes = hw->size_bytes,
		.used_bytes = hw->used_bytes,
		.source = hw->source,
	};
	int r = 0;

	if (oom || c.kind == NULL) {
		hardware_free(&c);
		return oom ? NC_ERR_NOMEM : NC_ERR_INVALID;
	}
	pthread_mutex_lock(&h->lock);
	if (h->nhardware >= FACTS_MAX_HARDWARE)
		r = NC_ERR_TOOBIG;
	else if (nc_grow(&h->hardware, &h->hardware_cap, h->nhardware + 1, sizeof(*h->hardware),
			 16))
		r = NC_ERR_NOMEM;
	else
		h->hardware[h->nhardware++] = c;
	pthread_mutex_unlock(&h->lock);
	if (r != 0)
		hardware_free(&c);
	return r;
}

const char *host_facts_get(const host_facts *h, const char *key, fact_source *src_out)
{
	const fact *best = NULL;

	for (size_t i = 0; i < h->nfacts; i++) {
		const fact *f = &h->facts[i];

		if (strcmp(f->key, key) != 0)
			continue;
		if (best == NULL ||
		    fact_source_rank(f->source) > fact_source_rank(best->source) ||
		    (f->source == best->source && f->confidence > best->confidence))
			best = f;
	}
	if (best != NULL && src_out != NULL)
		*src_out = (fact_source)best->source;
	return best ? best->value : NULL;
}
