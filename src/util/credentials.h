/*
 * credentials.h — the credentials file (-c FILE), netcensus.conf(5).
 *
 * INI-style, one section per credential, [snmp NAME] or [ssh NAME], tried in
 * file order. Refused when group- or world-readable (like ssh). Secrets stay
 * in this structure: never logged, stored, exported or put in argv.
 */
#ifndef NC_UTIL_CREDENTIALS_H
#define NC_UTIL_CREDENTIALS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/targets.h"

typedef enum { SNMP_AUTH_NONE = 0, SNMP_AUTH_MD5, SNMP_AUTH_SHA, SNMP_AUTH_SHA224,
	       SNMP_AUTH_SHA256, SNMP_AUTH_SHA384, SNMP_AUTH_SHA512 } snmp_auth_proto;
typedef enum { SNMP_PRIV_NONE = 0, SNMP_PRIV_DES, SNMP_PRIV_AES, SNMP_PRIV_AES192,
	       SNMP_PRIV_AES256 } snmp_priv_proto;

typedef struct {
	char *name;             /* section name, safe to log */
	int version;            /* 1, 2 (for 2c) or 3 */
	char *community;        /* v1/v2c */
	char *user;             /* v3 */
	snmp_auth_proto auth;
	char *auth_pass;
	snmp_priv_proto priv;
	char *priv_pass;
	char *context;          /* v3, or NULL */
	targets_t *targets;     /* NULL: every target */
} cred_snmp;

typedef struct {
	char *name;
	char *user;
	char *key;              /* private key path, or NULL */
	bool key_loaded;        /* key_fd holds the key file's contents, read by
				 * credentials_load() before privileges are
				 * dropped; false when it could not be read then
				 * (the SSH stage tries the path, reports per host) */
	int key_fd;             /* a sealed memfd; use /proc/self/fd/N */
	char *passphrase;       /* or NULL */
	char *password;         /* or NULL */
	bool agent;
	uint16_t port;          /* default 22 */
	bool sudo;
	targets_t *targets;     /* NULL: every target */
} cred_ssh;

typedef struct credentials {
	cred_snmp *snmp;
	size_t nsnmp;
	cred_ssh *ssh;
	size_t nssh;
} credentials_t;

/*
 * Parse path, and read the private key files it names into memory (the scan
 * drops privileges before the SSH stage; the keys may be root's). *out = NULL
 * first. Errors (NC_ERR_PERM for a file readable by group/others or owned by
 * another user than root, the user running netcensus or the user it drops to,
 * NC_ERR_IO, NC_ERR_INVALID) carry a detail naming the file and line, and the
 * command that fixes a refused file; never a secret.
 */
int credentials_load(const char *path, credentials_t **out);
/* Zero the secrets, then free. */
void credentials_free(credentials_t *c);
/* Does a credential with this target list apply to ip? */
bool credentials_applies(const targets_t *targets, uint32_t ip);

#endif
