/*
 * pkt.h — building and parsing Ethernet/ARP/IPv4/ICMP/TCP/UDP frames.
 *
 * Builders write into a caller's buffer and return the bytes written.
 * pkt_parse() reads an untrusted frame into a pkt_view of plain fields; every
 * length is checked against the captured size, so a truncated or hostile
 * frame yields PKT_MALFORMED, never a read past the end.  Multi-byte fields
 * in pkt_view are in host byte order.
 */
#ifndef NC_SCANNER_PKT_H
#define NC_SCANNER_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "pkt.h assumes a little-endian host; add big-endian load/store helpers"
#endif

#define PKT_ETH_HLEN 14
#define PKT_IP_HLEN 20
#define PKT_MAX_FRAME 128 /* the largest probe we build */

#define PKT_ETHERTYPE_IPV4 0x0800
#define PKT_ETHERTYPE_ARP 0x0806

#define PKT_TCP_FIN 0x01
#define PKT_TCP_SYN 0x02
#define PKT_TCP_RST 0x04
#define PKT_TCP_PSH 0x08
#define PKT_TCP_ACK 0x10

#define PKT_ICMP_ECHO_REPLY 0
#define PKT_ICMP_UNREACH 3
#define PKT_ICMP_ECHO 8
#define PKT_ICMP_TIMESTAMP 13
#define PKT_ICMP_TIMESTAMP_REPLY 14

/* Big-endian loads and stores at any alignment (compile to mov + bswap). */
static inline void pkt_put16(uint8_t *p, uint16_t v)
{
	v = (uint16_t)__builtin_bswap16(v);
	memcpy(p, &v, 2);
}

static inline void pkt_put32(uint8_t *p, uint32_t v)
{
	v = __builtin_bswap32(v);
	memcpy(p, &v, 4);
}

static inline uint16_t pkt_get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return (uint16_t)__builtin_bswap16(v);
}

static inline uint32_t pkt_get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return __builtin_bswap32(v);
}

/* Internet checksum of len bytes, continuing from sum (0 to start). */
uint32_t pkt_sum(const uint8_t *p, size_t len, uint32_t sum);

/* Fold a 32-bit sum to the 16-bit one's-complement checksum. */
static inline uint16_t pkt_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Sum of the TCP/UDP pseudo header. */
static inline uint32_t pkt_pseudo_sum(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len)
{
	return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + proto + len;
}

/* Ethernet header; returns PKT_ETH_HLEN. */
size_t pkt_put_eth(uint8_t *buf, const uint8_t dst[6], const uint8_t src[6], uint16_t ethertype);
/* IPv4 header without options, checksum filled; returns PKT_IP_HLEN. */
size_t pkt_put_ipv4(uint8_t *buf, uint32_t src, uint32_t dst, uint8_t proto, uint16_t l4_len,
		    uint16_t id, uint8_t ttl);
/* Fill the TCP or UDP checksum of the segment at l4 (len bytes). */
void pkt_l4_checksum(uint8_t *l4, size_t len, uint32_t src, uint32_t dst, uint8_t proto);

enum { PKT_OK = 0, PKT_MALFORMED = -1, PKT_UNSUPPORTED = -2 };

typedef struct {
	uint8_t eth_dst[6], eth_src[6];
	uint16_t ethertype;

	/* ARP (ethertype 0x0806, Ethernet/IPv4 only) */
	uint16_t arp_op;
	uint8_t arp_sha[6], arp_tha[6];
	uint32_t arp_spa, arp_tpa;

	/* IPv4 */
	uint32_t ip_src, ip_dst;
	uint8_t ip_proto, ip_ttl;
	bool ip_fragment; /* not the first fragment: no L4 header */

	/* TCP / UDP */
	uint16_t sport, dport;
	uint32_t tcp_seq, tcp_ack;
	uint8_t tcp_flags;
	uint16_t tcp_window;
	bool tcp_has_ts;
	uint32_t tcp_tsval, tcp_tsecr;

	/* ICMP */
	uint8_t icmp_type, icmp_code;
	uint16_t icmp_id, icmp_seq;
	const uint8_t *icmp_data; /* after the 8-byte ICMP header */
	size_t icmp_data_len;

	/* Payload after the TCP/UDP header */
	const uint8_t *payload;
	size_t payload_len;

	/* The datagram quoted in an ICMP error (type 3, 11, 12) */
	bool has_inner;
	uint32_t in_src, in_dst;
	uint8_t in_proto;
	uint16_t in_sport, in_dport; /* TCP/UDP */
	uint32_t in_tcp_seq;         /* TCP, when quoted */
	uint16_t in_icmp_id, in_icmp_seq;
} pkt_view;

/* Parse an Ethernet frame. PKT_OK, PKT_MALFORMED or PKT_UNSUPPORTED. */
int pkt_parse(const uint8_t *frame, size_t len, pkt_view *v);

#endif
