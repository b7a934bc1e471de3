/*
 * test_rate.c — the token bucket, on a simulated clock (no sleeping, so
 * nothing here depends on how busy the machine is).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "scanner/rate.h"

/* Over one simulated second a greedy sender gets exactly the rate. */
static void test_rate_exact_over_a_second(void **state)
{
	static const double rates[] = { 10, 1000, 10000, 200000 };

	(void)state;
	for (size_t r = 0; r < sizeof(rates) / sizeof(rates[0]); r++) {
		rate_bucket b;
		uint64_t now = 0, sent = 0, wait;

		rate_init(&b, rates[r], 64, now);
		while (now < 1000000000ull) {
			uint32_t got = rate_take(&b, 64, now, &wait);

			sent += got;
			now += got ? 1000 : wait;
		}
		assert_true(sent >= (uint64_t)(rates[r] * 0.99) - 1);
		assert_true(sent <= (uint64_t)(rates[r] * 1.01) + 64);
	}
}

/* An idle sender cannot save up more than one burst. */
static void test_rate_burst_capped(void **state)
{
	rate_bucket b;
	uint64_t wait;

	(void)state;
	rate_init(&b, 1000, 16, 0);
	assert_int_equal(rate_take(&b, 1000, 10000000000ull, &wait), 16);
	assert_int_equal(rate_take(&b, 1, 10000000000ull, &wait), 0);
	assert_true(wait > 0 && wait <= 1000001);
}

static void test_rate_wait_is_enough(void **state)
{
	rate_bucket b;
	uint64_t wait;

	(void)state;
	rate_init(&b, 100, 1, 0);
	assert_int_equal(rate_take(&b, 1, 0, &wait), 0);
	assert_int_equal(rate_take(&b, 1, wait, &wait), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rate_exact_over_a_second),
		cmocka_unit_test(test_rate_burst_capped),
		cmocka_unit_test(test_rate_wait_is_enough),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
