#include "config.h"

/*
 * verdict.c — one value per field out of everything a host told us.
 *
 * Fingerprinters disagree: the TTL of a ping says "Linux" with little
 * conviction, the SMB challenge names "Windows Server 2022", SNMP's
 * sysDescr names the exact release.  For each field the candidates are the
 * facts with the field's key; the most trusted source wins
 * (fact_source_rank()), then the higher confidence, then the fact added
 * first.  The winner keeps its source, so a user can see why we believe it.
 *
 * Some fields are derived from others when nothing states them, and a
 * derived value keeps the source of the fact that decided it, at a lower
 * confidence than that fact:
 *   os.family   from os.name ("Ubuntu 22.04" -> Linux).  A family derived
 *               from a trusted source competes with a family stated by a
 *               weaker one, so SMB's "Windows Server 2022" beats the TTL's
 *               "Linux" guess.
 *   virtual     "yes" when the MAC, DMI or entity vendor is a hypervisor's.
 *   hw.vendor   the MAC's vendor when no better source named the maker.
 *   device.type printer (printer MIB, a rule, sysDescr), the rules'
 *               hw.device, hypervisor (ESXi), network (router OSes),
 *               server (a server edition, or a Linux/BSD host with ssh,
 *               http or smb listening), workstation (a Windows client).
 */

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "fingerprint/verdict.h"
#include "util/compat.h"

static const char *const field_names[VERDICT__COUNT] = {
    [VERDICT_HOSTNAME] = "hostname",	   [VERDICT_DOMAIN] = "domain",
    [VERDICT_OS_FAMILY] = "os.family",	   [VERDICT_OS_NAME] = "os.name",
    [VERDICT_OS_VERSION] = "os.version",   [VERDICT_OS_BUILD] = "os.build",
    [VERDICT_DEVICE_TYPE] = "device.type", [VERDICT_VIRTUAL] = "virtual",
    [VERDICT_HW_VENDOR] = "hw.vendor",	   [VERDICT_HW_MODEL] = "hw.model",
};

/* The fact key each field is read from. */
static const char *const field_keys[VERDICT__COUNT] = {
    [VERDICT_HOSTNAME] = "host.name",	   [VERDICT_DOMAIN] = "host.domain",
    [VERDICT_OS_FAMILY] = "os.family",	   [VERDICT_OS_NAME] = "os.name",
    [VERDICT_OS_VERSION] = "os.version",   [VERDICT_OS_BUILD] = "os.build",
    [VERDICT_DEVICE_TYPE] = "device.type", [VERDICT_VIRTUAL] = "hw.virtual",
    [VERDICT_HW_VENDOR] = "hw.vendor",	   [VERDICT_HW_MODEL] = "hw.model",
};

/* os.name substrings (any case, first match wins) and their family. */
/* clang-format off */
static const struct {
	const char *needle;
	const char *family;
} os_families[] = {
	{"windows", "Windows"},
	{"esxi", "ESXi"},		/* before "linux": "VMware ESXi" */
	{"nx-os", "NX-OS"},
	{"cisco ios", "IOS"},		/* and IOS XE */
	{"junos", "JunOS"},
	{"routeros", "RouterOS"},
	{"ubuntu", "Linux"},
	{"debian", "Linux"},
	{"red hat", "Linux"},
	{"centos", "Linux"},
	{"fedora", "Linux"},
	{"rocky", "Linux"},
	{"almalinux", "Linux"},
	{"suse", "Linux"},
	{"alpine", "Linux"},
	{"linux", "Linux"},
	{"freebsd", "BSD"},
	{"openbsd", "BSD"},
	{"netbsd", "BSD"},
	{"mac os x", "macOS"},
	{"macos", "macOS"},
};
/* clang-format on */

/* Families whose hosts are routers and switches. */
static const char *const network_families[] = {"IOS", "NX-OS", "JunOS", "RouterOS"};

/* The rules' hw.device (recog) and the device.type it means. */
static const struct {
	const char *device;
	const char *type;
} rule_devices[] = {
    {"printer", "printer"},	  {"router", "network"}, {"switch", "network"},
    {"firewall", "network"},	  {"wap", "network"},	 {"access point", "network"},
    {"hypervisor", "hypervisor"}, {"storage", "server"}, {"nas", "server"},
};

/* Vendors (MAC OUI, DMI, ENTITY-MIB) and models that only virtual machines have. */
static const char *const virtual_vendors[] = {
    "vmware", "virtualbox", "innotek",	       "qemu", "kvm", "xensource", "xen hvm", "parallels",
    "bochs",  "hyper-v",    "virtual machine",
};

/* Words in a sysDescr that only printers use. */
static const char *const printer_words[] = {"printer", "jetdirect", "laserjet", "officejet"};

/* os.name substrings of the Windows client releases. */
static const char *const windows_clients[] = {
    "windows xp", "windows vista", "windows 7", "windows 8", "windows 10", "windows 11",
};

/* Services whose presence makes a Unix host a server. */
static const char *const server_services[] = {"ssh", "http", "https", "smb"};

