#include "config.h"

/*
 * mkinv.c — build an inventory database from a text description, through
 * the real writer, for tests and benchmarks.
 *
 *   mkinv --db FILE SPEC...        SPEC: a file, or "-" for stdin
 *   mkinv --db FILE --synth HOSTS ...   a synthetic fleet (mkinv_synth.c)
 *
 * Every SPEC is read and checked completely before anything is written, so
 * a bad line leaves the database exactly as it was: the message is
 * "FILE:LINE: what is wrong" and the exit status 2.  The scans are then
 * appended in the order given.  A failure of the database itself (exit
 * status 1) finishes the scan being written as "failed"; the scans before
 * it stay.
 *
 * ---- the format -------------------------------------------------------
 *
 * One record per line. Blank lines and lines whose first word starts with
 * '#' are ignored. A line is words separated by blanks: first the kind,
 * then positional words and key=value fields, in any order. A value holding
 * blanks or '"', and a positional word holding '=', is written in double
 * quotes (a value may hold '=' unquoted: extra=type=fixed), where
 * \" \\ \n \r \t and \xHH (not \x00) stand for those characters; e.g.
 * banner="SSH-2.0-OpenSSH_9.2p1 Debian-2" or "a \"quoted\" word".
 * An unknown kind or field, a field given twice, a missing or extra
 * positional word and a value out of range are all errors.
 *
 *   scan [targets=TEXT] [command=TEXT] [target_count=N] [status=STATUS]
 *        [started=TIME] [finished=TIME] [packets_sent=N] [replies=N]
 *        [unprivileged=yes|no]
 *	Starts a scan; the lines up to the next "scan" line or the end of the
 *	file belong to it. STATUS: complete (default), interrupted, failed or
 *	running (left running like a scan whose process died; the next scan
 *	written to the database closes it as interrupted). interrupted is
 *	finished the way a signal finishes a scan (note "interrupted by
 *	signal"). target_count defaults to the number of hosts. TIME is UTC
 *	in ISO 8601, "2026-01-05T10:00:07Z" (fraction of seconds allowed);
 *	without started/finished the writer's clock stamps stay.
 *	packets_sent, replies and unprivileged go to the scan's statistics
 *	(unknown when none of them is given).
 *
 *   host ADDRESS [mac=MAC] [mac_source=SRC] [reasons=R1,R2...] [ttl=N]
 *        [rtt_us=N] [on_link=yes|no] [seen=TIME]
 *	A live host of the scan (dotted quad, once per scan). The lines below
 *	it, up to the next "host" or "scan", describe it. reasons are reason
 *	names (arp-response, echo-reply, syn-ack, reset, udp-response, ...);
 *	the first is how the address was learned; default user-set. SRC is
 *	arp-response (default), ether-source or neighbour-table. on_link
 *	defaults to yes when a MAC is given. seen (first reply) defaults to
 *	the scan's started time when it has one.
 *
 *   port PROTO PORT STATE [REASON] [ttl=N]
 *	PROTO tcp, udp or sctp; STATE open, closed or filtered; REASON a
 *	reason name, default syn-ack/reset (tcp, sctp) or udp-response/
 *	port-unreach (udp) for open/closed and no-response for filtered.
 *
 *   service PROTO PORT [name=] [product=] [version=] [info=] [banner=]
 *           [source=SOURCE]
 *   fact KEY VALUE [source=SOURCE] [confidence=0-100]
 *   software NAME [version=] [vendor=] [install_date=] [source=SOURCE]
 *   hardware KIND [name=] [vendor=] [model=] [serial=] [firmware=]
 *            [extra=] [size_bytes=N] [used_bytes=N] [source=SOURCE]
 *	What fingerprinting learned about the host, one record each, through
 *	host_facts_add*(). SOURCE is a fact source name (discovery,
 *	mac-vendor, banner, netbios, smb, snmp, ssh); the default is banner
 *	for services and ssh otherwise; confidence defaults to 100. The
 *	writer computes the host's verdict from its facts. A field left out
 *	is unknown (NULL); field= gives an empty string.
 *
 * Example:
 *   scan targets=198.18.1.0/24 started=2026-01-05T10:00:00Z finished=2026-01-05T10:00:07Z
 *   host 198.18.1.10 mac=02:00:c6:12:01:0a reasons=arp-response,syn-ack ttl=64 rtt_us=120
 *   port tcp 22 open
 *   service tcp 22 name=ssh product=OpenSSH version=9.2p1 banner="SSH-2.0-OpenSSH_9.2p1"
 *   fact os.name "Debian GNU/Linux" source=ssh confidence=100
 *   software openssh-server version=1:9.2p1-2 vendor=Debian install_date=2026-01-01
 *   hardware storage name=/ size_bytes=21474836480 used_bytes=8589934592 extra=type=fixed
 */

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mkinv.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/grow.h"
#include "util/parse.h"

