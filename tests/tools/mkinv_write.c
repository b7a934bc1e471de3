#include "config.h"

/*
 * mkinv_write.c — one scan into the inventory, through the writer API only.
 *
 * The inventory is opened afresh for each scan: a scan left "running" keeps
 * its row when the handle (and with it the writer lock) goes, exactly as
 * when a scanning process dies, and the next inventory_begin_scan() closes
 * it as interrupted.  The one thing the writer cannot be told is the time:
 * it stamps the clock, so when the scan names its start and finish times
 * they replace the stamps afterwards in one UPDATE.  That keeps expected
 * outputs of tests stable; it is the only SQL of mkinv.
 */

#include <stdio.h>
#include <string.h>

#include "inventory/db.h"
#include "inventory/facts_store.h"
#include "inventory/store.h"
#include "mkinv.h"
#include "util/compat.h"
#include "util/err.h"

static int set_times(inventory_t *inv, int64_t scan_id, const mkinv_scan *scan)
{
	static const char sql[] = "UPDATE scans SET started_at = COALESCE(?1, started_at),"
				  " finished_at = COALESCE(?2, finished_at) WHERE id = ?3";
	sqlite3 *db = inventory_sqlite(inv);
	bool running = strcmp(scan->status, "running") == 0;
	sqlite3_stmt *q = NULL;
	int r = 0;

	if (scan->started <= 0 && (scan->finished <= 0 || running))
		return 0;
	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
		return inventory_fail(inv, "preparing to set the scan times");
	if (scan->started > 0)
		sqlite3_bind_double(q, 1, scan->started);
	if (scan->finished > 0 && !running)
		sqlite3_bind_double(q, 2, scan->finished);
	sqlite3_bind_int64(q, 3, scan_id);
	if (sqlite3_step(q) != SQLITE_DONE)
		r = inventory_fail(inv, "setting the scan times");
	sqlite3_finalize(q);
	return r;
}

int mkinv_write_scan(const char *db_path, const mkinv_scan *scan, results_t *res,
		     mkinv_batch_fn next_batch, void *ctx, int64_t *scan_id)
{
	scan_meta meta = {
	    .targets = scan->targets,
	    .command = scan->command,
	    .target_count = scan->target_count,
	    .lock_wait = 0,
	};
	bool running = strcmp(scan->status, "running") == 0;
	inventory_t *inv = NULL;
	int r;

	*scan_id = 0;
	if ((r = inventory_open(db_path, INV_WRITE, &inv)) != 0)
		return r;
	if ((r = inventory_begin_scan(inv, &meta, scan_id)) != 0)
		goto out;
	if ((r = inventory_record_results(inv, *scan_id, res)) != 0)
		goto failed;
	for (;;) {
		host_facts *const *hosts = NULL;
		size_t n = 0;

		if ((r = next_batch(ctx, &hosts, &n)) != 0)
			goto failed;
		if (n == 0)
			break;
		if ((r = inventory_record_facts(inv, *scan_id, hosts, n)) != 0)
			goto failed;
	}
	if (!running && (r = inventory_finish_scan(inv, *scan_id, scan->status, scan->stats)) != 0)
		goto out;
	r = set_times(inv, *scan_id, scan);
	goto out;
failed : {
	/* Keep the detail of the first failure, not of the cleanup. */
	char why[512];

	snprintf(why, sizeof(why), "%s", nc_errmsg(r));
	inventory_finish_scan(inv, *scan_id, "failed", NULL);
	r = nc_fail(r, "%s (scan %lld finished as failed)", why, (long long)*scan_id);
}
out:
	inventory_close(inv);
	return r;
}
