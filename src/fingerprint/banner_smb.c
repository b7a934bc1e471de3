#include "config.h"

/*
 * banner_smb.c — SMB on 445: two requests, no credentials.
 *
 * NEGOTIATE tells the dialect, signing, the server GUID and its clock;
 * SESSION_SETUP with an NTLMSSP NEGOTIATE draws a CHALLENGE whose target
 * info names the machine (NetBIOS and DNS names, domain, forest) and whose
 * version field is the Windows build. That is the best host name and OS
 * evidence a scanner gets without a password, so these facts carry the
 * SMB source. The frames are built and parsed, and the facts named, by
 * smb.c (smb_add_facts); this file is the conversation, the service record
 * and the few facts smb.c leaves to the caller (clock, Samba's OS hint).
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "fingerprint/banner_int.h"
#include "fingerprint/smb.h"
#include "util/compat.h"
#include "util/err.h"

#define CONF_SMB_RAW 90
#define CONF_SAMBA_OS 30 /* Samba runs on Linux mostly, but also BSD, macOS, NAS */
#define FILETIME_UNIX_EPOCH 11644473600ull

enum {
	SMB_INIT = 0,
	SMB_SEND_NEGOTIATE,
	SMB_READ_NEGOTIATE,
	SMB_SEND_SESSION_SETUP,
	SMB_READ_SESSION_SETUP,
	SMB_DONE,
};
static const char *const smb_states[] = {
    [SMB_INIT] = "INIT",
    [SMB_SEND_NEGOTIATE] = "SEND_NEGOTIATE",
    [SMB_READ_NEGOTIATE] = "READ_NEGOTIATE",
    [SMB_SEND_SESSION_SETUP] = "SEND_SESSION_SETUP",
    [SMB_READ_SESSION_SETUP] = "READ_SESSION_SETUP",
    [SMB_DONE] = "DONE",
};

static int smb_connected(banner_conn *c)
{
	uint8_t guid[16], frame[BANNER_OUT_MAX];
	size_t n;

	if (RAND_bytes(guid, sizeof(guid)) != 1)
		memset(guid, 0x5a, sizeof(guid));
	n = smb_build_negotiate(frame, sizeof(frame), guid);
	if (n == 0 || banner_conn_send(c, frame, n) != 0)
		return BANNER_DONE;
	banner_conn_state(c, SMB_SEND_NEGOTIATE);
	return BANNER_MORE;
}

/* A whole frame at the start of c->in: its length, or 0 while incomplete. */
static size_t whole_frame(const banner_conn *c)
{
	size_t n = smb_frame_length(c->in, c->in_len);

	if (n > BANNER_MAX_CONN_BYTES)
		return SIZE_MAX; /* more than we would ever read: not believed */
	return n > 0 && n <= c->in_len ? n : 0;
}

/* An smb.error fact saying why a reply was not believed: the parser's
 * detail (r from smb_parse_*), or the frame size we refused to wait for. */
static void reply_error(banner_conn *c, int r)
{
	if (r == 0)
		host_facts_addf(c->host, FACT_SRC_SMB, CONF_SMB_RAW, "smb.error",
				"SMB frame of %zu bytes is more than the %u we read",
				smb_frame_length(c->in, c->in_len), BANNER_MAX_CONN_BYTES);
	else
		host_facts_add(c->host, FACT_SRC_SMB, CONF_SMB_RAW, "smb.error", nc_errmsg(r));
}

static int read_negotiate(banner_conn *c)
{
	uint8_t frame[BANNER_OUT_MAX];
	size_t n = whole_frame(c), out;
	int r = 0;

	if (n == 0)
		return BANNER_MORE;
	if (n == SIZE_MAX || (r = smb_parse_negotiate(c->in, n, &c->u.smb.neg)) != 0) {
		/* an SMB1-only reply is an answer, not an error (finish() says so) */
		if (!(c->in_len >= 8 && memcmp(c->in + 4, "\xffSMB", 4) == 0))
			reply_error(c, r);
		return BANNER_DONE; /* finish() looks at what it was */
	}
	c->u.smb.have_neg = true;
	banner_conn_consume(c, n);
	out = smb_build_session_setup(frame, sizeof(frame), c->u.smb.neg.dialect);
	if (out == 0 || banner_conn_send(c, frame, out) != 0)
		return BANNER_DONE;
	banner_conn_state(c, SMB_SEND_SESSION_SETUP);
	return BANNER_MORE;
}

