/*
 * utf8.h — decoding one UTF-8 sequence, strictly: the one decoder that the
 * fact cleaner (fingerprint/facts.c) and the terminal cleaner
 * (util/textsafe.c) share, so that what is stored and what is printed agree
 * on which bytes are text.
 */
#ifndef NC_UTIL_UTF8_H
#define NC_UTIL_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * The length (1-4) of the valid UTF-8 sequence at p, which has `left` >= 1
 * bytes, and its code point in *cp; 0 when p does not start one (a stray
 * continuation byte, an overlong form, a surrogate, beyond U+10FFFF or cut
 * short), *cp then unset. An ASCII byte is a sequence of 1.
 */
static inline size_t utf8_seq(const unsigned char *p, size_t left, uint32_t *cp)
{
	size_t n;
	uint32_t c;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if ((p[0] & 0xe0) == 0xc0) {
		n = 2;
		c = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 3;
		c = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		n = 4;
		c = p[0] & 0x07;
	} else {
		return 0;
	}
	if (n > left)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if ((n == 2 && c < 0x80) || (n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return n;
}

#endif
