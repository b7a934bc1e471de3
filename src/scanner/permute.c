/*
 * permute.c — the order in which a scan visits its targets.
 *
 * Sweeping addresses in order hammers one subnet (and one router, one
 * firewall) at a time and makes a scan easy to spot; shuffling a list of
 * 2^32 indices would cost 16 GiB.  A keyed Feistel network is a bijection on
 * 2^k values that needs only its round keys, and cycle-walking (apply it
 * again until the value falls below n) turns it into a bijection on [0, n)
 * for any n: the walk from i < n stays on i's cycle, which holds i itself,
 * so it ends, and two inputs cannot meet because the network is one-to-one.
 * With 2^k < 2n a call costs fewer than two passes on average.
 */
#include "config.h"

#include <stdint.h>

#include "scanner/permute.h"

_Static_assert(PERMUTE_ROUNDS % 2 == 0, "rounds go in left/right pairs");

/* splitmix64: a counter-based generator, used to expand the seed into keys. */
static uint64_t splitmix64_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/*
 * The round function need not be invertible, only well mixed and cheap: the
 * cycle-walk makes a call's cost the latency of one or two whole passes.
 * A 64x64->128-bit multiply folded hi ^ lo makes every output bit depend on
 * every input bit in about four cycles.  Where there is no 128-bit type,
 * a 64-bit finaliser (two multiplies) does the same job, more slowly.
 */
static inline uint64_t round_fn(uint64_t half, uint64_t key)
{
#ifdef __SIZEOF_INT128__
	__uint128_t m = (__uint128_t)(half ^ key) * 0x9e3779b97f4a7c15ULL;

	return (uint64_t)(m >> 64) ^ (uint64_t)m;
#else
	uint64_t z = half ^ key;

	z = (z ^ (z >> 32)) * 0xd6e8feb86659fd93ULL;
	z = (z ^ (z >> 32)) * 0xd6e8feb86659fd93ULL;
	return z ^ (z >> 32);
#endif
}

void permute_init(permute_t *p, uint64_t n, uint64_t seed)
{
	unsigned k = 0;
	uint64_t state = seed;

	if (n == 0)
		n = 1;
	/* smallest k with 2^k >= n */
	if (n > 1)
		k = 64 - (unsigned)__builtin_clzll(n - 1);
	p->n = n;
	p->left_bits = (k + 1) / 2;
	p->right_bits = k / 2;
	p->left_mask = p->left_bits >= 64 ? UINT64_MAX : (1ULL << p->left_bits) - 1;
	p->right_mask = p->right_bits >= 64 ? UINT64_MAX : (1ULL << p->right_bits) - 1;
	for (unsigned r = 0; r < PERMUTE_ROUNDS; r++)
		p->keys[r] = splitmix64_next(&state);
}

/*
 * One pass of the network over [0, 2^k).  Rounds alternately xor the left
 * half with F(right) and the right half with F(left).  Each round undoes
 * itself (apply it again and the xor cancels), so the whole pass is a
 * bijection even when the halves differ in width; the usual "swap the
 * halves" is only a relabelling of the same thing.
 */
static inline uint64_t feistel(const permute_t *p, uint64_t x)
{
	uint64_t left = x >> p->right_bits;
	uint64_t right = x & p->right_mask;

	for (unsigned r = 0; r < PERMUTE_ROUNDS; r += 2) {
		left ^= round_fn(right, p->keys[r]) & p->left_mask;
		right ^= round_fn(left, p->keys[r + 1]) & p->right_mask;
	}
	return (left << p->right_bits) | right;
}

uint64_t permute_map(const permute_t *p, uint64_t i)
{
	uint64_t x = i;

	if (i >= p->n || p->n == 1)
		return i;
	do
		x = feistel(p, x);
	while (x >= p->n);
	return x;
}
