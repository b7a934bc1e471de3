#include "config.h"

/*
 * test_netbios.c — NetBIOS node status: request, response parser, facts,
 * and the many-hosts query loop.
 *
 * The parser runs on a reply captured from a real nmbd (tests/data/netbios,
 * see its README) and on hand-made replies (a Windows-like one with a
 * logged-on user and a MAC, a compressed answer name, more names than we
 * keep), then on replies cut at every length and with lying counts.
 * netbios_query_port() is exercised against an in-process responder on
 * 127.0.0.1 that answers with the captured bytes: answered at once, retried
 * after a dropped query, silent hosts, answers from the wrong address or
 * with the wrong transaction id ignored.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "fingerprint/facts.h"
#include "fingerprint/netbios.h"
#include "util/compat.h"
#include "util/err.h"

#define LO1 0x7f000001u /* 127.0.0.1 */
#define LO2 0x7f000002u
#define LO3 0x7f000003u

typedef struct {
	uint8_t b[2048];
	size_t len;
} blob;

static void load(const char *name, blob *out)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/netbios/%s", NC_TEST_DATA, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	out->len = fread(out->b, 1, sizeof(out->b), f);
	fclose(f);
	assert_true(out->len > 0);
}

static bool has_fact(const host_facts *h, const char *key, const char *value)
{
	for (size_t i = 0; i < h->nfacts; i++)
		if (strcmp(h->facts[i].key, key) == 0 && strcmp(h->facts[i].value, value) == 0 &&
		    h->facts[i].source == FACT_SRC_NETBIOS)
			return true;
	return false;
}

static bool has_key(const host_facts *h, const char *key)
{
	for (size_t i = 0; i < h->nfacts; i++)
		if (strcmp(h->facts[i].key, key) == 0)
			return true;
	return false;
}

/* ------------------------------------------------------- hand-made replies */

typedef struct {
	const char *name;
	uint8_t suffix;
	bool group;
} nb_name;

static void put_encoded_star(uint8_t *p)
{
	p[0] = 32;
	p[1] = 'C';
	p[2] = 'K';
	memset(p + 3, 'A', 30);
	p[33] = 0;
}

/*
 * A node status response: header, optionally the echoed question, the
 * answer name (in full or as a pointer to the question), RR fields, the
 * names and 46 bytes of statistics starting with mac.
 */
static size_t build_status(uint8_t *b, uint16_t txid, const nb_name *names, size_t n,
			   const uint8_t mac[6], bool echo_question, bool pointer)
{
	size_t o = 12, rd;

	memset(b, 0, 12);
	b[0] = (uint8_t)(txid >> 8);
	b[1] = (uint8_t)txid;
	b[2] = 0x84;
	b[5] = echo_question ? 1 : 0;
	b[7] = 1;
	if (echo_question) {
		put_encoded_star(b + o);
		o += 34;
		memcpy(b + o, "\x00\x21\x00\x01", 4);
		o += 4;
	}
	if (pointer) {
		b[o++] = 0xc0;
		b[o++] = 12;
	} else {
		put_encoded_star(b + o);
		o += 34;
	}
	rd = 1 + 18 * n + 46;
	memcpy(b + o, "\x00\x21\x00\x01\x00\x00\x00\x00", 8);
	b[o + 8] = (uint8_t)(rd >> 8);
	b[o + 9] = (uint8_t)rd;
	o += 10;
	b[o++] = (uint8_t)n;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(names[i].name);

		memset(b + o, ' ', 15);
		memcpy(b + o, names[i].name, l);
		b[o + 15] = names[i].suffix;
		b[o + 16] = (uint8_t)((names[i].group ? 0x80 : 0x00) | 0x04);
		b[o + 17] = 0;
		o += 18;
	}
	memset(b + o, 0, 46);
	memcpy(b + o, mac, 6);
	return o + 46;
}

