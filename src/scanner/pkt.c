/*
 * pkt.c — frame builders and the one parser that reads what the network
 * sends back.  The parser trusts nothing: header lengths, total lengths and
 * option lengths are all checked against the bytes captured.
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "scanner/pkt.h"

/*
 * The one's-complement sum does not care about byte order (RFC 1071), so
 * sum native 32-bit words and swap once at the end; this is the hot path
 * of packet building.
 */
uint32_t pkt_sum(const uint8_t *p, size_t len, uint32_t sum)
{
	uint64_t acc = 0, w;
	uint16_t w16;

	while (len >= 8) {
		memcpy(&w, p, 8);
		acc += w;
		acc += acc < w; /* end-around carry */
		p += 8;
		len -= 8;
	}
	if (len >= 4) {
		uint32_t w32;

		memcpy(&w32, p, 4);
		acc += w32;
		acc += acc < w32;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		memcpy(&w16, p, 2);
		acc += w16;
		acc += acc < w16;
		p += 2;
		len -= 2;
	}
	if (len) {
		uint8_t last[2] = { p[0], 0 };

		memcpy(&w16, last, 2);
		acc += w16;
		acc += acc < w16;
	}
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffff) + (acc >> 16);
	acc = (acc & 0xffff) + (acc >> 16);
	acc = (acc & 0xffff) + (acc >> 16);
	return sum + (uint16_t)__builtin_bswap16((uint16_t)acc);
}

size_t pkt_put_eth(uint8_t *buf, const uint8_t dst[6], const uint8_t src[6], uint16_t ethertype)
{
	memcpy(buf, dst, 6);
	memcpy(buf + 6, src, 6);
	pkt_put16(buf + 12, ethertype);
	return PKT_ETH_HLEN;
}

size_t pkt_put_ipv4(uint8_t *buf, uint32_t src, uint32_t dst, uint8_t proto, uint16_t l4_len,
		    uint16_t id, uint8_t ttl)
{
	uint16_t total = (uint16_t)(PKT_IP_HLEN + l4_len);
	/* the header sum straight from the fields: no second read */
	uint16_t csum = pkt_fold(0x4500u + total + id + 0x4000u + ((uint32_t)ttl << 8 | proto) +
				 (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff));

	pkt_put32(buf, 0x45000000u | total);
	pkt_put32(buf + 4, (uint32_t)id << 16 | 0x4000u); /* DF */
	pkt_put32(buf + 8, (uint32_t)ttl << 24 | (uint32_t)proto << 16 | csum);
	pkt_put32(buf + 12, src);
	pkt_put32(buf + 16, dst);
	return PKT_IP_HLEN;
}

void pkt_l4_checksum(uint8_t *l4, size_t len, uint32_t src, uint32_t dst, uint8_t proto)
{
	size_t off = proto == 6 ? 16 : 6;
	uint16_t c;

	pkt_put16(l4 + off, 0);
	c = pkt_fold(pkt_sum(l4, len, pkt_pseudo_sum(src, dst, proto, (uint16_t)len)));
	if (proto == 17 && c == 0)
		c = 0xffff;
	pkt_put16(l4 + off, c);
}

/* TCP options: we only want the timestamps (kind 8). */
static void parse_tcp_options(const uint8_t *o, size_t len, pkt_view *v)
{
	size_t i = 0;

	while (i < len) {
		uint8_t kind = o[i], olen;

		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= len)
			break;
		olen = o[i + 1];
		if (olen < 2 || i + olen > len)
			break;
		if (kind == 8 && olen == 10) {
			v->tcp_has_ts = true;
			v->tcp_tsval = pkt_get32(o + i + 2);
			v->tcp_tsecr = pkt_get32(o + i + 6);
		}
		i += olen;
	}
}

/* The IP header + first 8 bytes quoted by an ICMP error. */
static void parse_inner(const uint8_t *p, size_t len, pkt_view *v)
{
	size_t ihl;

	if (len < PKT_IP_HLEN || (p[0] >> 4) != 4)
		return;
	ihl = (size_t)(p[0] & 0x0f) * 4;
	if (ihl < PKT_IP_HLEN || len < ihl + 8)
		return;
	v->has_inner = true;
	v->in_proto = p[9];
	v->in_src = pkt_get32(p + 12);
	v->in_dst = pkt_get32(p + 16);
	p += ihl;
	if (v->in_proto == 6 || v->in_proto == 17) {
		v->in_sport = pkt_get16(p);
		v->in_dport = pkt_get16(p + 2);
		if (v->in_proto == 6)
			v->in_tcp_seq = pkt_get32(p + 4);
	} else if (v->in_proto == 1) {
		v->in_icmp_id = pkt_get16(p + 4);
		v->in_icmp_seq = pkt_get16(p + 6);
	}
}

