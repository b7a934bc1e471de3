#include "config.h"

/*
 * ssh_parse.c — turn the collector's sectioned text into typed facts.
 *
 * The text comes from a machine we log in to, which may be hostile or just
 * odd (a menu instead of a shell, a 50 MB package list, a cut connection),
 * so every line and every row count is bounded and nothing is believed
 * beyond what it says. Key/value sections are kept in a small table while
 * reading and turned into facts at the end (os.family needs the kernel,
 * os-release and sw_vers together); row sections become software, hardware
 * and service records as they are read. The format is described in
 * ssh_parse.h.
 */

#include <ctype.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "fingerprint/ssh_parse.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/grow.h"

#define KV_MAX 160		/* key/value pairs kept from all sections */
#define KV_VALUE_MAX 1024
#define MAX_FIELDS 8
#define MAX_NICS 256
#define NIC_ADDRS_MAX 512
#define USERS_MAX 1024

enum section {
	SEC_NONE = 0, SEC_OS_RELEASE, SEC_OS, SEC_CPU, SEC_MEMORY, SEC_DISKS,
	SEC_FILESYSTEMS, SEC_DMI, SEC_VIRT, SEC_NET, SEC_USERS, SEC_UPTIME,
	SEC_PACKAGES, SEC_APPS, SEC_SNAPS, SEC_FLATPAKS, SEC_HOTFIXES, SEC_LISTEN,
};

static const struct {
	const char *name;
	enum section sec;
} sections[] = {
	{"os-release", SEC_OS_RELEASE}, {"os", SEC_OS}, {"cpu", SEC_CPU},
	{"memory", SEC_MEMORY}, {"disks", SEC_DISKS}, {"filesystems", SEC_FILESYSTEMS},
	{"dmi", SEC_DMI}, {"virt", SEC_VIRT}, {"net", SEC_NET}, {"users", SEC_USERS},
	{"uptime", SEC_UPTIME}, {"packages", SEC_PACKAGES}, {"apps", SEC_APPS},
	{"snaps", SEC_SNAPS}, {"flatpaks", SEC_FLATPAKS}, {"hotfixes", SEC_HOTFIXES},
	{"listen", SEC_LISTEN},
};

struct kv {
	enum section sec;
	char key[40];
	char *value;
};

struct nic {
	char name[64];
	char mac[64];
	char addrs[NIC_ADDRS_MAX];
};

struct pctx {
	host_facts *h;
	ssh_parse_stats *st;
	enum section sec;
	size_t sec_rows;
	struct kv kv[KV_MAX];
	size_t nkv;
	struct nic *nics;
	size_t nnics, nics_cap;
	char users[USERS_MAX];
	char native[32];
	bool software_full;
	int oom;
};

/* ------------------------------------------------------------ helpers */

static bool eq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

static bool empty(const char *s)
{
	return s == NULL || *s == '\0';
}

static bool contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; hay != NULL && *hay != '\0'; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return true;
	return false;
}

