#include "config.h"

/*
 * smb.c — SMB2 NEGOTIATE and the NTLMSSP challenge, built and parsed.
 *
 * Two requests tell most of what a Windows or Samba host will say about
 * itself without a password. NEGOTIATE (MS-SMB2 2.2.3/2.2.4) gives the
 * dialect, whether signing is required, the server GUID and the clock.
 * SESSION_SETUP (2.2.5/2.2.6) carrying an SPNEGO NegTokenInit (RFC 4178)
 * with an NTLMSSP NEGOTIATE_MESSAGE (MS-NLMP 2.2.1.1) draws a
 * CHALLENGE_MESSAGE (2.2.1.2) whose TargetInfo names the machine and whose
 * VERSION gives the OS major.minor.build. We stop there: nothing secret is
 * sent, no session is made.
 *
 * Everything here reads bytes that a stranger sent, so every offset and
 * length is checked against the bytes we hold before use, in size_t
 * arithmetic that cannot wrap. A field that lies is NC_ERR_INVALID with a
 * detail, never a read past the end. Integers are read byte by byte (the
 * wire is little-endian, SPNEGO's DER big-endian), never through casts.
 */

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "fingerprint/smb.h"
#include "util/compat.h"
#include "util/err.h"

/* ---------------------------------------------------------------- wire */

#define NBSS_HDR 4  /* NetBIOS session service header (RFC 1002 4.3.1) */
#define SMB2_HDR 64 /* MS-SMB2 2.2.1 */
#define SMB2_NEGOTIATE 0x0000
#define SMB2_SESSION_SETUP 0x0001
#define SMB2_FLAGS_SERVER_TO_REDIR 0x00000001u

#define STATUS_SUCCESS 0x00000000u
#define STATUS_MORE_PROCESSING_REQUIRED 0xC0000016u

#define SMB2_NEGOTIATE_SIGNING_ENABLED 0x0001
#define SMB2_NEGOTIATE_SIGNING_REQUIRED 0x0002

/* What we tell the server we can do: DFS, large MTU, encryption. */
#define SMB2_CLIENT_CAPS 0x00000045u

#define SMB2_PREAUTH_INTEGRITY_CAPABILITIES 0x0001
#define SMB2_ENCRYPTION_CAPABILITIES 0x0002
#define SMB2_SHA512 0x0001
#define SMB2_PREAUTH_SALT_LEN 32

/* MS-NLMP 2.2.2.5 */
#define NTLMSSP_NEGOTIATE_UNICODE 0x00000001u
#define NTLMSSP_REQUEST_TARGET 0x00000004u
#define NTLMSSP_NEGOTIATE_NTLM 0x00000200u
#define NTLMSSP_NEGOTIATE_ALWAYS_SIGN 0x00008000u
#define NTLMSSP_TARGET_TYPE_DOMAIN 0x00010000u
#define NTLMSSP_TARGET_TYPE_SERVER 0x00020000u
#define NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY 0x00080000u
#define NTLMSSP_NEGOTIATE_TARGET_INFO 0x00800000u
#define NTLMSSP_NEGOTIATE_VERSION 0x02000000u
#define NTLMSSP_NEGOTIATE_128 0x20000000u
#define NTLMSSP_NEGOTIATE_KEY_EXCH 0x40000000u
#define NTLMSSP_NEGOTIATE_56 0x80000000u

#define NTLMSSP_CLIENT_FLAGS                                                                       \
	(NTLMSSP_NEGOTIATE_UNICODE | NTLMSSP_REQUEST_TARGET | NTLMSSP_NEGOTIATE_NTLM |             \
	 NTLMSSP_NEGOTIATE_ALWAYS_SIGN | NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY |              \
	 NTLMSSP_NEGOTIATE_VERSION | NTLMSSP_NEGOTIATE_TARGET_INFO | NTLMSSP_NEGOTIATE_128 |       \
	 NTLMSSP_NEGOTIATE_56 | NTLMSSP_NEGOTIATE_KEY_EXCH)

#define NTLMSSP_NEGOTIATE_LEN 40 /* fixed part, with VERSION, no payload */
#define NTLMSSP_CHALLENGE_MIN 32 /* up to Reserved: the oldest servers stop there */
#define NTLMSSP_NTLM_REVISION_W2K3 0x0F

/* MS-NLMP 2.2.2.1 AvId values */
enum {
	MSV_AV_EOL = 0,
	MSV_AV_NB_COMPUTER = 1,
	MSV_AV_NB_DOMAIN = 2,
	MSV_AV_DNS_COMPUTER = 3,
	MSV_AV_DNS_DOMAIN = 4,
	MSV_AV_DNS_TREE = 5,
	MSV_AV_TIMESTAMP = 7,
};

static const uint8_t ntlmssp_sig[8] = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};
/* 1.3.6.1.5.5.2 and 1.3.6.1.4.1.311.2.2.10, DER contents only */
static const uint8_t oid_spnego[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x02};
static const uint8_t oid_ntlmssp[] = {0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a};

static const uint16_t client_dialects[] = {0x0202, 0x0210, 0x0300, 0x0302, 0x0311};

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

