/*
 * connect_scan.h — discovery and port scan without raw sockets.
 *
 * When the process lacks CAP_NET_RAW, hosts are found with non-blocking TCP
 * connect() to the discovery ports (a completed handshake or a refusal both
 * prove the host is up), many at once in an epoll loop, paced like the raw
 * sender.  ARP and ICMP are out of reach, so hosts that answer only those
 * are not found; the caller says so to the user.
 */
#ifndef NC_SCANNER_CONNECT_SCAN_H
#define NC_SCANNER_CONNECT_SCAN_H

#include "scanner/engine.h"
#include "scanner/netif.h"

int connect_scan_run(const engine_config *cfg, const netif_table *net, results_t *res);

#endif
