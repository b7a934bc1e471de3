/*
 * fuzz_ssh_parse.c — libFuzzer harness for the output of the SSH inventory
 * collectors (whatever a compromised or odd host prints back): the one
 * entry point ssh_parse_inventory() dispatches every section of every
 * platform (os-release, os, cpu, memory, disks, filesystems, dmi, virt,
 * net, users, uptime, packages of dpkg/rpm/apk/pacman/pkg, apps, snaps,
 * flatpaks, hotfixes, listen). Seeds: tests/data/ssh (Linux distributions,
 * FreeBSD, macOS, Windows).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprint/ssh_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ssh_parse_stats st;
	host_facts h;
	char *buf;

	/* the session hands over exactly the bytes read: no terminator */
	if ((buf = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	host_facts_init(&h, 0xc6120001u);
	(void)ssh_parse_inventory(buf, size, &h, &st);
	if (st.packages > st.software || h.nsoftware > FACTS_MAX_SOFTWARE ||
	    h.nfacts > FACTS_MAX_PER_HOST || h.nhardware > FACTS_MAX_HARDWARE)
		abort();
	host_facts_clear(&h);
	free(buf);
	return 0;
}
