/*
 * engine.c — send and receive threads of host discovery (see engine.h).
 *
 * The sender walks a keyed permutation of the targets, builds frames with
 * the probe modules into a batch and hands the batch to sendmmsg() on an
 * AF_PACKET socket, paced by a token bucket.  The receiver reads every
 * interface the scan uses through libpcap with a BPF filter; it keeps no
 * table of targets: a reply counts when a probe module's cookie check passes
 * and its source is a target.  The only per-host state is the table of hosts
 * that answered (results.h), which the sender consults to skip them on the
 * retry passes.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <math.h>
#include <net/ethernet.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "scanner/connect_scan.h"
#include "scanner/engine.h"
#include "scanner/netif.h"
#include "scanner/permute.h"
#include "scanner/progress.h"
#include "scanner/rate.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/grow.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/privs.h"
#include "util/timeutil.h"

#define BATCH_MAX 64
#define MAX_CAPTURES 16
#define PCAP_BUFFER (4 * 1024 * 1024)
#define QUIET_MIN_NS (30ull * 1000000)   /* wait at least this long for stragglers */
#define QUIET_MAX_NS (1000ull * 1000000) /* ...and never need more than this */

typedef struct {
	pcap_t *pcap;
	int fd;
	const netif_iface *iface;
} capture;

/* A live host the later phases probe; appended by the receiver. */
typedef struct {
	uint32_t ip;
	uint8_t mac[6];
	bool has_mac;
	bool on_link;
} live_host;

/* Per route: the gateway's MAC, resolved before the threads start. */
typedef struct {
	uint8_t mac[6];
	bool known;
} gw_state;

typedef struct engine {
	const engine_config *cfg;
	results_t *res;
	scan_stats *stats;
	engine_report *report;
	netif_table *net;
	probe_env env;
	int only_ifindex;
	gw_state *gw; /* parallel to net->routes */

	/* sender */
	int send_fd;
	rate_bucket bucket;
	uint32_t tokens;
	unsigned batch_size;
	unsigned nbatch;
	struct mmsghdr msgs[BATCH_MAX];
	struct iovec iov[BATCH_MAX];
	struct sockaddr_ll sll[BATCH_MAX];
	uint8_t frames[BATCH_MAX][PKT_MAX_FRAME];
	progress_state progress;
	struct {
		const probe_module *m;
		uint16_t port;
	} slots[64];
	size_t nslots;

	/* receiver */
	capture caps[MAX_CAPTURES];
	size_t ncaps;
	pthread_t rx_thread;
	bool rx_started;
	atomic_bool rx_stop;
	atomic_uint_fast64_t last_reply_ns;
	atomic_uint_fast64_t max_rtt_us;
	atomic_uint_fast64_t replies_valid, replies_invalid;
	atomic_uint_fast64_t capture_drops;

	pthread_mutex_t live_lock;
	live_host *live;
	size_t nlive, live_cap;
} engine;

static bool stop_requested(const engine *e)
{
	return e->cfg->stop != NULL && *e->cfg->stop != 0;
}

static size_t module_index(const probe_module *m)
{
	for (size_t i = 0; i < probe_modules_count; i++)
		if (probe_modules[i] == m)
			return i;
	return probe_modules_count;
}

/* ------------------------------------------------------------ sending */

static void flush_batch(engine *e)
{
	unsigned done = 0;
	int attempts = 0;

	while (done < e->nbatch) {
		int n = sendmmsg(e->send_fd, e->msgs + done, e->nbatch - done, 0);

		if (n > 0) {
			done += (unsigned)n;
			attempts = 0;
			continue;
		}
		if (n < 0 && errno != ENOBUFS && errno != EAGAIN && errno != EINTR &&
		    errno != ENOMEM) {
			/* e.g. ENETDOWN: drop this frame, keep going */
			e->stats->packets_failed++;
			done++;
			continue;
		}
		/* the device queue is full: back off a little and retry */
		if (++attempts > 200) {
			e->stats->packets_failed += e->nbatch - done;
			break;
		}
		time_sleep_ns(50000);
	}
	e->stats->packets_sent += done;
	e->nbatch = 0;
}

/* Block until the token bucket grants the next packet. */
static void pace(engine *e)
{
	while (e->tokens == 0) {
		uint64_t wait_ns = 0;
		uint32_t got = rate_take(&e->bucket, e->batch_size, time_mono_ns(), &wait_ns);

		if (got > 0) {
			e->tokens = got;
			return;
		}
		if (e->nbatch > 0)
			flush_batch(e);
		else
			time_sleep_ns(wait_ns);
	}
}

