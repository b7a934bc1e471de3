/*
 * test_textsafe.c — what may reach a terminal: C0 (but TAB, and LF when
 * asked), DEL, C1 and bytes outside valid UTF-8 become '?', one per byte;
 * printable ASCII and valid UTF-8 stay byte for byte.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/textsafe.h"
#include "util/compat.h"

/* clean a copy of in (len bytes) and compare with want (same length) */
static void check(const char *in, size_t len, bool keep_lf, const char *want, size_t changed)
{
	char *buf = malloc(len + 1);

	assert_non_null(buf);
	memcpy(buf, in, len);
	buf[len] = '\0';
	assert_int_equal(textsafe_clean(buf, len, keep_lf), changed);
	assert_memory_equal(buf, want, len);
	free(buf);
}

static void test_plain_kept(void **state)
{
	static const char s[] = "'); DROP TABLE hosts;-- =HYPERLINK(\"x\") <a>&amp; %s%n \t";

	(void)state;
	check(s, sizeof(s) - 1, false, s, 0);
}

static void test_c0_del(void **state)
{
	(void)state;
	check("a\x1b[31mb\x07\x7f\r\n", 10, false, "a?[31mb????", 4);
	check("a\nb\rc", 5, true, "a\nb?c", 1);
	check("x\0y", 3, false, "x?y", 1);
}

static void test_utf8(void **state)
{
	static const char ok[] = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xef\xbf\xbd";

	(void)state;
	check(ok, sizeof(ok) - 1, false, ok, 0);
	/* C1: CSI as U+009B, NEL as U+0085 */
	check("a\xc2\x9b" "2Jb\xc2\x85", 8, false, "a??2Jb??", 4);
	/* U+00A0 is the first code point after C1: kept */
	check("\xc2\xa0", 2, false, "\xc2\xa0", 0);
	/* stray continuation, bad lead, cut sequence, overlong, surrogate */
	check("\x80\xff", 2, false, "??", 2);
	check("\xc3\x28", 2, false, "?(", 1);
	check("ab\xe2\x82", 4, false, "ab??", 2);
	check("\xc0\xaf", 2, false, "??", 2);
	check("\xed\xa0\x80", 3, false, "???", 3);
	check("\xf4\x90\x80\x80", 4, false, "????", 4);
}

static void test_fputs(void **state)
{
	char big[2000], out[2100];
	FILE *f;
	size_t n;

	(void)state;
	/* a multibyte sequence straddling the 512-byte pieces stays whole */
	memset(big, 'a', sizeof(big));
	for (size_t i = 509; i + 2 < sizeof(big) - 1; i += 3)
		memcpy(big + i, "\xe2\x82\xac", 3);
	big[sizeof(big) - 1] = '\0';
	big[100] = '\x1b';
	f = fmemopen(out, sizeof(out), "w");
	assert_non_null(f);
	assert_int_equal(textsafe_fputs(big, f), 0);
	n = (size_t)ftell(f);
	fclose(f);
	assert_int_equal(n, strlen(big));
	big[100] = '?';
	assert_memory_equal(out, big, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_kept),
		cmocka_unit_test(test_c0_del),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_fputs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
