/*
 * netbios.h — NetBIOS node status (NBSTAT, UDP 137).
 *
 * One wildcard node-status query per host answers with every name the host
 * registered (with its 16th-byte suffix: 0x00 workstation, 0x20 file
 * server, 0x1c/0x1e domain/workgroup groups, 0x03 messenger: logged-on
 * user) and the MAC it reports. The builder/parser are pure; netbios_query
 * asks many hosts at once on one UDP socket.
 */
#ifndef NC_FINGERPRINT_NETBIOS_H
#define NC_FINGERPRINT_NETBIOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fingerprint/facts.h"

#define NETBIOS_MAX_NAMES 64

typedef struct {
	size_t n;
	struct {
		char name[16];       /* trimmed of padding */
		uint8_t suffix;
		bool group;
	} names[NETBIOS_MAX_NAMES];
	uint8_t mac[6];
	bool has_mac;
} netbios_status;

/* The 50-byte node status request with transaction id txid. */
size_t netbios_build_status_query(uint8_t *buf, size_t cap, uint16_t txid);
/* Parse a response. 0 or NC_ERR_INVALID; *txid_out gets its id. */
int netbios_parse_status(const uint8_t *buf, size_t len, uint16_t *txid_out, netbios_status *out);

/*
 * Query every host of hosts[] (addresses in host->ip), waiting at most
 * timeout_ms after the last send, retrying the silent once; record facts
 * (netbios.name.XX, host.name, host.domain, netbios.user, netbios.mac) into
 * each host. Needs no privileges.
 */
int netbios_query(host_facts *const *hosts, size_t n, int timeout_ms);

/* --- helpers added by the implementation --- */

/* netbios_query() to another UDP port than 137 (tests answer on loopback
 * from an unprivileged port). */
int netbios_query_port(host_facts *const *hosts, size_t n, int timeout_ms, uint16_t port);
/*
 * Record a parsed status as FACT_SRC_NETBIOS facts: netbios.name.XX = name
 * for every name (XX the suffix, two hex digits), also netbios.group.XX =
 * name for group names; host.name = the unique <00> name (else <20>);
 * host.domain = the group <00> name; netbios.user = unique <03> names other
 * than the computer's; netbios.mac = "aa:bb:cc:dd:ee:ff" unless all zero
 * (Samba's). Returns 0 or the first host_facts_add() error.
 */
int netbios_add_facts(host_facts *h, const netbios_status *st);

#endif
