#include "config.h"

/*
 * banner_record.c — from what a service said to facts about the host.
 *
 * Every handler ends the same way: a service record (name, product,
 * version, info, the raw banner) and, when the rules recognise the text,
 * facts about the operating system and hardware behind it. The mapping from
 * recog's params to our fact keys lives here once: os.product is our
 * os.name, hw.device becomes a device.type the verdict knows, hw.product is
 * hw.model. Banner evidence is trusted less than SMB or SNMP, so the
 * confidences stay in the middle.
 */

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprint/banner_int.h"
#include "util/compat.h"
#include "util/err.h"

#define CONF_PRODUCT 70
#define CONF_OS 60
#define CONF_HW 50
#define CONF_HOSTNAME 40

void banner_svc_free(banner_svc *s)
{
	free(s->name);
	free(s->product);
	free(s->version);
	free(s->info);
	free(s->banner);
	memset(s, 0, sizeof(*s));
}

void banner_str_set(char **field, const char *s, size_t len)
{
	/* cleaned now, so a NUL from the network cannot cut the string short */
	char *p = facts_clean(s, len, FACTS_MAX_VALUE);

	if (p == NULL)
		return; /* no memory: the field stays as it was */
	free(*field);
	*field = p;
}

static char *vformat(const char *fmt, va_list ap)
{
	va_list aq;
	int n;
	char *p;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0 || (p = malloc((size_t)n + 1)) == NULL)
		return NULL;
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

void banner_str_setf(char **field, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = vformat(fmt, ap);
	va_end(ap);
	if (p == NULL)
		return;
	free(*field);
	*field = p;
}

void banner_str_append(char **field, const char *fmt, ...)
{
	va_list ap;
	char *add, *p;
	size_t a, b;

	va_start(ap, fmt);
	add = vformat(fmt, ap);
	va_end(ap);
	if (add == NULL)
		return;
	if (*field == NULL) {
		*field = add;
		return;
	}
	a = strlen(*field);
	b = strlen(add);
	if ((p = malloc(a + 2 + b + 1)) != NULL) {
		snprintf(p, a + 2 + b + 1, "%s; %s", *field, add);
		free(*field);
		*field = p;
	}
	free(add);
}

bool banner_line(const uint8_t *buf, size_t len, size_t *line_len, size_t *next)
{
	const uint8_t *lf = memchr(buf, '\n', len);
	size_t n;

	if (lf == NULL)
		return false;
	n = (size_t)(lf - buf);
	*next = n + 1;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	*line_len = n;
	return true;
}

long banner_memcasemem(const uint8_t *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	if (n == 0)
		return 0;
	for (size_t i = 0; i + n <= len; i++) {
		size_t j = 0;

		while (j < n && tolower(hay[i + j]) == tolower((unsigned char)needle[j]))
			j++;
		if (j == n)
			return (long)i;
	}
	return -1;
}

/* recog's hw.device to our device.type; NULL for what says nothing
 * ("General", unknown words). */
