/*
 * timeutil.h — monotonic and wall clocks in the units the engine uses.
 */
#ifndef NC_UTIL_TIMEUTIL_H
#define NC_UTIL_TIMEUTIL_H

#include <stdint.h>
#include <time.h>

/* Monotonic nanoseconds; only differences mean anything. */
static inline uint64_t time_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Wall clock, seconds since the epoch, with microseconds. */
static inline double time_wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline void time_sleep_ns(uint64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull) };

	while (nanosleep(&ts, &ts) != 0)
		;
}

#endif
