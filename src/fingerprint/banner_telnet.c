#include "config.h"

/*
 * banner_telnet.c — what a telnet server shows before the login prompt.
 *
 * Telnet (RFC 854) mixes option negotiation into the data: IAC (255)
 * followed by WILL/WONT/DO/DONT and an option, or a subnegotiation
 * IAC SB ... IAC SE. Many servers send nothing else until the client has
 * answered, so we refuse every option (DO -> WONT, WILL -> DONT), which is
 * always allowed. The text, without the commands, is the banner; the rules
 * get the bytes as they came. There is no end-of-greeting
 * marker: we stop at a prompt ("login:", "Username:", "Password:", a shell
 * prompt), when the text buffer is full, or after a short quiet spell.
 */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprint/banner_int.h"
#include "util/compat.h"

#define IAC 255
#define DONT 254
#define DO 253
#define WONT 252
#define WILL 251
#define SB 250
#define SE 240
#define TELNET_MAX_REPLIES 64
#define TELNET_QUIET_MS 800 /* no more text for this long: the greeting is over */

enum { TELNET_INIT = 0, TELNET_READ, TELNET_DONE };
static const char *const telnet_states[] = {
    [TELNET_INIT] = "INIT",
    [TELNET_READ] = "READ",
    [TELNET_DONE] = "DONE",
};

static int telnet_connected(banner_conn *c)
{
	banner_conn_state(c, TELNET_READ);
	return BANNER_MORE;
}

static void refuse(banner_conn *c, uint8_t verb, uint8_t opt)
{
	uint8_t r[3] = {IAC, verb == DO ? WONT : DONT, opt};

	if (c->u.telnet.sent_replies >= TELNET_MAX_REPLIES)
		return;
	if (banner_conn_send(c, r, sizeof(r)) == 0)
		c->u.telnet.sent_replies++;
}

static void text_add(banner_conn *c, uint8_t ch)
{
	if (ch == '\0' || ch == '\r')
		return;
	if (c->u.telnet.text_len < sizeof(c->u.telnet.text) - 1)
		c->u.telnet.text[c->u.telnet.text_len++] = (char)ch;
}

/* Decode c->in from where the last call stopped: commands answered or
 * skipped, data to the text. Stops before an incomplete command, which
 * waits for more bytes. c->in itself is kept: the rules see it raw. */
static void decode(banner_conn *c)
{
	const uint8_t *p = c->in;
	size_t i = c->u.telnet.parsed, n = c->in_len;

	while (i < n) {
		if (p[i] != IAC) {
			text_add(c, p[i++]);
			continue;
		}
		if (i + 1 >= n)
			break;
		switch (p[i + 1]) {
		case IAC: /* an escaped 255 data byte: not text we want */
			i += 2;
			break;
		case DO:
		case DONT:
		case WILL:
		case WONT:
			if (i + 2 >= n)
				goto partial;
			if (p[i + 1] == DO || p[i + 1] == WILL)
				refuse(c, p[i + 1], p[i + 2]);
			i += 3;
			break;
		case SB: {
			size_t j = i + 2;

			while (j + 1 < n && !(p[j] == IAC && p[j + 1] == SE))
				j++;
			if (j + 1 >= n) {
				/* a subnegotiation this long is hostile: skip it all */
				if (n - i >= BANNER_TEXT_MAX)
					i = n;
				goto partial;
			}
			i = j + 2;
			break;
		}
		default: /* NOP, GA, AYT, ...: two bytes */
			i += 2;
			break;
		}
	}
partial:
	c->u.telnet.parsed = i;
}

static bool at_prompt(const banner_conn *c)
{
	static const char *const prompts[] = {
	    "login:", "username:", "user name:", "user:", "password:", "> ", "# ", "$ "};
	const char *t = c->u.telnet.text;
	size_t len = c->u.telnet.text_len;

	for (size_t i = 0; i < ARRAY_SIZE(prompts); i++) {
		size_t pl = strlen(prompts[i]);
		size_t end = len;

		/* "login: " and "login:" alike */
		if (pl > 0 && prompts[i][pl - 1] != ' ')
			while (end > 0 && t[end - 1] == ' ')
				end--;
		if (end >= pl && strncasecmp(t + end - pl, prompts[i], pl) == 0)
			return true;
	}
	return false;
}

static bool has_text(const banner_conn *c)
{
	for (size_t i = 0; i < c->u.telnet.text_len; i++)
		if (!isspace((unsigned char)c->u.telnet.text[i]))
			return true;
	return false;
}

static int telnet_doing(banner_conn *c)
{
	if (c->state != TELNET_READ)
		return BANNER_DONE;
	decode(c);
	if (c->u.telnet.text_len >= sizeof(c->u.telnet.text) - 1)
		return BANNER_DONE;
	if (has_text(c)) {
		if (at_prompt(c))
			return BANNER_DONE;
		banner_conn_timer(c, NC_MIN((uint64_t)TELNET_QUIET_MS, banner_conn_io_ms(c)));
	}
	return BANNER_MORE;
}

static int telnet_timeout(banner_conn *c)
{
	(void)c;
	/* quiet after some text is the normal end, not a failure */
	return BANNER_DONE;
}

static void telnet_finish(banner_conn *c)
{
	char joined[BANNER_TEXT_MAX];
	size_t jl = 0;
	const char *t = c->u.telnet.text;
	size_t len = c->u.telnet.text_len;

	if (c->in_total == 0) {
		banner_svc_silent(c);
		return;
	}
	banner_str_set(&c->svc.name, "telnet", 6);
	/* the lines, trimmed, joined by a space for the banner */
	for (size_t i = 0; i < len;) {
		size_t e = i, s, f;

		while (e < len && t[e] != '\n')
			e++;
		s = i;
		f = e;
		while (s < f && isspace((unsigned char)t[s]))
			s++;
		while (f > s && isspace((unsigned char)t[f - 1]))
			f--;
		if (f > s && jl + (f - s) + 1 < sizeof(joined)) {
			if (jl > 0)
				joined[jl++] = ' ';
			memcpy(joined + jl, t + s, f - s);
			jl += f - s;
		}
		i = e + 1;
	}
	if (jl > 0)
		banner_str_set(&c->svc.banner, joined, jl);
	if (c->u.telnet.sent_replies > 0)
		banner_str_setf(&c->svc.info, "option negotiation (%zu refused)",
				c->u.telnet.sent_replies);
	/* the rules see the bytes as received, negotiation included (as recog's
	 * telnet database expects), then the cleaned, joined text */
	if (!banner_match_bytes(c, "telnet.banner", c->in, c->in_len) && jl > 0) {
		char *text = facts_clean(joined, jl, BANNER_RULE_TEXT_MAX);

		if (text != NULL) {
			banner_match(c, "telnet.banner", text);
			free(text);
		}
	}
}

const banner_handler banner_handler_telnet = {
    .name = "telnet",
    .states = telnet_states,
    .nstates = ARRAY_SIZE(telnet_states),
    .connected = telnet_connected,
    .doing = telnet_doing,
    .timeout = telnet_timeout,
    .finish = telnet_finish,
};
