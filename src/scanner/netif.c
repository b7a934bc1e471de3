/*
 * netif.c — interfaces, routes and neighbours from the kernel.
 *
 * Routes come from an rtnetlink dump (RTM_GETROUTE) of the main and local
 * tables, neighbours from RTM_GETNEIGH; interfaces and their MACs from
 * getifaddrs(). Everything is read once, before the scan threads start.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/ethernet.h>
#include <net/if_arp.h>
#include <poll.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "scanner/netif.h"
#include "scanner/pkt.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/grow.h"
#include "util/timeutil.h"

#define NL_BUF (64 * 1024)
#define NL_MAX_ENTRIES 100000 /* a full BGP table would be ~1M; we refuse that */

static netif_iface *iface_get(netif_table *t, const char *name, int ifindex)
{
	netif_iface *n;

	for (size_t i = 0; i < t->nifaces; i++)
		if (t->ifaces[i].ifindex == ifindex)
			return &t->ifaces[i];
	n = realloc(t->ifaces, (t->nifaces + 1) * sizeof(*n));
	if (n == NULL)
		return NULL;
	t->ifaces = n;
	n = &t->ifaces[t->nifaces++];
	memset(n, 0, sizeof(*n));
	n->ifindex = ifindex;
	snprintf(n->name, sizeof(n->name), "%s", name);
	return n;
}

static int load_ifaces(netif_table *t)
{
	struct ifaddrs *ifa = NULL, *i;
	int r = NC_ERR_NOMEM;

	if (getifaddrs(&ifa) != 0)
		return nc_fail(NC_ERR_SYS, "cannot list interfaces: %s", strerror(errno));
	for (i = ifa; i != NULL; i = i->ifa_next) {
		netif_iface *n;
		int idx;

		if (i->ifa_addr == NULL || (idx = (int)if_nametoindex(i->ifa_name)) == 0)
			continue;
		if ((n = iface_get(t, i->ifa_name, idx)) == NULL)
			goto out;
		n->up = (i->ifa_flags & IFF_UP) != 0;
		n->loopback = (i->ifa_flags & IFF_LOOPBACK) != 0;
		if (i->ifa_addr->sa_family == AF_PACKET) {
			const struct sockaddr_ll *ll = (const void *)i->ifa_addr;

			if (ll->sll_halen == 6)
				memcpy(n->mac, ll->sll_addr, 6);
		} else if (i->ifa_addr->sa_family == AF_INET) {
			uint32_t a = ntohl(((const struct sockaddr_in *)(const void *)i->ifa_addr)
						   ->sin_addr.s_addr);
			uint32_t m = i->ifa_netmask ? ntohl(((const struct sockaddr_in *)(const void *)
								     i->ifa_netmask)
								    ->sin_addr.s_addr)
						    : 0xffffffffu;
			uint32_t *l;

			if (n->addr == 0) {
				n->addr = a;
				n->prefix = (uint8_t)__builtin_popcount(m);
			}
			l = realloc(t->local_addrs, (t->nlocal + 1) * sizeof(*l));
			if (l == NULL)
				goto out;
			t->local_addrs = l;
			l[t->nlocal++] = a;
		}
	}
	r = 0;
out:
	freeifaddrs(ifa);
	return r;
}

/* Send one rtnetlink dump request and hand each message to cb. */
static int nl_dump(int type, unsigned char family,
		   int (*cb)(const struct nlmsghdr *h, void *arg), void *arg)
{
	struct {
		struct nlmsghdr h;
		struct rtmsg m; /* ndmsg has the same leading family byte */
	} req;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	uint8_t *buf = NULL;
	int fd, r = NC_ERR_SYS, entries = 0;

	if ((fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)) < 0)
		return nc_fail(NC_ERR_SYS, "netlink socket: %s", strerror(errno));
	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	req.h.nlmsg_type = (unsigned short)type;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.h.nlmsg_seq = 1;
	req.m.rtm_family = family;
	if (sendto(fd, &req, req.h.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = nc_fail(NC_ERR_SYS, "netlink request: %s", strerror(errno));
		goto out;
	}
	if ((buf = malloc(NL_BUF)) == NULL) {
		r = NC_ERR_NOMEM;
		goto out;
	}
	for (;;) {
		ssize_t got = recv(fd, buf, NL_BUF, 0), n = got;
		struct nlmsghdr *h;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = nc_fail(NC_ERR_SYS, "netlink read: %s", strerror(errno));
			goto out;
		}
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE) {
				r = 0;
				goto out;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				r = nc_fail(NC_ERR_SYS, "netlink dump failed");
				goto out;
			}
			if (++entries > NL_MAX_ENTRIES) {
				r = nc_fail(NC_ERR_TOOBIG, "more than %d routing entries",
					    NL_MAX_ENTRIES);
				goto out;
			}
			if ((r = cb(h, arg)) != 0)
				goto out;
		}
		if (got == 0)
			break; /* EOF before NLMSG_DONE */
	}
	r = 0;
