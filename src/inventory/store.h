/*
 * store.h — writing a scan into the inventory.
 *
 *   inventory_begin_scan()   lock, mark stale "running" scans interrupted,
 *                            insert the scan row as "running"
 *   inventory_record_results()  hosts, observations, ports — one transaction
 *   inventory_finish_scan()  status "complete" | "interrupted" | "failed",
 *                            statistics, finish time; releases the lock
 *
 * Host identity: record_results gives each observation a provisional host
 * (by MAC when the observation has one, else by address among hosts without
 * a MAC); finish_scan resolves the scan's observations with every key the
 * scan learned (identity.h) and keeps first_seen/last_seen on the host.
 * Everything a scan saw is kept per scan.
 */
#ifndef NC_INVENTORY_STORE_H
#define NC_INVENTORY_STORE_H

#include <stdint.h>

#include "inventory/db.h"
#include "scanner/results.h"

typedef struct {
	const char *targets;      /* targets_describe() */
	const char *command;      /* the command line, secrets never included */
	uint64_t target_count;
	double lock_wait;         /* seconds to wait for another writer; 0 = refuse */
} scan_meta;

/*
 * Errors: NC_ERR_BUSY with a detail like
 * "database ./netcensus.db is being written by scan 7 (pid 1234); try again
 * when it ends" when another writer holds the lock past lock_wait.
 */
int inventory_begin_scan(inventory_t *inv, const scan_meta *meta, int64_t *scan_id_out);
int inventory_record_results(inventory_t *inv, int64_t scan_id, results_t *res);
int inventory_finish_scan(inventory_t *inv, int64_t scan_id, const char *status,
			  const scan_stats *stats);

#endif
