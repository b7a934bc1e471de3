/*
 * ssh_parse.h — read what the inventory collector printed over SSH.
 *
 * The collectors (ssh_script.h; scripts/inventory.sh and inventory.ps1)
 * print one format on every platform:
 *
 *	NETCENSUS-INVENTORY 1          header; up to 64 lines of login noise
 *	                               (a chatty .bashrc) may come before it
 *	@@ SECTION                     a section of rows, fields split by TAB
 *	...
 *	@@ end                         absent => the output was cut short
 *
 * Sections (unknown ones are skipped, rows may come in any order):
 *	os-release  raw os-release(5) lines, KEY=value (shell quoting)
 *	os          key/value: kernel (uname -s, or "Windows"), release,
 *	            machine, hostname, fqdn, userland (freebsd-version -u),
 *	            product-name product-version build-version (sw_vers),
 *	            Windows: caption version build ubr edition display-version
 *	            product-type (1 workstation, 2 DC, 3 server) domain
 *	            part-of-domain (True/False)
 *	cpu         key/value: model sockets cores threads, lscpu-model
 *	            lscpu-sockets lscpu-cores-per-socket nproc (fallbacks)
 *	memory      key/value: total-kb or total-bytes
 *	disks       name, type, size-bytes, model, serial
 *	filesystems source, size-bytes, used-bytes, avail-bytes, mount point
 *	dmi         key/value, /sys/class/dmi/id names: sys_vendor product_name
 *	            product_serial product_uuid bios_vendor bios_version
 *	            bios_date chassis_type board_vendor board_name
 *	virt        key/value: virt (systemd-detect-virt: none, kvm, docker...)
 *	net         "link", ifname, mac  |  "addr", ifname, address[/prefix]
 *	users       user, line
 *	uptime      key/value: seconds, or boot-epoch and now-epoch
 *	packages    "manager", name  |  "native", arch  |  package rows:
 *	            name, version, arch, size-bytes, install time (epoch
 *	            seconds, YYYYMMDD or YYYY-MM-DD), vendor
 *	apps        (macOS /Applications) name, version, bundle id
 *	snaps       name, version, publisher
 *	flatpaks    application id, version, origin
 *	hotfixes    (Windows) KB id, installed-on (YYYY-MM-DD)
 *	listen      proto (tcp/udp), port, process name
 *
 * Software names and versions stay as the package manager spells them
 * ("libc6", "2.36-9+deb12u4"; rpm versions carry the epoch as "1:3.0.7-27.el9",
 * as rpm -q prints them). software_fact has no architecture field: a package
 * of the host's native architecture, or of none ("all", "noarch", "any"),
 * keeps its bare name; any other architecture is appended the way dpkg
 * itself names multi-arch packages, "libc6:i386". So names compare across
 * hosts of one architecture and a 32-bit twin stays distinguishable.
 * Install times from epochs are UTC, "YYYY-MM-DDTHH:MM:SS".
 */
#ifndef NC_FINGERPRINT_SSH_PARSE_H
#define NC_FINGERPRINT_SSH_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "fingerprint/facts.h"

#define SSH_PARSE_HEADER "NETCENSUS-INVENTORY 1"
#define SSH_PARSE_MAX_LINE (64 * 1024)	/* longer lines are skipped */
#define SSH_PARSE_MAX_NOISE 64		/* lines tolerated before the header */
#define SSH_PARSE_MAX_ROWS 200000	/* rows read from one packages section */
#define SSH_PARSE_MAX_SMALL_ROWS 4096	/* rows read from any other section */
#define SSH_PARSE_CONFIDENCE 90

typedef struct {
	size_t lines;		/* lines seen, header and noise included */
	size_t long_lines;	/* over SSH_PARSE_MAX_LINE, skipped */
	size_t rows_dropped;	/* over a section's cap, or malformed */
	size_t packages;	/* package rows recorded as software */
	size_t software;	/* all software rows (packages, apps, snaps, ...) */
	size_t software_dropped;/* refused: FACTS_MAX_SOFTWARE reached */
	size_t hardware;	/* hardware rows recorded */
	size_t services;	/* listening sockets recorded */
	bool truncated;		/* no "@@ end": what came before is kept */
	char manager[16];	/* "dpkg", "rpm", "apk", "pacman", "pkg", ... or "" */
} ssh_parse_stats;

/*
 * Parse len bytes of collector output into h (facts with FACT_SRC_SSH and
 * SSH_PARSE_CONFIDENCE). Nothing in buf is trusted: lines, rows and values
 * are bounded, values go through facts_clean(). Returns 0 (also when the
 * output was truncated: fact ssh.truncated = yes), NC_ERR_INVALID when no
 * header was found (the remote shell is not a POSIX sh, or not PowerShell),
 * or NC_ERR_NOMEM. stats may be NULL; it is filled in either case.
 */
int ssh_parse_inventory(const char *buf, size_t len, host_facts *h, ssh_parse_stats *stats);

#endif
