/*
 * test_macvendor.c — MAC vendor lookups from the IEEE registries.
 *
 * The hand-written fixtures in tests/data/ieee hold every CSV shape the
 * real files use (quoted commas, doubled quotes, line breaks inside quotes,
 * CRLF) and a few they must survive (malformed rows, a duplicated prefix, a
 * last row without a line break).  The real /usr/share/ieee-data is checked
 * too when it is installed, and the parser is fed truncated and random
 * files, which must load or fail cleanly but never crash.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fingerprint/macvendor.h"
#include "util/compat.h"
#include "util/err.h"

#ifndef NC_TEST_DATA
#error "NC_TEST_DATA must name the tests/data directory"
#endif

#define FIXTURES NC_TEST_DATA "/ieee"
#define REAL_DIR "/usr/share/ieee-data"

static macvendor_db *fixture_db; /* tests/data/ieee */
static macvendor_db *real_db;	 /* /usr/share/ieee-data, NULL when absent */
static char tmpdir[] = "/tmp/test_macvendor.XXXXXX";

/* ------------------------------------------------------------- helpers */

static int group_setup(void **state)
{
	int r = macvendor_load(FIXTURES, &fixture_db);

	if (r != 0) {
		fprintf(stderr, "# cannot load %s: %s\n", FIXTURES, nc_errmsg(r));
		return -1;
	}
	if (access(REAL_DIR "/oui.csv", R_OK) == 0 && macvendor_load(REAL_DIR, &real_db) != 0)
		return -1;
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	return 0;
}

static void remove_tmp(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	unlink(path);
}

static int group_teardown(void **state)
{
	static const char *const names[] = {"oui.csv", "mam.csv", "oui36.csv", "iab.csv"};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		remove_tmp(names[i]);
	rmdir(tmpdir);
	macvendor_free(fixture_db);
	macvendor_free(real_db);
	return 0;
}

static void write_tmp(const char *name, const void *data, size_t len)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

static char *read_fixture(const char *name, size_t *len)
{
	char path[512];
	char *buf;
	FILE *fp;
	long n;

	snprintf(path, sizeof(path), "%s/%s", FIXTURES, name);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n > 0);
	rewind(fp);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

/* Load tmpdir with only oui.csv = data: success or a clean refusal. */
static void load_must_not_crash(const void *data, size_t len)
{
	static const uint8_t macs[][6] = {
	    {0x00, 0x00, 0x0c, 0x01, 0x02, 0x03},
	    {0x00, 0x50, 0xc2, 0xa1, 0x23, 0x45},
	    {0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
	    {0x00, 0x00, 0x00, 0x00, 0x00, 0x00},
	};
	macvendor_db *db = (macvendor_db *)&db; /* must be reset to NULL on failure */
	macvendor_result res;
	int r;

	write_tmp("oui.csv", data, len);
	r = macvendor_load(tmpdir, &db);
	if (r != 0) {
		assert_int_equal(r, NC_ERR_INVALID);
		assert_null(db);
		return;
	}
	assert_non_null(db);
	assert_true(macvendor_count(db) > 0);
	for (size_t i = 0; i < ARRAY_SIZE(macs); i++)
		if (macvendor_lookup(db, macs[i], &res))
			assert_non_null(res.vendor);
	macvendor_free(db);
}

static void assert_vendor(const macvendor_db *db, const uint8_t mac[6], const char *vendor,
			  unsigned bits)
{
	macvendor_result res;

	assert_true(macvendor_lookup(db, mac, &res));
	assert_non_null(res.vendor);
	assert_string_equal(res.vendor, vendor);
	assert_int_equal(res.prefix_bits, bits);
	assert_false(res.local_admin);
}

static void assert_unknown(const macvendor_db *db, const uint8_t mac[6])
{
	macvendor_result res;

	assert_false(macvendor_lookup(db, mac, &res));
	assert_null(res.vendor);
	assert_int_equal(res.prefix_bits, 0);
}

/* A tiny repeatable generator, so that a failure can be replayed. */
static uint32_t rnd_state = 12345;
static uint32_t rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return rnd_state >> 8;
}

/* ------------------------------------------------------ fixture cases */

