#include "config.h"

/*
 * banner_rdp.c — Remote Desktop: is it there, and what does its
 * certificate call the machine.
 *
 * RDP starts with an X.224 Connection Request carrying an RDP_NEG_REQ
 * (MS-RDPBCGR 2.2.1.1) in a TPKT (RFC 1006). A Connection Confirm (2.2.1.2)
 * proves an RDP server; its RDP_NEG_RSP says which security it picked. We
 * ask for TLS or CredSSP, both of which begin with a TLS handshake, and the
 * self-signed certificate Windows makes for RDP carries the computer's
 * DNS name as its CN — a good host name source. We stop after the
 * handshake: no credentials, no MCS.
 */

#include <stdlib.h>
#include <string.h>

#include "fingerprint/banner_int.h"
#include "util/compat.h"

#define TPKT_MAX 1024 /* a Connection Confirm is 19 bytes */
#define X224_CC 0xd0
#define TYPE_RDP_NEG_RSP 0x02
#define TYPE_RDP_NEG_FAILURE 0x03
#define PROTOCOL_RDP 0x0
#define PROTOCOL_SSL 0x1
#define PROTOCOL_HYBRID 0x2
#define PROTOCOL_HYBRID_EX 0x8
#define CONF_RDP_NAME 60 /* the RDP certificate names the computer */

enum { RDP_INIT = 0, RDP_SEND_REQUEST, RDP_READ_CONFIRM, RDP_TLS_HANDSHAKE, RDP_DONE };
static const char *const rdp_states[] = {
    [RDP_INIT] = "INIT",
    [RDP_SEND_REQUEST] = "SEND_REQUEST",
    [RDP_READ_CONFIRM] = "READ_CONFIRM",
    [RDP_TLS_HANDSHAKE] = "TLS_HANDSHAKE",
    [RDP_DONE] = "DONE",
};

/* TPKT + X.224 CR (no cookie) + RDP_NEG_REQ asking for TLS or CredSSP. */
/* clang-format off */
static const uint8_t rdp_request[19] = {
	0x03, 0x00, 0x00, 0x13,                         /* TPKT, length 19 */
	0x0e, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00,       /* X.224 CR, LI 14 */
	0x01, 0x00, 0x08, 0x00,                         /* RDP_NEG_REQ, length 8 */
	PROTOCOL_SSL | PROTOCOL_HYBRID, 0x00, 0x00, 0x00,
};
/* clang-format on */

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int rdp_connected(banner_conn *c)
{
	if (banner_conn_send(c, rdp_request, sizeof(rdp_request)) != 0)
		return BANNER_DONE;
	banner_conn_state(c, RDP_SEND_REQUEST);
	return BANNER_MORE;
}

/* Parse the Connection Confirm; BANNER_MORE while it is incomplete. */
static int read_confirm(banner_conn *c)
{
	const uint8_t *p = c->in;
	size_t len;

	if (c->in_len < 4)
		return BANNER_MORE;
	len = (size_t)p[2] << 8 | p[3];
	if (p[0] != 0x03 || len < 11 || len > TPKT_MAX)
		return BANNER_DONE; /* not TPKT */
	if (c->in_len < len)
		return BANNER_MORE;
	if (p[4] < 6 || (p[5] & 0xf0) != X224_CC)
		return BANNER_DONE;
	c->u.rdp.confirmed = true;
	if (len >= 19 && p[11] == TYPE_RDP_NEG_RSP) {
		c->u.rdp.neg_rsp = true;
		c->u.rdp.selected = le32(p + 15);
	} else if (len >= 19 && p[11] == TYPE_RDP_NEG_FAILURE) {
		c->u.rdp.neg_failure = true;
		c->u.rdp.failure_code = le32(p + 15);
	}
	banner_conn_consume(c, len);
	if (c->u.rdp.neg_rsp && c->u.rdp.selected != PROTOCOL_RDP) {
		banner_conn_state(c, RDP_TLS_HANDSHAKE);
		banner_conn_start_tls(c);
		return BANNER_MORE;
	}
	return BANNER_DONE; /* standard RDP security: no certificate to read */
}

static int rdp_doing(banner_conn *c)
{
	switch (c->state) {
	case RDP_SEND_REQUEST:
		if (c->out_len == 0)
			banner_conn_state(c, RDP_READ_CONFIRM);
		if (c->in_len == 0)
			return BANNER_MORE;
		return read_confirm(c);
	case RDP_READ_CONFIRM:
		return read_confirm(c);
	case RDP_TLS_HANDSHAKE:
		banner_conn_state(c, RDP_DONE);
		return BANNER_DONE;
	default:
		return BANNER_DONE;
	}
}

static const char *security_name(uint32_t selected)
{
	switch (selected) {
	case PROTOCOL_RDP:
		return "rdp";
	case PROTOCOL_SSL:
		return "tls";
	case PROTOCOL_HYBRID:
		return "credssp";
	case PROTOCOL_HYBRID_EX:
		return "credssp-early-auth";
	default:
		return "other";
	}
}

static void rdp_finish(banner_conn *c)
{
	char *ci;

	if (!c->u.rdp.confirmed) {
		size_t line, next;

		if (c->in_total == 0) {
			banner_svc_silent(c);
			return;
		}
		if (!banner_line(c->in, c->in_len, &line, &next))
			line = c->in_len;
		banner_str_set(&c->svc.name, "unknown", 7);
		banner_str_set(&c->svc.banner, (const char *)c->in, NC_MIN(line, (size_t)64));
		return;
	}
	banner_str_set(&c->svc.name, "rdp", 3);
	if (c->u.rdp.neg_rsp)
		banner_str_setf(&c->svc.info, "security=%s", security_name(c->u.rdp.selected));
	else if (c->u.rdp.neg_failure)
		banner_str_setf(&c->svc.info, "negotiation failure %u", c->u.rdp.failure_code);
	else
		banner_str_setf(&c->svc.info, "security=rdp (no negotiation)");
	if (c->tls_done) {
		if ((ci = banner_cert_info(&c->cert)) != NULL) {
			banner_str_append(&c->svc.info, "%s", ci);
			free(ci);
		}
		banner_cert_facts(c, CONF_RDP_NAME);
	} else if (c->tls_failed) {
		banner_str_append(&c->svc.info, "tls handshake failed");
	}
	/* CredSSP is Windows' own; xrdp and most others offer TLS at most */
	if (c->u.rdp.neg_rsp &&
	    (c->u.rdp.selected == PROTOCOL_HYBRID || c->u.rdp.selected == PROTOCOL_HYBRID_EX))
		host_facts_add(c->host, FACT_SRC_BANNER, 40, "os.family", "Windows");
}

const banner_handler banner_handler_rdp = {
    .name = "rdp",
    .states = rdp_states,
    .nstates = ARRAY_SIZE(rdp_states),
    .connected = rdp_connected,
    .doing = rdp_doing,
    .finish = rdp_finish,
};