static int read_session_setup(banner_conn *c)
{
	size_t n = whole_frame(c);
	int r;

	if (n == 0)
		return BANNER_MORE;
	if (n == SIZE_MAX) {
		reply_error(c, 0);
	} else if ((r = smb_parse_session_setup(c->in, n, &c->u.smb.ntlm)) == 0) {
		c->u.smb.have_ntlm = true;
		banner_conn_consume(c, n);
	} else {
		reply_error(c, r);
	}
	banner_conn_state(c, SMB_DONE);
	return BANNER_DONE;
}

static int smb_doing(banner_conn *c)
{
	switch (c->state) {
	case SMB_SEND_NEGOTIATE:
		if (c->out_len == 0)
			banner_conn_state(c, SMB_READ_NEGOTIATE);
		return c->in_len > 0 ? read_negotiate(c) : BANNER_MORE;
	case SMB_READ_NEGOTIATE:
		return read_negotiate(c);
	case SMB_SEND_SESSION_SETUP:
		if (c->out_len == 0)
			banner_conn_state(c, SMB_READ_SESSION_SETUP);
		return c->in_len > 0 ? read_session_setup(c) : BANNER_MORE;
	case SMB_READ_SESSION_SETUP:
		return read_session_setup(c);
	default:
		return BANNER_DONE;
	}
}

static void add(banner_conn *c, int conf, const char *key, const char *value)
{
	if (value != NULL && value[0] != '\0')
		host_facts_add(c->host, FACT_SRC_SMB, conf, key, value);
}

/* What smb_add_facts() leaves out: the server's clock, and for Samba the
 * hint that a Unix-like system runs it. */
static void extra_facts(banner_conn *c, const smb_negotiate_info *neg, bool samba)
{
	if (neg->system_time / 10000000ull > FILETIME_UNIX_EPOCH) {
		time_t t = (time_t)(neg->system_time / 10000000ull - FILETIME_UNIX_EPOCH);
		struct tm tm;
		char iso[32];

		if (gmtime_r(&t, &tm) != NULL &&
		    strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm) > 0)
			add(c, CONF_SMB_RAW, "smb.system_time", iso);
	}
	if (samba)
		add(c, CONF_SAMBA_OS, "os.family", "Linux");
}

static void smb_finish(banner_conn *c)
{
	const smb_negotiate_info *neg = &c->u.smb.neg;
	const smb_ntlm_info *ntlm = c->u.smb.have_ntlm ? &c->u.smb.ntlm : NULL;
	const char *dialect;
	bool samba;

	if (!c->u.smb.have_neg) {
		if (c->in_total == 0) {
			banner_svc_silent(c);
			return;
		}
		/* "\xffSMB" after the NetBIOS header: a server that only speaks SMB1 */
		if (c->in_len >= 8 && memcmp(c->in + 4, "\xffSMB", 4) == 0) {
			banner_str_set(&c->svc.name, "smb", 3);
			banner_str_set(&c->svc.info, "SMB1 only", 9);
			add(c, CONF_SMB_RAW, "smb.dialect", "NT LM 0.12");
		} else {
			banner_str_set(&c->svc.name, "unknown", 7);
			banner_str_set(&c->svc.info, "no SMB2 answer", 14);
		}
		return;
	}
	samba = ntlm != NULL && smb_is_samba(ntlm);
	/* Nothing in SMB says "server"; requiring signing (domain controllers,
	 * hardened servers) is the best hint there is. */
	smb_add_facts(c->host, neg, ntlm, neg->signing_required);
	extra_facts(c, neg, samba);

	banner_str_set(&c->svc.name, "smb", 3);
	if (ntlm != NULL && (samba || ntlm->has_version))
		banner_str_setf(&c->svc.product, "%s", samba ? "Samba" : "Windows SMB");
	/* the dialect is the protocol's version, not the product's (Samba
	 * 4.17 speaks SMB 3.1.1): it goes in the info, the version stays empty */
	dialect = smb_dialect_name(neg->dialect);
	banner_str_setf(&c->svc.info, "%s; signing %s", dialect,
			neg->signing_required  ? "required"
			: neg->signing_enabled ? "enabled"
					       : "disabled");
	if (ntlm != NULL) {
		if (ntlm->netbios_computer[0] != '\0')
			banner_str_append(&c->svc.info, "name=%s", ntlm->netbios_computer);
		if (ntlm->dns_domain[0] != '\0')
			banner_str_append(&c->svc.info, "domain=%s", ntlm->dns_domain);
		if (ntlm->has_version && !samba)
			banner_str_append(&c->svc.info, "os=%u.%u.%u", ntlm->major, ntlm->minor,
					  ntlm->build);
	}
}

const banner_handler banner_handler_smb = {
    .name = "smb",
    .states = smb_states,
    .nstates = ARRAY_SIZE(smb_states),
    .connected = smb_connected,
    .doing = smb_doing,
    .finish = smb_finish,
};