/* Decimal digits only, at most 19 of them: the value, else -1. */
static int64_t num(const char *s)
{
	int64_t v = 0;
	size_t n = 0;

	if (empty(s))
		return -1;
	for (; *s != '\0'; s++, n++) {
		if (!isdigit((unsigned char)*s) || n >= 18)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

static void note_rc(struct pctx *c, int r)
{
	if (r == NC_ERR_NOMEM)
		c->oom = 1;
}

static void put(struct pctx *c, const char *key, const char *value)
{
	if (!empty(value))
		note_rc(c, host_facts_add(c->h, FACT_SRC_SSH, SSH_PARSE_CONFIDENCE, key, value));
}

static void put_num(struct pctx *c, const char *key, int64_t v)
{
	if (v >= 0)
		note_rc(c, host_facts_addf(c->h, FACT_SRC_SSH, SSH_PARSE_CONFIDENCE, key, "%lld",
					   (long long)v));
}

static void kv_put(struct pctx *c, enum section sec, const char *key, const char *value)
{
	if (empty(key) || strlen(key) >= sizeof(c->kv[0].key) || empty(value))
		return;
	for (size_t i = 0; i < c->nkv; i++)
		if (c->kv[i].sec == sec && strcmp(c->kv[i].key, key) == 0)
			return; /* the first value wins */
	if (c->nkv >= KV_MAX) {
		c->st->rows_dropped++;
		return;
	}
	if ((c->kv[c->nkv].value = strndup(value, KV_VALUE_MAX)) == NULL) {
		c->oom = 1;
		return;
	}
	c->kv[c->nkv].sec = sec;
	snprintf(c->kv[c->nkv].key, sizeof(c->kv[0].key), "%s", key);
	c->nkv++;
}

static const char *kv(const struct pctx *c, enum section sec, const char *key)
{
	for (size_t i = 0; i < c->nkv; i++)
		if (c->kv[i].sec == sec && strcmp(c->kv[i].key, key) == 0)
			return c->kv[i].value;
	return NULL;
}

/* DMI and WMI placeholders that name nothing. */
static bool placeholder(const char *s)
{
	static const char *const junk[] = {
		"To be filled by O.E.M.", "To Be Filled By O.E.M.", "Not Specified",
		"Not Applicable", "Default string", "System Product Name",
		"System manufacturer", "System Serial Number", "None", "N/A", "0",
		"Not Available", "OEM", "O.E.M.", "Unknown", "123456789",
		"00000000-0000-0000-0000-000000000000",
		"03000200-0400-0500-0006-000700080009",
	};

	if (empty(s))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(junk); i++)
		if (strcasecmp(s, junk[i]) == 0)
			return true;
	return false;
}

/*
 * An install time as the collectors print it: YYYYMMDD (Windows), YYYY-MM-DD,
 * or epoch seconds (dpkg .list mtime, rpm, pacman, pkg, pkgutil). NULL-free
 * out: "" when it is none of these.
 */
static void install_date(const char *s, char *out, size_t outlen)
{
	int64_t v = num(s);
	struct tm tm;
	time_t t;

	out[0] = '\0';
	if (empty(s))
		return;
	/* the recursive call passes 8 digits: strlen(s) is 8 there */
	/* NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult) */
	if (strlen(s) == 10 && s[4] == '-' && s[7] == '-') {
		char d[9] = {s[0], s[1], s[2], s[3], s[5], s[6], s[8], s[9], 0};

		if (num(d) >= 0)
			install_date(d, out, outlen);
		return;
	}
	if (v >= 19000101 && v <= 29991231 && strlen(s) == 8) {
		int y = (int)(v / 10000), m = (int)(v / 100 % 100), d = (int)(v % 100);

		if (m >= 1 && m <= 12 && d >= 1 && d <= 31)
			snprintf(out, outlen, "%04d-%02d-%02d", y, m, d);
		return;
	}
	/* 1990 .. 2100: anything else is a clock that was not set */
	if (v < 631152000 || v > 4102444800LL)
		return;
	t = (time_t)v;
	if (gmtime_r(&t, &tm) != NULL)
		strftime(out, outlen, "%Y-%m-%dT%H:%M:%S", &tm);
}

/* ----------------------------------------------------------- sections */

/* os-release(5): KEY=value, value maybe quoted with shell escapes. */
static void row_os_release(struct pctx *c, char *line)
{
	char *eqs = strchr(line, '='), *v, *w;
	char q;

	if (eqs == NULL || line[0] == '#')
		return;
	*eqs = '\0';
	for (const char *k = line; *k != '\0'; k++)
		if (!isupper((unsigned char)*k) && !isdigit((unsigned char)*k) && *k != '_')
			return;
	v = eqs + 1;
	q = *v;
	if (q == '"' || q == '\'') {
		v++;
		for (w = v; *w != '\0' && *w != q; w++)
			if (q == '"' && *w == '\\' && w[1] != '\0')
				memmove(w, w + 1, strlen(w)); /* drop the backslash */
		*w = '\0';
	}
	kv_put(c, SEC_OS_RELEASE, line, v);
}

static struct nic *nic_get(struct pctx *c, const char *name)
{
	struct nic *n;

	if (empty(name) || strlen(name) >= sizeof(n->name))
		return NULL;
	for (size_t i = 0; i < c->nnics; i++)
		if (strcmp(c->nics[i].name, name) == 0)
			return &c->nics[i];
	if (c->nnics >= MAX_NICS)
		return NULL;
	if (nc_grow(&c->nics, &c->nics_cap, c->nnics + 1, sizeof(*c->nics), 8) != 0) {
		c->oom = 1;
		return NULL;
	}
	n = &c->nics[c->nnics++];
	memset(n, 0, sizeof(*n));
	snprintf(n->name, sizeof(n->name), "%s", name);
	return n;
}

static void row_net(struct pctx *c, char **f)
{
	struct nic *n = nic_get(c, f[1]);
	size_t used;

	if (n == NULL) {
		c->st->rows_dropped++;
		return;
	}
	if (eq(f[0], "link") && n->mac[0] == '\0' && strlen(f[2]) < sizeof(n->mac)) {
		/* Windows prints 00-15-5D-01-02-03 */
		for (size_t i = 0; f[2][i] != '\0'; i++)
			n->mac[i] = f[2][i] == '-' ? ':' : (char)tolower((unsigned char)f[2][i]);
	} else if (eq(f[0], "addr") && !empty(f[2])) {
		used = strlen(n->addrs);
		if (used + strlen(f[2]) + 2 < sizeof(n->addrs))
			snprintf(n->addrs + used, sizeof(n->addrs) - used, "%s%s", used ? "," : "",
				 f[2]);
	}
}

static void row_users(struct pctx *c, const char *user)
{
	size_t n = strlen(user), used = strlen(c->users);
	const char *p = c->users;

	if (n == 0 || strpbrk(user, ", ") != NULL)
		return;
	while ((p = strstr(p, user)) != NULL) {
		if ((p == c->users || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return; /* already listed */
		p += n;
	}
	if (used + n + 2 < sizeof(c->users))
		snprintf(c->users + used, sizeof(c->users) - used, "%s%s", used ? "," : "", user);
}

/* A package size in bytes as the script prints it (digits, at most 2^53);
 * 0 for anything else. */
static int64_t parse_size(const char *s)
{
	int64_t v = 0;

	if (empty(s))
		return 0;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || v > (INT64_C(1) << 53) / 10)
			return 0;
		v = v * 10 + (*s - '0');
	}
	return v;
}

static void software(struct pctx *c, const char *name, const char *version, const char *vendor,
		     const char *when, const char *arch, const char *size, bool is_package)
{
	char date[32];
	software_fact s = {0};
	int r;

	if (empty(name)) {
		c->st->rows_dropped++;
		return;
	}
	if (c->software_full) {
		c->st->software_dropped++;
		return;
	}
	install_date(when, date, sizeof(date));
	s.name = (char *)name;
	s.version = empty(version) ? NULL : (char *)version;
	s.vendor = empty(vendor) || eq(vendor, "(none)") ? NULL : (char *)vendor;
	s.install_date = date[0] ? date : NULL;
	s.arch = empty(arch) || eq(arch, "(none)") ? NULL : (char *)arch;
	s.size_bytes = parse_size(size);
	s.source = FACT_SRC_SSH;
	r = host_facts_add_software(c->h, &s);
	if (r == NC_ERR_TOOBIG) {
		c->software_full = true;
		c->st->software_dropped++;
	} else if (r != 0) {
		note_rc(c, r);
		c->st->rows_dropped++;
	} else {
		c->st->software++;
		if (is_package)
			c->st->packages++;
	}
}

static bool arch_neutral(const char *a)
{
	return empty(a) || eq(a, "all") || eq(a, "noarch") || eq(a, "any") || eq(a, "(none)") ||
	       eq(a, "none");
}

static void row_package(struct pctx *c, char **f, size_t nf)
{
	/* as long as any stored value may be (facts_clean cuts there, at a
	 * character): a shorter buffer cut long names mid-UTF-8 sequence */
	char name[FACTS_MAX_VALUE + 1];

	if (nf == 2 && eq(f[0], "manager")) {
		snprintf(c->st->manager, sizeof(c->st->manager), "%s", f[1]);
		return;
	}
	if (nf == 2 && eq(f[0], "native")) {
		snprintf(c->native, sizeof(c->native), "%s", f[1]);
		return;
	}
	if (arch_neutral(f[2]) || eq(f[2], c->native) || c->native[0] == '\0')
		snprintf(name, sizeof(name), "%s", f[0]);
	else
		snprintf(name, sizeof(name), "%s:%s", f[0], f[2]);
	software(c, name, f[1], f[5], f[4], f[2], f[3], true);
}

static void hardware(struct pctx *c, const hardware_fact *hw)
{
	int r = host_facts_add_hardware(c->h, hw);

	if (r == 0)
		c->st->hardware++;
	else {
		note_rc(c, r);
		c->st->rows_dropped++;
	}
}

static void row_disk(struct pctx *c, char **f)
{
	hardware_fact hw = {.kind = "disk", .name = f[0], .size_bytes = num(f[2]),
			    .used_bytes = -1, .source = FACT_SRC_SSH};

	if (empty(f[0]) || (!empty(f[1]) && !eq(f[1], "disk")))
		return;
	hw.model = empty(f[3]) ? NULL : f[3];
	hw.serial = empty(f[4]) || placeholder(f[4]) ? NULL : f[4];
	hardware(c, &hw);
}

static void row_filesystem(struct pctx *c, char **f)
{
	char extra[600];
	hardware_fact hw = {.kind = "storage", .name = f[4], .size_bytes = num(f[1]),
			    .used_bytes = num(f[2]), .extra = extra, .source = FACT_SRC_SSH};

	if (empty(f[4]))
		return;
	snprintf(extra, sizeof(extra), "source=%s;avail=%s", f[0], f[3]);
	hardware(c, &hw);
}

static void row_listen(struct pctx *c, char **f)
{
	int64_t port = num(f[1]);
	service_fact s = {0};
	int r;

	if (port < 1 || port > 65535 || (!eq(f[0], "tcp") && !eq(f[0], "udp"))) {
		c->st->rows_dropped++;
		return;
	}
	s.port = (uint16_t)port;
	s.proto = eq(f[0], "tcp") ? IPPROTO_TCP : IPPROTO_UDP;
	s.source = FACT_SRC_SSH;
	s.name = empty(f[2]) ? NULL : f[2];
	r = host_facts_add_service(c->h, &s);
	if (r == 0)
		c->st->services++;
	else {
		note_rc(c, r);
		c->st->rows_dropped++;
	}
}

static void row(struct pctx *c, char *line)
{
	char *f[MAX_FIELDS];
	size_t nf = 0;
	size_t cap = c->sec == SEC_PACKAGES ? SSH_PARSE_MAX_ROWS : SSH_PARSE_MAX_SMALL_ROWS;

	if (c->sec == SEC_NONE)
		return;
	if (++c->sec_rows > cap) {
		c->st->rows_dropped++;
		return;
	}
	if (c->sec == SEC_OS_RELEASE) {
		row_os_release(c, line);
		return;
	}
	f[nf++] = line;
	for (char *p = line; *p != '\0' && nf < MAX_FIELDS; p++)
		if (*p == '\t') {
			*p = '\0';
			f[nf++] = p + 1;
		}
	for (size_t i = nf; i < MAX_FIELDS; i++)
		f[i] = "";

	switch (c->sec) {
	case SEC_OS: case SEC_CPU: case SEC_MEMORY: case SEC_DMI: case SEC_VIRT: case SEC_UPTIME:
		kv_put(c, c->sec, f[0], f[1]);
		break;
	case SEC_DISKS:
		row_disk(c, f);
		break;
	case SEC_FILESYSTEMS:
		row_filesystem(c, f);
		break;
	case SEC_NET:
		row_net(c, f);
		break;
	case SEC_USERS:
		row_users(c, f[0]);
		break;
	case SEC_PACKAGES:
		row_package(c, f, nf);
		break;
	case SEC_APPS:
		software(c, f[0], f[1], NULL, NULL, NULL, NULL, false);
		break;
	case SEC_SNAPS:
		software(c, f[0], f[1], "snap", NULL, NULL, NULL, false);
		break;
	case SEC_FLATPAKS:
		software(c, f[0], f[1], "flatpak", NULL, NULL, NULL, false);
		break;
	case SEC_HOTFIXES:
		software(c, f[0], NULL, "Microsoft", f[1], NULL, NULL, false);
		break;
	case SEC_LISTEN:
		row_listen(c, f);
		break;
	default:
		break;
	}
}

/* -------------------------------------------------------- the verdict */

static const char *family_of(const char *kernel)
{
	if (eq(kernel, "Linux"))
		return "Linux";
	if (eq(kernel, "Darwin"))
		return "macOS";
	if (eq(kernel, "Windows"))
		return "Windows";
	if (eq(kernel, "FreeBSD") || eq(kernel, "OpenBSD") || eq(kernel, "NetBSD") ||
	    eq(kernel, "DragonFly"))
		return "BSD";
	return NULL;
}

static void finish_names(struct pctx *c, const char *family)
{
	const char *hn = kv(c, SEC_OS, "hostname"), *fq = kv(c, SEC_OS, "fqdn");
	const char *dom = kv(c, SEC_OS, "domain");
	char shortname[256], fqdn[512];
	const char *dot;

	fqdn[0] = '\0';
	if (empty(hn))
		return;
	snprintf(shortname, sizeof(shortname), "%s", hn);
	if ((dot = strchr(hn, '.')) != NULL) {
		shortname[NC_MIN((size_t)(dot - hn), sizeof(shortname) - 1)] = '\0';
		snprintf(fqdn, sizeof(fqdn), "%s", hn);
	}
	if (eq(family, "Windows")) {
		if (!empty(dom) && eq(kv(c, SEC_OS, "part-of-domain"), "True")) {
			snprintf(fqdn, sizeof(fqdn), "%s.%s", shortname, dom);
			for (char *p = fqdn; *p != '\0'; p++)
				*p = (char)tolower((unsigned char)*p);
		} else
			put(c, "host.workgroup", dom);
	} else if (!empty(fq) && strchr(fq, '.') != NULL)
		snprintf(fqdn, sizeof(fqdn), "%s", fq);
	put(c, "host.name", shortname);
	if (fqdn[0] != '\0' && strncmp(fqdn, "localhost", 9) != 0 && strchr(fqdn, '.') != NULL) {
		put(c, "host.fqdn", fqdn);
		put(c, "host.domain", strchr(fqdn, '.') + 1);
	}
}

static void finish_os(struct pctx *c, const char *family)
{
	const char *name = kv(c, SEC_OS_RELEASE, "NAME");
	const char *version = kv(c, SEC_OS_RELEASE, "VERSION_ID");
	const char *kernel = kv(c, SEC_OS, "kernel");
	const char *release = kv(c, SEC_OS, "release");
	char build[64];

	if (empty(name))
		name = kv(c, SEC_OS_RELEASE, "PRETTY_NAME");
	if (eq(family, "Windows")) {
		name = kv(c, SEC_OS, "caption");
		version = kv(c, SEC_OS, "version");
		release = version;
		build[0] = '\0';
		if (!empty(kv(c, SEC_OS, "build")))
			snprintf(build, sizeof(build), "%s%s%s", kv(c, SEC_OS, "build"),
				 empty(kv(c, SEC_OS, "ubr")) ? "" : ".",
				 empty(kv(c, SEC_OS, "ubr")) ? "" : kv(c, SEC_OS, "ubr"));
		put(c, "os.build", build);
		put(c, "os.edition", kv(c, SEC_OS, "edition"));
		put(c, "os.display_version", kv(c, SEC_OS, "display-version"));
	} else if (eq(family, "macOS")) {
		name = kv(c, SEC_OS, "product-name");
		version = kv(c, SEC_OS, "product-version");
		put(c, "os.build", kv(c, SEC_OS, "build-version"));
	} else if (eq(kernel, "FreeBSD")) {
		if (empty(name))
			name = kernel;
		/* freebsd-version -u: the userland, patch level included */
		if (!empty(kv(c, SEC_OS, "userland")))
			version = kv(c, SEC_OS, "userland");
		else if (empty(version))
			version = release;
	} else if (eq(family, "BSD")) {
		if (empty(name))
			name = kernel;
		if (empty(version))
			version = release;
	} else {
		if (empty(name))
			name = kernel;
		put(c, "os.edition", kv(c, SEC_OS_RELEASE, "VARIANT_ID"));
	}
	put(c, "os.family", family);
	put(c, "os.name", name);
	put(c, "os.version", version);
	put(c, "os.pretty_name", kv(c, SEC_OS_RELEASE, "PRETTY_NAME"));
	put(c, "os.id", kv(c, SEC_OS_RELEASE, "ID"));
	put(c, "os.id_like", kv(c, SEC_OS_RELEASE, "ID_LIKE"));
	put(c, "os.codename", kv(c, SEC_OS_RELEASE, "VERSION_CODENAME"));
	put(c, "os.kernel", release);
	put(c, "os.arch", kv(c, SEC_OS, "machine"));
}

static void finish_device_type(struct pctx *c, const char *family)
{
	const char *pt = kv(c, SEC_OS, "product-type");
	int64_t chassis = num(kv(c, SEC_DMI, "chassis_type"));
	const char *type = NULL;

	if (eq(family, "Windows") && !empty(pt))
		type = eq(pt, "1") ? "workstation" : "server";
	else if (eq(family, "macOS"))
		type = "workstation";
	else if ((chassis >= 3 && chassis <= 16) || (chassis >= 30 && chassis <= 32))
		type = "workstation"; /* desktop, tower, laptop, notebook, tablet ... */
	else if (chassis == 17 || chassis == 23 || chassis == 25 || chassis == 28 || chassis == 29)
		type = "server"; /* main server chassis, rack, multi-system, blade */
	put(c, "device.type", type);
}

static void finish_hw(struct pctx *c)
{
	static const char *const virtual_marks[] = {
		"qemu", "kvm", "vmware", "virtualbox", "innotek", "xen", "bochs", "parallels",
		"amazon ec2", "google compute engine", "virtual machine", "openstack", "bhyve",
	};
	const char *vendor = kv(c, SEC_DMI, "sys_vendor"), *model = kv(c, SEC_DMI, "product_name");
	const char *virt = kv(c, SEC_VIRT, "virt");
	const char *serial = kv(c, SEC_DMI, "product_serial"), *uuid = kv(c, SEC_DMI, "product_uuid");

	if (!placeholder(vendor))
		put(c, "hw.vendor", vendor);
	if (!placeholder(model))
		put(c, "hw.model", model);
	if (!placeholder(serial))
		put(c, "hw.serial", serial);
	if (!placeholder(uuid))
		put(c, "hw.uuid", uuid);
	put(c, "hw.family", kv(c, SEC_DMI, "product_family"));
	put(c, "hw.bios_vendor", kv(c, SEC_DMI, "bios_vendor"));
	put(c, "hw.bios_version", kv(c, SEC_DMI, "bios_version"));
	put(c, "hw.bios_date", kv(c, SEC_DMI, "bios_date"));

	if (!empty(virt)) {
		put(c, "hw.virtual", eq(virt, "none") ? "no" : "yes");
		if (!eq(virt, "none"))
			put(c, "hw.virt_type", virt);
	} else if (!placeholder(vendor) || !placeholder(model)) {
		bool v = false;

		for (size_t i = 0; i < ARRAY_SIZE(virtual_marks); i++)
			if (contains_ci(vendor, virtual_marks[i]) || contains_ci(model, virtual_marks[i]))
				v = true;
		put(c, "hw.virtual", v ? "yes" : "no");
	}
}

static void finish_cpu_memory(struct pctx *c)
{
	const char *model = kv(c, SEC_CPU, "model");
	int64_t sockets = num(kv(c, SEC_CPU, "sockets")), cores = num(kv(c, SEC_CPU, "cores"));
	int64_t threads = num(kv(c, SEC_CPU, "threads"));
	int64_t mem = num(kv(c, SEC_MEMORY, "total-bytes"));
	char extra[128];

	if (empty(model))
		model = kv(c, SEC_CPU, "lscpu-model");
	if (sockets <= 0)
		sockets = num(kv(c, SEC_CPU, "lscpu-sockets"));
	/* num() takes up to 18 digits: products are overflow-checked */
	if (cores <= 0 && sockets > 0 && num(kv(c, SEC_CPU, "lscpu-cores-per-socket")) > 0 &&
	    __builtin_mul_overflow(sockets, num(kv(c, SEC_CPU, "lscpu-cores-per-socket")),
				   &cores))
		cores = -1;
	if (threads <= 0)
		threads = num(kv(c, SEC_CPU, "nproc"));
	if (mem < 0 && num(kv(c, SEC_MEMORY, "total-kb")) >= 0 &&
	    __builtin_mul_overflow(num(kv(c, SEC_MEMORY, "total-kb")), 1024, &mem))
		mem = -1;

	put(c, "hw.cpu.model", model);
	if (sockets > 0)
		put_num(c, "hw.cpu.count", sockets);
	if (cores > 0)
		put_num(c, "hw.cpu.cores", cores);
	if (threads > 0)
		put_num(c, "hw.cpu.threads", threads);
	if (mem > 0)
		put_num(c, "hw.memory_bytes", mem);
	if (!empty(model) || threads > 0) {
		hardware_fact hw = {.kind = "cpu", .name = (char *)(empty(model) ? "cpu" : model),
				    .extra = extra, .size_bytes = -1, .used_bytes = -1,
				    .source = FACT_SRC_SSH};

		snprintf(extra, sizeof(extra), "sockets=%lld;cores=%lld;threads=%lld",
			 (long long)sockets, (long long)cores, (long long)threads);
		hardware(c, &hw);
	}
	if (mem > 0) {
		hardware_fact hw = {.kind = "memory", .name = "physical memory", .size_bytes = mem,
				    .used_bytes = -1, .source = FACT_SRC_SSH};

		hardware(c, &hw);
	}
}

static void finish_rest(struct pctx *c)
{
	int64_t up = num(kv(c, SEC_UPTIME, "seconds"));
	int64_t boot = num(kv(c, SEC_UPTIME, "boot-epoch")), now = num(kv(c, SEC_UPTIME, "now-epoch"));
	char extra[NIC_ADDRS_MAX + 96];

	if (up < 0 && boot > 0 && now >= boot)
		up = now - boot;
	put_num(c, "os.uptime", up);
	put(c, "users.logged_on", c->users);
	for (size_t i = 0; i < c->nnics; i++) {
		struct nic *n = &c->nics[i];
		hardware_fact hw = {.kind = "nic", .name = n->name, .extra = extra,
				    .size_bytes = -1, .used_bytes = -1, .source = FACT_SRC_SSH};

		if (strcmp(n->name, "lo") == 0 || strcmp(n->name, "lo0") == 0)
			continue;
		snprintf(extra, sizeof(extra), "mac=%s;addr=%s", n->mac, n->addrs);
		hardware(c, &hw);
	}
}

static void finish(struct pctx *c)
{
	const char *family = family_of(kv(c, SEC_OS, "kernel"));

	if (family == NULL && !empty(kv(c, SEC_OS_RELEASE, "ID")))
		family = "Linux";
	finish_names(c, family);
	finish_os(c, family);
	finish_device_type(c, family);
	finish_hw(c);
	finish_cpu_memory(c);
	finish_rest(c);
	put(c, "ssh.package_manager", c->st->manager);
}

/* ---------------------------------------------------------------- API */

int ssh_parse_inventory(const char *buf, size_t len, host_facts *h, ssh_parse_stats *stats)
{
	ssh_parse_stats dummy;
	struct pctx *c = NULL;
	char *line = NULL;
	bool header = false, ended = false;
	size_t pos = 0;
	int r = NC_ERR_INTERNAL;

	if (stats == NULL)
		stats = &dummy;
	memset(stats, 0, sizeof(*stats));
	if (h == NULL || (buf == NULL && len > 0))
		return NC_ERR_INVALID;
	if ((c = calloc(1, sizeof(*c))) == NULL || (line = malloc(SSH_PARSE_MAX_LINE + 1)) == NULL) {
		r = NC_ERR_NOMEM;
		goto out;
	}
	c->h = h;
	c->st = stats;

	while (pos < len && !ended) {
		const char *p = buf + pos;
		const char *nl = memchr(p, '\n', len - pos);
		size_t l = nl != NULL ? (size_t)(nl - p) : len - pos;

		pos += l + (nl != NULL);
		stats->lines++;
		if (l > SSH_PARSE_MAX_LINE) {
			stats->long_lines++;
			continue;
		}
		for (size_t i = 0; i < l; i++)
			line[i] = p[i] == '\0' ? '?' : p[i];
		while (l > 0 && line[l - 1] == '\r')
			l--;
		line[l] = '\0';

		if (!header) {
			if (strcmp(line, SSH_PARSE_HEADER) == 0)
				header = true;
			else if (strncmp(line, "NETCENSUS-INVENTORY ", 20) == 0) {
				r = nc_fail(NC_ERR_INVALID, "unsupported inventory format '%.40s'",
					    line);
				goto out;
			} else if (stats->lines >= SSH_PARSE_MAX_NOISE)
				break;
			continue;
		}
		if (strncmp(line, "@@ ", 3) == 0) {
			c->sec = SEC_NONE;
			c->sec_rows = 0;
			if (strcmp(line + 3, "end") == 0)
				ended = true;
			for (size_t i = 0; i < ARRAY_SIZE(sections); i++)
				if (strcmp(line + 3, sections[i].name) == 0)
					c->sec = sections[i].sec;
			continue;
		}
		/* a last line without its newline was cut in the middle */
		if (nl == NULL)
			break;
		row(c, line);
	}
	if (!header) {
		r = nc_fail(NC_ERR_INVALID, "not netcensus output: the remote shell is not POSIX sh?");
		goto out;
	}
	stats->truncated = !ended;
	if (stats->truncated)
		put(c, "ssh.truncated", "yes");
	finish(c);
	r = c->oom ? NC_ERR_NOMEM : 0;
out:
	if (c != NULL) {
		for (size_t i = 0; i < c->nkv; i++)
			free(c->kv[i].value);
		free(c->nics);
	}
	free(c);
	free(line);
	return r;
}
