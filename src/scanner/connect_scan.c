/*
 * connect_scan.c — the unprivileged fallback (see connect_scan.h).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "scanner/connect_scan.h"
#include "scanner/permute.h"
#include "scanner/rate.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/timeutil.h"

#define CONNECT_MAX_INFLIGHT 1024

typedef struct {
	int fd; /* -1: free */
	uint32_t ip;
	uint16_t port;
	bool port_scan;
	uint64_t deadline_ns;
} slot;

typedef struct {
	const engine_config *cfg;
	const netif_table *net;
	results_t *res;
	scan_stats *stats;
	int ep;
	slot *slots;
	size_t nslots, inflight;
	rate_bucket bucket;
	uint64_t timeout_ns;
} cscan;

static bool stopped(const cscan *c)
{
	return c->cfg->stop != NULL && *c->cfg->stop != 0;
}

static void finish(cscan *c, slot *s, int err)
{
	if (s->port_scan) {
		if (err == 0)
			results_record_port(c->res, s->ip, s->port, 6, PORT_OPEN, REASON_SYN_ACK, 0);
		else if (err == ECONNREFUSED)
			results_record_port(c->res, s->ip, s->port, 6, PORT_CLOSED,
					    REASON_CONN_REFUSED, 0);
	} else if (err == 0 || err == ECONNREFUSED) {
		results_record(c->res, s->ip, err == 0 ? REASON_CONNECTED : REASON_CONN_REFUSED, 0,
			       -1, NULL, MAC_SRC_NONE, false);
	}
	epoll_ctl(c->ep, EPOLL_CTL_DEL, s->fd, NULL);
	close(s->fd);
	s->fd = -1;
	c->inflight--;
}

/* Handle completions and timeouts for up to wait_ms. */
static void poll_once(cscan *c, int wait_ms)
{
	struct epoll_event ev[256];
	uint64_t now;
	int n = epoll_wait(c->ep, ev, (int)ARRAY_SIZE(ev), wait_ms);

	for (int i = 0; i < n; i++) {
		slot *s = &c->slots[ev[i].data.u32];
		int err = 0;
		socklen_t len = sizeof(err);

		if (s->fd < 0)
			continue;
		if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
			err = errno;
		if (err == EINPROGRESS)
			continue;
		finish(c, s, err);
	}
	now = time_mono_ns();
	for (size_t i = 0; i < c->nslots; i++)
		if (c->slots[i].fd >= 0 && now >= c->slots[i].deadline_ns)
			finish(c, &c->slots[i], ETIMEDOUT);
}

static void start(cscan *c, uint32_t ip, uint16_t port, bool port_scan)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct epoll_event ev = { .events = EPOLLOUT | EPOLLERR | EPOLLHUP };
	size_t i;
	uint64_t wait_ns;
	int fd;

	while (c->inflight >= c->nslots && !stopped(c))
		poll_once(c, 10);
	while (rate_take(&c->bucket, 1, time_mono_ns(), &wait_ns) == 0) {
		if (wait_ns > 2000000)
			poll_once(c, (int)(wait_ns / 1000000));
		else
			time_sleep_ns(wait_ns);
	}
	for (i = 0; i < c->nslots && c->slots[i].fd >= 0; i++)
		;
	if (i == c->nslots)
		return;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		c->stats->packets_failed++;
		return;
	}
	/* no lingering: a RST closes at once, and no TIME_WAIT pile-up */
	{
		struct linger lg = { 1, 0 };

		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	}
	sa.sin_addr.s_addr = htonl(ip);
	sa.sin_port = htons(port);
	c->stats->packets_sent++;
	c->slots[i].fd = fd;
	c->slots[i].ip = ip;
	c->slots[i].port = port;
	c->slots[i].port_scan = port_scan;
	c->slots[i].deadline_ns = time_mono_ns() + c->timeout_ns;
	c->inflight++;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 && errno != EINPROGRESS) {
		/* refused (or unreachable) at once: that is the answer */
		finish(c, &c->slots[i], errno);
		return;
	}
	ev.data.u32 = (uint32_t)i;
	if (epoll_ctl(c->ep, EPOLL_CTL_ADD, fd, &ev) != 0)
		finish(c, &c->slots[i], errno);
}

static void drain(cscan *c)
{
	while (c->inflight > 0 && !stopped(c))
		poll_once(c, 10);
}

/*
 * Our connect() calls made the kernel ARP for every on-link target; the
 * ones that answered since the scan began (elapsed_ns) are in its
 * neighbour table even if they drop every TCP packet. That gives them
 * (and their MACs) back to us. Read after every pass, so an entry the
 * kernel ages or evicts during a long scan is not lost.
 */
static void harvest_neighbours(cscan *c, uint64_t elapsed_ns)
{
	netif_neighbour *nb;
	size_t nn;

	if (netif_neigh_confirmed(elapsed_ns / 1000000u + 1000u, &nb, &nn) != 0)
		return;
	for (size_t i = 0; i < nn; i++) {
		netif_path path;

		if (!targets_contains(c->cfg->targets, nb[i].ip) ||
		    netif_route(c->net, nb[i].ip, 0, &path) != 0 || !path.on_link ||
		    path.iface->ifindex != nb[i].ifindex)
			continue;
		results_record(c->res, nb[i].ip, REASON_ARP_RESPONSE, 0, -1, nb[i].mac,
			       MAC_SRC_NEIGHBOUR, true);
	}
	free(nb);
}

