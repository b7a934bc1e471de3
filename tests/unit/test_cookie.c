/*
 * test_cookie.c — SipHash-2-4 against the published vectors, and the
 * properties the receiver relies on: a cookie is a function of the whole
 * flow and the key, and nothing else.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "scanner/cookie.h"
#include "util/compat.h"

/* SipHash-2-4 paper / reference test vectors: key 00 01 .. 0f, message
 * 00 01 .. (len-1); the 8 output bytes read as a little-endian integer. */
static const struct {
	size_t len;
	uint64_t hash;
} vectors[] = {
	{ 0, 0x726fdb47dd0e0e31ULL },  { 1, 0x74f839c593dc67fdULL },
	{ 2, 0x0d6c8009d9a94f5aULL },  { 3, 0x85676696d7fb7e2dULL },
	{ 7, 0xab0200f58b01d137ULL },  { 8, 0x93f5f5799a932462ULL },
	{ 9, 0x9e0082df0ba9e4b0ULL },  { 15, 0xa129ca6149be45e5ULL },
	{ 16, 0x3f2acc7f57c29bdbULL }, { 17, 0x699ae9f52cbe4794ULL },
	{ 31, 0x32d892fad841c342ULL }, { 32, 0x7127512f72f27cceULL },
	{ 63, 0x958a324ceb064572ULL },
};

static void reference_key(cookie_key *key)
{
	/* bytes 00..07 and 08..0f, little-endian */
	key->k0 = 0x0706050403020100ULL;
	key->k1 = 0x0f0e0d0c0b0a0908ULL;
}

static void test_siphash_vectors(void **state)
{
	uint8_t msg[64];
	cookie_key key;

	(void)state;
	reference_key(&key);
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)i;
	for (size_t i = 0; i < ARRAY_SIZE(vectors); i++) {
		uint64_t h = siphash24(&key, msg, vectors[i].len);

		if (h != vectors[i].hash)
			print_error("length %zu: got %016llx want %016llx\n", vectors[i].len,
				    (unsigned long long)h, (unsigned long long)vectors[i].hash);
		assert_int_equal(h, vectors[i].hash);
	}
}

/* Unaligned input must hash the same as aligned. */
static void test_siphash_unaligned(void **state)
{
	uint8_t buf[80];
	cookie_key key;

	(void)state;
	reference_key(&key);
	for (size_t i = 0; i < 64; i++)
		buf[3 + i] = (uint8_t)i;
	assert_int_equal(siphash24(&key, buf + 3, 63), 0x958a324ceb064572ULL);
	assert_int_equal(siphash24(&key, buf + 3, 15), 0xa129ca6149be45e5ULL);
}

/* cookie_flow is siphash24 over the 8-byte address record, and cookie_make
 * is cookie_derive of that flow. */
static void test_cookie_matches_record(void **state)
{
	cookie_key key;
	uint8_t rec[8] = { 0 };
	uint32_t our = 0xc6120001, their = 0xc6130a0b;
	uint16_t oport = 40000, tport = 443;
	uint8_t tag = 7;
	uint64_t h;

	(void)state;
	cookie_key_from_seed(&key, 42);
	for (int i = 0; i < 4; i++) {
		rec[i] = (uint8_t)(our >> (8 * i));
		rec[4 + i] = (uint8_t)(their >> (8 * i));
	}
	h = siphash24(&key, rec, sizeof(rec));
	assert_int_equal(cookie_flow(&key, our, their), h);
	assert_int_equal(cookie_make(&key, our, their, oport, tport, tag),
			 cookie_derive(&key, h, oport, tport, tag));
	/* every field of the derivation matters */
	assert_int_not_equal(cookie_derive(&key, h, oport, tport, tag),
			     cookie_derive(&key, h, oport, tport, (uint8_t)(tag + 1)));
	assert_int_not_equal(cookie_derive(&key, h, oport, tport, tag),
			     cookie_derive(&key, h, (uint16_t)(oport + 1), tport, tag));
	assert_int_not_equal(cookie_derive(&key, h, oport, tport, tag),
			     cookie_derive(&key, h, oport, (uint16_t)(tport + 1), tag));
	assert_int_not_equal(cookie_derive(&key, h, oport, tport, tag),
			     cookie_derive(&key, h ^ 1, oport, tport, tag));
}