/* Build and queue one probe frame. */
static void emit(engine *e, const probe_module *m, const netif_iface *ifc, uint32_t src,
		 const uint8_t *dst_mac, uint32_t dst_ip, uint16_t port, bool port_scan,
		 uint64_t flow)
{
	probe_dst d;
	size_t len, idx = module_index(m);
	uint8_t *frame;

	d.src_ip = src;
	d.dst_ip = dst_ip;
	memcpy(d.src_mac, ifc->mac, 6);
	memcpy(d.dst_mac, dst_mac, 6);
	d.dst_port = port;
	d.port_scan = port_scan;
	d.flow = flow;

	if (e->cfg->dry_run) {
		uint8_t scratch[PKT_MAX_FRAME];
		char a[16], b[16];

		d.now_ns = e->env.t0_ns;
		len = m->make_packet(&e->env, &d, scratch, sizeof(scratch));
		if (len == 0)
			return;
		e->report->per_probe[idx]++;
		e->report->packets++;
		if (e->cfg->dry_list != NULL) {
			if (port != 0)
				fprintf(e->cfg->dry_list, "%s\t%s\t%s\t%s\t%u\n", m->name,
					ifc->name, format_ipv4(d.src_ip, a, sizeof(a)),
					format_ipv4(dst_ip, b, sizeof(b)), port);
			else
				fprintf(e->cfg->dry_list, "%s\t%s\t%s\t%s\t-\n", m->name,
					ifc->name, format_ipv4(d.src_ip, a, sizeof(a)),
					format_ipv4(dst_ip, b, sizeof(b)));
		}
		return;
	}

	pace(e);
	d.now_ns = time_mono_ns();
	frame = e->frames[e->nbatch];
	len = m->make_packet(&e->env, &d, frame, PKT_MAX_FRAME);
	if (len == 0)
		return;
	e->tokens--;
	e->report->per_probe[idx]++;
	e->report->packets++;
	e->iov[e->nbatch].iov_base = frame;
	e->iov[e->nbatch].iov_len = len;
	memset(&e->sll[e->nbatch], 0, sizeof(e->sll[0]));
	e->sll[e->nbatch].sll_family = AF_PACKET;
	e->sll[e->nbatch].sll_ifindex = ifc->ifindex;
	e->sll[e->nbatch].sll_halen = 6;
	memcpy(e->sll[e->nbatch].sll_addr, dst_mac, 6);
	e->msgs[e->nbatch].msg_hdr.msg_name = &e->sll[e->nbatch];
	e->msgs[e->nbatch].msg_hdr.msg_namelen = sizeof(e->sll[0]);
	e->msgs[e->nbatch].msg_hdr.msg_iov = &e->iov[e->nbatch];
	e->msgs[e->nbatch].msg_hdr.msg_iovlen = 1;
	if (++e->nbatch == e->batch_size)
		flush_batch(e);
}

/* Every IP probe slot (see build_slots) to one target, back to back. */
static void emit_ip_probes(engine *e, const netif_path *path, const uint8_t *dst_mac,
			   uint32_t ip)
{
	uint64_t flow = cookie_flow(&e->env.key, path->src, ip);

	for (size_t k = 0; k < e->nslots; k++)
		emit(e, e->slots[k].m, path->iface, path->src, dst_mac, ip, e->slots[k].port,
		     false, flow);
}

static const uint8_t *gateway_mac(engine *e, const netif_path *path)
{
	size_t r = (size_t)(path->route - e->net->routes);

	return e->gw[r].known ? e->gw[r].mac : NULL;
}

/* ------------------------------------------------------------ receiving */

static void live_add(engine *e, uint32_t ip, const uint8_t *mac, bool on_link)
{
	live_host *n;

	pthread_mutex_lock(&e->live_lock);
	if (nc_grow(&e->live, &e->live_cap, e->nlive + 1, sizeof(*e->live), 256) != 0) {
		pthread_mutex_unlock(&e->live_lock);
		return;
	}
	n = &e->live[e->nlive++];
	n->ip = ip;
	n->has_mac = mac != NULL;
	if (mac != NULL)
		memcpy(n->mac, mac, 6);
	n->on_link = on_link;
	pthread_mutex_unlock(&e->live_lock);
}

