/*
 * fingerprint.h — the stage after discovery: describe every live host.
 *
 * For the hosts discovery found, fingerprint_run() gathers evidence from
 * every source at once — the discovery TTL, the MAC vendor, service banners
 * (one event loop), SNMP (a worker pool) and NetBIOS (one UDP socket) — into
 * one host_facts per host. Every step has a timeout; a stop request ends it
 * early with what was gathered. The verdict and storage come after
 * (verdict.h, inventory/facts_store.h).
 */
#ifndef NC_FINGERPRINT_FINGERPRINT_H
#define NC_FINGERPRINT_FINGERPRINT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fingerprint/facts.h"
#include "scanner/results.h"
#include "util/credentials.h"

typedef struct {
	const credentials_t *creds;  /* may be NULL: no SNMP */
	const struct rules *rules;   /* from fingerprint_load_rules(); may be NULL */
	const char *ieee_dir;        /* IEEE OUI CSV files */
	int timeout_ms;              /* per connection step / SNMP request */
	int max_connections;         /* banner connections open at once */
	int snmp_workers;            /* SNMP threads */
	/* SSH inventory ([ssh] sections of creds): host-key policy and store */
	int ssh_hostkeys;            /* ssh_hostkey_policy */
	int (*ssh_hostkey_check)(void *ctx, uint32_t ip, uint16_t port, const char *key_type,
				 const char *fp, const uint8_t *key, size_t keylen, char *old_fp,
				 size_t old_fp_size);
	void *ssh_hostkey_ctx;
	/* accept-new accepted an unknown key (NULL: the store learns nothing) */
	void (*ssh_hostkey_accept)(void *ctx, uint32_t ip, uint16_t port, const char *key_type,
				   const uint8_t *key, size_t keylen);
	int ssh_parallel;            /* SSH sessions at once */
	volatile sig_atomic_t *stop;
	void (*notice)(const char *msg); /* one-line notices for the user */
} fingerprint_config;

typedef struct {
	host_facts **hosts;          /* one per live host, in address order */
	size_t n;
} fingerprint_result;

/*
 * Fingerprint every host in disc. *out is filled even on error (with what
 * was gathered); free it with fingerprint_result_free(). Errors: NC_ERR_NOMEM,
 * NC_ERR_INVALID (a rules directory that does not load, with a detail).
 */
/*
 * Load the rules: user_dir (--rules; may be NULL) first, so a user's rules
 * win, then ours (rules_default_dir()). A user_dir that does not load is an
 * error (the caller stops before scanning); ours missing is only a notice.
 * Fingerprints whose pattern PCRE2 cannot compile are skipped with a notice.
 */
int fingerprint_load_rules(const char *user_dir, void (*notice)(const char *msg),
			   struct rules **out);

int fingerprint_run(const fingerprint_config *cfg, results_t *disc, fingerprint_result *out);
void fingerprint_result_free(fingerprint_result *r);

/* The evidence discovery itself gives: TTL guess, MAC vendor. Exposed for
 * tests. db may be NULL. */
struct macvendor_db;
void fingerprint_discovery_facts(host_facts *hf, const host_result *h,
				 const struct macvendor_db *db);

#endif