#define LINE_MAX_BYTES (64 * 1024)
#define MAX_WORDS 32

/* One word of a line: key=value (key set) or a positional word. */
typedef struct {
	const char *key;
	const char *val;
} word;

/* A host of a parsed scan. */
typedef struct {
	host_facts *facts;
	double seen; /* 0: the writer's clock */
	unsigned line;
} spec_host;

/* A parsed scan, waiting to be written. */
typedef struct {
	const char *file;
	unsigned line;
	char *targets, *command, *status;
	uint64_t target_count;
	bool have_target_count, have_stats;
	double started, finished;
	scan_stats stats;
	results_t *res;
	spec_host *hosts;
	size_t nhosts, hosts_cap;
	host_facts **batch; /* the facts of hosts, for the writer */
} spec_scan;

typedef struct {
	spec_scan *scans;
	size_t n, cap;
} spec_list;

/* ---- words ---------------------------------------------------------------- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode the quoted string at *pp (just past the opening quote) in place
 * into *out; *pp ends after the closing quote. */
static int unquote(char **pp, char **out)
{
	char *p = *pp, *o = *pp;

	*out = o;
	for (;;) {
		char c = *p++;

		if (c == '\0')
			return nc_fail(NC_ERR_INVALID, "unterminated quoted string");
		if (c == '"')
			break;
		if (c != '\\') {
			*o++ = c;
			continue;
		}
		c = *p++;
		switch (c) {
		case '"':
		case '\\':
			*o++ = c;
			break;
		case 'n':
			*o++ = '\n';
			break;
		case 'r':
			*o++ = '\r';
			break;
		case 't':
			*o++ = '\t';
			break;
		case 'x': {
			int hi = hexval(p[0]), lo = hi < 0 ? -1 : hexval(p[1]);

			if (hi < 0 || lo < 0 || (hi | lo) == 0)
				return nc_fail(NC_ERR_INVALID,
					       "bad escape '\\x': two hex digits, not 00");
			*o++ = (char)(hi << 4 | lo);
			p += 2;
			break;
		}
		default:
			return nc_fail(NC_ERR_INVALID, "bad escape '\\%c'", c ? c : '0');
		}
	}
	if (*p != '\0' && *p != ' ' && *p != '\t')
		return nc_fail(NC_ERR_INVALID, "a quoted string must be followed by a blank");
	*pp = p;
	*o = '\0'; /* o <= p - 1: the closing quote's place at the latest */
	return 0;
}

/* Split line (modified in place) into words. */
static int split_words(char *line, word *w, size_t *n_out)
{
	char *p = line;
	size_t n = 0;
	int r;

	*n_out = 0;
	for (;;) {
		char *key = NULL, *val;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		if (n == 0 && *p == '#')
			return 0; /* a comment line */
		if (n == MAX_WORDS)
			return nc_fail(NC_ERR_INVALID, "more than %d words", MAX_WORDS);
		if (*p == '"') {
			p++;
			if ((r = unquote(&p, &val)) != 0)
				return r;
		} else {
			size_t len = strcspn(p, " \t=\"");

			if (p[len] == '"')
				return nc_fail(NC_ERR_INVALID, "a quote inside the word '%.*s'",
					       (int)len + 1, p);
			if (p[len] == '=') {
				key = p;
				p[len] = '\0';
				if (len == 0)
					return nc_fail(NC_ERR_INVALID, "'=' without a field name");
				p += len + 1;
			}
			if (key != NULL && *p == '"') {
				p++;
				if ((r = unquote(&p, &val)) != 0)
					return r;
			} else {
				len = strcspn(p, " \t\"");
				if (p[len] == '"')
					return nc_fail(NC_ERR_INVALID,
						       "a quote inside the value of '%s'", key);
				val = p;
				p += len;
			}
		}
		if (*p != '\0')
			*p++ = '\0';
		/* The terminator of a quoted value may be the blank after it:
		 * unquote() wrote its own. */
		w[n].key = key;
		w[n].val = val;
		n++;
	}
	*n_out = n;
	return 0;
}