/* True when [off, off + n) lies inside a buffer of len bytes. */
static bool span_ok(size_t len, size_t off, size_t n)
{
	return off <= len && n <= len - off;
}

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* ---------------------------------------------------------------- builders */

/* The NetBIOS session header and an SMB2 request header at buf. */
static void put_headers(uint8_t *buf, size_t frame_len, uint16_t command, uint16_t credit_charge,
			uint64_t message_id)
{
	size_t msg = frame_len - NBSS_HDR;
	uint8_t *h = buf + NBSS_HDR;

	buf[0] = 0x00;
	buf[1] = (uint8_t)(msg >> 16);
	buf[2] = (uint8_t)(msg >> 8);
	buf[3] = (uint8_t)msg;

	memset(h, 0, SMB2_HDR);
	h[0] = 0xfe;
	h[1] = 'S';
	h[2] = 'M';
	h[3] = 'B';
	put16(h + 4, SMB2_HDR);
	put16(h + 6, credit_charge);
	put16(h + 12, command);
	put16(h + 14, 31); /* credits asked for: anything >= 1 */
	put32(h + 24, (uint32_t)message_id);
	put32(h + 28, (uint32_t)(message_id >> 32));
}

size_t smb_build_negotiate(uint8_t *buf, size_t cap, const uint8_t client_guid[16])
{
	/* Offsets from the start of the SMB2 header, as the fields count. */
	size_t body = SMB2_HDR;
	size_t dialects = body + 36;
	size_t ctx1 = align8(dialects + 2 * ARRAY_SIZE(client_dialects));
	size_t ctx1_data = 2 + 2 + 2 + SMB2_PREAUTH_SALT_LEN;
	size_t ctx2 = align8(ctx1 + 8 + ctx1_data);
	size_t ctx2_data = 2 + 2 * 4;
	size_t msg_len = ctx2 + 8 + ctx2_data;
	size_t frame_len = NBSS_HDR + msg_len;
	uint8_t *m = buf + NBSS_HDR, *p;

	if (cap < frame_len)
		return 0;
	memset(buf, 0, frame_len);
	put_headers(buf, frame_len, SMB2_NEGOTIATE, 0, 0);

	p = m + body;
	put16(p, 36);
	put16(p + 2, (uint16_t)ARRAY_SIZE(client_dialects));
	put16(p + 4, SMB2_NEGOTIATE_SIGNING_ENABLED);
	put32(p + 8, SMB2_CLIENT_CAPS);
	memcpy(p + 12, client_guid, 16);
	put32(p + 28, (uint32_t)ctx1);
	put16(p + 32, 2);
	for (size_t i = 0; i < ARRAY_SIZE(client_dialects); i++)
		put16(m + dialects + 2 * i, client_dialects[i]);

	/* Pre-auth integrity: SHA-512 and a salt. The salt only has to be
	 * there; the builder is pure, so it is the client GUID twice. */
	p = m + ctx1;
	put16(p, SMB2_PREAUTH_INTEGRITY_CAPABILITIES);
	put16(p + 2, (uint16_t)ctx1_data);
	put16(p + 8, 1);
	put16(p + 10, SMB2_PREAUTH_SALT_LEN);
	put16(p + 12, SMB2_SHA512);
	memcpy(p + 14, client_guid, 16);
	memcpy(p + 30, client_guid, 16);

	/* Encryption: AES-128-GCM, AES-128-CCM, AES-256-GCM, AES-256-CCM. */
	p = m + ctx2;
	put16(p, SMB2_ENCRYPTION_CAPABILITIES);
	put16(p + 2, (uint16_t)ctx2_data);
	put16(p + 8, 4);
	put16(p + 10, 0x0002);
	put16(p + 12, 0x0001);
	put16(p + 14, 0x0004);
	put16(p + 16, 0x0003);
	return frame_len;
}

static size_t der_len_size(size_t len)
{
	return len < 0x80 ? 1 : len < 0x100 ? 2 : 3;
}

/* Write tag and DER length; returns the bytes written (len < 65536). */
static size_t der_put(uint8_t *p, uint8_t tag, size_t len)
{
	p[0] = tag;
	if (len < 0x80) {
		p[1] = (uint8_t)len;
		return 2;
	}
	if (len < 0x100) {
		p[1] = 0x81;
		p[2] = (uint8_t)len;
		return 3;
	}
	p[1] = 0x82;
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	return 4;
}

static size_t der_total(size_t content)
{
	return 1 + der_len_size(content) + content;
}

/* The NTLMSSP NEGOTIATE_MESSAGE: no domain, no workstation, our VERSION
 * left zero but for the NTLM revision. */
static void put_ntlmssp_negotiate(uint8_t *p)
{
	memset(p, 0, NTLMSSP_NEGOTIATE_LEN);
	memcpy(p, ntlmssp_sig, sizeof(ntlmssp_sig));
	put32(p + 8, 1);
	put32(p + 12, NTLMSSP_CLIENT_FLAGS);
	put32(p + 20, NTLMSSP_NEGOTIATE_LEN); /* DomainNameFields: empty, at the end */
	put32(p + 28, NTLMSSP_NEGOTIATE_LEN); /* WorkstationFields: likewise */
	p[39] = NTLMSSP_NTLM_REVISION_W2K3;
}

