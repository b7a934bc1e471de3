#include "config.h"

/*
 * test_snmp.c — the pure helpers of SNMP collection (snmp_util.c): what
 * agents send is decoded here, so every decoder gets truncated, lying and
 * out-of-range input, and the hrSWInstalledTable rows captured from a real
 * net-snmp agent (tests/data/snmp/).
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fingerprint/snmp_util.h"
#include "util/compat.h"

#ifndef NC_TEST_DATA
#error "NC_TEST_DATA must name the tests/data directory"
#endif

/* ------------------------------------------------------------ DateAndTime */

static void test_date_and_time_valid(void **state)
{
	/* 2025-06-24 14:37:46.0 +00:00, as net-snmp sends dpkg dates */
	static const uint8_t d11[] = {0x07, 0xe9, 6, 24, 14, 37, 46, 0, '+', 0, 0};
	/* the 8-octet form has no zone */
	static const uint8_t d8[] = {0x07, 0xd0, 2, 29, 23, 59, 59, 9};
	/* a leap second is clamped, west of UTC is fine */
	static const uint8_t leap[] = {0x07, 0xdf, 6, 30, 23, 59, 60, 0, '-', 5, 30};
	char out[24];

	(void)state;
	assert_true(snmp_date_and_time(d11, sizeof(d11), out, sizeof(out)));
	assert_string_equal(out, "2025-06-24T14:37:46");
	assert_true(snmp_date_and_time(d8, sizeof(d8), out, sizeof(out)));
	assert_string_equal(out, "2000-02-29T23:59:59");
	assert_true(snmp_date_and_time(leap, sizeof(leap), out, sizeof(out)));
	assert_string_equal(out, "2015-06-30T23:59:59");
}

static void test_date_and_time_lengths(void **state)
{
	static const uint8_t d[16] = {0x07, 0xe9, 6, 24, 14, 37, 46, 0, '+', 0, 0, 1, 2, 3, 4, 5};
	char out[24];

	(void)state;
	/* only 8 and 11 octets are DateAndTime; anything else is a lie */
	for (size_t len = 0; len <= sizeof(d); len++) {
		bool ok = snmp_date_and_time(d, len, out, sizeof(out));

		if (len == 8 || len == 11)
			assert_true(ok);
		else {
			assert_false(ok);
			assert_string_equal(out, "");
		}
	}
	assert_false(snmp_date_and_time(NULL, 8, out, sizeof(out)));
	/* too small an output buffer is refused, not truncated */
	assert_false(snmp_date_and_time(d, 8, out, 19));
}

static void test_date_and_time_ranges(void **state)
{
	static const struct {
		uint8_t b[11];
		const char *why;
	} bad[] = {
	    {{0, 0, 1, 1, 0, 0, 0, 0, '+', 0, 0}, "year 0 (unknown date)"},
	    {{0x07, 0xe9, 0, 1, 0, 0, 0, 0, '+', 0, 0}, "month 0"},
	    {{0x07, 0xe9, 13, 1, 0, 0, 0, 0, '+', 0, 0}, "month 13"},
	    {{0x07, 0xe9, 1, 0, 0, 0, 0, 0, '+', 0, 0}, "day 0"},
	    {{0x07, 0xe9, 1, 32, 0, 0, 0, 0, '+', 0, 0}, "day 32"},
	    {{0x07, 0xe9, 1, 1, 24, 0, 0, 0, '+', 0, 0}, "hour 24"},
	    {{0x07, 0xe9, 1, 1, 0, 60, 0, 0, '+', 0, 0}, "minute 60"},
	    {{0x07, 0xe9, 1, 1, 0, 0, 61, 0, '+', 0, 0}, "second 61"},
	    {{0x07, 0xe9, 1, 1, 0, 0, 0, 10, '+', 0, 0}, "deci-seconds 10"},
	    {{0x07, 0xe9, 1, 1, 0, 0, 0, 0, 'x', 0, 0}, "zone direction"},
	    {{0x07, 0xe9, 1, 1, 0, 0, 0, 0, '+', 15, 0}, "zone hours 15"},
	    {{0x07, 0xe9, 1, 1, 0, 0, 0, 0, '-', 0, 60}, "zone minutes 60"},
	    {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, "all ones"},
	};
	char out[24];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (snmp_date_and_time(bad[i].b, 11, out, sizeof(out)))
			fail_msg("accepted a DateAndTime with a bad %s: %s", bad[i].why, out);
}

