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

#endif
