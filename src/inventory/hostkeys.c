/*
 * hostkeys.c — SSH host keys checked against earlier scans (see hostkeys.h).
 */
#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "fingerprint/ssh_session.h"
#include "inventory/hostkeys.h"
#include "util/parse.h"

void inventory_hostkeys_init(inventory_hostkeys *hk, inventory_t *inv, int64_t scan_id)
{
	hk->inv = inv;
	hk->scan_id = scan_id;
	pthread_mutex_init(&hk->lock, NULL);
}

void inventory_hostkeys_destroy(inventory_hostkeys *hk)
{
	pthread_mutex_destroy(&hk->lock);
}

/* The type and fingerprint trusted for an address: from the newest other
 * scan in which the key was accepted (status known or new). */
static const char trusted_sql[] =
    "SELECT t.value, f.value FROM host_scans hs"
    " JOIN facts s ON s.scan_id = hs.scan_id AND s.host_id = hs.host_id"
    "   AND s.key = 'ssh.hostkey.status' AND s.value IN ('known', 'new')"
    " JOIN facts t ON t.scan_id = hs.scan_id AND t.host_id = hs.host_id"
    "   AND t.key = 'ssh.hostkey.type'"
    " JOIN facts f ON f.scan_id = hs.scan_id AND f.host_id = hs.host_id"
    "   AND f.key = 'ssh.hostkey.sha256'"
    " WHERE hs.address = ?1 AND hs.scan_id <> ?2"
    " ORDER BY hs.scan_id DESC LIMIT 1";

int inventory_hostkey_check(void *ctx, uint32_t ip, uint16_t port, const char *key_type,
			    const char *fingerprint_sha256, const uint8_t *key, size_t keylen,
			    char *old_fp, size_t old_fp_size)
{
	inventory_hostkeys *hk = ctx;
	sqlite3_stmt *st = NULL;
	char addr[16];
	int answer = SSH_HOSTKEY_CHANGED; /* fail closed */
	int rc;

	(void)port;
	(void)key;
	(void)keylen;
	format_ipv4(ip, addr, sizeof(addr));
	pthread_mutex_lock(&hk->lock);
	if (sqlite3_prepare_v2(inventory_sqlite(hk->inv), trusted_sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(st, 1, addr, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, hk->scan_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		answer = SSH_HOSTKEY_UNKNOWN;
	} else if (rc == SQLITE_ROW) {
		const char *type = (const char *)sqlite3_column_text(st, 0);
		const char *fp = (const char *)sqlite3_column_text(st, 1);

		if (type == NULL || fp == NULL) {
			answer = SSH_HOSTKEY_CHANGED;
		} else if (strcmp(type, key_type) != 0) {
			/* as OpenSSH: a key of another type is not recorded yet */
			answer = SSH_HOSTKEY_UNKNOWN;
		} else if (strcmp(fp, fingerprint_sha256) == 0) {
			answer = SSH_HOSTKEY_KNOWN_MATCH;
		} else {
			snprintf(old_fp, old_fp_size, "%s", fp);
			answer = SSH_HOSTKEY_CHANGED;
		}
	}
out:
	sqlite3_finalize(st);
	pthread_mutex_unlock(&hk->lock);
	return answer;
}