static void discovery_ports(const engine_config *cfg, port_list *out)
{
	/* the SYN and ACK probe ports, merged */
	static uint16_t merged[64];
	size_t n = 0;

	for (size_t i = 0; i < cfg->syn_ports.n && n < ARRAY_SIZE(merged); i++)
		merged[n++] = cfg->syn_ports.ports[i];
	for (size_t i = 0; i < cfg->ack_ports.n && n < ARRAY_SIZE(merged); i++) {
		bool dup = false;

		for (size_t j = 0; j < n; j++)
			dup |= merged[j] == cfg->ack_ports.ports[i];
		if (!dup)
			merged[n++] = cfg->ack_ports.ports[i];
	}
	out->ports = merged;
	out->n = n;
}

int connect_scan_run(const engine_config *cfg, const netif_table *net, results_t *res)
{
	cscan c = { .cfg = cfg, .net = net, .res = res, .stats = results_stats(res) };
	struct rlimit rl;
	uint64_t n = targets_count(cfg->targets);
	port_list dports;
	uint64_t t0;
	int r = NC_ERR_INTERNAL;

	discovery_ports(cfg, &dports);
	if (dports.n == 0) {
		static uint16_t p80 = 80;

		dports.ports = &p80;
		dports.n = 1;
	}
	c.nslots = CONNECT_MAX_INFLIGHT;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		if (rl.rlim_cur < rl.rlim_max && rl.rlim_cur < CONNECT_MAX_INFLIGHT + 64) {
			rl.rlim_cur = NC_MIN(rl.rlim_max, (rlim_t)CONNECT_MAX_INFLIGHT + 64);
			setrlimit(RLIMIT_NOFILE, &rl);
		}
		if (rl.rlim_cur < CONNECT_MAX_INFLIGHT + 64)
			c.nslots = rl.rlim_cur > 96 ? rl.rlim_cur - 64 : 32;
	}
	c.timeout_ns = (uint64_t)(NC_MIN(NC_MAX(cfg->wait_cap, 0.2), 1.0) * 1e9);
	if ((c.slots = calloc(c.nslots, sizeof(*c.slots))) == NULL)
		return NC_ERR_NOMEM;
	for (size_t i = 0; i < c.nslots; i++)
		c.slots[i].fd = -1;
	if ((c.ep = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		r = nc_fail(NC_ERR_SYS, "epoll: %s", strerror(errno));
		goto out;
	}
	rate_init(&c.bucket, cfg->rate, 1, t0 = time_mono_ns());

	for (int pass = 0; pass <= cfg->retries && !stopped(&c); pass++) {
		permute_t perm;

		permute_init(&perm, n, cfg->seed + (uint64_t)pass * 0x9e3779b97f4a7c15ull);
		for (uint64_t i = 0; i < n && !stopped(&c); i++) {
			uint32_t ip = targets_at(cfg->targets, permute_map(&perm, i));
			netif_path path;

			if (results_has(res, ip))
				continue;
			if (netif_route(net, ip, 0, &path) != 0)
				continue;
			if (path.local) {
				if (pass == 0)
					results_record(res, ip, REASON_LOCALHOST, 0, -1, NULL,
						       MAC_SRC_NONE, false);
				continue;
			}
			for (size_t p = 0; p < dports.n && !results_has(res, ip); p++)
				start(&c, ip, dports.ports[p], false);
		}
		drain(&c);
		if (!stopped(&c))
			harvest_neighbours(&c, time_mono_ns() - t0);
	}
	if (cfg->scan_ports.n > 0 && !stopped(&c)) {
		size_t nh;
		host_result *const *hosts = results_sorted(res, &nh);
		uint32_t *ips = malloc((nh ? nh : 1) * sizeof(*ips));

		if (ips == NULL) {
			r = NC_ERR_NOMEM;
			goto out;
		}
		for (size_t i = 0; i < nh; i++)
			ips[i] = hosts[i]->ip;
		for (int pass = 0; pass <= cfg->retries && !stopped(&c); pass++) {
			for (size_t i = 0; i < nh && !stopped(&c); i++) {
				netif_path path;

				if (netif_route(net, ips[i], 0, &path) != 0 || path.local)
					continue;
				for (size_t p = 0; p < cfg->scan_ports.n; p++)
					if (!results_has_port(res, ips[i], cfg->scan_ports.ports[p], 6))
						start(&c, ips[i], cfg->scan_ports.ports[p], true);
			}
			drain(&c);
		}
		/* what never answered is filtered (an interrupted scan did not ask all) */
		for (size_t i = 0; i < nh && !stopped(&c); i++) {
			netif_path path;

			if (netif_route(net, ips[i], 0, &path) != 0 || path.local)
				continue;
			for (size_t p = 0; p < cfg->scan_ports.n; p++)
				if (!results_has_port(res, ips[i], cfg->scan_ports.ports[p], 6))
					results_record_port(res, ips[i], cfg->scan_ports.ports[p],
							    6, PORT_FILTERED, REASON_NO_RESPONSE,
							    0);
		}
		free(ips);
	}
	r = 0;
out:
	for (size_t i = 0; i < c.nslots; i++)
		if (c.slots[i].fd >= 0)
			close(c.slots[i].fd);
	if (c.ep >= 0)
		close(c.ep);
	free(c.slots);
	return r;
}
