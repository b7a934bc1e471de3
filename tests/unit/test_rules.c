#include "config.h"

/*
 * test_rules.c — the recog-format rule engine and our own rule set.
 *
 * Every shipped rule file is loaded strictly and must pass its own examples
 * (one case per file, so a broken file is named by the failing case); the
 * engine is tested on the fixtures in tests/data/rules/: load order and
 * first-match-wins, pos-0 interpolation, base64 and _filename examples,
 * Ruby regex semantics, errors that name file and line, skipping bad
 * fingerprints in a dropped-in directory, the match limit, and matching
 * from two threads at once.
 */

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "fingerprint/rules.h"
#include "util/compat.h"
#include "util/err.h"

#define FIXTURES NC_TEST_DATA "/rules"

static rules_t *load_file_ok(const char *path)
{
	rules_t *r = rules_new();
	int rc;

	assert_non_null(r);
	rc = rules_load_file(r, path);
	if (rc != 0)
		fail_msg("%s: %s", path, nc_errmsg(rc));
	return r;
}

static rules_t *fixture(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", FIXTURES, name);
	return load_file_ok(path);
}

/* Load one shipped file strictly; every example passes, every fingerprint
 * has one, and each example is counted. */
static void check_shipped_file(const char *name, size_t min_examples)
{
	char path[512], err[512];
	size_t examples = 0, failures;
	rules_t *r;

	snprintf(path, sizeof(path), "%s/%s", NC_RULES_DIR, name);
	r = load_file_ok(path);
	failures = rules_selftest(r, &examples, err, sizeof(err));
	if (failures != 0)
		fail_msg("%zu failures, first: %s", failures, err);
	assert_true(rules_count(r) > 0);
	assert_true(examples >= min_examples);
	assert_true(examples >= rules_count(r));
	assert_int_equal(rules_untested(r), 0);
	print_message("# %s: %zu fingerprints, %zu examples\n", name, rules_count(r), examples);
	rules_free(r);
}

/* ------------------------------------------------------- shipped rules */

static void test_shipped_dir_selftest(void **state)
{
	char err[512];
	size_t examples = 0, failures;
	rules_t *r = rules_new();
	int rc;

	(void)state;
	rc = rules_load_dir(r, NC_RULES_DIR);
	if (rc != 0)
		fail_msg("%s", nc_errmsg(rc));
	assert_int_equal(rules_skipped(r), 0);
	assert_null(rules_skipped_detail(r));
	failures = rules_selftest(r, &examples, err, sizeof(err));
	if (failures != 0)
		fail_msg("%zu failures, first: %s", failures, err);
	assert_true(examples > 80);
	assert_int_equal(rules_untested(r), 0);
	print_message("# shipped rules: %zu fingerprints, %zu examples\n", rules_count(r),
		      examples);
	rules_free(r);
}

static void test_shipped_ssh_banners(void **state)
{
	(void)state;
	check_shipped_file("ssh_banners.xml", 40);
}

static void test_shipped_http_servers(void **state)
{
	(void)state;
	check_shipped_file("http_servers.xml", 40);
}

static void test_shipped_html_titles(void **state)
{
	(void)state;
	check_shipped_file("html_titles.xml", 5);
}

static void test_shipped_snmp_sysdescr(void **state)
{
	(void)state;
	check_shipped_file("snmp_sysdescr.xml", 40);
}

static void test_shipped_snmp_sysobjid(void **state)
{
	(void)state;
	check_shipped_file("snmp_sysobjid.xml", 20);
}

static void test_shipped_smb_native_os(void **state)
{
	(void)state;
	check_shipped_file("smb_native_os.xml", 10);
}

static void test_shipped_smb_native_lm(void **state)
{
	(void)state;
	check_shipped_file("smb_native_lm.xml", 5);
}

static void test_shipped_ftp_banners(void **state)
{
	(void)state;
	check_shipped_file("ftp_banners.xml", 5);
}

static void test_shipped_smtp_banners(void **state)
{
	(void)state;
	check_shipped_file("smtp_banners.xml", 5);
}

