/*
 * cookie.c — SipHash-2-4 and the per-flow cookies built on it.
 *
 * The receiver keeps no table of what was sent; it trusts a reply only when
 * the field the target had to echo carries the keyed hash of the reply's
 * flow.  SipHash is a PRF designed for short inputs: without the per-scan
 * key nobody can forge a cookie, and with it one costs a few dozen
 * nanoseconds.  Written from the description in Aumasson and Bernstein,
 * "SipHash: a fast short-input PRF" (2012), and checked against the
 * paper's test vectors in tests/unit/test_cookie.c.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>

#include "scanner/cookie.h"
#include "util/err.h"

#define ROTL64(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

struct sip_state {
	uint64_t v0, v1, v2, v3;
};

static inline void sip_round(struct sip_state *s)
{
	s->v0 += s->v1;
	s->v1 = ROTL64(s->v1, 13);
	s->v1 ^= s->v0;
	s->v0 = ROTL64(s->v0, 32);
	s->v2 += s->v3;
	s->v3 = ROTL64(s->v3, 16);
	s->v3 ^= s->v2;
	s->v0 += s->v3;
	s->v3 = ROTL64(s->v3, 21);
	s->v3 ^= s->v0;
	s->v2 += s->v1;
	s->v1 = ROTL64(s->v1, 17);
	s->v1 ^= s->v2;
	s->v2 = ROTL64(s->v2, 32);
}

static inline void sip_init(struct sip_state *s, const cookie_key *key)
{
	/* "somepseudorandomlygeneratedbytes" */
	s->v0 = key->k0 ^ 0x736f6d6570736575ULL;
	s->v1 = key->k1 ^ 0x646f72616e646f6dULL;
	s->v2 = key->k0 ^ 0x6c7967656e657261ULL;
	s->v3 = key->k1 ^ 0x7465646279746573ULL;
}

/* Two compression rounds per 8-byte word. */
static inline void sip_compress(struct sip_state *s, uint64_t m)
{
	s->v3 ^= m;
	sip_round(s);
	sip_round(s);
	s->v0 ^= m;
}

/* Four finalisation rounds. */
static inline uint64_t sip_finish(struct sip_state *s)
{
	s->v2 ^= 0xff;
	sip_round(s);
	sip_round(s);
	sip_round(s);
	sip_round(s);
	return s->v0 ^ s->v1 ^ s->v2 ^ s->v3;
}

/* Little-endian load whatever the host order; compilers make this one mov. */
static inline uint64_t load_le64(const uint8_t *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	       (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
	       (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

uint64_t siphash24(const cookie_key *key, const void *data, size_t len)
{
	const uint8_t *in = data;
	const uint8_t *end = in + (len & ~(size_t)7);
	struct sip_state s;
	uint64_t last = (uint64_t)(len & 0xff) << 56;

	sip_init(&s, key);
	for (; in != end; in += 8)
		sip_compress(&s, load_le64(in));
	/* the 0-7 remaining bytes, little-endian, under the length byte */
	for (size_t i = 0; i < (len & 7); i++)
		last |= (uint64_t)in[i] << (8 * i);
	sip_compress(&s, last);
	return sip_finish(&s);
}

/*
 * A cookie is computed in two steps so that the sender, which sends several
 * probes to each target, pays for SipHash once per target:
 *   flow   = SipHash-2-4(key, our_ip(4 LE) their_ip(4 LE))
 *   cookie = fold(mix(flow + ports_and_tag * golden ^ k1))
 * The mix is the murmur3 64-bit finaliser: a bijection that spreads every
 * input bit over the output, so cookies of one flow look unrelated.
 */
uint64_t cookie_flow(const cookie_key *key, uint32_t our_ip, uint32_t their_ip)
{
	struct sip_state s;

	sip_init(&s, key);
	sip_compress(&s, (uint64_t)our_ip | (uint64_t)their_ip << 32);
	sip_compress(&s, (uint64_t)8 << 56);
	return sip_finish(&s);
}

uint32_t cookie_derive(const cookie_key *key, uint64_t flow, uint16_t our_port,
		       uint16_t their_port, uint8_t tag)
{
	uint64_t x = (uint64_t)our_port | (uint64_t)their_port << 16 | (uint64_t)tag << 32;

	x = flow + x * 0x9e3779b97f4a7c15ULL;
	x ^= key->k1;
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return (uint32_t)(x ^ (x >> 32));
}

uint32_t cookie_make(const cookie_key *key, uint32_t our_ip, uint32_t their_ip,
		     uint16_t our_port, uint16_t their_port, uint8_t tag)
{
	return cookie_derive(key, cookie_flow(key, our_ip, their_ip), our_port, their_port, tag);
}

/* splitmix64: expands one seed into unrelated words, nearby seeds included. */
static uint64_t splitmix64_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void cookie_key_from_seed(cookie_key *key, uint64_t seed)
{
	uint64_t state = seed;

	key->k0 = splitmix64_next(&state);
	key->k1 = splitmix64_next(&state);
}

int cookie_key_random(cookie_key *key)
{
	uint8_t buf[16];
	size_t got = 0;

	while (got < sizeof(buf)) {
		ssize_t n = getrandom(buf + got, sizeof(buf) - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return nc_fail(NC_ERR_SYS, "cannot get a random cookie key: getrandom: %s",
				       strerror(errno));
		}
		got += (size_t)n;
	}
	key->k0 = load_le64(buf);
	key->k1 = load_le64(buf + 8);
	/* the key is a secret of this scan: do not leave a copy on the stack */
	explicit_bzero(buf, sizeof(buf));
	return 0;
}
