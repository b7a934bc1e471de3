/*
 * test_pkt.c — packet building, parsing and reply validation.
 *
 * Parsing is checked on replies captured from the lab (tests/data/pcap);
 * validation on those same frames with their cookie fields rewritten for a
 * known key, so that the exact bytes a real stack sends are what the probe
 * modules must accept — and a one-bit change must make them refuse.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include "probes/probe.h"
#include "scanner/pkt.h"

#define US 0xc6120101u   /* 198.18.1.1, the scanner */
#define H10 0xc612010au  /* 198.18.1.10 */
#define H12 0xc612010cu
#define H13 0xc612010du

typedef struct {
	uint8_t data[256];
	size_t len;
} frame;

static frame frames[128];
static size_t nframes;

static void load_pcap(const char *name)
{
	char path[512], err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *bytes;
	pcap_t *p;

	snprintf(path, sizeof(path), "%s/pcap/%s", NC_TEST_DATA, name);
	p = pcap_open_offline(path, err);
	assert_non_null(p);
	nframes = 0;
	while (pcap_next_ex(p, &h, &bytes) == 1 && nframes < 128) {
		memcpy(frames[nframes].data, bytes, h->caplen);
		frames[nframes].len = h->caplen;
		nframes++;
	}
	pcap_close(p);
}

/* The first captured frame whose parse matches pred. */
static frame *find(bool (*pred)(const pkt_view *v))
{
	for (size_t i = 0; i < nframes; i++) {
		pkt_view v;

		if (pkt_parse(frames[i].data, frames[i].len, &v) == PKT_OK && pred(&v))
			return &frames[i];
	}
	return NULL;
}

static bool is_arp_h11(const pkt_view *v)
{
	return v->ethertype == PKT_ETHERTYPE_ARP && v->arp_spa == 0xc612010b;
}
static bool is_echo_reply_h10(const pkt_view *v)
{
	return v->ip_proto == 1 && v->icmp_type == 0 && v->ip_src == H10;
}
static bool is_ts_reply_h13(const pkt_view *v)
{
	return v->ip_proto == 1 && v->icmp_type == 14 && v->ip_src == H13;
}
static bool is_synack_h10_22(const pkt_view *v)
{
	return v->ip_proto == 6 && v->ip_src == H10 && v->sport == 22 &&
	       v->tcp_flags == (PKT_TCP_SYN | PKT_TCP_ACK);
}
static bool is_rstack_h13_22(const pkt_view *v)
{
	return v->ip_proto == 6 && v->ip_src == H13 && v->sport == 22 &&
	       v->tcp_flags == (PKT_TCP_RST | PKT_TCP_ACK);
}
static bool is_bare_rst_h12(const pkt_view *v)
{
	return v->ip_proto == 6 && v->ip_src == H12 && v->tcp_flags == PKT_TCP_RST;
}
static bool is_unreach_h10(const pkt_view *v)
{
	return v->ip_proto == 1 && v->icmp_type == 3 && v->ip_src == H10;
}

static probe_env test_env(void)
{
	probe_env env;

	memset(&env, 0, sizeof(env));
	cookie_key_from_seed(&env.key, 12345);
	env.tcp_sport = 48585;
	env.t0_ns = 1000000000ull;
	env.t0_wall_ms = 1700000000000ull;
	return env;
}

/* Recompute IP, ICMP and TCP/UDP checksums of a (rewritten) frame. */
static void fix_checksums(uint8_t *f, size_t len)
{
	uint8_t *ip = f + PKT_ETH_HLEN, *l4;
	size_t ihl = (size_t)(ip[0] & 0xf) * 4, total = pkt_get16(ip + 2);
	uint32_t src = pkt_get32(ip + 12), dst = pkt_get32(ip + 16);

	assert_true(PKT_ETH_HLEN + total <= len);
	pkt_put16(ip + 10, 0);
	pkt_put16(ip + 10, pkt_fold(pkt_sum(ip, ihl, 0)));
	l4 = ip + ihl;
	if (ip[9] == 1) {
		pkt_put16(l4 + 2, 0);
		pkt_put16(l4 + 2, pkt_fold(pkt_sum(l4, total - ihl, 0)));
	} else {
		pkt_l4_checksum(l4, total - ihl, src, dst, ip[9]);
	}
}

/* ---------------------------------------------------------------- parse */