static void test_shipped_telnet_banners(void **state)
{
	(void)state;
	check_shipped_file("telnet_banners.xml", 4);
}

/* What the fingerprinters will ask, answered from the shipped rules. */
static void test_shipped_answers(void **state)
{
	static const struct {
		const char *db, *text, *name, *value;
	} cases[] = {
	    {"ssh.banner", "OpenSSH_8.9p1 Ubuntu-3ubuntu0.6", "os.version", "22.04"},
	    {"ssh.banner", "OpenSSH_8.9p1 Ubuntu-3ubuntu0.6", "os.product", "Ubuntu Linux"},
	    {"ssh.banner", "OpenSSH_9.2p1 Debian-2+deb12u3", "os.version", "12"},
	    {"ssh.banner", "OpenSSH_for_Windows_8.1", "os.family", "Windows"},
	    {"ssh.banner", "Cisco-1.25", "os.product", "IOS"},
	    {"http_header.server", "Microsoft-IIS/10.0", "os.family", "Windows"},
	    {"http_header.server", "Apache/2.4.52 (Ubuntu)", "os.version", "22.04"},
	    {"snmp.sys_object_id", "1.3.6.1.4.1.311.1.1.3.1.2", "os.edition", "Server"},
	    {"snmp.sys_description", "VMware ESXi 7.0.3 build-21930508 VMware, Inc. x86_64",
	     "hw.device", "Hypervisor"},
	    {"smb.native_lm", "Samba 4.17.12-Debian", "service.product", "Samba"},
	};
	rules_t *r = rules_new();
	rule_params out;

	(void)state;
	assert_int_equal(rules_load_dir(r, NC_RULES_DIR), 0);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *v;

		if (!rules_match(r, cases[i].db, cases[i].text, &out))
			fail_msg("%s: '%s' matched nothing", cases[i].db, cases[i].text);
		v = rule_param(&out, cases[i].name);
		if (v == NULL || strcmp(v, cases[i].value) != 0)
			fail_msg("'%s': %s = '%s', expected '%s'", cases[i].text, cases[i].name,
				 v != NULL ? v : "(none)", cases[i].value);
		assert_non_null(out.description);
	}
	/* the protocol of the file is reported */
	assert_true(rules_match(r, "ssh.banner", "ROSSSH", &out));
	assert_string_equal(rule_param(&out, "service.protocol"), "ssh");
	rules_free(r);
}

static void test_no_match(void **state)
{
	rules_t *r = rules_new();
	rule_params out;

	(void)state;
	assert_int_equal(rules_load_dir(r, NC_RULES_DIR), 0);
	out.n = 7;
	assert_false(rules_match(r, "ssh.banner", "NotAnSshServer_0.1 hello", &out));
	assert_int_equal(out.n, 0);
	assert_null(out.description);
	assert_false(rules_match(r, "http_header.server", "", &out));
	assert_false(rules_match(r, "no.such.database", "OpenSSH_8.0", &out));
	/* a banner for one database does not match in another */
	assert_false(rules_match(r, "ftp.banner", "OpenSSH_8.0", NULL));
	assert_true(rules_match(r, "ssh.banner", "OpenSSH_8.0", NULL));
	assert_false(rules_match(r, "ssh.banner", NULL, &out));
	assert_false(rules_match(NULL, "ssh.banner", "OpenSSH_8.0", &out));
	assert_null(rule_param(&out, "os.family"));
	rules_free(r);
}

/* -------------------------------------------------------- the engine */

static void test_first_match_wins(void **state)
{
	rules_t *r = fixture("order.xml");
	rule_params out;
	char err[256];
	size_t examples;

	(void)state;
	assert_true(rules_match(r, "test.order", "Thing/1.0", &out));
	assert_string_equal(rule_param(&out, "rank"), "specific");
	assert_true(rules_match(r, "test.order", "Thing/2.0", &out));
	assert_string_equal(rule_param(&out, "rank"), "generic");
	assert_string_equal(rule_param(&out, "thing.version"), "2.0");
	assert_int_equal(rules_selftest(r, &examples, err, sizeof(err)), 0);
	assert_int_equal(rules_untested(r), 1); /* the shadowed one */
	rules_free(r);
}