static void test_fixture_counts(void **state)
{
	assert_int_equal(macvendor_count(fixture_db), 16);
	assert_int_equal(macvendor_skipped(fixture_db), 7);
	assert_int_equal(macvendor_duplicates(fixture_db), 2);
	assert_true(macvendor_memory(fixture_db) > 0);
}

static void test_quoted_comma(void **state)
{
	const uint8_t mac[6] = {0x00, 0x00, 0x0c, 0x12, 0x34, 0x56};
	macvendor_result res;

	assert_vendor(fixture_db, mac, "Cisco Systems, Inc", 24);
	assert_true(macvendor_lookup(fixture_db, mac, &res));
	assert_false(res.is_virtual);
}

static void test_doubled_quotes(void **state)
{
	const uint8_t mac[6] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55};

	assert_vendor(fixture_db, mac, "The \"Quoted\" Company", 24);
}

/*
 * The line break inside the first row's quoted address does not end it: the
 * row after it is read (and test_fixture_counts shows that "San Jose ..."
 * was not counted as a malformed row of its own).
 */
static void test_newline_in_quoted_address(void **state)
{
	const uint8_t next_row[6] = {0x00, 0x11, 0x22, 0x00, 0x00, 0x01};
	const uint8_t mam_row2[6] = {0x70, 0xb3, 0xd5, 0x10, 0x00, 0x00};

	assert_vendor(fixture_db, next_row, "The \"Quoted\" Company", 24);
	/* mam.csv: LF ends, its first row's address spans two lines */
	assert_vendor(fixture_db, mam_row2, "Twenty Eight Bits Ltd", 28);
}

/* CR LF and a tab inside a quoted name become single spaces; ends trimmed. */
static void test_control_chars_in_name(void **state)
{
	const uint8_t mac[6] = {0xa0, 0xb1, 0xc2, 0x00, 0x00, 0x01};

	assert_vendor(fixture_db, mac, "Multi Line Name   Corp", 24);
}

static void test_longest_prefix_36(void **state)
{
	const uint8_t mac[6] = {0x00, 0x50, 0xc2, 0xa1, 0x2f, 0xff};

	assert_vendor(fixture_db, mac, "Small Block, Ltd.", 36);
}

static void test_prefix_28_around_36(void **state)
{
	const uint8_t below[6] = {0x00, 0x50, 0xc2, 0xa1, 0x1f, 0xff};
	const uint8_t above[6] = {0x00, 0x50, 0xc2, 0xa1, 0x30, 0x00};

	assert_vendor(fixture_db, below, "Mid Block \"M\" GmbH", 28);
	assert_vendor(fixture_db, above, "Mid Block \"M\" GmbH", 28);
}

static void test_prefix_24_fallback(void **state)
{
	const uint8_t mac[6] = {0x00, 0x50, 0xc2, 0x01, 0x02, 0x03};
	const uint8_t ma_s[6] = {0x70, 0xb3, 0xd5, 0xf2, 0xf0, 0x01};
	const uint8_t ma_m[6] = {0x70, 0xb3, 0xd5, 0x1f, 0xff, 0xff};
	const uint8_t ma_l[6] = {0x70, 0xb3, 0xd5, 0x20, 0x00, 0x00};

	assert_vendor(fixture_db, mac, "IEEE Registration Authority", 24);
	assert_vendor(fixture_db, ma_s, "Teleplatforms", 36);
	assert_vendor(fixture_db, ma_m, "Twenty Eight Bits Ltd", 28);
	assert_vendor(fixture_db, ma_l, "IEEE Registration Authority", 24);
}

static void test_iab_rows(void **state)
{
	const uint8_t iab[6] = {0x00, 0x50, 0xc2, 0xff, 0xf1, 0x23};
	const uint8_t quoted[6] = {0x00, 0x50, 0xc2, 0xb0, 0x00, 0x01};

	assert_vendor(fixture_db, iab, "IAB Holder", 36);
	assert_vendor(fixture_db, quoted, "Fully \"Quoted\" Row", 36);
}

static void test_duplicate_first_wins(void **state)
{
	const uint8_t dup24[6] = {0x08, 0x00, 0x30, 0x00, 0x00, 0x01};
	const uint8_t dup36[6] = {0x00, 0x50, 0xc2, 0xa1, 0x20, 0x00};

	assert_vendor(fixture_db, dup24, "FIRST OWNER", 24);
	assert_vendor(fixture_db, dup36, "Small Block, Ltd.", 36);
}