static const nb_name windows_names[] = {
    {"WIN10-PC", 0x00, false}, {"CONTOSO", 0x00, true},
    {"WIN10-PC", 0x20, false}, {"WIN10-PC", 0x03, false},
    {"ALICE", 0x03, false},    {"CONTOSO", 0x1e, true},
    {"CONTOSO", 0x1d, false},  {"\x01\x02__MSBROWSE__\x02", 0x01, true},
};
static const uint8_t windows_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

/* ------------------------------------------------------------- builder */

static void test_build_matches_capture(void **state)
{
	uint8_t b[64];
	blob want;

	(void)state;
	load("nbstat_request.bin", &want);
	assert_int_equal(netbios_build_status_query(b, sizeof(b), 0x4e43), 50);
	assert_int_equal(want.len, 50);
	assert_memory_equal(b, want.b, 50);
}

static void test_build_layout(void **state)
{
	uint8_t b[64];

	(void)state;
	for (size_t cap = 0; cap < 50; cap++)
		assert_int_equal(netbios_build_status_query(b, cap, 1), 0);
	assert_int_equal(netbios_build_status_query(b, 50, 0xbeef), 50);
	assert_int_equal(b[0], 0xbe);
	assert_int_equal(b[1], 0xef);
	assert_memory_equal(b + 2, "\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00", 10);
	assert_int_equal(b[12], 32);
	/* "*" is 0x2a: 'A'+2, 'A'+10; the fifteen NULs are "AA" each */
	assert_memory_equal(b + 13, "CKAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 32);
	assert_int_equal(b[45], 0);
	assert_memory_equal(b + 46, "\x00\x21\x00\x01", 4);
}

/* ------------------------------------------------------------- parser */

static void test_parse_samba_capture(void **state)
{
	static const struct {
		const char *name;
		uint8_t suffix;
		bool group;
	} want[] = {
	    {"NCLABSMB", 0x00, false}, {"NCLABSMB", 0x03, false}, {"NCLABSMB", 0x20, false},
	    {"NCLAB", 0x00, true},     {"NCLAB", 0x1e, true},
	};
	static const uint8_t zero[6];
	netbios_status st;
	uint16_t txid = 0;
	blob f;

	(void)state;
	load("samba_nbstat_response.bin", &f);
	assert_int_equal(netbios_parse_status(f.b, f.len, &txid, &st), 0);
	assert_int_equal(txid, 0x4e43);
	assert_int_equal(st.n, ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		assert_string_equal(st.names[i].name, want[i].name);
		assert_int_equal(st.names[i].suffix, want[i].suffix);
		assert_int_equal(st.names[i].group, want[i].group);
	}
	assert_true(st.has_mac);
	assert_memory_equal(st.mac, zero, 6); /* Samba reports no MAC */
}

static void test_parse_windows_like(void **state)
{
	uint8_t b[2048];
	size_t n =
	    build_status(b, 7, windows_names, ARRAY_SIZE(windows_names), windows_mac, false, false);
	netbios_status st;
	uint16_t txid;

	(void)state;
	assert_int_equal(netbios_parse_status(b, n, &txid, &st), 0);
	assert_int_equal(txid, 7);
	assert_int_equal(st.n, ARRAY_SIZE(windows_names));
	assert_string_equal(st.names[4].name, "ALICE");
	assert_string_equal(st.names[7].name, "\x01\x02__MSBROWSE__\x02");
	assert_int_equal(st.names[7].suffix, 0x01);
	assert_true(st.names[7].group);
	assert_true(st.has_mac);
	assert_memory_equal(st.mac, windows_mac, 6);

	/* the question echoed and the answer name compressed */
	n = build_status(b, 8, windows_names, 3, windows_mac, true, true);
	assert_int_equal(netbios_parse_status(b, n, &txid, &st), 0);
	assert_int_equal(txid, 8);
	assert_int_equal(st.n, 3);
	assert_string_equal(st.names[2].name, "WIN10-PC");
}

static void test_parse_more_names_than_kept(void **state)
{
	nb_name many[200];
	char names[200][16];
	uint8_t b[8192];
	netbios_status st;
	uint16_t txid;
	size_t n;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(many); i++) {
		snprintf(names[i], sizeof(names[i]), "N%03zu", i);
		many[i] = (nb_name){names[i], (uint8_t)i, false};
	}
	n = build_status(b, 1, many, ARRAY_SIZE(many), windows_mac, false, false);
	assert_int_equal(netbios_parse_status(b, n, &txid, &st), 0);
	assert_int_equal(st.n, NETBIOS_MAX_NAMES);
	assert_string_equal(st.names[NETBIOS_MAX_NAMES - 1].name, "N063");
	assert_true(st.has_mac);
	assert_memory_equal(st.mac, windows_mac, 6);
}

