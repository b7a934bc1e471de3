/*
 * test_targets.c — target specs, excludes, and the safety property the
 * whole scanner rests on: every address it sends to is one the user asked
 * for and did not exclude, and each such address is sent to exactly once.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "scanner/permute.h"
#include "scanner/targets.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/parse.h"

#ifndef NC_TEST_DATA
#error "NC_TEST_DATA must name the tests/data directory"
#endif

#define IP(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (d))

/* ------------------------------------------------------------- helpers */

/* A finalized set from an include list and an optional exclude list. */
static targets_t *make(const char *include, const char *exclude)
{
	targets_t *t = targets_new();
	int r;

	assert_non_null(t);
	r = targets_add_list(t, include);
	if (r != 0)
		fail_msg("targets_add_list(\"%s\"): %s", include, nc_errmsg(r));
	if (exclude != NULL) {
		r = targets_exclude_list(t, exclude);
		if (r != 0)
			fail_msg("targets_exclude_list(\"%s\"): %s", exclude, nc_errmsg(r));
	}
	assert_int_equal(targets_finalize(t), 0);
	return t;
}

static void assert_one_interval(const targets_t *t, uint32_t lo, uint32_t hi)
{
	size_t n;
	const ip_interval *iv = targets_intervals(t, &n);

	assert_int_equal(n, 1);
	assert_int_equal(iv[0].lo, lo);
	assert_int_equal(iv[0].hi, hi);
	assert_int_equal(targets_count(t), (uint64_t)hi - lo + 1);
}

/* spec must be refused with code, and the detail must quote it and say why. */
static void assert_bad(const char *spec, int code, const char *why)
{
	targets_t *t = targets_new();
	char quoted[300];
	const char *msg;
	int r;

	assert_non_null(t);
	nc_clear_error();
	r = targets_add_spec(t, spec);
	msg = nc_errmsg(r);
	if (r != code)
		fail_msg("'%s': got %d (%s), want %d", spec, r, msg, code);
	snprintf(quoted, sizeof(quoted), "'%s'", spec);
	if (strstr(msg, quoted) == NULL || strstr(msg, why) == NULL)
		fail_msg("'%s': message \"%s\" lacks the spec or \"%s\"", spec, msg, why);
	/* nothing was added */
	assert_int_equal(targets_finalize(t), 0);
	assert_int_equal(targets_count(t), 0);
	targets_free(t);
}

/* splitmix64: the tests' own seeded PRNG */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t rng_below(uint64_t *s, uint32_t n)
{
	return (uint32_t)(rng_next(s) % n);
}

/* ---------------------------------------------------------- spec forms */

static void test_single_address(void **state)
{
	targets_t *t = make("10.0.0.1", NULL);

	(void)state;
	assert_one_interval(t, IP(10, 0, 0, 1), IP(10, 0, 0, 1));
	assert_int_equal(targets_at(t, 0), IP(10, 0, 0, 1));
	assert_true(targets_contains(t, IP(10, 0, 0, 1)));
	assert_false(targets_contains(t, IP(10, 0, 0, 2)));
	targets_free(t);
}

static void test_cidr(void **state)
{
	targets_t *t;

	(void)state;
	t = make("10.0.0.0/24", NULL);
	assert_one_interval(t, IP(10, 0, 0, 0), IP(10, 0, 0, 255));
	targets_free(t);
	t = make("192.168.7.1/32", NULL);
	assert_one_interval(t, IP(192, 168, 7, 1), IP(192, 168, 7, 1));
	targets_free(t);
	t = make("192.168.7.1/31", NULL);
	assert_one_interval(t, IP(192, 168, 7, 0), IP(192, 168, 7, 1));
	targets_free(t);
	t = make("172.16.0.0/12", NULL);
	assert_one_interval(t, IP(172, 16, 0, 0), IP(172, 31, 255, 255));
	targets_free(t);
}

/* nmap reads 10.0.0.77/24 as 10.0.0.0/24 */
static void test_cidr_host_bits_ignored(void **state)
{
	targets_t *t = make("10.0.0.77/24", NULL);

	(void)state;
	assert_one_interval(t, IP(10, 0, 0, 0), IP(10, 0, 0, 255));
	targets_free(t);
	t = make("10.200.3.4/8", NULL);
	assert_one_interval(t, IP(10, 0, 0, 0), IP(10, 255, 255, 255));
	targets_free(t);
}

static void test_last_octet_range(void **state)
{
	targets_t *t = make("10.0.0.5-40", NULL);

	(void)state;
	assert_one_interval(t, IP(10, 0, 0, 5), IP(10, 0, 0, 40));
	assert_int_equal(targets_count(t), 36);
	targets_free(t);
	t = make("10.0.0.7-7", NULL);
	assert_one_interval(t, IP(10, 0, 0, 7), IP(10, 0, 0, 7));
	targets_free(t);
	t = make("10.0.0.0-255", NULL);
	assert_one_interval(t, IP(10, 0, 0, 0), IP(10, 0, 0, 255));
	targets_free(t);
}