/*
 * Sort the words after the kind: positional ones into pos[0..npos) (between
 * min and max of them), fields into vals[i] for names[i] (NULL when absent).
 */
static int take_words(const word *w, size_t n, size_t min, size_t max, const char **pos,
		      const char *const *names, size_t nnames, const char **vals)
{
	size_t npos = 0;

	for (size_t i = 0; i < nnames; i++)
		vals[i] = NULL;
	for (size_t i = 1; i < n; i++) {
		size_t k;

		if (w[i].key == NULL) {
			if (npos == max)
				return nc_fail(NC_ERR_INVALID, "unexpected word '%s' after %s",
					       w[i].val, w[0].val);
			pos[npos++] = w[i].val;
			continue;
		}
		for (k = 0; k < nnames; k++)
			if (strcmp(w[i].key, names[k]) == 0)
				break;
		if (k == nnames) {
			char list[512];
			size_t off = 0;

			list[0] = '\0';
			for (size_t j = 0; j < nnames && off < sizeof(list); j++)
				off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s",
							j ? ", " : "", names[j]);
			return nc_fail(NC_ERR_INVALID, "unknown field '%s' for %s (known: %s)",
				       w[i].key, w[0].val, nnames ? list : "none");
		}
		if (vals[k] != NULL)
			return nc_fail(NC_ERR_INVALID, "field '%s' given twice", names[k]);
		vals[k] = w[i].val;
	}
	if (npos < min)
		return nc_fail(NC_ERR_INVALID, "%s needs %zu word%s after it, got %zu", w[0].val,
			       min, min == 1 ? "" : "s", npos);
	return 0;
}

/* ---- values --------------------------------------------------------------- */

static int parse_num(const char *s, uint64_t min, uint64_t max, uint64_t *out, const char *what)
{
	return parse_u64(s, min, max, out, what);
}

static int parse_bool(const char *s, bool *out, const char *what)
{
	if (strcmp(s, "yes") == 0 || strcmp(s, "no") == 0) {
		*out = s[0] == 'y';
		return 0;
	}
	return nc_fail(NC_ERR_INVALID, "%s must be yes or no, not '%s'", what, s);
}

/* "2026-01-05T10:00:07Z" or "2026-01-05T10:00:07.25Z", UTC. */
static int parse_time(const char *s, double *out, const char *what)
{
	struct tm tm;
	const char *p;
	double frac = 0, scale = 0.1;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (p != NULL && *p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			p = NULL;
		while (p != NULL && *p >= '0' && *p <= '9') {
			frac += (*p++ - '0') * scale;
			scale /= 10;
		}
	}
	if (p == NULL || strcmp(p, "Z") != 0 || strlen(s) < 20 || (t = timegm(&tm)) <= 0)
		return nc_fail(NC_ERR_INVALID,
			       "%s must be a UTC time like 2026-01-05T10:00:07Z, not '%s'", what,
			       s);
	*out = (double)t + frac;
	return 0;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	static const char hex[] = "0123456789abcdefABCDEF";

	if (strlen(s) != 17)
		goto bad;
	for (int i = 0; i < 17; i++)
		if (i % 3 == 2 ? s[i] != ':' && s[i] != '-' : strchr(hex, s[i]) == NULL)
			goto bad;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)(hexval(s[3 * i]) << 4 | hexval(s[3 * i + 1]));
	return 0;
bad:
	return nc_fail(NC_ERR_INVALID, "bad MAC address '%s' (aa:bb:cc:dd:ee:ff)", s);
}

static int parse_reason(const char *s, reason_t *out)
{
	int v = reason_from_name(s);

	if (v < 0)
		return nc_fail(NC_ERR_INVALID, "unknown reason '%s'", s);
	*out = (reason_t)v;
	return 0;
}

static int parse_source(const char *s, fact_source dflt, uint8_t *out)
{
	int v = s ? fact_source_from_name(s) : (int)dflt;

	if (v < 0)
		return nc_fail(NC_ERR_INVALID, "unknown fact source '%s'", s);
	*out = (uint8_t)v;
	return 0;
}

static int parse_proto(const char *s, uint8_t *out)
{
	if (strcmp(s, "tcp") == 0)
		*out = IPPROTO_TCP;
	else if (strcmp(s, "udp") == 0)
		*out = IPPROTO_UDP;
	else if (strcmp(s, "sctp") == 0)
		*out = IPPROTO_SCTP;
	else
		return nc_fail(NC_ERR_INVALID, "protocol must be tcp, udp or sctp, not '%s'", s);
	return 0;
}

