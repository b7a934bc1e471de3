#include "config.h"

/*
 * test_smb.c — SMB2 NEGOTIATE / SESSION_SETUP builders and the NTLMSSP
 * challenge parser.
 *
 * The parsers are checked on replies captured from a real smbd
 * (tests/data/smb, see its README) and on a hand-made Windows-like
 * challenge (10.0.20348 → Windows Server 2022), and then on every way a
 * hostile server could lie: frames cut at every length, offsets past the
 * end, lengths that overflow when added, UTF-16 with odd lengths and lone
 * surrogates, SPNEGO elements that claim more than their parent holds.
 * The builders must produce exactly the requests that smbd accepted when
 * the captures were made.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fingerprint/facts.h"
#include "fingerprint/smb.h"
#include "util/compat.h"
#include "util/err.h"

#define MAXF 4096

typedef struct {
	uint8_t b[MAXF];
	size_t len;
} blob;

static void load(const char *name, blob *out)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/smb/%s", NC_TEST_DATA, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	out->len = fread(out->b, 1, sizeof(out->b), f);
	fclose(f);
	assert_true(out->len > 0);
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)rd16(p) | (uint32_t)rd16(p + 2) << 16;
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, (uint16_t)v);
	wr16(p + 2, (uint16_t)(v >> 16));
}

/* Rewrite the NetBIOS session length after a frame was cut to len bytes. */
static void set_nbss(uint8_t *b, size_t len)
{
	size_t n = len - 4;

	b[1] = (uint8_t)(n >> 16);
	b[2] = (uint8_t)(n >> 8);
	b[3] = (uint8_t)n;
}

static const uint8_t test_guid[16] = {0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
				      0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f};

/* ------------------------------------------------------- a Windows-like reply */

/* ASCII or UTF-8 text → UTF-16LE (BMP and astral via surrogates). */
static size_t u16(const char *s, uint8_t *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0;

	while (*p) {
		uint32_t c;

		if (*p < 0x80) {
			c = *p++;
		} else if ((*p & 0xe0) == 0xc0) {
			c = (uint32_t)(p[0] & 0x1f) << 6 | (p[1] & 0x3f);
			p += 2;
		} else if ((*p & 0xf0) == 0xe0) {
			c = (uint32_t)(p[0] & 0x0f) << 12 | (uint32_t)(p[1] & 0x3f) << 6 |
			    (p[2] & 0x3f);
			p += 3;
		} else {
			c = (uint32_t)(p[0] & 0x07) << 18 | (uint32_t)(p[1] & 0x3f) << 12 |
			    (uint32_t)(p[2] & 0x3f) << 6 | (p[3] & 0x3f);
			p += 4;
		}
		if (c >= 0x10000) {
			c -= 0x10000;
			wr16(out + o, (uint16_t)(0xd800 + (c >> 10)));
			wr16(out + o + 2, (uint16_t)(0xdc00 + (c & 0x3ff)));
			o += 4;
		} else {
			wr16(out + o, (uint16_t)c);
			o += 2;
		}
	}
	return o;
}

typedef struct {
	const char *nb_computer, *nb_domain, *dns_computer, *dns_domain, *dns_tree;
	uint8_t major, minor;
	uint16_t build;
	uint32_t flags;
} win_params;

static const win_params win2022 = {
    .nb_computer = "WIN-SRV22",
    .nb_domain = "CONTOSO",
    .dns_computer = "win-srv22.contoso.local",
    .dns_domain = "contoso.local",
    .dns_tree = "contoso.local",
    .major = 10,
    .minor = 0,
    .build = 20348,
    .flags = 0xe2898215,
};

#define WIN_TIMESTAMP 0x01da1234abcd5678ull

/* Where the pieces of a built challenge lie (offsets in its buffer). */
typedef struct {
	size_t len;
	size_t name_off, ti_off, ti_len;
	size_t av_nb_computer; /* the AV pair header of MsvAvNbComputerName */
	size_t av_timestamp;
	size_t av_eol;
} chal_layout;

static size_t put_av(uint8_t *p, uint16_t id, const char *s)
{
	size_t n = u16(s, p + 4);

	wr16(p, id);
	wr16(p + 2, (uint16_t)n);
	return 4 + n;
}

/* A CHALLENGE_MESSAGE like Windows sends: fixed part with VERSION, target
 * name, then the AV pairs. */
static chal_layout build_challenge(uint8_t *m, const win_params *w)
{
	chal_layout L = {0};
	size_t o = 56, name_len;

	memset(m, 0, 56);
	memcpy(m, "NTLMSSP", 8);
	wr32(m + 8, 2);
	wr32(m + 20, w->flags);
	memcpy(m + 24, "\x01\x23\x45\x67\x89\xab\xcd\xef", 8);
	m[48] = w->major;
	m[49] = w->minor;
	wr16(m + 50, w->build);
	m[55] = 0x0f;

	name_len = u16(w->nb_domain, m + o);
	L.name_off = o;
	wr16(m + 12, (uint16_t)name_len);
	wr16(m + 14, (uint16_t)name_len);
	wr32(m + 16, (uint32_t)o);
	o += name_len;

	L.ti_off = o;
	o += put_av(m + o, 2, w->nb_domain);
	L.av_nb_computer = o;
	o += put_av(m + o, 1, w->nb_computer);
	o += put_av(m + o, 4, w->dns_domain);
	o += put_av(m + o, 3, w->dns_computer);
	o += put_av(m + o, 5, w->dns_tree);
	L.av_timestamp = o;
	wr16(m + o, 7);
	wr16(m + o + 2, 8);
	wr32(m + o + 4, (uint32_t)WIN_TIMESTAMP);
	wr32(m + o + 8, (uint32_t)(WIN_TIMESTAMP >> 32));
	o += 12;
	L.av_eol = o;
	wr32(m + o, 0);
	o += 4;
	L.ti_len = o - L.ti_off;
	wr16(m + 40, (uint16_t)L.ti_len);
	wr16(m + 42, (uint16_t)L.ti_len);
	wr32(m + 44, (uint32_t)L.ti_off);
	L.len = o;
	return L;
}