size_t smb_build_session_setup(uint8_t *buf, size_t cap, uint16_t dialect)
{
	/*
	 * GSS-API InitialContextToken (RFC 2743 3.1) around SPNEGO:
	 *   [APPLICATION 0] { OID spnego, [0] NegTokenInit SEQUENCE {
	 *       [0] mechTypes SEQUENCE { OID ntlmssp },
	 *       [2] mechToken OCTET STRING { NTLMSSP NEGOTIATE } } }
	 */
	size_t tok = der_total(NTLMSSP_NEGOTIATE_LEN);
	size_t mech_token = der_total(tok);
	size_t oid_elem = der_total(sizeof(oid_ntlmssp));
	size_t mech_seq = der_total(oid_elem);
	size_t mech_types = der_total(mech_seq);
	size_t init_seq = der_total(mech_types + mech_token);
	size_t neg_init = der_total(init_seq);
	size_t gss_content = der_total(sizeof(oid_spnego)) + neg_init;
	size_t blob_len = der_total(gss_content);
	size_t body = SMB2_HDR, blob = body + 24;
	size_t frame_len = NBSS_HDR + blob + blob_len;
	uint8_t *m = buf + NBSS_HDR, *p;

	if (cap < frame_len)
		return 0;
	memset(buf, 0, frame_len);
	put_headers(buf, frame_len, SMB2_SESSION_SETUP, dialect >= 0x0210 ? 1 : 0, 1);

	p = m + body;
	put16(p, 25);
	p[3] = SMB2_NEGOTIATE_SIGNING_ENABLED;
	put32(p + 4, 0x00000001); /* SMB2_GLOBAL_CAP_DFS */
	put16(p + 12, (uint16_t)blob);
	put16(p + 14, (uint16_t)blob_len);

	p = m + blob;
	p += der_put(p, 0x60, gss_content);
	p += der_put(p, 0x06, sizeof(oid_spnego));
	memcpy(p, oid_spnego, sizeof(oid_spnego));
	p += sizeof(oid_spnego);
	p += der_put(p, 0xa0, init_seq);
	p += der_put(p, 0x30, mech_types + mech_token);
	p += der_put(p, 0xa0, mech_seq);
	p += der_put(p, 0x30, oid_elem);
	p += der_put(p, 0x06, sizeof(oid_ntlmssp));
	memcpy(p, oid_ntlmssp, sizeof(oid_ntlmssp));
	p += sizeof(oid_ntlmssp);
	p += der_put(p, 0xa2, tok);
	p += der_put(p, 0x04, NTLMSSP_NEGOTIATE_LEN);
	put_ntlmssp_negotiate(p);
	return frame_len;
}

/* ---------------------------------------------------------------- frames */

size_t smb_frame_length(const uint8_t *buf, size_t len)
{
	if (len < NBSS_HDR)
		return 0;
	return NBSS_HDR + ((size_t)buf[1] << 16 | (size_t)buf[2] << 8 | buf[3]);
}

/*
 * Check the session header and the SMB2 header of a response; on success
 * *msg and *msg_len are the SMB2 message (header onwards) and *status its NT
 * status.
 */
static int smb2_response(const uint8_t *buf, size_t len, uint16_t command, const uint8_t **msg,
			 size_t *msg_len, uint32_t *status)
{
	const char *what = command == SMB2_NEGOTIATE ? "NEGOTIATE" : "SESSION_SETUP";
	size_t frame;
	const uint8_t *h;

	if (len < NBSS_HDR)
		return nc_fail(NC_ERR_INVALID, "SMB %s: %zu bytes, no session header", what, len);
	if (buf[0] != 0x00)
		return nc_fail(NC_ERR_INVALID, "SMB %s: session message type 0x%02x", what, buf[0]);
	frame = smb_frame_length(buf, len);
	if (frame > len)
		return nc_fail(NC_ERR_INVALID, "SMB %s: frame of %zu bytes truncated at %zu", what,
			       frame, len);
	h = buf + NBSS_HDR;
	*msg = h;
	*msg_len = frame - NBSS_HDR;
	if (*msg_len >= 4 && h[0] == 0xff && h[1] == 'S' && h[2] == 'M' && h[3] == 'B')
		return nc_fail(NC_ERR_INVALID, "SMB %s: SMB1 reply (no SMB2 support)", what);
	if (*msg_len < SMB2_HDR)
		return nc_fail(NC_ERR_INVALID, "SMB %s: %zu-byte message, shorter than a header",
			       what, *msg_len);
	if (h[0] != 0xfe || h[1] != 'S' || h[2] != 'M' || h[3] != 'B')
		return nc_fail(NC_ERR_INVALID, "SMB %s: no SMB2 protocol id", what);
	if (get16(h + 4) != SMB2_HDR)
		return nc_fail(NC_ERR_INVALID, "SMB %s: header StructureSize %u", what,
			       get16(h + 4));
	if (get16(h + 12) != command)
		return nc_fail(NC_ERR_INVALID, "SMB %s: reply to command 0x%04x", what,
			       get16(h + 12));
	if (!(get32(h + 16) & SMB2_FLAGS_SERVER_TO_REDIR))
		return nc_fail(NC_ERR_INVALID, "SMB %s: not a response", what);
	*status = get32(h + 8);
	return 0;
}

