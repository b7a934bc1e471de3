/*
 * fuzz_netbios.c — libFuzzer harness for NetBIOS node status replies (UDP
 * 137, any host on the LAN may send one): the parser, then the facts
 * netbios_add_facts() records from what it parsed. Seeds: tests/data/netbios.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "fingerprint/netbios.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	netbios_status st;
	uint16_t txid;
	host_facts h;

	memset(&st, 0, sizeof(st));
	if (netbios_parse_status(data, size, &txid, &st) != 0)
		return 0;
	host_facts_init(&h, 0xc6120001u);
	(void)netbios_add_facts(&h, &st);
	host_facts_clear(&h);
	return 0;
}
