/*
 * test_export.c — the CSV cell writer and the exporters' text cleaner,
 * on the inputs the inventory reader never produces (CR, LF inside a cell)
 * and on every kind of invalid UTF-8.
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

#include "export/csv.h"
#include "export/export.h"
#include "util/compat.h"
#include "util/err.h"

/* The bytes csv_write_row() writes for cells[0..n), in a malloc'ed string. */
static char *csv_row(const char *const *cells, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(csv_write_row(f, cells, n), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void check_row(const char *const *cells, size_t n, const char *want)
{
	char *got = csv_row(cells, n);

	assert_string_equal(got, want);
	free(got);
}

static void test_csv_quoting(void **state)
{
	const char *const plain[] = {"a", "b c", ""};
	const char *const meta[] = {"x,y", "say \"hi\"", "two\r\nlines", "lf\nonly", "cr\ronly"};
	const char *const nulls[] = {NULL, "z", NULL};

	(void)state;
	check_row(plain, ARRAY_SIZE(plain), "a,b c,\r\n");
	check_row(meta, ARRAY_SIZE(meta),
		  "\"x,y\",\"say \"\"hi\"\"\",\"two\r\nlines\",\"lf\nonly\",\"cr\ronly\"\r\n");
	check_row(nulls, ARRAY_SIZE(nulls), ",z,\r\n");
}

static void test_csv_formulas(void **state)
{
	const char *const cells[] = {"=1+1", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "-", "+"};
	const char *const numbers[] = {"-1", "+2", "-0.5", "12", "-1.", "-.5", "1-2"};

	(void)state;
	check_row(cells, ARRAY_SIZE(cells), "'=1+1,'+1+1,'-2+3,'@SUM(A1),'\tx,\"'\rx\",'-,'+\r\n");
	/* Plain numbers stay numbers; "-1." and "-.5" are not plain. */
	check_row(numbers, ARRAY_SIZE(numbers), "-1,+2,-0.5,12,'-1.,'-.5,1-2\r\n");
	assert_true(csv_cell_is_formula("=x"));
	assert_false(csv_cell_is_formula("x="));
	assert_false(csv_cell_is_formula(""));
	assert_false(csv_cell_is_formula(NULL));
}

static void test_csv_formula_quoted(void **state)
{
	const char *const cells[] = {"=HYPERLINK(\"http://x\",\"y\")"};

	(void)state;
	check_row(cells, 1, "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\r\n");
}

static void test_text_clean(void **state)
{
	export_buf b = {0};
	const char *s;

	(void)state;
	s = "plain ascii";
	assert_ptr_equal(export_text(&b, s), s); /* no copy */
	assert_string_equal(export_text(&b, NULL), "");
	assert_string_equal(export_text(&b, "caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80"),
			    "caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80");
	assert_string_equal(export_text(&b, "tab\tlf\ncr\r"), "tab\tlf\ncr\r");
	/* C0 controls and XML's forbidden characters. */
	assert_string_equal(export_text(&b, "a\x01z\x1f"), "a\xef\xbf\xbdz\xef\xbf\xbd");
	assert_string_equal(
	    export_text(&b, "\xef\xbf\xbe\xef\xbf\xbf"),
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	/* A lone high byte, a truncated sequence, a stray continuation byte. */
	assert_string_equal(export_text(&b, "x\xffy"), "x\xef\xbf\xbdy");
	assert_string_equal(export_text(&b, "x\xe6\x97"), "x\xef\xbf\xbd\xef\xbf\xbd");
	assert_string_equal(export_text(&b, "\x80"), "\xef\xbf\xbd");
	/* Overlong '/', a surrogate, past U+10FFFF. */
	assert_string_equal(export_text(&b, "\xc0\xaf"), "\xef\xbf\xbd\xef\xbf\xbd");
	assert_string_equal(export_text(&b, "\xe0\x80\xaf"),
			    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	assert_string_equal(export_text(&b, "\xed\xa0\x80"),
			    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	assert_string_equal(export_text(&b, "\xf4\x90\x80\x80"),
			    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	export_buf_free(&b);
}

static void test_csv_cleans_text(void **state)
{
	const char *const cells[] = {"a\x01"
				     "b",
				     "\xff"};

	(void)state;
	check_row(cells, ARRAY_SIZE(cells),
		  "a\xef\xbf\xbd"
		  "b,\xef\xbf\xbd\r\n");
}

static void test_what_and_formats(void **state)
{
	export_what w;

	(void)state;
	for (int i = 0; i < EXPORT_WHAT__COUNT; i++) {
		assert_int_equal(export_what_parse(export_what_name((export_what)i), &w), 0);
		assert_int_equal(w, i);
	}
	assert_int_equal(export_what_parse("facts", &w), NC_ERR_INVALID);
	assert_non_null(export_format_find("csv"));
	assert_non_null(export_format_find("xml"));
	assert_non_null(export_format_find("json"));
	assert_null(export_format_find("yaml"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_csv_quoting),	       cmocka_unit_test(test_csv_formulas),
	    cmocka_unit_test(test_csv_formula_quoted), cmocka_unit_test(test_text_clean),
	    cmocka_unit_test(test_csv_cleans_text),    cmocka_unit_test(test_what_and_formats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
