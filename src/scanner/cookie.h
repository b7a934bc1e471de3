/*
 * cookie.h — stateless reply validation.
 *
 * Every probe carries a keyed hash of its flow (SipHash-2-4 keyed with a
 * per-scan random key) in a field the target must echo: the TCP sequence
 * number, the ICMP id and sequence, the UDP source port.  The receiver
 * recomputes the hash from the reply's addresses and ports; a mismatch is
 * noise (another scan, a stray packet, a spoofed reply), not a host.
 */
#ifndef NC_SCANNER_COOKIE_H
#define NC_SCANNER_COOKIE_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
	uint64_t k0, k1;
} cookie_key;

/* Key from a seed (tests, --seed) */
void cookie_key_from_seed(cookie_key *key, uint64_t seed);
/* Key from the system's random source (getrandom); 0 or NC_ERR_SYS. */
int cookie_key_random(cookie_key *key);

/*
 * The 32-bit cookie of a flow. Addresses in host byte order, as seen from
 * the scanner: our_ip/our_port are ours, their_ip/their_port the target's.
 * tag separates probe kinds that would otherwise share a flow (SYN vs ACK
 * probe to port 80, echo vs timestamp).
 */
uint32_t cookie_make(const cookie_key *key, uint32_t our_ip, uint32_t their_ip,
		     uint16_t our_port, uint16_t their_port, uint8_t tag);

/*
 * The same in two steps, for a sender that sends many probes to one target:
 * cookie_make(k, a, b, p, q, t) == cookie_derive(k, cookie_flow(k, a, b), p, q, t).
 * cookie_flow is SipHash-2-4 of our_ip, their_ip (4 bytes each, little-endian).
 */
uint64_t cookie_flow(const cookie_key *key, uint32_t our_ip, uint32_t their_ip);
uint32_t cookie_derive(const cookie_key *key, uint64_t flow, uint16_t our_port,
		       uint16_t their_port, uint8_t tag);

/* SipHash-2-4 of a byte string (exposed for the tests' reference vectors). */
uint64_t siphash24(const cookie_key *key, const void *data, size_t len);

#endif
