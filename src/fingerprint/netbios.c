#include "config.h"

/*
 * netbios.c — NetBIOS node status (NBSTAT) over UDP 137, many hosts at once.
 *
 * A node status request (RFC 1002 4.2.17) for the wildcard name "*" makes a
 * Windows or Samba host list every NetBIOS name it has registered, each
 * with its 16th-byte suffix and a group bit, and the MAC it reports in the
 * statistics (4.2.18). That is the computer name, the workgroup or domain
 * and sometimes the logged-on user, from one datagram and no privileges.
 *
 * netbios_query() asks many hosts from one unconnected non-blocking UDP
 * socket: each host's transaction id is its index in the batch, so a reply
 * is matched to its host without a table search (and checked against the
 * host's address). Silent hosts are asked once more; the wait ends
 * timeout_ms after the last send of each round, or as soon as every host
 * has answered.
 */

#include <arpa/inet.h>
#include <linux/errqueue.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fingerprint/netbios.h"
#include "util/compat.h"
#include "util/err.h"

#define NB_HDR 12
#define NB_ENCODED_NAME 34 /* length byte, 32 half-bytes, root label */
#define NB_QUERY_LEN (NB_HDR + NB_ENCODED_NAME + 4)
#define NB_TYPE_NBSTAT 0x0021
#define NB_CLASS_IN 0x0001
#define NB_FLAG_RESPONSE 0x8000
#define NB_OPCODE_MASK 0x7800
#define NB_RCODE_MASK 0x000f
#define NB_NAME_GROUP 0x8000
#define NB_NAME_BYTES 18 /* 15 characters, suffix, 2 flag bytes */
#define NB_MAX_REPLY 1500
#define NB_BATCH 65536 /* one transaction id per host */

