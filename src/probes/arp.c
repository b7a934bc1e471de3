/*
 * arp.c — ARP request probe for targets on a directly attached subnet.
 *
 * A host that drops every IP packet still answers ARP, so on the local
 * segment this is the most complete probe there is (arp-scan, nmap -PR).
 * ARP carries no field we could hide a cookie in; a reply counts only when
 * it is addressed to our address and MAC, and the engine checks the sender
 * is a target.
 */
#include "config.h"

#include <string.h>

#include "probes/probe.h"

static const uint8_t broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static size_t arp_make_packet(const probe_env *env, const probe_dst *d, uint8_t *buf, size_t cap)
{
	uint8_t *a = buf + PKT_ETH_HLEN;

	if (cap < PKT_ETH_HLEN + 28)
		return 0;
	pkt_put_eth(buf, broadcast, d->src_mac, PKT_ETHERTYPE_ARP);
	pkt_put16(a, 1);                  /* Ethernet */
	pkt_put16(a + 2, PKT_ETHERTYPE_IPV4);
	a[4] = 6;
	a[5] = 4;
	pkt_put16(a + 6, 1);              /* request */
	memcpy(a + 8, d->src_mac, 6);
	pkt_put32(a + 14, d->src_ip);
	memset(a + 18, 0, 6);
	pkt_put32(a + 24, d->dst_ip);
	/* pad to the 60-byte Ethernet minimum like a real stack does */
	memset(a + 28, 0, 60 - PKT_ETH_HLEN - 28);
	return 60;
}

static bool arp_validate(const probe_env *env, const pkt_view *v, uint64_t now_ns,
			 probe_reply *out)
{
	if (v->ethertype != PKT_ETHERTYPE_ARP || v->arp_op != 2)
		return false;
	/* The engine checks arp_tpa is ours and arp_spa a target. */
	out->ip = v->arp_spa;
	out->reason = REASON_ARP_RESPONSE;
	out->ttl = 0;
	out->rtt_us = -1;
	memcpy(out->mac, v->arp_sha, 6);
	out->mac_src = MAC_SRC_ARP;
	out->alive = true;
	return true;
}

const probe_module probe_arp = {
	.name = "arp",
	.kind = PROBE_KIND_ARP,
	.make_packet = arp_make_packet,
	.validate = arp_validate,
};
