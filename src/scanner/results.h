/*
 * results.h — what discovery learned, host by host.
 *
 * The receiver thread records validated replies here; the sender thread asks
 * results_has() before a retry so a host that answered is not probed again;
 * after the scan the inventory writer reads the hosts in address order.
 * This is a table of hosts that answered (live hosts), never of targets: a
 * /8 with ten live hosts costs ten entries.  All functions lock internally
 * and may be called from any thread.
 */
#ifndef NC_SCANNER_RESULTS_H
#define NC_SCANNER_RESULTS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Why we believe something, in nmap's words. Bit positions in a mask. */
typedef enum {
	REASON_ARP_RESPONSE = 0, /* "arp-response" */
	REASON_ECHO_REPLY,       /* "echo-reply" */
	REASON_TIMESTAMP_REPLY,  /* "timestamp-reply" */
	REASON_SYN_ACK,          /* "syn-ack" */
	REASON_RESET,            /* "reset" (RST to a SYN or ACK probe) */
	REASON_UDP_RESPONSE,     /* "udp-response" */
	REASON_PORT_UNREACH,     /* "port-unreach" (ICMP from the target) */
	REASON_PROTO_UNREACH,    /* "proto-unreach" */
	REASON_CONN_REFUSED,     /* "conn-refused" (connect() fallback) */
	REASON_CONNECTED,        /* "connected"    (connect() fallback) */
	REASON_HOST_UNREACH,     /* "host-unreach" (ICMP from a router) */
	REASON_ADMIN_PROHIBITED, /* "admin-prohibited" */
	REASON_NO_RESPONSE,      /* "no-response" */
	REASON_USER_SET,         /* "user-set" */
	REASON_LOCALHOST,        /* "localhost-response": one of our own addresses */
	REASON__COUNT
} reason_t;

const char *reason_name(reason_t r);
/* Parse a reason name back; -1 when unknown. */
int reason_from_name(const char *name);
/* "arp-response,echo-reply,..." into buf in enum order; returns buf. */
const char *reason_mask_format(uint32_t mask, char *buf, size_t len);

typedef enum { PORT_OPEN = 1, PORT_CLOSED, PORT_FILTERED } port_state_t;
const char *port_state_name(port_state_t s);

/* How an address or MAC became known. */
typedef enum {
	MAC_SRC_NONE = 0,
	MAC_SRC_ARP,        /* "arp-response": sender of an ARP reply */
	MAC_SRC_ETHER,      /* "ether-source": source of a reply frame on-link */
	MAC_SRC_NEIGHBOUR,  /* "neighbour-table": kernel neighbour cache */
} mac_source_t;
const char *mac_source_name(mac_source_t s);

typedef struct {
	uint16_t port;
	uint8_t proto;        /* IPPROTO_TCP */
	uint8_t state;        /* port_state_t */
	uint8_t reason;       /* reason_t */
	uint8_t ttl;          /* 0 when unknown */
} port_result;

typedef struct {
	uint32_t ip;            /* host byte order */
	uint8_t mac[6];
	uint8_t mac_source;     /* mac_source_t; MAC_SRC_NONE: mac unknown */
	uint8_t addr_reason;    /* reason_t of the first reply: how the address was learned */
	uint8_t ttl;            /* IP TTL of the first IP reply; 0 when none */
	bool on_link;           /* on a directly attached subnet */
	uint16_t tcp_window;    /* window of the first SYN-ACK; 0 when none */
	uint16_t closed_seen[8];/* ports a discovery SYN found closed (RST) */
	uint8_t nclosed_seen;
	uint32_t reasons;       /* mask of 1u << reason_t */
	int64_t rtt_us;         /* smallest measured round trip; -1 unknown */
	double first_seen;      /* wall clock of the first reply */
	port_result *ports;     /* sorted by port after results_sorted() */
	size_t nports, ports_cap;
} host_result;

typedef struct {
	uint64_t targets;        /* addresses in scope */
	uint64_t packets_sent;
	uint64_t packets_failed; /* send errors after retrying */
	uint64_t replies_valid;
	uint64_t replies_invalid;/* failed cookie/target validation */
	uint64_t pcap_dropped;
	int passes;              /* sweep passes actually run */
	double started, finished;/* wall clock */
	bool interrupted;
	bool unprivileged;       /* connect() fallback was used */
	bool dry_run;
} scan_stats;

typedef struct results results_t;

results_t *results_new(void);
void results_free(results_t *r);

/*
 * Record that ip answered with reason. ttl 0 and rtt_us -1 mean unknown;
 * mac may be NULL. Creates the host on first sight. Returns 0, NC_ERR_NOMEM.
 */
int results_record(results_t *r, uint32_t ip, reason_t reason, uint8_t ttl,
		   int64_t rtt_us, const uint8_t *mac, mac_source_t mac_src, bool on_link);
/* Record a port state; a later, stronger answer replaces "filtered". */
int results_record_port(results_t *r, uint32_t ip, uint16_t port, uint8_t proto,
			port_state_t state, reason_t reason, uint8_t ttl);
/* Remember the TCP window of ip's first SYN-ACK (an OS hint); creates nothing. */
void results_set_tcp_window(results_t *r, uint32_t ip, uint16_t window);
/* Remember that a discovery SYN to port drew a RST (the port is closed),
 * so later stages need not connect to it. At most 8 per host. */
void results_note_closed(results_t *r, uint32_t ip, uint16_t port);
/* Has ip answered anything (so retries can skip it)? */
bool results_has(results_t *r, uint32_t ip);
/* The reason mask recorded for ip so far (0 when none). */
uint32_t results_reasons(results_t *r, uint32_t ip);
/* Does ip already have a state for port? */
bool results_has_port(results_t *r, uint32_t ip, uint16_t port, uint8_t proto);
size_t results_count(results_t *r);

/*
 * The hosts sorted by address, their ports sorted by port. The array is
 * owned by r and valid until the next results_record*() or results_free();
 * call it once the scan threads have stopped.
 */
host_result *const *results_sorted(results_t *r, size_t *n_out);

/* Statistics are plain fields; the engine fills them. */
scan_stats *results_stats(results_t *r);

#endif
