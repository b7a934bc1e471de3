/*
 * scan_iter.h — every host of one scan, one at a time, with its details.
 *
 * The exporters write inventories of tens of thousands of hosts and
 * millions of software rows; they must not hold a fleet in memory.  A
 * scan_iter walks the hosts of a scan in address order and, for each one,
 * reads the tables asked for (ports, verdicts, facts, services, software,
 * hardware) through statements prepared once, into one host_detail that is
 * reused: memory is bounded by the largest host, not by the scan.
 *
 *	scan_iter *it;
 *	const host_detail *h;
 *	if ((r = scan_iter_open(inv, scan_id, SCAN_ITER_ALL, &it)) != 0)
 *		return r;
 *	while ((r = scan_iter_next(it, &h)) > 0)
 *		write(h);
 *	scan_iter_close(it);
 *
 * The rows are those of facts_store.h (query_host_detail) and cleaned the
 * same way (query.h: no control characters), in the same order.  Facts
 * whose key names a secret are never returned, whatever the database holds.
 * host.hostname, host.device_type and host.vendor are filled as by
 * query_scan_hosts(); host.os is left NULL: read the os.* verdicts.
 */
#ifndef NC_INVENTORY_SCAN_ITER_H
#define NC_INVENTORY_SCAN_ITER_H

#include <stdint.h>

#include "inventory/db.h"
#include "inventory/facts_store.h"

typedef struct scan_iter scan_iter;

/* What to read for each host besides the host row itself (address, MAC,
 * discovery, first/last seen) and its verdicts, which are always read. */
enum {
	SCAN_ITER_PORTS = 1u << 0,
	SCAN_ITER_FACTS = 1u << 1,
	SCAN_ITER_SERVICES = 1u << 2,
	SCAN_ITER_SOFTWARE = 1u << 3,
	SCAN_ITER_HARDWARE = 1u << 4,
	SCAN_ITER_ALL = (1u << 5) - 1,
};

/*
 * Prepare to walk scan scan_id (which the caller has checked exists; an
 * unknown scan simply has no hosts).  *out = NULL first; the caller closes
 * it with scan_iter_close().  Errors: NC_ERR_DB, NC_ERR_NOMEM.
 */
int scan_iter_open(inventory_t *inv, int64_t scan_id, unsigned parts, scan_iter **out);

/*
 * The next host: 1 with *host pointing at it (valid until the next call or
 * scan_iter_close(); its scan_id is the scan walked), 0 after the last
 * host, or an nc_err (NC_ERR_DB, NC_ERR_NOMEM) after which only
 * scan_iter_close() may be called.
 */
int scan_iter_next(scan_iter *it, const host_detail **host);

/* How many hosts scan_iter_next() has returned so far. */
uint64_t scan_iter_count(const scan_iter *it);

void scan_iter_close(scan_iter *it);

#endif
