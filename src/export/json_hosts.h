/*
 * json_hosts.h — scans and the hosts of a scan as JSON (jansson) documents.
 *
 * These build json_t trees from the typed rows of inventory/query.h; the
 * caller decides where they go (json_dumpf) and frees them (json_decref).
 * Absent values become JSON null, never "" or -1.  Each function returns
 * NULL when out of memory.
 */
#ifndef NC_EXPORT_JSON_HOSTS_H
#define NC_EXPORT_JSON_HOSTS_H

#include <jansson.h>
#include <stddef.h>

#include "inventory/facts_store.h"
#include "inventory/identity.h"
#include "inventory/query.h"

/*
 * One scan: {"id", "status", "started_at", "finished_at" (ISO 8601 UTC or
 * null), "duration_s" (null while running), "targets" (the specs as given),
 * "target_count", "hosts_up", "note"}.  Used for each element of
 * `scans --json` and for the "scan" member of json_hosts_document().
 */
json_t *json_hosts_scan(const scan_row *scan);

/* The elements of `scans --json`: an array of json_hosts_scan() objects. */
json_t *json_hosts_scan_list(const scan_row *scans, size_t n);

/*
 * `hosts --json`: {"scan": {...}, "hosts": [{"address", "mac", "mac_source",
 * "address_source", "vendor" (the MAC's), "hostname", "os", "device_type",
 * "reasons": [...], "ttl", "rtt_us", "on_link",
 * "ports": [{"port", "proto", "state", "reason", "ttl"}]}]}.
 */
json_t *json_hosts_document(const scan_row *scan, const host_row *hosts, size_t n);

/*
 * `show --json`, everything one scan knows about one host:
 *   {"scan": {...},
 *    "identity": {"address", "mac", "mac_source", "vendor", "hostname",
 *                 "domain", "first_seen", "last_seen"},
 *    "verdict": {"<field>": {"value", "source", "confidence"}, ...},
 *    "discovery": {"address_source", "reasons": [...], "ttl", "rtt_us",
 *                  "on_link"},
 *    "ports": [{"port", "proto", "state", "reason", "ttl"}],
 *    "services": [{"port", "proto", "name", "product", "version", "info",
 *                  "banner", "source"}],
 *    "hardware": {"<kind>": [{"name", "vendor", "model", "serial",
 *                 "firmware", "extra", "size_bytes", "used_bytes",
 *                 "source"}], ...},
 *    "software": {"count", "packages": [{"name", "version", "vendor",
 *                 "install_date", "source"}]},
 *    "evidence": [{"key", "value", "source", "confidence"}]}
 * Verdict fields and hardware kinds appear only when known.
 */
json_t *json_hosts_detail(const scan_row *scan, const host_detail *d);

/*
 * The "history" member of `show --json`, the host across all scans:
 *   {"first_seen", "last_seen" (ISO 8601 UTC or null), "first_scan"
 *    (null when pruned), "last_scan", "scans" (how many saw it),
 *    "changes": [{"scan", "at", "kind" ("change" | "event"), "field",
 *                 "old", "new"}] newest first, "truncated"}.
 */
json_t *json_hosts_history(const host_history *h);

#endif
