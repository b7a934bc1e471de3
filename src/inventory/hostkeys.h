/*
 * hostkeys.h — the inventory as the SSH host-key trust store.
 *
 * The first key seen for a host is the one recorded in the inventory (the
 * facts ssh.hostkey.type/.sha256 of a scan where ssh.hostkey.status was
 * "known" or "new"); a later scan compares against the newest such record.
 * A key recorded while it was reported "changed" is never trusted, so a
 * changed key stays changed scan after scan until someone deals with it.
 */
#ifndef NC_INVENTORY_HOSTKEYS_H
#define NC_INVENTORY_HOSTKEYS_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "inventory/db.h"

typedef struct {
	inventory_t *inv;
	int64_t scan_id;       /* the scan being written: not a trust source */
	pthread_mutex_t lock;  /* SSH workers call in concurrently */
} inventory_hostkeys;

void inventory_hostkeys_init(inventory_hostkeys *hk, inventory_t *inv, int64_t scan_id);
void inventory_hostkeys_destroy(inventory_hostkeys *hk);

/* An ssh_hostkey_check_fn (fingerprint/ssh_session.h) over the inventory;
 * ctx is an inventory_hostkeys. On a database error it answers CHANGED
 * (fail closed: no secret is offered). */
int inventory_hostkey_check(void *ctx, uint32_t ip, uint16_t port, const char *key_type,
			    const char *fingerprint_sha256, const uint8_t *key, size_t keylen,
			    char *old_fp, size_t old_fp_size);

#endif