/* ------------------------------------------------------------------ OIDs */

static void test_oid_order(void **state)
{
	static const snmp_subid a[] = {1, 3, 6, 1, 2, 1, 25, 6, 3, 1, 2, 7};
	static const snmp_subid b[] = {1, 3, 6, 1, 2, 1, 25, 6, 3, 1, 2, 8};
	static const snmp_subid prefix[] = {1, 3, 6, 1, 2, 1, 25, 6, 3, 1, 2};
	static const snmp_subid big[] = {1, 3, 6, 1, 2, 1, 25, 6, 3, 1, 2, 4294967295ul};
	static const snmp_subid other[] = {1, 3, 6, 1, 2, 1, 25, 6, 3, 1, 3, 1};

	(void)state;
	assert_int_equal(snmp_oid_cmp(a, ARRAY_SIZE(a), b, ARRAY_SIZE(b)), -1);
	assert_int_equal(snmp_oid_cmp(b, ARRAY_SIZE(b), a, ARRAY_SIZE(a)), 1);
	assert_int_equal(snmp_oid_cmp(a, ARRAY_SIZE(a), a, ARRAY_SIZE(a)), 0);
	/* a prefix sorts before everything under it */
	assert_int_equal(snmp_oid_cmp(prefix, ARRAY_SIZE(prefix), a, ARRAY_SIZE(a)), -1);
	assert_true(snmp_oid_increases(a, ARRAY_SIZE(a), b, ARRAY_SIZE(b)));
	assert_true(snmp_oid_increases(prefix, ARRAY_SIZE(prefix), a, ARRAY_SIZE(a)));
	assert_true(snmp_oid_increases(a, ARRAY_SIZE(a), big, ARRAY_SIZE(big)));
	/* the loop an agent could make: the same OID again, or going back */
	assert_false(snmp_oid_increases(a, ARRAY_SIZE(a), a, ARRAY_SIZE(a)));
	assert_false(snmp_oid_increases(b, ARRAY_SIZE(b), a, ARRAY_SIZE(a)));
	assert_false(snmp_oid_increases(a, ARRAY_SIZE(a), prefix, ARRAY_SIZE(prefix)));
	/* sub-identifiers compare as numbers, not bytes */
	assert_true(snmp_oid_increases(b, ARRAY_SIZE(b), big, ARRAY_SIZE(big)));

	assert_true(snmp_oid_under(prefix, ARRAY_SIZE(prefix), a, ARRAY_SIZE(a)));
	assert_false(snmp_oid_under(prefix, ARRAY_SIZE(prefix), prefix, ARRAY_SIZE(prefix)));
	assert_false(snmp_oid_under(prefix, ARRAY_SIZE(prefix), other, ARRAY_SIZE(other)));
	assert_false(snmp_oid_under(a, ARRAY_SIZE(a), prefix, ARRAY_SIZE(prefix)));
}

static void test_oid_format(void **state)
{
	static const snmp_subid o[] = {1, 3, 6, 1, 4, 1, 8072, 3, 2, 10};
	char buf[64], small[12];

	(void)state;
	assert_string_equal(snmp_oid_format(o, ARRAY_SIZE(o), buf, sizeof(buf)),
			    "1.3.6.1.4.1.8072.3.2.10");
	assert_string_equal(snmp_oid_format(o, 0, buf, sizeof(buf)), "");
	/* truncation never leaves half a sub-identifier */
	assert_string_equal(snmp_oid_format(o, ARRAY_SIZE(o), small, sizeof(small)), "1.3.6.1.4.1");
}

/* ------------------------------------------------------- MACs, hex, IPs */