/* DER header with a minimal length; returns its size. */
static size_t der(uint8_t *p, uint8_t tag, size_t len)
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

static size_t der_hdr_len(size_t len)
{
	return len < 0x80 ? 2 : len < 0x100 ? 3 : 4;
}

static const uint8_t ntlm_oid[] = {0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04,
				   0x01, 0x82, 0x37, 0x02, 0x02, 0x0a};

/* Offsets (in the frame) of the SPNEGO elements of a built reply. */
typedef struct {
	size_t len;
	size_t blob, a1, seq, a2, octets, ntlm;
	chal_layout chal;
} reply_layout;

/*
 * SESSION_SETUP response frame: NetBIOS header, SMB2 header with
 * STATUS_MORE_PROCESSING_REQUIRED, body, and NegTokenResp { negState
 * accept-incomplete, supportedMech NTLMSSP, responseToken challenge }.
 */
static reply_layout build_reply(uint8_t *f, const win_params *w)
{
	uint8_t chal[1024];
	reply_layout R = {0};
	chal_layout C = build_challenge(chal, w);
	size_t octets = der_hdr_len(C.len) + C.len;
	size_t a2 = der_hdr_len(octets) + octets;
	size_t seq_content = 5 + sizeof(ntlm_oid) + 2 + a2;
	size_t seq = der_hdr_len(seq_content) + seq_content;
	size_t total = der_hdr_len(seq) + seq, o;
	uint8_t *h = f + 4;

	memset(f, 0, 4 + 64 + 8);
	memcpy(h, "\xfeSMB", 4);
	wr16(h + 4, 64);
	wr32(h + 8, 0xc0000016);
	wr16(h + 12, 1);
	wr16(h + 14, 1);
	wr32(h + 16, 1);
	wr32(h + 24, 1);
	wr32(h + 40, 0x0000abcd);
	wr16(h + 64, 9);
	wr16(h + 68, 72);
	wr16(h + 70, (uint16_t)total);

	o = R.blob = R.a1 = 4 + 72;
	o += der(f + o, 0xa1, seq);
	R.seq = o;
	o += der(f + o, 0x30, seq_content);
	memcpy(f + o, "\xa0\x03\x0a\x01\x01", 5);
	o += 5;
	o += der(f + o, 0xa1, sizeof(ntlm_oid));
	memcpy(f + o, ntlm_oid, sizeof(ntlm_oid));
	o += sizeof(ntlm_oid);
	R.a2 = o;
	o += der(f + o, 0xa2, octets);
	R.octets = o;
	o += der(f + o, 0x04, C.len);
	R.ntlm = o;
	memcpy(f + o, chal, C.len);
	o += C.len;
	R.len = o;
	R.chal = C;
	set_nbss(f, o);
	return R;
}

/* Put a new length into the DER header at off, in the form it has. */
static void set_der_len(uint8_t *f, size_t off, size_t len)
{
	uint8_t l = f[off + 1];

	if (l < 0x80) {
		assert_true(len < 0x80);
		f[off + 1] = (uint8_t)len;
	} else if (l == 0x81) {
		assert_true(len < 0x100);
		f[off + 2] = (uint8_t)len;
	} else {
		f[off + 2] = (uint8_t)(len >> 8);
		f[off + 3] = (uint8_t)len;
	}
}

static size_t get_der_len(const uint8_t *f, size_t off)
{
	uint8_t l = f[off + 1];

	return l < 0x80 ? l : l == 0x81 ? f[off + 2] : (size_t)f[off + 2] << 8 | f[off + 3];
}

static bool has_fact(const host_facts *h, const char *key, const char *value)
{
	for (size_t i = 0; i < h->nfacts; i++)
		if (strcmp(h->facts[i].key, key) == 0 && strcmp(h->facts[i].value, value) == 0)
			return true;
	return false;
}

static bool has_key(const host_facts *h, const char *key)
{
	for (size_t i = 0; i < h->nfacts; i++)
		if (strcmp(h->facts[i].key, key) == 0)
			return true;
	return false;
}

/* ------------------------------------------------------------- builders */

static void test_build_negotiate_matches_capture(void **state)
{
	blob want;
	uint8_t b[512];
	size_t n = smb_build_negotiate(b, sizeof(b), test_guid);

	(void)state;
	load("negotiate_request.bin", &want);
	assert_int_equal(n, want.len);
	assert_memory_equal(b, want.b, n);
}

static void test_build_negotiate_layout(void **state)
{
	uint8_t b[512];
	size_t n = smb_build_negotiate(b, sizeof(b), test_guid);
	const uint8_t *m = b + 4, *body = m + 64;
	static const uint16_t dialects[] = {0x0202, 0x0210, 0x0300, 0x0302, 0x0311};
	size_t ctx, ctx2;

	(void)state;
	assert_int_equal(n, 182);
	assert_int_equal(smb_frame_length(b, n), n);
	assert_memory_equal(m, "\xfeSMB", 4);
	assert_int_equal(rd16(m + 4), 64);
	assert_int_equal(rd16(m + 12), 0); /* NEGOTIATE */
	assert_int_equal(rd32(m + 24), 0); /* MessageId 0 */
	assert_int_equal(rd16(body), 36);
	assert_int_equal(rd16(body + 2), ARRAY_SIZE(dialects));
	assert_int_equal(rd16(body + 4), 1); /* signing enabled */
	assert_memory_equal(body + 12, test_guid, 16);
	for (size_t i = 0; i < ARRAY_SIZE(dialects); i++)
		assert_int_equal(rd16(body + 36 + 2 * i), dialects[i]);

	ctx = rd32(body + 28);
	assert_int_equal(ctx, 112);
	assert_int_equal(ctx % 8, 0);
	assert_true(ctx >= 64 + 36 + 2 * ARRAY_SIZE(dialects));
	assert_int_equal(rd16(body + 32), 2);
	/* preauth integrity: one hash (SHA-512), 32-byte salt */
	assert_int_equal(rd16(m + ctx), 1);
	assert_int_equal(rd16(m + ctx + 2), 38);
	assert_int_equal(rd16(m + ctx + 8), 1);
	assert_int_equal(rd16(m + ctx + 10), 32);
	assert_int_equal(rd16(m + ctx + 12), 1);
	/* the second context starts 8-byte aligned after the first */
	ctx2 = (ctx + 8 + 38 + 7) & ~(size_t)7;
	assert_int_equal(ctx2, 160);
	assert_int_equal(rd16(m + ctx2), 2);
	assert_int_equal(rd16(m + ctx2 + 2), 10);
	assert_int_equal(rd16(m + ctx2 + 8), 4);
	assert_int_equal(rd16(m + ctx2 + 10), 0x0002); /* AES-128-GCM first */
	assert_int_equal(ctx2 + 8 + 10, n - 4);	       /* the last context ends the frame */
}