static void test_dir_order(void **state)
{
	rules_t *r = rules_new();
	rule_params out;

	(void)state;
	assert_int_equal(rules_load_dir(r, FIXTURES "/dir_order"), 0);
	assert_int_equal(rules_count(r), 2);
	/* both files match "Box 7": the one sorted first wins */
	assert_true(rules_match(r, "test.dir", "Box 7", &out));
	assert_string_equal(rule_param(&out, "box.file"), "10");
	assert_true(rules_match(r, "test.dir", "Box seven", &out));
	assert_string_equal(rule_param(&out, "box.file"), "20");
	/* rules loaded later come after: a user's --rules dir loaded first wins */
	assert_int_equal(rules_load_file(r, FIXTURES "/order.xml"), 0);
	assert_int_equal(rules_count(r), 5);
	rules_free(r);
}

static void test_interpolation(void **state)
{
	rules_t *r = fixture("features.xml");
	rule_params out;

	(void)state;
	assert_true(rules_match(r, "test.features", "Widget/2.7 (blue)", &out));
	assert_string_equal(rule_param(&out, "service.version"), "2.7");
	assert_string_equal(rule_param(&out, "widget.cpe"), "cpe:/a:acme:widget:2.7");
	assert_string_equal(rule_param(&out, "widget.label"), "Widget 2 (blue)");
	assert_string_equal(rule_param(&out, "widget.flavour"), "blue");
	/* _tmp. params serve interpolation only */
	assert_null(rule_param(&out, "_tmp.major"));
	assert_null(rule_param(&out, "_tmp.minor"));
	assert_string_equal(rule_param(&out, "service.protocol"), "testproto");
	assert_string_equal(out.description, "interpolation, _tmp params, an optional capture");
	/* an optional group that did not take part: no param, empty in a value */
	assert_true(rules_match(r, "test.features", "Widget/3.1", &out));
	assert_null(rule_param(&out, "widget.flavour"));
	assert_string_equal(rule_param(&out, "widget.label"), "Widget 3 ()");
	/* a fingerprint may set service.protocol itself */
	assert_true(rules_match(r, "test.features", "proto override", &out));
	assert_string_equal(rule_param(&out, "service.protocol"), "override");
	/* a param given twice: the later definition */
	assert_true(rules_match(r, "test.features", "twice", &out));
	assert_string_equal(rule_param(&out, "twice.value"), "second");
	rules_free(r);
}

static void test_examples_base64_and_file(void **state)
{
	rules_t *r = fixture("features.xml");
	char err[256];
	size_t examples = 0;
	rule_params out;
	static const char bin[] = {'B', 'I', 'N', 0, 'k', 'e', 'y', (char)0xff};

	(void)state;
	/* the base64, multi-line and _filename examples all pass */
	assert_int_equal(rules_selftest(r, &examples, err, sizeof(err)), 0);
	assert_int_equal(examples, 15);
	/* bytes with a NUL in them */
	assert_true(rules_match_bytes(r, "test.features", bin, sizeof(bin), &out));
	assert_string_equal(rule_param(&out, "bin.word"), "key");
	assert_false(rules_match(r, "test.features", "BIN", NULL));
	rules_free(r);
}

