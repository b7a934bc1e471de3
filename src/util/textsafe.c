#include "config.h"

/*
 * textsafe.c — replace what could drive a terminal by '?' (see textsafe.h).
 */

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/textsafe.h"
#include "util/compat.h"

/* Length of the valid UTF-8 sequence at p (2-4) for a lead byte >= 0x80,
 * or 0 when it is not one (stray continuation, overlong, surrogate, beyond
 * U+10FFFF, cut short). *cp gets the code point. */
static size_t utf8_seq(const unsigned char *p, size_t left, uint32_t *cp)
{
	size_t n;
	uint32_t c;

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

size_t textsafe_clean(char *s, size_t len, bool keep_lf)
{
	unsigned char *p = (unsigned char *)s;
	size_t changed = 0;

	for (size_t i = 0; i < len;) {
		uint32_t cp = 0;
		size_t n;

		if (p[i] < 0x80) {
			if ((p[i] < 0x20 && p[i] != '\t' && !(keep_lf && p[i] == '\n')) ||
			    p[i] == 0x7f) {
				p[i] = '?';
				changed++;
			}
			i++;
			continue;
		}
		n = utf8_seq(p + i, len - i, &cp);
		if (n == 0) {
			p[i++] = '?';
			changed++;
		} else if (cp <= 0x9f) {
			/* a C1 control: one '?' per byte keeps the length */
			memset(p + i, '?', n);
			changed += n;
			i += n;
		} else {
			i += n;
		}
	}
	return changed;
}

int textsafe_fputs(const char *s, FILE *f)
{
	char buf[512];
	size_t len = strlen(s);

	/* in pieces, never splitting a UTF-8 sequence between two of them */
	while (len > 0) {
		size_t n = NC_MIN(len, sizeof(buf));

		if (n < len)
			while (n > sizeof(buf) - 4 && ((unsigned char)s[n] & 0xc0) == 0x80)
				n--;
		memcpy(buf, s, n);
		textsafe_clean(buf, n, true);
		if (fwrite(buf, 1, n, f) != n)
			return EOF;
		s += n;
		len -= n;
	}
	return 0;
}
