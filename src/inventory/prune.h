/*
 * prune.h — removing old scans from the inventory (`netcensus scans --prune`).
 *
 * The newest `keep` complete scans stay, and with them every scan newer
 * than the oldest of those (whatever its status) and every scan still
 * marked running.  The older scans go with everything they recorded
 * (observations, ports, services, facts, verdicts, software, hardware,
 * change-log rows, events); a host left with no observation goes too, with
 * its identity keys.  A surviving host keeps its first_seen time; its
 * first_scan becomes NULL when that scan was removed.
 *
 * All of it happens in one transaction under the writer lock, so a prune
 * never runs while a scan writes, and a failure changes nothing.
 */
#ifndef NC_INVENTORY_PRUNE_H
#define NC_INVENTORY_PRUNE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inventory/db.h"

typedef struct {
	int64_t *scan_ids; /* removed (or, dry run, to remove), oldest first */
	size_t nscans;
	int64_t oldest_kept;  /* the oldest complete scan kept; 0 when fewer
			       * than keep complete scans exist */
	int64_t observations; /* host_scans rows */
	int64_t hosts;	      /* hosts left with no observation */
	int64_t changes;      /* change-log rows and events */
} prune_report;

/*
 * Remove the scans older than the newest `keep` complete ones (see above);
 * with dry_run only say what would go. *out is zeroed first and filled
 * either way; the caller frees it with prune_report_free().
 *
 * Errors: NC_ERR_INVALID (keep < 1, or a read-only handle for a real
 * prune); NC_ERR_BUSY with a detail naming the scan being written;
 * NC_ERR_DB, NC_ERR_NOMEM, NC_ERR_INTERNAL (the schema has a table this
 * code does not know how to prune: nothing is removed).
 */
int inventory_prune(inventory_t *inv, long keep, bool dry_run, prune_report *out);
void prune_report_free(prune_report *r);

/*
 * Internal to src/inventory: 0 when every foreign key of the schema that
 * points at scans or hosts is one the prune and identity code handle
 * (they run with enforcement off, deleting and moving rows themselves),
 * NC_ERR_INTERNAL naming the table otherwise; NC_ERR_DB.
 */
int inventory_check_references(inventory_t *inv);

#endif