static void test_build_negotiate_small_cap(void **state)
{
	uint8_t b[512];

	(void)state;
	for (size_t cap = 0; cap < 182; cap++)
		assert_int_equal(smb_build_negotiate(b, cap, test_guid), 0);
	assert_int_equal(smb_build_negotiate(b, 182, test_guid), 182);
}

static void test_build_session_setup_matches_capture(void **state)
{
	blob want;
	uint8_t b[512];
	size_t n = smb_build_session_setup(b, sizeof(b), 0x0311);

	(void)state;
	load("session_setup_request.bin", &want);
	assert_int_equal(n, want.len);
	assert_memory_equal(b, want.b, n);
}

static void test_build_session_setup_layout(void **state)
{
	static const uint8_t spnego_head[] = {
	    0x60, 0x48, 0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02, /* GSS, SPNEGO */
	    0xa0, 0x3e, 0x30, 0x3c,					/* NegTokenInit */
	    0xa0, 0x0e, 0x30, 0x0c, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, /* mechTypes */
	    0x01, 0x82, 0x37, 0x02, 0x02, 0x0a, 0xa2, 0x2a, 0x04, 0x28, /* mechToken */
	};
	uint8_t b[512];
	size_t n = smb_build_session_setup(b, sizeof(b), 0x0311);
	const uint8_t *m = b + 4, *body = m + 64, *sec, *ntlm;

	(void)state;
	assert_int_equal(n, 166);
	assert_int_equal(smb_frame_length(b, n), n);
	assert_int_equal(rd16(m + 12), 1); /* SESSION_SETUP */
	assert_int_equal(rd32(m + 24), 1); /* MessageId 1 */
	assert_int_equal(rd16(m + 6), 1);  /* CreditCharge for 2.1+ */
	assert_int_equal(rd32(m + 40), 0); /* no session yet */
	assert_int_equal(rd16(body), 25);
	assert_int_equal(rd16(body + 12), 88);
	assert_int_equal(rd16(body + 14), n - 4 - 88);
	sec = m + rd16(body + 12);
	assert_memory_equal(sec, spnego_head, sizeof(spnego_head));
	ntlm = sec + sizeof(spnego_head);
	assert_memory_equal(ntlm, "NTLMSSP", 8);
	assert_int_equal(rd32(ntlm + 8), 1);
	assert_int_equal(rd32(ntlm + 12), 0xe2888205); /* the flags the brief asks for */
	assert_int_equal(ntlm + 40, b + n);

	/* SMB 2.0.2 has no credit charge */
	n = smb_build_session_setup(b, sizeof(b), 0x0202);
	assert_int_equal(rd16(b + 4 + 6), 0);
	for (size_t cap = 0; cap < 166; cap++)
		assert_int_equal(smb_build_session_setup(b, cap, 0x0311), 0);
}

static void test_frame_length(void **state)
{
	static const uint8_t h[] = {0x00, 0x01, 0x02, 0x03};

	(void)state;
	for (size_t len = 0; len < 4; len++)
		assert_int_equal(smb_frame_length(h, len), 0);
	assert_int_equal(smb_frame_length(h, 4), 4 + 0x010203);
	assert_int_equal(smb_frame_length((const uint8_t *)"\0\0\0\0", 4), 4);
}

/* ------------------------------------------------------------- negotiate */

static void test_parse_negotiate_samba_311(void **state)
{
	static const uint8_t guid[16] = {'n', 'c', 'l', 'a', 'b', 's', 'm', 'b'};
	smb_negotiate_info ni;
	blob f;

	(void)state;
	load("samba_negotiate_response.bin", &f);
	assert_int_equal(smb_parse_negotiate(f.b, f.len, &ni), 0);
	assert_int_equal(ni.status, 0);
	assert_int_equal(ni.dialect, 0x0311);
	assert_true(ni.signing_enabled);
	assert_false(ni.signing_required);
	assert_memory_equal(ni.server_guid, guid, 16);
	assert_int_equal(ni.capabilities, 0x00000007);
	assert_true(ni.system_time == 0x01dd7a16eca77590ull);
	assert_string_equal(smb_dialect_name(ni.dialect), "SMB 3.1.1");
}

static void test_parse_negotiate_samba_302_signing_required(void **state)
{
	smb_negotiate_info ni;
	blob f;

	(void)state;
	load("samba_smb302_negotiate_response.bin", &f);
	assert_int_equal(smb_parse_negotiate(f.b, f.len, &ni), 0);
	assert_int_equal(ni.dialect, 0x0302);
	assert_true(ni.signing_enabled);
	assert_true(ni.signing_required);
	assert_int_equal(ni.capabilities, 0x00000047);
	assert_string_equal(smb_dialect_name(ni.dialect), "SMB 3.0.2");
}

static void test_parse_negotiate_truncated_everywhere(void **state)
{
	static const char *const files[] = {"samba_negotiate_response.bin",
					    "samba_smb302_negotiate_response.bin"};
	smb_negotiate_info ni;

	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(files); k++) {
		blob f;

		load(files[k], &f);
		for (size_t len = 0; len < f.len; len++) {
			uint8_t *c = malloc(len ? len : 1);

			/* cut, the session header still claiming the whole frame */
			memcpy(c, f.b, len);
			assert_int_equal(smb_parse_negotiate(c, len, &ni), NC_ERR_INVALID);
			/* cut, and the session header telling the cut length */
			if (len >= 4) {
				set_nbss(c, len);
				assert_int_equal(smb_parse_negotiate(c, len, &ni), NC_ERR_INVALID);
			}
			free(c);
		}
	}
}