static void test_cookie_deterministic(void **state)
{
	cookie_key a, b;

	(void)state;
	cookie_key_from_seed(&a, 1234);
	cookie_key_from_seed(&b, 1234);
	assert_int_equal(a.k0, b.k0);
	assert_int_equal(a.k1, b.k1);
	assert_int_equal(cookie_make(&a, 0x0a000001, 0x0a000002, 1, 2, 3),
			 cookie_make(&b, 0x0a000001, 0x0a000002, 1, 2, 3));
}

static void test_cookie_each_field_matters(void **state)
{
	cookie_key key;
	uint32_t base;

	(void)state;
	cookie_key_from_seed(&key, 99);
	base = cookie_make(&key, 0xc6120001, 0xc6130001, 50000, 80, 1);
	assert_int_not_equal(base, cookie_make(&key, 0xc6120002, 0xc6130001, 50000, 80, 1));
	assert_int_not_equal(base, cookie_make(&key, 0xc6120001, 0xc6130002, 50000, 80, 1));
	assert_int_not_equal(base, cookie_make(&key, 0xc6120001, 0xc6130001, 50001, 80, 1));
	assert_int_not_equal(base, cookie_make(&key, 0xc6120001, 0xc6130001, 50000, 81, 1));
	assert_int_not_equal(base, cookie_make(&key, 0xc6120001, 0xc6130001, 50000, 80, 2));
	/* swapping the two ends is a different flow */
	assert_int_not_equal(base, cookie_make(&key, 0xc6130001, 0xc6120001, 80, 50000, 1));
}

static void test_cookie_key_matters(void **state)
{
	cookie_key a, b;
	int same = 0;

	(void)state;
	cookie_key_from_seed(&a, 1);
	cookie_key_from_seed(&b, 2);
	assert_true(a.k0 != b.k0 || a.k1 != b.k1);
	/* a 32-bit cookie may collide by chance (2^-32); 100 must not all agree */
	for (uint32_t i = 0; i < 100; i++)
		same += cookie_make(&a, 0x0a000001, 0x0a000000 + i, 40000, 22, 0) ==
			cookie_make(&b, 0x0a000001, 0x0a000000 + i, 40000, 22, 0);
	assert_true(same < 2);
}

/* Low bits are used alone (ICMP id, UDP port): they must spread too. */
static void test_cookie_low_bits_spread(void **state)
{
	static uint8_t seen[256];
	cookie_key key;
	int distinct = 0;

	(void)state;
	cookie_key_from_seed(&key, 7);
	memset(seen, 0, sizeof(seen));
	for (uint32_t i = 0; i < 4096; i++)
		seen[cookie_make(&key, 0x0a000001, 0x0a000000 + i, 40000, 22, 0) & 0xff] = 1;
	for (size_t i = 0; i < ARRAY_SIZE(seen); i++)
		distinct += seen[i];
	assert_int_equal(distinct, 256);
}

static void test_cookie_key_random(void **state)
{
	cookie_key a, b;

	(void)state;
	assert_int_equal(cookie_key_random(&a), 0);
	assert_int_equal(cookie_key_random(&b), 0);
	assert_true(a.k0 != b.k0 || a.k1 != b.k1);
	assert_true(a.k0 != 0 || a.k1 != 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_siphash_vectors),
		cmocka_unit_test(test_siphash_unaligned),
		cmocka_unit_test(test_cookie_matches_record),
		cmocka_unit_test(test_cookie_deterministic),
		cmocka_unit_test(test_cookie_each_field_matters),
		cmocka_unit_test(test_cookie_key_matters),
		cmocka_unit_test(test_cookie_low_bits_spread),
		cmocka_unit_test(test_cookie_key_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