/* An optional unsigned field: *out untouched when absent. */
static int opt_num(const char *s, uint64_t min, uint64_t max, uint64_t *out, const char *what)
{
	return s == NULL ? 0 : parse_num(s, min, max, out, what);
}

/* ---- lines ---------------------------------------------------------------- */

static spec_host *current_host(spec_scan *sc, const char *kind)
{
	if (sc == NULL || sc->nhosts == 0) {
		nc_fail(NC_ERR_INVALID, "'%s' before any host line", kind);
		return NULL;
	}
	return &sc->hosts[sc->nhosts - 1];
}

static int line_scan(spec_list *l, const word *w, size_t n, const char *file, unsigned line)
{
	static const char *const names[] = {"targets",	    "command", "target_count",
					    "status",	    "started", "finished",
					    "packets_sent", "replies", "unprivileged"};
	static const char *const statuses[] = {"complete", "interrupted", "failed", "running"};
	const char *v[ARRAY_SIZE(names)];
	spec_scan *sc;
	uint64_t num;
	int r;
	size_t i;

	if ((r = take_words(w, n, 0, 0, NULL, names, ARRAY_SIZE(names), v)) != 0)
		return r;
	if ((r = nc_grow(&l->scans, &l->cap, l->n + 1, sizeof(*l->scans), 4)) != 0)
		return nc_fail(r, "out of memory");
	sc = &l->scans[l->n++];
	memset(sc, 0, sizeof(*sc));
	sc->file = file;
	sc->line = line;
	if ((sc->res = results_new()) == NULL)
		return nc_fail(NC_ERR_NOMEM, "out of memory");
	for (i = 0; v[3] != NULL && i < ARRAY_SIZE(statuses); i++)
		if (strcmp(v[3], statuses[i]) == 0)
			break;
	if (i == ARRAY_SIZE(statuses))
		return nc_fail(NC_ERR_INVALID,
			       "status must be complete, interrupted, failed or running, not '%s'",
			       v[3]);
	if ((sc->status = strdup(v[3] ? v[3] : "complete")) == NULL ||
	    (v[0] && (sc->targets = strdup(v[0])) == NULL) ||
	    (v[1] && (sc->command = strdup(v[1])) == NULL))
		return nc_fail(NC_ERR_NOMEM, "out of memory");
	if (v[2] != NULL) {
		if ((r = parse_num(v[2], 0, UINT32_MAX + 1ull, &sc->target_count,
				   "target_count")) != 0)
			return r;
		sc->have_target_count = true;
	}
	if ((v[4] && (r = parse_time(v[4], &sc->started, "started")) != 0) ||
	    (v[5] && (r = parse_time(v[5], &sc->finished, "finished")) != 0))
		return r;
	if (sc->started > 0 && sc->finished > 0 && sc->finished < sc->started)
		return nc_fail(NC_ERR_INVALID, "finished is before started");
	sc->stats.interrupted = strcmp(sc->status, "interrupted") == 0;
	sc->have_stats = sc->stats.interrupted || v[6] || v[7] || v[8];
	num = 0;
	if ((r = opt_num(v[6], 0, INT64_MAX, &num, "packets_sent")) != 0)
		return r;
	sc->stats.packets_sent = num;
	num = 0;
	if ((r = opt_num(v[7], 0, INT64_MAX, &num, "replies")) != 0)
		return r;
	sc->stats.replies_valid = num;
	if (v[8] && (r = parse_bool(v[8], &sc->stats.unprivileged, "unprivileged")) != 0)
		return r;
	return 0;
}

