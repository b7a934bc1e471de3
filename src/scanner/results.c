#include "config.h"

/*
 * results.c — the table of live hosts that discovery fills in.
 *
 * The receiver thread records every validated reply here while the sender
 * thread asks results_has() before each retry, so both go through one
 * mutex.  Hosts live in an open-addressing hash keyed by address (linear
 * probing, never more than half full, no deletions); each host is its own
 * allocation so that growing the table never moves a host_result that a
 * caller of results_sorted() holds.  Only hosts that answered are stored:
 * the cost follows the live hosts, not the size of the target range.
 *
 * Merging rules, applied as replies arrive in any order:
 *   - the first reply fixes how the address was learned (addr_reason) and
 *     first_seen; the first nonzero TTL is kept;
 *   - rtt_us keeps the smallest measured value;
 *   - a MAC from a better source replaces one from a weaker source
 *     (ARP reply > source of an on-link frame > kernel neighbour table);
 *   - every reason is OR'ed into the mask;
 *   - a port keeps its first state, except that "filtered" (silence or an
 *     ICMP error) gives way to a real answer, open or closed.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/results.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/grow.h"
#include "util/timeutil.h"

#define RESULTS_INITIAL_SLOTS 1024 /* power of two */
#define PORTS_INITIAL_CAP 4

struct results {
	pthread_mutex_t lock;
	host_result **slots; /* cap entries, NULL = empty */
	size_t cap;	     /* power of two */
	size_t count;
	host_result **sorted; /* results_sorted()'s answer */
	scan_stats stats;
};

static const char *const reason_names[] = {
    [REASON_ARP_RESPONSE] = "arp-response",
    [REASON_ECHO_REPLY] = "echo-reply",
    [REASON_TIMESTAMP_REPLY] = "timestamp-reply",
    [REASON_SYN_ACK] = "syn-ack",
    [REASON_RESET] = "reset",
    [REASON_UDP_RESPONSE] = "udp-response",
    [REASON_PORT_UNREACH] = "port-unreach",
    [REASON_PROTO_UNREACH] = "proto-unreach",
    [REASON_CONN_REFUSED] = "conn-refused",
    [REASON_CONNECTED] = "connected",
    [REASON_HOST_UNREACH] = "host-unreach",
    [REASON_ADMIN_PROHIBITED] = "admin-prohibited",
    [REASON_NO_RESPONSE] = "no-response",
    [REASON_USER_SET] = "user-set",
    [REASON_LOCALHOST] = "localhost-response",
};
_Static_assert(ARRAY_SIZE(reason_names) == REASON__COUNT, "a reason has no name");

static const char *const port_state_names[] = {
    [PORT_OPEN] = "open",
    [PORT_CLOSED] = "closed",
    [PORT_FILTERED] = "filtered",
};

static const char *const mac_source_names[] = {
    [MAC_SRC_NONE] = "none",
    [MAC_SRC_ARP] = "arp-response",
    [MAC_SRC_ETHER] = "ether-source",
    [MAC_SRC_NEIGHBOUR] = "neighbour-table",
};

/* How much a MAC source is believed; higher replaces lower. */
static const int mac_source_rank[] = {
    [MAC_SRC_NONE] = 0,
    [MAC_SRC_NEIGHBOUR] = 1,
    [MAC_SRC_ETHER] = 2,
    [MAC_SRC_ARP] = 3,
};
_Static_assert(ARRAY_SIZE(mac_source_rank) == ARRAY_SIZE(mac_source_names),
	       "a MAC source has no rank");

const char *reason_name(reason_t r)
{
	if ((unsigned)r >= ARRAY_SIZE(reason_names))
		return "unknown";
	return reason_names[r];
}

int reason_from_name(const char *name)
{
	if (name == NULL)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(reason_names); i++)
		if (strcmp(reason_names[i], name) == 0)
			return (int)i;
	return -1;
}

const char *reason_mask_format(uint32_t mask, char *buf, size_t len)
{
	size_t used = 0;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(reason_names); i++) {
		int n;

		if (!(mask & (1u << i)))
			continue;
		n = snprintf(buf + used, len - used, "%s%s", used ? "," : "", reason_names[i]);
		if (n < 0 || (size_t)n >= len - used) {
			buf[used] = '\0'; /* drop the partial name */
			break;
		}
		used += (size_t)n;
	}
	return buf;
}

const char *port_state_name(port_state_t s)
{
	if ((unsigned)s >= ARRAY_SIZE(port_state_names) || port_state_names[s] == NULL)
		return "unknown";
	return port_state_names[s];
}

const char *mac_source_name(mac_source_t s)
{
	if ((unsigned)s >= ARRAY_SIZE(mac_source_names))
		return "unknown";
	return mac_source_names[s];
}

results_t *results_new(void)
{
	results_t *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->slots = calloc(RESULTS_INITIAL_SLOTS, sizeof(*r->slots));
	if (r->slots == NULL || pthread_mutex_init(&r->lock, NULL) != 0) {
		free(r->slots);
		free(r);
		return NULL;
	}
	r->cap = RESULTS_INITIAL_SLOTS;
	return r;
}