static void test_parse_negotiate_lying_fields(void **state)
{
	smb_negotiate_info ni;
	blob f, c;
	uint8_t *body;

	(void)state;
	load("samba_negotiate_response.bin", &f);

	/* security buffer past the end, and one that overflows a 16-bit sum */
	c = f;
	body = c.b + 4 + 64;
	wr16(body + 56, 0xfff0);
	assert_int_equal(smb_parse_negotiate(c.b, c.len, &ni), NC_ERR_INVALID);
	c = f;
	wr16(c.b + 4 + 64 + 58, 0xffff);
	assert_int_equal(smb_parse_negotiate(c.b, c.len, &ni), NC_ERR_INVALID);
	/* security buffer overlapping the fixed part */
	c = f;
	wr16(c.b + 4 + 64 + 56, 8);
	assert_int_equal(smb_parse_negotiate(c.b, c.len, &ni), NC_ERR_INVALID);
	/* negotiate contexts: offset past the end, near 2^32, unaligned, count lying */
	c = f;
	wr32(c.b + 4 + 64 + 60, (uint32_t)c.len);
	assert_int_equal(smb_parse_negotiate(c.b, c.len, &ni), NC_ERR_INVALID);
	c = f;
	wr32(c.b + 4 + 64 + 60, 0xfffffff8u);
	assert_int_equal(smb_parse_negotiate(c.b, c.len, &ni), NC_ERR_INVALID);
	c = f;
	wr32(c.b + 4 + 64 + 60, rd32(f.b + 4 + 64 + 60) + 2);
	assert_int_equal(smb_parse_negotiate(c.b, c.len, &ni), NC_ERR_INVALID);
	c = f;
	wr16(c.b + 4 + 64 + 6, 3);
	assert_int_equal(smb_parse_negotiate(c.b, c.len, &ni), NC_ERR_INVALID);
	/* a context whose data length runs past the end */
	c = f;
	wr16(c.b + 4 + rd32(f.b + 4 + 64 + 60) + 2, 0x1000);
	assert_int_equal(smb_parse_negotiate(c.b, c.len, &ni), NC_ERR_INVALID);
	/* wrong StructureSize, command, protocol id, direction */
	c = f;
	wr16(c.b + 4 + 64, 64);
	assert_int_equal(smb_parse_negotiate(c.b, c.len, &ni), NC_ERR_INVALID);
	c = f;
	wr16(c.b + 4 + 12, 1);
	assert_int_equal(smb_parse_negotiate(c.b, c.len, &ni), NC_ERR_INVALID);
	c = f;
	c.b[4] = 0xfd;
	assert_int_equal(smb_parse_negotiate(c.b, c.len, &ni), NC_ERR_INVALID);
	c = f;
	wr32(c.b + 4 + 16, 0);
	assert_int_equal(smb_parse_negotiate(c.b, c.len, &ni), NC_ERR_INVALID);
	c = f;
	c.b[0] = 0x85; /* a keep-alive, not a session message */
	assert_int_equal(smb_parse_negotiate(c.b, c.len, &ni), NC_ERR_INVALID);
	/* the original still parses: the edits were copies */
	assert_int_equal(smb_parse_negotiate(f.b, f.len, &ni), 0);
}

static void test_parse_negotiate_smb1_and_error(void **state)
{
	uint8_t smb1[4 + 40] = {0x00, 0x00, 0x00, 40, 0xff, 'S', 'M', 'B', 0x72};
	uint8_t err[4 + 64 + 9] = {0};
	smb_negotiate_info ni;

	(void)state;
	assert_int_equal(smb_parse_negotiate(smb1, sizeof(smb1), &ni), NC_ERR_INVALID);
	assert_non_null(strstr(nc_errmsg(NC_ERR_INVALID), "SMB1"));

	/* an error response: parsed, the status tells it */
	set_nbss(err, sizeof(err));
	memcpy(err + 4, "\xfeSMB", 4);
	wr16(err + 8, 64);
	wr32(err + 12, 0xc0000022);
	wr32(err + 20, 1);
	wr16(err + 68, 9);
	assert_int_equal(smb_parse_negotiate(err, sizeof(err), &ni), 0);
	assert_int_equal(ni.status, 0xc0000022);
	assert_int_equal(ni.dialect, 0);
}

/* ------------------------------------------------------------- session setup */

static void test_parse_session_setup_samba(void **state)
{
	smb_ntlm_info ti;
	blob f;

	(void)state;
	load("samba_session_setup_response.bin", &f);
	assert_int_equal(smb_parse_session_setup(f.b, f.len, &ti), 0);
	assert_string_equal(ti.netbios_computer, "NCLABSMB");
	/* a standalone Samba names itself as the domain; the workgroup
	 * (NCLAB) is what NetBIOS reports */
	assert_string_equal(ti.netbios_domain, "NCLABSMB");
	assert_string_equal(ti.dns_computer, "nclabsmb.nclab.test");
	assert_string_equal(ti.dns_domain, "nclab.test");
	assert_string_equal(ti.dns_tree, "");
	assert_true(ti.has_version);
	assert_int_equal(ti.major, 6);
	assert_int_equal(ti.minor, 1);
	assert_int_equal(ti.build, 0);
	assert_true(ti.timestamp == 0x01dd7a16eca7e6ceull);
	assert_true(smb_is_samba(&ti));
	assert_null(smb_windows_release(ti.major, ti.minor, ti.build, false));
	assert_null(smb_windows_release(ti.major, ti.minor, ti.build, true));
}

static void test_parse_session_setup_truncated_everywhere(void **state)
{
	smb_ntlm_info ti;
	blob f;

	(void)state;
	load("samba_session_setup_response.bin", &f);
	for (size_t len = 0; len < f.len; len++) {
		uint8_t *c = malloc(len ? len : 1);

		memcpy(c, f.b, len);
		assert_int_equal(smb_parse_session_setup(c, len, &ti), NC_ERR_INVALID);
		if (len >= 4) {
			set_nbss(c, len);
			assert_int_equal(smb_parse_session_setup(c, len, &ti), NC_ERR_INVALID);
		}
		free(c);
	}
}

