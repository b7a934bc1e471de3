/*
 * diff.h — what changed between two scans of the inventory.
 *
 * diff_run() compares scan OLD with scan NEW host by host, matching hosts by
 * their identity (hosts.id), and hands each host that differs to a sink (a
 * renderer: text, JSON, XML; export/diff_render.h).  It streams: every table
 * is read once per scan in host_id order and merge-joined, so only one
 * host's rows are in memory at a time, whatever the size of the scans.
 *
 * A host is
 *   new      in NEW, never seen by a scan before NEW (other than OLD)
 *   back     in NEW, not in OLD, but seen by an earlier scan
 *   gone     in OLD, not in NEW, and its OLD address was within NEW's
 *            targets (a host NEW did not cover is only counted, "not
 *            covered", never reported gone)
 *   changed  in both, with at least one field that differs
 *
 * Every string handed to the sink is valid UTF-8 without control
 * characters, surrogates or non-characters (each offending byte or
 * sequence becomes '?'), so a renderer can write it to a terminal, JSON or
 * XML as is.  Strings belong to the engine and live until the callback
 * returns.
 */
#ifndef NC_INVENTORY_DIFF_H
#define NC_INVENTORY_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inventory/db.h"
#include "inventory/query.h"

/* The fields a change is about; diff_field_name() gives the name used in
 * the output and by --ignore. */
typedef enum {
	DIFF_F_ADDRESS = 0, /* "address" */
	DIFF_F_MAC,	    /* "mac" */
	DIFF_F_HOSTNAME,    /* "hostname" (verdict) */
	DIFF_F_DOMAIN,	    /* "domain" */
	DIFF_F_OS_NAME,	    /* "os.name" */
	DIFF_F_OS_VERSION,  /* "os.version" */
	DIFF_F_OS_BUILD,    /* "os.build" */
	DIFF_F_DEVICE_TYPE, /* "device.type" */
	DIFF_F_HW_VENDOR,   /* "hw.vendor" */
	DIFF_F_HW_MODEL,    /* "hw.model" */
	DIFF_F_VIRTUAL,	    /* "virtual" */
	DIFF_F_TTL,	    /* "ttl": the discovery reply's IP TTL */
	DIFF_F_UPTIME,	    /* "uptime": reported only when the host rebooted */
	DIFF_F_SSH_HOSTKEY, /* "ssh.hostkey" */
	DIFF_F_PORT,	    /* "port": state of proto/port (item "tcp/22") */
	DIFF_F_SERVICE,	    /* "service": name, product, version on a port */
	DIFF_F_CPU,	    /* "cpu"      hardware of kind cpu */
	DIFF_F_MEMORY,	    /* "memory"   hardware of kind memory */
	DIFF_F_DISK,	    /* "disk"     hardware of kind disk */
	DIFF_F_STORAGE,	    /* "storage"  file systems / hrStorage (size only) */
	DIFF_F_NIC,	    /* "nic" */
	DIFF_F_HARDWARE,    /* "hardware" every other kind (device, entity, ...) */
	DIFF_F_SOFTWARE,    /* "software" installed packages */
	DIFF_F__COUNT
} diff_field;

const char *diff_field_name(diff_field f);

typedef enum {
	DIFF_ADDED = 0, /* old_value NULL */
	DIFF_REMOVED,	/* new_value NULL */
	DIFF_CHANGED,
	DIFF_UPGRADED,	 /* software: new version compares higher */
	DIFF_DOWNGRADED, /* software: new version compares lower */
} diff_kind;

/* "added", "removed", "changed", "upgraded", "downgraded" */
const char *diff_kind_name(diff_kind k);

typedef struct {
	diff_field field;
	diff_kind kind;
	const char *item;      /* which one: "tcp/22", a package or device name;
				* NULL for single-valued fields */
	const char *old_value; /* NULL when absent */
	const char *new_value; /* NULL when absent */
} diff_change;

