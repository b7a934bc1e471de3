#include "config.h"

/*
 * test_ssh_session.c — the pure parts of the SSH session layer: base64,
 * SHA256 fingerprints as ssh-keygen -l prints them, key type names, and the
 * known_hosts trust store (plain, wildcard, negated, [host]:port, hashed
 * |1|salt|hash lines written by ssh-keygen -H, @revoked, junk).
 *
 * The keys and hashed lines below were made with OpenSSH 9.2's ssh-keygen
 * (ssh-keygen -t ed25519; ssh-keygen -lf; ssh-keygen -H), so the expected
 * values come from OpenSSH, not from this code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fingerprint/ssh_session.h"
#include "util/compat.h"

#define K1 "AAAAC3NzaC1lZDI1NTE5AAAAII1vLplEe/e68bkrErnbL5aOckfd3tdTYi8DtJHTevKg"
#define K1_FP "SHA256:aiHI+rSIGfsEkXWYGBB8EhDDag4hOsHyqI7kklNPYU0"
#define K2 "AAAAC3NzaC1lZDI1NTE5AAAAINqbt/o77vsgWVVZYubfHVlJTTn9GGF1g6xcONq7XMtJ"
#define K2_FP "SHA256:bmHEJra3ONGfgjXGLkkzT4BRzvFEZcD8x32VjKLuiKk"
/* ssh-keygen -H of "198.18.6.9 K1" and "[198.18.6.9]:2222 K2" */
#define H1 "|1|ZBq/rBaEKDpsB8wuwH/HEA7/jt8=|DZDSDhHRQCfG0uPLOzQ5akP4lD0="
#define H2 "|1|XEggAbrnlSTqqtkE1N23BUMfJqI=|+hR6pY+6ZnmdTOVel1xjlbsO6aQ="

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static size_t blob(const char *b64, uint8_t *out, size_t size)
{
	long n = ssh_base64_decode(b64, strlen(b64), out, size);

	assert_true(n > 0);
	return (size_t)n;
}

static void test_base64(void **state)
{
	uint8_t out[16];

	(void)state;
	assert_int_equal(ssh_base64_decode("aGVsbG8=", 8, out, sizeof(out)), 5);
	assert_memory_equal(out, "hello", 5);
	assert_int_equal(ssh_base64_decode("aGVsbG8", 7, out, sizeof(out)), 5);
	assert_int_equal(ssh_base64_decode("", 0, out, sizeof(out)), 0);
	assert_int_equal(ssh_base64_decode("aGV$bG8=", 8, out, sizeof(out)), -1);
	assert_int_equal(ssh_base64_decode("a", 1, out, sizeof(out)), -1);
	assert_int_equal(ssh_base64_decode("aGVsbG8=", 8, out, 4), -1); /* does not fit */
}

static void test_fingerprint(void **state)
{
	uint8_t k[128];
	size_t kl = blob(K1, k, sizeof(k));
	char fp[SSH_FP_MAX], type[32];

	(void)state;
	assert_int_equal(ssh_fingerprint_sha256(k, kl, fp, sizeof(fp)), 0);
	assert_string_equal(fp, K1_FP);
	assert_int_equal(ssh_key_type_name(k, kl, type, sizeof(type)), 0);
	assert_string_equal(type, "ssh-ed25519");
	kl = blob(K2, k, sizeof(k));
	assert_int_equal(ssh_fingerprint_sha256(k, kl, fp, sizeof(fp)), 0);
	assert_string_equal(fp, K2_FP);
	assert_int_not_equal(ssh_fingerprint_sha256(k, kl, fp, 20), 0); /* too small */
	assert_int_not_equal(ssh_key_type_name(k, 3, type, sizeof(type)), 0);
	assert_int_not_equal(ssh_key_type_name((const uint8_t *)"\0\0\1\0ab", 6, type,
					       sizeof(type)), 0); /* length past the end */
}

static int check(const ssh_known_hosts *kh, uint32_t ip, uint16_t port, const char *keyb64,
		 char *old_fp)
{
	uint8_t k[128];
	size_t kl = blob(keyb64, k, sizeof(k));
	char fp[SSH_FP_MAX];

	ssh_fingerprint_sha256(k, kl, fp, sizeof(fp));
	old_fp[0] = '\0';
	return ssh_known_hosts_check((void *)kh, ip, port, "ssh-ed25519", fp, k, kl, old_fp,
				     SSH_FP_MAX);
}