static int line_host(spec_scan *sc, const word *w, size_t n, unsigned line)
{
	static const char *const names[] = {"mac",    "mac_source", "reasons", "ttl",
					    "rtt_us", "on_link",    "seen"};
	const char *v[ARRAY_SIZE(names)], *pos[1];
	uint8_t mac[6];
	uint64_t ttl = 0, rtt = 0;
	mac_source_t msrc = MAC_SRC_ARP;
	bool on_link;
	uint32_t ip;
	spec_host *h;
	const char *list;
	int r;

	if (sc == NULL)
		return nc_fail(NC_ERR_INVALID, "'host' before any scan line");
	if ((r = take_words(w, n, 1, 1, pos, names, ARRAY_SIZE(names), v)) != 0)
		return r;
	if (!parse_ipv4(pos[0], &ip))
		return nc_fail(NC_ERR_INVALID, "bad IPv4 address '%s'", pos[0]);
	if (v[0] && (r = parse_mac(v[0], mac)) != 0)
		return r;
	if (v[1] != NULL) {
		int s;

		for (s = MAC_SRC_ARP; s <= MAC_SRC_NEIGHBOUR; s++)
			if (strcmp(v[1], mac_source_name((mac_source_t)s)) == 0)
				break;
		if (s > MAC_SRC_NEIGHBOUR)
			return nc_fail(NC_ERR_INVALID,
				       "mac_source must be arp-response, ether-source or "
				       "neighbour-table, not '%s'",
				       v[1]);
		if (v[0] == NULL)
			return nc_fail(NC_ERR_INVALID, "mac_source without mac");
		msrc = (mac_source_t)s;
	}
	if ((r = opt_num(v[3], 1, 255, &ttl, "ttl")) != 0 ||
	    (r = opt_num(v[4], 0, INT64_MAX, &rtt, "rtt_us")) != 0)
		return r;
	on_link = v[0] != NULL;
	if (v[5] && (r = parse_bool(v[5], &on_link, "on_link")) != 0)
		return r;

	if ((r = nc_grow(&sc->hosts, &sc->hosts_cap, sc->nhosts + 1, sizeof(*sc->hosts), 16)) != 0)
		return nc_fail(r, "out of memory");
	h = &sc->hosts[sc->nhosts];
	memset(h, 0, sizeof(*h));
	h->line = line;
	h->seen = sc->started;
	if (v[6] && (r = parse_time(v[6], &h->seen, "seen")) != 0)
		return r;
	if ((h->facts = malloc(sizeof(*h->facts))) == NULL)
		return nc_fail(NC_ERR_NOMEM, "out of memory");
	host_facts_init(h->facts, ip);
	sc->nhosts++;

	/* One reply per reason, the first being how the address was learned. */
	for (list = v[2] ? v[2] : "user-set"; *list != '\0';) {
		size_t len = strcspn(list, ",");
		char name[32];
		reason_t reason = REASON_USER_SET;

		snprintf(name, sizeof(name), "%.*s", (int)NC_MIN(len, sizeof(name) - 1), list);
		if (len == 0 || len >= sizeof(name))
			return nc_fail(NC_ERR_INVALID, "bad reason list '%s'", v[2]);
		if ((r = parse_reason(name, &reason)) != 0 ||
		    (r = results_record(sc->res, ip, reason, (uint8_t)ttl, v[4] ? (int64_t)rtt : -1,
					v[0] ? mac : NULL, v[0] ? msrc : MAC_SRC_NONE, on_link)) !=
			0)
			return r;
		list += len + (list[len] == ',');
	}
	if (!results_has(sc->res, ip))
		return nc_fail(NC_ERR_INVALID, "reasons is empty");
	return 0;
}

static int line_port(spec_scan *sc, const word *w, size_t n)
{
	static const char *const names[] = {"ttl"};
	static const char *const states[] = {
	    [PORT_OPEN] = "open", [PORT_CLOSED] = "closed", [PORT_FILTERED] = "filtered"};
	const char *v[ARRAY_SIZE(names)], *pos[4] = {0};
	spec_host *h = current_host(sc, "port");
	uint64_t port, ttl = 0;
	uint8_t proto;
	port_state_t state;
	reason_t reason = REASON_USER_SET;
	int r;

	if (h == NULL)
		return NC_ERR_INVALID;
	if ((r = take_words(w, n, 3, 4, pos, names, ARRAY_SIZE(names), v)) != 0 ||
	    (r = parse_proto(pos[0], &proto)) != 0 ||
	    (r = parse_num(pos[1], 0, 65535, &port, "port")) != 0 ||
	    (r = opt_num(v[0], 1, 255, &ttl, "ttl")) != 0)
		return r;
	for (state = PORT_OPEN; state <= PORT_FILTERED; state++)
		if (strcmp(pos[2], states[state]) == 0)
			break;
	if (state > PORT_FILTERED)
		return nc_fail(NC_ERR_INVALID,
			       "port state must be open, closed or filtered, not '%s'", pos[2]);
	if (pos[3] != NULL) {
		if ((r = parse_reason(pos[3], &reason)) != 0)
			return r;
	} else if (state == PORT_FILTERED) {
		reason = REASON_NO_RESPONSE;
	} else if (proto == IPPROTO_UDP) {
		reason = state == PORT_OPEN ? REASON_UDP_RESPONSE : REASON_PORT_UNREACH;
	} else {
		reason = state == PORT_OPEN ? REASON_SYN_ACK : REASON_RESET;
	}
	return results_record_port(sc->res, h->facts->ip, (uint16_t)port, proto, state, reason,
				   (uint8_t)ttl);
}