/* A derived value is believed a fifth less than the fact it comes from. */
static int derived_confidence(int confidence)
{
	return NC_MAX(1, confidence * 4 / 5);
}

const char *verdict_field_name(verdict_field f)
{
	return (unsigned)f < VERDICT__COUNT ? field_names[f] : "unknown";
}

static bool contains_ci(const char *haystack, const char *needle)
{
	return haystack != NULL && strcasestr(haystack, needle) != NULL;
}

static bool contains_any_ci(const char *s, const char *const *needles, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (contains_ci(s, needles[i]))
			return true;
	return false;
}

/* "yes"/"no" for the spellings of a boolean, NULL for anything else. */
static const char *yes_no(const char *v)
{
	static const char *const yes[] = {"yes", "true", "1", "y"};
	static const char *const no[] = {"no", "false", "0", "n"};

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++)
		if (strcasecmp(v, yes[i]) == 0)
			return "yes";
	for (size_t i = 0; i < ARRAY_SIZE(no); i++)
		if (strcasecmp(v, no[i]) == 0)
			return "no";
	return NULL;
}

/* Does a beat b: more trusted source, then more confident; a tie keeps b,
 * the one added first. */
static bool outranks(int src_a, int conf_a, int src_b, int conf_b)
{
	int ra = fact_source_rank((fact_source)src_a), rb = fact_source_rank((fact_source)src_b);

	return ra > rb || (ra == rb && conf_a > conf_b);
}

/* The best non-empty fact with key, or NULL.  For hw.virtual only values
 * that read as yes/no are candidates. */
static const fact *best_fact(const host_facts *h, const char *key)
{
	bool boolean = strcmp(key, "hw.virtual") == 0;
	const fact *best = NULL;

	for (size_t i = 0; i < h->nfacts; i++) {
		const fact *f = &h->facts[i];

		if (strcmp(f->key, key) != 0 || f->value[0] == '\0')
			continue;
		if (boolean && yes_no(f->value) == NULL)
			continue;
		if (best == NULL ||
		    outranks(f->source, f->confidence, best->source, best->confidence))
			best = f;
	}
	return best;
}

/* Copy value into v, cut at a UTF-8 character boundary when too long. */
static void set_value(verdict_value *v, const char *value, int source, int confidence)
{
	size_t len = strlen(value);

	if (len >= sizeof(v->value)) {
		len = sizeof(v->value) - 1;
		while (len > 0 && ((unsigned char)value[len] & 0xc0) == 0x80)
			len--;
	}
	memcpy(v->value, value, len);
	v->value[len] = '\0';
	v->set = true;
	v->source = (uint8_t)source;
	v->confidence = (uint8_t)NC_MAX(0, NC_MIN(100, confidence));
}

static void set_from_fact(verdict_value *v, const fact *f)
{
	set_value(v, f->value, f->source, f->confidence);
}

/* A derived value: the source and confidence are those of the fact that
 * decided it; the confidence is lowered. */
static void set_derived(verdict_value *v, const char *value, int source, int confidence)
{
	set_value(v, value, source, derived_confidence(confidence));
}

static const char *family_of(const char *os_name)
{
	for (size_t i = 0; i < ARRAY_SIZE(os_families); i++)
		if (contains_ci(os_name, os_families[i].needle))
			return os_families[i].family;
	return NULL;
}

static bool is_family(const verdict_value *family, const char *name)
{
	return family->set && strcasecmp(family->value, name) == 0;
}

static bool is_network_family(const verdict_value *family)
{
	for (size_t i = 0; i < ARRAY_SIZE(network_families); i++)
		if (is_family(family, network_families[i]))
			return true;
	return false;
}

/* The OS family: stated, or derived from the best os.name, whichever comes
 * from the more trusted source (see the file comment). */
static void decide_family(host_verdict *out)
{
	verdict_value *family = &out->v[VERDICT_OS_FAMILY];
	const verdict_value *name = &out->v[VERDICT_OS_NAME];
	const char *derived;

	if (!name->set || (derived = family_of(name->value)) == NULL)
		return;
	if (family->set && !outranks(name->source, derived_confidence(name->confidence),
				     family->source, family->confidence))
		return;
	set_derived(family, derived, name->source, name->confidence);
}

/* hw.virtual when nothing stated it: a hypervisor's vendor or model. */
static void derive_virtual(const host_facts *h, host_verdict *out)
{
	static const char *const keys[] = {"mac.vendor", "hw.vendor", "hw.model"};
	const fact *best = NULL;

	if (out->v[VERDICT_VIRTUAL].set)
		return;
	for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
		const fact *f = best_fact(h, keys[k]);

		if (f != NULL &&
		    contains_any_ci(f->value, virtual_vendors, ARRAY_SIZE(virtual_vendors)) &&
		    (best == NULL ||
		     outranks(f->source, f->confidence, best->source, best->confidence)))
			best = f;
	}
	if (best != NULL)
		set_derived(&out->v[VERDICT_VIRTUAL], "yes", best->source, best->confidence);
}

/* A printer, by any evidence: a rule's hw.device, a printer MIB reading, a
 * sysDescr only printers write.  Returns true and sets the type. */
