/*
 * test_permute.c — the scan order must visit every index exactly once
 * whatever n is, be repeatable for a seed, and actually be shuffled.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scanner/permute.h"
#include "util/compat.h"

/* Every i in [0, n) maps into [0, n), and no value twice. */
static void check_bijection(uint64_t n, uint64_t seed)
{
	uint8_t *seen = calloc((size_t)n / 8 + 1, 1);
	permute_t p;

	assert_non_null(seen);
	permute_init(&p, n, seed);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t v = permute_map(&p, i);

		assert_true(v < n);
		if (seen[v / 8] & (1u << (v % 8)))
			fail_msg("n=%llu seed=%llu: %llu produced twice", (unsigned long long)n,
				 (unsigned long long)seed, (unsigned long long)v);
		seen[v / 8] |= (uint8_t)(1u << (v % 8));
	}
	free(seen);
}

#define BIJECTION_TEST(N)                                                                          \
	static void test_bijection_##N(void **state)                                               \
	{                                                                                          \
		(void)state;                                                                       \
		for (uint64_t seed = 0; seed < 4; seed++)                                          \
			check_bijection(N, seed * 0x1234567ULL);                                   \
	}

BIJECTION_TEST(1)
BIJECTION_TEST(2)
BIJECTION_TEST(3)
BIJECTION_TEST(5)
BIJECTION_TEST(16)
BIJECTION_TEST(17)
BIJECTION_TEST(1000)
BIJECTION_TEST(65536)
BIJECTION_TEST(65537)

/* Odd and even k, just under and over powers of two, a /12. */
static void test_bijection_assorted(void **state)
{
	static const uint64_t sizes[] = { 4, 7, 8, 9, 31, 33, 127, 255, 256, 257, 4095,
					  100003, 131071, 1048576 };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
		check_bijection(sizes[i], 0xfeedULL + i);
}

static void test_same_seed_same_order(void **state)
{
	permute_t a, b;

	(void)state;
	permute_init(&a, 1000003, 77);
	permute_init(&b, 1000003, 77);
	for (uint64_t i = 0; i < 1000003; i += 97)
		assert_int_equal(permute_map(&a, i), permute_map(&b, i));
}

static void test_different_seeds_differ(void **state)
{
	permute_t a, b;
	int same = 0;

	(void)state;
	permute_init(&a, 1000, 1);
	permute_init(&b, 1000, 2);
	for (uint64_t i = 0; i < 1000; i++)
		same += permute_map(&a, i) == permute_map(&b, i);
	/* two random permutations agree on about one point */
	assert_true(same < 20);
}

static void test_looks_shuffled(void **state)
{
	permute_t p;
	int fixed = 0, ascending = 0;
	uint64_t prev = 0, lo_half = 0;

	(void)state;
	permute_init(&p, 65536, 12345);
	for (uint64_t i = 0; i < 100; i++) {
		uint64_t v = permute_map(&p, i);

		fixed += v == i;
		if (i > 0)
			ascending += v > prev;
		lo_half += v < 32768;
		prev = v;
	}
	assert_true(fixed < 5);
	/* not sorted, not reversed: roughly half the steps go up */
	assert_true(ascending > 25 && ascending < 75);
	/* the first 100 are spread over the whole range, not one subnet */
	assert_true(lo_half > 25 && lo_half < 75);
}

static void test_full_ipv4_space(void **state)
{
	const uint64_t n = 1ULL << 32;
	permute_t p;
	uint64_t x = 88172645463325252ULL;

	(void)state;
	permute_init(&p, n, 2024);
	assert_true(permute_map(&p, 0) < n);
	assert_true(permute_map(&p, n - 1) < n);
	for (int i = 0; i < 100000; i++) {
		/* xorshift64 spot checks over the whole domain */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		assert_true(permute_map(&p, x % n) < n);
	}
	/* distinct inputs, distinct outputs (a bijection never collides) */
	assert_int_not_equal(permute_map(&p, 1), permute_map(&p, 2));
}

/* Beyond IPv4: odd k = 33 and a domain near 2^64. */
static void test_large_domains(void **state)
{
	static const uint64_t sizes[] = { (1ULL << 32) + 1, (1ULL << 40) + 12345, UINT64_MAX };
	permute_t p;

	(void)state;
	for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
		permute_init(&p, sizes[s], s);
		for (uint64_t i = 0; i < 10000; i++)
			assert_true(permute_map(&p, sizes[s] - 1 - i * 7919) < sizes[s]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bijection_1),
		cmocka_unit_test(test_bijection_2),
		cmocka_unit_test(test_bijection_3),
		cmocka_unit_test(test_bijection_5),
		cmocka_unit_test(test_bijection_16),
		cmocka_unit_test(test_bijection_17),
		cmocka_unit_test(test_bijection_1000),
		cmocka_unit_test(test_bijection_65536),
		cmocka_unit_test(test_bijection_65537),
		cmocka_unit_test(test_bijection_assorted),
		cmocka_unit_test(test_same_seed_same_order),
		cmocka_unit_test(test_different_seeds_differ),
		cmocka_unit_test(test_looks_shuffled),
		cmocka_unit_test(test_full_ipv4_space),
		cmocka_unit_test(test_large_domains),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