/* Negotiate contexts (3.1.1): each inside the message, 8-byte aligned. */
static int check_negotiate_contexts(const uint8_t *m, size_t len, size_t off, unsigned count)
{
	for (unsigned i = 0; i < count; i++) {
		size_t dlen;

		if (off % 8 != 0 || !span_ok(len, off, 8))
			return nc_fail(
			    NC_ERR_INVALID,
			    "SMB NEGOTIATE: context %u at offset %zu outside the %zu-byte message",
			    i, off, len);
		dlen = get16(m + off + 2);
		if (!span_ok(len, off + 8, dlen))
			return nc_fail(
			    NC_ERR_INVALID,
			    "SMB NEGOTIATE: context %u data of %zu bytes runs past the end", i,
			    dlen);
		off = align8(off + 8 + dlen);
	}
	return 0;
}

int smb_parse_negotiate(const uint8_t *buf, size_t len, smb_negotiate_info *out)
{
	const uint8_t *m, *b;
	size_t mlen, sec_off, sec_len;
	uint32_t status;
	uint16_t secmode;
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = smb2_response(buf, len, SMB2_NEGOTIATE, &m, &mlen, &status)) != 0)
		return r;
	out->status = status;
	if (status != STATUS_SUCCESS)
		return 0; /* an error response: the status says it all */
	if (mlen < SMB2_HDR + 64)
		return nc_fail(NC_ERR_INVALID, "SMB NEGOTIATE: %zu-byte body, need 64",
			       mlen - SMB2_HDR);
	b = m + SMB2_HDR;
	if (get16(b) != 65)
		return nc_fail(NC_ERR_INVALID, "SMB NEGOTIATE: response StructureSize %u",
			       get16(b));
	secmode = get16(b + 2);
	out->signing_enabled = secmode & SMB2_NEGOTIATE_SIGNING_ENABLED;
	out->signing_required = secmode & SMB2_NEGOTIATE_SIGNING_REQUIRED;
	out->dialect = get16(b + 4);
	memcpy(out->server_guid, b + 8, 16);
	out->capabilities = get32(b + 24);
	out->system_time = get64(b + 40);

	sec_off = get16(b + 56);
	sec_len = get16(b + 58);
	if (sec_len != 0 && (sec_off < SMB2_HDR + 64 || !span_ok(mlen, sec_off, sec_len)))
		return nc_fail(
		    NC_ERR_INVALID,
		    "SMB NEGOTIATE: security buffer %zu+%zu outside the %zu-byte message", sec_off,
		    sec_len, mlen);
	if (out->dialect == 0x0311 && get16(b + 6) != 0) {
		size_t ctx_off = get32(b + 60);

		if (ctx_off < SMB2_HDR + 64)
			return nc_fail(NC_ERR_INVALID,
				       "SMB NEGOTIATE: context offset %zu inside the fixed part",
				       ctx_off);
		if ((r = check_negotiate_contexts(m, mlen, ctx_off, get16(b + 6))) != 0)
			return r;
	}
	return 0;
}

/* ---------------------------------------------------------------- DER */

/*
 * Read one DER tag and length at *pos of p[0..end). On success *pos is the
 * start of the contents and *clen their length, which fits before end.
 * Only the forms SPNEGO uses: low tag numbers, definite lengths.
 */
static int der_next(const uint8_t *p, size_t end, size_t *pos, uint8_t *tag, size_t *clen)
{
	size_t i = *pos, n, l = 0;

	if (!span_ok(end, i, 2))
		return nc_fail(NC_ERR_INVALID, "SPNEGO: element header past the end");
	*tag = p[i++];
	if ((*tag & 0x1f) == 0x1f)
		return nc_fail(NC_ERR_INVALID, "SPNEGO: multi-byte tag");
	n = p[i++];
	if (n == 0x80)
		return nc_fail(NC_ERR_INVALID, "SPNEGO: indefinite length");
	if (n & 0x80) {
		n &= 0x7f;
		if (n > 3)
			return nc_fail(NC_ERR_INVALID, "SPNEGO: %zu-byte length field", n);
		if (!span_ok(end, i, n))
			return nc_fail(NC_ERR_INVALID, "SPNEGO: length field past the end");
		while (n--)
			l = l << 8 | p[i++];
	} else {
		l = n;
	}
	if (!span_ok(end, i, l))
		return nc_fail(NC_ERR_INVALID,
			       "SPNEGO: element 0x%02x of %zu bytes exceeds its parent (%zu left)",
			       *tag, l, end - i);
	*pos = i;
	*clen = l;
	return 0;
}

/* Enter an element that must have tag want; [*start, *end) become its
 * contents. */
static int der_enter(const uint8_t *p, size_t *start, size_t *end, uint8_t want)
{
	size_t pos = *start, clen;
	uint8_t tag;
	int r;

	if ((r = der_next(p, *end, &pos, &tag, &clen)) != 0)
		return r;
	if (tag != want)
		return nc_fail(NC_ERR_INVALID, "SPNEGO: tag 0x%02x where 0x%02x belongs", tag,
			       want);
	*start = pos;
	*end = pos + clen;
	return 0;
}

