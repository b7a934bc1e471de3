#include "config.h"

/*
 * import_nmap.c — reading nmap's XML output into a scan (see import_nmap.h).
 *
 * The file is read once, front to back, by libxml2's xmlTextReader: a
 * 2 GB -oX file of a /8 costs the memory of its hosts up, never of a tree.
 * Each element is handled when the reader reaches it, by its name and its
 * parent's (the reader gives the depth; a small array remembers the
 * element open at each depth).  A <host> collects into a host_state, and
 * only at </host> does it become a host of the run — or nothing, when it
 * is down or has no IPv4 address.
 *
 * Hostile input: the prolog is checked by hand before libxml2 sees a byte
 * (no DOCTYPE internal subset, so no entity can be declared; UTF-8 only);
 * the reader runs without network, DTD loading or entity substitution, and
 * an entity reference that still turns up is refused.  Every string is
 * cleaned and bounded by facts_clean(); hosts and ports are capped
 * (nmap_limits) and a file over a cap is refused, not cut.  Anything
 * wrong stops the parse with "FILE:LINE: why"; the caller then writes
 * nothing.
 */

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libxml/xmlreader.h>

#include "inventory/facts_store.h"
#include "inventory/import_nmap.h"
#include "inventory/store.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/grow.h"
#include "util/parse.h"

#define PROLOG_MAX 65536	   /* bytes read before the root element must start */
#define DEPTH_MAX 32		   /* deeper elements are skipped (nmap uses 6) */
#define ATTR_POOL 16		   /* attributes read per element */
#define ARGS_MAX 65536		   /* bytes of nmaprun args kept to find the targets */
#define USER_NAMES_MAX 4096	   /* hostnames given on nmap's command line */
#define NMAP_MAX_TIME (1ull << 34) /* epoch seconds: beyond the year 2500 is no date */

/* Confidences of what nmap states without a number of its own. */
#define CONF_PTR 60	   /* a PTR name */
#define CONF_USER_NAME 50  /* the name the user gave nmap */
#define CONF_MAC_VENDOR 80 /* nmap's OUI table */
#define CONF_RAW 100	   /* nmap.* facts: what nmap wrote, as written */

/* ---------------------------------------------------------------- names */

typedef enum {
	E_OTHER = 0,
	E_NMAPRUN,
	E_HOST,
	E_STATUS,
	E_ADDRESS,
	E_HOSTNAMES,
	E_HOSTNAME,
	E_PORTS,
	E_EXTRAPORTS,
	E_PORT,
	E_STATE,
	E_SERVICE,
	E_CPE,
	E_SCRIPT,
	E_HOSTSCRIPT,
	E_OS,
	E_OSMATCH,
	E_OSCLASS,
	E_UPTIME,
	E_DISTANCE,
	E_TIMES,
	E_TRACE,
	E_HOP,
	E_RUNSTATS,
	E_FINISHED,
	E_HOSTS,
	E__COUNT
} element;

static const char *const element_names[] = {
    [E_OTHER] = "",
    [E_NMAPRUN] = "nmaprun",
    [E_HOST] = "host",
    [E_STATUS] = "status",
    [E_ADDRESS] = "address",
    [E_HOSTNAMES] = "hostnames",
    [E_HOSTNAME] = "hostname",
    [E_PORTS] = "ports",
    [E_EXTRAPORTS] = "extraports",
    [E_PORT] = "port",
    [E_STATE] = "state",
    [E_SERVICE] = "service",
    [E_CPE] = "cpe",
    [E_SCRIPT] = "script",
    [E_HOSTSCRIPT] = "hostscript",
    [E_OS] = "os",
    [E_OSMATCH] = "osmatch",
    [E_OSCLASS] = "osclass",
    [E_UPTIME] = "uptime",
    [E_DISTANCE] = "distance",
    [E_TIMES] = "times",
    [E_TRACE] = "trace",
    [E_HOP] = "hop",
    [E_RUNSTATS] = "runstats",
    [E_FINISHED] = "finished",
    [E_HOSTS] = "hosts",
};
_Static_assert(ARRAY_SIZE(element_names) == E__COUNT, "an element has no name");

static element element_of(const char *name)
{
	for (size_t i = 1; i < ARRAY_SIZE(element_names); i++)
		if (strcmp(element_names[i], name) == 0)
			return (element)i;
	return E_OTHER;
}

/* nmap's reason names that netcensus spells differently or not at all,
 * mapped to the nearest reason_t (reason_from_name() knows the rest). */
static const struct {
	const char *nmap;
	reason_t reason;
} reason_aliases[] = {
    {"net-unreach", REASON_HOST_UNREACH}, /* ICMP unreachable from a router */
    {"host-prohibited", REASON_ADMIN_PROHIBITED},
    {"net-prohibited", REASON_ADMIN_PROHIBITED},
    {"conn-refused", REASON_CONN_REFUSED},
};

/* nmap's OS families (osclass osfamily, service ostype) and the os.family
 * the verdict knows. */
static const struct {
	const char *nmap;
	const char *family;
} os_families[] = {
    {"Linux", "Linux"},	      {"Windows", "Windows"}, {"FreeBSD", "BSD"},    {"OpenBSD", "BSD"},
    {"NetBSD", "BSD"},	      {"BSD", "BSD"},	      {"Mac OS X", "macOS"}, {"macOS", "macOS"},
    {"OS X", "macOS"},	      {"IOS", "IOS"},	      {"NX-OS", "NX-OS"},    {"JUNOS", "JunOS"},
    {"RouterOS", "RouterOS"}, {"ESXi", "ESXi"},
};

/* nmap's device types (osclass type, service devicetype) and device.type. */
static const struct {
	const char *nmap;
	const char *type;
} device_types[] = {
    {"router", "network"},	{"broadband router", "network"},
    {"switch", "network"},	{"firewall", "network"},
    {"WAP", "network"},		{"load balancer", "network"},
    {"bridge", "network"},	{"hub", "network"},
    {"printer", "printer"},	{"print server", "printer"},
    {"webcam", "iot"},		{"media device", "iot"},
    {"game console", "iot"},	{"phone", "iot"},
    {"VoIP phone", "iot"},	{"VoIP adapter", "iot"},
    {"power-device", "iot"},	{"PDA", "iot"},
    {"storage-misc", "server"},
};

/* Script ids whose output may hold credentials: never stored. */
static const char *const secret_scripts[] = {
    "brute", "cred", "pass", "community", "secret", "hash", "token", "cookie",
};

/* nmap options that take the next word as their argument (one or two
 * dashes: nmap reads them with getopt_long_only).  The targets are the
 * words of the command line that are neither options nor these arguments. */
static const char *const options_with_arg[] = {
    "iL",
    "iR",
    "exclude",
    "excludefile",
    "p",
    "exclude-ports",
    "top-ports",
    "port-ratio",
    "e",
    "S",
    "D",
    "g",
    "source-port",
    "data",
    "data-string",
    "data-length",
    "ip-options",
    "ttl",
    "spoof-mac",
    "proxies",
    "proxy",
    "b",
    "sI",
    "script",
    "script-args",
    "script-args-file",
    "script-help",
    "script-timeout",
    "dns-servers",
    "oN",
    "oX",
    "oS",
    "oG",
    "oA",
    "oM",
    "oH",
    "stylesheet",
    "resume",
    "datadir",
    "servicedb",
    "versiondb",
    "version-intensity",
    "min-hostgroup",
    "max-hostgroup",
    "min-parallelism",
    "max-parallelism",
    "min-rtt-timeout",
    "max-rtt-timeout",
    "initial-rtt-timeout",
    "max-retries",
    "host-timeout",
    "scan-delay",
    "max-scan-delay",
    "min-rate",
    "max-rate",
    "mtu",
    "scanflags",
    "max-os-tries",
    "stats-every",
    "nsock-engine",
    "M",
    "m",
    "i",
    "o",
    "s",
    "T",
    "P",
    "sn-timeout",
};

/* ------------------------------------------------------- address index */

/* Open addressing, address -> index into run->hosts, with the time nmap
 * first saw the host. */
typedef struct {
	uint32_t ip;
	uint32_t used;
	size_t index;
	double first_seen;
} index_slot;

struct nmap_host_index {
	index_slot *slots;
	size_t cap; /* power of two */
	size_t n;
};

static size_t index_hash(uint32_t ip, size_t cap)
{
	return (size_t)((ip * 2654435761u) & (uint32_t)(cap - 1));
}