static void test_full_range(void **state)
{
	targets_t *t = make("10.0.0.0-10.0.3.255", NULL);

	(void)state;
	assert_one_interval(t, IP(10, 0, 0, 0), IP(10, 0, 3, 255));
	assert_int_equal(targets_count(t), 1024);
	targets_free(t);
	t = make("10.0.0.9-10.0.0.9", NULL);
	assert_one_interval(t, IP(10, 0, 0, 9), IP(10, 0, 0, 9));
	targets_free(t);
}

static void test_hostname_localhost(void **state)
{
	targets_t *t = make("localhost", NULL);

	(void)state;
	assert_true(targets_count(t) >= 1);
	assert_true(targets_contains(t, IP(127, 0, 0, 1)));
	assert_string_equal(targets_describe(t), "localhost");
	targets_free(t);
}

static void test_hostname_unknown(void **state)
{
	targets_t *t = targets_new();
	int r;

	(void)state;
	nc_clear_error();
	r = targets_add_spec(t, "nonexistent.invalid");
	assert_int_equal(r, NC_ERR_RESOLVE);
	assert_non_null(strstr(nc_errmsg(r), "cannot resolve target 'nonexistent.invalid'"));
	targets_free(t);
}

static void test_list_splitting(void **state)
{
	targets_t *t = make(" 10.0.0.1, 10.0.0.3\t10.0.0.5\n,,10.0.0.7 ,", NULL);
	size_t n;

	(void)state;
	targets_intervals(t, &n);
	assert_int_equal(n, 4);
	assert_int_equal(targets_count(t), 4);
	assert_string_equal(targets_describe(t), "10.0.0.1,10.0.0.3,10.0.0.5,10.0.0.7");
	targets_free(t);
}

static void test_empty_specs_ignored(void **state)
{
	targets_t *t = make(" , ,\t", NULL);

	(void)state;
	assert_int_equal(targets_count(t), 0);
	assert_int_equal(targets_at(t, 0), 0);
	assert_false(targets_contains(t, 0));
	assert_string_equal(targets_describe(t), "");
	targets_free(t);
}

static void test_spec_whitespace_trimmed(void **state)
{
	targets_t *t = targets_new();

	(void)state;
	assert_int_equal(targets_add_spec(t, "  10.0.0.0/30\n"), 0);
	assert_int_equal(targets_finalize(t), 0);
	assert_int_equal(targets_count(t), 4);
	assert_string_equal(targets_describe(t), "10.0.0.0/30");
	targets_free(t);
}

/* ---------------------------------------------------------- bad specs */

static void test_bad_prefix_length(void **state)
{
	(void)state;
	assert_bad("10.0.0.0/33", NC_ERR_INVALID, "prefix length must be 0-32");
	assert_bad("10.0.0.0/", NC_ERR_INVALID, "prefix length must be 0-32");
	assert_bad("10.0.0.0/320", NC_ERR_INVALID, "prefix length must be 0-32");
	assert_bad("10.0.0.0/24/8", NC_ERR_INVALID, "prefix length must be 0-32");
}

/* "1.2.3" looks like an address: it must not be looked up as a name. */
static void test_bad_not_an_address(void **state)
{
	static const char *const specs[] = {
		"1.2.3", "1.2.3.4.5", "256.0.0.1", "1..2.3", "10.0.0.", ".10.0.0.1", "1234.0.0.1",
		"10.0.0.5-", "-5", "-", ".", "10.0.0.0/24-5", "10.0.0.5-10.0.0.6-7", "1.2.3-4",
		"10.0.0.1-10.0.0", "0", "/24",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(specs); i++)
		assert_bad(specs[i], NC_ERR_INVALID, "not an IPv4 address, range or CIDR");
}

static void test_bad_backwards_range(void **state)
{
	(void)state;
	assert_bad("10.0.0.40-5", NC_ERR_INVALID, "range runs backwards");
	assert_bad("10.0.0.9-10.0.0.1", NC_ERR_INVALID, "range runs backwards");
	assert_bad("10.0.1.0-10.0.0.255", NC_ERR_INVALID, "range runs backwards");
}

static void test_bad_octet_range_end(void **state)
{
	(void)state;
	assert_bad("10.0.0.5-256", NC_ERR_INVALID, "range end must be 0-255");
	assert_bad("10.0.0.5-1000", NC_ERR_INVALID, "range end must be 0-255");
}

static void test_bad_other(void **state)
{
	(void)state;
	assert_bad("10.0.0.1:80", NC_ERR_INVALID, "no port");
	assert_bad("2001:db8::1", NC_ERR_INVALID, "IPv6");
	assert_bad("host name", NC_ERR_INVALID, "not an IPv4 address, range, CIDR or hostname");
	assert_bad("host!", NC_ERR_INVALID, "not an IPv4 address, range, CIDR or hostname");
	assert_bad("scanme.example/24", NC_ERR_INVALID, "not an IPv4 address, range or CIDR");
	assert_bad("-host", NC_ERR_INVALID, "hostname");
}