static void accept_reply(engine *e, probe_reply *rep, uint64_t now_ns)
{
	netif_path path;
	bool on_link = false, is_new;
	const uint8_t *mac = NULL;

	if (!targets_contains(e->cfg->targets, rep->ip)) {
		atomic_fetch_add(&e->replies_invalid, 1);
		return;
	}
	if (netif_route(e->net, rep->ip, e->only_ifindex, &path) == 0)
		on_link = path.on_link;
	if (on_link && rep->mac_src != MAC_SRC_NONE)
		mac = rep->mac;
	else
		rep->mac_src = MAC_SRC_NONE;
	atomic_fetch_add(&e->replies_valid, 1);
	atomic_store(&e->last_reply_ns, now_ns);
	if (rep->rtt_us > 0) {
		uint_fast64_t cur = atomic_load(&e->max_rtt_us);

		while ((uint64_t)rep->rtt_us > cur &&
		       !atomic_compare_exchange_weak(&e->max_rtt_us, &cur, (uint64_t)rep->rtt_us))
			;
	}
	if (rep->is_port)
		results_record_port(e->res, rep->ip, rep->port, 6, rep->state, rep->reason,
				    rep->ttl);
	if (!rep->alive)
		return;
	is_new = !results_has(e->res, rep->ip);
	results_record(e->res, rep->ip, rep->reason, rep->ttl, rep->rtt_us, mac, rep->mac_src,
		       on_link);
	if (rep->tcp_window != 0)
		results_set_tcp_window(e->res, rep->ip, rep->tcp_window);
	/* only a SYN's RST says "closed" (an ACK draws a RST from open ports too) */
	if (!rep->is_port && rep->state == PORT_CLOSED && rep->port != 0)
		results_note_closed(e->res, rep->ip, rep->port);
	if (is_new)
		live_add(e, rep->ip, mac, on_link);
}

struct rx_ctx {
	engine *e;
	capture *c;
};

static void rx_frame(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct rx_ctx *ctx = (struct rx_ctx *)(void *)user;
	engine *e = ctx->e;
	uint64_t now = time_mono_ns();
	probe_reply rep;
	pkt_view v;

	if (pkt_parse(bytes, h->caplen, &v) != PKT_OK)
		return;
	if (v.ethertype == PKT_ETHERTYPE_ARP) {
		/* a reply to our request: addressed to our address and MAC */
		if (v.arp_op != 2 || v.arp_tpa != ctx->c->iface->addr ||
		    memcmp(v.arp_tha, ctx->c->iface->mac, 6) != 0)
			return;
		memset(&rep, 0, sizeof(rep));
		if (probe_arp.validate(&e->env, &v, now, &rep))
			accept_reply(e, &rep, now);
		return;
	}
	if (v.ethertype != PKT_ETHERTYPE_IPV4 || !netif_is_local(e->net, v.ip_dst))
		return;
	for (size_t i = 0; i < probe_modules_count; i++) {
		const probe_module *m = probe_modules[i];

		if (m->kind == PROBE_KIND_ARP)
			continue;
		memset(&rep, 0, sizeof(rep));
		if (m->validate(&e->env, &v, now, &rep)) {
			accept_reply(e, &rep, now);
			return;
		}
	}
	atomic_fetch_add(&e->replies_invalid, 1);
}

static void *rx_main(void *arg)
{
	engine *e = arg;
	struct pollfd pfd[MAX_CAPTURES];
	struct rx_ctx ctx[MAX_CAPTURES];

	for (size_t i = 0; i < e->ncaps; i++) {
		pfd[i].fd = e->caps[i].fd;
		pfd[i].events = POLLIN;
		ctx[i].e = e;
		ctx[i].c = &e->caps[i];
	}
	uint64_t last_stats = time_mono_ns();

	while (!atomic_load(&e->rx_stop)) {
		int n = poll(pfd, (nfds_t)e->ncaps, 10);

		if (time_mono_ns() - last_stats > 50000000ull) {
			uint64_t drops = 0;

			for (size_t i = 0; i < e->ncaps; i++) {
				struct pcap_stat ps;

				if (pcap_stats(e->caps[i].pcap, &ps) == 0)
					drops += ps.ps_drop + ps.ps_ifdrop;
			}
			atomic_store(&e->capture_drops, drops);
			last_stats = time_mono_ns();
		}

		if (n <= 0)
			continue;
		for (size_t i = 0; i < e->ncaps; i++)
			if (pfd[i].revents & POLLIN)
				while (pcap_dispatch(e->caps[i].pcap, 512, rx_frame,
						     (u_char *)&ctx[i]) > 0)
					;
	}
	/* drain what is already buffered */
	for (size_t i = 0; i < e->ncaps; i++)
		while (pcap_dispatch(e->caps[i].pcap, 512, rx_frame, (u_char *)&ctx[i]) > 0)
			;
	return NULL;
}