out:
	free(buf);
	close(fd);
	return r;
}

static uint32_t rta_u32_be(const struct rtattr *a)
{
	uint32_t v;

	memcpy(&v, RTA_DATA(a), 4);
	return ntohl(v);
}

static int route_cb(const struct nlmsghdr *h, void *arg)
{
	netif_table *t = arg;
	const struct rtmsg *m = NLMSG_DATA(h);
	int len = (int)RTM_PAYLOAD(h);
	netif_route_entry e, *n;
	const struct rtattr *a;
	uint32_t table = m->rtm_table;

	if (h->nlmsg_type != RTM_NEWROUTE || m->rtm_family != AF_INET)
		return 0;
	memset(&e, 0, sizeof(e));
	e.prefix = m->rtm_dst_len;
	for (a = RTM_RTA(m); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		switch (a->rta_type) {
		case RTA_DST:
			e.dst = rta_u32_be(a);
			break;
		case RTA_GATEWAY:
			e.gw = rta_u32_be(a);
			break;
		case RTA_PREFSRC:
			e.prefsrc = rta_u32_be(a);
			break;
		case RTA_OIF:
			memcpy(&e.ifindex, RTA_DATA(a), sizeof(int));
			break;
		case RTA_PRIORITY:
			memcpy(&e.metric, RTA_DATA(a), 4);
			break;
		case RTA_TABLE:
			memcpy(&table, RTA_DATA(a), 4);
			break;
		}
	}
	if (table != RT_TABLE_MAIN && table != RT_TABLE_LOCAL)
		return 0;
	if (m->rtm_type == RTN_LOCAL)
		e.local = true;
	else if (m->rtm_type != RTN_UNICAST)
		return 0; /* broadcast, unreachable, blackhole, ... */
	if (e.ifindex == 0)
		return 0; /* multipath routes are not followed */
	n = realloc(t->routes, (t->nroutes + 1) * sizeof(*n));
	if (n == NULL)
		return NC_ERR_NOMEM;
	t->routes = n;
	t->routes[t->nroutes++] = e;
	return 0;
}

static int route_order(const void *pa, const void *pb)
{
	const netif_route_entry *a = pa, *b = pb;

	if (a->local != b->local)
		return a->local ? -1 : 1;
	if (a->prefix != b->prefix)
		return a->prefix > b->prefix ? -1 : 1;
	return a->metric < b->metric ? -1 : a->metric > b->metric;
}

static uint32_t prefix_mask(uint8_t prefix)
{
	return prefix == 0 ? 0 : 0xffffffffu << (32 - prefix);
}

int netif_load(netif_table **out)
{
	netif_table *t;
	int r;

	*out = NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NC_ERR_NOMEM;
	if ((r = load_ifaces(t)) != 0 || (r = nl_dump(RTM_GETROUTE, AF_INET, route_cb, t)) != 0) {
		netif_free(t);
		return r;
	}
	qsort(t->routes, t->nroutes, sizeof(*t->routes), route_order);
	for (size_t i = 0; i < t->nroutes; i++) {
		netif_route_entry *e = &t->routes[i];

		e->mask = prefix_mask(e->prefix);
		e->iface_at = SIZE_MAX;
		for (size_t j = 0; j < t->nifaces; j++)
			if (t->ifaces[j].ifindex == e->ifindex)
				e->iface_at = j;
	}
	*out = t;
	return 0;
}

void netif_free(netif_table *t)
{
	if (t == NULL)
		return;
	free(t->ifaces);
	free(t->routes);
	free(t->local_addrs);
	free(t);
}

const netif_iface *netif_find_iface(const netif_table *t, const char *name)
{
	for (size_t i = 0; i < t->nifaces; i++)
		if (strcmp(t->ifaces[i].name, name) == 0)
			return &t->ifaces[i];
	return NULL;
}