static void test_parse_captured_lan(void **state)
{
	frame *f;
	pkt_view v;
	static const uint8_t mac11[6] = { 0x02, 0x00, 0xc6, 0x12, 0x01, 0x0b };

	(void)state;
	load_pcap("lan-replies.pcap");
	assert_true(nframes >= 20);

	assert_non_null(f = find(is_arp_h11));
	pkt_parse(f->data, f->len, &v);
	assert_int_equal(v.arp_op, 2);
	assert_memory_equal(v.arp_sha, mac11, 6);
	assert_int_equal(v.arp_tpa, US);

	assert_non_null(f = find(is_echo_reply_h10));
	pkt_parse(f->data, f->len, &v);
	assert_int_equal(v.ip_ttl, 64);
	assert_int_equal(v.ip_dst, US);
	assert_int_equal(v.icmp_data_len, 16);

	assert_non_null(f = find(is_synack_h10_22));
	pkt_parse(f->data, f->len, &v);
	assert_true(v.tcp_has_ts);
	assert_int_equal(v.dport, 48585);
	assert_int_not_equal(v.tcp_tsecr, 0);

	assert_non_null(f = find(is_unreach_h10));
	pkt_parse(f->data, f->len, &v);
	assert_int_equal(v.icmp_code, 3);
	assert_true(v.has_inner);
	assert_int_equal(v.in_proto, 17);
	assert_int_equal(v.in_dport, 161);
	assert_int_equal(v.in_dst, H10);
	assert_int_equal(v.in_src, US);

	assert_non_null(find(is_ts_reply_h13));
	assert_non_null(find(is_rstack_h13_22));
	assert_non_null(find(is_bare_rst_h12));
}

static void test_parse_captured_farm(void **state)
{
	size_t ok = 0;

	(void)state;
	load_pcap("farm-replies.pcap");
	assert_true(nframes > 0);
	for (size_t i = 0; i < nframes; i++) {
		pkt_view v;

		if (pkt_parse(frames[i].data, frames[i].len, &v) == PKT_OK &&
		    v.ethertype == PKT_ETHERTYPE_IPV4) {
			assert_int_equal(v.ip_dst, 0xc6120201u); /* 198.18.2.1 */
			assert_int_equal(v.ip_src >> 16, 0xc613);
			ok++;
		}
	}
	assert_true(ok > 0);
}

/* Every truncation of every captured frame parses safely (ASan watches). */
static void test_parse_truncated(void **state)
{
	(void)state;
	load_pcap("lan-replies.pcap");
	for (size_t i = 0; i < nframes; i++)
		for (size_t len = 0; len < frames[i].len; len++) {
			uint8_t *copy = malloc(len ? len : 1);
			pkt_view v;
			int r;

			memcpy(copy, frames[i].data, len);
			r = pkt_parse(copy, len, &v);
			if (len < PKT_ETH_HLEN)
				assert_int_equal(r, PKT_MALFORMED);
			free(copy);
		}
}

static void test_parse_random_bytes(void **state)
{
	uint64_t x = 88172645463325252ull;

	(void)state;
	for (int i = 0; i < 200000; i++) {
		uint8_t buf[96];
		size_t len;
		pkt_view v;

		for (size_t j = 0; j < sizeof(buf); j++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			buf[j] = (uint8_t)x;
		}
		/* make most of them look like IPv4/ARP so the deep paths run */
		if (i % 3 == 0) {
			buf[12] = 0x08;
			buf[13] = 0x00;
			buf[14] = 0x45;
		} else if (i % 3 == 1) {
			buf[12] = 0x08;
			buf[13] = 0x06;
		}
		len = (size_t)(x % sizeof(buf));
		(void)pkt_parse(buf, len, &v);
	}
}

/* ---------------------------------------------------------------- build */

static void check_built(const uint8_t *f, size_t len, uint8_t proto)
{
	const uint8_t *ip = f + PKT_ETH_HLEN, *l4 = ip + PKT_IP_HLEN;
	size_t total = pkt_get16(ip + 2);
	pkt_view v;

	assert_int_equal(PKT_ETH_HLEN + total, len);
	/* a correct checksum makes the sum over the header fold to 0 */
	assert_int_equal(pkt_fold(pkt_sum(ip, PKT_IP_HLEN, 0)), 0);
	if (proto == 1)
		assert_int_equal(pkt_fold(pkt_sum(l4, total - PKT_IP_HLEN, 0)), 0);
	else
		assert_int_equal(pkt_fold(pkt_sum(l4, total - PKT_IP_HLEN,
						  pkt_pseudo_sum(pkt_get32(ip + 12),
								 pkt_get32(ip + 16), proto,
								 (uint16_t)(total - PKT_IP_HLEN)))),
				 0);
	assert_int_equal(pkt_parse(f, len, &v), PKT_OK);
	assert_int_equal(v.ip_proto, proto);
	assert_int_equal(v.ip_ttl, 64);
}

