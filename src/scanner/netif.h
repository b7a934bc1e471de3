/*
 * netif.h — which interface, source address and next-hop MAC a probe to a
 * given target uses.
 *
 * netif_load() reads the interfaces (getifaddrs) and the kernel's IPv4
 * routing tables (main and local, over rtnetlink) once; netif_route() then
 * answers with a longest-prefix match in memory, the same choice the kernel
 * would make for ordinary routes (policy routing is not followed).
 */
#ifndef NC_SCANNER_NETIF_H
#define NC_SCANNER_NETIF_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
	int ifindex;
	char name[IF_NAMESIZE];
	uint8_t mac[6];
	bool loopback;
	bool up;
	uint32_t addr;    /* primary IPv4 address, host order; 0 if none */
	uint8_t prefix;
} netif_iface;

typedef struct {
	uint32_t dst;     /* network, host order */
	uint8_t prefix;
	uint32_t gw;      /* 0: directly attached */
	uint32_t prefsrc; /* 0: none given */
	int ifindex;
	uint32_t metric;
	bool local;       /* local table: addresses of this host */
	uint32_t mask;    /* from prefix */
	size_t iface_at;  /* index in ifaces[], SIZE_MAX when unknown */
} netif_route_entry;

typedef struct netif_table {
	netif_iface *ifaces;
	size_t nifaces;
	netif_route_entry *routes; /* sorted: local first, then longest prefix, metric */
	size_t nroutes;
	uint32_t *local_addrs;     /* every IPv4 address of this host */
	size_t nlocal;
} netif_table;

/* How to reach one target. */
typedef struct {
	const netif_iface *iface;
	uint32_t src;      /* our source address */
	uint32_t nexthop;  /* the target itself when on-link, else the gateway */
	bool on_link;      /* directly attached: ARP for the target */
	bool local;        /* one of our own addresses (sent over loopback) */
	const netif_route_entry *route;
} netif_path;

/* Load interfaces and routes. *out = NULL first. NC_ERR_SYS with detail. */
int netif_load(netif_table **out);
void netif_free(netif_table *t);

const netif_iface *netif_find_iface(const netif_table *t, const char *name);
const netif_iface *netif_iface_by_index(const netif_table *t, int ifindex);
bool netif_is_local(const netif_table *t, uint32_t ip);

/*
 * The path to dst. With only_ifindex > 0 only routes through that interface
 * are considered. Returns 0 or NC_ERR_NOT_FOUND (no route).
 */
int netif_route(const netif_table *t, uint32_t dst, int only_ifindex, netif_path *out);

/* MAC of ip in the kernel's neighbour table (REACHABLE/STALE/PERMANENT...).
 * Returns 0 or NC_ERR_NOT_FOUND. */
int netif_neigh_lookup(int ifindex, uint32_t ip, uint8_t mac[6]);

/* One confirmed (NUD_REACHABLE) IPv4 neighbour. */
typedef struct {
	int ifindex;
	uint32_t ip;
	uint8_t mac[6];
} netif_neighbour;

/* Every IPv4 neighbour that answered the kernel's ARP in the last
 * max_age_ms (REACHABLE, or STALE/DELAY/PROBE confirmed that recently),
 * for the unprivileged fallback. *out = NULL first; caller frees. */
int netif_neigh_confirmed(uint64_t max_age_ms, netif_neighbour **out, size_t *n_out);

/*
 * Resolve ip on iface with our own ARP requests (tries times, timeout_ms
 * each). Needs CAP_NET_RAW. 0, NC_ERR_NOT_FOUND, NC_ERR_PERM, NC_ERR_SYS.
 */
int netif_arp_resolve(const netif_iface *iface, uint32_t src, uint32_t ip, int tries,
		      int timeout_ms, uint8_t mac[6]);

#endif