typedef enum {
	DIFF_HOST_NEW = 0,
	DIFF_HOST_GONE,
	DIFF_HOST_BACK,
	DIFF_HOST_CHANGED,
} diff_status;

/* "new", "gone", "back", "changed" */
const char *diff_status_name(diff_status s);

typedef struct {
	int64_t host_id;
	diff_status status;
	const char *address;	    /* NEW's address (OLD's for a gone host) */
	const char *hostname;	    /* the hostname verdict, NULL if none */
	int64_t last_seen_scan;	    /* back: the last scan before NEW that saw it */
	const diff_change *changes; /* for new/back/gone: what the host is
				     * (values on one side only); for changed:
				     * what differs. In field order. */
	size_t nchanges;
} diff_host;

typedef struct {
	size_t new_hosts, gone, back, changed, unchanged;
	size_t not_covered; /* in OLD, not in NEW, outside NEW's targets */
} diff_summary;

typedef struct {
	const scan_row *old_scan, *new_scan;
	bool same_targets; /* the two scans were given the same targets */
} diff_header;

/*
 * A renderer. Each callback returns 0 or an nc_err (which stops the diff
 * and is returned by diff_run()); begin is called once, host for each
 * reported host in host_id order, end once with the counts.
 */
typedef struct {
	int (*begin)(void *ctx, const diff_header *hdr);
	int (*host)(void *ctx, const diff_host *host);
	int (*end)(void *ctx, const diff_header *hdr, const diff_summary *sum);
} diff_sink;

typedef struct {
	bool ignore[DIFF_F__COUNT]; /* fields not compared */
} diff_options;

/*
 * Set the fields named in list (comma separated) in opt->ignore. A name is
 * a diff_field_name(), or a group: "os" (os.*), "hw" (hw.vendor, hw.model),
 * "hardware" (cpu, memory, disk, storage, nic and other hardware),
 * "ports" (port and service). NC_ERR_INVALID naming an unknown field.
 */
int diff_parse_ignore(diff_options *opt, const char *list);

/*
 * Compare scan old_scan with new_scan (rows from query_scan()) and feed
 * sink. *sum is filled. Returns 0 or an nc_err (NC_ERR_DB, NC_ERR_NOMEM,
 * or what a callback returned).
 */
int diff_run(inventory_t *inv, const scan_row *old_scan, const scan_row *new_scan,
	     const diff_options *opt, const diff_sink *sink, void *ctx, diff_summary *sum);

/*
 * The default pair: NEW = the newest complete scan (or new_id when > 0),
 * OLD = the newest complete scan before it with the same targets (or
 * old_id when > 0). Scans that did not complete are only used when named
 * (the caller warns about them: see their status). When only old_id is
 * given, NEW is the newest complete scan. NC_ERR_NOT_FOUND with a detail
 * when a scan is missing; NC_ERR_INVALID when OLD and NEW are one scan.
 */
int diff_pick_scans(inventory_t *inv, int64_t old_id, int64_t new_id, scan_row *old_out,
		    scan_row *new_out);

/* The newest complete scan with the same targets as scan ref, newer than
 * it: 0 and *out, or NC_ERR_NOT_FOUND (no detail) when there is none. */
int diff_newest_like(inventory_t *inv, const scan_row *ref, scan_row *out);

/*
 * Compare two package versions the way dpkg does (rpm versions compare
 * the same way in practice): [epoch:]upstream[-revision]; the epoch
 * numerically, then upstream and revision alternately by non-digit runs
 * (letters before other characters, '~' before everything, even the end)
 * and digit runs (numerically, leading zeros ignored). NULL equals "".
 * Returns <0, 0, >0.
 */
int diff_version_compare(const char *a, const char *b);

/* A copy of s (n bytes) that is valid UTF-8 XML/JSON/terminal text: see
 * the file comment. NULL on no memory. */
char *diff_clean(const char *s, size_t n);

#endif