const netif_iface *netif_iface_by_index(const netif_table *t, int ifindex)
{
	for (size_t i = 0; i < t->nifaces; i++)
		if (t->ifaces[i].ifindex == ifindex)
			return &t->ifaces[i];
	return NULL;
}

bool netif_is_local(const netif_table *t, uint32_t ip)
{
	for (size_t i = 0; i < t->nlocal; i++)
		if (t->local_addrs[i] == ip)
			return true;
	return false;
}

int netif_route(const netif_table *t, uint32_t dst, int only_ifindex, netif_path *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < t->nroutes; i++) {
		const netif_route_entry *e = &t->routes[i];
		const netif_iface *ifc;

		if (((dst ^ e->dst) & e->mask) != 0)
			continue;
		if (only_ifindex > 0 && e->ifindex != only_ifindex && !e->local)
			continue;
		if (e->iface_at == SIZE_MAX || !(ifc = &t->ifaces[e->iface_at])->up)
			continue;
		if (e->local) {
			/* our own address: the kernel delivers it over loopback */
			for (size_t j = 0; j < t->nifaces; j++)
				if (t->ifaces[j].loopback)
					ifc = &t->ifaces[j];
		}
		out->iface = ifc;
		out->route = e;
		out->local = e->local;
		out->on_link = !e->local && e->gw == 0 && !ifc->loopback;
		out->nexthop = e->gw != 0 ? e->gw : dst;
		out->src = e->prefsrc != 0 ? e->prefsrc : ifc->addr;
		if (e->local)
			out->src = dst;
		if (out->src == 0)
			continue;
		return 0;
	}
	return NC_ERR_NOT_FOUND;
}

struct neigh_query {
	int ifindex;
	uint32_t ip;
	uint8_t mac[6];
	bool found;
};

static int neigh_cb(const struct nlmsghdr *h, void *arg)
{
	struct neigh_query *q = arg;
	const struct ndmsg *m = NLMSG_DATA(h);
	int len = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*m)));
	const struct rtattr *a;
	uint32_t dst = 0;
	const uint8_t *ll = NULL;

	if (h->nlmsg_type != RTM_NEWNEIGH || m->ndm_family != AF_INET ||
	    m->ndm_ifindex != q->ifindex)
		return 0;
	if (m->ndm_state & (NUD_INCOMPLETE | NUD_FAILED | NUD_NOARP))
		return 0;
	for (a = (const struct rtattr *)((const char *)m + NLMSG_ALIGN(sizeof(*m))); RTA_OK(a, len);
	     a = RTA_NEXT(a, len)) {
		if (a->rta_type == NDA_DST && RTA_PAYLOAD(a) == 4)
			dst = rta_u32_be(a);
		else if (a->rta_type == NDA_LLADDR && RTA_PAYLOAD(a) == 6)
			ll = RTA_DATA(a);
	}
	if (dst == q->ip && ll != NULL) {
		memcpy(q->mac, ll, 6);
		q->found = true;
	}
	return 0;
}

int netif_neigh_lookup(int ifindex, uint32_t ip, uint8_t mac[6])
{
	struct neigh_query q = { .ifindex = ifindex, .ip = ip };
	int r;

	if ((r = nl_dump(RTM_GETNEIGH, AF_INET, neigh_cb, &q)) != 0)
		return r;
	if (!q.found)
		return NC_ERR_NOT_FOUND;
	memcpy(mac, q.mac, 6);
	return 0;
}

struct neigh_list {
	netif_neighbour *v;
	size_t n, cap;
	uint64_t max_age_ms, ticks_per_s;
};