static index_slot *index_find(nmap_host_index *x, uint32_t ip)
{
	size_t i;

	if (x->cap == 0)
		return NULL;
	for (i = index_hash(ip, x->cap); x->slots[i].used; i = (i + 1) & (x->cap - 1))
		if (x->slots[i].ip == ip)
			return &x->slots[i];
	return NULL;
}

static int index_add(nmap_host_index *x, uint32_t ip, size_t index, double first_seen)
{
	size_t i;

	if ((x->n + 1) * 2 > x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 256;
		index_slot *slots = calloc(cap, sizeof(*slots));

		if (slots == NULL)
			return nc_fail(NC_ERR_NOMEM, "out of memory indexing hosts");
		for (size_t j = 0; j < x->cap; j++) {
			if (!x->slots[j].used)
				continue;
			for (i = index_hash(x->slots[j].ip, cap); slots[i].used;
			     i = (i + 1) & (cap - 1))
				;
			slots[i] = x->slots[j];
		}
		free(x->slots);
		x->slots = slots;
		x->cap = cap;
	}
	for (i = index_hash(ip, x->cap); x->slots[i].used; i = (i + 1) & (x->cap - 1))
		;
	x->slots[i] = (index_slot){.ip = ip, .used = 1, .index = index, .first_seen = first_seen};
	x->n++;
	return 0;
}

/* ------------------------------------------------------------ the parse */

typedef struct {
	uint16_t port;
	uint8_t proto;
	uint8_t state;
	uint8_t reason;
	uint8_t ttl;
} pending_port;

typedef struct {
	char *name;
	int accuracy;
	char *type, *vendor, *family, *gen; /* its most accurate osclass */
	int class_accuracy;
	char cpes[512]; /* the CPEs of its classes, space separated */
} os_guess;

/* One <host> being read. */
typedef struct {
	bool active;
	bool have_status, up, down;
	bool have_ipv4, have_ipv6, have_mac;
	uint32_t ip;
	uint8_t mac[6];
	reason_t reason;
	uint8_t ttl;
	int64_t rtt_us;
	double starttime;
	host_facts *facts; /* ip 0 until the host is kept */
	pending_port *ports;
	size_t nports, ports_cap;
	size_t nscripts, nosmatch, nhops;
	char trace[FACTS_MAX_VALUE];
	size_t trace_len;

	/* the <port> being read */
	bool in_port, port_has_state, port_skip;
	pending_port cur;
	bool have_service;
	service_fact svc;
	int svc_conf; /* nmap's conf 0-10, times 10 */

	/* the <osmatch> being read, and the best so far */
	bool in_osmatch;
	os_guess cur_os, best_os;
} host_state;

typedef struct {
	const char *name; /* for error details */
	xmlTextReaderPtr rd;
	nmap_limits lim;
	nmap_run *run;
	int rc; /* first error */

	/* libxml2's first error, from the structured handler */
	bool xml_error;
	int xml_line;
	char xml_msg[256];

	element open[DEPTH_MAX];
	bool seen_root;
	char *args; /* nmaprun args, for the targets */
	char **user_names;
	size_t nuser_names, user_names_cap;
	size_t total_ports;
	host_state h;

	xmlChar *pool[ATTR_POOL];
	size_t npool;
} parser;

/* The line of the element being read (the parser itself is ahead). */
static int ps_line(parser *ps)
{
	xmlNodePtr n;
	long line;

	if (ps->rd == NULL)
		return 0;
	n = xmlTextReaderCurrentNode(ps->rd);
	line = n != NULL ? xmlGetLineNo(n) : -1;
	return line > 0 && line < INT_MAX ? (int)line : xmlTextReaderGetParserLineNumber(ps->rd);
}