static void test_format_mac(void **state)
{
	static const uint8_t mac[] = {0x02, 0x00, 0xc6, 0x12, 0x08, 0x02};
	static const uint8_t zero[6] = {0};
	static const uint8_t fw[8] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77};
	uint8_t huge[21];
	char buf[64];

	(void)state;
	memset(huge, 0xab, sizeof(huge));
	assert_string_equal(snmp_format_mac(mac, sizeof(mac), buf, sizeof(buf)),
			    "02:00:c6:12:08:02");
	/* IEEE 1394 and other link layers have longer addresses */
	assert_string_equal(snmp_format_mac(fw, sizeof(fw), buf, sizeof(buf)),
			    "00:11:22:33:44:55:66:77");
	/* loopback and tunnels: no address, or zeros */
	assert_null(snmp_format_mac(mac, 0, buf, sizeof(buf)));
	assert_null(snmp_format_mac(zero, sizeof(zero), buf, sizeof(buf)));
	assert_null(snmp_format_mac(NULL, 6, buf, sizeof(buf)));
	/* a lying length is not believed */
	assert_null(snmp_format_mac(huge, sizeof(huge), buf, sizeof(buf)));
	/* nor is a buffer too small for it */
	assert_null(snmp_format_mac(mac, sizeof(mac), buf, 17));
	assert_non_null(snmp_format_mac(mac, sizeof(mac), buf, 18));
}

static void test_format_hex(void **state)
{
	static const uint8_t eid[] = {0x80, 0x00, 0x1f, 0x88, 0x04, 'n', 'c'};
	char buf[32], small[5];

	(void)state;
	assert_string_equal(snmp_format_hex(eid, sizeof(eid), buf, sizeof(buf)), "80001f88046e63");
	assert_string_equal(snmp_format_hex(eid, 0, buf, sizeof(buf)), "");
	assert_string_equal(snmp_format_hex(eid, sizeof(eid), small, sizeof(small)), "8000");
}

static void test_inet_index(void **state)
{
	static const snmp_subid v4[] = {1, 4, 198, 18, 8, 2};
	static const snmp_subid v6[] = {2, 16, 0xfe, 0x80, 0, 0, 0, 0, 0,
					0, 0,  0,    0,	   0, 0, 0, 0, 1};
	static const snmp_subid v4z[] = {3, 8, 198, 18, 8, 2, 0, 0, 0, 3};
	static const snmp_subid v4_lies[] = {1, 16, 198, 18, 8, 2};
	static const snmp_subid v4_short[] = {1, 4, 198, 18, 8};
	static const snmp_subid v4_long[] = {1, 4, 198, 18, 8, 2, 7};
	static const snmp_subid v4_octet[] = {1, 4, 198, 18, 8, 256};
	static const snmp_subid unknown[] = {16, 4, 198, 18, 8, 2};
	char buf[64];

	(void)state;
	assert_true(snmp_inet_index(v4, ARRAY_SIZE(v4), buf, sizeof(buf)));
	assert_string_equal(buf, "198.18.8.2");
	assert_true(snmp_inet_index(v6, ARRAY_SIZE(v6), buf, sizeof(buf)));
	assert_string_equal(buf, "fe80::1");
	assert_true(snmp_inet_index(v4z, ARRAY_SIZE(v4z), buf, sizeof(buf)));
	assert_string_equal(buf, "198.18.8.2");
	assert_false(snmp_inet_index(v4_lies, ARRAY_SIZE(v4_lies), buf, sizeof(buf)));
	assert_false(snmp_inet_index(v4_short, ARRAY_SIZE(v4_short), buf, sizeof(buf)));
	assert_false(snmp_inet_index(v4_long, ARRAY_SIZE(v4_long), buf, sizeof(buf)));
	assert_false(snmp_inet_index(v4_octet, ARRAY_SIZE(v4_octet), buf, sizeof(buf)));
	assert_false(snmp_inet_index(unknown, ARRAY_SIZE(unknown), buf, sizeof(buf)));
	assert_false(snmp_inet_index(v4, 1, buf, sizeof(buf)));
	assert_false(snmp_inet_index(v4, ARRAY_SIZE(v4), buf, 8));
}