/*
 * The NTLMSSP token inside a server's SPNEGO reply. The usual shape is
 * NegTokenResp: [1] SEQUENCE { [0] negState, [1] supportedMech,
 * [2] responseToken OCTET STRING, [3] mechListMIC }. A bare NTLMSSP
 * message (some embedded servers) is taken as it is.
 */
static int spnego_response_token(const uint8_t *blob, size_t len, const uint8_t **tok,
				 size_t *tok_len)
{
	size_t s = 0, e = len, pos;
	int r;

	if (len >= sizeof(ntlmssp_sig) && memcmp(blob, ntlmssp_sig, sizeof(ntlmssp_sig)) == 0) {
		*tok = blob;
		*tok_len = len;
		return 0;
	}
	if (len == 0)
		return nc_fail(NC_ERR_INVALID, "SPNEGO: empty security blob");
	if (blob[0] == 0x60) {
		/* GSS InitialContextToken: the OID, then NegTokenInit or a token */
		size_t oid_len;
		uint8_t tag;

		if ((r = der_enter(blob, &s, &e, 0x60)) != 0)
			return r;
		pos = s;
		if ((r = der_next(blob, e, &pos, &tag, &oid_len)) != 0)
			return r;
		if (tag != 0x06)
			return nc_fail(NC_ERR_INVALID, "SPNEGO: GSS token without a mechanism OID");
		s = pos + oid_len;
		if (s < e && blob[s] == 0xa0) {
			/* NegTokenInit [0] SEQUENCE: mechToken is [2] */
			if ((r = der_enter(blob, &s, &e, 0xa0)) != 0 ||
			    (r = der_enter(blob, &s, &e, 0x30)) != 0)
				return r;
			goto fields;
		}
		if (span_ok(e, s, sizeof(ntlmssp_sig)) &&
		    memcmp(blob + s, ntlmssp_sig, sizeof(ntlmssp_sig)) == 0) {
			*tok = blob + s;
			*tok_len = e - s;
			return 0;
		}
		return nc_fail(NC_ERR_INVALID, "SPNEGO: GSS token without NegTokenInit");
	}
	if ((r = der_enter(blob, &s, &e, 0xa1)) != 0 || (r = der_enter(blob, &s, &e, 0x30)) != 0)
		return r;
fields:
	/* Walk the context-tagged fields; every one must fit in the sequence. */
	pos = s;
	while (pos < e) {
		size_t c, clen;
		uint8_t tag;

		if ((r = der_next(blob, e, &pos, &tag, &clen)) != 0)
			return r;
		c = pos;
		pos += clen;
		if (tag == 0xa0 && blob[0] == 0xa1) {
			/* negState ENUMERATED: 2 is reject */
			size_t es = c, ee = c + clen;

			if ((r = der_enter(blob, &es, &ee, 0x0a)) != 0)
				return r;
			if (ee - es == 1 && blob[es] == 2)
				return nc_fail(NC_ERR_INVALID, "SPNEGO: server rejected NTLMSSP");
		} else if (tag == 0xa2) {
			size_t ts = c, te = c + clen;

			if ((r = der_enter(blob, &ts, &te, 0x04)) != 0)
				return r;
			*tok = blob + ts;
			*tok_len = te - ts;
			return 0;
		}
	}
	return nc_fail(NC_ERR_INVALID, "SPNEGO: reply without a response token");
}

/* ---------------------------------------------------------------- NTLMSSP */

/*
 * UTF-16LE to UTF-8 into out[cap] (cap >= 1), always terminated. Pairs of
 * surrogates are joined; a lone one, or an odd byte count, is invalid. A
 * U+0000 ends the string; what does not fit is cut at a character.
 */
static int utf16le_to_utf8(const uint8_t *in, size_t len, char *out, size_t cap, const char *what)
{
	size_t o = 0;

	out[0] = '\0';
	if (len % 2 != 0)
		return nc_fail(NC_ERR_INVALID, "NTLMSSP: %s has odd UTF-16 length %zu", what, len);
	for (size_t i = 0; i < len; i += 2) {
		uint32_t c = get16(in + i);
		uint8_t enc[4];
		size_t n;

		if (c >= 0xdc00 && c <= 0xdfff)
			return nc_fail(NC_ERR_INVALID, "NTLMSSP: %s has a lone low surrogate",
				       what);
		if (c >= 0xd800 && c <= 0xdbff) {
			uint32_t lo;

			if (i + 4 > len)
				return nc_fail(NC_ERR_INVALID,
					       "NTLMSSP: %s ends in a high surrogate", what);
			lo = get16(in + i + 2);
			if (lo < 0xdc00 || lo > 0xdfff)
				return nc_fail(NC_ERR_INVALID,
					       "NTLMSSP: %s has an unpaired high surrogate", what);
			c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
			i += 2;
		}
		if (c == 0)
			break;
		if (c < 0x80) {
			enc[0] = (uint8_t)c;
			n = 1;
		} else if (c < 0x800) {
			enc[0] = (uint8_t)(0xc0 | c >> 6);
			enc[1] = (uint8_t)(0x80 | (c & 0x3f));
			n = 2;
		} else if (c < 0x10000) {
			enc[0] = (uint8_t)(0xe0 | c >> 12);
			enc[1] = (uint8_t)(0x80 | (c >> 6 & 0x3f));
			enc[2] = (uint8_t)(0x80 | (c & 0x3f));
			n = 3;
		} else {
			enc[0] = (uint8_t)(0xf0 | c >> 18);
			enc[1] = (uint8_t)(0x80 | (c >> 12 & 0x3f));
			enc[2] = (uint8_t)(0x80 | (c >> 6 & 0x3f));
			enc[3] = (uint8_t)(0x80 | (c & 0x3f));
			n = 4;
		}
		if (n > cap - 1 - o)
			break;
		memcpy(out + o, enc, n);
		o += n;
	}
	out[o] = '\0';
	return 0;
}