static int open_capture(engine *e, const netif_iface *ifc)
{
	char errbuf[PCAP_ERRBUF_SIZE], filter[256];
	struct bpf_program prog;
	capture *c;
	pcap_t *p;

	for (size_t i = 0; i < e->ncaps; i++)
		if (e->caps[i].iface == ifc)
			return 0;
	if (e->ncaps == MAX_CAPTURES)
		return nc_fail(NC_ERR_TOOBIG, "a scan can use at most %d interfaces", MAX_CAPTURES);
	errbuf[0] = '\0';
	if ((p = pcap_create(ifc->name, errbuf)) == NULL)
		return nc_fail(NC_ERR_SYS, "cannot capture on %s: %s", ifc->name, errbuf);
	pcap_set_snaplen(p, 256);
	pcap_set_promisc(p, 0);
	pcap_set_immediate_mode(p, 1);
	pcap_set_buffer_size(p, PCAP_BUFFER);
	if (pcap_activate(p) < 0) {
		int r = nc_fail(NC_ERR_SYS, "cannot capture on %s: %s", ifc->name, pcap_geterr(p));

		pcap_close(p);
		return r;
	}
	if (pcap_datalink(p) != DLT_EN10MB) {
		pcap_close(p);
		return nc_fail(NC_ERR_SYS, "interface %s is not Ethernet", ifc->name);
	}
	pcap_setdirection(p, PCAP_D_IN);
	snprintf(filter, sizeof(filter),
		 "(arp and arp[6:2] = 2) or icmp or (tcp and dst port %u) or "
		 "(udp and src port 161)",
		 e->env.tcp_sport);
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0 ||
	    pcap_setfilter(p, &prog) != 0) {
		int r = nc_fail(NC_ERR_SYS, "BPF filter on %s: %s", ifc->name, pcap_geterr(p));

		pcap_close(p);
		return r;
	}
	pcap_freecode(&prog);
	if (pcap_setnonblock(p, 1, errbuf) != 0) {
		pcap_close(p);
		return nc_fail(NC_ERR_SYS, "pcap on %s: %s", ifc->name, errbuf);
	}
	c = &e->caps[e->ncaps++];
	c->pcap = p;
	c->fd = pcap_get_selectable_fd(p);
	c->iface = ifc;
	return 0;
}

/* ------------------------------------------------------------ set-up */

/* Does any target fall inside the route's prefix? */
static bool route_has_targets(const engine *e, const netif_route_entry *r)
{
	uint32_t mask = r->prefix == 0 ? 0 : 0xffffffffu << (32 - r->prefix);
	uint32_t lo = r->dst & mask, hi = lo | ~mask;
	size_t n;
	const ip_interval *iv = targets_intervals(e->cfg->targets, &n);

	for (size_t i = 0; i < n; i++)
		if (iv[i].lo <= hi && iv[i].hi >= lo)
			return true;
	return false;
}

/* Find the gateways and interfaces the targets need; open captures. */
static int prepare_paths(engine *e)
{
	int r;

	if ((e->gw = calloc(e->net->nroutes ? e->net->nroutes : 1, sizeof(*e->gw))) == NULL)
		return NC_ERR_NOMEM;
	for (size_t i = 0; i < e->net->nroutes; i++) {
		const netif_route_entry *rt = &e->net->routes[i];
		const netif_iface *ifc = netif_iface_by_index(e->net, rt->ifindex);
		char gw[16];

		if (rt->local || ifc == NULL || !ifc->up || ifc->loopback)
			continue;
		if (e->only_ifindex > 0 && rt->ifindex != e->only_ifindex)
			continue;
		if (!route_has_targets(e, rt))
			continue;
		if (!e->cfg->dry_run && (r = open_capture(e, ifc)) != 0)
			return r;
		if (rt->gw == 0)
			continue;
		if (netif_neigh_lookup(rt->ifindex, rt->gw, e->gw[i].mac) == 0) {
			e->gw[i].known = true;
		} else if (e->cfg->dry_run) {
			e->gw[i].known = true; /* nothing is sent: any MAC will do */
		} else if (netif_arp_resolve(ifc, ifc->addr, rt->gw, 3, 300, e->gw[i].mac) == 0) {
			e->gw[i].known = true;
		} else {
			log_warn("gateway %s on %s does not answer ARP; targets routed through it "
				 "are skipped",
				 format_ipv4(rt->gw, gw, sizeof(gw)), ifc->name);
		}
	}
	return 0;
}