void results_free(results_t *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->cap; i++) {
		if (r->slots[i] == NULL)
			continue;
		free(r->slots[i]->ports);
		free(r->slots[i]);
	}
	free(r->slots);
	free(r->sorted);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

/* Fibonacci hashing: consecutive addresses spread over the table. */
static size_t slot_of(uint32_t ip, size_t cap)
{
	return (size_t)((ip * 2654435761u) & (uint32_t)(cap - 1));
}

/* The slot holding ip, or the empty slot where it would go. Lock held. */
static size_t find_slot(host_result *const *slots, size_t cap, uint32_t ip)
{
	size_t i = slot_of(ip, cap);

	while (slots[i] != NULL && slots[i]->ip != ip)
		i = (i + 1) & (cap - 1);
	return i;
}

static host_result *lookup(results_t *r, uint32_t ip)
{
	return r->slots[find_slot(r->slots, r->cap, ip)];
}

/* Double the table. Lock held. */
static int grow(results_t *r)
{
	size_t cap = r->cap * 2;
	host_result **slots = calloc(cap, sizeof(*slots));

	if (slots == NULL)
		return nc_fail(NC_ERR_NOMEM, "out of memory growing the host table to %zu", cap);
	for (size_t i = 0; i < r->cap; i++)
		if (r->slots[i] != NULL)
			slots[find_slot(slots, cap, r->slots[i]->ip)] = r->slots[i];
	free(r->slots);
	r->slots = slots;
	r->cap = cap;
	return 0;
}

/* The host for ip, created on first sight; *created tells which. Lock held. */
static int get_host(results_t *r, uint32_t ip, host_result **out, bool *created)
{
	host_result *h;
	size_t i;
	int ret;

	*created = false;
	i = find_slot(r->slots, r->cap, ip);
	if (r->slots[i] != NULL) {
		*out = r->slots[i];
		return 0;
	}
	if ((r->count + 1) * 2 > r->cap) {
		if ((ret = grow(r)) != 0)
			return ret;
		i = find_slot(r->slots, r->cap, ip);
	}
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return nc_fail(NC_ERR_NOMEM, "out of memory recording a host");
	h->ip = ip;
	h->rtt_us = -1;
	r->slots[i] = h;
	r->count++;
	*out = h;
	*created = true;
	return 0;
}

/* Fold one reply into a host. Lock held. */
static void merge_reply(host_result *h, bool first, reason_t reason, uint8_t ttl, int64_t rtt_us,
			const uint8_t *mac, mac_source_t mac_src, bool on_link)
{
	if (first) {
		h->addr_reason = (uint8_t)reason;
		h->first_seen = time_wall();
	}
	if (h->ttl == 0 && ttl != 0)
		h->ttl = ttl;
	if (rtt_us >= 0 && (h->rtt_us < 0 || rtt_us < h->rtt_us))
		h->rtt_us = rtt_us;
	if (mac != NULL && (unsigned)mac_src < ARRAY_SIZE(mac_source_rank) &&
	    mac_source_rank[mac_src] > mac_source_rank[h->mac_source]) {
		memcpy(h->mac, mac, sizeof(h->mac));
		h->mac_source = (uint8_t)mac_src;
	}
	if (on_link)
		h->on_link = true;
	h->reasons |= 1u << reason;
}

int results_record(results_t *r, uint32_t ip, reason_t reason, uint8_t ttl, int64_t rtt_us,
		   const uint8_t *mac, mac_source_t mac_src, bool on_link)
{
	host_result *h = NULL;
	bool created;
	int ret;

	if ((unsigned)reason >= REASON__COUNT)
		return nc_fail(NC_ERR_INTERNAL, "results_record: reason %d out of range", reason);
	pthread_mutex_lock(&r->lock);
	if ((ret = get_host(r, ip, &h, &created)) == 0)
		merge_reply(h, created, reason, ttl, rtt_us, mac, mac_src, on_link);
	pthread_mutex_unlock(&r->lock);
	return ret;
}

void results_set_tcp_window(results_t *r, uint32_t ip, uint16_t window)
{
	host_result *h;

	pthread_mutex_lock(&r->lock);
	if ((h = lookup(r, ip)) != NULL && h->tcp_window == 0)
		h->tcp_window = window;
	pthread_mutex_unlock(&r->lock);
}

void results_note_closed(results_t *r, uint32_t ip, uint16_t port)
{
	host_result *h;

	pthread_mutex_lock(&r->lock);
	if ((h = lookup(r, ip)) != NULL && h->nclosed_seen < 8) {
		bool known = false;

		for (uint8_t i = 0; i < h->nclosed_seen; i++)
			known |= h->closed_seen[i] == port;
		if (!known)
			h->closed_seen[h->nclosed_seen++] = port;
	}
	pthread_mutex_unlock(&r->lock);
}