static void test_malformed_rows_skipped(void **state)
{
	const uint8_t short_row[6] = {0xaa, 0xbb, 0xcc, 0x00, 0x00, 0x01};
	const uint8_t junk_quote[6] = {0x00, 0xaa, 0x01, 0x00, 0x00, 0x01};
	const uint8_t empty_name[6] = {0x00, 0xaa, 0x02, 0x00, 0x00, 0x01};
	const uint8_t eight_digits[6] = {0x00, 0x50, 0xc2, 0xa1, 0x00, 0x00};

	assert_unknown(fixture_db, short_row);
	assert_unknown(fixture_db, junk_quote);
	assert_unknown(fixture_db, empty_name);
	/* the 8-digit MA-S row was dropped: the 28-bit block answers */
	assert_vendor(fixture_db, eight_digits, "Mid Block \"M\" GmbH", 28);
}

static void test_lowercase_hex_and_last_row(void **state)
{
	const uint8_t lower[6] = {0x00, 0xaa, 0x03, 0x00, 0x00, 0x01};
	const uint8_t last[6] = {0xfc, 0xfc, 0xfc, 0x00, 0x00, 0x01};

	assert_vendor(fixture_db, lower, "lower case hex GmbH", 24);
	assert_vendor(fixture_db, last, "No Final Newline", 24);
}

static void test_names_interned(void **state)
{
	const uint8_t a[6] = {0x00, 0x00, 0x0c, 0x00, 0x00, 0x01};
	const uint8_t b[6] = {0x00, 0xaa, 0x04, 0x00, 0x00, 0x01};
	macvendor_result ra, rb;

	assert_true(macvendor_lookup(fixture_db, a, &ra));
	assert_true(macvendor_lookup(fixture_db, b, &rb));
	assert_ptr_equal(ra.vendor, rb.vendor);
}

static void test_local_admin_no_vendor(void **state)
{
	/* 02:00:0c would be Cisco's 00:00:0c but for the local bit */
	const uint8_t mac[6] = {0x02, 0x00, 0x0c, 0x12, 0x01, 0x0a};
	macvendor_result res;

	assert_false(macvendor_lookup(fixture_db, mac, &res));
	assert_true(res.local_admin);
	assert_false(res.is_virtual);
	assert_null(res.vendor);
	assert_int_equal(res.prefix_bits, 0);
}

static void test_vm_prefix_not_in_registry(void **state)
{
	const uint8_t vmware[6] = {0x00, 0x50, 0x56, 0x01, 0x02, 0x03};
	const uint8_t parallels[6] = {0x00, 0x1c, 0x42, 0x01, 0x02, 0x03};
	macvendor_result res;

	/* the fixtures have no 00:50:56 row: the built-in table names it */
	assert_true(macvendor_lookup(fixture_db, vmware, &res));
	assert_string_equal(res.vendor, "VMware, Inc.");
	assert_true(res.is_virtual);
	assert_int_equal(res.prefix_bits, 24);
	assert_true(macvendor_lookup(fixture_db, parallels, &res));
	assert_string_equal(res.vendor, "Parallels, Inc.");
	assert_true(res.is_virtual);
}

