/*
 * targets.h — the set of IPv4 addresses a scan may send to.
 *
 * Kept as sorted, merged, inclusive intervals [lo, hi] of host-order
 * addresses, never expanded: a /8 is one interval.  Specs are added, then
 * excludes subtracted, then targets_finalize() merges and indexes the
 * intervals so that targets_at(i) maps an index in [0, count) to an address
 * in O(log intervals).  After finalize the set is read-only and may be read
 * from several threads.
 *
 * Accepted spec forms (one per call; targets_add_list splits on commas and
 * whitespace):
 *   10.0.0.1                 single address
 *   10.0.0.0/24              CIDR (host bits are ignored, as nmap does)
 *   10.0.0.5-40              last-octet range
 *   10.0.0.0-10.0.3.255      full range
 *   host.example             hostname, resolved once (all IPv4 addresses)
 * Errors: NC_ERR_INVALID or NC_ERR_RESOLVE with a detail naming the spec
 * (e.g. "bad target '10.0.0.0/33': prefix length must be 0-32").  A spec
 * made only of digits, dots, '/' and '-' is always parsed as an address,
 * never looked up ("1.2.3" is an error, not 1.2.0.3).  A call that fails
 * adds nothing: a list or file with one bad spec is rejected whole.
 *
 * Adding after targets_finalize() is allowed: the queries keep answering
 * for the last finalize until targets_finalize() is called again.
 */
#ifndef NC_SCANNER_TARGETS_H
#define NC_SCANNER_TARGETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
	uint32_t lo, hi; /* inclusive, host byte order */
} ip_interval;

typedef struct targets targets_t;

targets_t *targets_new(void);
void targets_free(targets_t *t);

/* Add one spec to the include set. */
int targets_add_spec(targets_t *t, const char *spec);
/* Add every spec of a comma/whitespace separated list. */
int targets_add_list(targets_t *t, const char *list);
/* Largest target or exclude file read (NC_ERR_TOOBIG beyond). */
#define TARGETS_FILE_MAX ((uint64_t)64 << 20)

/* -iL: specs separated by whitespace/newlines (or commas); '#' starts a
 * comment that runs to the end of the line; "-" reads stdin.  Errors name
 * the file and line.  NC_ERR_IO if unreadable, NC_ERR_TOOBIG if too big. */
int targets_add_file(targets_t *t, const char *path);
/* --exclude / --exclude-file: same syntaxes, subtracted at finalize. */
int targets_exclude_list(targets_t *t, const char *list);
int targets_exclude_file(targets_t *t, const char *path);

/* Merge overlaps, subtract excludes, build the index. Idempotent. */
int targets_finalize(targets_t *t);

/* Number of addresses (after finalize). Up to 2^32, hence 64 bits. */
uint64_t targets_count(const targets_t *t);
/* index in [0, count) -> address; index >= count is a bug (returns 0). */
uint32_t targets_at(const targets_t *t, uint64_t index);
/* Is ip in the final set (includes minus excludes)? */
bool targets_contains(const targets_t *t, uint32_t ip);
/* The final intervals, sorted and disjoint. */
const ip_interval *targets_intervals(const targets_t *t, size_t *n_out);
/* A short human description, e.g. "198.18.1.0/24,198.19.0.0/16", for the
 * scans table; the original specs joined by ',', a file as "file:PATH",
 * then " (excluding SPEC,...)" when there are excludes.  Owned by t; valid
 * until the next finalize or targets_free().  Before the first finalize,
 * just the include specs so far. */
const char *targets_describe(const targets_t *t);

#endif
