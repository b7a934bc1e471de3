/*
 * json_export.h — an inventory as JSON (jansson), streamed.
 *
 * One document (the default):
 *
 *   {"format": "netcensus-inventory", "version": 1, "generator": "...",
 *    "what": "all", "scan": {json_hosts_scan()},
 *    "hosts": [HOST, ...], "host_count": N}
 *
 * where HOST is the object of `show --json` (json_hosts.h) without its
 * "scan" and "history" members: identity, verdict, discovery, and then as --what asks
 * "ports" (hosts, all), "services", "hardware", "software" (each with its
 * own --what, or all) and "evidence" (all).  The envelope is written here
 * and each host is dumped as it is read, one a line, so memory does not
 * grow with the fleet.
 *
 * JSON Lines (--jsonl), one object a line and no envelope: with --what
 * hosts or all, one HOST a line, with "scan_id" added; with --what
 * services, software or hardware, one object per row of that table,
 * {"scan_id", "address", "hostname", then the row's members as in HOST}.
 */
#ifndef NC_EXPORT_JSON_EXPORT_H
#define NC_EXPORT_JSON_EXPORT_H

#include "export/export.h"

/* The json entry of export_formats[]. */
int json_export(const export_request *req);

#endif
