#include "config.h"

/*
 * banner_http.c — HTTP, HTTPS and bare TLS services.
 *
 * HTTP: one "GET / HTTP/1.0" with Host: the address, then the status line,
 * the headers (at most BANNER_MAX_HEADER_BYTES) and as much of the body as
 * it takes to find the <title>. The Server header names the daemon, the
 * title often names the device ("RouterOS router configuration page",
 * "HP LaserJet ..."); both go to the rules. Redirects are not followed (a
 * scanner should not wander off the address it was given), the Location is
 * kept as information.
 *
 * HTTPS is the same conversation after a TLS handshake, and adds the
 * certificate names; the bare TLS handler (WinRM over HTTPS on 5986 and the
 * like) stops after the handshake.
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprint/banner_int.h"
#include "util/compat.h"

#define HTTP_MAX_TITLE 256	/* bytes of decoded title kept */
#define HTTP_MAX_RAW_TITLE 2048 /* bytes looked at between <title> and </title> */
#define HTTP_MAX_HEADER_VALUE 512
#define CONF_CERT_NAME 30 /* a web certificate names a site, not always the host */

enum { HTTP_INIT = 0, HTTP_SEND_REQUEST, HTTP_READ_RESPONSE, HTTP_DONE };
static const char *const http_states[] = {
    [HTTP_INIT] = "INIT",
    [HTTP_SEND_REQUEST] = "SEND_REQUEST",
    [HTTP_READ_RESPONSE] = "READ_RESPONSE",
    [HTTP_DONE] = "DONE",
};

static int http_connected(banner_conn *c)
{
	char req[512];
	int n = snprintf(req, sizeof(req),
			 "GET / HTTP/1.0\r\n"
			 "Host: %s\r\n"
			 "User-Agent: netcensus/" PACKAGE_VERSION "\r\n"
			 "Accept: */*\r\n"
			 "Connection: close\r\n"
			 "\r\n",
			 c->addr);

	if (n < 0 || (size_t)n >= sizeof(req) || banner_conn_send(c, req, (size_t)n) != 0)
		return BANNER_DONE;
	banner_conn_state(c, HTTP_SEND_REQUEST);
	return BANNER_MORE;
}