/* Stop the parse with code and "NAME:LINE: detail" (the first error wins). */
static int ps_fail(parser *ps, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int ps_fail(parser *ps, int code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (ps->rc != 0)
		return ps->rc;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ps->rc = nc_fail(code, "%s:%d: %s", ps->name, ps_line(ps), msg);
	return ps->rc;
}

/* Keep the first error of an add: NC_ERR_TOOBIG (a per-host cap of
 * facts.h was reached; the fact is dropped) is not one. */
static void ps_note(parser *ps, int r)
{
	if (r != 0 && r != NC_ERR_TOOBIG && ps->rc == 0)
		ps->rc = r == NC_ERR_NOMEM
			     ? nc_fail(NC_ERR_NOMEM, "out of memory reading %s", ps->name)
			     : r;
}

/* Replace the C1 control characters (U+0080-U+009F, legal in XML 1.0,
 * and read by terminals as escapes) by '?', in place.  facts_clean() does
 * the C0 ones. */
static void strip_c1(char *s)
{
	char *w = s;

	for (const char *r = s; *r; r++) {
		if ((unsigned char)r[0] == 0xc2 && (unsigned char)r[1] >= 0x80 &&
		    (unsigned char)r[1] <= 0x9f) {
			*w++ = '?';
			r++;
			continue;
		}
		*w++ = *r;
	}
	*w = '\0';
}

/* Attribute name of the current element (C1 controls replaced), or NULL;
 * freed after the element. */
static const char *attr(parser *ps, const char *name)
{
	xmlChar *v;

	if (ps->npool >= ATTR_POOL)
		return NULL;
	v = xmlTextReaderGetAttribute(ps->rd, BAD_CAST name);
	if (v != NULL) {
		strip_c1((char *)v);
		ps->pool[ps->npool++] = v;
	}
	return (const char *)v;
}

static void attr_release(parser *ps)
{
	for (size_t i = 0; i < ps->npool; i++)
		xmlFree(ps->pool[i]);
	ps->npool = 0;
}

/* A whole decimal number in [0, max], or false. */
static bool get_uint(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (s == NULL || *s == '\0')
		return false;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		if (v > (max - (uint64_t)(*p - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*out = v;
	return true;
}

/* An attribute that must be a number in [0, max] when present: *out
 * unchanged when absent; false (and the parse stops) when malformed. */
static bool attr_uint(parser *ps, const char *name, uint64_t max, uint64_t *out)
{
	const char *v = attr(ps, name);

	if (v == NULL)
		return true;
	if (!get_uint(v, max, out)) {
		ps_fail(ps, NC_ERR_INVALID, "<%s %s=\"%.40s\">: not a number from 0 to %llu",
			(const char *)xmlTextReaderConstName(ps->rd), name, v,
			(unsigned long long)max);
		return false;
	}
	return true;
}

/* A copy of s cleaned and bounded, or NULL (no memory noted in ps). */
static char *clean_dup(parser *ps, const char *s, size_t max)
{
	char *c;

	if (s == NULL)
		return NULL;
	if ((c = facts_clean(s, strlen(s), max)) == NULL)
		ps_note(ps, NC_ERR_NOMEM);
	else
		strip_c1(c);
	return c;
}

static void add_fact(parser *ps, int conf, const char *key, const char *value)
{
	if (value != NULL && *value != '\0')
		ps_note(ps, host_facts_add(ps->h.facts, FACT_SRC_NMAP, conf, key, value));
}

static void factf(parser *ps, int conf, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void factf(parser *ps, int conf, const char *key, const char *fmt, ...)
{
	char buf[FACTS_MAX_VALUE];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	add_fact(ps, conf, key, buf);
}

/* nmap's reason name as a reason_t; an unknown one is user-set (nmap, the
 * file's author, asserts it) and counted. */
static reason_t map_reason(parser *ps, const char *name, bool *known)
{
	int r = reason_from_name(name);

	*known = true;
	if (r >= 0)
		return (reason_t)r;
	for (size_t i = 0; name != NULL && i < ARRAY_SIZE(reason_aliases); i++)
		if (strcmp(name, reason_aliases[i].nmap) == 0)
			return reason_aliases[i].reason;
	*known = false;
	ps->run->reasons_unknown++;
	return REASON_USER_SET;
}

static const char *map_family(const char *nmap)
{
	for (size_t i = 0; nmap != NULL && i < ARRAY_SIZE(os_families); i++)
		if (strcasecmp(nmap, os_families[i].nmap) == 0)
			return os_families[i].family;
	return NULL;
}

static const char *map_device(const char *nmap)
{
	for (size_t i = 0; nmap != NULL && i < ARRAY_SIZE(device_types); i++)
		if (strcasecmp(nmap, device_types[i].nmap) == 0)
			return device_types[i].type;
	return NULL;
}

static bool plausible_hostname(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 253 || s[0] == '.' || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		/* i < strlen(s): the analyzer loses the length of the name copied into s */
		/* NOLINTNEXTLINE(clang-analyzer-core.uninitialized.ArraySubscript) */
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' && s[i] != '-' && s[i] != '_')
			return false;
	return true;
}

/* host.fqdn, host.name and host.domain from a name nmap reports. */
static void hostname_facts(parser *ps, const char *name, int conf)
{
	char lower[256];
	const char *dot;
	size_t len = strlen(name);

	if (len >= sizeof(lower))
		return;
	for (size_t i = 0; i <= len; i++)
		lower[i] = (char)tolower((unsigned char)name[i]);
	if (len > 0 && lower[len - 1] == '.')
		lower[--len] = '\0';
	if (!plausible_hostname(lower) || parse_ipv4(lower, &(uint32_t){0}))
		return;
	if ((dot = strchr(lower, '.')) == NULL) {
		add_fact(ps, conf, "host.name", lower);
		return;
	}
	add_fact(ps, conf, "host.fqdn", lower);
	factf(ps, conf, "host.name", "%.*s", (int)(dot - lower), lower);
	if (dot[1] != '\0')
		add_fact(ps, conf - 10, "host.domain", dot + 1);
}

static void os_guess_clear(os_guess *g)
{
	free(g->name);
	free(g->type);
	free(g->vendor);
	free(g->family);
	free(g->gen);
	memset(g, 0, sizeof(*g));
}

static void service_clear(service_fact *s)
{
	free(s->name);
	free(s->product);
	free(s->version);
	free(s->info);
	free(s->banner);
	memset(s, 0, sizeof(*s));
}

static void host_state_clear(host_state *h)
{
	if (h->facts != NULL) {
		host_facts_clear(h->facts);
		free(h->facts);
	}
	free(h->ports);
	service_clear(&h->svc);
	os_guess_clear(&h->cur_os);
	os_guess_clear(&h->best_os);
	memset(h, 0, sizeof(*h));
}

/* --------------------------------------------------------- run elements */

static void on_nmaprun(parser *ps)
{
	const char *scanner = attr(ps, "scanner"), *args = attr(ps, "args");
	uint64_t start = 0;

	if (scanner == NULL || strcmp(scanner, "nmap") != 0) {
		ps_fail(ps, NC_ERR_INVALID,
			"written by '%.40s', not nmap: only nmap's XML is imported",
			scanner ? scanner : "an unknown scanner");
		return;
	}
	if (!attr_uint(ps, "start", NMAP_MAX_TIME, &start))
		return;
	ps->run->started = (double)start;
	ps->run->version = clean_dup(ps, attr(ps, "version"), 64);
	if (args != NULL)
		ps->args = clean_dup(ps, args, ARGS_MAX);
}

static void on_finished(parser *ps)
{
	uint64_t t = 0;
	const char *exit_status = attr(ps, "exit");

	if (!attr_uint(ps, "time", NMAP_MAX_TIME, &t))
		return;
	ps->run->finished = (double)t;
	if (exit_status != NULL && strcmp(exit_status, "error") == 0) {
		ps->run->run_failed = true;
		free(ps->run->errormsg);
		ps->run->errormsg = clean_dup(ps, attr(ps, "errormsg"), 512);
	}
}

static void on_runstats_hosts(parser *ps)
{
	uint64_t total = 0;

	if (attr_uint(ps, "total", UINT64_MAX / 2, &total))
		ps->run->target_count = total;
}

/* ---------------------------------------------------------- host elements */

static void host_begin(parser *ps)
{
	host_state *h = &ps->h;
	uint64_t start = 0;

	host_state_clear(h);
	h->active = true;
	h->rtt_us = -1;
	h->reason = REASON_USER_SET;
	if ((h->facts = malloc(sizeof(*h->facts))) == NULL) {
		ps_note(ps, NC_ERR_NOMEM);
		return;
	}
	host_facts_init(h->facts, 0);
	if (attr_uint(ps, "starttime", NMAP_MAX_TIME, &start))
		h->starttime = (double)start;
}

static void on_status(parser *ps)
{
	host_state *h = &ps->h;
	const char *state = attr(ps, "state"), *reason = attr(ps, "reason");
	uint64_t ttl = 0;
	bool known;

	if (!attr_uint(ps, "reason_ttl", 255, &ttl))
		return;
	h->have_status = true;
	h->up = state != NULL && strcmp(state, "up") == 0;
	h->down = !h->up;
	h->ttl = (uint8_t)ttl;
	if (reason == NULL)
		return;
	h->reason = map_reason(ps, reason, &known);
	if (!known)
		add_fact(ps, CONF_RAW, "nmap.reason", reason);
}

static bool parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		int hi, lo;

		if (!isxdigit((unsigned char)s[0]) || !isxdigit((unsigned char)s[1]))
			return false;
		hi = isdigit((unsigned char)s[0]) ? s[0] - '0'
						  : tolower((unsigned char)s[0]) - 'a' + 10;
		lo = isdigit((unsigned char)s[1]) ? s[1] - '0'
						  : tolower((unsigned char)s[1]) - 'a' + 10;
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i < 5 && *s != ':' && *s != '-')
			return false;
		if (i < 5)
			s++;
	}
	return *s == '\0';
}

static void on_address(parser *ps)
{
	host_state *h = &ps->h;
	const char *addr = attr(ps, "addr"), *type = attr(ps, "addrtype");
	unsigned char v6[16];

	if (addr == NULL || type == NULL) {
		ps_fail(ps, NC_ERR_INVALID, "<address> without addr or addrtype");
		return;
	}
	if (strcmp(type, "ipv4") == 0) {
		if (!parse_ipv4(addr, &h->ip)) {
			ps_fail(ps, NC_ERR_INVALID, "bad IPv4 address '%.64s'", addr);
			return;
		}
		h->have_ipv4 = true;
	} else if (strcmp(type, "ipv6") == 0) {
		if (inet_pton(AF_INET6, addr, v6) != 1) {
			ps_fail(ps, NC_ERR_INVALID, "bad IPv6 address '%.64s'", addr);
			return;
		}
		h->have_ipv6 = true;
		add_fact(ps, CONF_RAW, "nmap.ipv6", addr);
	} else if (strcmp(type, "mac") == 0) {
		if (!parse_mac(addr, h->mac)) {
			ps_fail(ps, NC_ERR_INVALID, "bad MAC address '%.64s'", addr);
			return;
		}
		h->have_mac = true;
		add_fact(ps, CONF_MAC_VENDOR, "mac.vendor", attr(ps, "vendor"));
	}
}

static int user_name_add(parser *ps, const char *name)
{
	char *c;

	for (size_t i = 0; i < ps->nuser_names; i++)
		if (strcasecmp(ps->user_names[i], name) == 0)
			return 0;
	if (ps->nuser_names >= USER_NAMES_MAX)
		return 0;
	if (nc_grow(&ps->user_names, &ps->user_names_cap, ps->nuser_names + 1,
		    sizeof(*ps->user_names), 8) != 0 ||
	    (c = strdup(name)) == NULL)
		return NC_ERR_NOMEM;
	ps->user_names[ps->nuser_names++] = c;
	return 0;
}

static void on_hostname(parser *ps)
{
	const char *name = attr(ps, "name"), *type = attr(ps, "type");
	bool user = type != NULL && strcmp(type, "user") == 0;
	char *c;

	if (name == NULL || (c = clean_dup(ps, name, 255)) == NULL)
		return;
	factf(ps, CONF_RAW, "nmap.hostname", "%s (%s)", c, type ? type : "unknown");
	hostname_facts(ps, c, user ? CONF_USER_NAME : CONF_PTR);
	if (user)
		ps_note(ps, user_name_add(ps, c));
	free(c);
}

static void on_port(parser *ps)
{
	host_state *h = &ps->h;
	const char *proto = attr(ps, "protocol");
	uint64_t port = 0;

	service_clear(&h->svc);
	h->in_port = true;
	h->port_has_state = h->port_skip = h->have_service = false;
	memset(&h->cur, 0, sizeof(h->cur));
	if (proto == NULL || attr(ps, "portid") == NULL) {
		ps_fail(ps, NC_ERR_INVALID, "<port> without protocol or portid");
		return;
	}
	if (strcmp(proto, "ip") == 0) {
		/* -sO: the "port" is an IP protocol number; nothing to store. */
		h->port_skip = true;
		return;
	}
	if (!attr_uint(ps, "portid", 65535, &port))
		return;
	if (strcmp(proto, "tcp") == 0)
		h->cur.proto = IPPROTO_TCP;
	else if (strcmp(proto, "udp") == 0)
		h->cur.proto = IPPROTO_UDP;
	else if (strcmp(proto, "sctp") == 0)
		h->cur.proto = IPPROTO_SCTP;
	else {
		ps_fail(ps, NC_ERR_INVALID, "<port protocol=\"%.20s\">: unknown protocol", proto);
		return;
	}
	h->cur.port = (uint16_t)port;
}

static void on_port_state(parser *ps)
{
	host_state *h = &ps->h;
	const char *state = attr(ps, "state"), *reason = attr(ps, "reason");
	uint64_t ttl = 0;
	bool known = true;

	if (!h->in_port || h->port_skip)
		return;
	if (state == NULL) {
		ps_fail(ps, NC_ERR_INVALID, "<state> without state");
		return;
	}
	if (!attr_uint(ps, "reason_ttl", 255, &ttl))
		return;
	if (strcmp(state, "open") == 0)
		h->cur.state = PORT_OPEN;
	else if (strcmp(state, "closed") == 0)
		h->cur.state = PORT_CLOSED;
	else if (strcmp(state, "filtered") == 0 || strcmp(state, "open|filtered") == 0 ||
		 strcmp(state, "closed|filtered") == 0)
		/* nmap could not tell: no answer, or an ICMP error */
		h->cur.state = PORT_FILTERED;
	else {
		/* "unfiltered" (an ACK scan): reachable, open or closed unknown */
		h->port_skip = true;
		return;
	}
	h->cur.reason = (uint8_t)(reason ? map_reason(ps, reason, &known) : REASON_NO_RESPONSE);
	h->cur.ttl = (uint8_t)ttl;
	h->port_has_state = true;
	if (!known)
		factf(ps, CONF_RAW, "nmap.port_reason", "%s/%u %s",
		      h->cur.proto == IPPROTO_UDP    ? "udp"
		      : h->cur.proto == IPPROTO_SCTP ? "sctp"
						     : "tcp",
		      h->cur.port, reason);
}

static const char *proto_text(uint8_t proto)
{
	return proto == IPPROTO_UDP ? "udp" : proto == IPPROTO_SCTP ? "sctp" : "tcp";
}

static void on_service(parser *ps)
{
	host_state *h = &ps->h;
	const char *name = attr(ps, "name"), *tunnel = attr(ps, "tunnel");
	const char *method = attr(ps, "method"), *extrainfo = attr(ps, "extrainfo");
	uint64_t conf = 3;
	char nbuf[96];

	if (!h->in_port || h->port_skip || name == NULL || *name == '\0')
		return;
	if (!attr_uint(ps, "conf", 10, &conf))
		return;
	service_clear(&h->svc);
	/* nmap's "ssl/http" is what netcensus calls https */
	if (tunnel != NULL && strcmp(tunnel, "ssl") == 0 && strcmp(name, "http") == 0)
		snprintf(nbuf, sizeof(nbuf), "https");
	else if (tunnel != NULL && strcmp(tunnel, "ssl") == 0)
		snprintf(nbuf, sizeof(nbuf), "ssl/%.80s", name);
	else
		snprintf(nbuf, sizeof(nbuf), "%.80s", name);
	h->svc.name = clean_dup(ps, nbuf, 96);
	h->svc.product = clean_dup(ps, attr(ps, "product"), FACTS_MAX_VALUE);
	h->svc.version = clean_dup(ps, attr(ps, "version"), FACTS_MAX_VALUE);
	if (extrainfo != NULL)
		h->svc.info = clean_dup(ps, extrainfo, FACTS_MAX_VALUE);
	else if (method != NULL && strcmp(method, "table") == 0)
		h->svc.info = clean_dup(ps, "nmap: guessed from the port number", 64);
	h->svc.proto = h->cur.proto;
	h->svc.port = h->cur.port;
	h->svc.source = FACT_SRC_NMAP;
	h->svc_conf = (int)conf * 10;
	h->have_service = true;

	/* What the service says about the host, believed as nmap believes it. */
	if (method == NULL || strcmp(method, "probed") == 0) {
		const char *ostype = attr(ps, "ostype"), *dev = attr(ps, "devicetype");
		const char *hostname = attr(ps, "hostname");

		if (ostype != NULL) {
			add_fact(ps, h->svc_conf, "os.family", map_family(ostype));
			factf(ps, CONF_RAW, "nmap.service_ostype", "%s/%u %s",
			      proto_text(h->cur.proto), h->cur.port, ostype);
		}
		if (dev != NULL) {
			add_fact(ps, h->svc_conf, "device.type", map_device(dev));
			factf(ps, CONF_RAW, "nmap.service_devicetype", "%s/%u %s",
			      proto_text(h->cur.proto), h->cur.port, dev);
		}
		if (hostname != NULL) {
			char *c = clean_dup(ps, hostname, 255);

			if (c != NULL)
				hostname_facts(ps, c, h->svc_conf);
			free(c);
		}
	}
}

static void on_port_end(parser *ps)
{
	host_state *h = &ps->h;

	if (!h->in_port)
		return;
	h->in_port = false;
	if (h->port_skip || !h->port_has_state) {
		ps->run->ports_unrecorded++;
		service_clear(&h->svc);
		return;
	}
	if (nc_grow(&h->ports, &h->ports_cap, h->nports + 1, sizeof(*h->ports), 8) != 0) {
		ps_note(ps, NC_ERR_NOMEM);
		return;
	}
	h->ports[h->nports++] = h->cur;
	if (h->have_service && h->cur.state == PORT_OPEN)
		ps_note(ps, host_facts_add_service(h->facts, &h->svc));
	service_clear(&h->svc);
}

/* Script output is many lines; a fact is one: each line break (with the
 * indentation after it) becomes "; ", then the text is cleaned. */
static char *fold_lines(parser *ps, const char *s)
{
	size_t n = NC_MIN(strlen(s), (size_t)FACTS_MAX_VALUE * 2), used = 0;
	char *tmp = malloc(n * 2 + 1), *c;
	bool sep = false;

	if (tmp == NULL) {
		ps_note(ps, NC_ERR_NOMEM);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n' || s[i] == '\r') {
			while (used > 0 && tmp[used - 1] == ' ')
				used--;
			sep = used > 0;
			while (i + 1 < n && (s[i + 1] == ' ' || s[i + 1] == '\t' ||
					     s[i + 1] == '\n' || s[i + 1] == '\r'))
				i++;
			continue;
		}
		if (sep) {
			tmp[used++] = ';';
			tmp[used++] = ' ';
			sep = false;
		}
		tmp[used++] = s[i] == '\t' ? ' ' : s[i];
	}
	c = facts_clean(tmp, used, FACTS_MAX_VALUE);
	free(tmp);
	if (c == NULL)
		ps_note(ps, NC_ERR_NOMEM);
	return c;
}

static bool secret_script(const char *id)
{
	for (size_t i = 0; i < ARRAY_SIZE(secret_scripts); i++)
		if (strcasestr(id, secret_scripts[i]) != NULL)
			return true;
	return false;
}

/* <script id output> of a port (where is "tcp/22") or of the host. */
static void on_script(parser *ps, bool of_port)
{
	host_state *h = &ps->h;
	const char *id = attr(ps, "id"), *output = attr(ps, "output");
	char key[96], *val;
	size_t n;

	if (id == NULL || output == NULL || (of_port && (!h->in_port || h->port_skip)))
		return;
	n = strlen(id);
	if (n == 0 || n > 64) {
		ps_fail(ps, NC_ERR_INVALID, "<script id> is empty or longer than 64 bytes");
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)id[i]) && id[i] != '-' && id[i] != '_' &&
		    id[i] != '.') {
			ps_fail(ps, NC_ERR_INVALID, "<script id=\"%.64s\">: not a script name", id);
			return;
		}
	if (secret_script(id)) {
		ps->run->scripts_dropped++;
		return;
	}
	if (h->nscripts >= NMAP_MAX_SCRIPTS) {
		ps->run->scripts_dropped++;
		return;
	}
	h->nscripts++;
	snprintf(key, sizeof(key), "nmap.script.%s", id);
	if ((val = fold_lines(ps, output)) == NULL)
		return;
	if (of_port)
		factf(ps, CONF_RAW, key, "%s/%u %s", proto_text(h->cur.proto), h->cur.port,
		      str_trim(val));
	else
		add_fact(ps, CONF_RAW, key, str_trim(val));
	free(val);
}

