/*
 * facts_store.h — what fingerprinting learned, into the inventory and back.
 *
 * Writing, during a scan (the writer lock is held; see store.h):
 *
 *   inventory_begin_scan()
 *   inventory_record_results()     hosts, observations, ports
 *   inventory_record_facts()       facts, verdicts, services, software,
 *                                  hardware of the hosts just recorded
 *   inventory_finish_scan()
 *
 * Reading, for `show` and the exporters: query_host_detail() gathers
 * everything one scan knows about one host.  Strings are cleaned of control
 * characters like every string of query.h.
 */
#ifndef NC_INVENTORY_FACTS_STORE_H
#define NC_INVENTORY_FACTS_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "fingerprint/facts.h"
#include "inventory/db.h"
#include "inventory/query.h"

/*
 * Store the fingerprint results of hosts[0..n) in scan scan_id, in one
 * transaction: nothing is written if anything fails.  Each host is found
 * through the observation inventory_record_results() made of its address
 * in this scan; a host that scan did not record is skipped.  For each host
 * the verdict (fingerprint/verdict.h) is computed and stored with every
 * fact, service, software package and hardware item; recording a host
 * again replaces what was stored for it in this scan.  Facts whose key
 * names a secret (community, password, passphrase, secret) are dropped.
 *
 * The scan must be running and this process must hold the writer lock
 * (inventory_begin_scan() took it): NC_ERR_INVALID / NC_ERR_NOT_FOUND
 * otherwise; NC_ERR_DB from SQLite. Not thread-safe against adders of the
 * same host_facts: call it once fingerprinting is done.
 */
int inventory_record_facts(inventory_t *inv, int64_t scan_id, host_facts *const *hosts, size_t n);

/* Does a fact key name a secret (community, password, passphrase, secret,
 * token, private_key, anywhere in it, any case)? The writer drops such
 * facts; the exporters skip them again, since a database written by
 * anything else is not trusted to have done so. */
bool fact_key_names_secret(const char *key);

typedef struct {
	char *field; /* a verdict_field_name(): "hostname", "os.name", ... */
	char *value;
	char *source;	/* a fact_source_name() */
	int confidence; /* 0-100; -1 unknown */
} verdict_row;

typedef struct {
	char *key;
	char *value;
	char *source;
	int confidence; /* 0-100; -1 unknown */
} fact_row;

typedef struct {
	char *proto; /* "tcp", "udp" */
	uint16_t port;
	char *name, *product, *version, *info, *banner; /* each may be NULL */
	char *source;
} service_row;

typedef struct {
	char *name;			       /* never NULL */
	char *version, *vendor, *install_date; /* each may be NULL */
	char *source;
	char *arch;	    /* NULL unknown */
	int64_t size_bytes; /* -1 unknown */
} software_row;

typedef struct {
	char *kind; /* "cpu", "memory", "storage", "nic", "device", "entity", "printer", ... */
	char *name, *vendor, *model, *serial, *firmware, *extra; /* each may be NULL */
	int64_t size_bytes, used_bytes;				 /* -1 unknown */
	char *source;
} hardware_row;

typedef struct {
	int64_t scan_id;   /* the scan read (the one asked for, or the newest) */
	host_row host;	   /* that scan's observation: address, MAC, reasons, TTL,
			    * RTT, ports, hostname/os/device_type/vendor */
	double first_seen; /* the host across all scans; 0 unknown */
	double last_seen;
	verdict_row *verdicts; /* in verdict_field order */
	size_t nverdicts;
	fact_row *facts; /* as recorded */
	size_t nfacts;
	service_row *services; /* by proto, then port */
	size_t nservices;
	software_row *software; /* by name, then version */
	size_t nsoftware;
	hardware_row *hardware; /* grouped by kind (cpu, memory, storage, nic,
				 * device, entity, printer, then others by
				 * name), as recorded within a kind */
	size_t nhardware;
} host_detail;

/*
 * Everything scan scan_id knows about the host host_spec names: an IPv4
 * address, a MAC ("aa:bb:cc:dd:ee:ff", '-' or ':' separated, any case),
 * or a hostname (the verdict "hostname", or hostname.domain; any case).
 * With scan_id 0, the newest scan that has the host and is not running.
 * out is zeroed first; on success the caller frees it with
 * query_host_detail_free().
 *
 * Errors: NC_ERR_NOT_FOUND "no host 'X' in scan N" (N: the scan asked for,
 * else the newest finished one) or "no scan N in DB" / "no finished scan
 * in DB"; NC_ERR_INVALID when a hostname or MAC names several hosts of the
 * scan (the detail lists their addresses); NC_ERR_DB, NC_ERR_NOMEM.
 */
int query_host_detail(inventory_t *inv, int64_t scan_id, const char *host_spec, host_detail *out);
void query_host_detail_free(host_detail *d);

/* Sort verdict rows in verdict_field order (fingerprint/verdict.h), names
 * it does not know last, by name. */
void verdict_rows_sort(verdict_row *rows, size_t n);

/* The value of a verdict field ("hostname", "domain", ...) or NULL. */
const char *host_detail_verdict(const host_detail *d, const char *field);

#endif