static void test_bad_empty_spec(void **state)
{
	targets_t *t = targets_new();

	(void)state;
	assert_int_equal(targets_add_spec(t, ""), NC_ERR_INVALID);
	assert_int_equal(targets_add_spec(t, "   "), NC_ERR_INVALID);
	targets_free(t);
}

/* One bad spec rejects the whole list: nothing half-added. */
static void test_bad_list_adds_nothing(void **state)
{
	targets_t *t = targets_new();
	int r;

	(void)state;
	r = targets_add_list(t, "10.0.0.1,10.0.0.2, 1.2.3, 10.0.0.4");
	assert_int_equal(r, NC_ERR_INVALID);
	assert_non_null(strstr(nc_errmsg(r), "'1.2.3'"));
	r = targets_exclude_list(t, "10.0.0.40-5");
	assert_int_equal(r, NC_ERR_INVALID);
	assert_non_null(strstr(nc_errmsg(r), "'10.0.0.40-5'"));
	assert_int_equal(targets_add_list(t, "10.9.9.9"), 0);
	assert_int_equal(targets_finalize(t), 0);
	assert_int_equal(targets_count(t), 1);
	assert_string_equal(targets_describe(t), "10.9.9.9");
	targets_free(t);
}

/* ------------------------------------------------------------- merging */

static void test_merge_overlaps(void **state)
{
	targets_t *t = make("10.0.0.128/25,10.0.0.0/24,10.0.0.100-10.0.1.10,10.0.0.5", NULL);

	(void)state;
	assert_one_interval(t, IP(10, 0, 0, 0), IP(10, 0, 1, 10));
	targets_free(t);
	/* one interval containing another, given in either order */
	t = make("10.0.0.0/8,10.1.2.0/24", NULL);
	assert_one_interval(t, IP(10, 0, 0, 0), IP(10, 255, 255, 255));
	targets_free(t);
	t = make("10.1.2.0/24,10.0.0.0/8", NULL);
	assert_one_interval(t, IP(10, 0, 0, 0), IP(10, 255, 255, 255));
	targets_free(t);
}

static void test_merge_adjacent(void **state)
{
	targets_t *t = make("10.0.0.128/25,10.0.0.0/25,10.0.1.0-9", NULL);
	size_t n;

	(void)state;
	assert_one_interval(t, IP(10, 0, 0, 0), IP(10, 0, 1, 9));
	targets_free(t);
	/* a gap of one address keeps two intervals */
	t = make("10.0.0.1,10.0.0.3", NULL);
	targets_intervals(t, &n);
	assert_int_equal(n, 2);
	assert_int_equal(targets_count(t), 2);
	targets_free(t);
}

static void test_duplicates_counted_once(void **state)
{
	targets_t *t = make("10.0.0.1,10.0.0.1,10.0.0.1/32,10.0.0.1-1", NULL);

	(void)state;
	assert_one_interval(t, IP(10, 0, 0, 1), IP(10, 0, 0, 1));
	targets_free(t);
}

static void test_slash8_is_one_interval(void **state)
{
	targets_t *t = make("10.0.0.0/8", NULL);

	(void)state;
	assert_one_interval(t, IP(10, 0, 0, 0), IP(10, 255, 255, 255));
	assert_int_equal(targets_count(t), 1u << 24);
	assert_int_equal(targets_at(t, (1u << 24) - 1), IP(10, 255, 255, 255));
	targets_free(t);
}

/* Sorted, disjoint, separated by at least one address. */
static void assert_canonical(const targets_t *t)
{
	size_t n;
	const ip_interval *iv = targets_intervals(t, &n);
	uint64_t sum = 0;

	for (size_t i = 0; i < n; i++) {
		assert_true(iv[i].lo <= iv[i].hi);
		if (i > 0)
			assert_true((uint64_t)iv[i - 1].hi + 1 < iv[i].lo);
		sum += (uint64_t)iv[i].hi - iv[i].lo + 1;
	}
	assert_int_equal(sum, targets_count(t));
}

/* ------------------------------------------------------------ excludes */

static void test_exclude_first(void **state)
{
	targets_t *t = make("10.0.0.0/24", "10.0.0.0");

	(void)state;
	assert_one_interval(t, IP(10, 0, 0, 1), IP(10, 0, 0, 255));
	assert_false(targets_contains(t, IP(10, 0, 0, 0)));
	assert_int_equal(targets_at(t, 0), IP(10, 0, 0, 1));
	targets_free(t);
}

static void test_exclude_last(void **state)
{
	targets_t *t = make("10.0.0.0/24", "10.0.0.255");

	(void)state;
	assert_one_interval(t, IP(10, 0, 0, 0), IP(10, 0, 0, 254));
	assert_false(targets_contains(t, IP(10, 0, 0, 255)));
	targets_free(t);
}

