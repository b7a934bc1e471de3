/*
 * macvendor.h — MAC address to vendor, from Debian's ieee-data.
 *
 * The IEEE registries (MA-L oui.csv, MA-M mam.csv, MA-S oui36.csv, IAB
 * iab.csv) are read once with a real CSV parser (quoted fields, doubled
 * quotes, newlines inside quotes) into sorted tables; a lookup is a binary
 * search, longest assignment first (36-bit, 28-bit, then 24-bit prefixes).
 * The well-known virtual-machine prefixes (VMware, Hyper-V, VirtualBox,
 * Xen, QEMU/KVM, Parallels) are marked virtual.
 */
#ifndef NC_FINGERPRINT_MACVENDOR_H
#define NC_FINGERPRINT_MACVENDOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct macvendor_db macvendor_db;

/*
 * Load every registry file found in dir (missing files are skipped; none at
 * all is NC_ERR_NOT_FOUND naming dir). *out = NULL first. A malformed row is
 * skipped and counted, never fatal.
 */
int macvendor_load(const char *dir, macvendor_db **out);
void macvendor_free(macvendor_db *db);
/* Entries loaded, for messages and tests. */
size_t macvendor_count(const macvendor_db *db);

typedef struct {
	const char *vendor;  /* organisation name as registered; owned by db */
	bool is_virtual;     /* a hypervisor's virtual NIC prefix */
	bool local_admin;    /* locally administered (bit 1 of octet 0): no vendor */
	uint8_t prefix_bits; /* 24, 28 or 36; 0 when unknown */
} macvendor_result;

/* Look mac up. Returns true when a vendor is known (result->vendor set). */
bool macvendor_lookup(const macvendor_db *db, const uint8_t mac[6], macvendor_result *result);

/*
 * Additions to the interface above.
 *
 * macvendor_lookup() also accepts db == NULL: only the virtual-NIC table is
 * consulted then.  A locally administered hypervisor prefix (QEMU/KVM's
 * 52:54:00, VirtualBox host-only 0a:00:27) returns true with a descriptive
 * vendor, is_virtual and local_admin both set; for the other hypervisor
 * prefixes the registered name is reported when the registry has it.  The
 * few historic registrations inside the locally administered range (such as
 * 02:07:01) are loaded but never reported: the local bit decides.
 */

/* Rows skipped as malformed while loading (0 for NULL). */
size_t macvendor_skipped(const macvendor_db *db);
/* Rows dropped because their prefix was already assigned; the first row of
 * the first file read (oui36, iab, mam, oui) wins. */
size_t macvendor_duplicates(const macvendor_db *db);
/* Bytes held by db after loading (tables, names, the handle). */
size_t macvendor_memory(const macvendor_db *db);
/* The hypervisor ("VMware", "Hyper-V", "VirtualBox", "Xen", "QEMU/KVM",
 * "Parallels") whose virtual NIC prefix mac carries, or NULL. Static text. */
const char *macvendor_hypervisor(const uint8_t mac[6]);

#endif
