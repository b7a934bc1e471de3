#include "config.h"

/*
 * banner_ssh.c — the SSH identification string (RFC 4253 section 4.2).
 *
 * An SSH server speaks first: "SSH-protoversion-softwareversion SP
 * comments CR LF", at most 255 bytes, possibly after other lines (a
 * pre-banner, which we skip and count). The software version and comment
 * ("OpenSSH_9.2p1 Debian-2+deb12u3") is what the rules know: product,
 * version and often the distribution behind it. We answer with our own
 * identification so the server logs a client, not a scan, and close.
 */

#include <stdlib.h>
#include <string.h>

#include "fingerprint/banner_int.h"
#include "util/compat.h"

#define SSH_ID "SSH-2.0-netcensus\r\n"
#define SSH_MAX_PRE_LINES 1024 /* as OpenSSH's client allows */
#define SSH_MAX_PRE_LINE 8192  /* a pre-banner line longer than this: give up */

enum { SSH_INIT = 0, SSH_READ_IDENT, SSH_SEND_IDENT, SSH_DONE };
static const char *const ssh_states[] = {
    [SSH_INIT] = "INIT",
    [SSH_READ_IDENT] = "READ_IDENT",
    [SSH_SEND_IDENT] = "SEND_IDENT",
    [SSH_DONE] = "DONE",
};

static int ssh_connected(banner_conn *c)
{
	banner_conn_state(c, SSH_READ_IDENT);
	return BANNER_MORE;
}

static bool is_ident(const uint8_t *p, size_t len)
{
	return len >= 4 && memcmp(p, "SSH-", 4) == 0;
}

static void keep_ident(banner_conn *c, const uint8_t *p, size_t len)
{
	if (len > BANNER_MAX_SSH_LINE - 2) {
		c->u.ssh.too_long = true;
		len = BANNER_MAX_SSH_LINE - 2;
	}
	memcpy(c->u.ssh.ident, p, len);
	c->u.ssh.ident[len] = '\0';
	c->u.ssh.ident_len = len;
}

static int ssh_read_ident(banner_conn *c)
{
	size_t line, next;

	while (banner_line(c->in, c->in_len, &line, &next)) {
		if (is_ident(c->in, line)) {
			keep_ident(c, c->in, line);
			banner_conn_consume(c, next);
			if (c->u.ssh.too_long)
				return BANNER_DONE; /* not a conforming server: no reply */
			if (banner_conn_send(c, SSH_ID, strlen(SSH_ID)) != 0)
				return BANNER_DONE;
			banner_conn_state(c, SSH_SEND_IDENT);
			return BANNER_MORE;
		}
		banner_conn_consume(c, next);
		if (++c->u.ssh.pre_lines > SSH_MAX_PRE_LINES)
			return BANNER_DONE;
	}
	/* no line end yet */
	if (is_ident(c->in, c->in_len) && c->in_len > BANNER_MAX_SSH_LINE) {
		keep_ident(c, c->in, c->in_len);
		return BANNER_DONE;
	}
	if (c->in_len > SSH_MAX_PRE_LINE)
		return BANNER_DONE;
	if ((c->eof || c->cut_off) && is_ident(c->in, c->in_len)) {
		keep_ident(c, c->in, c->in_len); /* no CR LF before the close */
		return BANNER_DONE;
	}
	return BANNER_MORE;
}

static int ssh_doing(banner_conn *c)
{
	switch (c->state) {
	case SSH_READ_IDENT:
		return ssh_read_ident(c);
	case SSH_SEND_IDENT:
		if (c->out_len == 0) {
			banner_conn_state(c, SSH_DONE);
			return BANNER_DONE;
		}
		return BANNER_MORE;
	default:
		return BANNER_DONE;
	}
}

static void ssh_finish(banner_conn *c)
{
	const char *id = c->u.ssh.ident, *soft, *dash;
	char *text;

	if (c->u.ssh.ident_len == 0) {
		size_t line = c->in_len, next;

		if (c->in_total == 0) {
			banner_svc_silent(c);
			return;
		}
		/* something else answers here; keep its first line */
		banner_line(c->in, c->in_len, &line, &next);
		banner_str_set(&c->svc.name, "unknown", 7);
		banner_str_set(&c->svc.banner, (const char *)c->in, NC_MIN(line, (size_t)256));
		return;
	}
	banner_str_set(&c->svc.name, "ssh", 3);
	banner_str_set(&c->svc.banner, id, c->u.ssh.ident_len);
	/* "SSH-2.0-" / "SSH-1.99-": the software version follows the second dash */
	dash = strchr(id + 4, '-');
	soft = dash != NULL ? dash + 1 : id + 4;
	if (dash != NULL && strncmp(id + 4, "2.0-", 4) != 0)
		banner_str_setf(&c->svc.info, "protocol %.*s", (int)(dash - (id + 4)), id + 4);
	if (c->u.ssh.pre_lines > 0)
		banner_str_append(&c->svc.info, "%u line(s) before the identification",
				  c->u.ssh.pre_lines);
	if (c->u.ssh.too_long)
		banner_str_append(&c->svc.info, "identification longer than 255 bytes");
	text = facts_clean(soft, strlen(soft), BANNER_RULE_TEXT_MAX);
	if (text != NULL) {
		if (!banner_match(c, "ssh.banner", text))
			banner_guess_product(c, text, '_');
		free(text);
	}
}

const banner_handler banner_handler_ssh = {
    .name = "ssh",
    .states = ssh_states,
    .nstates = ARRAY_SIZE(ssh_states),
    .connected = ssh_connected,
    .doing = ssh_doing,
    .finish = ssh_finish,
};
