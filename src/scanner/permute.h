/*
 * permute.h — a keyed pseudo-random permutation of [0, n).
 *
 * The scanner visits target index permute_map(p, i) for i = 0, 1, ... n-1,
 * so load spreads across subnets and, for a fixed seed, the order is
 * repeatable.  Implemented as a Feistel network over the smallest power of
 * two 2^k >= n (halves of ceil(k/2) and floor(k/2) bits, updated in turn,
 * so every round is invertible whatever k is), with cycle-walking to stay
 * inside [0, n): a bijection for every n >= 1 up to 2^64 - 1, O(1) memory,
 * fewer than two Feistel passes per call on average.
 */
#ifndef NC_SCANNER_PERMUTE_H
#define NC_SCANNER_PERMUTE_H

#include <stdint.h>

#define PERMUTE_ROUNDS 4

/* Private: fill with permute_init(), read only through permute_map(). */
typedef struct {
	uint64_t n;            /* domain size */
	unsigned left_bits;    /* ceil(k/2): the high half */
	unsigned right_bits;   /* floor(k/2): the low half */
	uint64_t left_mask;
	uint64_t right_mask;
	uint64_t keys[PERMUTE_ROUNDS]; /* round keys derived from the seed */
} permute_t;

/* n >= 1 (n == 0 is treated as 1). Never fails, allocates nothing. */
void permute_init(permute_t *p, uint64_t n, uint64_t seed);
/* i in [0, n) -> a distinct value in [0, n). i >= n is a bug (returns i). */
uint64_t permute_map(const permute_t *p, uint64_t i);

#endif