static int open_sender(engine *e)
{
	int one = 1, sndbuf = 4 * 1024 * 1024;

	e->send_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (e->send_fd < 0)
		return errno == EPERM || errno == EACCES
			       ? nc_fail(NC_ERR_PERM, "raw sockets need CAP_NET_RAW")
			       : nc_fail(NC_ERR_SYS, "cannot open a packet socket: %s",
					 strerror(errno));
	setsockopt(e->send_fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
#ifdef PACKET_QDISC_BYPASS
	setsockopt(e->send_fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
#endif
	(void)one;
	return 0;
}

/* ------------------------------------------------------------ phases */

/* How long replies keep trickling in after our last packet. */
static uint64_t quiet_ns(const engine *e)
{
	uint64_t rtt_ns = atomic_load(&e->max_rtt_us) * 1000ull;
	uint64_t q = 4 * rtt_ns;

	return NC_MIN(NC_MAX(q, QUIET_MIN_NS), QUIET_MAX_NS);
}

/*
 * Wait for stragglers after a pass: until no reply has come for a quiet
 * period (and at least that long after the last send), at most cap seconds.
 */
static void wait_replies(engine *e, double cap)
{
	uint64_t start = time_mono_ns();
	uint64_t cap_ns = (uint64_t)(cap * 1e9);

	if (e->cfg->dry_run)
		return;
	flush_batch(e);
	for (;;) {
		uint64_t now = time_mono_ns(), last = atomic_load(&e->last_reply_ns);
		uint64_t q = quiet_ns(e);

		if (stop_requested(e) || now - start >= cap_ns)
			return;
		if (now - NC_MAX(last, start) >= q)
			return;
		time_sleep_ns(2000000);
		progress_update(&e->progress, e->stats->packets_sent + e->nbatch,
				results_count(e->res), false);
	}
}

/* A snapshot of the live hosts so far (the receiver keeps appending). */
static live_host *live_snapshot(engine *e, size_t *n_out)
{
	live_host *copy;

	pthread_mutex_lock(&e->live_lock);
	*n_out = e->nlive;
	copy = malloc((e->nlive ? e->nlive : 1) * sizeof(*copy));
	if (copy != NULL && e->nlive > 0)
		memcpy(copy, e->live, e->nlive * sizeof(*copy));
	pthread_mutex_unlock(&e->live_lock);
	if (copy == NULL)
		*n_out = 0;
	return copy;
}

/*
 * The sweep sends each routed target one packet per probe slot (a probe and,
 * for TCP, a port). The slots of one target are spread STAGGER targets
 * apart in the pass rather than sent back to back, so a burst of loss costs
 * a host one probe, not all of them, and the loss estimate below sees it.
 * A ring of the last STAGGER * nslots targets keeps the route work to once
 * per target; memory stays constant.
 */
#define STAGGER 1024

typedef struct {
	const netif_iface *iface;
	const uint8_t *mac;
	uint64_t flow;
	uint32_t ip, src;
	bool routed; /* the IP probe slots go to it */
} sweep_item;

static void build_slots(engine *e)
{
	e->nslots = 0;
	for (size_t i = 0; i < e->cfg->nprobes; i++) {
		const probe_module *m = e->cfg->probes[i];
		const port_list *pl;

		if (m->kind == PROBE_KIND_IP && e->nslots < ARRAY_SIZE(e->slots)) {
			e->slots[e->nslots].m = m;
			e->slots[e->nslots++].port = 0;
		}
		if (m->kind != PROBE_KIND_PORTS)
			continue;
		pl = m == &probe_tcp_ack ? &e->cfg->ack_ports : &e->cfg->syn_ports;
		for (size_t j = 0; j < pl->n && e->nslots < ARRAY_SIZE(e->slots); j++) {
			e->slots[e->nslots].m = m;
			e->slots[e->nslots++].port = pl->ports[j];
		}
	}
}

/* Resolve target ip into *it; false when nothing is to be sent to it. */
static bool sweep_item_make(engine *e, int pass, bool retry_ip, uint32_t ip, sweep_item *it)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	netif_path path;

	it->routed = false;
	if (pass > 0 && results_has(e->res, ip))
		return false;
	if (netif_route(e->net, ip, e->only_ifindex, &path) != 0) {
		if (pass == 0)
			e->report->unroutable++;
		return false;
	}
	it->ip = ip;
	if (path.local) {
		/* one of our own addresses: up by definition, as nmap says */
		if (pass == 0) {
			const netif_iface *own = NULL;

			for (size_t k = 0; k < e->net->nifaces; k++)
				if (e->net->ifaces[k].addr == ip)
					own = &e->net->ifaces[k];
			e->report->local++;
			if (!e->cfg->dry_run) {
				bool has_mac = own && !own->loopback;

				results_record(e->res, ip, REASON_LOCALHOST, 0, -1,
					       has_mac ? own->mac : NULL,
					       has_mac ? MAC_SRC_ARP : MAC_SRC_NONE, false);
			}
		}
		return false;
	}
	if (path.on_link) {
		emit(e, &probe_arp, path.iface, path.src, bcast, ip, 0, false, 0);
		return false;
	}
	if (!retry_ip)
		return false;
	if ((it->mac = gateway_mac(e, &path)) == NULL) {
		if (pass == 0)
			e->report->unroutable++;
		return false;
	}
	it->iface = path.iface;
	it->src = path.src;
	it->flow = cookie_flow(&e->env.key, path.src, ip);
	it->routed = true;
	return true;
}

static void sweep_pass(engine *e, int pass, bool retry_ip)
{
	uint64_t n = targets_count(e->cfg->targets);
	size_t ns = e->nslots, ring_len;
	uint64_t span = ns > 1 ? (uint64_t)(ns - 1) * STAGGER : 0;
	sweep_item *ring;
	permute_t perm;

	/* a power of two at least STAGGER * slots, so indexing is a mask */
	for (ring_len = 1; ring_len < (size_t)STAGGER * NC_MAX(ns, 1); ring_len <<= 1)
		;
	if ((ring = calloc(ring_len, sizeof(*ring))) == NULL)
		return;
	permute_init(&perm, n, e->cfg->seed + (uint64_t)pass * 0x9e3779b97f4a7c15ull);
	for (uint64_t i = 0; i < n + span; i++) {
		if ((i & 1023) == 0) {
			if (stop_requested(e))
				break;
			e->progress.done = NC_MIN(i, n);
			progress_update(&e->progress, e->stats->packets_sent + e->nbatch,
					results_count(e->res), false);
		}
		if (i < n) {
			sweep_item *it = &ring[i & (ring_len - 1)];
			uint32_t ip = targets_at(e->cfg->targets, permute_map(&perm, i));

			if (sweep_item_make(e, pass, retry_ip, ip, it) && ns > 0)
				emit(e, e->slots[0].m, it->iface, it->src, it->mac, ip,
				     e->slots[0].port, false, it->flow);
		}
		for (size_t k = 1; k < ns; k++) {
			uint64_t j;
			const sweep_item *it;

			if (i < (uint64_t)k * STAGGER)
				break; /* and so are the later slots */
			if ((j = i - (uint64_t)k * STAGGER) >= n)
				continue;
			it = &ring[j & (ring_len - 1)];
			if (it->routed)
				emit(e, e->slots[k].m, it->iface, it->src, it->mac, it->ip,
				     e->slots[k].port, false, it->flow);
		}
	}
	free(ring);
}

/*
 * Is another pass over the silent routed targets worth it? Each live host
 * was sent every probe slot, spread over the pass; if packets are being
 * lost, hosts that answer probe type A will be missing some answers of type
 * B that the rest of them give. From the best such pair we estimate the
 * loss rate p, and the hosts we may have missed entirely as the sum over
 * found hosts of p^(types it answered). Local evidence of loss (send
 * errors, capture drops) or too few hosts to judge means: retry.
 */
static bool loss_suspected(engine *e)
{
	static const reason_t kinds[] = {
		REASON_ECHO_REPLY, REASON_TIMESTAMP_REPLY, REASON_SYN_ACK,
		REASON_RESET, REASON_UDP_RESPONSE, REASON_PORT_UNREACH,
	};
	size_t n, have[ARRAY_SIZE(kinds)] = { 0 };
	size_t both[ARRAY_SIZE(kinds)][ARRAY_SIZE(kinds)] = { { 0 } };
	uint32_t *masks;
	live_host *hosts;
	double best = -1, p, missed = 0;

	if (e->stats->packets_failed > 0 || atomic_load(&e->capture_drops) > 0) {
		log_info("loss seen locally (%llu send errors, %llu capture drops): retrying silent "
			 "routed targets",
			 (unsigned long long)e->stats->packets_failed,
			 (unsigned long long)atomic_load(&e->capture_drops));
		return true;
	}
	if ((hosts = live_snapshot(e, &n)) == NULL)
		return true;
	masks = calloc(n ? n : 1, sizeof(*masks));
	if (masks == NULL) {
		free(hosts);
		return true;
	}
	for (size_t h = 0; h < n; h++) {
		if (hosts[h].on_link)
			continue;
		masks[h] = results_reasons(e->res, hosts[h].ip);
		for (size_t a = 0; a < ARRAY_SIZE(kinds); a++) {
			if (!(masks[h] & (1u << kinds[a])))
				continue;
			have[a]++;
			for (size_t b = 0; b < ARRAY_SIZE(kinds); b++)
				if (masks[h] & (1u << kinds[b]))
					both[a][b]++;
		}
	}
	for (size_t a = 0; a < ARRAY_SIZE(kinds); a++)
		for (size_t b = 0; b < ARRAY_SIZE(kinds); b++)
			if (a != b && have[a] >= 20)
				best = NC_MAX(best, (double)both[a][b] / (double)have[a]);
	if (best < 0) {
		/* too few multi-answer hosts to judge: retry to be safe */
		log_info("too few answers to estimate loss: retrying silent routed targets");
		free(masks);
		free(hosts);
		return true;
	}
	p = 1.0 - best;
	for (size_t h = 0; h < n; h++) {
		int m = 0;

		if (hosts[h].on_link)
			continue;
		for (size_t a = 0; a < ARRAY_SIZE(kinds); a++)
			m += (masks[h] >> kinds[a]) & 1;
		missed += m > 0 ? pow(p, m) : 0;
	}
	free(masks);
	free(hosts);
	log_info("loss estimate after the pass: p=%.4f, expected missed hosts %.4f: %s", p, missed,
		 missed >= 0.01 ? "retrying silent routed targets" : "no retry needed");
	return missed >= 0.01;
}

#define IP_REASONS (~(1u << REASON_ARP_RESPONSE) & ~(1u << REASON_LOCALHOST))

/* IP probes to the on-link hosts ARP found, so we learn TTL and reasons. */
static void confirm_phase(engine *e)
{
	size_t n;
	live_host *hosts = live_snapshot(e, &n);

	if (hosts == NULL)
		return;
	for (int pass = 0; pass <= e->cfg->retries && !stop_requested(e); pass++) {
		bool sent = false;

		for (size_t i = 0; i < n && !stop_requested(e); i++) {
			netif_path path;

			if (!hosts[i].on_link || !hosts[i].has_mac)
				continue;
			if (netif_route(e->net, hosts[i].ip, e->only_ifindex, &path) != 0 ||
			    !path.on_link)
				continue;
			if (pass > 0 && (results_reasons(e->res, hosts[i].ip) & IP_REASONS) != 0)
				continue;
			emit_ip_probes(e, &path, hosts[i].mac, hosts[i].ip);
			sent = true;
		}
		if (!sent)
			break;
		wait_replies(e, e->cfg->wait_cap);
	}
	free(hosts);
}

static void port_phase(engine *e)
{
	size_t nh;
	live_host *hosts = live_snapshot(e, &nh);
	const port_list *pl = &e->cfg->scan_ports;
	uint64_t total = (uint64_t)nh * pl->n;

	if (hosts == NULL)
		return;
	for (int pass = 0; pass <= e->cfg->retries && total > 0 && !stop_requested(e); pass++) {
		permute_t perm;
		bool sent = false;

		permute_init(&perm, total, e->cfg->seed ^ (0x7057ull + (uint64_t)pass));
		for (uint64_t i = 0; i < total; i++) {
			uint64_t k = permute_map(&perm, i);
			const live_host *h = &hosts[k / pl->n];
			uint16_t port = pl->ports[k % pl->n];
			const uint8_t *mac;
			netif_path path;

			if ((i & 1023) == 0 && stop_requested(e))
				break;
			if (pass > 0 && results_has_port(e->res, h->ip, port, 6))
				continue;
			if (netif_route(e->net, h->ip, e->only_ifindex, &path) != 0 || path.local)
				continue;
			mac = path.on_link ? (h->has_mac ? h->mac : NULL) : gateway_mac(e, &path);
			if (mac == NULL)
				continue;
			emit(e, &probe_tcp_syn, path.iface, path.src, mac, h->ip, port, true,
			     cookie_flow(&e->env.key, path.src, h->ip));
			sent = true;
		}
		if (!sent)
			break;
		wait_replies(e, e->cfg->wait_cap);
	}
	/* what never answered is filtered (an interrupted scan did not ask all) */
	for (uint64_t k = 0; k < total && !stop_requested(e); k++) {
		const live_host *h = &hosts[k / pl->n];
		uint16_t port = pl->ports[k % pl->n];
		netif_path path;

		if (netif_route(e->net, h->ip, e->only_ifindex, &path) != 0 || path.local)
			continue;
		if (!results_has_port(e->res, h->ip, port, 6))
			results_record_port(e->res, h->ip, port, 6, PORT_FILTERED,
					    REASON_NO_RESPONSE, 0);
	}
	free(hosts);
}

/* Did the sweep send IP probes at all (are there routed targets)? */
static bool routed_probed(const engine *e)
{
	for (size_t k = 0; k < e->nslots; k++)
		if (e->report->per_probe[module_index(e->slots[k].m)] > 0)
			return true;
	return false;
}

static void discovery(engine *e)
{
	bool retry_ip = true;

	build_slots(e);
	for (int pass = 0; pass <= e->cfg->retries && !stop_requested(e); pass++) {
		e->progress.pass = pass;
		sweep_pass(e, pass, retry_ip);
		if (e->cfg->dry_run)
			break; /* the first pass tells what would be sent */
		/* between passes a short gap; after the last, the full wait */
		wait_replies(e, pass == e->cfg->retries ? e->cfg->wait_cap
							   : NC_MIN(e->cfg->wait_cap, 0.5));
		/* ARP is always retried (cheap, and loss cannot be judged from
		 * one probe type); routed targets only on evidence of loss */
		if (retry_ip && !e->cfg->always_retry)
			retry_ip = routed_probed(e) && loss_suspected(e);
		e->stats->passes = pass + 1;
	}
	if (e->cfg->dry_run || stop_requested(e))
		return;
	confirm_phase(e);
	if (e->cfg->scan_ports.n > 0 && !stop_requested(e))
		port_phase(e);
}

/* ------------------------------------------------------------ entry */

static void engine_cleanup(engine *e)
{
	if (e->rx_started) {
		atomic_store(&e->rx_stop, true);
		pthread_join(e->rx_thread, NULL);
	}
	for (size_t i = 0; i < e->ncaps; i++) {
		struct pcap_stat ps;

		if (pcap_stats(e->caps[i].pcap, &ps) == 0)
			e->stats->pcap_dropped += ps.ps_drop + ps.ps_ifdrop;
		pcap_close(e->caps[i].pcap);
	}
	if (e->send_fd >= 0)
		close(e->send_fd);
	e->stats->replies_valid = atomic_load(&e->replies_valid);
	e->stats->replies_invalid = atomic_load(&e->replies_invalid);
	free(e->gw);
	free(e->live);
	pthread_mutex_destroy(&e->live_lock);
	netif_free(e->net);
}

int engine_run(const engine_config *cfg, results_t *res, engine_report *report)
{
	engine *e;
	int r = NC_ERR_INTERNAL;

	memset(report, 0, sizeof(*report));
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NC_ERR_NOMEM;
	e->cfg = cfg;
	e->res = res;
	e->report = report;
	e->stats = results_stats(res);
	e->send_fd = -1;
	pthread_mutex_init(&e->live_lock, NULL);
	e->stats->targets = targets_count(cfg->targets);
	e->stats->started = time_wall();
	e->stats->dry_run = cfg->dry_run;

	if ((r = netif_load(&e->net)) != 0)
		goto out;
	if (cfg->iface != NULL) {
		const netif_iface *ifc = netif_find_iface(e->net, cfg->iface);

		if (ifc == NULL) {
			r = nc_fail(NC_ERR_NOT_FOUND, "no such interface '%s'", cfg->iface);
			goto out;
		}
		e->only_ifindex = ifc->ifindex;
	}
	if (cookie_key_random(&e->env.key) != 0)
		cookie_key_from_seed(&e->env.key, cfg->seed ^ (uint64_t)time_mono_ns());
	e->env.tcp_sport = (uint16_t)(40000 + (e->env.key.k0 % 20000));
	e->env.t0_ns = time_mono_ns();
	e->env.t0_wall_ms = (uint64_t)(time_wall() * 1000.0);

	if (!cfg->dry_run && (cfg->force_unprivileged || (r = open_sender(e)) != 0)) {
		if (!cfg->force_unprivileged && r != NC_ERR_PERM)
			goto out;
		if (cfg->notice != NULL)
			cfg->notice(cfg->force_unprivileged
					    ? "--unprivileged: falling back to TCP connect() probes: "
					      "slower, and routed hosts that answer only ICMP are not "
					      "found"
					    : "no permission for raw packets (CAP_NET_RAW); falling back "
					      "to TCP connect() probes: slower, and routed hosts that "
					      "answer only ICMP are not found");
		e->stats->unprivileged = true;
		/* connect() needs no privilege: give up whatever we have first */
		if ((r = privs_drop_all()) == 0)
			r = connect_scan_run(cfg, e->net, res);
		goto out;
	}
	if ((r = prepare_paths(e)) != 0)
		goto out;
	/* everything privileged is open: parse the network's bytes without it */
	if (!cfg->dry_run && (r = privs_drop_all()) != 0)
		goto out;

	e->batch_size = (unsigned)NC_MAX(1.0, NC_MIN((double)BATCH_MAX, cfg->rate / 2000.0));
	rate_init(&e->bucket, cfg->rate, e->batch_size, time_mono_ns());
	progress_init(&e->progress, cfg->progress && !cfg->dry_run, e->stats->targets,
		      cfg->retries);
	if (!cfg->dry_run && e->ncaps > 0) {
		if (pthread_create(&e->rx_thread, NULL, rx_main, e) != 0) {
			r = nc_fail(NC_ERR_SYS, "cannot start the receiver thread");
			goto out;
		}
		e->rx_started = true;
	}
	discovery(e);
	if (!cfg->dry_run)
		flush_batch(e);
	progress_done(&e->progress);
	r = 0;
out:
	if (stop_requested(e))
		e->stats->interrupted = true;
	engine_cleanup(e);
	e->stats->finished = time_wall();
	free(e);
	return r;
}