static void test_prefixes(void **state)
{
	/* ipAddressPrefixOrigin.2.ipv4.4.198.18.8.0.24 */
	static const snmp_subid ptr[] = {1, 3, 6, 1, 2, 1, 4, 32, 1, 5, 2, 1, 4, 198, 18, 8, 0, 24};
	static const snmp_subid zero[] = {0, 0};
	static const snmp_subid bad[] = {1, 3, 6, 129};

	(void)state;
	assert_int_equal(snmp_prefix_from_pointer(ptr, ARRAY_SIZE(ptr)), 24);
	assert_int_equal(snmp_prefix_from_pointer(zero, ARRAY_SIZE(zero)), -1);
	assert_int_equal(snmp_prefix_from_pointer(bad, ARRAY_SIZE(bad)), -1);
	assert_int_equal(snmp_prefix_from_pointer(NULL, 0), -1);

	assert_int_equal(snmp_mask_bits(0xffffff00u), 24);
	assert_int_equal(snmp_mask_bits(0xffffffffu), 32);
	assert_int_equal(snmp_mask_bits(0), 0);
	assert_int_equal(snmp_mask_bits(0xfffe0000u), 15);
	assert_int_equal(snmp_mask_bits(0xff00ff00u), -1);
	assert_int_equal(snmp_mask_bits(0x00ffffffu), -1);
}

/* ---------------------------------------------------------- package names */

static void check_split(const char *in, const char *name, const char *version)
{
	char *n = NULL, *v = NULL;

	assert_int_equal(snmp_split_package(in, &n, &v), 0);
	if (strcmp(n, name) != 0 || (version == NULL) != (v == NULL) ||
	    (version != NULL && strcmp(v, version) != 0))
		fail_msg("split '%s': got '%s' / '%s', expected '%s' / '%s'", in, n,
			 v ? v : "(null)", name, version ? version : "(null)");
	free(n);
	free(v);
}

static void test_split_package(void **state)
{
	(void)state;
	/* Debian, as net-snmp reports dpkg */
	check_split("adduser_3.134_all", "adduser", "3.134");
	check_split("bsdutils_1:2.38.1-5+deb12u3_amd64", "bsdutils", "1:2.38.1-5+deb12u3");
	check_split("g++-12_12.2.0-14+deb12u1_amd64", "g++-12", "12.2.0-14+deb12u1");
	/* rpm name-version-release */
	check_split("bash-5.1.8-6.el9", "bash", "5.1.8-6.el9");
	check_split("perl-Net-SNMP-6.0.1-31.el9", "perl-Net-SNMP", "6.0.1-31.el9");
	/* kept whole: Windows display names, anything not clearly split */
	check_split("7-Zip 19.00 (x64)", "7-Zip 19.00 (x64)", NULL);
	check_split("Microsoft Visual C++ 2019 X64 Minimum Runtime - 14.29.30133",
		    "Microsoft Visual C++ 2019 X64 Minimum Runtime - 14.29.30133", NULL);
	check_split("openssl", "openssl", NULL);
	check_split("foo-bar", "foo-bar", NULL);
	check_split("foo-1.0", "foo-1.0", NULL);
	check_split("a_b", "a_b", NULL);
	check_split("a_b_c_d", "a_b_c_d", NULL);
	check_split("Foo_1.0_amd64", "Foo_1.0_amd64", NULL); /* not a Debian name */
	check_split("foo_bar_amd64", "foo_bar_amd64", NULL); /* version must start with a digit */
	check_split("_1.0_all", "_1.0_all", NULL);
	check_split("foo_1.0_", "foo_1.0_", NULL);
	check_split("-1-2", "-1-2", NULL);
	check_split("", "", NULL);
}