static void test_exclude_middle(void **state)
{
	targets_t *t = make("10.0.0.0/24", "10.0.0.100-109");
	const ip_interval *iv;
	size_t n;

	(void)state;
	iv = targets_intervals(t, &n);
	assert_int_equal(n, 2);
	assert_int_equal(iv[0].lo, IP(10, 0, 0, 0));
	assert_int_equal(iv[0].hi, IP(10, 0, 0, 99));
	assert_int_equal(iv[1].lo, IP(10, 0, 0, 110));
	assert_int_equal(iv[1].hi, IP(10, 0, 0, 255));
	assert_int_equal(targets_count(t), 246);
	assert_int_equal(targets_at(t, 99), IP(10, 0, 0, 99));
	assert_int_equal(targets_at(t, 100), IP(10, 0, 0, 110));
	targets_free(t);
}

static void test_exclude_whole_interval(void **state)
{
	targets_t *t = make("10.0.0.0/24,10.0.5.0/24,10.0.9.0/24", "10.0.5.0/24");
	const ip_interval *iv;
	size_t n;

	(void)state;
	iv = targets_intervals(t, &n);
	assert_int_equal(n, 2);
	assert_int_equal(iv[0].hi, IP(10, 0, 0, 255));
	assert_int_equal(iv[1].lo, IP(10, 0, 9, 0));
	assert_int_equal(targets_count(t), 512);
	targets_free(t);
	/* an exclude larger than the interval on both sides */
	t = make("10.0.0.0/24,10.0.5.0/24", "10.0.4.0-10.0.6.0");
	assert_one_interval(t, IP(10, 0, 0, 0), IP(10, 0, 0, 255));
	targets_free(t);
}

static void test_exclude_spanning_two(void **state)
{
	targets_t *t = make("10.0.0.0/24,10.0.2.0/24,10.0.4.0/24", "10.0.0.200-10.0.2.9");
	const ip_interval *iv;
	size_t n;

	(void)state;
	iv = targets_intervals(t, &n);
	assert_int_equal(n, 3);
	assert_int_equal(iv[0].lo, IP(10, 0, 0, 0));
	assert_int_equal(iv[0].hi, IP(10, 0, 0, 199));
	assert_int_equal(iv[1].lo, IP(10, 0, 2, 10));
	assert_int_equal(iv[1].hi, IP(10, 0, 2, 255));
	assert_int_equal(iv[2].lo, IP(10, 0, 4, 0));
	assert_int_equal(targets_count(t), 200 + 246 + 256);
	targets_free(t);
}

static void test_exclude_several_in_one(void **state)
{
	targets_t *t = make("10.0.0.0/24", "10.0.0.10,10.0.0.20-29,10.0.0.0/29,10.0.0.250-255");

	(void)state;
	assert_canonical(t);
	assert_int_equal(targets_count(t), 256 - 1 - 10 - 8 - 6);
	assert_false(targets_contains(t, IP(10, 0, 0, 7)));
	assert_true(targets_contains(t, IP(10, 0, 0, 8)));
	assert_true(targets_contains(t, IP(10, 0, 0, 249)));
	targets_free(t);
}

static void test_exclude_everything(void **state)
{
	targets_t *t = make("10.0.0.0/24,10.0.1.5", "10.0.0.0/16");
	size_t n = 99;

	(void)state;
	assert_int_equal(targets_count(t), 0);
	targets_intervals(t, &n);
	assert_int_equal(n, 0);
	assert_false(targets_contains(t, IP(10, 0, 0, 1)));
	assert_int_equal(targets_at(t, 0), 0);
	targets_free(t);
}

static void test_exclude_outside_is_harmless(void **state)
{
	targets_t *t = make("10.0.0.0/24", "192.168.0.0/16,9.255.255.255,10.0.1.0");

	(void)state;
	assert_one_interval(t, IP(10, 0, 0, 0), IP(10, 0, 0, 255));
	targets_free(t);
}

/* ------------------------------------------------ the ends of the space */

static void test_whole_ipv4_space(void **state)
{
	targets_t *t = make("0.0.0.0/0", NULL);

	(void)state;
	assert_one_interval(t, 0, UINT32_MAX);
	assert_int_equal(targets_count(t), 1ULL << 32);
	assert_int_equal(targets_at(t, 0), 0);
	assert_int_equal(targets_at(t, (1ULL << 32) - 1), UINT32_MAX);
	assert_int_equal(targets_at(t, 1ULL << 32), 0); /* out of range */
	assert_true(targets_contains(t, 0));
	assert_true(targets_contains(t, UINT32_MAX));
	targets_free(t);
	/* merging into an interval that ends at 255.255.255.255 */
	t = make("0.0.0.0/0,10.0.0.0/8,255.255.255.255", NULL);
	assert_one_interval(t, 0, UINT32_MAX);
	assert_int_equal(targets_count(t), 1ULL << 32);
	targets_free(t);
	t = make("0.0.0.0-255.255.255.255", NULL);
	assert_int_equal(targets_count(t), 1ULL << 32);
	targets_free(t);
}

