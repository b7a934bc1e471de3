#include "config.h"

/*
 * test_diff.c — the pure pieces of the diff engine: package version order
 * (dpkg's rules: epoch, upstream, revision; '~' first, letters before other
 * characters, digit runs as numbers), the cleaning that makes any bytes
 * safe for a terminal, JSON and XML, and the --ignore field list.  The
 * comparison of whole scans is tested through the command in
 * tests/cli/diff.test.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "inventory/diff.h"
#include "util/compat.h"
#include "util/err.h"

/* a < b, and the comparison is antisymmetric */
static void assert_less(const char *a, const char *b)
{
	if (diff_version_compare(a, b) >= 0 || diff_version_compare(b, a) <= 0)
		fail_msg("expected %s < %s", a, b);
}

static void assert_same(const char *a, const char *b)
{
	if (diff_version_compare(a, b) != 0 || diff_version_compare(b, a) != 0)
		fail_msg("expected %s == %s", a, b);
}

static void test_version_numeric(void **state)
{
	assert_less("1.2", "1.10");
	assert_less("1.9.9", "1.10");
	assert_less("2", "10");
	assert_less("1.0", "1.0.1");
	assert_same("1.007", "1.7");
	assert_same("1.0", "1.0");
	assert_less("99999999999999999999", "100000000000000000000"); /* no overflow */
	assert_same("", NULL);
	assert_less(NULL, "0.1");
}

static void test_version_tilde_and_letters(void **state)
{
	assert_less("1.0~rc1", "1.0");
	assert_less("1.0~rc1", "1.0~rc2");
	assert_less("1.0~~", "1.0~");
	assert_less("1.0", "1.0a");
	assert_less("1.0a", "1.0+b1"); /* letters before other characters */
	assert_less("1.0", "1.0+b1");
	assert_less("3.0.11-1~deb12u1", "3.0.11-1~deb12u2");
	assert_less("3.0.11-1~deb12u2", "3.0.11-1");
	assert_less("115.5.0esr-1", "115.6.0esr-1");
}

static void test_version_epoch_revision(void **state)
{
	assert_less("9.9-9", "1:0.1-1");
	assert_less("1:5.38.0-1", "2:5.36.0-7");
	assert_less("5.38.0-1", "1:5.36.0-7");
	assert_same("0:1.2-3", "1.2-3");
	assert_less("1.2-3", "1.2-10");
	assert_less("1.2-3", "1.2-3.1");
	/* the revision is after the last hyphen */
	assert_less("1.2-beta-2", "1.2-beta-10");
	/* a colon after a non-number is part of the version, not an epoch */
	assert_less("a:1", "b:0");
	/* rpm-style release with a dist tag */
	assert_less("2.4.57-5.el9", "2.4.57-8.el9");
}

static void expect_clean(const char *in, size_t n, const char *want)
{
	char *got = diff_clean(in, n);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_clean(void **state)
{
	expect_clean("plain <&> text", 14, "plain <&> text");
	expect_clean("caf\xc3\xa9", 5, "caf\xc3\xa9");
	expect_clean("\xe2\x82\xac 5", 5, "\xe2\x82\xac 5");	 /* U+20AC */
	expect_clean("\xf0\x9f\x98\x80", 4, "\xf0\x9f\x98\x80"); /* U+1F600 */
	expect_clean("a\x1b[31mb\x07\x7f", 9, "a?[31mb??");	 /* ESC, BEL, DEL */
	expect_clean("tab\tnl\n", 7, "tab?nl?");
	expect_clean("\xc2\x9b", 2, "?");		   /* C1 CSI */
	expect_clean("\xc0\xbc", 2, "??");		   /* overlong '<' */
	expect_clean("\xe0\x80\xbc", 3, "?");		   /* overlong, 3 bytes */
	expect_clean("\xed\xa0\x80", 3, "?");		   /* surrogate */
	expect_clean("\xef\xbf\xbe\xef\xbf\xbf", 6, "??"); /* U+FFFE, U+FFFF */
	expect_clean("\xf4\x90\x80\x80", 4, "?");	   /* > U+10FFFF */
	expect_clean("\xff\xfe", 2, "??");
	expect_clean("\xc3", 1, "?");	     /* truncated */
	expect_clean("\xe2\x82x", 3, "??x"); /* bad continuation */
	expect_clean("a\0b", 3, "a?b");
	expect_clean("", 0, "");
}

static void test_ignore(void **state)
{
	diff_options opt = {0};

	assert_int_equal(diff_parse_ignore(&opt, "ttl,uptime"), 0);
	assert_true(opt.ignore[DIFF_F_TTL]);
	assert_true(opt.ignore[DIFF_F_UPTIME]);
	assert_false(opt.ignore[DIFF_F_ADDRESS]);

	memset(&opt, 0, sizeof(opt));
	assert_int_equal(diff_parse_ignore(&opt, "os,hardware,ports,"), 0);
	assert_true(opt.ignore[DIFF_F_OS_NAME]);
	assert_true(opt.ignore[DIFF_F_OS_VERSION]);
	assert_true(opt.ignore[DIFF_F_OS_BUILD]);
	assert_false(opt.ignore[DIFF_F_DEVICE_TYPE]);
	assert_true(opt.ignore[DIFF_F_CPU]);
	assert_true(opt.ignore[DIFF_F_STORAGE]);
	assert_true(opt.ignore[DIFF_F_HARDWARE]);
	assert_true(opt.ignore[DIFF_F_PORT]);
	assert_true(opt.ignore[DIFF_F_SERVICE]);
	assert_false(opt.ignore[DIFF_F_SOFTWARE]);

	memset(&opt, 0, sizeof(opt));
	nc_clear_error();
	assert_int_equal(diff_parse_ignore(&opt, "ttl,osname"), NC_ERR_INVALID);
	assert_non_null(strstr(nc_errmsg(NC_ERR_INVALID), "'osname'"));
	/* a prefix of a field is not the field */
	assert_int_equal(diff_parse_ignore(&opt, "os.nam"), NC_ERR_INVALID);

	/* every field's name is accepted */
	for (int f = 0; f < DIFF_F__COUNT; f++) {
		memset(&opt, 0, sizeof(opt));
		assert_int_equal(diff_parse_ignore(&opt, diff_field_name(f)), 0);
		assert_true(opt.ignore[f]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_version_numeric),
	    cmocka_unit_test(test_version_tilde_and_letters),
	    cmocka_unit_test(test_version_epoch_revision),
	    cmocka_unit_test(test_clean),
	    cmocka_unit_test(test_ignore),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
