#include "config.h"

/*
 * test_credentials.c — the credentials file parser on the fixtures in
 * tests/data/credentials/: every key of a good file, and one bad-*.conf
 * per mistake, whose first line says what the error must be:
 *
 *   # expect: LINE: TEXT
 *
 * The error must name the file and that line, contain TEXT, and never
 * contain a secret: every secret in the fixtures has "SECRET" in it.
 * Fixtures are copied to a 0600 temporary file first (git keeps them
 * 0644, which the loader rightly refuses — tested here too).
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "scanner/targets.h"
#include "util/compat.h"
#include "util/credentials.h"
#include "util/err.h"

#ifndef NC_TEST_DATA
#error "NC_TEST_DATA must name the tests/data directory"
#endif

#define FIXTURES NC_TEST_DATA "/credentials"
#define IP(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (d))

/* ------------------------------------------------------------- helpers */

/* Write len bytes to a new temporary file of the given mode; returns its
 * path (static buffer). */
static const char *temp_file(const void *data, size_t len, mode_t mode)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/nc-cred-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	return path;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = calloc(1, 1 << 16);

	assert_non_null(f);
	assert_non_null(buf);
	*len = fread(buf, 1, (1 << 16) - 1, f);
	fclose(f);
	return buf;
}

/* Load a string as a 0600 file; returns the code, *out and the message. */
static int load_text(const char *text, credentials_t **out, char *msg, size_t msglen,
		     char *path_out, size_t pathlen)
{
	const char *path = temp_file(text, strlen(text), 0600);
	int r;

	nc_clear_error();
	r = credentials_load(path, out);
	snprintf(msg, msglen, "%s", r != 0 ? nc_errmsg(r) : "");
	if (path_out != NULL)
		snprintf(path_out, pathlen, "%s", path);
	unlink(path);
	return r;
}

static credentials_t *load_fixture(const char *name)
{
	char fpath[512], msg[512];
	credentials_t *c = NULL;
	size_t len;
	char *text;
	int r;

	snprintf(fpath, sizeof(fpath), "%s/%s", FIXTURES, name);
	text = slurp(fpath, &len);
	r = load_text(text, &c, msg, sizeof(msg), NULL, 0);
	free(text);
	if (r != 0)
		fail_msg("%s: %s", name, msg);
	return c;
}

static const cred_snmp *snmp_named(const credentials_t *c, const char *name)
{
	for (size_t i = 0; i < c->nsnmp; i++)
		if (strcmp(c->snmp[i].name, name) == 0)
			return &c->snmp[i];
	fail_msg("no [snmp %s]", name);
	return NULL;
}

static const cred_ssh *ssh_named(const credentials_t *c, const char *name)
{
	for (size_t i = 0; i < c->nssh; i++)
		if (strcmp(c->ssh[i].name, name) == 0)
			return &c->ssh[i];
	fail_msg("no [ssh %s]", name);
	return NULL;
}

/* --------------------------------------------------------------- good */

static void test_good_all_keys(void **state)
{
	credentials_t *c = load_fixture("good-all.conf");
	const cred_snmp *s;
	const cred_ssh *h;

	(void)state;
	assert_int_equal(c->nsnmp, 5);
	assert_int_equal(c->nssh, 3);
	/* file order is kept: it is the order credentials are tried in */
	assert_string_equal(c->snmp[0].name, "office");
	assert_string_equal(c->snmp[1].name, "monitoring");
	assert_string_equal(c->snmp[4].name, "every-auth");
	assert_string_equal(c->ssh[0].name, "linux-admins");

	s = snmp_named(c, "office");
	assert_int_equal(s->version, 2);
	assert_string_equal(s->community, "SECRET-public-1");
	assert_null(s->user);
	assert_int_equal(s->auth, SNMP_AUTH_NONE);
	assert_non_null(s->targets);
	assert_true(credentials_applies(s->targets, IP(198, 18, 3, 4)));
	assert_true(credentials_applies(s->targets, IP(198, 19, 0, 5)));
	assert_true(credentials_applies(s->targets, IP(198, 19, 0, 40)));
	assert_false(credentials_applies(s->targets, IP(198, 19, 0, 41)));
	assert_false(credentials_applies(s->targets, IP(127, 0, 0, 1)));

	s = snmp_named(c, "monitoring");
	assert_int_equal(s->version, 3);
	assert_string_equal(s->user, "monitor");
	assert_int_equal(s->auth, SNMP_AUTH_SHA256);
	assert_string_equal(s->auth_pass, "SECRET-auth-pass");
	assert_int_equal(s->priv, SNMP_PRIV_AES256);
	assert_string_equal(s->priv_pass, "SECRET-priv-pass");
	assert_string_equal(s->context, "ctx-one");
	assert_null(s->community);
	assert_null(s->targets);
	assert_true(credentials_applies(s->targets, IP(198, 18, 3, 4)));

	s = snmp_named(c, "v1-legacy");
	assert_int_equal(s->version, 1);
	assert_string_equal(s->community, "SECRET #hash; kept");

	s = snmp_named(c, "authonly");
	assert_int_equal(s->version, 3); /* defaulted from the user */
	assert_int_equal(s->auth, SNMP_AUTH_MD5);
	assert_string_equal(s->auth_pass, "SECRET-md5-pass");
	assert_int_equal(s->priv, SNMP_PRIV_NONE);
	assert_null(s->priv_pass);

	s = snmp_named(c, "every-auth");
	assert_int_equal(s->auth, SNMP_AUTH_SHA512);
	assert_int_equal(s->priv, SNMP_PRIV_DES);

	h = ssh_named(c, "linux-admins");
	assert_string_equal(h->user, "inventory");
	assert_string_equal(h->key, "/root/.ssh/inventory_ed25519");
	assert_string_equal(h->passphrase, "SECRET-key-pass");
	assert_null(h->password);
	assert_int_equal(h->port, 2222);
	assert_true(h->sudo);
	assert_false(h->agent);
	assert_true(credentials_applies(h->targets, IP(198, 18, 1, 200)));
	assert_false(credentials_applies(h->targets, IP(198, 18, 2, 1)));

	h = ssh_named(c, "windows");
	/* no blank before the '#': part of the password */
	assert_string_equal(h->password, "SECRET#not-a-comment");
	assert_int_equal(h->port, 22);
	assert_false(h->agent);
	assert_false(h->sudo);

	h = ssh_named(c, "agent-only");
	assert_true(h->agent);
	assert_false(h->sudo);
	assert_null(h->key);
	credentials_free(c);
}

