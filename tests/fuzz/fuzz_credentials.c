/*
 * fuzz_credentials.c — libFuzzer harness for the credentials file
 * (sections [snmp NAME] / [ssh NAME], key = value, target lists): the bytes
 * as a mode-0600 file through credentials_load(), then which credentials
 * apply to a few addresses. Host names never
 * resolve (fuzz_common.h). Seeds: tests/data/credentials.
 */
#include "config.h"

#define FUZZ_NO_RESOLVER 1

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/credentials.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t ips[] = {0xc6120001u, 0xc6130010u, 0x0a000001u, 0};
	credentials_t *c = NULL;
	char path[4400];

	fuzz_write_file("credentials.conf", data, size, path, sizeof(path));
	if (credentials_load(path, &c) != 0)
		return 0;
	for (size_t i = 0; i < c->nsnmp; i++) {
		const cred_snmp *s = &c->snmp[i];

		if (s->name == NULL || (s->version != 1 && s->version != 2 && s->version != 3))
			abort();
		for (size_t k = 0; k < sizeof(ips) / sizeof(ips[0]); k++)
			(void)credentials_applies(s->targets, ips[k]);
	}
	for (size_t i = 0; i < c->nssh; i++) {
		const cred_ssh *s = &c->ssh[i];

		if (s->name == NULL)
			abort();
		for (size_t k = 0; k < sizeof(ips) / sizeof(ips[0]); k++)
			(void)credentials_applies(s->targets, ips[k]);
	}
	credentials_free(c);
	return 0;
}