static void on_extraports(parser *ps)
{
	uint64_t count = 0;

	if (attr_uint(ps, "count", 65536ull * 3, &count))
		ps->run->ports_folded += count;
}

static void on_osmatch(parser *ps)
{
	host_state *h = &ps->h;
	uint64_t acc = 0;

	os_guess_clear(&h->cur_os);
	if (!attr_uint(ps, "accuracy", 100, &acc))
		return;
	h->in_osmatch = true;
	h->cur_os.name = clean_dup(ps, attr(ps, "name"), 256);
	h->cur_os.accuracy = (int)acc;
	h->cur_os.class_accuracy = -1;
}

static void on_osclass(parser *ps)
{
	host_state *h = &ps->h;
	os_guess *g = &h->cur_os;
	uint64_t acc = 0;

	if (!h->in_osmatch || !attr_uint(ps, "accuracy", 100, &acc))
		return;
	if ((int)acc <= g->class_accuracy)
		return;
	free(g->type);
	free(g->vendor);
	free(g->family);
	free(g->gen);
	g->type = clean_dup(ps, attr(ps, "type"), 64);
	g->vendor = clean_dup(ps, attr(ps, "vendor"), 128);
	g->family = clean_dup(ps, attr(ps, "osfamily"), 64);
	g->gen = clean_dup(ps, attr(ps, "osgen"), 64);
	g->class_accuracy = (int)acc;
}

