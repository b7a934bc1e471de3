/*
 * fuzz_snmp.c — libFuzzer harness for what SNMP agents answer, as our code
 * handles it: snmp_collect() on one host, end to end (the system GET,
 * hrSystem scalars, every table walk, the facts, software, hardware and
 * printers made of them), with the agent replaced by the fuzz input.
 *
 * The harness defines net-snmp's snmp_sess_synch_response(), so the
 * library's own (which would send a datagram) is never called: every
 * request our code sends is answered with a response PDU built from the
 * next input bytes — a timeout, a library error, an agent error status, or
 * varbinds whose names (the requested OID, one after it, an earlier one,
 * the next column, an unrelated OID) and types (INTEGER, OCTET STRING,
 * OBJECT IDENTIFIER, IpAddress, Counter32/64, Gauge32, TimeTicks, Opaque,
 * NULL, the v2 exceptions) and values the input chooses. Sessions are
 * opened for real (v1 and v2c: a UDP socket, nothing sent; the peer is in
 * 198.18.0.0/15). The first byte picks the credentials' versions. The
 * rules of the source tree are loaded once, as a scan would.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#undef PACKAGE_BUGREPORT
#undef PACKAGE_NAME
#undef PACKAGE_STRING
#undef PACKAGE_TARNAME
#undef PACKAGE_URL
#undef PACKAGE_VERSION
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "fingerprint/rules.h"
#include "fingerprint/snmp.h"

/* The agent's side of the conversation: the input, consumed in order. */
static const uint8_t *in;
static size_t in_left;

static unsigned next_byte(void)
{
	if (in_left == 0)
		return 0;
	in_left--;
	return *in++;
}

static long next_long(void)
{
	uint64_t v = 0;
	unsigned n = next_byte() % 9;

	for (unsigned i = 0; i < n; i++)
		v = (v << 8) | next_byte();
	/* small numbers are the interesting ones; sometimes a negative one */
	return (n & 1) ? -(long)(v & 0xffff) : (long)v;
}

static const oid pfx_storage[] = {1, 3, 6, 1, 2, 1, 25, 2, 1};
static const oid pfx_device[] = {1, 3, 6, 1, 2, 1, 25, 3, 1};
static const oid pfx_prefix[] = {1, 3, 6, 1, 2, 1, 4, 32, 1, 5};

/* An OBJECT IDENTIFIER value: one of the prefixes our code looks for plus
 * a tail, or free sub-identifiers. */
static size_t make_oid_value(oid *buf, size_t max)
{
	unsigned sel = next_byte();
	size_t len = 0, tail = next_byte() % 24;
	const oid *p = NULL;
	size_t plen = 0;

	switch (sel % 4) {
	case 0:
		p = pfx_storage, plen = OID_LENGTH(pfx_storage);
		break;
	case 1:
		p = pfx_device, plen = OID_LENGTH(pfx_device);
		break;
	case 2:
		p = pfx_prefix, plen = OID_LENGTH(pfx_prefix);
		break;
	default:
		break;
	}
	for (size_t i = 0; i < plen && len < max; i++)
		buf[len++] = p[i];
	for (size_t i = 0; i < tail && len < max; i++) {
		unsigned b = next_byte();

		buf[len++] = b == 255 ? (oid)0xffffffffu : b;
	}
	return len;
}

static const u_char types[] = {
    ASN_OCTET_STR, ASN_INTEGER,	  ASN_OCTET_STR,     ASN_OBJECT_ID,	  ASN_INTEGER,
    ASN_IPADDRESS, ASN_COUNTER,	  ASN_GAUGE,	     ASN_TIMETICKS,	  ASN_COUNTER64,
    ASN_OPAQUE,	   ASN_NULL,	  SNMP_NOSUCHOBJECT, SNMP_NOSUCHINSTANCE, SNMP_ENDOFMIBVIEW,
    ASN_UINTEGER,
};

/* One varbind named name into resp, of the type and value the input says. */
static void add_varbind(netsnmp_pdu *resp, const oid *name, size_t name_len)
{
	u_char type = types[next_byte() % sizeof(types)];
	u_char bytes[1024];
	oid objid[MAX_OID_LEN];
	struct counter64 c64;
	long num;
	size_t len;

	switch (type) {
	case ASN_OCTET_STR:
	case ASN_OPAQUE:
	case ASN_IPADDRESS:
		len = next_byte();
		if (len == 255)
			len = sizeof(bytes);
		else if (type == ASN_IPADDRESS && len > 8)
			len = 4;
		len = len < in_left ? len : in_left;
		memcpy(bytes, in, len);
		in += len;
		in_left -= len;
		snmp_pdu_add_variable(resp, name, name_len, type, bytes, len);
		break;
	case ASN_OBJECT_ID:
		len = make_oid_value(objid, MAX_OID_LEN);
		snmp_pdu_add_variable(resp, name, name_len, type, objid, len * sizeof(oid));
		break;
	case ASN_COUNTER64:
		c64.high = (u_long)(next_long() & 0xffffffffu);
		c64.low = (u_long)(next_long() & 0xffffffffu);
		snmp_pdu_add_variable(resp, name, name_len, type, &c64, sizeof(c64));
		break;
	case ASN_INTEGER:
	case ASN_COUNTER:
	case ASN_GAUGE:
	case ASN_TIMETICKS:
	case ASN_UINTEGER:
		num = next_long();
		snmp_pdu_add_variable(resp, name, name_len, type, &num, sizeof(num));
		break;
	default:
		snmp_pdu_add_variable(resp, name, name_len, type, NULL, 0);
		break;
	}
}

