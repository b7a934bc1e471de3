/*
 * connect_scan.h — discovery and port scan without raw sockets.
 *
 * When the process lacks CAP_NET_RAW, hosts are found with non-blocking TCP
 * connect() to the discovery ports (a completed handshake or a refusal both
 * prove the host is up), many at once in an epoll loop, paced like the raw
 * sender.  ICMP is out of reach. On-link hosts that answered the kernel's
 * ARP for our connect() attempts are taken from its neighbour table (with
 * their MAC), so a host that drops all IP is still found on the local
 * segment; routed hosts that answer only ICMP are not found.
 */
#ifndef NC_SCANNER_CONNECT_SCAN_H
#define NC_SCANNER_CONNECT_SCAN_H

#include "scanner/engine.h"
#include "scanner/netif.h"

int connect_scan_run(const engine_config *cfg, const netif_table *net, results_t *res);

#endif
