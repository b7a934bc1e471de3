/*
 * permute.h — a keyed pseudo-random permutation of [0, n).
 *
 * The scanner visits target index permute_map(p, i) for i = 0, 1, ... n-1,
 * so load spreads across subnets and, for a fixed seed, the order is
 * repeatable.  Implemented as a balanced Feistel network over the smallest
 * even power of two >= n, with cycle-walking to stay inside [0, n): a
 * bijection for every n >= 1 (n up to 2^32 at least), O(1) memory.
 */
#ifndef NC_SCANNER_PERMUTE_H
#define NC_SCANNER_PERMUTE_H

#include <stdint.h>

typedef struct {
	uint64_t n;           /* domain size */
	unsigned half_bits;   /* bits in each Feistel half */
	uint64_t half_mask;
	uint64_t keys[4];     /* round keys derived from the seed */
} permute_t;

/* n >= 1. */
void permute_init(permute_t *p, uint64_t n, uint64_t seed);
/* i in [0, n) -> a distinct value in [0, n). */
uint64_t permute_map(const permute_t *p, uint64_t i);

#endif
