/*
 * query.h — reading the inventory back: scans, and the hosts of one scan.
 *
 * The commands and exporters read typed rows from here instead of writing
 * SQL of their own.  Every string is a private copy in which control
 * characters (bytes below 0x20, 0x7f, UTF-8 C1 controls; every byte from
 * 0x80 when the text is not UTF-8) have been replaced by '?', since the
 * inventory stores names that came off the network and a terminal must
 * never receive them raw.  Absent values: NULL strings, -1 numbers, 0 times.
 */
#ifndef NC_INVENTORY_QUERY_H
#define NC_INVENTORY_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inventory/db.h"

typedef struct {
	int64_t id;
	double started_at;    /* epoch seconds */
	double finished_at;   /* 0 while running or when unknown */
	char *status;	      /* "running" | "complete" | "interrupted" | "failed";
			       * a "running" row whose process is gone
			       * (inventory_scan_stale()) reads "interrupted" */
	char *targets;	      /* the target specs as given; may be NULL */
	char *command;	      /* may be NULL */
	char *note;	      /* may be NULL */
	int64_t target_count; /* -1 unknown */
	int64_t hosts_up;     /* -1 until the scan is finished */
	int64_t packets_sent; /* -1 unknown */
	int64_t replies;      /* -1 unknown */
	int64_t pid;	      /* -1 unknown */
	bool unprivileged;
} scan_row;

typedef struct {
	uint16_t port;
	char *proto;  /* "tcp", "udp", ... */
	char *state;  /* "open" | "closed" | "filtered" */
	char *reason; /* a reason_name() */
	int ttl;      /* -1 unknown */
} port_row;

typedef struct {
	int64_t host_id;      /* identity across scans */
	char *address;	      /* dotted quad */
	uint32_t address_int; /* host byte order */
	char *address_reason; /* how the address was learned, a reason_name() */
	char *mac;	      /* "aa:bb:cc:dd:ee:ff" or NULL */
	char *mac_source;     /* a mac_source_name() or NULL */
	char *reasons;	      /* comma list in reason order; never NULL */
	int ttl;	      /* -1 unknown */
	int64_t rtt_us;	      /* -1 unknown */
	bool on_link;
	port_row *ports; /* sorted by proto, then port */
	size_t nports;
	/* From fingerprinting (schema 2), NULL when unknown: */
	char *hostname;	   /* verdict "hostname" */
	char *os;	   /* verdict os.name, with os.version when the name lacks it */
	char *device_type; /* verdict device.type */
	char *vendor;	   /* the MAC's vendor: verdict hw.vendor when it came from
			    * mac-vendor, else the best mac.vendor fact */
} host_row;

/*
 * Every scan, oldest first. *rows_out = NULL, *n_out = 0 first; on success
 * the caller frees with query_scans_free(). Errors: NC_ERR_DB, NC_ERR_NOMEM.
 */
int query_scans(inventory_t *inv, scan_row **rows_out, size_t *n_out);
void query_scans_free(scan_row *rows, size_t n);

/* One scan by id into *out (caller clears it with scan_row_clear()).
 * NC_ERR_NOT_FOUND with a detail naming the id and the database. */
int query_scan(inventory_t *inv, int64_t id, scan_row *out);

/* The newest scan that ended "complete" or "interrupted" (a stale running
 * one counts as interrupted, see below): what `hosts`, `export` and `show`
 * read by default, the callers warn when it is not complete.
 * NC_ERR_NOT_FOUND when none. */
int query_latest_scan(inventory_t *inv, scan_row *out);

void scan_row_clear(scan_row *row);

/*
 * The hosts one scan saw, sorted by address, each with its ports.
 * *rows_out = NULL, *n_out = 0 first; the caller frees with
 * query_hosts_free(). An unknown scan simply has no hosts.
 */
int query_scan_hosts(inventory_t *inv, int64_t scan_id, host_row **rows_out, size_t *n_out);
void query_hosts_free(host_row *rows, size_t n);

/* One host of one scan (host_id from the hosts table), read like the rows
 * of query_scan_hosts(), into *out (the caller clears it with
 * query_host_clear()). NC_ERR_NOT_FOUND (no detail) when that scan did not
 * see that host. */
int query_scan_host(inventory_t *inv, int64_t scan_id, int64_t host_id, host_row *out);
void query_host_clear(host_row *h);

/* An inventory timestamp as local "YYYY-MM-DD HH:MM:SS" into buf (at least
 * 20 bytes); "-" for 0. Returns buf. */
const char *query_time_local(double epoch, char *buf, size_t len);

/* An inventory timestamp as UTC ISO 8601 "YYYY-MM-DDTHH:MM:SSZ" into buf
 * (at least 21 bytes); "-" for 0. Returns buf. */
const char *query_time_iso8601(double epoch, char *buf, size_t len);

/* For the readers in src/inventory (query.c defines these): a copy of a
 * text column with control characters replaced by '?' as above (*out =
 * NULL for SQL NULL; 0 or NC_ERR_NOMEM), and an integer column, or absent
 * for SQL NULL. */
int query_column_text(sqlite3_stmt *st, int col, char **out);
int64_t query_column_int(sqlite3_stmt *st, int col, int64_t absent);

#endif
