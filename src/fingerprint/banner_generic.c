#include "config.h"

/*
 * banner_generic.c — a port we know nothing about.
 *
 * Listen first: many services greet (SSH, FTP, SMTP, POP, IMAP, telnet,
 * databases), and what they say tells who they are. Once the first line is
 * there the connection goes to the handler that knows the protocol, which
 * reads on from the same bytes. A peer that says nothing for a short while
 * is probably waiting for a client's request: it gets an HTTP GET, the most
 * common such service on odd ports (admin consoles, proxies, APIs).
 */

#include <ctype.h>
#include <string.h>

#include "fingerprint/banner_int.h"
#include "util/compat.h"

#define GREETING_MIN_MS 200
#define GREETING_MAX_MS 3000
#define GREETING_LINE_MAX 1024 /* identify on this much even without a line end */

enum { GENERIC_INIT = 0, GENERIC_WAIT_GREETING, GENERIC_DONE };
static const char *const generic_states[] = {
    [GENERIC_INIT] = "INIT",
    [GENERIC_WAIT_GREETING] = "WAIT_GREETING",
    [GENERIC_DONE] = "DONE",
};

static int generic_connected(banner_conn *c)
{
	uint64_t wait = banner_conn_io_ms(c) / 2;

	banner_conn_state(c, GENERIC_WAIT_GREETING);
	banner_conn_timer(
	    c, NC_MAX((uint64_t)GREETING_MIN_MS, NC_MIN(wait, (uint64_t)GREETING_MAX_MS)));
	return BANNER_MORE;
}

/* Which handler knows a service that greets with this first line. */
static const banner_handler *classify(const uint8_t *p, size_t len)
{
	if (len >= 1 && p[0] == 0xff)
		return &banner_handler_telnet; /* IAC: option negotiation */
	if (len >= 4 && memcmp(p, "SSH-", 4) == 0)
		return &banner_handler_ssh;
	if (len >= 4 && isdigit(p[0]) && isdigit(p[1]) && isdigit(p[2]) &&
	    (p[3] == ' ' || p[3] == '-')) {
		if (banner_memcasemem(p, len, "smtp") >= 0 ||
		    banner_memcasemem(p, len, "mail") >= 0 ||
		    banner_memcasemem(p, len, "postfix") >= 0 ||
		    banner_memcasemem(p, len, "exim") >= 0 ||
		    banner_memcasemem(p, len, "sendmail") >= 0)
			return &banner_handler_smtp;
		return &banner_handler_ftp;
	}
	return NULL;
}

static int generic_doing(banner_conn *c)
{
	size_t line, next;
	const banner_handler *h;

	if (c->state != GENERIC_WAIT_GREETING)
		return BANNER_DONE;
	if (c->in_len == 0)
		return c->eof ? BANNER_DONE : BANNER_MORE;
	if (c->in[0] != 0xff && !banner_line(c->in, c->in_len, &line, &next) &&
	    c->in_len < GREETING_LINE_MAX && !c->eof && !c->cut_off)
		return BANNER_MORE; /* wait for the whole first line */
	if ((h = classify(c->in, c->in_len)) != NULL)
		return banner_conn_switch(c, h);
	banner_conn_state(c, GENERIC_DONE);
	return BANNER_DONE; /* something we do not know: finish() keeps its line */
}

static int generic_timeout(banner_conn *c)
{
	const banner_handler *h;

	if (c->state != GENERIC_WAIT_GREETING)
		return BANNER_DONE;
	if (c->in_len == 0)
		return banner_conn_switch(c, &banner_handler_http); /* silent: ask */
	if ((h = classify(c->in, c->in_len)) != NULL)
		return banner_conn_switch(c, h);
	return BANNER_DONE;
}

static void generic_finish(banner_conn *c)
{
	size_t line, next;

	if (c->in_total == 0) {
		banner_svc_silent(c);
		return;
	}
	if (!banner_line(c->in, c->in_len, &line, &next))
		line = c->in_len;
	banner_str_set(&c->svc.name, "unknown", 7);
	banner_str_set(&c->svc.banner, (const char *)c->in, NC_MIN(line, (size_t)256));
}

const banner_handler banner_handler_generic = {
    .name = "generic",
    .states = generic_states,
    .nstates = ARRAY_SIZE(generic_states),
    .connected = generic_connected,
    .doing = generic_doing,
    .timeout = generic_timeout,
    .finish = generic_finish,
};