static void on_osmatch_end(parser *ps)
{
	host_state *h = &ps->h;

	if (!h->in_osmatch)
		return;
	h->in_osmatch = false;
	if (h->cur_os.name == NULL)
		return;
	if (h->nosmatch++ < NMAP_MAX_OSMATCH)
		add_fact(ps, h->cur_os.accuracy, "nmap.osmatch", h->cur_os.name);
	if (h->best_os.name == NULL || h->cur_os.accuracy > h->best_os.accuracy) {
		os_guess_clear(&h->best_os);
		h->best_os = h->cur_os;
		memset(&h->cur_os, 0, sizeof(h->cur_os));
	} else {
		os_guess_clear(&h->cur_os);
	}
}

static void on_cpe_text(parser *ps, element parent)
{
	host_state *h = &ps->h;
	const char *text = (const char *)xmlTextReaderConstValue(ps->rd);
	char *c;

	if (text == NULL || (c = clean_dup(ps, text, 512)) == NULL)
		return;
	if (parent == E_SERVICE && h->in_port && !h->port_skip)
		factf(ps, CONF_RAW, "nmap.cpe", "%s/%u %s", proto_text(h->cur.proto), h->cur.port,
		      str_trim(c));
	else if (parent == E_OSCLASS && h->in_osmatch) {
		os_guess *g = &h->cur_os;
		size_t used = strlen(g->cpes);

		snprintf(g->cpes + used, sizeof(g->cpes) - used, "%s%s", used ? " " : "",
			 str_trim(c));
	}
	free(c);
}

static void on_uptime(parser *ps)
{
	uint64_t secs = 0;
	const char *lastboot = attr(ps, "lastboot");

	if (attr(ps, "seconds") == NULL || !attr_uint(ps, "seconds", UINT64_MAX / 2, &secs))
		return;
	factf(ps, CONF_RAW, "nmap.uptime", "%llu", (unsigned long long)secs);
	add_fact(ps, CONF_RAW, "nmap.lastboot", lastboot);
}

static void on_distance(parser *ps)
{
	uint64_t v = 0;

	if (attr(ps, "value") != NULL && attr_uint(ps, "value", 255, &v))
		factf(ps, CONF_RAW, "nmap.distance", "%llu", (unsigned long long)v);
}

static void on_times(parser *ps)
{
	const char *srtt = attr(ps, "srtt");
	uint64_t v;

	/* microseconds, smoothed; "-1" or absent when nmap had none */
	if (srtt != NULL && get_uint(srtt, INT64_MAX / 2, &v) && v > 0)
		ps->h.rtt_us = (int64_t)v;
}

static void on_hop(parser *ps)
{
	host_state *h = &ps->h;
	const char *ip = attr(ps, "ipaddr"), *rtt = attr(ps, "rtt");
	uint64_t ttl = 0;
	uint32_t a;
	int n;

	if (!attr_uint(ps, "ttl", 255, &ttl) || ip == NULL)
		return;
	if (!parse_ipv4(ip, &a)) {
		unsigned char v6[16];

		if (inet_pton(AF_INET6, ip, v6) != 1) {
			ps_fail(ps, NC_ERR_INVALID, "<hop ipaddr=\"%.64s\">: not an address", ip);
			return;
		}
	}
	if (h->nhops++ >= NMAP_MAX_HOPS)
		return;
	if (rtt != NULL) {
		char *end;
		double v = strtod(rtt, &end);

		if (end == rtt || *end != '\0' || !isfinite(v) || v < 0 || v > 1e7)
			rtt = NULL;
	}
	n = snprintf(h->trace + h->trace_len, sizeof(h->trace) - h->trace_len, "%s%llu %s%s%s%s",
		     h->trace_len ? ", " : "", (unsigned long long)ttl, ip, rtt ? " " : "",
		     rtt ? rtt : "", rtt ? "ms" : "");
	if (n > 0 && (size_t)n < sizeof(h->trace) - h->trace_len)
		h->trace_len += (size_t)n;
	else
		h->trace[h->trace_len] = '\0';
}

/* The OS guess of the host as facts: os.name (and os.family, device.type
 * from its class) with nmap's accuracy as the confidence. */
static void os_facts(parser *ps)
{
	os_guess *g = &ps->h.best_os;
	int cacc;

	if (g->name == NULL)
		return;
	add_fact(ps, g->accuracy, "os.name", g->name);
	cacc = g->class_accuracy >= 0 ? g->class_accuracy : g->accuracy;
	add_fact(ps, cacc, "os.family", map_family(g->family));
	add_fact(ps, cacc, "device.type", map_device(g->type));
	add_fact(ps, CONF_RAW, "nmap.os.vendor", g->vendor);
	add_fact(ps, CONF_RAW, "nmap.os.family", g->family);
	add_fact(ps, CONF_RAW, "nmap.os.gen", g->gen);
	add_fact(ps, CONF_RAW, "nmap.os.type", g->type);
	add_fact(ps, g->accuracy, "nmap.os.cpe", g->cpes);
}

/* Merge src (a second <host> with an address already seen) into dst. */
static int facts_merge(host_facts *dst, const host_facts *src)
{
	int r;

	for (size_t i = 0; i < src->nfacts; i++) {
		const fact *f = &src->facts[i];

		r = host_facts_add(dst, (fact_source)f->source, f->confidence, f->key, f->value);
		if (r != 0 && r != NC_ERR_TOOBIG)
			return r;
	}
	for (size_t i = 0; i < src->nservices; i++)
		if ((r = host_facts_add_service(dst, &src->services[i])) != 0 && r != NC_ERR_TOOBIG)
			return r;
	return 0;
}

static void host_end(parser *ps)
{
	host_state *h = &ps->h;
	nmap_run *run = ps->run;
	index_slot *slot;
	const uint8_t *mac;
	int r;

	if (!h->active || ps->rc != 0)
		return;
	h->active = false;
	if (!h->have_status) {
		ps_fail(ps, NC_ERR_INVALID, "<host> without <status>");
		return;
	}
	if (!h->up) {
		run->hosts_down++;
		return;
	}
	if (!h->have_ipv4) {
		run->hosts_ipv6_only++;
		return;
	}
	slot = index_find(run->index, h->ip);
	if (slot == NULL && run->nhosts >= ps->lim.max_hosts) {
		ps_fail(ps, NC_ERR_TOOBIG,
			"more than %zu hosts up: netcensus imports at most that many from one file "
			"(split the scan)",
			ps->lim.max_hosts);
		return;
	}
	if (ps->total_ports + h->nports > ps->lim.max_ports) {
		ps_fail(ps, NC_ERR_TOOBIG,
			"more than %zu ports: netcensus imports at most that many from one file "
			"(split the scan)",
			ps->lim.max_ports);
		return;
	}

	/* the TTL of an IP reply: the status's, else the first port's */
	if (h->ttl == 0)
		for (size_t i = 0; i < h->nports && h->ttl == 0; i++)
			h->ttl = h->ports[i].ttl;
	mac = h->have_mac ? h->mac : NULL;
	r = results_record(run->res, h->ip, h->reason, h->ttl, h->rtt_us, mac,
			   mac == NULL			      ? MAC_SRC_NONE
			   : h->reason == REASON_ARP_RESPONSE ? MAC_SRC_ARP
							      : MAC_SRC_ETHER,
			   mac != NULL);
	for (size_t i = 0; r == 0 && i < h->nports; i++) {
		const pending_port *p = &h->ports[i];

		r = results_record_port(run->res, h->ip, p->port, p->proto, (port_state_t)p->state,
					(reason_t)p->reason, p->ttl);
	}
	if (r != 0) {
		ps_note(ps, NC_ERR_NOMEM);
		return;
	}
	ps->total_ports += h->nports;

	os_facts(ps);
	if (h->trace_len > 0)
		add_fact(ps, CONF_RAW, "nmap.trace", h->trace);
	if (ps->rc != 0)
		return;

	h->facts->ip = h->ip;
	if (slot != NULL) {
		ps_note(ps, facts_merge(run->hosts[slot->index], h->facts));
		return;
	}
	if (nc_grow(&run->hosts, &run->hosts_cap, run->nhosts + 1, sizeof(*run->hosts), 64) != 0 ||
	    index_add(run->index, h->ip, run->nhosts,
		      h->starttime > 0 ? h->starttime : run->started) != 0) {
		ps_note(ps, NC_ERR_NOMEM);
		return;
	}
	run->hosts[run->nhosts++] = h->facts;
	h->facts = NULL; /* the run owns it now */
}