/* End of the header block in buf (offset after the blank line), or 0. */
static size_t header_end(const uint8_t *buf, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (buf[i + 1] == '\n')
			return i + 2;
		if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

/* The value of header name (case-insensitive) in the header block, copied
 * into out (trimmed, bounded); false when absent. */
static bool header_value(const uint8_t *hdr, size_t len, const char *name, char *out, size_t cap)
{
	size_t nl = strlen(name), off = 0, line, next;

	/* skip the status line */
	if (!banner_line(hdr, len, &line, &next))
		return false;
	off = next;
	while (off < len && banner_line(hdr + off, len - off, &line, &next)) {
		const uint8_t *p = hdr + off;

		off += next;
		if (line > nl && p[nl] == ':' && strncasecmp((const char *)p, name, nl) == 0) {
			size_t s = nl + 1, e = line, n;

			while (s < e && (p[s] == ' ' || p[s] == '\t'))
				s++;
			while (e > s && (p[e - 1] == ' ' || p[e - 1] == '\t'))
				e--;
			n = NC_MIN(e - s, cap - 1);
			memcpy(out, p + s, n);
			out[n] = '\0';
			return true;
		}
	}
	return false;
}

static size_t utf8_put(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Decode one entity at s[0] == '&' into out; returns the bytes consumed
 * from s (0: not an entity we know, the '&' stays literal). */
static size_t entity(const uint8_t *s, size_t len, char *out, size_t *outlen)
{
	static const struct {
		const char *name;
		const char *text;
	} named[] = {
	    {"amp", "&"},  {"lt", "<"},	  {"gt", ">"},		{"quot", "\""},
	    {"apos", "'"}, {"nbsp", " "}, {"copy", "\xc2\xa9"}, {"reg", "\xc2\xae"},
	};
	size_t semi;

	for (semi = 1; semi < len && semi < 12 && s[semi] != ';'; semi++)
		;
	if (semi >= len || s[semi] != ';' || semi < 2)
		return 0;
	if (s[1] == '#') {
		uint32_t cp = 0;
		size_t i = 2;
		bool hex = i < semi && (s[i] == 'x' || s[i] == 'X');

		if (hex)
			i++;
		if (i == semi)
			return 0;
		for (; i < semi; i++) {
			int d = hex && isxdigit(s[i])
				    ? (isdigit(s[i]) ? s[i] - '0' : tolower(s[i]) - 'a' + 10)
				: !hex && isdigit(s[i]) ? s[i] - '0'
							: -1;

			if (d < 0)
				return 0;
			cp = cp * (hex ? 16 : 10) + (uint32_t)d;
			if (cp > 0x10ffff)
				return 0;
		}
		if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		*outlen = utf8_put(out, cp);
		return semi + 1;
	}
	for (size_t k = 0; k < ARRAY_SIZE(named); k++) {
		size_t nl = strlen(named[k].name);

		if (nl == semi - 1 && memcmp(s + 1, named[k].name, nl) == 0) {
			*outlen = strlen(named[k].text);
			memcpy(out, named[k].text, *outlen);
			return semi + 1;
		}
	}
	return 0;
}

size_t banner_http_title(const uint8_t *body, size_t len, char *out, size_t cap)
{
	long at = banner_memcasemem(body, len, "<title");
	const uint8_t *p;
	size_t n, end, o = 0;
	long close;
	bool space = false;

	if (at < 0 || cap < 8)
		return 0;
	p = body + at + 6;
	n = len - (size_t)at - 6;
	if (n == 0 || (*p != '>' && !isspace(*p)))
		return 0; /* <titlebar> is something else */
	while (n > 0 && *p != '>') {
		p++;
		n--;
	}
	if (n == 0)
		return 0;
	p++;
	n--;
	close = banner_memcasemem(p, NC_MIN(n, (size_t)HTTP_MAX_RAW_TITLE), "</title");
	end = close >= 0 ? (size_t)close : NC_MIN(n, (size_t)HTTP_MAX_RAW_TITLE);
	cap = NC_MIN(cap, (size_t)HTTP_MAX_TITLE + 1);
	for (size_t i = 0; i < end && o + 5 < cap;) {
		char tmp[4];
		size_t tl = 0, used;

		if (isspace(p[i])) {
			space = o > 0;
			i++;
			continue;
		}
		if (space) {
			out[o++] = ' ';
			space = false;
		}
		if (p[i] == '&' && (used = entity(p + i, end - i, tmp, &tl)) > 0) {
			if (tl == 1 && tmp[0] == ' ') {
				space = o > 0;
			} else {
				memcpy(out + o, tmp, tl);
				o += tl;
			}
			i += used;
			continue;
		}
		out[o++] = (char)p[i++];
	}
	out[o] = '\0';
	return o;
}

/* Is the response in c->in complete enough to stop reading? */
static int read_response(banner_conn *c)
{
	size_t hend;
	char cl[32];

	if (c->in_len >= 5 && memcmp(c->in, "HTTP/", 5) != 0)
		return BANNER_DONE; /* not HTTP: finish() keeps what it said */
	hend = header_end(c->in, NC_MIN(c->in_len, (size_t)BANNER_MAX_HEADER_BYTES));
	if (hend == 0)
		return c->in_len >= BANNER_MAX_HEADER_BYTES ? BANNER_DONE : BANNER_MORE;
	if (banner_memcasemem(c->in + hend, c->in_len - hend, "</title") >= 0)
		return BANNER_DONE;
	if (header_value(c->in, hend, "Content-Length", cl, sizeof(cl))) {
		char *e;
		unsigned long long want = strtoull(cl, &e, 10);

		if (e != cl && c->in_len - hend >= want)
			return BANNER_DONE;
	}
	return BANNER_MORE;
}

static int http_doing(banner_conn *c)
{
	switch (c->state) {
	case HTTP_SEND_REQUEST:
		if (c->out_len == 0)
			banner_conn_state(c, HTTP_READ_RESPONSE);
		return c->in_len > 0 ? read_response(c) : BANNER_MORE;
	case HTTP_READ_RESPONSE:
		return read_response(c);
	default:
		return BANNER_DONE;
	}
}

/* Status, headers, title: fill c->svc for a response in c->in. */
static void http_parse(banner_conn *c, const char *service)
{
	size_t hend, line, next;
	char server[HTTP_MAX_HEADER_VALUE], loc[HTTP_MAX_HEADER_VALUE], title[HTTP_MAX_TITLE + 1];
	char *text;
	bool have_server, matched;
	int status = 0;

	if (c->in_len < 5 || memcmp(c->in, "HTTP/", 5) != 0) {
		/* A TLS alert record (content type 21, version 3.x): a TLS service
		 * that took our plain request for a bad handshake. */
		if (!c->tls_done && c->in_len >= 7 && c->in[0] == 0x15 && c->in[1] == 0x03) {
			banner_str_set(&c->svc.name, "tls", 3);
			banner_str_setf(&c->svc.info, "TLS alert in answer to plain HTTP");
			return;
		}
		/* something answered, but not HTTP: keep its first line */
		if (!banner_line(c->in, c->in_len, &line, &next))
			line = c->in_len;
		banner_str_set(&c->svc.name, "unknown", 7);
		banner_str_set(&c->svc.banner, (const char *)c->in, NC_MIN(line, (size_t)256));
		return;
	}
	banner_str_set(&c->svc.name, service, strlen(service));
	hend = header_end(c->in, NC_MIN(c->in_len, (size_t)BANNER_MAX_HEADER_BYTES));
	if (hend == 0) /* headers cut short: read what is there */
		hend = NC_MIN(c->in_len, (size_t)BANNER_MAX_HEADER_BYTES);
	if (!banner_line(c->in, hend, &line, &next))
		line = hend;
	{
		const uint8_t *sp = memchr(c->in, ' ', line);

		if (sp != NULL && (size_t)(sp - c->in) + 4 <= line && isdigit(sp[1]) &&
		    isdigit(sp[2]) && isdigit(sp[3]))
			status = (sp[1] - '0') * 100 + (sp[2] - '0') * 10 + (sp[3] - '0');
	}
	have_server = header_value(c->in, hend, "Server", server, sizeof(server));
	banner_str_set(&c->svc.banner, have_server ? server : (const char *)c->in,
		       have_server ? strlen(server) : NC_MIN(line, (size_t)256));
	if (status > 0)
		banner_str_setf(&c->svc.info, "status=%d", status);
	if (have_server && (text = facts_clean(server, strlen(server), BANNER_RULE_TEXT_MAX))) {
		matched = banner_match(c, "http_header.server", text);
		if (!matched)
			banner_guess_product(c, text, '/');
		free(text);
	}
	if (banner_http_title(c->in + hend, c->in_len - hend, title, sizeof(title)) > 0 &&
	    (text = facts_clean(title, strlen(title), HTTP_MAX_TITLE)) != NULL) {
		banner_str_append(&c->svc.info, "title=%s", text);
		banner_match(c, "html_title", text);
		free(text);
	}
	if (header_value(c->in, hend, "Location", loc, sizeof(loc)) &&
	    (text = facts_clean(loc, strlen(loc), HTTP_MAX_HEADER_VALUE)) != NULL) {
		banner_str_append(&c->svc.info, "location=%s", text);
		free(text);
	}
}

/* Certificate names into info and facts (HTTPS and bare TLS). */
static void cert_record(banner_conn *c)
{
	char *ci = banner_cert_info(&c->cert);

	if (ci != NULL) {
		banner_str_append(&c->svc.info, "%s", ci);
		free(ci);
	}
	if (c->cert.version != NULL)
		banner_str_append(&c->svc.info, "tls=%s", c->cert.version);
	banner_cert_facts(c, CONF_CERT_NAME);
}

static void http_finish(banner_conn *c)
{
	if (c->in_total == 0) {
		banner_svc_silent(c);
		return;
	}
	http_parse(c, "http");
}

static void https_finish(banner_conn *c)
{
	if (!c->tls_done) {
		/* connected, but no TLS: whatever it is, it is open */
		banner_str_set(&c->svc.name, "unknown", 7);
		banner_str_setf(&c->svc.info, "open; tls handshake %s",
				c->timed_out ? "timed out" : "failed");
		return;
	}
	if (c->in_total == 0)
		banner_str_set(&c->svc.name, "https", 5);
	else
		http_parse(c, "https");
	cert_record(c);
}

static int tls_connected(banner_conn *c)
{
	(void)c;
	return BANNER_DONE; /* the certificate is all we came for */
}

static int tls_doing(banner_conn *c)
{
	(void)c;
	return BANNER_DONE;
}

static void tls_finish(banner_conn *c)
{
	if (!c->tls_done) {
		banner_str_set(&c->svc.name, "unknown", 7);
		banner_str_setf(&c->svc.info, "open; tls handshake %s",
				c->timed_out ? "timed out" : "failed");
		return;
	}
	/* 5986 is WS-Management over HTTPS (WinRM) */
	if (c->port == 5986)
		banner_str_set(&c->svc.name, "winrm", 5);
	else
		banner_str_set(&c->svc.name, "tls", 3);
	cert_record(c);
}

const banner_handler banner_handler_http = {
    .name = "http",
    .states = http_states,
    .nstates = ARRAY_SIZE(http_states),
    .connected = http_connected,
    .doing = http_doing,
    .finish = http_finish,
};

const banner_handler banner_handler_https = {
    .name = "https",
    .states = http_states,
    .nstates = ARRAY_SIZE(http_states),
    .tls_first = true,
    .connected = http_connected,
    .doing = http_doing,
    .finish = https_finish,
};

static const char *const tls_states[] = {"INIT"};

const banner_handler banner_handler_tls = {
    .name = "tls",
    .states = tls_states,
    .nstates = ARRAY_SIZE(tls_states),
    .tls_first = true,
    .connected = tls_connected,
    .doing = tls_doing,
    .finish = tls_finish,
};