/* An OEM (8-bit) string, copied as it is; facts_clean() checks it later. */
static void oem_copy(const uint8_t *in, size_t len, char *out, size_t cap)
{
	size_t n = NC_MIN(len, cap - 1);

	memcpy(out, in, n);
	out[n] = '\0'; /* an embedded NUL simply ends it */
}

/*
 * A security buffer (Len, MaxLen, Offset) at field of the message m[0..len):
 * *off and *n say where its bytes are; they are inside the message.
 */
static int ntlm_field(const uint8_t *m, size_t len, size_t field, size_t *off, size_t *n,
		      const char *what)
{
	*n = get16(m + field);
	*off = get32(m + field + 4);
	if (*n != 0 && !span_ok(len, *off, *n))
		return nc_fail(
		    NC_ERR_INVALID,
		    "NTLMSSP: %s of %zu bytes at offset %zu outside the %zu-byte message", what, *n,
		    *off, len);
	return 0;
}

static int parse_target_info(const uint8_t *ti, size_t len, smb_ntlm_info *out)
{
	bool seen[8] = {false};
	size_t pos = 0;
	int r;

	for (;;) {
		uint16_t id, n;
		const uint8_t *v;

		if (!span_ok(len, pos, 4))
			return nc_fail(NC_ERR_INVALID,
				       "NTLMSSP: target info ends without MsvAvEOL");
		id = get16(ti + pos);
		n = get16(ti + pos + 2);
		pos += 4;
		if (id == MSV_AV_EOL)
			return 0;
		if (!span_ok(len, pos, n))
			return nc_fail(NC_ERR_INVALID,
				       "NTLMSSP: AV pair %u of %u bytes runs past the target info",
				       id, n);
		v = ti + pos;
		pos += n;
		if (id < ARRAY_SIZE(seen)) {
			if (seen[id])
				continue; /* the first of a repeated pair counts */
			seen[id] = true;
		}
		r = 0;
		switch (id) {
		case MSV_AV_NB_COMPUTER:
			r = utf16le_to_utf8(v, n, out->netbios_computer,
					    sizeof(out->netbios_computer), "NetBIOS computer name");
			break;
		case MSV_AV_NB_DOMAIN:
			r = utf16le_to_utf8(v, n, out->netbios_domain, sizeof(out->netbios_domain),
					    "NetBIOS domain name");
			break;
		case MSV_AV_DNS_COMPUTER:
			r = utf16le_to_utf8(v, n, out->dns_computer, sizeof(out->dns_computer),
					    "DNS computer name");
			break;
		case MSV_AV_DNS_DOMAIN:
			r = utf16le_to_utf8(v, n, out->dns_domain, sizeof(out->dns_domain),
					    "DNS domain name");
			break;
		case MSV_AV_DNS_TREE:
			r = utf16le_to_utf8(v, n, out->dns_tree, sizeof(out->dns_tree),
					    "DNS tree name");
			break;
		case MSV_AV_TIMESTAMP:
			if (n != 8)
				return nc_fail(NC_ERR_INVALID, "NTLMSSP: %u-byte timestamp", n);
			out->timestamp = get64(v);
			break;
		default:
			break; /* flags, single host, channel bindings: not ours */
		}
		if (r != 0)
			return r;
	}
}