static void test_top_and_bottom_edges(void **state)
{
	targets_t *t;

	(void)state;
	t = make("255.255.255.255", NULL);
	assert_one_interval(t, UINT32_MAX, UINT32_MAX);
	assert_int_equal(targets_at(t, 0), UINT32_MAX);
	targets_free(t);
	t = make("255.255.255.254,255.255.255.255", NULL);
	assert_one_interval(t, UINT32_MAX - 1, UINT32_MAX);
	targets_free(t);
	t = make("255.255.255.0/24", "255.255.255.255");
	assert_one_interval(t, IP(255, 255, 255, 0), IP(255, 255, 255, 254));
	assert_false(targets_contains(t, UINT32_MAX));
	targets_free(t);
	t = make("0.0.0.0/0", "0.0.0.0,255.255.255.255");
	assert_one_interval(t, 1, UINT32_MAX - 1);
	assert_int_equal(targets_count(t), (1ULL << 32) - 2);
	assert_int_equal(targets_at(t, 0), 1);
	assert_false(targets_contains(t, 0));
	targets_free(t);
	t = make("0.0.0.0/0", "0.0.0.0/1");
	assert_one_interval(t, 0x80000000u, UINT32_MAX);
	targets_free(t);
	t = make("0.0.0.0/0", "0.0.0.0/0");
	assert_int_equal(targets_count(t), 0);
	targets_free(t);
	t = make("0.0.0.0,0.0.0.1-3", NULL);
	assert_one_interval(t, 0, 3);
	targets_free(t);
}

/* ------------------------------------------------------ the safety net */

#define UNIVERSE_LO IP(10, 0, 0, 0) /* 10.0.0.0/20 */
#define UNIVERSE_N 4096u
#define MARGIN 64u

/* A random spec of any form, somewhere in (or straddling) the universe. */
static void random_spec(uint64_t *rng, char *buf, size_t len, bool may_straddle)
{
	char a[16], b[16];
	uint32_t base = UNIVERSE_LO, span = UNIVERSE_N;
	uint32_t lo, hi;

	if (may_straddle) {
		base -= MARGIN;
		span += 2 * MARGIN;
	}
	lo = base + rng_below(rng, span);
	switch (rng_below(rng, 4)) {
	case 0: /* single */
		format_ipv4(lo, a, sizeof(a));
		snprintf(buf, len, "%s", a);
		break;
	case 1: { /* CIDR /22 .. /32 */
		unsigned prefix = 22 + rng_below(rng, 11);

		format_ipv4(lo, a, sizeof(a));
		snprintf(buf, len, "%s/%u", a, prefix);
		break;
	}
	case 2: /* last-octet range */
		hi = (lo & 0xff) + rng_below(rng, 256 - (lo & 0xff));
		format_ipv4(lo, a, sizeof(a));
		snprintf(buf, len, "%s-%u", a, hi);
		break;
	default: /* full range, up to a few hundred addresses */
		hi = lo + rng_below(rng, 600);
		format_ipv4(lo, a, sizeof(a));
		format_ipv4(hi, b, sizeof(b));
		snprintf(buf, len, "%s-%s", a, b);
		break;
	}
}

/* What a spec generated above covers, the slow obvious way. */
static void mark_spec(const char *spec, uint8_t *bitmap, uint8_t value)
{
	char buf[40];
	char *sep;
	uint32_t lo, hi;

	snprintf(buf, sizeof(buf), "%s", spec);
	if ((sep = strchr(buf, '/')) != NULL) {
		unsigned prefix = (unsigned)strtoul(sep + 1, NULL, 10);
		uint32_t size = 1u << (32 - prefix);

		*sep = '\0';
		assert_true(parse_ipv4(buf, &lo));
		lo -= lo % size;
		hi = lo + (size - 1);
	} else if ((sep = strchr(buf, '-')) != NULL) {
		*sep = '\0';
		assert_true(parse_ipv4(buf, &lo));
		if (strchr(sep + 1, '.') != NULL)
			assert_true(parse_ipv4(sep + 1, &hi));
		else
			hi = (lo & ~0xffu) | (uint32_t)strtoul(sep + 1, NULL, 10);
	} else {
		assert_true(parse_ipv4(buf, &lo));
		hi = lo;
	}
	for (uint64_t a = lo; a <= hi; a++)
		if (a >= UNIVERSE_LO && a < UNIVERSE_LO + UNIVERSE_N)
			bitmap[a - UNIVERSE_LO] = value;
}

/*
 * Random includes inside the universe, random excludes that may reach past
 * it; then walk the scan order exactly as the scanner does and compare
 * with a bitmap of what is allowed.
 */
