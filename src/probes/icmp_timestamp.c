/*
 * icmp_timestamp.c — ICMP timestamp request, nmap's -PP.
 *
 * Answered by some hosts that filter echo. The originate timestamp is, as
 * RFC 792 asks, milliseconds since midnight UT; the reply echoes it, which
 * gives a (millisecond) round trip. Cookie in identifier and sequence.
 */
#include "config.h"

#include <string.h>

#include "probes/probe.h"

/* Milliseconds since midnight UT at monotonic time now_ns, from the wall
 * clock the engine read once at t0 (no system call per packet). */
static uint32_t ms_since_midnight_ut(const probe_env *env, uint64_t now_ns)
{
	uint64_t ms = env->t0_wall_ms + (now_ns - env->t0_ns) / 1000000;

	return (uint32_t)(ms % 86400000u);
}

static size_t icmp_ts_make_packet(const probe_env *env, const probe_dst *d, uint8_t *buf,
				  size_t cap)
{
	uint32_t cookie = cookie_derive(&env->key, d->flow, 0, 0, PROBE_TAG_ICMP_TS);
	uint8_t *ip = buf + PKT_ETH_HLEN, *icmp = ip + PKT_IP_HLEN;
	size_t l4 = 20;
	uint32_t orig = ms_since_midnight_ut(env, d->now_ns);

	if (cap < PKT_ETH_HLEN + PKT_IP_HLEN + l4)
		return 0;
	pkt_put_eth(buf, d->dst_mac, d->src_mac, PKT_ETHERTYPE_IPV4);
	pkt_put_ipv4(ip, d->src_ip, d->dst_ip, 1, (uint16_t)l4, (uint16_t)(cookie ^ 0xa5a5), 64);
	icmp[0] = PKT_ICMP_TIMESTAMP;
	icmp[1] = 0;
	pkt_put16(icmp + 2, 0);
	pkt_put16(icmp + 4, (uint16_t)(cookie >> 16));
	pkt_put16(icmp + 6, (uint16_t)cookie);
	pkt_put32(icmp + 8, orig);
	pkt_put32(icmp + 12, 0);
	pkt_put32(icmp + 16, 0);
	/* checksum from the fields (re-reading the frame just written stalls) */
	pkt_put16(icmp + 2, pkt_fold((PKT_ICMP_TIMESTAMP << 8) + (cookie >> 16) + (cookie & 0xffff) +
				     (orig >> 16) + (orig & 0xffff)));
	return PKT_ETH_HLEN + PKT_IP_HLEN + l4;
}

static bool icmp_ts_validate(const probe_env *env, const pkt_view *v, uint64_t now_ns,
			     probe_reply *out)
{
	uint32_t cookie;

	if (v->ethertype != PKT_ETHERTYPE_IPV4 || v->ip_proto != 1 ||
	    v->icmp_type != PKT_ICMP_TIMESTAMP_REPLY || v->ip_fragment)
		return false;
	cookie = cookie_make(&env->key, v->ip_dst, v->ip_src, 0, 0, PROBE_TAG_ICMP_TS);
	if (v->icmp_id != (uint16_t)(cookie >> 16) || v->icmp_seq != (uint16_t)cookie)
		return false;
	probe_reply_from_ip(v, REASON_TIMESTAMP_REPLY, out);
	if (v->icmp_data_len >= 4) {
		uint32_t now = ms_since_midnight_ut(env, now_ns), orig = pkt_get32(v->icmp_data);
		uint32_t delta = (now + 86400000u - orig) % 86400000u;

		/* millisecond resolution: only worth keeping when it is not 0 */
		if (delta > 0 && delta < 60000)
			out->rtt_us = (int64_t)delta * 1000;
	}
	return true;
}

const probe_module probe_icmp_timestamp = {
	.name = "icmp-timestamp",
	.kind = PROBE_KIND_IP,
	.make_packet = icmp_ts_make_packet,
	.validate = icmp_ts_validate,
};