static void test_parse_session_setup_windows_2022(void **state)
{
	uint8_t f[2048];
	reply_layout R = build_reply(f, &win2022);
	smb_ntlm_info ti;

	(void)state;
	assert_int_equal(smb_parse_session_setup(f, R.len, &ti), 0);
	assert_string_equal(ti.netbios_computer, "WIN-SRV22");
	assert_string_equal(ti.netbios_domain, "CONTOSO");
	assert_string_equal(ti.dns_computer, "win-srv22.contoso.local");
	assert_string_equal(ti.dns_domain, "contoso.local");
	assert_string_equal(ti.dns_tree, "contoso.local");
	assert_true(ti.has_version);
	assert_int_equal(ti.major, 10);
	assert_int_equal(ti.minor, 0);
	assert_int_equal(ti.build, 20348);
	assert_true(ti.timestamp == WIN_TIMESTAMP);
	assert_false(smb_is_samba(&ti));
	assert_string_equal(smb_windows_release(ti.major, ti.minor, ti.build, true),
			    "Windows Server 2022");
}

static void test_parse_session_setup_status(void **state)
{
	uint8_t f[2048];
	reply_layout R = build_reply(f, &win2022);
	smb_ntlm_info ti;

	(void)state;
	wr32(f + 4 + 8, 0xc0000022); /* STATUS_ACCESS_DENIED */
	assert_int_equal(smb_parse_session_setup(f, R.len, &ti), NC_ERR_INVALID);
	assert_non_null(strstr(nc_errmsg(NC_ERR_INVALID), "c0000022"));
	wr32(f + 4 + 8, 0); /* STATUS_SUCCESS with a token: taken */
	assert_int_equal(smb_parse_session_setup(f, R.len, &ti), 0);
}

static void test_parse_session_setup_security_buffer_lies(void **state)
{
	uint8_t f[2048], c[2048];
	reply_layout R = build_reply(f, &win2022);
	smb_ntlm_info ti;

	(void)state;
	memcpy(c, f, R.len);
	wr16(c + 4 + 64 + 4, 0xffff); /* offset past the end */
	assert_int_equal(smb_parse_session_setup(c, R.len, &ti), NC_ERR_INVALID);
	memcpy(c, f, R.len);
	wr16(c + 4 + 64 + 6, (uint16_t)(R.len - 4 - 72 + 1)); /* one byte too long */
	assert_int_equal(smb_parse_session_setup(c, R.len, &ti), NC_ERR_INVALID);
	memcpy(c, f, R.len);
	wr16(c + 4 + 64 + 6, 0xffff); /* offset + length overflow 16 bits */
	assert_int_equal(smb_parse_session_setup(c, R.len, &ti), NC_ERR_INVALID);
	memcpy(c, f, R.len);
	wr16(c + 4 + 64 + 4, 16); /* inside the header */
	assert_int_equal(smb_parse_session_setup(c, R.len, &ti), NC_ERR_INVALID);
	memcpy(c, f, R.len);
	wr16(c + 4 + 64 + 6, 0); /* no blob at all */
	assert_int_equal(smb_parse_session_setup(c, R.len, &ti), NC_ERR_INVALID);
	memcpy(c, f, R.len);
	wr16(c + 4 + 64, 17); /* StructureSize */
	assert_int_equal(smb_parse_session_setup(c, R.len, &ti), NC_ERR_INVALID);
}

static void test_spnego_nested_lengths_lie(void **state)
{
	uint8_t f[2048], c[2048];
	reply_layout R = build_reply(f, &win2022);
	smb_ntlm_info ti;
	const size_t elems[] = {R.a1, R.seq, R.a2, R.octets};

	(void)state;
	/* Each element claiming one byte more than its parent holds. */
	for (size_t i = 0; i < ARRAY_SIZE(elems); i++) {
		memcpy(c, f, R.len);
		set_der_len(c, elems[i], get_der_len(f, elems[i]) + 1);
		assert_int_equal(smb_parse_session_setup(c, R.len, &ti), NC_ERR_INVALID);
		assert_non_null(strstr(nc_errmsg(NC_ERR_INVALID), "SPNEGO"));
	}
	/* ... and claiming 0xffff */
	for (size_t i = 0; i < ARRAY_SIZE(elems); i++) {
		memcpy(c, f, R.len);
		c[elems[i] + 1] = 0x82;
		c[elems[i] + 2] = 0xff;
		c[elems[i] + 3] = 0xff;
		assert_int_equal(smb_parse_session_setup(c, R.len, &ti), NC_ERR_INVALID);
	}
	/* the OCTET STRING shorter than the challenge: the challenge is cut */
	memcpy(c, f, R.len);
	set_der_len(c, R.octets, get_der_len(f, R.octets) - 20);
	assert_int_equal(smb_parse_session_setup(c, R.len, &ti), NC_ERR_INVALID);
	/* a 5-byte length field, an indefinite length, a multi-byte tag */
	memcpy(c, f, R.len);
	c[R.a1 + 1] = 0x85;
	assert_int_equal(smb_parse_session_setup(c, R.len, &ti), NC_ERR_INVALID);
	memcpy(c, f, R.len);
	c[R.seq + 1] = 0x80;
	assert_int_equal(smb_parse_session_setup(c, R.len, &ti), NC_ERR_INVALID);
	memcpy(c, f, R.len);
	c[R.a2] = 0xbf;
	assert_int_equal(smb_parse_session_setup(c, R.len, &ti), NC_ERR_INVALID);
	/* wrong outer tags */
	memcpy(c, f, R.len);
	c[R.seq] = 0x31;
	assert_int_equal(smb_parse_session_setup(c, R.len, &ti), NC_ERR_INVALID);
	memcpy(c, f, R.len);
	c[R.octets] = 0x03;
	assert_int_equal(smb_parse_session_setup(c, R.len, &ti), NC_ERR_INVALID);
	/* no responseToken: [2] turned into [3] mechListMIC */
	memcpy(c, f, R.len);
	c[R.a2] = 0xa3;
	assert_int_equal(smb_parse_session_setup(c, R.len, &ti), NC_ERR_INVALID);
	/* negState reject */
	memcpy(c, f, R.len);
	c[R.seq + der_hdr_len(get_der_len(f, R.seq)) + 4] = 2;
	assert_int_equal(smb_parse_session_setup(c, R.len, &ti), NC_ERR_INVALID);
	assert_non_null(strstr(nc_errmsg(NC_ERR_INVALID), "reject"));
	/* untouched, it parses */
	assert_int_equal(smb_parse_session_setup(f, R.len, &ti), 0);
}

