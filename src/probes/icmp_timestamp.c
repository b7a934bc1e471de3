/*
 * icmp_timestamp.c — ICMP timestamp request, nmap's -PP.
 *
 * Answered by some hosts that filter echo. The originate timestamp is, as
 * RFC 792 asks, milliseconds since midnight UT; the reply echoes it, which
 * gives a (millisecond) round trip. Cookie in identifier and sequence.
 */
#include "config.h"

#include <string.h>
#include <time.h>

#include "probes/probe.h"

static uint32_t ms_since_midnight_ut(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint32_t)((ts.tv_sec % 86400) * 1000 + ts.tv_nsec / 1000000);
}

static size_t icmp_ts_make_packet(const probe_env *env, const probe_dst *d, uint8_t *buf,
				  size_t cap)
{
	uint32_t cookie = cookie_make(&env->key, d->src_ip, d->dst_ip, 0, 0, PROBE_TAG_ICMP_TS);
	uint8_t *ip = buf + PKT_ETH_HLEN, *icmp = ip + PKT_IP_HLEN;
	size_t l4 = 20;

	if (cap < PKT_ETH_HLEN + PKT_IP_HLEN + l4)
		return 0;
	pkt_put_eth(buf, d->dst_mac, d->src_mac, PKT_ETHERTYPE_IPV4);
	pkt_put_ipv4(ip, d->src_ip, d->dst_ip, 1, (uint16_t)l4, (uint16_t)(cookie ^ 0xa5a5), 64);
	icmp[0] = PKT_ICMP_TIMESTAMP;
	icmp[1] = 0;
	pkt_put16(icmp + 2, 0);
	pkt_put16(icmp + 4, (uint16_t)(cookie >> 16));
	pkt_put16(icmp + 6, (uint16_t)cookie);
	pkt_put32(icmp + 8, ms_since_midnight_ut());
	pkt_put32(icmp + 12, 0);
	pkt_put32(icmp + 16, 0);
	pkt_put16(icmp + 2, pkt_fold(pkt_sum(icmp, l4, 0)));
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
	out->ip = v->ip_src;
	out->reason = REASON_TIMESTAMP_REPLY;
	out->ttl = v->ip_ttl;
	out->rtt_us = -1;
	if (v->icmp_data_len >= 4) {
		uint32_t now = ms_since_midnight_ut(), orig = pkt_get32(v->icmp_data);
		uint32_t delta = (now + 86400000u - orig) % 86400000u;

		/* millisecond resolution: only worth keeping when it is not 0 */
		if (delta > 0 && delta < 60000)
			out->rtt_us = (int64_t)delta * 1000;
	}
	memcpy(out->mac, v->eth_src, 6);
	out->mac_src = MAC_SRC_ETHER;
	out->alive = true;
	return true;
}

const probe_module probe_icmp_timestamp = {
	.name = "icmp-timestamp",
	.kind = PROBE_KIND_IP,
	.make_packet = icmp_ts_make_packet,
	.validate = icmp_ts_validate,
};