int ntlmssp_parse_challenge(const uint8_t *blob, size_t len, smb_ntlm_info *out)
{
	const uint8_t *m = NULL;
	size_t mlen = 0, name_off, name_len, ti_off = 0, ti_len = 0, payload;
	uint32_t flags;
	int r;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; len >= 12 && i <= len - 12; i++) {
		if (memcmp(blob + i, ntlmssp_sig, sizeof(ntlmssp_sig)) == 0 &&
		    get32(blob + i + 8) == 2) {
			m = blob + i;
			mlen = len - i;
			break;
		}
	}
	if (m == NULL)
		return nc_fail(NC_ERR_INVALID, "NTLMSSP: no CHALLENGE message in %zu bytes", len);
	if (mlen < NTLMSSP_CHALLENGE_MIN)
		return nc_fail(NC_ERR_INVALID, "NTLMSSP: CHALLENGE of %zu bytes, need %d", mlen,
			       NTLMSSP_CHALLENGE_MIN);
	flags = get32(m + 20);
	if ((r = ntlm_field(m, mlen, 12, &name_off, &name_len, "target name")) != 0)
		return r;
	/* Where the payload starts bounds the optional fixed fields. */
	payload = name_len != 0 ? name_off : mlen;
	if (mlen >= 48) {
		if ((r = ntlm_field(m, mlen, 40, &ti_off, &ti_len, "target info")) != 0)
			return r;
		if (ti_len != 0)
			payload = NC_MIN(payload, ti_off);
	}
	if (ti_len != 0 && (flags & NTLMSSP_NEGOTIATE_TARGET_INFO) && payload >= 48) {
		if ((r = parse_target_info(m + ti_off, ti_len, out)) != 0)
			return r;
	}
	if ((flags & NTLMSSP_NEGOTIATE_VERSION) && mlen >= 56 && payload >= 56) {
		out->has_version = true;
		out->major = m[48];
		out->minor = m[49];
		out->build = get16(m + 50);
	}

	/* The target name is the domain (or server) name: a fallback. */
	if (name_len != 0) {
		char name[64];

		if (flags & NTLMSSP_NEGOTIATE_UNICODE) {
			if ((r = utf16le_to_utf8(m + name_off, name_len, name, sizeof(name),
						 "target name")) != 0)
				return r;
		} else {
			oem_copy(m + name_off, name_len, name, sizeof(name));
		}
		if ((flags & NTLMSSP_TARGET_TYPE_SERVER) && out->netbios_computer[0] == '\0')
			memcpy(out->netbios_computer, name, sizeof(name));
		else if ((flags & NTLMSSP_TARGET_TYPE_DOMAIN) && out->netbios_domain[0] == '\0')
			memcpy(out->netbios_domain, name, sizeof(name));
	}
	return 0;
}

int smb_parse_session_setup(const uint8_t *buf, size_t len, smb_ntlm_info *out)
{
	const uint8_t *m, *b, *tok = NULL;
	size_t mlen, sec_off, sec_len, tok_len = 0;
	uint32_t status;
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = smb2_response(buf, len, SMB2_SESSION_SETUP, &m, &mlen, &status)) != 0)
		return r;
	if (status != STATUS_MORE_PROCESSING_REQUIRED && status != STATUS_SUCCESS)
		return nc_fail(NC_ERR_INVALID, "SMB SESSION_SETUP: status 0x%08x", status);
	if (mlen < SMB2_HDR + 8)
		return nc_fail(NC_ERR_INVALID, "SMB SESSION_SETUP: %zu-byte body, need 8",
			       mlen - SMB2_HDR);
	b = m + SMB2_HDR;
	if (get16(b) != 9)
		return nc_fail(NC_ERR_INVALID, "SMB SESSION_SETUP: response StructureSize %u",
			       get16(b));
	sec_off = get16(b + 4);
	sec_len = get16(b + 6);
	if (sec_len == 0)
		return nc_fail(NC_ERR_INVALID, "SMB SESSION_SETUP: no security buffer");
	if (sec_off < SMB2_HDR + 8 || !span_ok(mlen, sec_off, sec_len))
		return nc_fail(
		    NC_ERR_INVALID,
		    "SMB SESSION_SETUP: security buffer %zu+%zu outside the %zu-byte message",
		    sec_off, sec_len, mlen);
	if ((r = spnego_response_token(m + sec_off, sec_len, &tok, &tok_len)) != 0)
		return r;
	return ntlmssp_parse_challenge(tok, tok_len, out);
}

/* ---------------------------------------------------------------- names */

const char *smb_dialect_name(uint16_t dialect)
{
	switch (dialect) {
	case 0x0202:
		return "SMB 2.0.2";
	case 0x0210:
		return "SMB 2.1";
	case 0x0300:
		return "SMB 3.0";
	case 0x0302:
		return "SMB 3.0.2";
	case 0x0311:
		return "SMB 3.1.1";
	case 0x02ff:
		return "SMB 2.???";
	default:
		return "unknown";
	}
}

/* Windows 10/11 and Server semi-annual feature updates by build. */
static const struct {
	uint16_t build;
	const char *name;
} win10_versions[] = {
    {10240, "1507"}, {10586, "1511"}, {14393, "1607"}, {15063, "1703"}, {16299, "1709"},
    {17134, "1803"}, {17763, "1809"}, {18362, "1903"}, {18363, "1909"}, {19041, "2004"},
    {19042, "20H2"}, {19043, "21H1"}, {19044, "21H2"}, {19045, "22H2"}, {20348, "21H2"},
    {22000, "21H2"}, {22621, "22H2"}, {22631, "23H2"}, {25398, "23H2"}, {26100, "24H2"},
    {26200, "25H2"},
};

const char *smb_windows_version_name(uint8_t major, uint8_t minor, uint16_t build)
{
	if (major != 10 || minor != 0)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(win10_versions); i++)
		if (win10_versions[i].build == build)
			return win10_versions[i].name;
	return NULL;
}

