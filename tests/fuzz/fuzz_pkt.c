/*
 * fuzz_pkt.c — libFuzzer harness: every frame the network can send goes
 * through pkt_parse() and every probe module's validate(). Build with
 * `make fuzz` (clang, -fsanitize=fuzzer,address,undefined).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "probes/probe.h"
#include "scanner/pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	probe_env env;
	pkt_view v;

	memset(&env, 0, sizeof(env));
	cookie_key_from_seed(&env.key, 1);
	env.tcp_sport = 40000;
	if (pkt_parse(data, size, &v) != PKT_OK)
		return 0;
	for (size_t i = 0; i < probe_modules_count; i++) {
		probe_reply rep;

		memset(&rep, 0, sizeof(rep));
		(void)probe_modules[i]->validate(&env, &v, 0, &rep);
	}
	return 0;
}