static void test_regex_dialect(void **state)
{
	rules_t *r = fixture("features.xml");
	rule_params out;

	(void)state;
	/* REG_ICASE */
	assert_true(rules_match(r, "test.features", "GaDgEt Q", &out));
	assert_string_equal(rule_param(&out, "gadget.name"), "Q");
	/* REG_DOT_NEWLINE */
	assert_true(rules_match(r, "test.features", "begin\nx\nend", &out));
	assert_string_equal(rule_param(&out, "body.text"), "\nx\n");
	/* without it, dot stops at a newline but ^ and $ are per line (Ruby) */
	assert_true(rules_match(r, "test.features", "junk\nSerial: ab12\nmore", &out));
	assert_string_equal(rule_param(&out, "serial.hex"), "ab12");
	/* \h is a hex digit, not horizontal space */
	assert_false(rules_match(r, "test.features", "Serial: xyz", NULL));
	assert_false(rules_match(r, "test.features", "Serial: \t", NULL));
	/* \A \z: the whole input, not a line */
	assert_true(rules_match(r, "test.features", "exact", &out));
	assert_string_equal(rule_param(&out, "anchor.kind"), "whole");
	assert_false(rules_match(r, "test.features", "exact\nmore", NULL));
	/* named groups count */
	assert_true(rules_match(r, "test.features", "name=bob id=7", &out));
	assert_string_equal(rule_param(&out, "user.name"), "bob");
	assert_string_equal(rule_param(&out, "user.id"), "7");
	/* "." is one character, and a Latin-1 byte is one character too */
	assert_true(rules_match(r, "test.features", "caf\xc3\xa9 noir", &out));
	assert_true(rules_match(r, "test.features", "caf\xe9 cr\xe8me", &out));
	assert_string_equal(rule_param(&out, "drink.kind"), "cr\xc3\xa8me");
	rules_free(r);
}

static void test_bad_pattern_names_file_and_line(void **state)
{
	rules_t *r = fixture("order.xml");
	size_t before = rules_count(r);
	int rc;

	(void)state;
	nc_clear_error();
	rc = rules_load_file(r, FIXTURES "/bad_pattern.xml");
	assert_int_equal(rc, NC_ERR_INVALID);
	assert_non_null(strstr(nc_errmsg(rc), "bad_pattern.xml:7:"));
	assert_non_null(strstr(nc_errmsg(rc), "does not compile"));
	/* the good fingerprint before it is not left behind */
	assert_int_equal(rules_count(r), before);
	assert_false(rules_match(r, "test.bad", "fine", NULL));

	rc = rules_load_file(r, FIXTURES "/bad_param.xml");
	assert_int_equal(rc, NC_ERR_INVALID);
	assert_non_null(strstr(nc_errmsg(rc), "bad_param.xml:5:"));
	assert_non_null(strstr(nc_errmsg(rc), "capture group 2"));
	assert_int_equal(rules_count(r), before);
	rules_free(r);
}

static void test_malformed_xml(void **state)
{
	rules_t *r = rules_new();
	int rc;

	(void)state;
	rc = rules_load_file(r, FIXTURES "/malformed.xml");
	assert_int_equal(rc, NC_ERR_INVALID);
	assert_non_null(strstr(nc_errmsg(rc), "malformed.xml:5:"));
	rc = rules_load_file(r, FIXTURES "/not_fingerprints.xml");
	assert_int_equal(rc, NC_ERR_INVALID);
	assert_non_null(strstr(nc_errmsg(rc), "not_fingerprints.xml:2:"));
	assert_non_null(strstr(nc_errmsg(rc), "<fingerprints>"));
	rc = rules_load_file(r, FIXTURES "/no_such_file.xml");
	assert_int_equal(rc, NC_ERR_IO);
	assert_non_null(strstr(nc_errmsg(rc), "no_such_file.xml"));
	assert_int_equal(rules_count(r), 0);
	rules_free(r);
}

static void test_dir_skips_bad_fingerprints(void **state)
{
	rules_t *r = rules_new();

	(void)state;
	/* a dropped-in database: a pattern PCRE2 refuses is skipped, counted */
	assert_int_equal(rules_load_dir(r, FIXTURES "/dir_skip"), 0);
	assert_int_equal(rules_count(r), 2);
	assert_int_equal(rules_skipped(r), 1);
	assert_non_null(rules_skipped_detail(r));
	assert_non_null(strstr(rules_skipped_detail(r), "b_bad_pattern.xml:7:"));
	assert_true(rules_match(r, "test.bad", "good", NULL));
	assert_true(rules_match(r, "test.bad", "fine", NULL));
	rules_free(r);
}