static void test_parse_without_statistics(void **state)
{
	uint8_t b[2048];
	size_t n = build_status(b, 1, windows_names, 2, windows_mac, false, false);
	netbios_status st;
	uint16_t txid;

	(void)state;
	/* RDLENGTH and frame cut to the names only: parsed, no MAC */
	n -= 46;
	b[12 + 34 + 8] = 0;
	b[12 + 34 + 9] = 1 + 2 * 18;
	assert_int_equal(netbios_parse_status(b, n, &txid, &st), 0);
	assert_int_equal(st.n, 2);
	assert_false(st.has_mac);
}

static void test_parse_truncated_everywhere(void **state)
{
	netbios_status st;
	uint16_t txid;
	blob f;

	(void)state;
	load("samba_nbstat_response.bin", &f);
	for (size_t len = 0; len < f.len; len++) {
		uint8_t *c = malloc(len ? len : 1);

		memcpy(c, f.b, len);
		assert_int_equal(netbios_parse_status(c, len, &txid, &st), NC_ERR_INVALID);
		free(c);
	}
}

static void test_parse_lies(void **state)
{
	netbios_status st;
	uint16_t txid;
	blob f, c;
	const size_t rr = 12 + 34; /* RR type in the capture */

	(void)state;
	load("samba_nbstat_response.bin", &f);
#define TRY(edit)                                                                                  \
	do {                                                                                       \
		c = f;                                                                             \
		edit;                                                                              \
		assert_int_equal(netbios_parse_status(c.b, c.len, &txid, &st), NC_ERR_INVALID);    \
	} while (0)
	TRY(c.b[rr + 10] = 20); /* 20 names in a 139-byte RDATA */
	TRY(c.b[rr + 10] = 255);
	TRY(c.b[rr + 8] = 0xff);	       /* RDLENGTH past the end */
	TRY(c.b[rr + 9] = 0; c.b[rr + 8] = 0); /* RDLENGTH 0 */
	TRY(c.b[rr + 1] = 0x20);	       /* type NB, not NBSTAT */
	TRY(c.b[2] = 0x04);		       /* not a response */
	TRY(c.b[2] = 0x84 | 0x28);	       /* opcode 5 */
	TRY(c.b[3] = 0x03);		       /* rcode NXDOMAIN */
	TRY(c.b[7] = 0);		       /* no answer */
	TRY(c.b[12] = 63; c.len = 60);	       /* a label longer than the packet */
	TRY(c.b[12] = 0x40);		       /* reserved label type */
	TRY(c.b[12] = 0xc0; c.len = 13);       /* a cut pointer */
	TRY(c.b[5] = 1);		       /* a question that is not there */
	TRY(c.b[5] = 0xff);
#undef TRY
	/* labels chained to the end of the packet, never a root */
	c = f;
	for (size_t i = 12; i < c.len; i++)
		c.b[i] = 0x01;
	assert_int_equal(netbios_parse_status(c.b, c.len, &txid, &st), NC_ERR_INVALID);
	/* the capture itself is fine */
	assert_int_equal(netbios_parse_status(f.b, f.len, &txid, &st), 0);
}