static void test_local_admin_vm_prefixes(void **state)
{
	const uint8_t qemu[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
	const uint8_t vbox_host[6] = {0x0a, 0x00, 0x27, 0x00, 0x00, 0x00};
	macvendor_result res;

	assert_true(macvendor_lookup(NULL, qemu, &res));
	assert_true(res.is_virtual);
	assert_true(res.local_admin);
	assert_non_null(strstr(res.vendor, "QEMU"));
	assert_true(macvendor_lookup(fixture_db, vbox_host, &res));
	assert_true(res.is_virtual);
	assert_true(res.local_admin);
	assert_non_null(strstr(res.vendor, "VirtualBox"));
}

static void test_null_db(void **state)
{
	const uint8_t cisco[6] = {0x00, 0x00, 0x0c, 0x00, 0x00, 0x01};
	const uint8_t xen[6] = {0x00, 0x16, 0x3e, 0x00, 0x00, 0x01};
	macvendor_result res;

	assert_unknown(NULL, cisco);
	assert_true(macvendor_lookup(NULL, xen, &res));
	assert_true(res.is_virtual);
	assert_int_equal(macvendor_count(NULL), 0);
}

static void test_hypervisor_names(void **state)
{
	static const struct {
		uint8_t mac[6];
		const char *name;
	} cases[] = {
	    {{0x00, 0x05, 0x69, 0, 0, 1}, "VMware"},
	    {{0x00, 0x0c, 0x29, 0, 0, 1}, "VMware"},
	    {{0x00, 0x1c, 0x14, 0, 0, 1}, "VMware"},
	    {{0x00, 0x50, 0x56, 0, 0, 1}, "VMware"},
	    {{0x00, 0x15, 0x5d, 0, 0, 1}, "Hyper-V"},
	    {{0x08, 0x00, 0x27, 0, 0, 1}, "VirtualBox"},
	    {{0x0a, 0x00, 0x27, 0, 0, 1}, "VirtualBox"},
	    {{0x00, 0x16, 0x3e, 0, 0, 1}, "Xen"},
	    {{0x52, 0x54, 0x00, 0, 0, 1}, "QEMU/KVM"},
	    {{0x00, 0x1c, 0x42, 0, 0, 1}, "Parallels"},
	    {{0x00, 0x00, 0x0c, 0, 0, 1}, NULL},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *h = macvendor_hypervisor(cases[i].mac);

		if (cases[i].name == NULL)
			assert_null(h);
		else
			assert_string_equal(h, cases[i].name);
	}
}

static void test_missing_dir(void **state)
{
	macvendor_db *db = (macvendor_db *)&db;
	int r = macvendor_load(NC_TEST_DATA "/no-such-dir", &db);

	assert_int_equal(r, NC_ERR_NOT_FOUND);
	assert_null(db);
	assert_non_null(strstr(nc_errmsg(r), "no-such-dir"));
	assert_non_null(strstr(nc_errmsg(r), "apt-get install ieee-data"));
}

static void test_dir_is_a_file(void **state)
{
	macvendor_db *db = NULL;

	assert_int_equal(macvendor_load(FIXTURES "/README", &db), NC_ERR_NOT_FOUND);
	assert_null(db);
}

static void test_header_only_is_invalid(void **state)
{
	static const char csv[] = "Registry,Assignment,Organization Name,Organization Address\r\n";
	macvendor_db *db = NULL;

	write_tmp("oui.csv", csv, strlen(csv));
	assert_int_equal(macvendor_load(tmpdir, &db), NC_ERR_INVALID);
	assert_null(db);
}

/* A name longer than any registered one is refused; the next row is not. */
static void test_overlong_name_skipped(void **state)
{
	char csv[2048];
	char name[1000];
	const uint8_t a[6] = {0x00, 0x00, 0x01, 0, 0, 0};
	const uint8_t b[6] = {0x00, 0x00, 0x02, 0, 0, 0};
	macvendor_db *db = NULL;
	int n;

	memset(name, 'N', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	n = snprintf(csv, sizeof(csv), "MA-L,000001,\"%s\",addr\nMA-L,000002,Short,addr\n", name);
	assert_true(n > 0 && (size_t)n < sizeof(csv));
	write_tmp("oui.csv", csv, (size_t)n);
	assert_int_equal(macvendor_load(tmpdir, &db), 0);
	assert_int_equal(macvendor_count(db), 1);
	assert_int_equal(macvendor_skipped(db), 1);
	assert_unknown(db, a);
	assert_vendor(db, b, "Short", 24);
	macvendor_free(db);
}

/* A byte order mark, bare CR line ends, invalid UTF-8 in a name. */
static void test_bom_cr_and_bad_utf8(void **state)
{
	static const char csv[] = "\xef\xbb\xbfRegistry,Assignment,Organization Name,Address\r"
				  "MA-L,000001,Caf\xc3\xa9 Ltd,\r"
				  "MA-L,000002,Bad \xff\xfe Bytes,\r";
	const uint8_t a[6] = {0x00, 0x00, 0x01, 0, 0, 0};
	const uint8_t b[6] = {0x00, 0x00, 0x02, 0, 0, 0};
	macvendor_db *db = NULL;

	write_tmp("oui.csv", csv, sizeof(csv) - 1);
	assert_int_equal(macvendor_load(tmpdir, &db), 0);
	assert_int_equal(macvendor_count(db), 2);
	assert_int_equal(macvendor_skipped(db), 0);
	assert_vendor(db, a, "Caf\xc3\xa9 Ltd", 24);
	assert_vendor(db, b, "Bad ?? Bytes", 24);
	macvendor_free(db);
}

/* An unterminated quote swallows the rest of the file as one bad row. */
static void test_unterminated_quote(void **state)
{
	static const char csv[] =
	    "MA-L,000001,Good,\nMA-L,000002,\"Open quote,\nMA-L,000003,Lost,\n";
	macvendor_db *db = NULL;

	write_tmp("oui.csv", csv, sizeof(csv) - 1);
	assert_int_equal(macvendor_load(tmpdir, &db), 0);
	assert_int_equal(macvendor_count(db), 1);
	assert_int_equal(macvendor_skipped(db), 1);
	macvendor_free(db);
}

/* ----------------------------------------------------- robustness */

static void test_fuzz_truncated(void **state)
{
	static const char *const names[] = {"oui.csv", "mam.csv", "oui36.csv", "iab.csv"};

	for (size_t f = 0; f < ARRAY_SIZE(names); f++) {
		size_t len;
		char *data = read_fixture(names[f], &len);

		for (size_t cut = 0; cut <= len; cut++)
			load_must_not_crash(data, cut);
		free(data);
	}
}

static void test_fuzz_mutated(void **state)
{
	size_t len;
	char *orig = read_fixture("oui.csv", &len);
	char *data = malloc(len);

	assert_non_null(data);
	rnd_state = 4242;
	for (int iter = 0; iter < 2000; iter++) {
		memcpy(data, orig, len);
		for (int k = 0; k < 1 + (int)(rnd() % 8); k++) {
			static const char interesting[] = "\",\r\n\0AZaz09 ";

			data[rnd() % len] = rnd() % 2
						? (char)rnd()
						: interesting[rnd() % (sizeof(interesting) - 1)];
		}
		load_must_not_crash(data, len);
	}
	free(data);
	free(orig);
}

static void test_fuzz_garbage(void **state)
{
	static const char alphabet[] = "\"\",,,\r\n\n0123456789ABCDEFabcdef MA-L\t\xc3\xa9\xff";
	char data[4096];

	rnd_state = 777;
	for (int iter = 0; iter < 1000; iter++) {
		size_t len = rnd() % sizeof(data);

		for (size_t i = 0; i < len; i++)
			data[i] = rnd() % 16 == 0 ? (char)rnd()
						  : alphabet[rnd() % (sizeof(alphabet) - 1)];
		load_must_not_crash(data, len);
	}
}

/* ------------------------------------------ the installed ieee-data */

#define NEED_REAL_DB()                                                                             \
	do {                                                                                       \
		if (real_db == NULL)                                                               \
			skip();                                                                    \
	} while (0)

static void test_real_counts(void **state)
{
	NEED_REAL_DB();
	assert_true(macvendor_count(real_db) > 40000);
	assert_int_equal(macvendor_skipped(real_db), 0);
	assert_true(macvendor_memory(real_db) < 4 * 1024 * 1024);
}

static void test_real_vmware(void **state)
{
	const uint8_t mac[6] = {0x00, 0x50, 0x56, 0xab, 0xcd, 0xef};
	macvendor_result res;

	NEED_REAL_DB();
	assert_true(macvendor_lookup(real_db, mac, &res));
	assert_non_null(strstr(res.vendor, "VMware"));
	assert_true(res.is_virtual);
	assert_int_equal(res.prefix_bits, 24);
}

static void test_real_hyperv(void **state)
{
	const uint8_t mac[6] = {0x00, 0x15, 0x5d, 0x01, 0x02, 0x03};
	macvendor_result res;

	NEED_REAL_DB();
	assert_true(macvendor_lookup(real_db, mac, &res));
	assert_non_null(strstr(res.vendor, "Microsoft"));
	assert_true(res.is_virtual);
}

static void test_real_virtualbox(void **state)
{
	const uint8_t mac[6] = {0x08, 0x00, 0x27, 0x01, 0x02, 0x03};
	macvendor_result res;

	NEED_REAL_DB();
	assert_true(macvendor_lookup(real_db, mac, &res));
	assert_non_null(res.vendor);
	assert_true(res.is_virtual);
	assert_false(res.local_admin);
}

static void test_real_qemu(void **state)
{
	const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
	macvendor_result res;

	NEED_REAL_DB();
	assert_true(macvendor_lookup(real_db, mac, &res));
	assert_non_null(strstr(res.vendor, "QEMU"));
	assert_true(res.is_virtual);
	assert_true(res.local_admin);
}

static void test_real_cisco(void **state)
{
	const uint8_t mac[6] = {0x00, 0x00, 0x0c, 0x07, 0xac, 0x01};
	macvendor_result res;

	NEED_REAL_DB();
	assert_true(macvendor_lookup(real_db, mac, &res));
	assert_non_null(strstr(res.vendor, "Cisco"));
	assert_false(res.is_virtual);
	assert_false(res.local_admin);
	assert_int_equal(res.prefix_bits, 24);
}

/* 70:B3:D5 is an IEEE-owned MA-L block carved into MA-S assignments. */
static void test_real_ma_s_inside_ma_l(void **state)
{
	const uint8_t mac[6] = {0x70, 0xb3, 0xd5, 0xf2, 0xf0, 0x01};
	macvendor_result res;

	NEED_REAL_DB();
	assert_true(macvendor_lookup(real_db, mac, &res));
	assert_int_equal(res.prefix_bits, 36);
	assert_null(strstr(res.vendor, "IEEE Registration Authority"));
}

static void test_real_local_admin(void **state)
{
	const uint8_t mac[6] = {0x02, 0x00, 0xc6, 0x12, 0x01, 0x0a};
	macvendor_result res;

	NEED_REAL_DB();
	assert_false(macvendor_lookup(real_db, mac, &res));
	assert_true(res.local_admin);
	assert_false(res.is_virtual);
	assert_null(res.vendor);
}

static void test_real_unknown(void **state)
{
	/* EC:FF:FF was unassigned in the 2022 registries */
	const uint8_t mac[6] = {0xec, 0xff, 0xff, 0x00, 0x00, 0x01};

	NEED_REAL_DB();
	assert_unknown(real_db, mac);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fixture_counts),
	    cmocka_unit_test(test_quoted_comma),
	    cmocka_unit_test(test_doubled_quotes),
	    cmocka_unit_test(test_newline_in_quoted_address),
	    cmocka_unit_test(test_control_chars_in_name),
	    cmocka_unit_test(test_longest_prefix_36),
	    cmocka_unit_test(test_prefix_28_around_36),
	    cmocka_unit_test(test_prefix_24_fallback),
	    cmocka_unit_test(test_iab_rows),
	    cmocka_unit_test(test_duplicate_first_wins),
	    cmocka_unit_test(test_malformed_rows_skipped),
	    cmocka_unit_test(test_lowercase_hex_and_last_row),
	    cmocka_unit_test(test_names_interned),
	    cmocka_unit_test(test_local_admin_no_vendor),
	    cmocka_unit_test(test_vm_prefix_not_in_registry),
	    cmocka_unit_test(test_local_admin_vm_prefixes),
	    cmocka_unit_test(test_null_db),
	    cmocka_unit_test(test_hypervisor_names),
	    cmocka_unit_test(test_missing_dir),
	    cmocka_unit_test(test_dir_is_a_file),
	    cmocka_unit_test(test_header_only_is_invalid),
	    cmocka_unit_test(test_overlong_name_skipped),
	    cmocka_unit_test(test_bom_cr_and_bad_utf8),
	    cmocka_unit_test(test_unterminated_quote),
	    cmocka_unit_test(test_fuzz_truncated),
	    cmocka_unit_test(test_fuzz_mutated),
	    cmocka_unit_test(test_fuzz_garbage),
	    cmocka_unit_test(test_real_counts),
	    cmocka_unit_test(test_real_vmware),
	    cmocka_unit_test(test_real_hyperv),
	    cmocka_unit_test(test_real_virtualbox),
	    cmocka_unit_test(test_real_qemu),
	    cmocka_unit_test(test_real_cisco),
	    cmocka_unit_test(test_real_ma_s_inside_ma_l),
	    cmocka_unit_test(test_real_local_admin),
	    cmocka_unit_test(test_real_unknown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