static void test_spnego_other_wrappings(void **state)
{
	uint8_t chal[1024], f[2048], g[2048], *b;
	chal_layout C = build_challenge(chal, &win2022);
	smb_ntlm_info ti;
	size_t o, gss;

	(void)state;
	/* A bare NTLMSSP token as the security blob. */
	memset(f, 0, 4 + 72);
	memcpy(f + 4, "\xfeSMB", 4);
	wr16(f + 8, 64);
	wr32(f + 12, 0xc0000016);
	wr16(f + 16, 1);
	wr32(f + 20, 1);
	wr16(f + 68, 9);
	wr16(f + 72, 72);
	wr16(f + 74, (uint16_t)C.len);
	memcpy(f + 76, chal, C.len);
	set_nbss(f, 76 + C.len);
	assert_int_equal(smb_parse_session_setup(f, 76 + C.len, &ti), 0);
	assert_string_equal(ti.netbios_computer, "WIN-SRV22");

	/* A GSS InitialContextToken with a NegTokenInit carrying it. */
	b = f + 76;
	{
		size_t octets = der_hdr_len(C.len) + C.len;
		size_t a2 = der_hdr_len(octets) + octets;
		size_t seq = der_hdr_len(a2) + a2;
		size_t a0 = der_hdr_len(seq) + seq;

		gss = 8 + a0;

		o = 0;
		o += der(b + o, 0x60, gss);
		memcpy(b + o, "\x06\x06\x2b\x06\x01\x05\x05\x02", 8);
		o += 8;
		o += der(b + o, 0xa0, seq);
		o += der(b + o, 0x30, a2);
		o += der(b + o, 0xa2, octets);
		o += der(b + o, 0x04, C.len);
		memcpy(b + o, chal, C.len);
		o += C.len;
	}
	wr16(f + 74, (uint16_t)o);
	set_nbss(f, 76 + o);
	assert_int_equal(smb_parse_session_setup(f, 76 + o, &ti), 0);
	assert_string_equal(ti.dns_computer, "win-srv22.contoso.local");
	/* ... whose outer length lies, or whose OID is not one */
	memcpy(g, f, 76 + o);
	set_der_len(g + 76, 0, gss + 1);
	assert_int_equal(smb_parse_session_setup(g, 76 + o, &ti), NC_ERR_INVALID);
	memcpy(g, f, 76 + o);
	g[76 + der_hdr_len(gss)] = 0x05;
	assert_int_equal(smb_parse_session_setup(g, 76 + o, &ti), NC_ERR_INVALID);
	memcpy(g, f, 76 + o);
	set_der_len(g + 76, der_hdr_len(gss), 0x7f);
	assert_int_equal(smb_parse_session_setup(g, 76 + o, &ti), NC_ERR_INVALID);
}

/* ------------------------------------------------------------- NTLMSSP itself */

static void test_ntlmssp_found_anywhere(void **state)
{
	uint8_t buf[1200];
	chal_layout C;
	smb_ntlm_info ti;

	(void)state;
	/* preceded by junk and by a NEGOTIATE-type NTLMSSP header */
	memset(buf, 0xa5, 40);
	memcpy(buf + 8, "NTLMSSP\0\x01\0\0\0", 12);
	C = build_challenge(buf + 40, &win2022);
	assert_int_equal(ntlmssp_parse_challenge(buf, 40 + C.len, &ti), 0);
	assert_string_equal(ti.netbios_domain, "CONTOSO");
	/* type 3 only: not a challenge */
	wr32(buf + 48, 3);
	assert_int_equal(ntlmssp_parse_challenge(buf, 40 + C.len, &ti), NC_ERR_INVALID);
	assert_int_equal(ntlmssp_parse_challenge(buf, 0, &ti), NC_ERR_INVALID);
	assert_int_equal(ntlmssp_parse_challenge(buf, 11, &ti), NC_ERR_INVALID);
}

static void test_ntlmssp_truncated_everywhere(void **state)
{
	uint8_t m[1024];
	chal_layout C = build_challenge(m, &win2022);
	smb_ntlm_info ti;

	(void)state;
	for (size_t len = 0; len < C.len; len++) {
		uint8_t *c = malloc(len ? len : 1);

		memcpy(c, m, len);
		assert_int_equal(ntlmssp_parse_challenge(c, len, &ti), NC_ERR_INVALID);
		free(c);
	}
	assert_int_equal(ntlmssp_parse_challenge(m, C.len, &ti), 0);
}

static void test_ntlmssp_lying_offsets(void **state)
{
	uint8_t m[1024], c[1024];
	chal_layout C = build_challenge(m, &win2022);
	smb_ntlm_info ti;

	(void)state;
#define TRY(edit)                                                                                  \
	do {                                                                                       \
		memcpy(c, m, C.len);                                                               \
		edit;                                                                              \
		assert_int_equal(ntlmssp_parse_challenge(c, C.len, &ti), NC_ERR_INVALID);          \
	} while (0)
	TRY(wr32(c + 44, (uint32_t)C.len)); /* target info at the end */
	TRY(wr32(c + 44, 0xfffffff0u));	    /* offset + len wraps 32 bits */
	TRY(wr32(c + 44, 0xffffffffu));
	TRY(wr16(c + 40, (uint16_t)(C.ti_len + 1))); /* one byte too long */
	TRY(wr16(c + 40, 0xffff));
	TRY(wr32(c + 16, 0xfffffffeu));		     /* target name offset */
	TRY(wr16(c + 12, 0xffff));		     /* target name length */
	TRY(wr16(c + C.av_nb_computer + 2, 0x7fff)); /* AV past the target info */
	TRY(wr16(c + C.av_timestamp + 2, 4));	     /* timestamp not 8 bytes */
	TRY(wr16(c + 40, (uint16_t)(C.ti_len - 4))); /* MsvAvEOL cut off */
	TRY(wr16(c + 40, (uint16_t)(C.ti_len - 6))); /* the timestamp cut */
#undef TRY
	/* untouched, it parses */
	assert_int_equal(ntlmssp_parse_challenge(m, C.len, &ti), 0);
}