/* ------------------------------------------------------------ the loop */

static void on_element(parser *ps, element e, element parent, int depth)
{
	bool in_host = ps->h.active;

	if (depth == 0) {
		const char *name = (const char *)xmlTextReaderConstName(ps->rd);

		if (e != E_NMAPRUN) {
			ps_fail(ps, NC_ERR_INVALID,
				"not nmap XML: the root element is <%.40s>, not <nmaprun>",
				name ? name : "?");
			return;
		}
		ps->seen_root = true;
		on_nmaprun(ps);
		return;
	}
	if (depth == 1 && e == E_HOST) {
		host_begin(ps);
		return;
	}
	if (parent == E_RUNSTATS && e == E_FINISHED)
		on_finished(ps);
	else if (parent == E_RUNSTATS && e == E_HOSTS)
		on_runstats_hosts(ps);
	if (!in_host)
		return;
	switch (e) {
	case E_STATUS:
		if (parent == E_HOST)
			on_status(ps);
		break;
	case E_ADDRESS:
		if (parent == E_HOST)
			on_address(ps);
		break;
	case E_HOSTNAME:
		if (parent == E_HOSTNAMES)
			on_hostname(ps);
		break;
	case E_EXTRAPORTS:
		if (parent == E_PORTS)
			on_extraports(ps);
		break;
	case E_PORT:
		if (parent == E_PORTS)
			on_port(ps);
		break;
	case E_STATE:
		if (parent == E_PORT)
			on_port_state(ps);
		break;
	case E_SERVICE:
		if (parent == E_PORT)
			on_service(ps);
		break;
	case E_SCRIPT:
		if (parent == E_PORT || parent == E_HOSTSCRIPT)
			on_script(ps, parent == E_PORT);
		break;
	case E_OSMATCH:
		if (parent == E_OS)
			on_osmatch(ps);
		break;
	case E_OSCLASS:
		if (parent == E_OSMATCH)
			on_osclass(ps);
		break;
	case E_UPTIME:
		if (parent == E_HOST)
			on_uptime(ps);
		break;
	case E_DISTANCE:
		if (parent == E_HOST)
			on_distance(ps);
		break;
	case E_TIMES:
		if (parent == E_HOST)
			on_times(ps);
		break;
	case E_HOP:
		if (parent == E_TRACE)
			on_hop(ps);
		break;
	default:
		break;
	}
}

static void on_end(parser *ps, element e, element parent, int depth)
{
	if (depth == 1 && e == E_HOST)
		host_end(ps);
	else if (e == E_PORT && parent == E_PORTS && ps->h.active)
		on_port_end(ps);
	else if (e == E_OSMATCH && parent == E_OS && ps->h.active)
		on_osmatch_end(ps);
}

/* libxml2's structured error handler: keep the first error and its line. */
static void xml_error(void *arg, xmlErrorPtr err)
{
	parser *ps = arg;
	size_t n;

	if (err == NULL || err->level < XML_ERR_ERROR || ps->xml_error)
		return;
	ps->xml_error = true;
	ps->xml_line = err->line;
	snprintf(ps->xml_msg, sizeof(ps->xml_msg), "%s", err->message ? err->message : "error");
	n = strlen(ps->xml_msg);
	while (n > 0 && (ps->xml_msg[n - 1] == '\n' || ps->xml_msg[n - 1] == ' '))
		ps->xml_msg[--n] = '\0';
	for (char *p = ps->xml_msg; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
}

static int read_all(parser *ps)
{
	int ret;

	while ((ret = xmlTextReaderRead(ps->rd)) == 1 && ps->rc == 0) {
		int type = xmlTextReaderNodeType(ps->rd), depth = xmlTextReaderDepth(ps->rd);
		element e, parent;

		if (depth < 0)
			continue;
		parent = depth > 0 && depth - 1 < DEPTH_MAX ? ps->open[depth - 1] : E_OTHER;
		switch (type) {
		case XML_READER_TYPE_ELEMENT:
			if (depth >= DEPTH_MAX)
				break;
			e = element_of((const char *)xmlTextReaderConstName(ps->rd));
			ps->open[depth] = e;
			on_element(ps, e, parent, depth);
			attr_release(ps);
			if (xmlTextReaderIsEmptyElement(ps->rd) == 1)
				on_end(ps, e, parent, depth);
			break;
		case XML_READER_TYPE_END_ELEMENT:
			if (depth < DEPTH_MAX)
				on_end(ps, ps->open[depth], parent, depth);
			break;
		case XML_READER_TYPE_TEXT:
		case XML_READER_TYPE_CDATA:
			if (parent == E_CPE && depth >= 2 && depth - 2 < DEPTH_MAX && ps->h.active)
				on_cpe_text(ps, ps->open[depth - 2]);
			break;
		case XML_READER_TYPE_ENTITY_REFERENCE:
		case XML_READER_TYPE_ENTITY:
			ps_fail(ps, NC_ERR_INVALID, "entity reference: refused (nmap writes none)");
			break;
		case XML_READER_TYPE_DOCUMENT_TYPE: {
			xmlNodePtr n = xmlTextReaderCurrentNode(ps->rd);

			if (n != NULL && n->type == XML_DTD_NODE &&
			    (((xmlDtdPtr)n)->entities != NULL || ((xmlDtdPtr)n)->children != NULL))
				ps_fail(ps, NC_ERR_INVALID,
					"the DOCTYPE declares entities or elements: refused");
			break;
		}
		default:
			break;
		}
		attr_release(ps);
	}
	attr_release(ps);
	if (ps->rc != 0)
		return ps->rc;
	if (ret < 0 || ps->xml_error)
		return nc_fail(NC_ERR_INVALID, "%s:%d: malformed XML: %s", ps->name,
			       ps->xml_error ? ps->xml_line : ps_line(ps),
			       ps->xml_error ? ps->xml_msg : "the XML reader stopped");
	if (!ps->seen_root)
		return nc_fail(NC_ERR_INVALID, "%s: not nmap XML: no <nmaprun> element", ps->name);
	return 0;
}

/* ---------------------------------------------------------- the prolog */

static const unsigned char *find_bytes(const unsigned char *p, const unsigned char *end,
				       const char *what)
{
	size_t n = strlen(what);

	for (; p + n <= end; p++)
		if (memcmp(p, what, n) == 0)
			return p;
	return NULL;
}

/* The encoding="..." of an XML declaration [p, end) must be UTF-8 (or
 * ASCII, its subset): nmap writes nothing else. */
static int check_encoding(const unsigned char *p, const unsigned char *end, const char *name)
{
	const unsigned char *e = find_bytes(p, end, "encoding");
	char enc[32];
	size_t n = 0;
	unsigned char q;

	if (e == NULL)
		return 0;
	e += 8;
	while (e < end && (*e == ' ' || *e == '=' || *e == '\t' || *e == '\r' || *e == '\n'))
		e++;
	if (e >= end || (*e != '"' && *e != '\''))
		return nc_fail(NC_ERR_INVALID, "%s:1: malformed XML declaration", name);
	q = *e++;
	while (e < end && *e != q && n + 1 < sizeof(enc))
		enc[n++] = (char)*e++;
	enc[n] = '\0';
	if (strcasecmp(enc, "UTF-8") != 0 && strcasecmp(enc, "US-ASCII") != 0 &&
	    strcasecmp(enc, "ASCII") != 0)
		return nc_fail(NC_ERR_INVALID, "%s:1: encoding '%s' refused: nmap writes UTF-8",
			       name, enc);
	return 0;
}

/*
 * Check the bytes before the root element: only an XML declaration,
 * processing instructions, comments and a DOCTYPE without internal subset.
 * complete: buf holds the whole file (else it was cut at PROLOG_MAX).
 */
static int prolog_check(const unsigned char *buf, size_t len, bool complete, const char *name)
{
	const unsigned char *p = buf, *end = buf + len, *q;
	const char *cut = complete ? "the file ends before its root element"
				   : "no root element in the first 64 KiB";

	if (memchr(buf, '\0', len) != NULL)
		return nc_fail(NC_ERR_INVALID,
			       "%s: not nmap XML: it holds NUL bytes (binary, or UTF-16)", name);
	if (len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		p += 3;
	for (;;) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
			p++;
		if (p >= end)
			return nc_fail(NC_ERR_INVALID, "%s: not nmap XML: %s", name,
				       len == 0 ? "the file is empty" : cut);
		if (*p != '<')
			return nc_fail(NC_ERR_INVALID, "%s: not XML (it does not start with '<')",
				       name);
		if (end - p >= 2 && p[1] == '?') {
			if ((q = find_bytes(p + 2, end, "?>")) == NULL)
				return nc_fail(NC_ERR_INVALID, "%s: not nmap XML: %s", name, cut);
			if (end - p >= 6 && memcmp(p, "<?xml", 5) == 0 && isspace(p[5]))
				if (check_encoding(p, q, name) != 0)
					return NC_ERR_INVALID;
			p = q + 2;
		} else if (end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
			if ((q = find_bytes(p + 4, end, "-->")) == NULL)
				return nc_fail(NC_ERR_INVALID, "%s: not nmap XML: %s", name, cut);
			p = q + 3;
		} else if (end - p >= 9 && memcmp(p, "<!DOCTYPE", 9) == 0) {
			unsigned char quote = 0;

			for (q = p + 9; q < end; q++) {
				if (quote != 0) {
					if (*q == quote)
						quote = 0;
				} else if (*q == '"' || *q == '\'') {
					quote = *q;
				} else if (*q == '[') {
					return nc_fail(NC_ERR_INVALID,
						       "%s: the DOCTYPE has an internal subset "
						       "(entity declarations): refused; nmap "
						       "writes <!DOCTYPE nmaprun>",
						       name);
				} else if (*q == '>') {
					break;
				}
			}
			if (q >= end)
				return nc_fail(NC_ERR_INVALID, "%s: not nmap XML: %s", name, cut);
			p = q + 1;
		} else if (end - p >= 2 && p[1] == '!') {
			return nc_fail(NC_ERR_INVALID,
				       "%s: not XML: unexpected '<!' before the root", name);
		} else {
			return 0; /* the root element */
		}
	}
}

/* ------------------------------------------------------- input and API */

/* The file as libxml2 reads it: the prolog bytes already read, then the
 * rest of the descriptor. */
typedef struct {
	int fd;
	unsigned char *prefix;
	size_t prefix_len, prefix_off;
	int err; /* errno of a failed read */
} file_input;

static int input_read(void *ctx, char *buf, int len)
{
	file_input *in = ctx;
	ssize_t n;

	if (len <= 0)
		return 0;
	if (in->prefix_off < in->prefix_len) {
		size_t k = NC_MIN((size_t)len, in->prefix_len - in->prefix_off);

		memcpy(buf, in->prefix + in->prefix_off, k);
		in->prefix_off += k;
		return (int)k;
	}
	do
		n = read(in->fd, buf, (size_t)len);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		in->err = errno;
		return -1;
	}
	return (int)n;
}

