/*
 * probe.h — the discovery probe modules.
 *
 * One file per probe (arp.c, icmp_echo.c, ...), each ending in one
 * designated initializer of probe_module, all listed in probes.c.  The engine
 * owns sockets, pacing, retries and the results table; a module only knows
 * how to build its packet and how to recognise a reply to it.
 *
 * Validation is stateless: make_packet() hides a cookie (cookie.h) of the
 * flow in a field the target echoes, validate() recomputes it from the reply.
 * make_packet derives its cookie from d->flow, which the engine computes once
 * per target; validate() uses cookie_make() on the reply's addresses, which
 * gives the same value.
 * The engine additionally drops replies whose source is not a target.
 */
#ifndef NC_PROBES_PROBE_H
#define NC_PROBES_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/cookie.h"
#include "scanner/pkt.h"
#include "scanner/results.h"

/* Cookie tags: one per kind of flow, so replies cannot be confused. */
enum {
	PROBE_TAG_ICMP_ECHO = 1,
	PROBE_TAG_ICMP_TS,
	PROBE_TAG_TCP_SYN,
	PROBE_TAG_TCP_ACK,
	PROBE_TAG_UDP,
	PROBE_TAG_TCP_PORTSCAN,
};

/* Read-only for the whole scan; shared by both threads. */
typedef struct {
	cookie_key key;
	uint16_t tcp_sport;  /* our TCP source port for this scan */
	uint64_t t0_ns;      /* monotonic origin of the timestamps we embed */
	uint64_t t0_wall_ms; /* wall clock at t0, ms since the epoch */
} probe_env;

/* One packet to build. */
typedef struct {
	uint32_t src_ip, dst_ip;      /* host order */
	uint8_t src_mac[6], dst_mac[6];
	uint16_t dst_port;            /* TCP/UDP probes; 0 otherwise */
	bool port_scan;               /* tcp-syn as part of the -p port scan */
	uint64_t now_ns;              /* monotonic send time */
	uint64_t flow;                /* cookie_flow(key, src_ip, dst_ip) */
} probe_dst;

/* What a validated reply says. */
typedef struct {
	uint32_t ip;                  /* the host that answered */
	reason_t reason;
	uint8_t ttl;                  /* 0 for ARP */
	int64_t rtt_us;               /* -1 when the reply carries no timestamp */
	uint8_t mac[6];
	mac_source_t mac_src;         /* MAC_SRC_NONE when mac is meaningless */
	bool alive;                   /* the reply proves ip is up */
	bool is_port;                 /* a port-scan answer: port/state below */
	uint16_t port;
	port_state_t state;
	uint16_t tcp_window;          /* a SYN-ACK's window (OS hint); 0 otherwise */
} probe_reply;

typedef enum {
	PROBE_KIND_ARP,   /* on-link targets only, Ethernet broadcast */
	PROBE_KIND_IP,    /* one packet per target */
	PROBE_KIND_PORTS, /* one packet per target and port of a list */
} probe_kind;

typedef struct probe_module {
	const char *name;  /* as given to --probes */
	probe_kind kind;
	/*
	 * Build one frame for d into buf (cap >= PKT_MAX_FRAME). Returns the
	 * frame length. Called by the sender thread; must not block or allocate.
	 */
	size_t (*make_packet)(const probe_env *env, const probe_dst *d, uint8_t *buf, size_t cap);
	/*
	 * Is the parsed frame v a reply to one of our probes of this kind?
	 * our_ip is the address the frame was sent to. On true, *out is
	 * filled. Called by the receiver thread for every captured frame;
	 * must not block or allocate.
	 */
	bool (*validate)(const probe_env *env, const pkt_view *v, uint64_t now_ns,
			 probe_reply *out);
} probe_module;

extern const probe_module probe_arp;
extern const probe_module probe_icmp_echo;
extern const probe_module probe_icmp_timestamp;
extern const probe_module probe_tcp_syn;
extern const probe_module probe_tcp_ack;
extern const probe_module probe_udp_snmp;

/* All modules, in the order they are tried and listed. */
extern const probe_module *const probe_modules[];
extern const size_t probe_modules_count;

/* Module by --probes name, or NULL. */
const probe_module *probe_find(const char *name);

/*
 * The common part of a reply that proves its IP source is up: address,
 * reason, TTL, the frame's source MAC (the engine keeps it only for on-link
 * hosts), no round trip yet.
 */
void probe_reply_from_ip(const pkt_view *v, reason_t reason, probe_reply *out);

/* nmap's reason for an ICMP destination unreachable code. */
reason_t probe_unreach_reason(uint8_t code);

/* Microseconds between the embedded send time and now, or -1 if absurd. */
int64_t probe_rtt_us(const probe_env *env, uint64_t sent_us, uint64_t now_ns);

#endif