static void check_safety(uint64_t seed, unsigned max_inc, unsigned max_exc)
{
	uint64_t rng = seed;
	uint8_t allowed[UNIVERSE_N], seen[UNIVERSE_N];
	unsigned n_inc = 1 + rng_below(&rng, max_inc);
	unsigned n_exc = rng_below(&rng, max_exc + 1);
	uint64_t expect = 0;
	targets_t *t = targets_new();
	const ip_interval *iv;
	permute_t p;
	size_t n;
	char spec[48];

	assert_non_null(t);
	memset(allowed, 0, sizeof(allowed));
	memset(seen, 0, sizeof(seen));
	for (unsigned i = 0; i < n_inc; i++) {
		char *dash;
		uint32_t hi;

		random_spec(&rng, spec, sizeof(spec), false);
		/* includes stay inside the universe so the bitmap sees all of them;
		 * only a full range can run past its end: clamp it */
		dash = strchr(spec, '-');
		if (dash != NULL && strchr(dash, '.') != NULL && parse_ipv4(dash + 1, &hi) &&
		    hi >= UNIVERSE_LO + UNIVERSE_N)
			format_ipv4(UNIVERSE_LO + UNIVERSE_N - 1, dash + 1,
				    sizeof(spec) - (size_t)(dash + 1 - spec));
		assert_int_equal(targets_add_spec(t, spec), 0);
		mark_spec(spec, allowed, 1);
	}
	for (unsigned i = 0; i < n_exc; i++) {
		random_spec(&rng, spec, sizeof(spec), true);
		assert_int_equal(targets_exclude_list(t, spec), 0);
		mark_spec(spec, allowed, 0);
	}
	assert_int_equal(targets_finalize(t), 0);
	assert_canonical(t);
	for (size_t i = 0; i < UNIVERSE_N; i++)
		expect += allowed[i];
	assert_int_equal(targets_count(t), expect);

	/* the scan order: each allowed address once, nothing else */
	permute_init(&p, expect ? expect : 1, seed ^ 0xabcdef);
	for (uint64_t i = 0; i < expect; i++) {
		uint32_t ip = targets_at(t, permute_map(&p, i));
		uint32_t off = ip - UNIVERSE_LO;

		if (ip < UNIVERSE_LO || off >= UNIVERSE_N || !allowed[off])
			fail_msg("seed %llu: index %llu produced %u.%u.%u.%u, not allowed",
				 (unsigned long long)seed, (unsigned long long)i, ip >> 24,
				 (ip >> 16) & 0xff, (ip >> 8) & 0xff, ip & 0xff);
		assert_int_equal(seen[off], 0);
		seen[off] = 1;
	}
	assert_memory_equal(seen, allowed, sizeof(seen));

	/* contains() agrees with the bitmap, and a little past either end */
	for (uint32_t a = UNIVERSE_LO - MARGIN; a < UNIVERSE_LO + UNIVERSE_N + MARGIN; a++) {
		bool want = a >= UNIVERSE_LO && a < UNIVERSE_LO + UNIVERSE_N &&
			    allowed[a - UNIVERSE_LO];

		assert_int_equal(targets_contains(t, a), want);
	}
	/* and at the edges of every interval */
	iv = targets_intervals(t, &n);
	for (size_t i = 0; i < n; i++) {
		assert_false(targets_contains(t, iv[i].lo - 1));
		assert_true(targets_contains(t, iv[i].lo));
		assert_true(targets_contains(t, iv[i].hi));
		assert_false(targets_contains(t, iv[i].hi + 1));
	}
	targets_free(t);
}

static void test_safety_few_specs(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 100; seed++)
		check_safety(seed, 3, 2);
}

static void test_safety_many_specs(void **state)
{
	(void)state;
	for (uint64_t seed = 1000; seed < 1100; seed++)
		check_safety(seed, 20, 20);
}

static void test_safety_heavy_excludes(void **state)
{
	(void)state;
	for (uint64_t seed = 5000; seed < 5100; seed++)
		check_safety(seed, 4, 60);
}

/* Edges of every interval of a fixed, hand-made set. */
static void test_interval_edges(void **state)
{
	targets_t *t = make("10.0.0.0/24,10.0.2.0-10.0.2.9,10.0.2.20-30,10.0.3.255,10.0.4.0/30",
			    "10.0.0.128/26,10.0.4.1");
	const ip_interval *iv;
	size_t n;

	(void)state;
	iv = targets_intervals(t, &n);
	/* [0.0-0.127] [0.192-0.255] [2.0-2.9] [2.20-2.30] [3.255-4.0] [4.2-4.3]:
	 * 10.0.3.255 and 10.0.4.0/30 are adjacent, so they merged first */
	assert_int_equal(n, 6);
	for (size_t i = 0; i < n; i++) {
		assert_false(targets_contains(t, iv[i].lo - 1));
		assert_true(targets_contains(t, iv[i].lo));
		assert_true(targets_contains(t, iv[i].hi));
		assert_false(targets_contains(t, iv[i].hi + 1));
	}
	/* in index order the addresses come out sorted */
	for (uint64_t i = 1; i < targets_count(t); i++)
		assert_true(targets_at(t, i - 1) < targets_at(t, i));
	targets_free(t);
}