static void test_every_protocol_name(void **state)
{
	static const struct {
		const char *text;
		int auth, priv;
	} cases[] = {
	    {"MD5", SNMP_AUTH_MD5, -1},	       {"SHA", SNMP_AUTH_SHA, -1},
	    {"sha1", SNMP_AUTH_SHA, -1},       {"SHA-224", SNMP_AUTH_SHA224, -1},
	    {"SHA-256", SNMP_AUTH_SHA256, -1}, {"SHA384", SNMP_AUTH_SHA384, -1},
	    {"SHA-512", SNMP_AUTH_SHA512, -1}, {"DES", -1, SNMP_PRIV_DES},
	    {"AES", -1, SNMP_PRIV_AES},	       {"aes-128", -1, SNMP_PRIV_AES},
	    {"AES-192", -1, SNMP_PRIV_AES192}, {"AES256", -1, SNMP_PRIV_AES256},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char text[256], msg[256];
		credentials_t *c = NULL;

		snprintf(text, sizeof(text), "[snmp p]\nuser = u\nauth = %s:SECRET-one-1\n%s%s%s",
			 cases[i].auth >= 0 ? cases[i].text : "SHA",
			 cases[i].priv >= 0 ? "priv = " : "",
			 cases[i].priv >= 0 ? cases[i].text : "",
			 cases[i].priv >= 0 ? ":SECRET-two-2\n" : "");
		if (load_text(text, &c, msg, sizeof(msg), NULL, 0) != 0)
			fail_msg("protocol %s: %s", cases[i].text, msg);
		if (cases[i].auth >= 0)
			assert_int_equal(c->snmp[0].auth, cases[i].auth);
		else
			assert_int_equal(c->snmp[0].priv, cases[i].priv);
		credentials_free(c);
	}
}

static void test_crlf_and_empty(void **state)
{
	credentials_t *c = NULL;
	char msg[256];

	(void)state;
	assert_int_equal(
	    load_text("[snmp a]\r\ncommunity = SECRET-crlf\r\n", &c, msg, sizeof(msg), NULL, 0), 0);
	assert_string_equal(c->snmp[0].community, "SECRET-crlf");
	credentials_free(c);
	/* no final newline */
	assert_int_equal(
	    load_text("[snmp a]\ncommunity = SECRET-eof", &c, msg, sizeof(msg), NULL, 0), 0);
	assert_string_equal(c->snmp[0].community, "SECRET-eof");
	credentials_free(c);
	/* an empty file (or only comments) is no credentials, not an error */
	assert_int_equal(load_text("# nothing yet\n", &c, msg, sizeof(msg), NULL, 0), 0);
	assert_int_equal(c->nsnmp + c->nssh, 0);
	credentials_free(c);
	credentials_free(NULL);
}

/* ---------------------------------------------------------------- bad */

/* Every bad-*.conf: refused with NC_ERR_INVALID, "PATH:LINE: ...TEXT...",
 * and not a byte of any secret. */