static void test_dir_bad_xml_fails(void **state)
{
	rules_t *r = fixture("order.xml");
	int rc;

	(void)state;
	/* a malformed file still fails the load, naming it; nothing is kept */
	rc = rules_load_dir(r, FIXTURES "/dir_badxml");
	assert_int_equal(rc, NC_ERR_INVALID);
	assert_non_null(strstr(nc_errmsg(rc), "b_malformed.xml:5:"));
	assert_int_equal(rules_count(r), 3);
	assert_false(rules_match(r, "test.bad", "good", NULL));
	assert_true(rules_match(r, "test.order", "Thing/1.0", NULL));
	rules_free(r);
}

static void test_dir_layouts(void **state)
{
	rules_t *r = rules_new();
	rule_params out;
	int rc;

	(void)state;
	/* a recog checkout: the database is in xml/ */
	assert_int_equal(rules_load_dir(r, FIXTURES "/dir_recog"), 0);
	assert_true(rules_match(r, "test.recog", "good", NULL));
	rc = rules_load_dir(r, FIXTURES "/dir_empty");
	assert_int_equal(rc, NC_ERR_NOT_FOUND);
	assert_non_null(strstr(nc_errmsg(rc), "dir_empty"));
	assert_int_equal(rules_load_dir(r, FIXTURES "/no_such_dir"), NC_ERR_NOT_FOUND);
	/* no matches="": the database is named after the file */
	assert_int_equal(rules_load_file(r, FIXTURES "/plain_name.xml"), 0);
	assert_true(rules_match(r, "plain_name", "plain", &out));
	assert_string_equal(rule_param(&out, "db.from"), "file name");
	rules_free(r);
}

static void test_selftest_reports_failures(void **state)
{
	rules_t *r = fixture("selftest_fail.xml");
	char err[512];
	size_t examples = 0;

	(void)state;
	assert_int_equal(rules_selftest(r, &examples, err, sizeof(err)), 3);
	assert_int_equal(examples, 4);
	/* the first failure, by file and line of its example */
	assert_non_null(strstr(err, "selftest_fail.xml:5:"));
	assert_non_null(strstr(err, "pump.version"));
	rules_free(r);

	r = fixture("order.xml");
	assert_int_equal(rules_selftest(r, NULL, NULL, 0), 0);
	rules_free(r);
}

