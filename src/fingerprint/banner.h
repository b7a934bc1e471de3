/*
 * banner.h — service banners over TCP, many hosts at once.
 *
 * One epoll event loop drives every conversation as a non-blocking state
 * machine (curl's protocol handlers are the model: a handler per protocol
 * with connect/doing steps, named states, "state X -> Y" in debug logs),
 * each step under a timeout, with a bounded number of connections open.
 * Handlers: SSH identification string; HTTP HEAD/GET / (Server header, page
 * title); TLS (certificate subject and SAN names) on 443/8443/5986 and RDP's
 * TLS on 3389; FTP/SMTP/telnet greetings; RDP presence (X.224); SMB2
 * NEGOTIATE + NTLMSSP challenge on 445 (smb.h). What is read is bounded per
 * connection; matched against the rules (rules.h) for product/version/OS.
 */
#ifndef NC_FINGERPRINT_BANNER_H
#define NC_FINGERPRINT_BANNER_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fingerprint/facts.h"
#include "fingerprint/rules.h"

typedef struct {
	const rules_t *rules;       /* may be NULL: no product matching */
	int connect_timeout_ms;     /* per connection attempt */
	int io_timeout_ms;          /* per read/write step */
	int max_connections;        /* open at once */
	volatile sig_atomic_t *stop;
} banner_config;

typedef struct {
	host_facts *host;           /* facts go here (host->ip is the address) */
	const uint16_t *ports;      /* TCP ports to try */
	size_t nports;
} banner_target;

/* The ports tried when discovery did not port-scan the host. */
extern const uint16_t banner_default_ports[];
extern const size_t banner_default_ports_count;

/*
 * Talk to every port of every target; record a service_fact per port that
 * answered (name, product, version, info, banner) plus facts (os.*,
 * host.name from certificates/SMB, smb.* ...). Returns 0 (individual
 * failures are facts, not errors), or NC_ERR_SYS/NC_ERR_NOMEM.
 */
int banner_scan(const banner_config *cfg, const banner_target *targets, size_t n);

/*
 * Additions to the interface above.
 *
 * Which conversation a port gets. banner_target.protos, when not NULL, runs
 * parallel to ports and names the handler for each port; BANNER_PROTO_AUTO
 * (0) there, or protos == NULL, means "by port number" (banner_proto_for_port:
 * 22 ssh, 21 ftp, 23 telnet, 25/587 smtp, 80/8080/8000/8008 http, 443/8443
 * https, 5986 tls, 3389 rdp, 445 smb, anything else generic). The override
 * lets a user say "2222 is SSH" and lets tests run any handler on an
 * ephemeral loopback port.
 *
 * The generic handler waits briefly for a greeting and identifies the
 * speaker by what it says (SSH, FTP/SMTP reply codes, telnet IAC, HTTP); a
 * peer that stays silent is sent an HTTP request.
 */
typedef enum {
	BANNER_PROTO_AUTO = 0,
	BANNER_PROTO_GENERIC,
	BANNER_PROTO_SSH,
	BANNER_PROTO_FTP,
	BANNER_PROTO_TELNET,
	BANNER_PROTO_SMTP,
	BANNER_PROTO_HTTP,
	BANNER_PROTO_HTTPS,         /* TLS, then GET / over it */
	BANNER_PROTO_TLS,           /* TLS handshake only: the certificate */
	BANNER_PROTO_RDP,           /* X.224 + RDP_NEG_REQ, then TLS */
	BANNER_PROTO_SMB,           /* SMB2 NEGOTIATE + NTLMSSP challenge */
	BANNER_PROTO__COUNT
} banner_proto;

/* The handler banner_scan() uses for a port when not told otherwise. */
banner_proto banner_proto_for_port(uint16_t port);
/* "auto", "generic", "ssh", "ftp", "telnet", "smtp", "http", "https", "tls",
 * "rdp", "smb"; and back (BANNER_PROTO_AUTO with false for an unknown name). */
const char *banner_proto_name(banner_proto p);
bool banner_proto_from_name(const char *name, banner_proto *out);

/*
 * banner_target with a per-port handler override. Same layout as
 * banner_target plus protos (parallel to ports; NULL = all AUTO).
 */
typedef struct {
	host_facts *host;
	const uint16_t *ports;
	size_t nports;
	const banner_proto *protos; /* or NULL */
} banner_target_ex;

/* Counters of one banner_scan_ex() run. */
typedef struct {
	uint64_t attempted;         /* connections started */
	uint64_t connected;         /* TCP handshakes completed */
	uint64_t refused;           /* refused or unreachable: no service */
	uint64_t connect_timeouts;  /* no answer to the SYN in time: no service */
	uint64_t io_timeouts;       /* connected, then a step ran out of time (telnet's
				     * "quiet after the greeting" end counts here too) */
	uint64_t silent;            /* connected, peer never sent a byte */
	uint64_t cut_off;           /* peer sent more than we keep */
	uint64_t tls_ok, tls_failed;
	uint64_t services;          /* service_facts recorded */
	uint64_t bytes_in, bytes_out;
	uint64_t max_conn_bytes_in; /* most bytes read on one connection */
	size_t peak_open;           /* most sockets open at once */
	double elapsed_s;
} banner_stats;

/* Bounds on what one connection may send us. */
#define BANNER_MAX_CONN_BYTES (64u * 1024u)   /* all bytes read per connection */
#define BANNER_MAX_HEADER_BYTES (16u * 1024u) /* HTTP status line + headers */
#define BANNER_MAX_SSH_LINE 255u              /* RFC 4253 4.2, with CR LF */

/*
 * banner_scan() with per-port handler overrides and counters. Defaults when
 * a config field is 0: connect 3000 ms, io 5000 ms, 64 connections (never
 * more than the file descriptor limit allows, less a reserve). The io
 * timeout restarts with every step and every byte; one connection lasts at
 * most connect + 4 x io timeout in all. A refused or unanswered connect
 * records nothing; a peer that connects and stays silent gets a service
 * named "unknown" ("open; no data within N ms"). A stop request closes
 * what is open (recording what it said so far) and returns 0. stats may be
 * NULL.
 */
int banner_scan_ex(const banner_config *cfg, const banner_target_ex *targets, size_t n,
		   banner_stats *stats);

#endif