static void test_bad_fixtures(void **state)
{
	DIR *d = opendir(FIXTURES);
	struct dirent *e;
	size_t n = 0;

	(void)state;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		char fpath[512], path[64], msg[1024], where[128], *text, *expect, *colon;
		credentials_t *c = (credentials_t *)1;
		size_t len;
		long line;
		int r;

		if (strncmp(e->d_name, "bad-", 4) != 0)
			continue;
		snprintf(fpath, sizeof(fpath), "%s/%s", FIXTURES, e->d_name);
		text = slurp(fpath, &len);
		if (strncmp(text, "# expect: ", 10) != 0)
			fail_msg("%s: first line must be '# expect: LINE: TEXT'", e->d_name);
		line = strtol(text + 10, &colon, 10);
		assert_true(line > 0 && *colon == ':');
		expect = strndup(colon + 2, strcspn(colon + 2, "\n"));
		r = load_text(text, &c, msg, sizeof(msg), path, sizeof(path));
		if (r != NC_ERR_INVALID)
			fail_msg("%s: got %d (%s), expected NC_ERR_INVALID", e->d_name, r, msg);
		assert_null(c);
		snprintf(where, sizeof(where), "%s:%ld: ", path, line);
		if (strncmp(msg, where, strlen(where)) != 0)
			fail_msg("%s: '%s' does not start with '%s'", e->d_name, msg, where);
		if (strstr(msg, expect) == NULL)
			fail_msg("%s: '%s' does not say '%s'", e->d_name, msg, expect);
		if (strstr(msg, "SECRET") != NULL || strstr(msg, "S3CR3T") != NULL)
			fail_msg("%s: the error shows a secret: '%s'", e->d_name, msg);
		free(expect);
		free(text);
		n++;
	}
	closedir(d);
	assert_true(n >= 30);
}

/* A secret that looks like anything else never leaks either: try every
 * key with a value that is wrong in some way. */
static void test_secret_never_in_errors(void **state)
{
	static const char *const lines[] = {
	    "community = SECRET-x\ncommunity = SECRET-y",
	    "auth = SECRET-x",
	    "auth = SECRET:SECRET-long-pass",
	    "auth = SHA:SECRET",
	    "priv = SECRET-x",
	    "priv = SECRET:SECRET-long-pass",
	    "version = 3\npriv = AES:SECRET-long-pass",
	    "community = \"SECRET",
	    "community = \"SECRET\" SECRET",
	    "SECRET",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(lines); i++) {
		char text[256], msg[512];
		credentials_t *c = NULL;

		snprintf(text, sizeof(text), "[snmp s]\nuser = u\n%s\n", lines[i]);
		if (load_text(text, &c, msg, sizeof(msg), NULL, 0) == 0)
			fail_msg("case %zu: accepted", i);
		if (strstr(msg, "SECRET") != NULL)
			fail_msg("case %zu: the error shows a secret: '%s'", i, msg);
	}
}

static void test_nul_byte(void **state)
{
	static const char text[] = "[snmp a]\ncommunity = SECRET\0-x\n";
	const char *path = temp_file(text, sizeof(text) - 1, 0600);
	credentials_t *c = NULL;
	int r = credentials_load(path, &c);

	(void)state;
	assert_int_equal(r, NC_ERR_INVALID);
	assert_non_null(strstr(nc_errmsg(r), "NUL"));
	assert_null(strstr(nc_errmsg(r), "SECRET"));
	unlink(path);
}

/* ------------------------------------------------------------ the file */

static void test_permissions(void **state)
{
	static const char text[] = "[snmp a]\ncommunity = SECRET-perm\n";
	static const mode_t refused[] = {0644, 0640, 0604, 0660, 0606, 0610, 0601, 0770};
	credentials_t *c = NULL;
	char want[256];
	const char *path;
	int r;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(refused); i++) {
		path = temp_file(text, sizeof(text) - 1, refused[i]);
		r = credentials_load(path, &c);
		if (r != NC_ERR_PERM)
			fail_msg("mode %o: got %d, expected NC_ERR_PERM", (unsigned)refused[i], r);
		assert_null(c);
		snprintf(want, sizeof(want),
			 "credentials file %s is accessible by group or others (chmod 600 %s)", path,
			 path);
		assert_string_equal(nc_errmsg(r), want);
		unlink(path);
	}
	/* owner-only modes are fine, even read-only */
	path = temp_file(text, sizeof(text) - 1, 0600);
	assert_int_equal(credentials_load(path, &c), 0);
	credentials_free(c);
	unlink(path);
	path = temp_file(text, sizeof(text) - 1, 0400);
	assert_int_equal(credentials_load(path, &c), 0);
	credentials_free(c);
	unlink(path);
}