static int line_service(spec_scan *sc, const word *w, size_t n)
{
	static const char *const names[] = {"name", "product", "version",
					    "info", "banner",  "source"};
	const char *v[ARRAY_SIZE(names)], *pos[2];
	spec_host *h = current_host(sc, "service");
	service_fact s = {0};
	uint64_t port;
	int r;

	if (h == NULL)
		return NC_ERR_INVALID;
	if ((r = take_words(w, n, 2, 2, pos, names, ARRAY_SIZE(names), v)) != 0 ||
	    (r = parse_proto(pos[0], &s.proto)) != 0 ||
	    (r = parse_num(pos[1], 0, 65535, &port, "port")) != 0 ||
	    (r = parse_source(v[5], FACT_SRC_BANNER, &s.source)) != 0)
		return r;
	s.port = (uint16_t)port;
	s.name = (char *)v[0];
	s.product = (char *)v[1];
	s.version = (char *)v[2];
	s.info = (char *)v[3];
	s.banner = (char *)v[4];
	if ((r = host_facts_add_service(h->facts, &s)) != 0)
		return nc_fail(r, "the writer refused the service: %s", nc_strerror(r));
	return 0;
}

static int line_fact(spec_scan *sc, const word *w, size_t n)
{
	static const char *const names[] = {"source", "confidence"};
	const char *v[ARRAY_SIZE(names)], *pos[2];
	spec_host *h = current_host(sc, "fact");
	uint64_t confidence = 100;
	uint8_t source = FACT_SRC_SSH;
	int r;

	if (h == NULL)
		return NC_ERR_INVALID;
	if ((r = take_words(w, n, 2, 2, pos, names, ARRAY_SIZE(names), v)) != 0 ||
	    (r = parse_source(v[0], FACT_SRC_SSH, &source)) != 0 ||
	    (r = opt_num(v[1], 0, 100, &confidence, "confidence")) != 0)
		return r;
	if (pos[0][0] == '\0')
		return nc_fail(NC_ERR_INVALID, "empty fact key");
	if ((r = host_facts_add(h->facts, (fact_source)source, (int)confidence, pos[0], pos[1])) !=
	    0)
		return nc_fail(r, "the writer refused the fact: %s", nc_strerror(r));
	return 0;
}

static int line_software(spec_scan *sc, const word *w, size_t n)
{
	static const char *const names[] = {"version", "vendor", "install_date", "source"};
	const char *v[ARRAY_SIZE(names)], *pos[1];
	spec_host *h = current_host(sc, "software");
	software_fact s = {0};
	int r;

	if (h == NULL)
		return NC_ERR_INVALID;
	if ((r = take_words(w, n, 1, 1, pos, names, ARRAY_SIZE(names), v)) != 0 ||
	    (r = parse_source(v[3], FACT_SRC_SSH, &s.source)) != 0)
		return r;
	s.name = (char *)pos[0];
	s.version = (char *)v[0];
	s.vendor = (char *)v[1];
	s.install_date = (char *)v[2];
	if ((r = host_facts_add_software(h->facts, &s)) != 0)
		return nc_fail(r, "the writer refused the package: %s", nc_strerror(r));
	return 0;
}

static int line_hardware(spec_scan *sc, const word *w, size_t n)
{
	static const char *const names[] = {"name",	  "vendor",	"model",
					    "serial",	  "firmware",	"extra",
					    "size_bytes", "used_bytes", "source"};
	const char *v[ARRAY_SIZE(names)], *pos[1];
	spec_host *h = current_host(sc, "hardware");
	hardware_fact hw = {0};
	uint64_t size = 0, used = 0;
	int r;

	if (h == NULL)
		return NC_ERR_INVALID;
	if ((r = take_words(w, n, 1, 1, pos, names, ARRAY_SIZE(names), v)) != 0 ||
	    (r = opt_num(v[6], 0, INT64_MAX, &size, "size_bytes")) != 0 ||
	    (r = opt_num(v[7], 0, INT64_MAX, &used, "used_bytes")) != 0 ||
	    (r = parse_source(v[8], FACT_SRC_SSH, &hw.source)) != 0)
		return r;
	if (pos[0][0] == '\0')
		return nc_fail(NC_ERR_INVALID, "empty hardware kind");
	hw.kind = (char *)pos[0];
	hw.name = (char *)v[0];
	hw.vendor = (char *)v[1];
	hw.model = (char *)v[2];
	hw.serial = (char *)v[3];
	hw.firmware = (char *)v[4];
	hw.extra = (char *)v[5];
	hw.size_bytes = v[6] ? (int64_t)size : -1;
	hw.used_bytes = v[7] ? (int64_t)used : -1;
	if ((r = host_facts_add_hardware(h->facts, &hw)) != 0)
		return nc_fail(r, "the writer refused the hardware: %s", nc_strerror(r));
	return 0;
}