/* Options: no network, no DTD, no entity substitution (none of
 * XML_PARSE_DTDLOAD, XML_PARSE_NOENT, XML_PARSE_HUGE); errors go to our
 * handler, not stderr. */
#define READER_OPTIONS                                                                             \
	(XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA)

static void range_append(char *buf, size_t len, size_t *used, uint32_t lo, uint32_t hi, bool *full)
{
	char a[16], b[16], item[40];
	int n;

	if (*full)
		return;
	format_ipv4(lo, a, sizeof(a));
	if (lo == hi)
		snprintf(item, sizeof(item), "%s", a);
	else if ((lo >> 8) == (hi >> 8))
		snprintf(item, sizeof(item), "%s-%u", a, hi & 0xff);
	else
		snprintf(item, sizeof(item), "%s-%s", a, format_ipv4(hi, b, sizeof(b)));
	n = snprintf(buf + *used, len - *used, "%s%s", *used ? "," : "", item);
	if (n < 0 || (size_t)n >= len - *used - 4) {
		snprintf(buf + *used, len - *used, ",...");
		*full = true;
		return;
	}
	*used += (size_t)n;
}

/* The addresses of the hosts up, as ranges: "198.18.4.20-24,198.18.5.1". */
static int covered_ranges(nmap_run *run, char **out)
{
	host_result *const *h;
	size_t n = 0, used = 0;
	char *buf = malloc(NMAP_MAX_TARGETS);
	bool full = false;

	if (buf == NULL)
		return NC_ERR_NOMEM;
	buf[0] = '\0';
	h = results_sorted(run->res, &n);
	for (size_t i = 0; h != NULL && i < n;) {
		size_t j = i;

		while (j + 1 < n && h[j + 1]->ip == h[j]->ip + 1)
			j++;
		range_append(buf, NMAP_MAX_TARGETS, &used, h[i]->ip, h[j]->ip, &full);
		i = j + 1;
	}
	*out = buf;
	return 0;
}

static bool takes_arg(const char *opt)
{
	while (*opt == '-')
		opt++;
	for (size_t i = 0; i < ARRAY_SIZE(options_with_arg); i++)
		if (strcmp(opt, options_with_arg[i]) == 0)
			return true;
	return false;
}

/* An nmap target spec that cannot be anything else: IPv4 with ranges,
 * lists, wildcards and a prefix ("10.0.0-3.1-254", "10.0.*.1", "10.0.0.0/24"), or an
 * IPv6 literal. */
static bool address_spec(const char *w)
{
	bool digit = false, colon = strchr(w, ':') != NULL;

	if (!colon && strchr(w, '.') == NULL) /* "22": a port, a count, a password */
		return false;
	for (const char *p = w; *p; p++) {
		if (isdigit((unsigned char)*p))
			digit = true;
		else if (colon ? !isxdigit((unsigned char)*p) && !strchr(":./", *p)
			       : !strchr(".-,*/", *p))
			return false;
	}
	return digit;
}

/* The targets of nmap's command line: the words that are neither options
 * nor their arguments and that are addresses, or names nmap reports as the
 * user's.  Nothing else of the command line is kept (--script-args may
 * carry passwords). */
static int args_targets(parser *ps, char **out)
{
	const char *p;
	char *buf, w[256];
	size_t used = 0;
	bool skip = false, first = true;

	*out = NULL;
	if (ps->args == NULL)
		return 0;
	if ((buf = malloc(NMAP_MAX_TARGETS)) == NULL)
		return NC_ERR_NOMEM;
	buf[0] = '\0';
	for (p = ps->args; *p != '\0';) {
		size_t len = strcspn(p, " \t");
		bool target = false;
		int n;

		if (len == 0) {
			p++;
			continue;
		}
		/* a word too long to be a target is no target (nor an option) */
		snprintf(w, sizeof(w), "%.*s", (int)NC_MIN(len, sizeof(w) - 1), p);
		p += len;
		if (first) { /* the program's name */
			first = false;
			continue;
		}
		if (skip) {
			skip = false;
			continue;
		}
		if (len >= sizeof(w))
			continue;
		if (w[0] == '-') {
			skip = strchr(w, '=') == NULL && w[1] != '\0' && takes_arg(w);
			continue;
		}
		if (address_spec(w))
			target = true;
		for (size_t i = 0; !target && i < ps->nuser_names; i++)
			target = strcasecmp(w, ps->user_names[i]) == 0;
		if (!target)
			continue;
		n = snprintf(buf + used, NMAP_MAX_TARGETS - used, "%s%s", used ? "," : "", w);
		if (n < 0 || (size_t)n >= NMAP_MAX_TARGETS - used - 4) {
			snprintf(buf + used, NMAP_MAX_TARGETS - used, ",...");
			break;
		}
		used += (size_t)n;
	}
	if (used == 0) {
		free(buf);
		return 0;
	}
	*out = buf;
	return 0;
}

