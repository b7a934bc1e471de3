/*
 * tcp_ack.c — TCP ACK probe, nmap's -PA (port 80 by default).
 *
 * An unexpected ACK draws a RST from any stack that has no such connection,
 * open port or not, and stateless firewalls often let ACKs through.  The RST
 * takes its sequence number from our acknowledgment number (RFC 793), so the
 * cookie goes there.
 */
#include "config.h"

#include <string.h>

#include "probes/probe.h"

#define ACK_HLEN 20

static uint32_t ack_cookie(const probe_env *env, uint32_t ours, uint32_t theirs, uint16_t dport)
{
	return cookie_make(&env->key, ours, theirs, env->tcp_sport, dport, PROBE_TAG_TCP_ACK);
}

static size_t tcp_ack_make_packet(const probe_env *env, const probe_dst *d, uint8_t *buf,
				  size_t cap)
{
	uint32_t ack = cookie_derive(&env->key, d->flow, env->tcp_sport, d->dst_port,
				     PROBE_TAG_TCP_ACK);
	uint8_t *ip = buf + PKT_ETH_HLEN, *tcp = ip + PKT_IP_HLEN;

	if (cap < PKT_ETH_HLEN + PKT_IP_HLEN + ACK_HLEN)
		return 0;
	pkt_put_eth(buf, d->dst_mac, d->src_mac, PKT_ETHERTYPE_IPV4);
	pkt_put_ipv4(ip, d->src_ip, d->dst_ip, 6, ACK_HLEN, (uint16_t)(ack >> 9), 64);
	pkt_put16(tcp, env->tcp_sport);
	pkt_put16(tcp + 2, d->dst_port);
	pkt_put32(tcp + 4, ack ^ 0x6e657463u);
	pkt_put32(tcp + 8, ack);
	tcp[12] = (ACK_HLEN / 4) << 4;
	tcp[13] = PKT_TCP_ACK;
	pkt_put16(tcp + 14, 1024);
	pkt_put16(tcp + 18, 0);
	/* checksum from the fields (re-reading the frame just written stalls) */
	{
		uint32_t seq = ack ^ 0x6e657463u;

		pkt_put16(tcp + 16,
			  pkt_fold(pkt_pseudo_sum(d->src_ip, d->dst_ip, 6, ACK_HLEN) +
				   env->tcp_sport + d->dst_port + (seq >> 16) + (seq & 0xffff) +
				   (ack >> 16) + (ack & 0xffff) +
				   ((ACK_HLEN / 4) << 12 | PKT_TCP_ACK) + 1024));
	}
	return PKT_ETH_HLEN + PKT_IP_HLEN + ACK_HLEN;
}

static bool tcp_ack_validate(const probe_env *env, const pkt_view *v, uint64_t now_ns,
			     probe_reply *out)
{
	if (v->ethertype != PKT_ETHERTYPE_IPV4 || v->ip_proto != 6 || v->ip_fragment ||
	    v->dport != env->tcp_sport || !(v->tcp_flags & PKT_TCP_RST))
		return false;
	if (v->tcp_seq != ack_cookie(env, v->ip_dst, v->ip_src, v->sport))
		return false;
	probe_reply_from_ip(v, REASON_RESET, out);
	return true;
}

const probe_module probe_tcp_ack = {
	.name = "tcp-ack",
	.kind = PROBE_KIND_PORTS,
	.make_packet = tcp_ack_make_packet,
	.validate = tcp_ack_validate,
};