/* ---------------------------------------------------------------- files */

static void test_file_with_comments(void **state)
{
	targets_t *t = targets_new();
	const char *path = NC_TEST_DATA "/targets/hosts.txt";
	int r;

	(void)state;
	r = targets_add_file(t, path);
	if (r != 0)
		fail_msg("%s", nc_errmsg(r));
	assert_int_equal(targets_finalize(t), 0);
	assert_int_equal(targets_count(t), 11);
	assert_true(targets_contains(t, IP(198, 18, 0, 0)));
	assert_true(targets_contains(t, IP(198, 18, 0, 3)));
	assert_true(targets_contains(t, IP(198, 18, 1, 7)));
	assert_true(targets_contains(t, IP(198, 18, 3, 1)));
	assert_true(targets_contains(t, IP(198, 18, 9, 9)));
	assert_false(targets_contains(t, IP(198, 18, 1, 4)));
	assert_string_equal(targets_describe(t), "file:" NC_TEST_DATA "/targets/hosts.txt");
	targets_free(t);
}

static void test_exclude_file(void **state)
{
	targets_t *t = targets_new();

	(void)state;
	assert_int_equal(targets_add_list(t, "198.18.0.0/30"), 0);
	assert_int_equal(targets_exclude_file(t, NC_TEST_DATA "/targets/exclude.txt"), 0);
	assert_int_equal(targets_finalize(t), 0);
	assert_one_interval(t, IP(198, 18, 0, 1), IP(198, 18, 0, 2));
	targets_free(t);
}

static void test_file_comments_only(void **state)
{
	targets_t *t = targets_new();

	(void)state;
	assert_int_equal(targets_add_file(t, NC_TEST_DATA "/targets/comments-only.txt"), 0);
	assert_int_equal(targets_finalize(t), 0);
	assert_int_equal(targets_count(t), 0);
	targets_free(t);
}

static void test_file_unreadable(void **state)
{
	targets_t *t = targets_new();
	const char *missing = NC_TEST_DATA "/targets/no-such-file.txt";
	int r;

	(void)state;
	r = targets_add_file(t, missing);
	assert_int_equal(r, NC_ERR_IO);
	assert_non_null(strstr(nc_errmsg(r), "cannot read target file"));
	assert_non_null(strstr(nc_errmsg(r), missing));
	assert_non_null(strstr(nc_errmsg(r), "No such file"));
	r = targets_exclude_file(t, missing);
	assert_int_equal(r, NC_ERR_IO);
	/* a directory is not a target file either */
	r = targets_add_file(t, NC_TEST_DATA "/targets");
	assert_int_equal(r, NC_ERR_IO);
	targets_free(t);
}

static void test_file_bad_line(void **state)
{
	targets_t *t = targets_new();
	const char *msg;
	int r;

	(void)state;
	r = targets_add_file(t, NC_TEST_DATA "/targets/bad.txt");
	assert_int_equal(r, NC_ERR_INVALID);
	msg = nc_errmsg(r);
	assert_non_null(strstr(msg, "bad.txt:3: "));
	assert_non_null(strstr(msg, "bad target '198.18.0.0/33': prefix length must be 0-32"));
	/* the good line before it was not kept */
	assert_int_equal(targets_finalize(t), 0);
	assert_int_equal(targets_count(t), 0);
	targets_free(t);
}

static void test_file_too_big(void **state)
{
	char path[] = "/tmp/nc-targets-XXXXXX";
	targets_t *t = targets_new();
	int fd, r;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	/* sparse: costs no disk, but stat() says it is over the limit */
	assert_int_equal(ftruncate(fd, (off_t)TARGETS_FILE_MAX + 1), 0);
	close(fd);
	r = targets_add_file(t, path);
	unlink(path);
	assert_int_equal(r, NC_ERR_TOOBIG);
	assert_non_null(strstr(nc_errmsg(r), path));
	targets_free(t);
}

/* ------------------------------------------------------------ lifecycle */

static void test_describe(void **state)
{
	targets_t *t = make("198.18.1.0/24, 198.19.0.0/16", NULL);

	(void)state;
	assert_string_equal(targets_describe(t), "198.18.1.0/24,198.19.0.0/16");
	targets_free(t);
	t = make("10.0.0.0/24,localhost", "10.0.0.7, 10.0.0.9-12");
	assert_string_equal(targets_describe(t),
			    "10.0.0.0/24,localhost (excluding 10.0.0.7,10.0.0.9-12)");
	targets_free(t);
}