static void test_ntlmssp_bad_utf16(void **state)
{
	uint8_t m[1024], c[1024];
	chal_layout C = build_challenge(m, &win2022);
	size_t v = C.av_nb_computer + 4; /* "WIN-SRV22" in UTF-16 */
	smb_ntlm_info ti;

	(void)state;
#define TRY(edit, what)                                                                            \
	do {                                                                                       \
		memcpy(c, m, C.len);                                                               \
		edit;                                                                              \
		assert_int_equal(ntlmssp_parse_challenge(c, C.len, &ti), NC_ERR_INVALID);          \
		assert_non_null(strstr(nc_errmsg(NC_ERR_INVALID), what));                          \
	} while (0)
	TRY(wr16(c + C.av_nb_computer + 2, 17), "odd"); /* 8.5 characters */
	TRY(wr16(c + v + 2, 0xdc00), "lone low surrogate");
	TRY(wr16(c + v + 2, 0xd800), "unpaired high surrogate");   /* then 'N' */
	TRY(wr16(c + v + 16, 0xdbff), "ends in a high surrogate"); /* last unit */
	TRY(wr16(c + C.name_off, 0xdfff), "lone low surrogate");   /* target name */
	TRY(wr16(c + 12, 3), "odd");
#undef TRY
}

static void test_ntlmssp_utf8_output(void **state)
{
	win_params w = win2022;
	char longname[600];
	uint8_t m[2048];
	smb_ntlm_info ti;
	size_t o = 0;

	(void)state;
	w.nb_computer = "M\xc3\x9cNCHEN-\xf0\x9f\x98\x80"; /* MÜNCHEN-😀 */
	/* 200 × 'ü' is 400 UTF-8 bytes: cut at a character, 254 bytes */
	for (int i = 0; i < 200; i++) {
		longname[o++] = (char)0xc3;
		longname[o++] = (char)0xbc;
	}
	longname[o] = '\0';
	w.dns_computer = longname;
	build_challenge(m, &w);
	assert_int_equal(ntlmssp_parse_challenge(m, sizeof(m), &ti), 0);
	assert_string_equal(ti.netbios_computer, "M\xc3\x9cNCHEN-\xf0\x9f\x98\x80");
	assert_int_equal(strlen(ti.dns_computer), 254);
	assert_memory_equal(ti.dns_computer, longname, 254);
}

static void test_ntlmssp_version_only_when_there(void **state)
{
	uint8_t m[1024], c[1024];
	chal_layout C = build_challenge(m, &win2022);
	smb_ntlm_info ti;

	(void)state;
	/* NEGOTIATE_VERSION clear: the field is not read */
	memcpy(c, m, C.len);
	wr32(c + 20, win2022.flags & ~0x02000000u);
	assert_int_equal(ntlmssp_parse_challenge(c, C.len, &ti), 0);
	assert_false(ti.has_version);
	assert_string_equal(ti.netbios_computer, "WIN-SRV22");

	/* An old-style message whose payload starts at 48: bytes 48..55 are
	 * payload, not a VERSION, even with the flag set. */
	memcpy(c, m, 48);
	memcpy(c + 48, m + C.name_off, C.len - C.name_off);
	wr32(c + 16, (uint32_t)(C.name_off - 8));
	wr32(c + 44, (uint32_t)(C.ti_off - 8));
	assert_int_equal(ntlmssp_parse_challenge(c, C.len - 8, &ti), 0);
	assert_false(ti.has_version);
	assert_string_equal(ti.dns_tree, "contoso.local");

	/* TARGET_INFO clear: no AV pairs, the target name fills the domain */
	memcpy(c, m, C.len);
	wr32(c + 20, win2022.flags & ~0x00800000u);
	assert_int_equal(ntlmssp_parse_challenge(c, C.len, &ti), 0);
	assert_string_equal(ti.netbios_domain, "CONTOSO");
	assert_string_equal(ti.netbios_computer, "");
	assert_true(ti.has_version);
}

/* ------------------------------------------------------------- names */

static void test_windows_release(void **state)
{
	static const struct {
		uint8_t major, minor;
		uint16_t build;
		bool server;
		const char *want;
	} cases[] = {
	    {6, 1, 7601, false, "Windows 7"},
	    {6, 1, 7601, true, "Windows Server 2008 R2"},
	    {6, 2, 9200, false, "Windows 8"},
	    {6, 2, 9200, true, "Windows Server 2012"},
	    {6, 3, 9600, false, "Windows 8.1"},
	    {6, 3, 9600, true, "Windows Server 2012 R2"},
	    {10, 0, 10240, false, "Windows 10"},
	    {10, 0, 19045, false, "Windows 10"},
	    {10, 0, 14393, true, "Windows Server 2016"},
	    {10, 0, 14393, false, "Windows 10"},
	    {10, 0, 17763, true, "Windows Server 2019"},
	    {10, 0, 17763, false, "Windows 10"},
	    {10, 0, 20348, true, "Windows Server 2022"},
	    {10, 0, 20348, false, "Windows Server 2022"}, /* server-only build */
	    {10, 0, 26100, true, "Windows Server 2025"},
	    {10, 0, 26100, false, "Windows 11"},
	    {10, 0, 22000, false, "Windows 11"},
	    {10, 0, 22631, false, "Windows 11"},
	    {10, 0, 21999, false, "Windows 10"},
	    {6, 1, 0, false, NULL}, /* Samba */
	    {11, 0, 1000, false, NULL},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *got = smb_windows_release(cases[i].major, cases[i].minor,
						      cases[i].build, cases[i].server);

		if (cases[i].want == NULL)
			assert_null(got);
		else
			assert_string_equal(got, cases[i].want);
	}
	assert_string_equal(smb_windows_version_name(10, 0, 19045), "22H2");
	assert_string_equal(smb_windows_version_name(10, 0, 17763), "1809");
	assert_string_equal(smb_windows_version_name(10, 0, 22631), "23H2");
	assert_string_equal(smb_windows_version_name(10, 0, 26100), "24H2");
	assert_null(smb_windows_version_name(10, 0, 12345));
	assert_null(smb_windows_version_name(6, 1, 7601));
}

