/*
 * import_nmap.h — an nmap XML file (-oX) into the inventory as a scan.
 *
 * Two steps, so that bad input loses nothing:
 *
 *   nmap_import_parse()   read the whole file with libxml2's streaming
 *                         reader into memory (a results_t and one
 *                         host_facts per host), bounded by nmap_limits;
 *                         a file that is malformed, truncated, not nmap's,
 *                         or over a limit is refused and nothing is kept
 *   nmap_import_write()   only then, through the inventory writer
 *                         (store.h, facts_store.h) under the writer lock:
 *                         one scan, "complete" (or "interrupted" when nmap
 *                         said its run ended in error), with nmap's start
 *                         and finish times
 *
 * What is taken from the file: the run (nmap version, start, finish, the
 * target specifications of its command line — never the rest of the
 * command line, which may carry --script-args credentials); every host
 * nmap found up that has an IPv4 address (address, MAC, status reason and
 * TTL, smoothed RTT, ports with state/reason/TTL); services of open ports
 * (name, product, version, extrainfo, CPEs); OS matches and classes,
 * hostnames, uptime, distance, traceroute and script output as facts of
 * source "nmap".  Hosts that are down are not recorded; IPv6-only hosts
 * are counted and skipped (the inventory is IPv4).  Ports that nmap folds
 * into <extraports> ("997 closed ports") are counted, not stored.
 *
 * The XML is parsed without network access, without loading any DTD and
 * without substituting entities; a DOCTYPE with an internal subset (the
 * only place entities can be declared) is refused before libxml2 sees it.
 */
#ifndef NC_INVENTORY_IMPORT_NMAP_H
#define NC_INVENTORY_IMPORT_NMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fingerprint/facts.h"
#include "inventory/db.h"
#include "scanner/results.h"

/* Defaults of nmap_limits (0 in a field means the default). */
#define NMAP_MAX_HOSTS 262144  /* hosts up in one file */
#define NMAP_MAX_PORTS 4000000 /* port rows in one file */
#define NMAP_MAX_TARGETS 4096  /* bytes of the target description */
#define NMAP_MAX_OSMATCH 16    /* nmap.osmatch facts per host */
#define NMAP_MAX_SCRIPTS 256   /* script outputs kept per host */
#define NMAP_MAX_HOPS 64       /* traceroute hops kept per host */

typedef struct {
	size_t max_hosts;
	size_t max_ports;
} nmap_limits;

typedef struct nmap_host_index nmap_host_index;

/* One parsed file. Strings are cleaned (facts_clean()). */
typedef struct {
	char *version;	       /* nmaprun version ("7.93"), or NULL */
	char *targets;	       /* target specs from nmap's command line, else the
				* addresses of the hosts up, as ranges; never NULL
				* after a successful parse */
	uint64_t target_count; /* runstats <hosts total>, else the hosts up */
	double started;	       /* nmaprun start (epoch seconds); 0 unknown */
	double finished;       /* runstats <finished time>; 0 unknown */
	bool run_failed;       /* <finished exit="error"> */
	char *errormsg;	       /* its errormsg, or NULL */

	results_t *res;	    /* the hosts up with an IPv4 address */
	host_facts **hosts; /* their facts, one per address */
	size_t nhosts, hosts_cap;

	/* What was read but not stored, for the summary. */
	size_t hosts_down;	 /* <status state="down"> (nmap lists them with -v) */
	size_t hosts_ipv6_only;	 /* up, but no IPv4 address */
	size_t ports;		 /* port rows kept */
	size_t ports_unrecorded; /* states netcensus has no name for
				  * (unfiltered) and -sO protocol rows */
	uint64_t ports_folded;	 /* <extraports count> summed */
	size_t reasons_unknown;	 /* reasons with no netcensus name, kept as
				  * user-set with the raw reason as a fact */
	size_t scripts_dropped;	 /* script outputs not kept: they may hold
				  * credentials (brute, creds, ...) */

	nmap_host_index *index; /* address -> hosts[] (internal) */
} nmap_run;

/*
 * Parse the nmap XML file path ("-" reads standard input) into *out
 * (*out = NULL first; the caller frees it with nmap_run_free()).  limits
 * may be NULL for the defaults.
 *
 * Errors, each with a detail that starts "FILE:" or "FILE:LINE:":
 * NC_ERR_IO (cannot open or read), NC_ERR_INVALID (malformed or truncated
 * XML with libxml2's message, not nmap's XML, a DOCTYPE with entity
 * declarations, a value out of range such as a port 70000), NC_ERR_TOOBIG
 * (over a limit), NC_ERR_NOMEM.
 */
int nmap_import_parse(const char *path, const nmap_limits *limits, nmap_run **out);

/* The same from memory; name is used in error details. */
int nmap_import_parse_memory(const void *buf, size_t len, const char *name,
			     const nmap_limits *limits, nmap_run **out);

void nmap_run_free(nmap_run *run);

/*
 * Write run into inv as a new scan: inventory_begin_scan() (waiting up to
 * lock_wait seconds for another writer), the hosts and ports, the facts
 * and services, inventory_finish_scan(), then nmap's start and finish
 * times on the scan row.  The scan's command is "import nmap FILE" and its
 * note says it was imported, from which nmap version; its targets start
 * with "nmap import: " so `netcensus scans` shows where it came from.
 * *scan_id_out is the new scan's id (also set when a write fails after
 * the scan row exists: that scan is then "failed").
 * Errors: those of store.h and facts_store.h (NC_ERR_BUSY, NC_ERR_DB, ...).
 */
int nmap_import_write(inventory_t *inv, nmap_run *run, const char *file, double lock_wait,
		      int64_t *scan_id_out);

#endif
