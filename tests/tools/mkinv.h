/*
 * mkinv.h — what the parts of tests/tools/mkinv share.
 *
 * mkinv builds fixture inventories for tests and benchmarks through the
 * real writer (inventory/store.h, inventory/facts_store.h) and nothing
 * else, so a fixture always has the shape a real scan gives it.  Two
 * producers feed the one writing path below: the spec parser (mkinv.c) and
 * the synthetic fleet generator (mkinv_synth.c).
 */
#ifndef NC_TESTS_MKINV_H
#define NC_TESTS_MKINV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fingerprint/facts.h"
#include "scanner/results.h"

/* Exit codes of mkinv. */
#define MKINV_EXIT_OK 0
#define MKINV_EXIT_WRITE 1 /* the database could not be written */
#define MKINV_EXIT_USAGE 2 /* bad option or bad spec line */

/* One scan as the writer gets it. */
typedef struct {
	const char *targets; /* scans.targets, or NULL */
	const char *command; /* scans.command, or NULL */
	uint64_t target_count;
	const char *status;	 /* "complete" | "interrupted" | "failed" | "running" */
	double started;		 /* epoch seconds; 0 keeps the writer's stamp */
	double finished;	 /* the same; ignored for "running" */
	const scan_stats *stats; /* for inventory_finish_scan(); may be NULL */
} mkinv_scan;

/*
 * The fingerprint results of a scan, handed over in batches: each call
 * sets *hosts and *n to the next batch (owned by the producer, valid until the
 * next call) and returns 0; *n = 0 ends the scan; an nc_err stops it.
 */
typedef int (*mkinv_batch_fn)(void *ctx, host_facts *const **hosts, size_t *n);

/*
 * Append one scan to the database at db_path: inventory_begin_scan(),
 * inventory_record_results(res), inventory_record_facts() once per batch,
 * inventory_finish_scan(status) — except for "running", which is left
 * running as a process that died mid-scan would leave it — then one UPDATE
 * of started_at/finished_at when the scan gives them.  When a write fails
 * after the scan row exists, the scan is finished as "failed" (what was
 * written stays, as a failed real scan's would).  *scan_id gets the new
 * scan's id.  0 or an nc_err with a detail.
 */
int mkinv_write_scan(const char *db_path, const mkinv_scan *scan, results_t *res,
		     mkinv_batch_fn next_batch, void *ctx, int64_t *scan_id);

/*
 * `mkinv --db FILE --synth ...`: argv[0] is "--synth"; see mkinv_synth.c.
 * Returns an exit code.
 */
int mkinv_synth_main(const char *db_path, int argc, char **argv);

#endif