static int parse_ipv4(const uint8_t *p, size_t len, pkt_view *v)
{
	size_t ihl, total;
	uint16_t frag;

	if (len < PKT_IP_HLEN || (p[0] >> 4) != 4)
		return PKT_MALFORMED;
	ihl = (size_t)(p[0] & 0x0f) * 4;
	total = pkt_get16(p + 2);
	if (ihl < PKT_IP_HLEN || total < ihl || len < ihl)
		return PKT_MALFORMED;
	if (total < len)
		len = total; /* drop Ethernet padding */
	v->ip_ttl = p[8];
	v->ip_proto = p[9];
	v->ip_src = pkt_get32(p + 12);
	v->ip_dst = pkt_get32(p + 16);
	frag = pkt_get16(p + 6);
	if ((frag & 0x1fff) != 0) {
		v->ip_fragment = true;
		return PKT_OK;
	}
	p += ihl;
	len -= ihl;

	switch (v->ip_proto) {
	case 6: {
		size_t doff;

		if (len < 20)
			return PKT_MALFORMED;
		doff = (size_t)(p[12] >> 4) * 4;
		if (doff < 20 || doff > len)
			return PKT_MALFORMED;
		v->sport = pkt_get16(p);
		v->dport = pkt_get16(p + 2);
		v->tcp_seq = pkt_get32(p + 4);
		v->tcp_ack = pkt_get32(p + 8);
		v->tcp_flags = p[13];
		v->tcp_window = pkt_get16(p + 14);
		parse_tcp_options(p + 20, doff - 20, v);
		v->payload = p + doff;
		v->payload_len = len - doff;
		return PKT_OK;
	}
	case 17:
		if (len < 8)
			return PKT_MALFORMED;
		v->sport = pkt_get16(p);
		v->dport = pkt_get16(p + 2);
		v->payload = p + 8;
		v->payload_len = len - 8;
		return PKT_OK;
	case 1:
		if (len < 8)
			return PKT_MALFORMED;
		v->icmp_type = p[0];
		v->icmp_code = p[1];
		v->icmp_id = pkt_get16(p + 4);
		v->icmp_seq = pkt_get16(p + 6);
		v->icmp_data = p + 8;
		v->icmp_data_len = len - 8;
		if (v->icmp_type == 3 || v->icmp_type == 11 || v->icmp_type == 12)
			parse_inner(p + 8, len - 8, v);
		return PKT_OK;
	default:
		return PKT_OK;
	}
}

int pkt_parse(const uint8_t *frame, size_t len, pkt_view *v)
{
	const uint8_t *p;

	memset(v, 0, sizeof(*v));
	if (len < PKT_ETH_HLEN)
		return PKT_MALFORMED;
	memcpy(v->eth_dst, frame, 6);
	memcpy(v->eth_src, frame + 6, 6);
	v->ethertype = pkt_get16(frame + 12);
	p = frame + PKT_ETH_HLEN;
	len -= PKT_ETH_HLEN;
	if (v->ethertype == 0x8100) { /* one VLAN tag */
		if (len < 4)
			return PKT_MALFORMED;
		v->ethertype = pkt_get16(p + 2);
		p += 4;
		len -= 4;
	}
	if (v->ethertype == PKT_ETHERTYPE_ARP) {
		/* Ethernet (1) / IPv4 (0x0800), hlen 6, plen 4 */
		if (len < 28)
			return PKT_MALFORMED;
		if (pkt_get16(p) != 1 || pkt_get16(p + 2) != PKT_ETHERTYPE_IPV4 || p[4] != 6 ||
		    p[5] != 4)
			return PKT_UNSUPPORTED;
		v->arp_op = pkt_get16(p + 6);
		memcpy(v->arp_sha, p + 8, 6);
		v->arp_spa = pkt_get32(p + 14);
		memcpy(v->arp_tha, p + 18, 6);
		v->arp_tpa = pkt_get32(p + 24);
		return PKT_OK;
	}
	if (v->ethertype == PKT_ETHERTYPE_IPV4)
		return parse_ipv4(p, len, v);
	return PKT_UNSUPPORTED;
}
