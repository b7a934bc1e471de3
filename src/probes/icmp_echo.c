/*
 * icmp_echo.c — ICMP echo request ("ping"), nmap's -PE.
 *
 * The cookie goes in the identifier and sequence number, which every stack
 * echoes; the payload carries our send time so the reply gives a round trip.
 */
#include "config.h"

#include <string.h>

#include "probes/probe.h"

#define ECHO_PAYLOAD 16

/* Sum of the constant tail of the payload. */
static uint32_t payload_sum(void)
{
	return pkt_sum((const uint8_t *)"netcensu", 8, 0);
}

static size_t icmp_echo_make_packet(const probe_env *env, const probe_dst *d, uint8_t *buf,
				    size_t cap)
{
	uint32_t cookie = cookie_derive(&env->key, d->flow, 0, 0, PROBE_TAG_ICMP_ECHO);
	uint8_t *ip = buf + PKT_ETH_HLEN, *icmp = ip + PKT_IP_HLEN;
	uint64_t sent_us = (d->now_ns - env->t0_ns) / 1000;
	size_t l4 = 8 + ECHO_PAYLOAD;

	if (cap < PKT_ETH_HLEN + PKT_IP_HLEN + l4)
		return 0;
	pkt_put_eth(buf, d->dst_mac, d->src_mac, PKT_ETHERTYPE_IPV4);
	pkt_put_ipv4(ip, d->src_ip, d->dst_ip, 1, (uint16_t)l4, (uint16_t)(cookie ^ 0x5a5a), 64);
	icmp[0] = PKT_ICMP_ECHO;
	icmp[1] = 0;
	pkt_put16(icmp + 2, 0);
	pkt_put16(icmp + 4, (uint16_t)(cookie >> 16));
	pkt_put16(icmp + 6, (uint16_t)cookie);
	pkt_put32(icmp + 8, (uint32_t)(sent_us >> 32));
	pkt_put32(icmp + 12, (uint32_t)sent_us);
	memcpy(icmp + 16, "netcensu", 8);
	/* checksum from the fields (re-reading the frame just written stalls) */
	pkt_put16(icmp + 2, pkt_fold(payload_sum() + (PKT_ICMP_ECHO << 8) + (cookie >> 16) +
				     (cookie & 0xffff) + (uint32_t)(sent_us >> 48) +
				     (uint32_t)((sent_us >> 32) & 0xffff) +
				     (uint32_t)((sent_us >> 16) & 0xffff) + (uint32_t)(sent_us & 0xffff)));
	return PKT_ETH_HLEN + PKT_IP_HLEN + l4;
}

static bool icmp_echo_validate(const probe_env *env, const pkt_view *v, uint64_t now_ns,
			       probe_reply *out)
{
	uint32_t cookie;

	if (v->ethertype != PKT_ETHERTYPE_IPV4 || v->ip_proto != 1 ||
	    v->icmp_type != PKT_ICMP_ECHO_REPLY || v->ip_fragment)
		return false;
	cookie = cookie_make(&env->key, v->ip_dst, v->ip_src, 0, 0, PROBE_TAG_ICMP_ECHO);
	if (v->icmp_id != (uint16_t)(cookie >> 16) || v->icmp_seq != (uint16_t)cookie)
		return false;
	probe_reply_from_ip(v, REASON_ECHO_REPLY, out);
	if (v->icmp_data_len >= 8) {
		uint64_t sent = ((uint64_t)pkt_get32(v->icmp_data) << 32) |
				pkt_get32(v->icmp_data + 4);
		out->rtt_us = probe_rtt_us(env, sent, now_ns);
	}
	return true;
}

const probe_module probe_icmp_echo = {
	.name = "icmp-echo",
	.kind = PROBE_KIND_IP,
	.make_packet = icmp_echo_make_packet,
	.validate = icmp_echo_validate,
};
