/*
 * fuzz_rules.c — libFuzzer harness for fingerprint rule files (recog XML,
 * which users may add or edit): rules_load_file() on the bytes, then the
 * loaded rules' own examples (rules_selftest) and the bytes themselves as
 * text against every database the file names. Seeds: rules/,
 * tests/data/rules, tests/data/banner/rules.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprint/rules.h"
#include "fuzz_common.h"

/* Up to max database names from matches="..." attributes of the input. */
static size_t db_names(const uint8_t *data, size_t size, char names[][64], size_t max)
{
	static const char key[] = "matches=\"";
	size_t n = 0, klen = sizeof(key) - 1;

	for (size_t i = 0; i + klen < size && n < max; i++) {
		size_t j = i + klen, k = 0;

		if (memcmp(data + i, key, klen) != 0)
			continue;
		while (j < size && data[j] != '"' && k < 63)
			names[n][k++] = (char)data[j++];
		names[n][k] = '\0';
		n++;
		i = j;
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[4400], names[8][64], err[256];
	rule_params p;
	size_t n, examples;
	rules_t *r;

	if ((r = rules_new()) == NULL)
		return 0;
	fuzz_write_file("rules.xml", data, size, path, sizeof(path));
	if (rules_load_file(r, path) == 0) {
		(void)rules_selftest(r, &examples, err, sizeof(err));
		n = db_names(data, size, names, 8);
		for (size_t i = 0; i < n; i++) {
			memset(&p, 0, sizeof(p));
			if (rules_match_bytes(r, names[i], data, size, &p))
				(void)rule_param(&p, "service.version");
		}
	}
	(void)rules_skipped_detail(r);
	rules_free(r);
	return 0;
}
