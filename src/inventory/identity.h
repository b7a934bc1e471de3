/*
 * identity.h — one host across scans and address changes.
 *
 * inventory_record_results() (store.h) gives every address a scan sees a
 * provisional host id (by MAC, else by address).  Once the scan's facts are
 * in, inventory_finish_scan() calls identity_resolve_scan(), which looks at
 * each observation of the scan with every key it carries and moves it to
 * the host those keys name, strongest key first:
 *
 *   uuid      DMI system UUID (SSH dmi, SNMP/SMB)           strongest
 *   serial    DMI system / chassis serial
 *   ssh       SSH host key "TYPE SHA256:...", unless the scan reported the
 *             key "changed" (such a key never joins two observations)
 *   mac       the MAC address
 *   smb       NetBIOS computer name + domain ("NAME\DOMAIN", upper case)
 *   snmp      SNMP engine id (hex)
 *   hostname  the hostname verdict: corroborates, never matches alone
 *   address   the IPv4 address the host was last seen at     weakest
 *
 * A candidate host is one that shares a key with the observation; it is
 * accepted through the strongest kind on which it agrees, and refused when
 * a stronger kind disagrees (both sides have that kind, no value in
 * common).  A MAC that is virtual — a well-known hypervisor prefix, or a
 * locally administered address (randomised, containers) — also loses to a
 * different SMB name or hostname.  Among the accepted candidates the one
 * agreeing through the strongest kind wins, then the one agreeing on more
 * kinds, then the one seen last.  Junk never counts as a key: placeholder
 * DMI values ("To be filled by O.E.M.", "Not Specified", "Default string",
 * "System Serial Number", "None", "0", ...), all-zero/all-FF UUIDs, the
 * zero, broadcast and multicast MACs.  A host is observed at most once per
 * scan: a host another observation of the scan already holds is no
 * candidate.
 *
 * Resolution also keeps hosts.first_seen/last_seen/first_scan/last_scan,
 * records the host's keys (host_keys), compares the observation with the
 * host's previous one and logs each field that changed (host_changes:
 * address, mac and every verdict field, when both values are known), and
 * records a changed SSH host key as an event.
 */
#ifndef NC_INVENTORY_IDENTITY_H
#define NC_INVENTORY_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inventory/db.h"

/*
 * Resolve every observation of scan scan_id (see the file comment), inside
 * the caller's transaction (the writer lock held, BEGIN done). Resolving a
 * scan twice is harmless. 0, NC_ERR_DB, NC_ERR_NOMEM.
 */
int identity_resolve_scan(inventory_t *inv, int64_t scan_id);

/*
 * Fill host_keys for the hosts of a database migrated to schema 3: the keys
 * of each host's newest observation and of its newest fingerprinted one,
 * and every MAC it was ever seen with.
 * No hosts are merged and no change log is made up. Inside the migration's
 * transaction. 0, NC_ERR_DB, NC_ERR_NOMEM.
 */
int identity_backfill(inventory_t *inv);

/*
 * Key normalisation, exposed for tests. Each writes the canonical form of
 * in to out (len bytes) and returns true, or returns false for a value that
 * is no key (junk, placeholder, malformed, too long).
 *   MAC: "aa:bb:cc:dd:ee:ff" lower case; not zero, broadcast or multicast.
 *   UUID: 32 hex digits with the usual dashes, lower case.
 *   serial: trimmed; at least 4 characters; not a placeholder.
 */
bool identity_mac_key(const char *in, char *out, size_t len);
bool identity_uuid_key(const char *in, char *out, size_t len);
bool identity_serial_key(const char *in, char *out, size_t len);
/* A normalised MAC from a hypervisor's well-known prefix, or locally
 * administered. */
bool identity_mac_is_virtual(const char *mac);

/* ---- reading ------------------------------------------------------------ */

typedef struct {
	int64_t scan_id;
	double at;	 /* the scan's start time */
	char *kind;	 /* "change" or "event" */
	char *field;	 /* "address", "mac", "os.name", ...; an event's kind */
	char *old_value; /* NULL for events */
	char *new_value; /* an event's detail */
} host_history_row;

typedef struct {
	int64_t host_id;
	double first_seen, last_seen;  /* 0 unknown */
	int64_t first_scan, last_scan; /* 0 unknown (first_scan: pruned) */
	int64_t scans;		       /* how many recorded scans saw it */
	host_history_row *rows;	       /* newest scan first */
	size_t nrows;
	bool truncated; /* more rows than the limit asked for */
} host_history;

/*
 * The history of host host_id: first/last seen, the number of scans that
 * saw it, and its change log and events, newest first, at most limit rows
 * (0: all). Strings are cleaned as in query.h. On a schema-2 database read
 * without migrating, the log is empty. out is zeroed first; the caller
 * frees it with query_host_history_free(). NC_ERR_NOT_FOUND (detail names
 * the id) when there is no such host; NC_ERR_DB, NC_ERR_NOMEM.
 */
int query_host_history(inventory_t *inv, int64_t host_id, size_t limit, host_history *out);
void query_host_history_free(host_history *h);

/* Hosts scan scan_id observed, and how many of them it saw first. */
int query_scan_host_counts(inventory_t *inv, int64_t scan_id, int64_t *hosts, int64_t *new_hosts);

#endif
