/*
 * tcp_syn.c — TCP SYN probe: host discovery (nmap -PS) and the -p SYN scan.
 *
 * The cookie is the initial sequence number; a SYN-ACK or RST acknowledges
 * it plus one.  A timestamps option carries our send time, which a SYN-ACK
 * echoes.  Discovery and port-scan SYNs use different cookie tags, so a late
 * discovery answer is never mistaken for a port-scan result.  ICMP errors
 * quoting our SYN make a port "filtered" (and prove the host is up when the
 * host itself sent them).
 */
#include "config.h"

#include <string.h>

#include "probes/probe.h"

#define SYN_HLEN 36 /* 20 + MSS(4) + NOP NOP TS(12) */

static uint32_t syn_cookie(const probe_env *env, uint32_t ours, uint32_t theirs, uint16_t dport,
			   bool port_scan)
{
	return cookie_make(&env->key, ours, theirs, env->tcp_sport, dport,
			   port_scan ? PROBE_TAG_TCP_PORTSCAN : PROBE_TAG_TCP_SYN);
}

static size_t tcp_syn_make_packet(const probe_env *env, const probe_dst *d, uint8_t *buf,
				  size_t cap)
{
	uint32_t seq = cookie_derive(&env->key, d->flow, env->tcp_sport, d->dst_port,
				     d->port_scan ? PROBE_TAG_TCP_PORTSCAN : PROBE_TAG_TCP_SYN);
	uint8_t *ip = buf + PKT_ETH_HLEN, *tcp = ip + PKT_IP_HLEN;
	uint32_t tsval = (uint32_t)((d->now_ns - env->t0_ns) / 1000);

	if (cap < PKT_ETH_HLEN + PKT_IP_HLEN + SYN_HLEN)
		return 0;
	pkt_put_eth(buf, d->dst_mac, d->src_mac, PKT_ETHERTYPE_IPV4);
	pkt_put_ipv4(ip, d->src_ip, d->dst_ip, 6, SYN_HLEN, (uint16_t)(seq >> 7), 64);
	pkt_put16(tcp, env->tcp_sport);
	pkt_put16(tcp + 2, d->dst_port);
	pkt_put32(tcp + 4, seq);
	pkt_put32(tcp + 8, 0);
	tcp[12] = (SYN_HLEN / 4) << 4;
	tcp[13] = PKT_TCP_SYN;
	pkt_put16(tcp + 14, 1024);
	pkt_put16(tcp + 18, 0);
	tcp[20] = 2; /* MSS 1460 */
	tcp[21] = 4;
	pkt_put16(tcp + 22, 1460);
	tcp[24] = 1; /* NOP NOP TS */
	tcp[25] = 1;
	tcp[26] = 8;
	tcp[27] = 10;
	pkt_put32(tcp + 28, tsval);
	pkt_put32(tcp + 32, 0);
	/* checksum from the fields (re-reading the frame just written stalls) */
	pkt_put16(tcp + 16, pkt_fold(pkt_pseudo_sum(d->src_ip, d->dst_ip, 6, SYN_HLEN) +
				     env->tcp_sport + d->dst_port + (seq >> 16) + (seq & 0xffff) +
				     ((SYN_HLEN / 4) << 12 | PKT_TCP_SYN) + 1024 + 0x0204 + 1460 +
				     0x0101 + 0x080a + (tsval >> 16) + (tsval & 0xffff)));
	return PKT_ETH_HLEN + PKT_IP_HLEN + SYN_HLEN;
}

static bool tcp_syn_answer(const probe_env *env, const pkt_view *v, uint64_t now_ns,
			   probe_reply *out)
{
	bool port_scan;

	if (v->dport != env->tcp_sport || !(v->tcp_flags & PKT_TCP_ACK))
		return false;
	if (v->tcp_ack - 1 == syn_cookie(env, v->ip_dst, v->ip_src, v->sport, false))
		port_scan = false;
	else if (v->tcp_ack - 1 == syn_cookie(env, v->ip_dst, v->ip_src, v->sport, true))
		port_scan = true;
	else
		return false;
	if (v->tcp_flags & PKT_TCP_RST) {
		probe_reply_from_ip(v, REASON_RESET, out);
		out->state = PORT_CLOSED;
	} else if ((v->tcp_flags & PKT_TCP_SYN)) {
		probe_reply_from_ip(v, REASON_SYN_ACK, out);
		out->state = PORT_OPEN;
		out->tcp_window = v->tcp_window;
		/* a SYN-ACK echoes our timestamp option */
		if (v->tcp_has_ts && v->tcp_tsecr != 0)
			out->rtt_us = probe_rtt_us(env, v->tcp_tsecr, now_ns);
	} else {
		return false;
	}
	out->is_port = port_scan;
	out->port = v->sport;
	return true;
}

static bool tcp_syn_icmp_error(const probe_env *env, const pkt_view *v, probe_reply *out)
{
	bool port_scan;

	if (v->icmp_type != PKT_ICMP_UNREACH || !v->has_inner || v->in_proto != 6 ||
	    v->in_sport != env->tcp_sport)
		return false;
	if (v->in_tcp_seq == syn_cookie(env, v->in_src, v->in_dst, v->in_dport, false))
		port_scan = false;
	else if (v->in_tcp_seq == syn_cookie(env, v->in_src, v->in_dst, v->in_dport, true))
		port_scan = true;
	else
		return false;
	out->ip = v->in_dst;
	out->reason = probe_unreach_reason(v->icmp_code);
	out->ttl = v->ip_src == v->in_dst ? v->ip_ttl : 0;
	out->rtt_us = -1;
	out->mac_src = MAC_SRC_NONE;
	/* Only the target itself answering proves it is up. */
	out->alive = v->ip_src == v->in_dst;
	out->is_port = port_scan;
	out->port = v->in_dport;
	out->state = PORT_FILTERED;
	return true;
}

static bool tcp_syn_validate(const probe_env *env, const pkt_view *v, uint64_t now_ns,
			     probe_reply *out)
{
	if (v->ethertype != PKT_ETHERTYPE_IPV4 || v->ip_fragment)
		return false;
	if (v->ip_proto == 6)
		return tcp_syn_answer(env, v, now_ns, out);
	if (v->ip_proto == 1)
		return tcp_syn_icmp_error(env, v, out);
	return false;
}

const probe_module probe_tcp_syn = {
	.name = "tcp-syn",
	.kind = PROBE_KIND_PORTS,
	.make_packet = tcp_syn_make_packet,
	.validate = tcp_syn_validate,
};
