/*
 * rate.c — token bucket pacing (see rate.h).
 */
#include "config.h"

#include "scanner/rate.h"

void rate_init(rate_bucket *b, double rate, double burst, uint64_t now_ns)
{
	b->rate = rate > 0 ? rate : 1;
	b->burst = burst >= 1 ? burst : 1;
	b->tokens = 0;
	b->last_ns = now_ns;
}

uint32_t rate_take(rate_bucket *b, uint32_t want, uint64_t now_ns, uint64_t *wait_ns)
{
	uint32_t got;

	if (now_ns > b->last_ns) {
		b->tokens += (double)(now_ns - b->last_ns) * b->rate / 1e9;
		if (b->tokens > b->burst)
			b->tokens = b->burst;
		b->last_ns = now_ns;
	}
	if (b->tokens < 1.0) {
		*wait_ns = (uint64_t)((1.0 - b->tokens) * 1e9 / b->rate) + 1;
		return 0;
	}
	got = b->tokens >= want ? want : (uint32_t)b->tokens;
	b->tokens -= got;
	*wait_ns = 0;
	return got;
}