/* The rows a real agent sent (tests/data/snmp/hrswinstalled-dpkg.txt). */
static void test_captured_hrswinstalled(void **state)
{
	static const struct {
		unsigned index;
		const char *name, *version, *date;
	} want[] = {
	    {1, "adduser", "3.134", "2025-05-20T00:00:00"},
	    {2, "adwaita-icon-theme", "43-1", "2025-06-24T14:37:46"},
	    {11, "attr", "1:2.5.1-4", "2026-11-22T00:13:51"},
	    {13, "automake", "1:1.16.5-1.3", "2026-11-21T23:27:49"},
	    {25, "bsdutils", "1:2.38.1-5+deb12u3", "2025-05-20T00:00:00"},
	    {100, "g++-12", "12.2.0-14+deb12u1", "2025-06-24T14:42:12"},
	    {200, "libbinutils", "2.40-2", "2025-06-24T14:42:06"},
	    {500, "libopengl-dev", "1.6.0-1", "2026-05-20T16:49:13"},
	};
	FILE *f = fopen(NC_TEST_DATA "/snmp/hrswinstalled-dpkg.txt", "r");
	char line[512];
	size_t seen = 0;

	(void)state;
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		char *tab1, *tab2, *p, *n = NULL, *v = NULL, out[24];
		uint8_t octets[32];
		size_t len = 0;
		unsigned idx;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		line[strcspn(line, "\n")] = '\0';
		tab1 = strchr(line, '\t');
		assert_non_null(tab1);
		tab2 = strchr(tab1 + 1, '\t');
		assert_non_null(tab2);
		*tab1 = *tab2 = '\0';
		idx = (unsigned)strtoul(line, NULL, 10);
		for (p = tab2 + 1; *p != '\0' && len < sizeof(octets);) {
			char *end;

			octets[len++] = (uint8_t)strtoul(p, &end, 16);
			if (end == p)
				fail_msg("bad hex in row %u", idx);
			p = end + strspn(end, " ");
		}
		assert_true(seen < ARRAY_SIZE(want));
		assert_int_equal(idx, want[seen].index);
		assert_int_equal(snmp_split_package(tab1 + 1, &n, &v), 0);
		assert_string_equal(n, want[seen].name);
		assert_non_null(v);
		assert_string_equal(v, want[seen].version);
		assert_true(snmp_date_and_time(octets, len, out, sizeof(out)));
		assert_string_equal(out, want[seen].date);
		/* cut short, the same bytes are refused */
		assert_false(snmp_date_and_time(octets, len - 1, out, sizeof(out)));
		free(n);
		free(v);
		seen++;
	}
	fclose(f);
	assert_int_equal(seen, ARRAY_SIZE(want));
}

/* ------------------------------------------------------------- mappings */

static void test_mappings(void **state)
{
	const char *word;

	(void)state;
	assert_string_equal(snmp_device_type("Printer"), "printer");
	assert_string_equal(snmp_device_type("switch"), "network");
	assert_string_equal(snmp_device_type("Router"), "network");
	assert_string_equal(snmp_device_type("Firewall"), "network");
	assert_string_equal(snmp_device_type("Hypervisor"), "hypervisor");
	assert_null(snmp_device_type("General"));
	assert_null(snmp_device_type(NULL));

	assert_string_equal(snmp_storage_kind(2, &word), "memory");
	assert_string_equal(word, "ram");
	assert_string_equal(snmp_storage_kind(3, &word), "memory");
	assert_string_equal(word, "virtual");
	assert_string_equal(snmp_storage_kind(4, &word), "storage");
	assert_string_equal(word, "fixed");
	assert_string_equal(snmp_storage_kind(10, &word), "storage");
	assert_string_equal(word, "network");
	assert_null(snmp_storage_kind(1, &word)); /* "other": buffers, caches */
	assert_null(word);
	assert_null(snmp_storage_kind(0, &word));
	assert_null(snmp_storage_kind(11, &word));
	assert_null(snmp_storage_kind(~0ul, &word));

	assert_string_equal(snmp_device_word(3), "processor");
	assert_string_equal(snmp_device_word(5), "printer");
	assert_string_equal(snmp_device_word(7), "other"); /* a hole in the list */
	assert_string_equal(snmp_device_word(99999), "other");

	assert_string_equal(snmp_entity_class(3), "chassis");
	assert_string_equal(snmp_entity_class(9), "module");
	assert_string_equal(snmp_entity_class(-1), "other");
	assert_string_equal(snmp_entity_class(16), "other");

	assert_string_equal(snmp_printer_status(3), "idle");
	assert_string_equal(snmp_printer_status(4), "printing");
	assert_string_equal(snmp_printer_status(5), "warmup");
	assert_string_equal(snmp_printer_status(42), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_date_and_time_valid),
	    cmocka_unit_test(test_date_and_time_lengths),
	    cmocka_unit_test(test_date_and_time_ranges),
	    cmocka_unit_test(test_oid_order),
	    cmocka_unit_test(test_oid_format),
	    cmocka_unit_test(test_format_mac),
	    cmocka_unit_test(test_format_hex),
	    cmocka_unit_test(test_inet_index),
	    cmocka_unit_test(test_prefixes),
	    cmocka_unit_test(test_split_package),
	    cmocka_unit_test(test_captured_hrswinstalled),
	    cmocka_unit_test(test_mappings),
	};

	return cmocka_run_group_tests_name("snmp", tests, NULL, NULL);
}
