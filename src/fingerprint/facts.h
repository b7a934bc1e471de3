/*
 * facts.h — what fingerprinting learns about one host, as typed records.
 *
 * Every fingerprinter (banners, SMB, NetBIOS, SNMP, later SSH) adds its
 * observations to the host's host_facts; nothing is formatted for display
 * here. Each fact keeps its source and a confidence, so the verdict
 * (verdict.h) can pick one value per field with the source that decided it,
 * and every raw observation is still stored (the zmap fieldset idea).
 *
 * Strings that come from the network go through facts_clean() first:
 * bounded, valid UTF-8, no control characters. The add functions copy what
 * they are given and lock the host, so several conversations with one host
 * (SSH banner, HTTP, SMB, SNMP worker) can add facts at the same time.
 *
 * Fact keys are dotted names. The ones the verdict reads:
 *   host.name host.domain host.fqdn            os.family os.name os.version
 *   os.build os.edition                         device.type (server,
 *   workstation, printer, network, hypervisor, iot)   hw.virtual (yes/no)
 *   hw.vendor hw.model hw.serial hw.memory_bytes hw.cpu.count hw.cpu.model
 * Source-specific raw facts use the source as prefix: smb.dialect,
 * smb.signing, smb.netbios_name, smb.netbios_domain, smb.dns_name,
 * smb.dns_domain, smb.dns_tree, smb.os_version, netbios.name.<suffix>,
 * netbios.mac, snmp.sysDescr, snmp.sysObjectID, snmp.sysName, snmp.engineID,
 * snmp.sysUpTime, mac.vendor, discovery.ttl, ...
 */
#ifndef NC_FINGERPRINT_FACTS_H
#define NC_FINGERPRINT_FACTS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
	FACT_SRC_DISCOVERY = 0, /* TTL, TCP window: a guess */
	FACT_SRC_MAC_VENDOR,
	FACT_SRC_BANNER,
	FACT_SRC_NETBIOS,
	FACT_SRC_SMB,
	FACT_SRC_SNMP,
	FACT_SRC_SSH,           /* credentialed inventory (a later issue) */
	FACT_SRC_NMAP,          /* an imported nmap scan: -sV/-O guesses */
	FACT_SRC__COUNT
} fact_source;

/* "discovery", "mac-vendor", "banner", "netbios", "smb", "snmp", "ssh",
 * "nmap" */
const char *fact_source_name(fact_source s);
/* -1 when unknown */
int fact_source_from_name(const char *name);
/* How much a source is trusted when facts disagree: ssh > snmp > smb >
 * netbios > banner = nmap > mac-vendor > discovery (nmap's service and OS
 * guesses are banner evidence read by another tool). */
int fact_source_rank(fact_source s);

typedef struct {
	char *key;
	char *value;
	uint8_t source;     /* fact_source */
	uint8_t confidence; /* 0-100 */
} fact;

typedef struct {
	uint16_t port;
	uint8_t proto;      /* IPPROTO_TCP / IPPROTO_UDP */
	uint8_t source;     /* fact_source */
	char *name;         /* "ssh", "http", "https", "smb", "snmp", "ftp", "smtp", "telnet", "rdp" */
	char *product;      /* from the rules, or NULL */
	char *version;      /* or NULL */
	char *info;         /* extra detail (page title, cert subject/SAN, ...) or NULL */
	char *banner;       /* raw identification as received (cleaned), or NULL */
} service_fact;

typedef struct {
	char *name;
	char *version;      /* or NULL */
	char *vendor;       /* or NULL */
	char *install_date; /* "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS", or NULL */
	char *arch;         /* as the package manager names it ("amd64", "x86_64"), or NULL */
	int64_t size_bytes; /* installed size; 0 unknown */
	uint8_t source;     /* fact_source */
} software_fact;

/* One piece of hardware (SNMP HOST-RESOURCES/ENTITY-MIB, later SSH). */
typedef struct {
	char *kind;         /* "cpu", "memory", "storage", "device", "nic", "entity", "printer" */
	char *name;         /* description */
	char *vendor;       /* or NULL */
	char *model;        /* or NULL */
	char *serial;       /* or NULL */
	char *firmware;     /* or NULL */
	char *extra;        /* kind-specific, "key=value;..." (nic: mac=..;addr=..; cpu: load=..) */
	int64_t size_bytes; /* storage/memory; -1 unknown */
	int64_t used_bytes; /* storage; -1 unknown */
	uint8_t source;     /* fact_source */
} hardware_fact;

typedef struct host_facts {
	uint32_t ip;
	pthread_mutex_t lock;
	fact *facts;
	size_t nfacts, facts_cap;
	service_fact *services;
	size_t nservices, services_cap;
	software_fact *software;
	size_t nsoftware, software_cap;
	hardware_fact *hardware;
	size_t nhardware, hardware_cap;
} host_facts;

/* Caps that keep one hostile host from exhausting memory. */
#define FACTS_MAX_PER_HOST 20000
#define FACTS_MAX_SERVICES 1024
#define FACTS_MAX_SOFTWARE 50000
#define FACTS_MAX_HARDWARE 10000
#define FACTS_MAX_VALUE 4096

void host_facts_init(host_facts *h, uint32_t ip);
void host_facts_clear(host_facts *h);

/*
 * Add one fact; value is copied through facts_clean(). Returns 0,
 * NC_ERR_NOMEM, or NC_ERR_TOOBIG when the host is at its cap (the fact is
 * dropped). Thread-safe.
 */
int host_facts_add(host_facts *h, fact_source src, int confidence, const char *key,
		   const char *value);
/* printf-style value. */
int host_facts_addf(host_facts *h, fact_source src, int confidence, const char *key,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Copy a service record (strings cleaned; NULLs stay NULL). A second record
 * for the same port/proto merges into the first: NULL fields are filled. */
int host_facts_add_service(host_facts *h, const service_fact *s);
int host_facts_add_software(host_facts *h, const software_fact *s);
int host_facts_add_hardware(host_facts *h, const hardware_fact *hw);

/* The first value of key from the highest-ranked source, or NULL. Not
 * thread-safe: for use once fingerprinting of the host is done. */
const char *host_facts_get(const host_facts *h, const char *key, fact_source *src_out);

/*
 * Clean bytes from the network into a new string: at most max bytes of
 * valid UTF-8 (invalid sequences become U+FFFD), control characters other
 * than tab replaced by '?', trailing whitespace trimmed. NULL on no memory.
 */
char *facts_clean(const void *bytes, size_t len, size_t max);

#endif