static int spec_line(spec_list *l, char *text, const char *file, unsigned line)
{
	spec_scan *sc = l->n ? &l->scans[l->n - 1] : NULL;
	word w[MAX_WORDS];
	size_t n;
	int r;

	if (sc != NULL && sc->file != file)
		sc = NULL; /* a scan ends with its file */
	if ((r = split_words(text, w, &n)) != 0 || n == 0)
		return r;
	if (w[0].key != NULL)
		return nc_fail(NC_ERR_INVALID, "a line starts with its kind, not '%s=...'",
			       w[0].key);
	if (strcmp(w[0].val, "scan") == 0)
		return line_scan(l, w, n, file, line);
	if (strcmp(w[0].val, "host") == 0)
		return line_host(sc, w, n, line);
	if (strcmp(w[0].val, "port") == 0)
		return line_port(sc, w, n);
	if (strcmp(w[0].val, "service") == 0)
		return line_service(sc, w, n);
	if (strcmp(w[0].val, "fact") == 0)
		return line_fact(sc, w, n);
	if (strcmp(w[0].val, "software") == 0)
		return line_software(sc, w, n);
	if (strcmp(w[0].val, "hardware") == 0)
		return line_hardware(sc, w, n);
	return nc_fail(NC_ERR_INVALID,
		       "unknown line kind '%s' (scan, host, port, service, fact, software, "
		       "hardware)",
		       w[0].val);
}

static int by_ip(const void *a, const void *b)
{
	uint32_t x = ((const spec_host *)a)->facts->ip, y = ((const spec_host *)b)->facts->ip;

	return x < y ? -1 : x > y;
}

/* After the scan's last line: hosts in address order, each once. */
static int spec_scan_close(spec_scan *sc, unsigned *bad_line)
{
	if (sc->nhosts > 1) /* hosts is NULL in a scan without hosts */
		qsort(sc->hosts, sc->nhosts, sizeof(*sc->hosts), by_ip);
	for (size_t i = 1; i < sc->nhosts; i++) {
		if (sc->hosts[i].facts->ip == sc->hosts[i - 1].facts->ip) {
			unsigned a = sc->hosts[i - 1].line, b = sc->hosts[i].line;
			char addr[16];

			*bad_line = NC_MAX(a, b);
			return nc_fail(NC_ERR_INVALID, "host %s is already in this scan (line %u)",
				       format_ipv4(sc->hosts[i].facts->ip, addr, sizeof(addr)),
				       NC_MIN(a, b));
		}
	}
	if (!sc->have_target_count)
		sc->target_count = sc->nhosts;
	return 0;
}

/* Read one SPEC (a path, or "-") into l. On a bad line print FILE:LINE. */
static int spec_read(spec_list *l, const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
	size_t first = l->n, cap = 0;
	char *buf = NULL;
	unsigned line = 0;
	ssize_t len;
	int r = 0;

	if (f == NULL) {
		fprintf(stderr, "mkinv: cannot open %s: %m\n", path);
		return MKINV_EXIT_USAGE;
	}
	while ((len = getline(&buf, &cap, f)) >= 0) {
		line++;
		if ((size_t)len > LINE_MAX_BYTES) {
			r = nc_fail(NC_ERR_TOOBIG, "line longer than %d bytes", LINE_MAX_BYTES);
			break;
		}
		if ((size_t)len != strlen(buf)) {
			r = nc_fail(NC_ERR_INVALID, "NUL byte in the line");
			break;
		}
		buf[strcspn(buf, "\r\n")] = '\0';
		if ((r = spec_line(l, buf, name, line)) != 0)
			break;
	}
	if (r == 0 && ferror(f)) {
		fprintf(stderr, "mkinv: reading %s: %m\n", name);
		r = NC_ERR_IO;
		line = 0;
	}
	free(buf);
	if (f != stdin)
		fclose(f);
	if (r == 0 && l->n == first) {
		line = 0;
		r = nc_fail(NC_ERR_INVALID, "%s has no scan line", name);
	}
	for (size_t i = first; r == 0 && i < l->n; i++)
		r = spec_scan_close(&l->scans[i], &line);
	if (r != 0 && line > 0)
		fprintf(stderr, "%s:%u: %s\n", name, line, nc_errmsg(r));
	else if (r != 0 && r != NC_ERR_IO)
		fprintf(stderr, "mkinv: %s\n", nc_errmsg(r));
	return r == 0 ? 0 : MKINV_EXIT_USAGE;
}