static int neigh_all_cb(const struct nlmsghdr *h, void *arg)
{
	struct neigh_list *l = arg;
	const struct ndmsg *m = NLMSG_DATA(h);
	int len = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*m)));
	const struct rtattr *a;
	netif_neighbour nb = { .ifindex = m->ndm_ifindex };
	bool have_ip = false, have_mac = false, recent = false;

	if (h->nlmsg_type != RTM_NEWNEIGH || m->ndm_family != AF_INET ||
	    !(m->ndm_state & (NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE)))
		return 0;
	for (a = (const struct rtattr *)((const char *)m + NLMSG_ALIGN(sizeof(*m))); RTA_OK(a, len);
	     a = RTA_NEXT(a, len)) {
		if (a->rta_type == NDA_DST && RTA_PAYLOAD(a) == 4) {
			nb.ip = rta_u32_be(a);
			have_ip = true;
		} else if (a->rta_type == NDA_LLADDR && RTA_PAYLOAD(a) == 6) {
			memcpy(nb.mac, RTA_DATA(a), 6);
			have_mac = true;
		} else if (a->rta_type == NDA_CACHEINFO &&
			   RTA_PAYLOAD(a) >= sizeof(struct nda_cacheinfo)) {
			struct nda_cacheinfo ci;

			/* ndm_confirmed: clock ticks since the neighbour last answered */
			memcpy(&ci, RTA_DATA(a), sizeof(ci));
			recent = (uint64_t)ci.ndm_confirmed * 1000u / l->ticks_per_s <=
				 l->max_age_ms;
		}
	}
	/* REACHABLE is confirmed by definition; a STALE/DELAY/PROBE entry
	 * counts when it answered within max_age_ms (an entry can go stale
	 * while a slow scan still runs) */
	if (!(m->ndm_state & NUD_REACHABLE) && !recent)
		return 0;
	if (!have_ip || !have_mac)
		return 0;
	if (nc_grow(&l->v, &l->cap, l->n + 1, sizeof(*l->v), 64) != 0)
		return NC_ERR_NOMEM;
	l->v[l->n++] = nb;
	return 0;
}

int netif_neigh_confirmed(uint64_t max_age_ms, netif_neighbour **out, size_t *n_out)
{
	struct neigh_list l = { .max_age_ms = max_age_ms };
	long tck = sysconf(_SC_CLK_TCK);
	int r;

	l.ticks_per_s = tck > 0 ? (uint64_t)tck : 100;

	*out = NULL;
	*n_out = 0;
	if ((r = nl_dump(RTM_GETNEIGH, AF_INET, neigh_all_cb, &l)) != 0) {
		free(l.v);
		return r;
	}
	*out = l.v;
	*n_out = l.n;
	return 0;
}

int netif_arp_resolve(const netif_iface *iface, uint32_t src, uint32_t ip, int tries,
		      int timeout_ms, uint8_t mac[6])
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ARP) };
	uint8_t frame[60], buf[256];
	int fd, r = NC_ERR_NOT_FOUND;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ARP));
	if (fd < 0)
		return nc_fail(errno == EPERM ? NC_ERR_PERM : NC_ERR_SYS,
			       "cannot open ARP socket on %s: %s", iface->name, strerror(errno));
	sll.sll_ifindex = iface->ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) != 0) {
		r = nc_fail(NC_ERR_SYS, "cannot bind ARP socket to %s: %s", iface->name,
			    strerror(errno));
		goto out;
	}
	memset(frame, 0, sizeof(frame));
	pkt_put_eth(frame, bcast, iface->mac, PKT_ETHERTYPE_ARP);
	pkt_put16(frame + 14, 1);
	pkt_put16(frame + 16, PKT_ETHERTYPE_IPV4);
	frame[18] = 6;
	frame[19] = 4;
	pkt_put16(frame + 20, 1);
	memcpy(frame + 22, iface->mac, 6);
	pkt_put32(frame + 28, src);
	pkt_put32(frame + 38, ip);
	sll.sll_halen = 6;
	memcpy(sll.sll_addr, bcast, 6);
	for (int t = 0; t < tries; t++) {
		uint64_t deadline = time_mono_ns() + (uint64_t)timeout_ms * 1000000ull;

		if (sendto(fd, frame, sizeof(frame), 0, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
			r = nc_fail(NC_ERR_SYS, "cannot send ARP on %s: %s", iface->name,
				    strerror(errno));
			goto out;
		}
		for (;;) {
			uint64_t now = time_mono_ns();
			struct pollfd pfd = { .fd = fd, .events = POLLIN };
			pkt_view v;
			ssize_t n;

			if (now >= deadline)
				break;
			if (poll(&pfd, 1, (int)((deadline - now) / 1000000) + 1) <= 0)
				continue;
			if ((n = recv(fd, buf, sizeof(buf), 0)) <= 0)
				continue;
			if (pkt_parse(buf, (size_t)n, &v) == PKT_OK && v.arp_op == 2 &&
			    v.arp_spa == ip) {
				memcpy(mac, v.arp_sha, 6);
				r = 0;
				goto out;
			}
		}
	}
	r = nc_fail(NC_ERR_NOT_FOUND, "no ARP reply from the gateway on %s", iface->name);
out:
	close(fd);
	return r;
}
