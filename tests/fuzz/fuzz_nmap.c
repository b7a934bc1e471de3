/*
 * fuzz_nmap.c — libFuzzer harness for `netcensus import`: any bytes as an
 * nmap XML file, through the prolog check and the streaming parser, with
 * small caps so that the caps are reached too.  Seeds: tests/data/nmap.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "inventory/import_nmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nmap_limits lim = {.max_hosts = 64, .max_ports = 1024};
	nmap_run *run = NULL;

	if (nmap_import_parse_memory(data, size, "fuzz.xml", &lim, &run) == 0)
		nmap_run_free(run);
	return 0;
}