static void spec_list_free(spec_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		spec_scan *sc = &l->scans[i];

		for (size_t j = 0; j < sc->nhosts; j++) {
			host_facts_clear(sc->hosts[j].facts);
			free(sc->hosts[j].facts);
		}
		free(sc->hosts);
		free(sc->batch);
		results_free(sc->res);
		free(sc->targets);
		free(sc->command);
		free(sc->status);
	}
	free(l->scans);
}

/* ---- writing -------------------------------------------------------------- */

/* The whole scan is one batch. */
static int spec_batch(void *ctx, host_facts *const **hosts, size_t *n)
{
	spec_scan *sc = ctx;

	*hosts = sc->batch;
	*n = sc->batch ? sc->nhosts : 0;
	sc->batch = NULL; /* handed over once: the next call ends the scan */
	return 0;
}

static int spec_write(spec_scan *sc, const char *db_path)
{
	mkinv_scan meta = {
	    .targets = sc->targets,
	    .command = sc->command,
	    .target_count = sc->target_count,
	    .status = sc->status,
	    .started = sc->started,
	    .finished = sc->finished,
	    .stats = sc->have_stats ? &sc->stats : NULL,
	};
	host_result *const *sorted;
	host_facts **batch;
	size_t n = 0;
	int64_t id;
	int r;

	/* hosts are in address order (spec_scan_close), as results_sorted() */
	sorted = results_sorted(sc->res, &n);
	if (n != sc->nhosts || (n > 0 && sorted == NULL))
		return nc_fail(NC_ERR_INTERNAL, "%zu results for %zu hosts", n, sc->nhosts);
	if ((batch = calloc(n ? n : 1, sizeof(*batch))) == NULL)
		return nc_fail(NC_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		if (sc->hosts[i].seen > 0)
			sorted[i]->first_seen = sc->hosts[i].seen;
		batch[i] = sc->hosts[i].facts;
	}
	sc->batch = batch;
	r = mkinv_write_scan(db_path, &meta, sc->res, spec_batch, sc, &id);
	free(batch);
	sc->batch = NULL; /* in case the writer failed before asking for it */
	return r;
}

/* ---- main ----------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f, "usage: mkinv --db FILE SPEC...        (SPEC: a file, or - for stdin)\n"
		   "       mkinv --db FILE --synth HOSTS [--packages N] [--seed S] [--scans K]\n"
		   "             [--churn PCT]\n"
		   "Writes fixture scans into an inventory through the real writer; the\n"
		   "SPEC format is described in tests/tools/README.\n");
}

int main(int argc, char **argv)
{
	const char *db = NULL;
	spec_list l = {0};
	int r = MKINV_EXIT_OK;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
			db = argv[++i];
		} else if (strncmp(argv[i], "--db=", 5) == 0) {
			db = argv[i] + 5;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return MKINV_EXIT_OK;
		} else {
			break;
		}
	}
	if (db == NULL || db[0] == '\0') {
		usage(stderr);
		return MKINV_EXIT_USAGE;
	}
	if (i < argc && strcmp(argv[i], "--synth") == 0)
		return mkinv_synth_main(db, argc - i, argv + i);
	if (i == argc || (argv[i][0] == '-' && argv[i][1] != '\0')) {
		usage(stderr);
		return MKINV_EXIT_USAGE;
	}
	for (; i < argc && r == MKINV_EXIT_OK; i++)
		r = spec_read(&l, argv[i]);
	for (size_t s = 0; s < l.n && r == MKINV_EXIT_OK; s++) {
		int w = spec_write(&l.scans[s], db);

		if (w != 0) {
			fprintf(stderr, "mkinv: %s:%u: scan not written: %s\n", l.scans[s].file,
				l.scans[s].line, nc_errmsg(w));
			r = MKINV_EXIT_WRITE;
		}
	}
	spec_list_free(&l);
	return r;
}