/* ------------------------------------------------------------- facts */

static void test_facts_samba(void **state)
{
	netbios_status st;
	host_facts h;
	uint16_t txid;
	blob f;

	(void)state;
	load("samba_nbstat_response.bin", &f);
	assert_int_equal(netbios_parse_status(f.b, f.len, &txid, &st), 0);
	host_facts_init(&h, 0xc6120901u);
	assert_int_equal(netbios_add_facts(&h, &st), 0);
	assert_true(has_fact(&h, "host.name", "NCLABSMB"));
	assert_true(has_fact(&h, "host.domain", "NCLAB"));
	assert_true(has_fact(&h, "netbios.name.00", "NCLABSMB"));
	assert_true(has_fact(&h, "netbios.name.00", "NCLAB"));
	assert_true(has_fact(&h, "netbios.name.03", "NCLABSMB"));
	assert_true(has_fact(&h, "netbios.name.20", "NCLABSMB"));
	assert_true(has_fact(&h, "netbios.name.1e", "NCLAB"));
	assert_true(has_fact(&h, "netbios.group.00", "NCLAB"));
	assert_true(has_fact(&h, "netbios.group.1e", "NCLAB"));
	assert_false(has_fact(&h, "netbios.group.00", "NCLABSMB"));
	assert_false(has_key(&h, "netbios.user")); /* <03> is the computer's own */
	assert_false(has_key(&h, "netbios.mac"));  /* 00:00:00:00:00:00 */
	host_facts_clear(&h);
}

static void test_facts_windows(void **state)
{
	uint8_t b[2048];
	size_t n =
	    build_status(b, 7, windows_names, ARRAY_SIZE(windows_names), windows_mac, false, false);
	netbios_status st;
	host_facts h;
	uint16_t txid;

	(void)state;
	assert_int_equal(netbios_parse_status(b, n, &txid, &st), 0);
	host_facts_init(&h, 0xc6120902u);
	assert_int_equal(netbios_add_facts(&h, &st), 0);
	assert_true(has_fact(&h, "host.name", "WIN10-PC"));
	assert_true(has_fact(&h, "host.domain", "CONTOSO"));
	assert_true(has_fact(&h, "netbios.user", "ALICE"));
	assert_false(has_fact(&h, "netbios.user", "WIN10-PC"));
	assert_true(has_fact(&h, "netbios.mac", "52:54:00:12:34:56"));
	assert_true(has_fact(&h, "netbios.name.1d", "CONTOSO"));
	assert_true(has_key(&h, "netbios.group.01"));
	host_facts_clear(&h);

	/* only a <20> name: that is the host name; no group, no domain */
	{
		static const nb_name only20[] = {{"FILER", 0x20, false}};

		n = build_status(b, 1, only20, 1, windows_mac, false, false);
		assert_int_equal(netbios_parse_status(b, n, &txid, &st), 0);
		host_facts_init(&h, 0xc6120903u);
		assert_int_equal(netbios_add_facts(&h, &st), 0);
		assert_true(has_fact(&h, "host.name", "FILER"));
		assert_false(has_key(&h, "host.domain"));
		host_facts_clear(&h);
	}
}

/* ------------------------------------------------------------- the query loop */

typedef struct {
	int listen_fd;	 /* queries arrive here */
	int reply_fd;	 /* answers leave from here */
	int drop_first;	 /* ignore this many queries first */
	int txid_delta;	 /* answer with txid + delta (0: the right one) */
	atomic_int seen; /* well-formed queries received */
	atomic_int stop;
	pthread_t thread;
	blob reply;
} responder;