static probe_dst test_dst(const probe_env *env, uint32_t dst, uint16_t port)
{
	probe_dst d;
	static const uint8_t smac[6] = { 2, 0, 0xc6, 0x12, 1, 1 }, dmac[6] = { 2, 0, 0xc6, 0x12, 1, 10 };

	memset(&d, 0, sizeof(d));
	d.src_ip = US;
	d.dst_ip = dst;
	memcpy(d.src_mac, smac, 6);
	memcpy(d.dst_mac, dmac, 6);
	d.dst_port = port;
	d.now_ns = env->t0_ns + 123456789;
	d.flow = cookie_flow(&env->key, US, dst);
	return d;
}

static void test_build_checksums(void **state)
{
	probe_env env = test_env();
	uint8_t f[PKT_MAX_FRAME];
	uint32_t dsts[] = { H10, 0xffffffffu, 0, 0xc613fffe };

	(void)state;
	for (size_t i = 0; i < sizeof(dsts) / sizeof(dsts[0]); i++) {
		probe_dst d = test_dst(&env, dsts[i], 443);
		size_t len;

		len = probe_icmp_echo.make_packet(&env, &d, f, sizeof(f));
		check_built(f, len, 1);
		len = probe_icmp_timestamp.make_packet(&env, &d, f, sizeof(f));
		check_built(f, len, 1);
		len = probe_tcp_syn.make_packet(&env, &d, f, sizeof(f));
		check_built(f, len, 6);
		d.port_scan = true;
		len = probe_tcp_syn.make_packet(&env, &d, f, sizeof(f));
		check_built(f, len, 6);
		len = probe_tcp_ack.make_packet(&env, &d, f, sizeof(f));
		check_built(f, len, 6);
		len = probe_udp_snmp.make_packet(&env, &d, f, sizeof(f));
		check_built(f, len, 17);
	}
}

static void test_build_arp(void **state)
{
	probe_env env = test_env();
	probe_dst d = test_dst(&env, H13, 0);
	uint8_t f[PKT_MAX_FRAME];
	size_t len = probe_arp.make_packet(&env, &d, f, sizeof(f));
	pkt_view v;

	(void)state;
	assert_int_equal(len, 60);
	assert_int_equal(pkt_parse(f, len, &v), PKT_OK);
	assert_int_equal(v.arp_op, 1);
	assert_int_equal(v.arp_spa, US);
	assert_int_equal(v.arp_tpa, H13);
	assert_int_equal(f[0], 0xff); /* broadcast */
}

/* The SNMP probe is a well-formed BER SNMPv3 message with our ids. */
static void test_build_snmp_ber(void **state)
{
	probe_env env = test_env();
	probe_dst d = test_dst(&env, H10, 0);
	uint8_t f[PKT_MAX_FRAME];
	size_t len = probe_udp_snmp.make_packet(&env, &d, f, sizeof(f));
	const uint8_t *m = f + PKT_ETH_HLEN + PKT_IP_HLEN + 8;
	size_t mlen = len - (PKT_ETH_HLEN + PKT_IP_HLEN + 8);

	(void)state;
	assert_int_equal(m[0], 0x30);
	assert_int_equal(m[1] + 2u, mlen);
	assert_int_equal(m[2], 0x02); /* version INTEGER 3 */
	assert_int_equal(m[4], 3);
	assert_int_equal(pkt_get32(m + 9), pkt_get32(m + 52)); /* msgID == request-id */
	assert_true(m[9] & 0x40);                              /* positive, 4 octets */
	assert_int_equal(pkt_get16(f + PKT_ETH_HLEN + PKT_IP_HLEN + 2), 161);
}

/* ------------------------------------------------------------- validate */