static void test_dialect_names(void **state)
{
	(void)state;
	assert_string_equal(smb_dialect_name(0x0202), "SMB 2.0.2");
	assert_string_equal(smb_dialect_name(0x0210), "SMB 2.1");
	assert_string_equal(smb_dialect_name(0x0300), "SMB 3.0");
	assert_string_equal(smb_dialect_name(0x0302), "SMB 3.0.2");
	assert_string_equal(smb_dialect_name(0x0311), "SMB 3.1.1");
	assert_string_equal(smb_dialect_name(0x1234), "unknown");
}

/* ------------------------------------------------------------- facts */

static void test_facts_samba(void **state)
{
	smb_negotiate_info ni;
	smb_ntlm_info ti;
	host_facts h;
	blob f;

	(void)state;
	load("samba_negotiate_response.bin", &f);
	assert_int_equal(smb_parse_negotiate(f.b, f.len, &ni), 0);
	load("samba_session_setup_response.bin", &f);
	assert_int_equal(smb_parse_session_setup(f.b, f.len, &ti), 0);
	host_facts_init(&h, 0xc6120901u);
	assert_int_equal(smb_add_facts(&h, &ni, &ti, false), 0);
	assert_true(has_fact(&h, "smb.dialect", "SMB 3.1.1"));
	assert_true(has_fact(&h, "smb.signing", "enabled"));
	assert_true(has_fact(&h, "smb.server_guid", "616c636e-7362-626d-0000-000000000000"));
	assert_true(has_fact(&h, "smb.netbios_name", "NCLABSMB"));
	assert_true(has_fact(&h, "smb.dns_name", "nclabsmb.nclab.test"));
	assert_true(has_fact(&h, "smb.dns_domain", "nclab.test"));
	assert_true(has_fact(&h, "smb.implementation", "Samba"));
	assert_true(has_fact(&h, "host.name", "NCLABSMB"));
	assert_true(has_fact(&h, "host.domain", "nclab.test"));
	assert_true(has_fact(&h, "host.fqdn", "nclabsmb.nclab.test"));
	assert_false(has_key(&h, "smb.dns_tree"));
	assert_false(has_key(&h, "os.name"));
	assert_false(has_key(&h, "os.family"));
	host_facts_clear(&h);
}

static void test_facts_windows(void **state)
{
	uint8_t f[2048];
	reply_layout R = build_reply(f, &win2022);
	smb_ntlm_info ti;
	host_facts h;

	(void)state;
	assert_int_equal(smb_parse_session_setup(f, R.len, &ti), 0);
	host_facts_init(&h, 0xc6120902u);
	assert_int_equal(smb_add_facts(&h, NULL, &ti, true), 0);
	assert_true(has_fact(&h, "os.family", "Windows"));
	assert_true(has_fact(&h, "os.name", "Windows Server 2022"));
	assert_true(has_fact(&h, "os.version", "10.0"));
	assert_true(has_fact(&h, "os.build", "20348"));
	assert_true(has_fact(&h, "smb.os_version", "10.0.20348"));
	assert_true(has_fact(&h, "smb.dns_tree", "contoso.local"));
	assert_true(has_fact(&h, "smb.implementation", "Windows"));
	assert_false(has_key(&h, "smb.dialect"));
	host_facts_clear(&h);

	/* a Windows 10 22H2 workstation */
	{
		win_params w = win2022;

		w.build = 19045;
		R = build_reply(f, &w);
		assert_int_equal(smb_parse_session_setup(f, R.len, &ti), 0);
		host_facts_init(&h, 0xc6120903u);
		assert_int_equal(smb_add_facts(&h, NULL, &ti, false), 0);
		assert_true(has_fact(&h, "os.name", "Windows 10"));
		assert_true(has_fact(&h, "smb.windows_version", "22H2"));
		host_facts_clear(&h);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_build_negotiate_matches_capture),
	    cmocka_unit_test(test_build_negotiate_layout),
	    cmocka_unit_test(test_build_negotiate_small_cap),
	    cmocka_unit_test(test_build_session_setup_matches_capture),
	    cmocka_unit_test(test_build_session_setup_layout),
	    cmocka_unit_test(test_frame_length),
	    cmocka_unit_test(test_parse_negotiate_samba_311),
	    cmocka_unit_test(test_parse_negotiate_samba_302_signing_required),
	    cmocka_unit_test(test_parse_negotiate_truncated_everywhere),
	    cmocka_unit_test(test_parse_negotiate_lying_fields),
	    cmocka_unit_test(test_parse_negotiate_smb1_and_error),
	    cmocka_unit_test(test_parse_session_setup_samba),
	    cmocka_unit_test(test_parse_session_setup_truncated_everywhere),
	    cmocka_unit_test(test_parse_session_setup_windows_2022),
	    cmocka_unit_test(test_parse_session_setup_status),
	    cmocka_unit_test(test_parse_session_setup_security_buffer_lies),
	    cmocka_unit_test(test_spnego_nested_lengths_lie),
	    cmocka_unit_test(test_spnego_other_wrappings),
	    cmocka_unit_test(test_ntlmssp_found_anywhere),
	    cmocka_unit_test(test_ntlmssp_truncated_everywhere),
	    cmocka_unit_test(test_ntlmssp_lying_offsets),
	    cmocka_unit_test(test_ntlmssp_bad_utf16),
	    cmocka_unit_test(test_ntlmssp_utf8_output),
	    cmocka_unit_test(test_ntlmssp_version_only_when_there),
	    cmocka_unit_test(test_windows_release),
	    cmocka_unit_test(test_dialect_names),
	    cmocka_unit_test(test_facts_samba),
	    cmocka_unit_test(test_facts_windows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
