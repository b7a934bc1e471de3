/*
 * fuzz_targets.c — libFuzzer harness for target and exclude specs, the
 * parser that reads user files (-iL, --exclude-file). Checks the set stays
 * consistent: every index maps to an address the set contains.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	const char *split;
	targets_t *t;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	/* no name lookups from the fuzzer: only address-like input */
	for (size_t i = 0; i < size; i++)
		if (!strchr("0123456789./-, \n", text[i]))
			text[i] = ' ';
	t = targets_new();
	split = strchr(text, '\n');
	if (split != NULL)
		text[split - text] = '\0';
	if (t != NULL && targets_add_list(t, text) == 0 &&
	    (split == NULL || targets_exclude_list(t, split + 1) == 0) &&
	    targets_finalize(t) == 0) {
		uint64_t n = targets_count(t);

		for (uint64_t i = 0; i < n && i < 4096; i++)
			if (!targets_contains(t, targets_at(t, i)))
				abort();
		if (n > 0 && !targets_contains(t, targets_at(t, n - 1)))
			abort();
	}
	targets_free(t);
	free(text);
	return 0;
}