static void test_validate_echo(void **state)
{
	probe_env env = test_env();
	uint32_t c = cookie_make(&env.key, US, H10, 0, 0, PROBE_TAG_ICMP_ECHO);
	frame *f;
	pkt_view v;
	probe_reply rep;
	uint8_t *icmp;

	(void)state;
	load_pcap("lan-replies.pcap");
	assert_non_null(f = find(is_echo_reply_h10));
	icmp = f->data + PKT_ETH_HLEN + PKT_IP_HLEN;
	/* the captured reply carries another scan's cookie: refused */
	pkt_parse(f->data, f->len, &v);
	memset(&rep, 0, sizeof(rep));
	assert_false(probe_icmp_echo.validate(&env, &v, env.t0_ns, &rep));
	/* rewritten for our key: accepted, with the host's TTL and MAC */
	pkt_put16(icmp + 4, (uint16_t)(c >> 16));
	pkt_put16(icmp + 6, (uint16_t)c);
	fix_checksums(f->data, f->len);
	pkt_parse(f->data, f->len, &v);
	assert_true(probe_icmp_echo.validate(&env, &v, env.t0_ns, &rep));
	assert_int_equal(rep.ip, H10);
	assert_int_equal(rep.reason, REASON_ECHO_REPLY);
	assert_int_equal(rep.ttl, 64);
	assert_true(rep.alive);
	assert_int_equal(rep.mac[5], 0x0a);
	/* other modules do not claim it */
	assert_false(probe_icmp_timestamp.validate(&env, &v, env.t0_ns, &rep));
	assert_false(probe_tcp_syn.validate(&env, &v, env.t0_ns, &rep));
	/* one bit off: refused */
	pkt_put16(icmp + 6, (uint16_t)(c ^ 1));
	pkt_parse(f->data, f->len, &v);
	assert_false(probe_icmp_echo.validate(&env, &v, env.t0_ns, &rep));
}

static void test_validate_syn_ack_and_rst(void **state)
{
	probe_env env = test_env();
	frame *f;
	pkt_view v;
	probe_reply rep;
	uint8_t *tcp;
	uint32_t c;

	(void)state;
	load_pcap("lan-replies.pcap");
	/* SYN-ACK from 22: open, syn-ack, discovery (not a port-scan answer) */
	assert_non_null(f = find(is_synack_h10_22));
	tcp = f->data + PKT_ETH_HLEN + PKT_IP_HLEN;
	c = cookie_make(&env.key, US, H10, env.tcp_sport, 22, PROBE_TAG_TCP_SYN);
	pkt_put32(tcp + 8, c + 1);
	fix_checksums(f->data, f->len);
	pkt_parse(f->data, f->len, &v);
	memset(&rep, 0, sizeof(rep));
	assert_true(probe_tcp_syn.validate(&env, &v, env.t0_ns, &rep));
	assert_int_equal(rep.reason, REASON_SYN_ACK);
	assert_int_equal(rep.state, PORT_OPEN);
	assert_int_equal(rep.port, 22);
	assert_false(rep.is_port);
	/* the same answer to a port-scan SYN is a port result */
	c = cookie_make(&env.key, US, H10, env.tcp_sport, 22, PROBE_TAG_TCP_PORTSCAN);
	pkt_put32(tcp + 8, c + 1);
	pkt_parse(f->data, f->len, &v);
	assert_true(probe_tcp_syn.validate(&env, &v, env.t0_ns, &rep));
	assert_true(rep.is_port);
	/* the ACK probe's cookie does not validate as a SYN answer */
	c = cookie_make(&env.key, US, H10, env.tcp_sport, 22, PROBE_TAG_TCP_ACK);
	pkt_put32(tcp + 8, c + 1);
	pkt_parse(f->data, f->len, &v);
	assert_false(probe_tcp_syn.validate(&env, &v, env.t0_ns, &rep));

	/* RST-ACK from a closed port: closed, reset */
	assert_non_null(f = find(is_rstack_h13_22));
	tcp = f->data + PKT_ETH_HLEN + PKT_IP_HLEN;
	c = cookie_make(&env.key, US, H13, env.tcp_sport, 22, PROBE_TAG_TCP_SYN);
	pkt_put32(tcp + 8, c + 1);
	pkt_parse(f->data, f->len, &v);
	assert_true(probe_tcp_syn.validate(&env, &v, env.t0_ns, &rep));
	assert_int_equal(rep.reason, REASON_RESET);
	assert_int_equal(rep.state, PORT_CLOSED);

	/* bare RST to the ACK probe: its sequence number is our ack cookie */
	assert_non_null(f = find(is_bare_rst_h12));
	tcp = f->data + PKT_ETH_HLEN + PKT_IP_HLEN;
	pkt_parse(f->data, f->len, &v);
	c = cookie_make(&env.key, US, H12, env.tcp_sport, v.sport, PROBE_TAG_TCP_ACK);
	pkt_put32(tcp + 4, c);
	pkt_parse(f->data, f->len, &v);
	assert_true(probe_tcp_ack.validate(&env, &v, env.t0_ns, &rep));
	assert_int_equal(rep.ip, H12);
	assert_int_equal(rep.reason, REASON_RESET);
	assert_false(probe_tcp_syn.validate(&env, &v, env.t0_ns, &rep));
}

