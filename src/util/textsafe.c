#include "config.h"

/*
 * textsafe.c — replace what could drive a terminal by '?' (see textsafe.h).
 */

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/textsafe.h"
#include "util/utf8.h"
#include "util/compat.h"

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