static const char *windows10_release(uint16_t build, bool server)
{
	/* Builds that only ever shipped as a server. */
	if (build == 20348)
		return "Windows Server 2022";
	if (build == 25398)
		return "Windows Server 23H2";
	if (server) {
		if (build >= 26100)
			return "Windows Server 2025";
		if (build >= 20348)
			return "Windows Server 2022";
		if (build == 17763 || (build > 17763 && build < 18362))
			return "Windows Server 2019";
		if (build == 14393 || (build > 14393 && build < 16299))
			return "Windows Server 2016";
		if (build >= 16299)
			return "Windows Server"; /* semi-annual channel, 1709 .. 20H2 */
		return "Windows Server 2016";	 /* technical previews */
	}
	return build >= 22000 ? "Windows 11" : "Windows 10";
}

const char *smb_windows_release(uint8_t major, uint8_t minor, uint16_t build, bool server)
{
	if (build == 0)
		return NULL; /* no Windows reports build 0; Samba does */
	switch (major << 8 | minor) {
	case 0x0500:
		return server ? "Windows 2000 Server" : "Windows 2000";
	case 0x0501:
		return "Windows XP";
	case 0x0502:
		return server ? "Windows Server 2003" : "Windows XP";
	case 0x0600:
		return server ? "Windows Server 2008" : "Windows Vista";
	case 0x0601:
		return server ? "Windows Server 2008 R2" : "Windows 7";
	case 0x0602:
		return server ? "Windows Server 2012" : "Windows 8";
	case 0x0603:
		return server ? "Windows Server 2012 R2" : "Windows 8.1";
	case 0x0a00:
		return windows10_release(build, server);
	default:
		return NULL;
	}
}

bool smb_is_samba(const smb_ntlm_info *ntlm)
{
	/* Samba's NTLMSSP server writes VERSION 6.1 with build 0 (and
	 * revision 15); Windows always puts its real build there. */
	return ntlm->has_version && ntlm->major == 6 && ntlm->minor == 1 && ntlm->build == 0;
}

/* ---------------------------------------------------------------- facts */

int smb_add_facts(host_facts *h, const smb_negotiate_info *neg, const smb_ntlm_info *ntlm,
		  bool server)
{
	const fact_source S = FACT_SRC_SMB;
	int r;

#define ADD(conf, key, val)                                                                        \
	do {                                                                                       \
		if ((val)[0] != '\0' && (r = host_facts_add(h, S, conf, key, val)) != 0)           \
			return r;                                                                  \
	} while (0)

	if (neg != NULL && neg->status == STATUS_SUCCESS && neg->dialect != 0) {
		const uint8_t *g = neg->server_guid;

		ADD(100, "smb.dialect", smb_dialect_name(neg->dialect));
		ADD(100, "smb.signing",
		    neg->signing_required  ? "required"
		    : neg->signing_enabled ? "enabled"
					   : "disabled");
		/* GUID in its registry form: the first three fields are LE */
		if ((r = host_facts_addf(h, S, 100, "smb.server_guid",
					 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
					 "%02x%02x%02x%02x%02x%02x",
					 g[3], g[2], g[1], g[0], g[5], g[4], g[7], g[6], g[8], g[9],
					 g[10], g[11], g[12], g[13], g[14], g[15])) != 0)
			return r;
	}
	if (ntlm == NULL)
		return 0;
	ADD(100, "smb.netbios_name", ntlm->netbios_computer);
	ADD(100, "smb.netbios_domain", ntlm->netbios_domain);
	ADD(100, "smb.dns_name", ntlm->dns_computer);
	ADD(100, "smb.dns_domain", ntlm->dns_domain);
	ADD(100, "smb.dns_tree", ntlm->dns_tree);
	ADD(90, "host.name", ntlm->netbios_computer);
	/*
	 * A machine outside any domain (a workgroup Windows or a standalone
	 * Samba) names itself as the NTLM domain; that is not a domain, and the
	 * workgroup is better told by NetBIOS.
	 */
	if (ntlm->dns_domain[0] != '\0' && strcasecmp(ntlm->dns_domain, ntlm->dns_computer) != 0)
		ADD(80, "host.domain", ntlm->dns_domain);
	else if (strcasecmp(ntlm->netbios_domain, ntlm->netbios_computer) != 0)
		ADD(80, "host.domain", ntlm->netbios_domain);
	if (strchr(ntlm->dns_computer, '.') != NULL)
		ADD(90, "host.fqdn", ntlm->dns_computer);
	if (smb_is_samba(ntlm)) {
		ADD(90, "smb.implementation", "Samba");
	} else if (ntlm->has_version) {
		const char *rel =
		    smb_windows_release(ntlm->major, ntlm->minor, ntlm->build, server);
		const char *ver = smb_windows_version_name(ntlm->major, ntlm->minor, ntlm->build);

		if ((r = host_facts_addf(h, S, 100, "smb.os_version", "%u.%u.%u", ntlm->major,
					 ntlm->minor, ntlm->build)) != 0)
			return r;
		if (rel != NULL) {
			ADD(90, "smb.implementation", "Windows");
			ADD(80, "os.family", "Windows");
			ADD(70, "os.name", rel);
			if ((r = host_facts_addf(h, S, 80, "os.version", "%u.%u", ntlm->major,
						 ntlm->minor)) != 0 ||
			    (r = host_facts_addf(h, S, 80, "os.build", "%u", ntlm->build)) != 0)
				return r;
			if (ver != NULL)
				ADD(90, "smb.windows_version", ver);
		}
	}
#undef ADD
	return 0;
}
