/*
 * test_ports.c — port list parsing and formatting.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "scanner/ports.h"
#include "util/err.h"

static void test_ports_basic(void **state)
{
	port_list pl;
	char buf[128];

	(void)state;
	assert_int_equal(ports_parse("443,22,80,8000-8003,22", &pl), 0);
	assert_int_equal(pl.n, 7);
	assert_int_equal(pl.ports[0], 22);
	assert_int_equal(pl.ports[6], 8003);
	assert_string_equal(ports_format(&pl, buf, sizeof(buf)), "22,80,443,8000-8003");
	ports_free(&pl);
}

static void test_ports_edges(void **state)
{
	port_list pl;

	(void)state;
	assert_int_equal(ports_parse("1-65535", &pl), 0);
	assert_int_equal(pl.n, 65535);
	ports_free(&pl);
	assert_int_equal(ports_parse("65535", &pl), 0);
	assert_int_equal(pl.n, 1);
	ports_free(&pl);
}

static void test_ports_errors(void **state)
{
	static const char *bad[] = { "", "0", "65536", "80-70", "a", "22,,80", "22,", "-5", "5-",
				     "123456" };
	port_list pl;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		nc_clear_error();
		assert_int_equal(ports_parse(bad[i], &pl), NC_ERR_INVALID);
		assert_null(pl.ports);
	}
	ports_parse("80-70", &pl);
	assert_non_null(strstr(nc_errmsg(NC_ERR_INVALID), "runs backwards"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ports_basic),
		cmocka_unit_test(test_ports_edges),
		cmocka_unit_test(test_ports_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
