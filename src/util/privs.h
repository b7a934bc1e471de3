/*
 * privs.h — give up privileges once the raw sockets are open.
 *
 * The packet socket and the pcap handles need CAP_NET_RAW to be opened, not
 * to be used. Dropping every capability right after opening them means the
 * code that parses what the network sends runs without privilege (tcpdump
 * and arp-scan do the same).
 */
#ifndef NC_UTIL_PRIVS_H
#define NC_UTIL_PRIVS_H

/* Clear the effective, permitted and inheritable capability sets of the
 * whole process and forbid regaining them (no_new_privs). 0 or NC_ERR_SYS. */
int privs_drop_all(void);

#endif
