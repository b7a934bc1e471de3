/*
 * fuzz_targets.c — libFuzzer harness for target and exclude specs, the
 * parser that reads user files (-iL, --exclude-file): the first line is the
 * target list, the rest the exclude list. Host names never resolve
 * (fuzz_common.h replaces getaddrinfo). Checks the set stays consistent:
 * every index maps to an address the set contains.
 */
#include "config.h"

#define FUZZ_NO_RESOLVER 1

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/targets.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size);
	char *split;
	targets_t *t;

	if (text == NULL)
		return 0;
	t = targets_new();
	split = strchr(text, '\n');
	if (split != NULL)
		*split = '\0';
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