/* After the last element: the targets, the count of ports, and nmap's
 * time of each host as the time it was seen. */
static int finish_run(parser *ps)
{
	nmap_run *run = ps->run;
	host_result *const *h;
	size_t n = 0;

	if (args_targets(ps, &run->targets) != 0 ||
	    (run->targets == NULL && covered_ranges(run, &run->targets) != 0))
		return nc_fail(NC_ERR_NOMEM, "out of memory reading %s", ps->name);
	h = results_sorted(run->res, &n);
	if (h == NULL && n > 0)
		return NC_ERR_NOMEM;
	run->ports = 0;
	for (size_t i = 0; i < n; i++) {
		index_slot *s = index_find(run->index, h[i]->ip);

		run->ports += h[i]->nports;
		if (s != NULL && s->first_seen > 0)
			h[i]->first_seen = s->first_seen;
	}
	if (run->target_count == 0)
		run->target_count = run->nhosts;
	return 0;
}

void nmap_run_free(nmap_run *run)
{
	if (run == NULL)
		return;
	for (size_t i = 0; i < run->nhosts; i++) {
		host_facts_clear(run->hosts[i]);
		free(run->hosts[i]);
	}
	free(run->hosts);
	results_free(run->res);
	if (run->index != NULL)
		free(run->index->slots);
	free(run->index);
	free(run->version);
	free(run->targets);
	free(run->errormsg);
	free(run);
}

static void parser_clear(parser *ps)
{
	attr_release(ps);
	host_state_clear(&ps->h);
	for (size_t i = 0; i < ps->nuser_names; i++)
		free(ps->user_names[i]);
	free(ps->user_names);
	free(ps->args);
	if (ps->rd != NULL)
		xmlFreeTextReader(ps->rd);
}

/* Parse what rd reads into *out; rd is freed here. */
static int parse_with(const char *name, const nmap_limits *limits, xmlTextReaderPtr rd,
		      nmap_run **out)
{
	parser ps;
	int r;

	memset(&ps, 0, sizeof(ps));
	ps.name = name;
	ps.rd = rd;
	ps.lim.max_hosts = limits && limits->max_hosts ? limits->max_hosts : NMAP_MAX_HOSTS;
	ps.lim.max_ports = limits && limits->max_ports ? limits->max_ports : NMAP_MAX_PORTS;
	if (rd == NULL) {
		r = nc_fail(NC_ERR_NOMEM, "%s: cannot start the XML reader", name);
		goto out;
	}
	xmlTextReaderSetStructuredErrorHandler(rd, xml_error, &ps);
	if ((ps.run = calloc(1, sizeof(*ps.run))) == NULL ||
	    (ps.run->res = results_new()) == NULL ||
	    (ps.run->index = calloc(1, sizeof(*ps.run->index))) == NULL) {
		r = nc_fail(NC_ERR_NOMEM, "out of memory reading %s", name);
		goto out;
	}
	if ((r = read_all(&ps)) != 0 || (r = finish_run(&ps)) != 0)
		goto out;
	*out = ps.run;
	ps.run = NULL;
	r = 0;
out:
	parser_clear(&ps);
	nmap_run_free(ps.run);
	return r;
}

int nmap_import_parse_memory(const void *buf, size_t len, const char *name,
			     const nmap_limits *limits, nmap_run **out)
{
	int r;

	*out = NULL;
	if (len > INT_MAX)
		return nc_fail(NC_ERR_TOOBIG, "%s: too large to read from memory", name);
	if ((r = prolog_check(buf, NC_MIN(len, (size_t)PROLOG_MAX), len <= PROLOG_MAX, name)) != 0)
		return r;
	return parse_with(name, limits,
			  xmlReaderForMemory(buf, (int)len, NULL, NULL, READER_OPTIONS), out);
}

int nmap_import_parse(const char *path, const nmap_limits *limits, nmap_run **out)
{
	bool is_stdin = strcmp(path, "-") == 0;
	const char *name = is_stdin ? "(standard input)" : path;
	file_input in = {.fd = -1};
	bool eof = false;
	int r;

	*out = NULL;
	in.fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (in.fd < 0)
		return nc_fail(NC_ERR_IO, "%s: cannot open: %s", name, strerror(errno));
	if ((in.prefix = malloc(PROLOG_MAX)) == NULL) {
		r = nc_fail(NC_ERR_NOMEM, "out of memory reading %s", name);
		goto out;
	}
	while (in.prefix_len < PROLOG_MAX && !eof) {
		ssize_t n = read(in.fd, in.prefix + in.prefix_len, PROLOG_MAX - in.prefix_len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = nc_fail(NC_ERR_IO, "%s: cannot read: %s", name, strerror(errno));
			goto out;
		}
		eof = n == 0;
		in.prefix_len += (size_t)n;
	}
	if ((r = prolog_check(in.prefix, in.prefix_len, eof, name)) != 0)
		goto out;
	r = parse_with(name, limits,
		       xmlReaderForIO(input_read, NULL, &in, NULL, NULL, READER_OPTIONS), out);
	if (r != 0 && in.err != 0)
		r = nc_fail(NC_ERR_IO, "%s: cannot read: %s", name, strerror(in.err));
out:
	free(in.prefix);
	if (!is_stdin && in.fd >= 0)
		close(in.fd);
	return r;
}

/* ------------------------------------------------------------ writing */

/* nmap's times on the scan row, and its note.  Constant SQL, values bound. */
static int set_scan_row(inventory_t *inv, int64_t scan_id, const char *sql, double t,
			const char *note)
{
	sqlite3_stmt *q = NULL;
	int r = 0;

	if (sqlite3_prepare_v2(inventory_sqlite(inv), sql, -1, &q, NULL) != SQLITE_OK)
		return inventory_fail(inv, "preparing to date the imported scan");
	if (t > 0)
		sqlite3_bind_double(q, 1, t);
	else
		sqlite3_bind_null(q, 1);
	if (note != NULL)
		sqlite3_bind_text(q, 2, note, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, 2);
	sqlite3_bind_int64(q, 3, scan_id);
	if (sqlite3_step(q) != SQLITE_DONE)
		r = inventory_fail(inv, "dating the imported scan");
	sqlite3_finalize(q);
	return r;
}

int nmap_import_write(inventory_t *inv, nmap_run *run, const char *file, double lock_wait,
		      int64_t *scan_id_out)
{
	static const char start_sql[] =
	    "UPDATE scans SET started_at = COALESCE(?1, started_at), note = ?2"
	    " WHERE id = ?3 AND status = 'running'";
	static const char finish_sql[] =
	    "UPDATE scans SET finished_at = COALESCE(?1, finished_at), note = COALESCE(?2, note)"
	    " WHERE id = ?3";
	char *targets = NULL, *command = NULL, note[768];
	size_t tlen, clen;
	int r, fr;

	*scan_id_out = 0;
	tlen = strlen(run->targets) + 32;
	clen = strlen(file) + 32;
	if ((targets = malloc(tlen)) == NULL || (command = malloc(clen)) == NULL) {
		free(targets);
		return nc_fail(NC_ERR_NOMEM, "out of memory importing %s", file);
	}
	snprintf(targets, tlen, "nmap import: %s", run->targets);
	snprintf(command, clen, "import nmap %s", file);
	snprintf(note, sizeof(note), "imported from nmap %s%s%s",
		 run->version ? run->version : "(unknown version)",
		 run->run_failed ? "; nmap ended in error: " : "",
		 run->run_failed ? (run->errormsg ? run->errormsg : "unknown") : "");
	{
		scan_meta meta = {
		    .targets = targets,
		    .command = command,
		    .target_count = run->target_count,
		    .lock_wait = lock_wait,
		};

		if ((r = inventory_begin_scan(inv, &meta, scan_id_out)) != 0)
			goto out;
	}
	if ((r = set_scan_row(inv, *scan_id_out, start_sql, run->started, note)) == 0 &&
	    (r = inventory_record_results(inv, *scan_id_out, run->res)) == 0 && run->nhosts > 0)
		r = inventory_record_facts(inv, *scan_id_out, run->hosts, run->nhosts);
	fr = inventory_finish_scan(inv, *scan_id_out,
				   r != 0	     ? "failed"
				   : run->run_failed ? "interrupted"
						     : "complete",
				   NULL);
	if (r == 0)
		r = fr;
	if (r == 0)
		r = set_scan_row(inv, *scan_id_out, finish_sql, run->finished, NULL);
out:
	free(targets);
	free(command);
	return r;
}