static uint16_t get16be(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16be(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

size_t netbios_build_status_query(uint8_t *buf, size_t cap, uint16_t txid)
{
	uint8_t *p;

	if (cap < NB_QUERY_LEN)
		return 0;
	memset(buf, 0, NB_QUERY_LEN);
	put16be(buf, txid);
	/* flags 0: a unicast query, opcode QUERY, no recursion */
	put16be(buf + 4, 1); /* QDCOUNT */

	/* "*" and fifteen NULs, first-level encoded: each half-byte + 'A' */
	p = buf + NB_HDR;
	p[0] = 32;
	for (int i = 0; i < 16; i++) {
		uint8_t c = i == 0 ? '*' : 0x00;

		p[1 + 2 * i] = (uint8_t)('A' + (c >> 4));
		p[2 + 2 * i] = (uint8_t)('A' + (c & 0x0f));
	}
	p[33] = 0;
	put16be(p + NB_ENCODED_NAME, NB_TYPE_NBSTAT);
	put16be(p + NB_ENCODED_NAME + 2, NB_CLASS_IN);
	return NB_QUERY_LEN;
}

/*
 * Step over a domain-style name at *pos of buf[0..len): labels, ended by a
 * root label or a 2-byte compression pointer (not followed: the name in a
 * node status reply is the one we asked for).
 */
static int skip_name(const uint8_t *buf, size_t len, size_t *pos)
{
	size_t i = *pos;

	for (int labels = 0;; labels++) {
		uint8_t l;

		if (i >= len)
			return nc_fail(NC_ERR_INVALID, "NBSTAT: name runs past the end");
		l = buf[i];
		if ((l & 0xc0) == 0xc0) {
			if (i + 2 > len)
				return nc_fail(NC_ERR_INVALID, "NBSTAT: cut name pointer");
			*pos = i + 2;
			return 0;
		}
		if (l & 0xc0)
			return nc_fail(NC_ERR_INVALID, "NBSTAT: label type 0x%02x", l);
		if (l == 0) {
			*pos = i + 1;
			return 0;
		}
		if (labels > 127 || l > len - i - 1)
			return nc_fail(NC_ERR_INVALID, "NBSTAT: label of %u bytes past the end", l);
		i += 1 + l;
	}
}

int netbios_parse_status(const uint8_t *buf, size_t len, uint16_t *txid_out, netbios_status *out)
{
	size_t pos = NB_HDR, rdlen, count, names_end;
	uint16_t flags;
	int r;

	memset(out, 0, sizeof(*out));
	if (len < NB_HDR)
		return nc_fail(NC_ERR_INVALID, "NBSTAT: %zu bytes, shorter than a header", len);
	*txid_out = get16be(buf);
	flags = get16be(buf + 2);
	if (!(flags & NB_FLAG_RESPONSE) || (flags & NB_OPCODE_MASK) != 0)
		return nc_fail(NC_ERR_INVALID, "NBSTAT: not a query response (flags 0x%04x)",
			       flags);
	if (flags & NB_RCODE_MASK)
		return nc_fail(NC_ERR_INVALID, "NBSTAT: error response, rcode %u",
			       flags & NB_RCODE_MASK);
	if (get16be(buf + 6) < 1)
		return nc_fail(NC_ERR_INVALID, "NBSTAT: no answer record");
	/* Some stacks echo the question; step over it. */
	for (unsigned q = get16be(buf + 4); q > 0; q--) {
		if ((r = skip_name(buf, len, &pos)) != 0)
			return r;
		if (len - pos < 4)
			return nc_fail(NC_ERR_INVALID, "NBSTAT: cut question");
		pos += 4;
	}
	if ((r = skip_name(buf, len, &pos)) != 0)
		return r;
	if (len - pos < 10)
		return nc_fail(NC_ERR_INVALID, "NBSTAT: answer record cut at %zu bytes", len);
	if (get16be(buf + pos) != NB_TYPE_NBSTAT)
		return nc_fail(NC_ERR_INVALID, "NBSTAT: answer of type 0x%04x", get16be(buf + pos));
	rdlen = get16be(buf + pos + 8);
	pos += 10;
	if (rdlen > len - pos)
		return nc_fail(NC_ERR_INVALID, "NBSTAT: RDLENGTH %zu, %zu bytes there", rdlen,
			       len - pos);
	if (rdlen < 1)
		return nc_fail(NC_ERR_INVALID, "NBSTAT: empty node status");
	count = buf[pos];
	names_end = pos + 1 + count * NB_NAME_BYTES;
	if (count * NB_NAME_BYTES > rdlen - 1)
		return nc_fail(NC_ERR_INVALID, "NBSTAT: %zu names do not fit in %zu bytes", count,
			       rdlen);
	for (size_t i = 0; i < count; i++) {
		const uint8_t *e = buf + pos + 1 + i * NB_NAME_BYTES;
		size_t n = 15;

		if (out->n == NETBIOS_MAX_NAMES)
			break;
		while (n > 0 && (e[n - 1] == ' ' || e[n - 1] == '\0'))
			n--;
		memcpy(out->names[out->n].name, e, n);
		out->names[out->n].name[n] = '\0';
		out->names[out->n].suffix = e[15];
		out->names[out->n].group = get16be(e + 16) & NB_NAME_GROUP;
		out->n++;
	}
	/* The statistics begin with the 6-byte unit id, the MAC. */
	if (pos + rdlen - names_end >= 6) {
		memcpy(out->mac, buf + names_end, 6);
		out->has_mac = true;
	}
	return 0;
}

/* ---------------------------------------------------------------- facts */

static const char *find_name(const netbios_status *st, uint8_t suffix, bool group)
{
	for (size_t i = 0; i < st->n; i++)
		if (st->names[i].suffix == suffix && st->names[i].group == group &&
		    st->names[i].name[0] != '\0')
			return st->names[i].name;
	return NULL;
}

int netbios_add_facts(host_facts *h, const netbios_status *st)
{
	const fact_source S = FACT_SRC_NETBIOS;
	const char *computer, *domain;
	static const uint8_t zero_mac[6];
	char key[32];
	int r;

	computer = find_name(st, 0x00, false);
	if (computer == NULL)
		computer = find_name(st, 0x20, false);
	domain = find_name(st, 0x00, true);

	for (size_t i = 0; i < st->n; i++) {
		const char *name = st->names[i].name;
		uint8_t sfx = st->names[i].suffix;

		snprintf(key, sizeof(key), "netbios.name.%02x", sfx);
		if ((r = host_facts_add(h, S, 100, key, name)) != 0)
			return r;
		if (st->names[i].group) {
			snprintf(key, sizeof(key), "netbios.group.%02x", sfx);
			if ((r = host_facts_add(h, S, 100, key, name)) != 0)
				return r;
		}
		/* <03> is the messenger name: the computer's, and the user's */
		if (sfx == 0x03 && !st->names[i].group && name[0] != '\0' &&
		    (computer == NULL || strcasecmp(name, computer) != 0) &&
		    (r = host_facts_add(h, S, 60, "netbios.user", name)) != 0)
			return r;
	}
	if (computer != NULL && (r = host_facts_add(h, S, 80, "host.name", computer)) != 0)
		return r;
	if (domain != NULL && (r = host_facts_add(h, S, 70, "host.domain", domain)) != 0)
		return r;
	if (st->has_mac && memcmp(st->mac, zero_mac, 6) != 0) {
		const uint8_t *m = st->mac;

		if ((r = host_facts_addf(h, S, 90, "netbios.mac", "%02x:%02x:%02x:%02x:%02x:%02x",
					 m[0], m[1], m[2], m[3], m[4], m[5])) != 0)
			return r;
	}
	return 0;
}

/* ---------------------------------------------------------------- query */

enum { HOST_ANSWERED = 1, HOST_DEAD = 2 };

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read every datagram waiting; record the ones that answer a host of the
 * batch hosts[0..n) (txid = base + index). */
static void drain_replies(int fd, host_facts *const *hosts, size_t n, uint16_t base, uint8_t *state,
			  size_t *answered)
{
	uint8_t buf[NB_MAX_REPLY];

	for (;;) {
		struct sockaddr_in from = {0};
		socklen_t flen = sizeof(from);
		netbios_status st;
		uint16_t txid;
		size_t idx;
		ssize_t got;

		got = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return; /* EAGAIN, or an ICMP error surfacing: nothing more */
		}
		if ((size_t)got < 2 || from.sin_family != AF_INET)
			continue;
		txid = get16be(buf);
		idx = (uint16_t)(txid - base);
		if (idx >= n || (state[idx] & HOST_ANSWERED) ||
		    ntohl(from.sin_addr.s_addr) != hosts[idx]->ip)
			continue;
		/* An answer, even one we cannot parse: no point asking again. */
		state[idx] |= HOST_ANSWERED;
		(*answered)++;
		if (netbios_parse_status(buf, (size_t)got, &txid, &st) == 0)
			netbios_add_facts(hosts[idx], &st);
	}
}

/* Address -> index in the batch, for the ICMP errors (sorted by address). */
typedef struct {
	uint32_t ip;
	uint32_t idx;
} ip_index;

static int ip_index_cmp(const void *a, const void *b)
{
	uint32_t x = ((const ip_index *)a)->ip, y = ((const ip_index *)b)->ip;

	return x < y ? -1 : x > y;
}

/*
 * A host without a NetBIOS name service answers ICMP port unreachable;
 * with IP_RECVERR the kernel queues that error on our socket, naming the
 * address we sent to. Such a host is done now, not after the timeout.
 */
static void drain_errors(int fd, const ip_index *by_ip, size_t n, uint8_t *state, size_t *dead)
{
	for (;;) {
		struct sockaddr_in from;
		char ctrl[512], data[64];
		struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) };
		struct msghdr msg = {
			.msg_name = &from,
			.msg_namelen = sizeof(from),
			.msg_iov = &iov,
			.msg_iovlen = 1,
			.msg_control = ctrl,
			.msg_controllen = sizeof(ctrl),
		};
		struct cmsghdr *cm;

		if (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
			return;
		for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm)) {
			struct sock_extended_err ee;
			ip_index key, *hit;

			if (cm->cmsg_level != IPPROTO_IP || cm->cmsg_type != IP_RECVERR ||
			    cm->cmsg_len < CMSG_LEN(sizeof(ee)))
				continue;
			memcpy(&ee, CMSG_DATA(cm), sizeof(ee));
			if (ee.ee_origin != SO_EE_ORIGIN_ICMP || ee.ee_type != 3 ||
			    msg.msg_namelen < sizeof(from))
				continue;
			key.ip = ntohl(from.sin_addr.s_addr);
			hit = bsearch(&key, by_ip, n, sizeof(*by_ip), ip_index_cmp);
			if (hit != NULL && !(state[hit->idx] & (HOST_ANSWERED | HOST_DEAD))) {
				state[hit->idx] |= HOST_DEAD;
				(*dead)++;
			}
		}
	}
}

