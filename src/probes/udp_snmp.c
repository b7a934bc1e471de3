/*
 * udp_snmp.c — UDP probe to SNMP (161).
 *
 * We send an SNMPv3 engine-discovery request (noAuthNoPriv, empty user):
 * every v3 agent answers it with a Report, and it carries no community or
 * other secret.  A host without an agent usually answers ICMP port
 * unreachable, which proves it is up just as well.  The cookie sets our UDP
 * source port (14 bits) and the message and request ids.
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "probes/probe.h"

#define SNMP_PORT 161
#define SNMP_MSG_LEN 64

static uint32_t udp_cookie(const probe_env *env, uint32_t ours, uint32_t theirs)
{
	return cookie_make(&env->key, ours, theirs, 0, SNMP_PORT, PROBE_TAG_UDP);
}

static uint16_t udp_sport(uint32_t cookie)
{
	return (uint16_t)(49152 + (cookie & 0x3fff));
}

/* The fixed SNMPv3 discovery message; ids patched in at MSGID_AT, REQID_AT. */
static const uint8_t snmp_v3_discovery[SNMP_MSG_LEN] = {
	0x30, 0x3e,                                     /* SNMPv3Message */
	0x02, 0x01, 0x03,                               /* msgVersion 3 */
	0x30, 0x11,                                     /* msgGlobalData */
	0x02, 0x04, 0x00, 0x00, 0x00, 0x00,             /* msgID */
	0x02, 0x03, 0x00, 0xff, 0xe3,                   /* msgMaxSize 65507 */
	0x04, 0x01, 0x04,                               /* msgFlags: reportable */
	0x02, 0x01, 0x03,                               /* msgSecurityModel: USM */
	0x04, 0x10, 0x30, 0x0e,                         /* msgSecurityParameters */
	0x04, 0x00, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, /* engine id, boots, time */
	0x04, 0x00, 0x04, 0x00, 0x04, 0x00,             /* user, auth, priv */
	0x30, 0x14,                                     /* ScopedPDU */
	0x04, 0x00, 0x04, 0x00,                         /* context engine id, name */
	0xa0, 0x0e,                                     /* GetRequest-PDU */
	0x02, 0x04, 0x00, 0x00, 0x00, 0x00,             /* request-id */
	0x02, 0x01, 0x00, 0x02, 0x01, 0x00,             /* error status, index */
	0x30, 0x00,                                     /* no variable bindings */
};
#define MSGID_AT 9
#define REQID_AT 52

/* The checksum contribution of the template with both ids zero, computed
 * once (the race between two first callers is benign: same value). */
static uint32_t template_sum(void)
{
	static uint32_t sum;
	static bool ready;

	if (!ready) {
		sum = pkt_sum(snmp_v3_discovery, SNMP_MSG_LEN, 0);
		ready = true;
	}
	return sum;
}

static size_t udp_snmp_make_packet(const probe_env *env, const probe_dst *d, uint8_t *buf,
				   size_t cap)
{
	uint32_t cookie = cookie_derive(&env->key, d->flow, 0, SNMP_PORT, PROBE_TAG_UDP);
	uint32_t id = (cookie & 0x3fffffffu) | 0x40000000u; /* positive, 4 octets */
	uint8_t *ip = buf + PKT_ETH_HLEN, *udp = ip + PKT_IP_HLEN, *msg = udp + 8;
	size_t l4 = 8 + SNMP_MSG_LEN;

	if (cap < PKT_ETH_HLEN + PKT_IP_HLEN + l4)
		return 0;
	pkt_put_eth(buf, d->dst_mac, d->src_mac, PKT_ETHERTYPE_IPV4);
	pkt_put_ipv4(ip, d->src_ip, d->dst_ip, 17, (uint16_t)l4, (uint16_t)(cookie >> 3), 64);
	pkt_put16(udp, udp_sport(cookie));
	pkt_put16(udp + 2, SNMP_PORT);
	pkt_put16(udp + 4, (uint16_t)l4);
	memcpy(msg, snmp_v3_discovery, SNMP_MSG_LEN);
	pkt_put32(msg + MSGID_AT, id);
	pkt_put32(msg + REQID_AT, id);
	/*
	 * The checksum without re-reading the message just written: the
	 * template's sum (ids zero) plus the ids where they sit, plus the UDP
	 * and pseudo headers.
	 */
	{
		uint32_t sum = template_sum();
		uint16_t c;

		/* msgID straddles 16-bit words (odd offset), the request id not */
		sum += (id >> 24) + ((id >> 8) & 0xffff) + ((id & 0xff) << 8);
		sum += (id >> 16) + (id & 0xffff);
		sum += udp_sport(cookie) + SNMP_PORT + (uint32_t)l4;
		sum += pkt_pseudo_sum(d->src_ip, d->dst_ip, 17, (uint16_t)l4);
		c = pkt_fold(sum);
		pkt_put16(udp + 6, c == 0 ? 0xffff : c);
	}
	return PKT_ETH_HLEN + PKT_IP_HLEN + l4;
}

static bool udp_snmp_validate(const probe_env *env, const pkt_view *v, uint64_t now_ns,
			      probe_reply *out)
{
	if (v->ethertype != PKT_ETHERTYPE_IPV4 || v->ip_fragment)
		return false;
	if (v->ip_proto == 17) {
		if (v->sport != SNMP_PORT ||
		    v->dport != udp_sport(udp_cookie(env, v->ip_dst, v->ip_src)))
			return false;
		probe_reply_from_ip(v, REASON_UDP_RESPONSE, out);
	} else if (v->ip_proto == 1 && v->icmp_type == PKT_ICMP_UNREACH && v->has_inner) {
		if (v->in_proto != 17 || v->in_dport != SNMP_PORT || v->ip_src != v->in_dst ||
		    v->in_sport != udp_sport(udp_cookie(env, v->in_src, v->in_dst)))
			return false;
		probe_reply_from_ip(v, probe_unreach_reason(v->icmp_code), out);
	} else {
		return false;
	}
	return true;
}

const probe_module probe_udp_snmp = {
	.name = "udp-snmp",
	.kind = PROBE_KIND_IP,
	.make_packet = udp_snmp_make_packet,
	.validate = udp_snmp_validate,
};