static void test_known_hosts_plain(void **state)
{
	static const char text[] =
		"# comment\n"
		"\n"
		"198.18.6.2,nc-host ssh-ed25519 " K1 " root@lab\n"
		"[198.18.6.2]:2222 ssh-ed25519 " K2 "\r\n"
		"198.18.7.* ssh-ed25519 " K1 "\n"
		"!198.18.8.5,198.18.8.? ssh-ed25519 " K1 "\n"
		"@cert-authority * ssh-ed25519 " K2 "\n"
		"garbage line\n"
		"198.18.9.1 ssh-ed25519 !!notbase64!!\n"
		"198.18.9.2 ssh-ed25519";
	ssh_known_hosts *kh = NULL;
	char old[SSH_FP_MAX];

	(void)state;
	assert_int_equal(ssh_known_hosts_parse(text, strlen(text), &kh), 0);
	assert_int_equal(ssh_known_hosts_count(kh), 4);
	assert_int_equal(check(kh, IP(198, 18, 6, 2), 22, K1, old), SSH_HOSTKEY_KNOWN_MATCH);
	assert_int_equal(check(kh, IP(198, 18, 6, 2), 22, K2, old), SSH_HOSTKEY_CHANGED);
	assert_string_equal(old, K1_FP);
	assert_int_equal(check(kh, IP(198, 18, 6, 2), 2222, K2, old), SSH_HOSTKEY_KNOWN_MATCH);
	assert_int_equal(check(kh, IP(198, 18, 6, 2), 2222, K1, old), SSH_HOSTKEY_CHANGED);
	assert_string_equal(old, K2_FP);
	assert_int_equal(check(kh, IP(198, 18, 6, 3), 22, K2, old), SSH_HOSTKEY_UNKNOWN);
	assert_int_equal(check(kh, IP(198, 18, 6, 3), 2222, K1, old), SSH_HOSTKEY_UNKNOWN);
	assert_int_equal(check(kh, IP(198, 18, 7, 200), 22, K1, old), SSH_HOSTKEY_KNOWN_MATCH);
	assert_int_equal(check(kh, IP(198, 18, 7, 200), 22, K2, old), SSH_HOSTKEY_CHANGED);
	assert_int_equal(check(kh, IP(198, 18, 8, 4), 22, K1, old), SSH_HOSTKEY_KNOWN_MATCH);
	assert_int_equal(check(kh, IP(198, 18, 8, 5), 22, K1, old), SSH_HOSTKEY_UNKNOWN);
	assert_int_equal(check(kh, IP(198, 18, 8, 40), 22, K1, old), SSH_HOSTKEY_UNKNOWN);
	ssh_known_hosts_free(kh);
}

static void test_known_hosts_hashed(void **state)
{
	static const char text[] = H1 " ssh-ed25519 " K1 "\n" H2 " ssh-ed25519 " K2 "\n";
	ssh_known_hosts *kh = NULL;
	char old[SSH_FP_MAX];

	(void)state;
	assert_int_equal(ssh_known_hosts_parse(text, strlen(text), &kh), 0);
	assert_int_equal(ssh_known_hosts_count(kh), 2);
	assert_int_equal(check(kh, IP(198, 18, 6, 9), 22, K1, old), SSH_HOSTKEY_KNOWN_MATCH);
	assert_int_equal(check(kh, IP(198, 18, 6, 9), 22, K2, old), SSH_HOSTKEY_CHANGED);
	assert_string_equal(old, K1_FP);
	assert_int_equal(check(kh, IP(198, 18, 6, 9), 2222, K2, old), SSH_HOSTKEY_KNOWN_MATCH);
	assert_int_equal(check(kh, IP(198, 18, 6, 10), 22, K1, old), SSH_HOSTKEY_UNKNOWN);
	ssh_known_hosts_free(kh);
}

static void test_known_hosts_revoked(void **state)
{
	static const char text[] = "@revoked * ssh-ed25519 " K2 "\n"
				   "198.18.6.2 ssh-ed25519 " K2 "\n";
	ssh_known_hosts *kh = NULL;
	char old[SSH_FP_MAX];

	(void)state;
	assert_int_equal(ssh_known_hosts_parse(text, strlen(text), &kh), 0);
	assert_int_equal(check(kh, IP(198, 18, 6, 2), 22, K2, old), SSH_HOSTKEY_CHANGED);
	assert_int_equal(check(kh, IP(198, 18, 6, 3), 22, K2, old), SSH_HOSTKEY_CHANGED);
	assert_int_equal(check(kh, IP(198, 18, 6, 3), 22, K1, old), SSH_HOSTKEY_UNKNOWN);
	ssh_known_hosts_free(kh);
}

static void test_known_hosts_missing_file(void **state)
{
	ssh_known_hosts *kh = NULL;

	(void)state;
	assert_int_equal(ssh_known_hosts_load("/nonexistent/known_hosts", &kh), 0);
	assert_int_equal(ssh_known_hosts_count(kh), 0);
	ssh_known_hosts_free(kh);
}

static void test_status_names(void **state)
{
	(void)state;
	assert_string_equal(ssh_status_str(SSH_ST_OK), "ok");
	assert_string_equal(ssh_status_str(SSH_ST_HOSTKEY_CHANGED), "hostkey-changed");
	assert_string_equal(ssh_status_str(-1), "unknown");
	assert_string_equal(ssh_status_str(999), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_fingerprint),
		cmocka_unit_test(test_known_hosts_plain),
		cmocka_unit_test(test_known_hosts_hashed),
		cmocka_unit_test(test_known_hosts_revoked),
		cmocka_unit_test(test_known_hosts_missing_file),
		cmocka_unit_test(test_status_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