/* The name of the next answer to a request for req: mostly one after it,
 * the way a walk moves, sometimes something an agent should not send. */
static size_t next_name(const oid *req, size_t req_len, oid *out, bool get)
{
	unsigned sel = next_byte();
	size_t len = req_len;

	memcpy(out, req, req_len * sizeof(oid));
	if (get)
		return (sel & 0xf) != 0 || len == 0 ? len : len - 1;
	switch (sel % 8) {
	case 0:
	case 1:
	case 2: /* into the column: append an index of 1-4 sub-ids */
		for (unsigned n = 1 + next_byte() % 4; n > 0 && len < MAX_OID_LEN; n--)
			out[len++] = next_byte();
		break;
	case 3:
	case 4: /* the next row of the column */
		if (len > 0)
			out[len - 1] += 1 + next_byte() % 3;
		break;
	case 5: /* the same OID again */
		break;
	case 6: /* past the column: the next one, or a shorter OID */
		if (len > 10)
			len = 10;
		if (len > 0)
			out[len - 1]++;
		break;
	default: /* anywhere */
		len = make_oid_value(out, MAX_OID_LEN);
		break;
	}
	return len;
}

/* net-snmp's blocking request, answered from the input (see the top). */
int snmp_sess_synch_response(void *sessp, netsnmp_pdu *pdu, netsnmp_pdu **response)
{
	oid cur[16][MAX_OID_LEN];
	size_t curlen[16], nreq = 0, reps = 1;
	netsnmp_variable_list *vb;
	netsnmp_session *ss = snmp_sess_session(sessp);
	netsnmp_pdu *resp;
	unsigned ctl;
	bool get = pdu->command == SNMP_MSG_GET;

	*response = NULL;
	for (vb = pdu->variables; vb != NULL && nreq < 16; vb = vb->next_variable, nreq++) {
		curlen[nreq] = vb->name_length <= MAX_OID_LEN ? vb->name_length : MAX_OID_LEN;
		memcpy(cur[nreq], vb->name, curlen[nreq] * sizeof(oid));
	}
	if (pdu->command == SNMP_MSG_GETBULK && pdu->max_repetitions > 0)
		reps = 1 + next_byte() % (size_t)pdu->max_repetitions;
	snmp_free_pdu(pdu);
	if (in_left == 0)
		return STAT_TIMEOUT;
	ctl = next_byte();
	if (ctl % 32 == 0)
		return STAT_TIMEOUT;
	if (ctl % 32 == 1) {
		if (ss != NULL)
			ss->s_snmp_errno = -(int)(next_byte() % 70);
		return STAT_ERROR;
	}
	if ((resp = snmp_pdu_create(SNMP_MSG_RESPONSE)) == NULL)
		return STAT_ERROR;
	if (ctl % 32 == 2) {
		resp->errstat = next_byte() % 20;
		resp->errindex = next_byte() % (nreq + 2);
	}
	if (ctl % 32 == 3 && nreq > 0)
		nreq--; /* a short answer */
	for (size_t r = 0; r < reps; r++)
		for (size_t k = 0; k < nreq; k++) {
			oid name[MAX_OID_LEN];
			size_t len = next_name(cur[k], curlen[k], name, get);

			add_varbind(resp, name, len);
			memcpy(cur[k], name, len * sizeof(oid));
			curlen[k] = len;
		}
	*response = resp;
	return STAT_SUCCESS;
}

static rules_t *rules;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	rules = rules_new();
	if (rules == NULL || rules_load_dir(rules, FUZZ_SRCDIR "/rules") != 0) {
		fprintf(stderr, "fuzz_snmp: cannot load %s/rules\n", FUZZ_SRCDIR);
		abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cred_snmp cs[2];
	credentials_t cr = {.snmp = cs, .nsnmp = 2};
	snmp_config cfg = {.creds = &cr,
			   .rules = rules,
			   .timeout_ms = 100,
			   .retries = 0,
			   .workers = 1,
			   .max_rows = 48};
	host_facts h, *hp = &h;
	unsigned first;

	if (size == 0)
		return 0;
	in = data;
	in_left = size;
	first = next_byte();
	memset(cs, 0, sizeof(cs));
	cs[0].name = (char *)"first";
	cs[0].version = (first & 1) ? 1 : 2;
	cs[0].community = (char *)"public";
	cs[1].name = (char *)"second";
	cs[1].version = (first & 2) ? 1 : 2;
	cs[1].community = (char *)"private";
	host_facts_init(&h, 0xc6120001u + (first >> 2)); /* 198.18.0.x */
	(void)snmp_collect(&cfg, &hp, 1);
	host_facts_clear(&h);
	return 0;
}