static void *responder_main(void *arg)
{
	responder *r = arg;
	uint8_t q[512], model[64];

	netbios_build_status_query(model, sizeof(model), 0);
	while (!atomic_load(&r->stop)) {
		struct pollfd p = {.fd = r->listen_fd, .events = POLLIN};
		struct sockaddr_in from;
		socklen_t flen = sizeof(from);
		uint8_t a[2048];
		uint16_t txid;
		ssize_t n;

		if (poll(&p, 1, 20) <= 0)
			continue;
		n = recvfrom(r->listen_fd, q, sizeof(q), 0, (struct sockaddr *)&from, &flen);
		if (n != 50 || memcmp(q + 2, model + 2, 48) != 0)
			continue;
		if (atomic_fetch_add(&r->seen, 1) < r->drop_first)
			continue;
		txid = (uint16_t)((q[0] << 8 | q[1]) + r->txid_delta);
		memcpy(a, r->reply.b, r->reply.len);
		a[0] = (uint8_t)(txid >> 8);
		a[1] = (uint8_t)txid;
		sendto(r->reply_fd, a, r->reply.len, 0, (struct sockaddr *)&from, flen);
	}
	return NULL;
}

static int udp_bound(uint32_t ip, uint16_t port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	sa.sin_addr.s_addr = htonl(ip);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static uint16_t bound_port(int fd)
{
	struct sockaddr_in sa;
	socklen_t l = sizeof(sa);

	getsockname(fd, (struct sockaddr *)&sa, &l);
	return ntohs(sa.sin_port);
}

/* Start a responder listening on listen_ip, answering from reply_ip (same
 * port) after ignoring drop_first queries, with txid + txid_delta; returns
 * the port, or 0 when loopback cannot be used here. */
static uint16_t responder_start(responder *r, uint32_t listen_ip, uint32_t reply_ip, int drop_first,
				int txid_delta)
{
	uint16_t port;

	memset(r, 0, sizeof(*r));
	r->drop_first = drop_first;
	r->txid_delta = txid_delta;
	load("samba_nbstat_response.bin", &r->reply);
	r->listen_fd = udp_bound(listen_ip, 0);
	if (r->listen_fd < 0)
		return 0;
	port = bound_port(r->listen_fd);
	if (reply_ip == listen_ip) {
		r->reply_fd = r->listen_fd;
	} else if ((r->reply_fd = udp_bound(reply_ip, port)) < 0) {
		close(r->listen_fd);
		return 0;
	}
	atomic_init(&r->seen, 0);
	atomic_init(&r->stop, 0);
	assert_int_equal(pthread_create(&r->thread, NULL, responder_main, r), 0);
	return port;
}

static void responder_stop(responder *r)
{
	atomic_store(&r->stop, 1);
	pthread_join(r->thread, NULL);
	if (r->reply_fd != r->listen_fd)
		close(r->reply_fd);
	close(r->listen_fd);
}

static int64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_query_answered(void **state)
{
	responder r;
	uint16_t port = responder_start(&r, LO1, LO1, 0, 0);
	host_facts h, *hosts[1] = {&h};
	int64_t t0;

	(void)state;
	if (port == 0)
		skip();
	host_facts_init(&h, LO1);
	t0 = ms_now();
	assert_int_equal(netbios_query_port(hosts, 1, 10000, port), 0);
	/* everyone answered: no waiting out the (10 s) timeout */
	assert_true(ms_now() - t0 < 9000);
	responder_stop(&r);
	assert_int_equal(atomic_load(&r.seen), 1);
	assert_true(has_fact(&h, "host.name", "NCLABSMB"));
	assert_true(has_fact(&h, "host.domain", "NCLAB"));
	assert_true(has_fact(&h, "netbios.name.20", "NCLABSMB"));
	host_facts_clear(&h);
}

static void test_query_retries_once(void **state)
{
	responder r;
	uint16_t port = responder_start(&r, LO1, LO1, 1, 0);
	host_facts h, *hosts[1] = {&h};

	(void)state;
	if (port == 0)
		skip();
	host_facts_init(&h, LO1);
	assert_int_equal(netbios_query_port(hosts, 1, 200, port), 0);
	responder_stop(&r);
	assert_int_equal(atomic_load(&r.seen), 2);
	assert_true(has_fact(&h, "host.name", "NCLABSMB"));
	host_facts_clear(&h);

	/* every query dropped: asked twice, never more, then given up */
	port = responder_start(&r, LO1, LO1, 5, 0);
	assert_int_not_equal(port, 0);
	host_facts_init(&h, LO1);
	assert_int_equal(netbios_query_port(hosts, 1, 150, port), 0);
	responder_stop(&r);
	assert_int_equal(atomic_load(&r.seen), 2);
	assert_int_equal(h.nfacts, 0);
	host_facts_clear(&h);
}

static void test_query_silent_and_answered(void **state)
{
	responder r;
	uint16_t port = responder_start(&r, LO1, LO1, 0, 0);
	host_facts a, b, *hosts[2] = {&b, &a};
	int64_t t0, took;

	(void)state;
	if (port == 0)
		skip();
	host_facts_init(&a, LO1);
	host_facts_init(&b, LO3); /* nobody listens there: ICMP port unreachable */
	t0 = ms_now();
	assert_int_equal(netbios_query_port(hosts, 2, 5000, port), 0);
	took = ms_now() - t0;
	responder_stop(&r);
	/* the unreachable host is done when its ICMP error arrives
	 * (IP_RECVERR), not after the 2 x 5 s of waiting for an answer: the
	 * call returns before even one timeout could have passed */
	assert_true(took < 5000);
	assert_int_equal(atomic_load(&r.seen), 1); /* the answered host is not asked again */
	assert_true(has_fact(&a, "host.name", "NCLABSMB"));
	assert_int_equal(b.nfacts, 0);
	host_facts_clear(&a);
	host_facts_clear(&b);
}

static void test_query_ignores_wrong_source(void **state)
{
	responder r;
	uint16_t port = responder_start(&r, LO2, LO1, 0, 0);
	host_facts h, *hosts[1] = {&h};

	(void)state;
	if (port == 0)
		skip();
	host_facts_init(&h, LO2);
	assert_int_equal(netbios_query_port(hosts, 1, 150, port), 0);
	responder_stop(&r);
	assert_int_equal(atomic_load(&r.seen), 2); /* unanswered as far as we know */
	assert_int_equal(h.nfacts, 0);
	host_facts_clear(&h);
}

static void test_query_ignores_wrong_txid(void **state)
{
	responder r;
	uint16_t port = responder_start(&r, LO1, LO1, 0, 1);
	host_facts h, *hosts[1] = {&h};

	(void)state;
	if (port == 0)
		skip();
	host_facts_init(&h, LO1);
	assert_int_equal(netbios_query_port(hosts, 1, 150, port), 0);
	responder_stop(&r);
	assert_int_equal(atomic_load(&r.seen), 2);
	assert_int_equal(h.nfacts, 0);
	host_facts_clear(&h);
}

static void test_query_nothing(void **state)
{
	(void)state;
	assert_int_equal(netbios_query(NULL, 0, 100), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_build_matches_capture),
	    cmocka_unit_test(test_build_layout),
	    cmocka_unit_test(test_parse_samba_capture),
	    cmocka_unit_test(test_parse_windows_like),
	    cmocka_unit_test(test_parse_more_names_than_kept),
	    cmocka_unit_test(test_parse_without_statistics),
	    cmocka_unit_test(test_parse_truncated_everywhere),
	    cmocka_unit_test(test_parse_lies),
	    cmocka_unit_test(test_facts_samba),
	    cmocka_unit_test(test_facts_windows),
	    cmocka_unit_test(test_query_answered),
	    cmocka_unit_test(test_query_retries_once),
	    cmocka_unit_test(test_query_silent_and_answered),
	    cmocka_unit_test(test_query_ignores_wrong_source),
	    cmocka_unit_test(test_query_ignores_wrong_txid),
	    cmocka_unit_test(test_query_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