static void test_file_errors(void **state)
{
	credentials_t *c = (credentials_t *)1;
	char *big;
	const char *path;
	size_t n = (1u << 20) + 1;
	int r;

	(void)state;
	r = credentials_load("/nonexistent/netcensus-creds", &c);
	assert_int_equal(r, NC_ERR_IO);
	assert_null(c);
	assert_non_null(strstr(nc_errmsg(r), "/nonexistent/netcensus-creds"));
	/* a directory is not a credentials file */
	r = credentials_load("/", &c);
	assert_true(r == NC_ERR_IO || r == NC_ERR_PERM);
	/* bounded: a file past 1 MiB is refused, not read */
	big = malloc(n);
	assert_non_null(big);
	memset(big, '#', n);
	path = temp_file(big, n, 0600);
	r = credentials_load(path, &c);
	assert_int_equal(r, NC_ERR_TOOBIG);
	unlink(path);
	free(big);
}

/* A file owned by another user (not root, not us) could point our secrets
 * at a host of theirs: refused, with the fix. Needs root to chown. */
static void test_owner(void **state)
{
	static const char text[] = "[snmp a]\ncommunity = SECRET-owner\n";
	credentials_t *c = NULL;
	const char *path;
	char want[512];
	int r;

	(void)state;
	if (geteuid() != 0)
		skip();
	path = temp_file(text, sizeof(text) - 1, 0600);
	assert_int_equal(chown(path, 65534, (gid_t)-1), 0);
	r = credentials_load(path, &c);
	assert_int_equal(r, NC_ERR_PERM);
	assert_null(c);
	snprintf(want, sizeof(want),
		 "credentials file %s belongs to uid 65534, neither root nor the user netcensus "
		 "runs as (chown root %s, or copy it)", path, path);
	assert_string_equal(nc_errmsg(r), want);
	assert_null(strstr(nc_errmsg(r), "SECRET"));
	/* root's own file is fine */
	assert_int_equal(chown(path, 0, (gid_t)-1), 0);
	assert_int_equal(credentials_load(path, &c), 0);
	credentials_free(c);
	unlink(path);
}

/* The private key is read at load time (before a scan drops privileges);
 * one that cannot be read then is left to the SSH stage, by path. */
static void test_key_read_at_load(void **state)
{
	static const char key[] = "-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-real-key\n";
	char text[512], key_path[64], fdpath[64], back[256], *big;
	int fd;
	const char *path;
	credentials_t *c = NULL;
	size_t n = (64u << 10) + 1;

	(void)state;
	/* temp_file() returns a static buffer: keep a copy of the key's path */
	snprintf(key_path, sizeof(key_path), "%s", temp_file(key, sizeof(key) - 1, 0600));
	snprintf(text, sizeof(text), "[ssh k]\nuser = u\nkey = %s\n", key_path);
	path = temp_file(text, strlen(text), 0600);
	assert_int_equal(credentials_load(path, &c), 0);
	assert_int_equal(c->nssh, 1);
	assert_string_equal(c->ssh[0].key, key_path);
	assert_true(c->ssh[0].key_loaded);
	/* the copy reads back through /proc/self/fd, and is sealed */
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", c->ssh[0].key_fd);
	fd = open(fdpath, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, back, sizeof(back)), (ssize_t)(sizeof(key) - 1));
	assert_memory_equal(back, key, sizeof(key) - 1);
	close(fd);
	assert_true(write(c->ssh[0].key_fd, "x", 1) < 0);
	credentials_free(c);
	/* gone: still a valid file, the SSH stage will report the key */
	unlink(key_path);
	assert_int_equal(credentials_load(path, &c), 0);
	assert_non_null(c->ssh[0].key);
	assert_false(c->ssh[0].key_loaded);
	credentials_free(c);
	unlink(path);
	/* bounded: a "key" past 64 KiB is not read */
	big = malloc(n);
	assert_non_null(big);
	memset(big, 'k', n);
	snprintf(key_path, sizeof(key_path), "%s", temp_file(big, n, 0600));
	free(big);
	snprintf(text, sizeof(text), "[ssh k]\nuser = u\nkey = %s\n", key_path);
	path = temp_file(text, strlen(text), 0600);
	assert_int_equal(credentials_load(path, &c), 0);
	assert_false(c->ssh[0].key_loaded);
	credentials_free(c);
	unlink(path);
	unlink(key_path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good_all_keys),
	    cmocka_unit_test(test_every_protocol_name),
	    cmocka_unit_test(test_crlf_and_empty),
	    cmocka_unit_test(test_bad_fixtures),
	    cmocka_unit_test(test_secret_never_in_errors),
	    cmocka_unit_test(test_nul_byte),
	    cmocka_unit_test(test_permissions),
	    cmocka_unit_test(test_file_errors),
	    cmocka_unit_test(test_owner),
	    cmocka_unit_test(test_key_read_at_load),
	};

	return cmocka_run_group_tests_name("credentials", tests, NULL, NULL);
}
