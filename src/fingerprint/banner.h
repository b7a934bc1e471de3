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

#endif
