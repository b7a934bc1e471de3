/*
 * rate.h — a token bucket that paces the sender.
 *
 * Tokens accrue at `rate` per second up to `burst`; the sender asks for a
 * batch and is told how many packets it may send now, or how long to wait.
 * Time is passed in so the bucket is testable without sleeping.
 */
#ifndef NC_SCANNER_RATE_H
#define NC_SCANNER_RATE_H

#include <stdint.h>

typedef struct {
	double rate;       /* tokens per second */
	double burst;      /* bucket size */
	double tokens;
	uint64_t last_ns;
} rate_bucket;

/* rate > 0; burst >= 1 (the largest batch the sender will ask for). */
void rate_init(rate_bucket *b, double rate, double burst, uint64_t now_ns);

/*
 * Take up to want tokens. Returns how many were granted (0..want); when 0,
 * *wait_ns is how long until at least one token is available.
 */
uint32_t rate_take(rate_bucket *b, uint32_t want, uint64_t now_ns, uint64_t *wait_ns);

#endif