static const char *device_type(const char *d)
{
	static const struct {
		const char *recog, *ours;
	} map[] = {
	    {"printer", "printer"},
	    {"print server", "printer"},
	    {"multifunction device", "printer"},
	    {"router", "network"},
	    {"switch", "network"},
	    {"firewall", "network"},
	    {"wap", "network"},
	    {"wireless access point", "network"},
	    {"broadband router", "network"},
	    {"load balancer", "network"},
	    {"vpn", "network"},
	    {"network appliance", "network"},
	    {"hypervisor", "hypervisor"},
	    {"ip camera", "iot"},
	    {"webcam", "iot"},
	    {"camera", "iot"},
	    {"media", "iot"},
	    {"power device", "iot"},
	    {"ups", "iot"},
	    {"iot", "iot"},
	    {"server", "server"},
	    {"workstation", "workstation"},
	    {"desktop", "workstation"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (strcasecmp(d, map[i].recog) == 0)
			return map[i].ours;
	return NULL;
}

static void add_param_fact(banner_conn *c, const rule_params *p, const char *param, const char *key,
			   int conf)
{
	const char *v = rule_param(p, param);

	if (v != NULL && *v != '\0')
		host_facts_add(c->host, FACT_SRC_BANNER, conf, key, v);
}

/* Facts and service fields from the params of a match. */
static void apply_params(banner_conn *c, const rule_params *p)
{
	const char *v, *dev;

	if (c->svc.product == NULL) {
		if ((v = rule_param(p, "service.product")) != NULL && *v != '\0')
			banner_str_set(&c->svc.product, v, strlen(v));
		else if ((v = rule_param(p, "service.vendor")) != NULL && *v != '\0')
			banner_str_set(&c->svc.product, v, strlen(v));
	}
	if (c->svc.version == NULL && (v = rule_param(p, "service.version")) != NULL && *v != '\0')
		banner_str_set(&c->svc.version, v, strlen(v));

	add_param_fact(c, p, "os.family", "os.family", CONF_OS);
	add_param_fact(c, p, "os.product", "os.name", CONF_OS);
	add_param_fact(c, p, "os.version", "os.version", CONF_OS);
	add_param_fact(c, p, "os.vendor", "os.vendor", CONF_OS);
	add_param_fact(c, p, "os.build", "os.build", CONF_OS);
	add_param_fact(c, p, "os.edition", "os.edition", CONF_OS);
	add_param_fact(c, p, "hw.vendor", "hw.vendor", CONF_HW);
	add_param_fact(c, p, "hw.product", "hw.model", CONF_HW);
	if ((v = rule_param(p, "hw.device")) != NULL && (dev = device_type(v)) != NULL)
		host_facts_add(c->host, FACT_SRC_BANNER, CONF_HW, "device.type", dev);
	if ((v = rule_param(p, "host.name")) != NULL && *v != '\0')
		banner_record_hostname(c, FACT_SRC_BANNER, CONF_HOSTNAME, v);
}

bool banner_match(banner_conn *c, const char *db, const char *text)
{
	const rules_t *rules = banner_conn_rules(c);
	rule_params p;

	if (rules == NULL || text == NULL || *text == '\0')
		return false;
	memset(&p, 0, sizeof(p));
	if (!rules_match(rules, db, text, &p))
		return false;
	apply_params(c, &p);
	return true;
}

bool banner_match_bytes(banner_conn *c, const char *db, const void *bytes, size_t len)
{
	const rules_t *rules = banner_conn_rules(c);
	rule_params p;

	if (rules == NULL || len == 0)
		return false;
	memset(&p, 0, sizeof(p));
	if (!rules_match_bytes(rules, db, bytes, len, &p))
		return false;
	apply_params(c, &p);
	return true;
}

void banner_guess_product(banner_conn *c, const char *text, char sep)
{
	size_t word = strcspn(text, " \t(");
	const char *s = memchr(text, sep, word);

	if (c->svc.product != NULL || s == NULL || s == text || s + 1 == text + word)
		return;
	/* a version starts with a digit ("OpenSSH_9.2p1", "nginx/1.22.1") */
	if (!isdigit((unsigned char)s[1]))
		return;
	banner_str_set(&c->svc.product, text, (size_t)(s - text));
	if (c->svc.version == NULL)
		banner_str_set(&c->svc.version, s + 1, (size_t)(text + word - (s + 1)));
}

/* A name we believe is a host's: letters, digits, '-', '.', '_'; not an
 * address, not a wildcard, not localhost. */
static bool plausible_hostname(const char *n)
{
	size_t len = strlen(n);
	bool alpha = false;

	if (len == 0 || len > 253 || n[0] == '.' || n[0] == '-')
		return false;
	for (size_t i = 0; i < len; i++) {
		/* i < strlen(n): the analyzer loses the length of the name copied into n */
		/* NOLINTNEXTLINE(clang-analyzer-core.uninitialized.Assign) */
		unsigned char ch = (unsigned char)n[i];

		if (isalpha(ch))
			alpha = true;
		else if (!isdigit(ch) && ch != '-' && ch != '.' && ch != '_')
			return false;
	}
	if (!alpha) /* 192.0.2.1 */
		return false;
	if (strcasecmp(n, "localhost") == 0 || strncasecmp(n, "localhost.", 10) == 0)
		return false;
	return true;
}

void banner_record_hostname(banner_conn *c, fact_source src, int conf, const char *name)
{
	const char *dot;
	char lower[256];
	size_t len = strlen(name);

	if (len >= sizeof(lower))
		return;
	for (size_t i = 0; i <= len; i++)
		lower[i] = (char)tolower((unsigned char)name[i]);
	if (len > 0 && lower[len - 1] == '.')
		lower[--len] = '\0';
	if (!plausible_hostname(lower))
		return;
	dot = strchr(lower, '.');
	if (dot == NULL) {
		host_facts_add(c->host, src, conf, "host.name", lower);
		return;
	}
	host_facts_add(c->host, src, conf, "host.fqdn", lower);
	host_facts_addf(c->host, src, conf, "host.name", "%.*s", (int)(dot - lower), lower);
	if (strchr(dot + 1, '.') != NULL) /* "example" alone is no domain */
		host_facts_add(c->host, src, conf - 10, "host.domain", dot + 1);
}

void banner_svc_silent(banner_conn *c)
{
	banner_str_set(&c->svc.name, "unknown", 7);
	if (c->interrupted)
		banner_str_setf(&c->svc.info, "open; interrupted before it answered");
	else
		banner_str_setf(&c->svc.info, "open; no data within %llu ms",
				(unsigned long long)banner_conn_io_ms(c));
}