static int query_batch(int fd, host_facts *const *hosts, size_t n, int timeout_ms, uint16_t port,
		       uint16_t base)
{
	uint8_t *state = calloc(n, 1);
	ip_index *by_ip = calloc(n, sizeof(*by_ip));
	size_t answered = 0, dead = 0;

	if (state == NULL || by_ip == NULL) {
		free(state);
		free(by_ip);
		return nc_fail(NC_ERR_NOMEM, "netbios: no memory for %zu hosts", n);
	}
	for (size_t i = 0; i < n; i++) {
		by_ip[i].ip = hosts[i]->ip;
		by_ip[i].idx = (uint32_t)i;
	}
	qsort(by_ip, n, sizeof(*by_ip), ip_index_cmp);
	for (int round = 0; round < 2 && answered + dead < n; round++) {
		size_t next = 0, resend_for = SIZE_MAX;
		int resend = 0;
		int64_t last_send = now_ms();

		for (;;) {
			struct pollfd pfd = {.fd = fd, .events = POLLIN};
			int64_t wait;

			while (next < n) {
				struct sockaddr_in to = {.sin_family = AF_INET};
				uint8_t q[NB_QUERY_LEN];
				size_t qlen;

				if (state[next] & (HOST_ANSWERED | HOST_DEAD)) {
					next++;
					continue;
				}
				if (next != resend_for) {
					resend_for = next;
					resend = 0;
				}
				qlen = netbios_build_status_query(q, sizeof(q),
								  (uint16_t)(base + next));
				to.sin_port = htons(port);
				to.sin_addr.s_addr = htonl(hosts[next]->ip);
				if (sendto(fd, q, qlen, 0, (struct sockaddr *)&to, sizeof(to)) <
				    0) {
					/*
					 * EINTR; or, with IP_RECVERR, the ICMP error of an
					 * earlier datagram reported on this send (and
					 * cleared by it): send this one again.
					 */
					if (errno == EINTR || ((errno == ECONNREFUSED ||
								errno == EHOSTUNREACH ||
								errno == ENETUNREACH) &&
							       ++resend < 4))
						continue;
					/* the socket is full: poll for POLLOUT */
					if (errno == EAGAIN || errno == EWOULDBLOCK ||
					    errno == ENOBUFS)
						break;
					/* unreachable, refused by policy, ...: give up */
					state[next] |= HOST_DEAD;
					dead++;
				}
				next++;
				last_send = now_ms();
			}
			drain_replies(fd, hosts, n, base, state, &answered);
			drain_errors(fd, by_ip, n, state, &dead);
			if (answered + dead >= n)
				break;
			if (next < n) {
				pfd.events |= POLLOUT;
				wait = 100;
			} else {
				wait = last_send + timeout_ms - now_ms();
				if (wait <= 0)
					break;
			}
			if (poll(&pfd, 1, (int)wait) < 0 && errno != EINTR) {
				int e = errno;

				free(state);
				free(by_ip);
				return nc_fail(NC_ERR_SYS, "netbios: poll: %s", strerror(e));
			}
		}
	}
	free(state);
	free(by_ip);
	return 0;
}

int netbios_query_port(host_facts *const *hosts, size_t n, int timeout_ms, uint16_t port)
{
	uint16_t base = (uint16_t)(getpid() ^ (uint32_t)now_ms());
	int fd, r = 0;

	if (n == 0)
		return 0;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return nc_fail(NC_ERR_SYS, "netbios: UDP socket: %s", strerror(errno));
	{
		int one = 1;

		/* ICMP errors for hosts without NetBIOS: see drain_errors() */
		setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one));
	}
	for (size_t start = 0; start < n && r == 0; start += NB_BATCH)
		r = query_batch(fd, hosts + start, NC_MIN(n - start, (size_t)NB_BATCH), timeout_ms,
				port, base);
	close(fd);
	return r;
}

int netbios_query(host_facts *const *hosts, size_t n, int timeout_ms)
{
	return netbios_query_port(hosts, n, timeout_ms, 137);
}