static void test_add_after_finalize(void **state)
{
	targets_t *t = make("10.0.0.0/24", "10.0.0.0");

	(void)state;
	assert_int_equal(targets_count(t), 255);
	/* the queries keep the old answer until the next finalize */
	assert_int_equal(targets_add_spec(t, "10.0.1.0/24"), 0);
	assert_int_equal(targets_count(t), 255);
	assert_int_equal(targets_finalize(t), 0);
	assert_int_equal(targets_count(t), 511);
	assert_int_equal(targets_exclude_list(t, "10.0.1.255"), 0);
	assert_int_equal(targets_finalize(t), 0);
	assert_int_equal(targets_count(t), 510);
	assert_string_equal(targets_describe(t),
			    "10.0.0.0/24,10.0.1.0/24 (excluding 10.0.0.0,10.0.1.255)");
	/* finalize again with nothing new: same answer */
	assert_int_equal(targets_finalize(t), 0);
	assert_int_equal(targets_count(t), 510);
	targets_free(t);
}

static void test_before_finalize_and_free_null(void **state)
{
	targets_t *t = targets_new();

	(void)state;
	targets_free(NULL);
	assert_int_equal(targets_count(t), 0);
	assert_int_equal(targets_at(t, 0), 0);
	assert_false(targets_contains(t, 0));
	assert_string_equal(targets_describe(t), "");
	assert_int_equal(targets_finalize(t), 0);
	assert_int_equal(targets_count(t), 0);
	targets_free(t);
}

/* Many separate intervals: memory is per interval, lookups stay exact. */
static void test_many_intervals(void **state)
{
	targets_t *t = targets_new();
	char spec[32];
	size_t n;

	(void)state;
	/* every other address of 10.0.0.0/16, added in reverse order */
	for (int i = 65535; i >= 0; i -= 2) {
		snprintf(spec, sizeof(spec), "10.0.%d.%d", i >> 8, i & 0xff);
		assert_int_equal(targets_add_spec(t, spec), 0);
	}
	assert_int_equal(targets_finalize(t), 0);
	targets_intervals(t, &n);
	assert_int_equal(n, 32768);
	assert_int_equal(targets_count(t), 32768);
	for (uint64_t i = 0; i < 32768; i++)
		assert_int_equal(targets_at(t, i), IP(10, 0, 0, 1) + 2 * (uint32_t)i);
	assert_false(targets_contains(t, IP(10, 0, 0, 0)));
	assert_true(targets_contains(t, IP(10, 0, 255, 255)));
	targets_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_address),
		cmocka_unit_test(test_cidr),
		cmocka_unit_test(test_cidr_host_bits_ignored),
		cmocka_unit_test(test_last_octet_range),
		cmocka_unit_test(test_full_range),
		cmocka_unit_test(test_hostname_localhost),
		cmocka_unit_test(test_hostname_unknown),
		cmocka_unit_test(test_list_splitting),
		cmocka_unit_test(test_empty_specs_ignored),
		cmocka_unit_test(test_spec_whitespace_trimmed),
		cmocka_unit_test(test_bad_prefix_length),
		cmocka_unit_test(test_bad_not_an_address),
		cmocka_unit_test(test_bad_backwards_range),
		cmocka_unit_test(test_bad_octet_range_end),
		cmocka_unit_test(test_bad_other),
		cmocka_unit_test(test_bad_empty_spec),
		cmocka_unit_test(test_bad_list_adds_nothing),
		cmocka_unit_test(test_merge_overlaps),
		cmocka_unit_test(test_merge_adjacent),
		cmocka_unit_test(test_duplicates_counted_once),
		cmocka_unit_test(test_slash8_is_one_interval),
		cmocka_unit_test(test_exclude_first),
		cmocka_unit_test(test_exclude_last),
		cmocka_unit_test(test_exclude_middle),
		cmocka_unit_test(test_exclude_whole_interval),
		cmocka_unit_test(test_exclude_spanning_two),
		cmocka_unit_test(test_exclude_several_in_one),
		cmocka_unit_test(test_exclude_everything),
		cmocka_unit_test(test_exclude_outside_is_harmless),
		cmocka_unit_test(test_whole_ipv4_space),
		cmocka_unit_test(test_top_and_bottom_edges),
		cmocka_unit_test(test_safety_few_specs),
		cmocka_unit_test(test_safety_many_specs),
		cmocka_unit_test(test_safety_heavy_excludes),
		cmocka_unit_test(test_interval_edges),
		cmocka_unit_test(test_file_with_comments),
		cmocka_unit_test(test_exclude_file),
		cmocka_unit_test(test_file_comments_only),
		cmocka_unit_test(test_file_unreadable),
		cmocka_unit_test(test_file_bad_line),
		cmocka_unit_test(test_file_too_big),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_add_after_finalize),
		cmocka_unit_test(test_before_finalize_and_free_null),
		cmocka_unit_test(test_many_intervals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