static port_result *find_port(const host_result *h, uint16_t port, uint8_t proto)
{
	for (size_t i = 0; i < h->nports; i++)
		if (h->ports[i].port == port && h->ports[i].proto == proto)
			return &h->ports[i];
	return NULL;
}

/*
 * A port answer from a host not recorded yet creates the host the way
 * results_record() would, since the answer came from it.
 */
int results_record_port(results_t *r, uint32_t ip, uint16_t port, uint8_t proto, port_state_t state,
			reason_t reason, uint8_t ttl)
{
	host_result *h = NULL;
	port_result *p;
	bool created;
	int ret = NC_ERR_INTERNAL;

	if ((unsigned)reason >= REASON__COUNT)
		return nc_fail(NC_ERR_INTERNAL, "results_record_port: reason %d out of range",
			       reason);
	if (state < PORT_OPEN || state > PORT_FILTERED)
		return nc_fail(NC_ERR_INTERNAL, "results_record_port: state %d out of range",
			       state);
	pthread_mutex_lock(&r->lock);
	if ((ret = get_host(r, ip, &h, &created)) != 0)
		goto out;
	if (created)
		merge_reply(h, true, reason, ttl, -1, NULL, MAC_SRC_NONE, false);
	if ((p = find_port(h, port, proto)) != NULL) {
		if (p->state == PORT_FILTERED && state != PORT_FILTERED) {
			p->state = (uint8_t)state;
			p->reason = (uint8_t)reason;
			p->ttl = ttl;
		}
		ret = 0;
		goto out;
	}
	if (nc_grow(&h->ports, &h->ports_cap, h->nports + 1, sizeof(*h->ports),
		    PORTS_INITIAL_CAP) != 0) {
		ret = nc_fail(NC_ERR_NOMEM, "out of memory recording a port");
		goto out;
	}
	h->ports[h->nports++] = (port_result){
	    .port = port,
	    .proto = proto,
	    .state = (uint8_t)state,
	    .reason = (uint8_t)reason,
	    .ttl = ttl,
	};
	ret = 0;
out:
	pthread_mutex_unlock(&r->lock);
	return ret;
}

bool results_has(results_t *r, uint32_t ip)
{
	bool found;

	pthread_mutex_lock(&r->lock);
	found = lookup(r, ip) != NULL;
	pthread_mutex_unlock(&r->lock);
	return found;
}

uint32_t results_reasons(results_t *r, uint32_t ip)
{
	const host_result *h;
	uint32_t mask = 0;

	pthread_mutex_lock(&r->lock);
	if ((h = lookup(r, ip)) != NULL)
		mask = h->reasons;
	pthread_mutex_unlock(&r->lock);
	return mask;
}

bool results_has_port(results_t *r, uint32_t ip, uint16_t port, uint8_t proto)
{
	const host_result *h;
	bool found = false;

	pthread_mutex_lock(&r->lock);
	if ((h = lookup(r, ip)) != NULL)
		found = find_port(h, port, proto) != NULL;
	pthread_mutex_unlock(&r->lock);
	return found;
}

size_t results_count(results_t *r)
{
	size_t n;

	pthread_mutex_lock(&r->lock);
	n = r->count;
	pthread_mutex_unlock(&r->lock);
	return n;
}

static int cmp_host(const void *a, const void *b)
{
	uint32_t x = (*(host_result *const *)a)->ip, y = (*(host_result *const *)b)->ip;

	return (x > y) - (x < y);
}

static int cmp_port(const void *a, const void *b)
{
	const port_result *x = a, *y = b;

	if (x->port != y->port)
		return (x->port > y->port) - (x->port < y->port);
	return (x->proto > y->proto) - (x->proto < y->proto);
}

/* NULL with *n_out = 0 when out of memory and there were hosts. */
host_result *const *results_sorted(results_t *r, size_t *n_out)
{
	host_result **sorted;
	size_t n = 0;

	*n_out = 0;
	pthread_mutex_lock(&r->lock);
	sorted = realloc(r->sorted, (r->count ? r->count : 1) * sizeof(*sorted));
	if (sorted == NULL) {
		nc_fail(NC_ERR_NOMEM, "out of memory sorting %zu hosts", r->count);
		pthread_mutex_unlock(&r->lock);
		return NULL;
	}
	r->sorted = sorted;
	for (size_t i = 0; i < r->cap; i++)
		if (r->slots[i] != NULL)
			sorted[n++] = r->slots[i];
	qsort(sorted, n, sizeof(*sorted), cmp_host);
	for (size_t i = 0; i < n; i++)
		if (sorted[i]->nports > 1)
			qsort(sorted[i]->ports, sorted[i]->nports, sizeof(port_result), cmp_port);
	*n_out = n;
	pthread_mutex_unlock(&r->lock);
	return sorted;
}

scan_stats *results_stats(results_t *r)
{
	return &r->stats;
}
