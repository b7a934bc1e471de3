/*
 * snmp_util.h — the pure pieces of SNMP collection (no sessions, no I/O):
 * decoding what agents send (DateAndTime, MACs, ipAddressTable indexes,
 * package names), OID order checks for walk guards, and the mappings from
 * MIB codes to our fact vocabulary. Private to src/fingerprint/snmp*.c and
 * the unit tests.
 *
 * OIDs are passed as arrays of unsigned long, which is net-snmp's `oid` on
 * every platform we build for (snmp_walk.h checks this at compile time).
 */
#ifndef NC_FINGERPRINT_SNMP_UTIL_H
#define NC_FINGERPRINT_SNMP_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef unsigned long snmp_subid;

/*
 * Decode a DateAndTime (SNMPv2-TC) octet string of 8 or 11 octets into
 * "YYYY-MM-DDTHH:MM:SS" (the agent's local time as sent; the optional
 * offset from UTC is checked, not applied). Returns false and leaves out ""
 * for any other length, a field out of range, or year 0 (agents that do not
 * know the date send zeros). out needs 20 bytes.
 */
bool snmp_date_and_time(const uint8_t *b, size_t len, char *out, size_t outlen);

/* -1, 0, 1 like strcmp, in SNMP's lexicographic OID order. */
int snmp_oid_cmp(const snmp_subid *a, size_t alen, const snmp_subid *b, size_t blen);
/* Walk guard: is next strictly after prev? An agent that answers GETNEXT
 * with the same or an earlier OID would make a naive walk loop forever. */
bool snmp_oid_increases(const snmp_subid *prev, size_t prevlen, const snmp_subid *next,
			size_t nextlen);
/* Does oid start with prefix (and is longer than it)? */
bool snmp_oid_under(const snmp_subid *prefix, size_t plen, const snmp_subid *oid, size_t len);
/* Dotted text "1.3.6.1.4.1.8072.3.2.10" into buf; truncated with buflen. */
const char *snmp_oid_format(const snmp_subid *oid, size_t len, char *buf, size_t buflen);

/*
 * ifPhysAddress as "aa:bb:cc:dd:ee:ff" (any length 1-20 octets, colon hex).
 * NULL for an empty or all-zero address (loopback, tunnels): no MAC.
 * buf needs 3 * len bytes (60 for the longest).
 */
const char *snmp_format_mac(const uint8_t *b, size_t len, char *buf, size_t buflen);
/* Lower-case hex without separators (snmpEngineID); buf needs 2*len+1. */
const char *snmp_format_hex(const uint8_t *b, size_t len, char *buf, size_t buflen);

/*
 * ipAddressTable (IP-MIB) index: InetAddressType, then the address as a
 * length-prefixed string: 1.4.a.b.c.d for IPv4, 2.16.x*16 for IPv6 (3 and
 * 4, the zoned forms, carry 4 extra zone octets which we drop). Formats the
 * address into buf (INET6_ADDRSTRLEN); false when the index lies about its
 * length or a sub-identifier is not an octet.
 */
bool snmp_inet_index(const snmp_subid *idx, size_t len, char *buf, size_t buflen);
/* Prefix length from an ipAddressPrefix RowPointer (its last sub-id), or
 * -1 when the pointer is 0.0 or the value is not a plausible length. */
int snmp_prefix_from_pointer(const snmp_subid *ptr, size_t len);
/* Prefix length of a contiguous IPv4 netmask (host order), or -1. */
int snmp_mask_bits(uint32_t mask);

/*
 * hrSWInstalledName into name and version. Two forms are split because
 * they cannot be read any other way: Debian's "name_version_arch" (what
 * net-snmp reports from dpkg) and rpm's "name-version-release" where the
 * last two dash-separated parts both start with a digit and nothing has a
 * blank. Anything else (Windows display names such as "7-Zip 19.00 (x64)")
 * is kept whole as the name with *version = NULL. Returns 0 or
 * NC_ERR_NOMEM; the caller frees both.
 */
int snmp_split_package(const char *s, char **name_out, char **version_out);

/* hw.device of a recog rule -> device.type ("printer", "network",
 * "hypervisor"), or NULL when the rule says nothing decisive ("General"). */
const char *snmp_device_type(const char *hw_device);

/* hrStorageType (last sub-id of hrStorageTypes) -> hardware kind and a
 * type word for the extra field; kind NULL for types we do not report. */
const char *snmp_storage_kind(snmp_subid type, const char **type_word);
/* hrDeviceType (last sub-id of hrDeviceTypes) -> "processor", "network",
 * "printer", "disk", ... ("other" for unknown codes). */
const char *snmp_device_word(snmp_subid type);
/* entPhysicalClass -> "chassis", "module", ... ("other"). */
const char *snmp_entity_class(long cls);
/* hrPrinterStatus -> "idle", "printing", "warmup", "other", "unknown". */
const char *snmp_printer_status(long st);

#endif