static bool derive_printer(const host_facts *h, verdict_value *type)
{
	const fact *best = NULL;

	for (size_t i = 0; i < h->nfacts; i++) {
		const fact *f = &h->facts[i];
		bool says = false;

		if (strcmp(f->key, "hw.device") == 0)
			says = strcasecmp(f->value, "printer") == 0;
		else if (strncmp(f->key, "printer.", 8) == 0 || strncmp(f->key, "snmp.prt", 8) == 0)
			says = true;
		else if (strcmp(f->key, "snmp.sysDescr") == 0)
			says = contains_any_ci(f->value, printer_words, ARRAY_SIZE(printer_words));
		if (says && (best == NULL ||
			     outranks(f->source, f->confidence, best->source, best->confidence)))
			best = f;
	}
	if (best != NULL) {
		set_derived(type, "printer", best->source, best->confidence);
		return true;
	}
	for (size_t i = 0; i < h->nhardware; i++) {
		if (strcasecmp(h->hardware[i].kind, "printer") == 0) {
			/* An inventory row has no confidence of its own. */
			set_derived(type, "printer", h->hardware[i].source, 90);
			return true;
		}
	}
	return false;
}

/* The device type the rules' hw.device names, if it names one. */
static bool derive_rule_device(const host_facts *h, verdict_value *type)
{
	const fact *f = best_fact(h, "hw.device");

	if (f == NULL)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(rule_devices); i++) {
		if (strcasecmp(f->value, rule_devices[i].device) == 0) {
			set_derived(type, rule_devices[i].type, f->source, f->confidence);
			return true;
		}
	}
	return false;
}

static bool runs_server_services(const host_facts *h)
{
	for (size_t i = 0; i < h->nservices; i++) {
		const char *name = h->services[i].name;

		for (size_t k = 0; name != NULL && k < ARRAY_SIZE(server_services); k++)
			if (strcasecmp(name, server_services[k]) == 0)
				return true;
	}
	return false;
}

/* device.type when nothing stated it; the order is the order of trust in
 * the evidence (see the file comment). */
static void derive_device_type(const host_facts *h, host_verdict *out)
{
	verdict_value *type = &out->v[VERDICT_DEVICE_TYPE];
	const verdict_value *family = &out->v[VERDICT_OS_FAMILY];
	const verdict_value *name = &out->v[VERDICT_OS_NAME];
	const fact *edition = best_fact(h, "os.edition");

	if (type->set || derive_printer(h, type) || derive_rule_device(h, type))
		return;
	if (is_family(family, "ESXi"))
		set_derived(type, "hypervisor", family->source, family->confidence);
	else if (is_network_family(family))
		set_derived(type, "network", family->source, family->confidence);
	else if (name->set && contains_ci(name->value, "server"))
		set_derived(type, "server", name->source, name->confidence);
	else if (edition != NULL && contains_ci(edition->value, "server"))
		set_derived(type, "server", edition->source, edition->confidence);
	else if ((is_family(family, "Linux") || is_family(family, "BSD")) &&
		 runs_server_services(h))
		set_derived(type, "server", family->source, family->confidence);
	else if (is_family(family, "Windows") && name->set &&
		 contains_any_ci(name->value, windows_clients, ARRAY_SIZE(windows_clients)))
		set_derived(type, "workstation", name->source, name->confidence);
}

void verdict_compute(const host_facts *h, host_verdict *out)
{
	memset(out, 0, sizeof(*out));
	for (int f = 0; f < VERDICT__COUNT; f++) {
		const fact *best = best_fact(h, field_keys[f]);

		if (best == NULL)
			continue;
		if (f == VERDICT_VIRTUAL)
			set_value(&out->v[f], yes_no(best->value), best->source, best->confidence);
		else
			set_from_fact(&out->v[f], best);
	}
	if (!out->v[VERDICT_HW_VENDOR].set) {
		const fact *mac = best_fact(h, "mac.vendor");

		if (mac != NULL)
			set_from_fact(&out->v[VERDICT_HW_VENDOR], mac);
	}
	decide_family(out);
	derive_virtual(h, out);
	derive_device_type(h, out);
	/*
	 * The TTL guess says "Linux" for any stack with TTL 64; once a better
	 * source has said the host is a printer, a network device or a
	 * hypervisor, that guess is noise rather than an answer.
	 */
	if (out->v[VERDICT_OS_FAMILY].set && out->v[VERDICT_OS_FAMILY].source == FACT_SRC_DISCOVERY &&
	    out->v[VERDICT_DEVICE_TYPE].set &&
	    out->v[VERDICT_DEVICE_TYPE].source != FACT_SRC_DISCOVERY &&
	    (strcmp(out->v[VERDICT_DEVICE_TYPE].value, "printer") == 0 ||
	     strcmp(out->v[VERDICT_DEVICE_TYPE].value, "network") == 0 ||
	     strcmp(out->v[VERDICT_DEVICE_TYPE].value, "hypervisor") == 0))
		memset(&out->v[VERDICT_OS_FAMILY], 0, sizeof(out->v[VERDICT_OS_FAMILY]));
}