static void test_validate_port_unreach(void **state)
{
	probe_env env = test_env();
	frame *f;
	pkt_view v;
	probe_reply rep;
	uint8_t *inner_udp;
	uint32_t c;

	(void)state;
	load_pcap("lan-replies.pcap");
	assert_non_null(f = find(is_unreach_h10));
	/* eth + ip + icmp(8) + quoted ip(20) -> the quoted UDP header */
	inner_udp = f->data + PKT_ETH_HLEN + PKT_IP_HLEN + 8 + PKT_IP_HLEN;
	c = cookie_make(&env.key, US, H10, 0, 161, PROBE_TAG_UDP);
	pkt_put16(inner_udp, (uint16_t)(49152 + (c & 0x3fff)));
	pkt_parse(f->data, f->len, &v);
	memset(&rep, 0, sizeof(rep));
	assert_true(probe_udp_snmp.validate(&env, &v, env.t0_ns, &rep));
	assert_int_equal(rep.reason, REASON_PORT_UNREACH);
	assert_int_equal(rep.ip, H10);
	assert_true(rep.alive);
	pkt_put16(inner_udp, (uint16_t)(49152 + ((c + 1) & 0x3fff)));
	pkt_parse(f->data, f->len, &v);
	assert_false(probe_udp_snmp.validate(&env, &v, env.t0_ns, &rep));
}

static void test_validate_arp(void **state)
{
	probe_env env = test_env();
	frame *f;
	pkt_view v;
	probe_reply rep;

	(void)state;
	load_pcap("lan-replies.pcap");
	assert_non_null(f = find(is_arp_h11));
	pkt_parse(f->data, f->len, &v);
	memset(&rep, 0, sizeof(rep));
	assert_true(probe_arp.validate(&env, &v, env.t0_ns, &rep));
	assert_int_equal(rep.ip, 0xc612010b);
	assert_int_equal(rep.reason, REASON_ARP_RESPONSE);
	assert_int_equal(rep.mac_src, MAC_SRC_ARP);
	assert_false(probe_icmp_echo.validate(&env, &v, env.t0_ns, &rep));
}

/* Round trip: what make_packet builds, a reply that echoes it validates. */
static void test_roundtrip_echo_rtt(void **state)
{
	probe_env env = test_env();
	probe_dst d = test_dst(&env, H10, 0);
	uint8_t f[PKT_MAX_FRAME];
	size_t len = probe_icmp_echo.make_packet(&env, &d, f, sizeof(f));
	uint8_t *ip = f + PKT_ETH_HLEN, *icmp = ip + PKT_IP_HLEN;
	probe_reply rep;
	pkt_view v;

	(void)state;
	/* turn the request into the reply a host would send */
	pkt_put32(ip + 12, H10);
	pkt_put32(ip + 16, US);
	icmp[0] = 0;
	fix_checksums(f, len);
	assert_int_equal(pkt_parse(f, len, &v), PKT_OK);
	memset(&rep, 0, sizeof(rep));
	assert_true(probe_icmp_echo.validate(&env, &v, d.now_ns + 250000, &rep));
	assert_int_equal(rep.rtt_us, 250);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_captured_lan),
		cmocka_unit_test(test_parse_captured_farm),
		cmocka_unit_test(test_parse_truncated),
		cmocka_unit_test(test_parse_random_bytes),
		cmocka_unit_test(test_build_checksums),
		cmocka_unit_test(test_build_arp),
		cmocka_unit_test(test_build_snmp_ber),
		cmocka_unit_test(test_validate_echo),
		cmocka_unit_test(test_validate_syn_ack_and_rst),
		cmocka_unit_test(test_validate_port_unreach),
		cmocka_unit_test(test_validate_arp),
		cmocka_unit_test(test_roundtrip_echo_rtt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
