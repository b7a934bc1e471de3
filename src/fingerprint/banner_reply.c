#include "config.h"

/*
 * banner_reply.c — FTP and SMTP greetings: servers that speak first in
 * numbered replies (RFC 959 section 4.2, RFC 5321 section 4.2).
 *
 * The greeting is "220 text" or a multi-line "220-text ... 220 text"; the
 * text usually names the daemon and often the host ("mail.example.com
 * ESMTP Postfix (Debian/GNU)", "ProFTPD 1.3.8 Server"). We read up to the
 * final line, say QUIT, and close. The rules see the text without its code,
 * line by line, first match wins.
 */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprint/banner_int.h"
#include "util/compat.h"

#define REPLY_MAX 8192 /* a greeting longer than this is cut here */
#define REPLY_MAX_LINES 32

enum { REPLY_INIT = 0, REPLY_READ_GREETING, REPLY_SEND_QUIT, REPLY_DONE };
static const char *const reply_states[] = {
    [REPLY_INIT] = "INIT",
    [REPLY_READ_GREETING] = "READ_GREETING",
    [REPLY_SEND_QUIT] = "SEND_QUIT",
    [REPLY_DONE] = "DONE",
};

static bool has_code(const uint8_t *p, size_t len)
{
	return len >= 3 && isdigit(p[0]) && isdigit(p[1]) && isdigit(p[2]) &&
	       (len == 3 || p[3] == ' ' || p[3] == '-');
}

static int reply_connected(banner_conn *c)
{
	banner_conn_state(c, REPLY_READ_GREETING);
	return BANNER_MORE;
}

/* Find the end of the greeting in c->in; true when its final line is there. */
static bool greeting_complete(banner_conn *c)
{
	size_t off = 0, line, next;
	unsigned nlines = 0;

	while (off < c->in_len && banner_line(c->in + off, c->in_len - off, &line, &next)) {
		const uint8_t *p = c->in + off;

		off += next;
		nlines++;
		/* the final line repeats the first line's code with a space */
		if (has_code(p, line) && (line == 3 || p[3] == ' ') &&
		    (nlines == 1 || memcmp(p, c->in, 3) == 0)) {
			c->u.reply.end = off;
			return true;
		}
		if (nlines == 1 && !has_code(p, line)) {
			c->u.reply.end = off; /* not a reply: keep one line */
			return true;
		}
		if (nlines >= REPLY_MAX_LINES)
			break;
	}
	c->u.reply.end = off;
	return nlines >= REPLY_MAX_LINES || c->in_len >= REPLY_MAX;
}

static int reply_doing(banner_conn *c)
{
	switch (c->state) {
	case REPLY_READ_GREETING:
		if (!greeting_complete(c))
			return BANNER_MORE;
		c->u.reply.complete = true;
		if (!has_code(c->in, c->in_len) || banner_conn_send(c, "QUIT\r\n", 6) != 0)
			return BANNER_DONE;
		banner_conn_state(c, REPLY_SEND_QUIT);
		return BANNER_MORE;
	case REPLY_SEND_QUIT:
		if (c->out_len == 0) {
			banner_conn_state(c, REPLY_DONE);
			return BANNER_DONE;
		}
		return BANNER_MORE;
	default:
		return BANNER_DONE;
	}
}

/* The greeting's lines: raw (joined with spaces) for the banner, and each
 * line's text for the rules. */
static void reply_finish(banner_conn *c, const char *service, const char *db)
{
	size_t end = c->u.reply.end ? c->u.reply.end : c->in_len;
	size_t off = 0, line, next, blen = 0;
	char raw[REPLY_MAX + REPLY_MAX_LINES];
	bool matched = false, first = true;
	char *first_text = NULL;

	if (c->in_total == 0) {
		banner_svc_silent(c);
		return;
	}
	end = NC_MIN(end, c->in_len);
	banner_str_set(&c->svc.name, has_code(c->in, end) ? service : "unknown",
		       strlen(has_code(c->in, end) ? service : "unknown"));
	while (off < end) {
		const uint8_t *p = c->in + off;
		size_t skip;
		char *text;

		if (!banner_line(p, end - off, &line, &next))
			line = next = end - off; /* the last line, cut or unterminated */
		off += next;
		if (line == 0)
			continue;
		if (blen + line + 1 < sizeof(raw)) {
			if (blen > 0)
				raw[blen++] = ' ';
			memcpy(raw + blen, p, line);
			blen += line;
		}
		skip = has_code(p, line) ? NC_MIN(line, (size_t)4) : 0;
		text = facts_clean(p + skip, line - skip, BANNER_RULE_TEXT_MAX);
		if (text == NULL)
			continue;
		if (!matched)
			matched = banner_match(c, db, text);
		if (first) {
			first_text = text;
			first = false;
		} else {
			free(text);
		}
	}
	if (blen > 0)
		banner_str_set(&c->svc.banner, raw, blen);
	if (has_code(c->in, end) && memcmp(c->in, "220", 3) != 0)
		banner_str_setf(&c->svc.info, "reply %.3s", (const char *)c->in);
	/* SMTP greetings start with the server's own name (RFC 5321 4.3.1) */
	if (!matched && first_text != NULL && strcmp(service, "smtp") == 0) {
		size_t w = strcspn(first_text, " \t");
		char name[256];

		if (w > 0 && w < sizeof(name)) {
			memcpy(name, first_text, w);
			name[w] = '\0';
			banner_record_hostname(c, FACT_SRC_BANNER, 40, name);
		}
	}
	free(first_text);
}

static void ftp_finish(banner_conn *c)
{
	reply_finish(c, "ftp", "ftp.banner");
}

static void smtp_finish(banner_conn *c)
{
	reply_finish(c, "smtp", "smtp.banner");
}

const banner_handler banner_handler_ftp = {
    .name = "ftp",
    .states = reply_states,
    .nstates = ARRAY_SIZE(reply_states),
    .connected = reply_connected,
    .doing = reply_doing,
    .finish = ftp_finish,
};

const banner_handler banner_handler_smtp = {
    .name = "smtp",
    .states = reply_states,
    .nstates = ARRAY_SIZE(reply_states),
    .connected = reply_connected,
    .doing = reply_doing,
    .finish = smtp_finish,
};