static void test_match_limit(void **state)
{
	rules_t *r = fixture("pathological.xml");
	char input[64];
	rule_params out;
	struct timespec t0, t1;
	double secs;

	(void)state;
	/* (a+)+$ against a's ending in b: 2^40 paths without a limit */
	memset(input, 'a', 40);
	input[40] = 'b';
	input[41] = '\0';
	assert_int_equal(rules_limit_hits(r), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_true(rules_match(r, "test.slow", input, &out));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_string_equal(rule_param(&out, "which"), "fast");
	assert_int_equal(rules_limit_hits(r), 1);
	assert_true(secs < 5.0);
	/* a plain input still matches the slow-looking pattern at once */
	assert_true(rules_match(r, "test.slow", "aaaa", &out));
	assert_string_equal(rule_param(&out, "which"), "slow");
	rules_free(r);
}

static void test_long_values_cut_at_characters(void **state)
{
	rules_t *r = fixture("order.xml");
	char input[1024];
	rule_params out;
	size_t o;
	const char *v;

	(void)state;
	/* "Thing/" then 300 two-byte characters: 600 bytes of capture */
	o = (size_t)snprintf(input, sizeof(input), "Thing/");
	for (int i = 0; i < 300; i++) {
		input[o++] = (char)0xc3;
		input[o++] = (char)0xa9;
	}
	input[o] = '\0';
	assert_true(rules_match(r, "test.order", input, &out));
	v = rule_param(&out, "thing.version");
	assert_non_null(v);
	assert_int_equal(strlen(v), 254); /* 127 whole characters fit in 255 */
	assert_int_equal((unsigned char)v[253], 0xa9);
	rules_free(r);
}

static void test_default_dir(void **state)
{
	char *saved = getenv("NETCENSUS_RULES") != NULL ? strdup(getenv("NETCENSUS_RULES")) : NULL;

	(void)state;
	setenv("NETCENSUS_RULES", "/opt/rules", 1);
	assert_string_equal(rules_default_dir(), "/opt/rules");
	unsetenv("NETCENSUS_RULES");
	/* run from the build tree: the source tree's rules */
	assert_string_equal(rules_default_dir(), NC_RULES_DIR);
	if (saved != NULL)
		setenv("NETCENSUS_RULES", saved, 1);
	free(saved);
}

/* ------------------------------------------------------------ threads */

struct thread_arg {
	const rules_t *r;
	int mismatches;
};

static const struct {
	const char *db, *text, *name, *value;
} thread_cases[] = {
    {"ssh.banner", "OpenSSH_8.2p1 Ubuntu-4ubuntu0.5", "os.version", "20.04"},
    {"ssh.banner", "OpenSSH_8.4p1 Debian-5+deb11u3", "os.version", "11"},
    {"http_header.server", "Microsoft-IIS/8.5", "os.version", "6.3"},
    {"snmp.sys_description",
     "Linux host 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01) x86_64",
     "os.version", "6.1.0-18-amd64"},
    {"snmp.sys_object_id", "1.3.6.1.4.1.14988.1", "hw.device", "Router"},
    {"ssh.banner", "no such server", NULL, NULL},
};

static void *match_loop(void *p)
{
	struct thread_arg *a = p;
	rule_params out;

	for (int i = 0; i < 3000; i++) {
		size_t k = (size_t)i % ARRAY_SIZE(thread_cases);
		bool hit = rules_match(a->r, thread_cases[k].db, thread_cases[k].text, &out);
		const char *v;

		if (thread_cases[k].name == NULL) {
			a->mismatches += hit;
			continue;
		}
		v = rule_param(&out, thread_cases[k].name);
		if (!hit || v == NULL || strcmp(v, thread_cases[k].value) != 0)
			a->mismatches++;
	}
	return NULL;
}

static void test_threads(void **state)
{
	rules_t *r = rules_new();
	pthread_t t[4];
	struct thread_arg args[4];

	(void)state;
	assert_int_equal(rules_load_dir(r, NC_RULES_DIR), 0);
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		args[i].r = r;
		args[i].mismatches = 0;
		assert_int_equal(pthread_create(&t[i], NULL, match_loop, &args[i]), 0);
	}
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(args[i].mismatches, 0);
	}
	rules_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_shipped_dir_selftest),
	    cmocka_unit_test(test_shipped_ssh_banners),
	    cmocka_unit_test(test_shipped_http_servers),
	    cmocka_unit_test(test_shipped_html_titles),
	    cmocka_unit_test(test_shipped_snmp_sysdescr),
	    cmocka_unit_test(test_shipped_snmp_sysobjid),
	    cmocka_unit_test(test_shipped_smb_native_os),
	    cmocka_unit_test(test_shipped_smb_native_lm),
	    cmocka_unit_test(test_shipped_ftp_banners),
	    cmocka_unit_test(test_shipped_smtp_banners),
	    cmocka_unit_test(test_shipped_telnet_banners),
	    cmocka_unit_test(test_shipped_answers),
	    cmocka_unit_test(test_no_match),
	    cmocka_unit_test(test_first_match_wins),
	    cmocka_unit_test(test_dir_order),
	    cmocka_unit_test(test_interpolation),
	    cmocka_unit_test(test_examples_base64_and_file),
	    cmocka_unit_test(test_regex_dialect),
	    cmocka_unit_test(test_bad_pattern_names_file_and_line),
	    cmocka_unit_test(test_malformed_xml),
	    cmocka_unit_test(test_dir_skips_bad_fingerprints),
	    cmocka_unit_test(test_dir_bad_xml_fails),
	    cmocka_unit_test(test_dir_layouts),
	    cmocka_unit_test(test_selftest_reports_failures),
	    cmocka_unit_test(test_match_limit),
	    cmocka_unit_test(test_long_values_cut_at_characters),
	    cmocka_unit_test(test_default_dir),
	    cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
