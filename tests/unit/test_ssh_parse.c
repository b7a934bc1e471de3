/*
 * test_ssh_parse.c — the SSH inventory collectors and the parser of their
 * output.
 *
 * Captures in tests/data/ssh (see its README): Debian 12 from running
 * scripts/inventory.sh on the build VM under dash, the other platforms
 * written by hand from each tool's real output format. Each must give
 * exact facts and package counts. The parser is also fed its input cut at
 * every offset, output of shells that are not POSIX, and hostile bytes.
 * The sh collector itself is checked with sh -n and dash -n, and run here
 * (it only reads local state) to see that the parser accepts it.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>

#include <cmocka.h>

#include "fingerprint/facts.h"
#include "fingerprint/ssh_parse.h"
#include "fingerprint/ssh_script.h"
#include "util/compat.h"
#include "util/err.h"

#ifndef NC_TEST_DATA
#error "NC_TEST_DATA must name the tests/data directory"
#endif
#ifndef NC_SCRIPTS_DIR
#error "NC_SCRIPTS_DIR must name the scripts directory"
#endif

#define DATA NC_TEST_DATA "/ssh/"

/* dpkg-query -W | wc -l on the VM when debian12.txt was captured */
#define DEBIAN12_PACKAGES 945

/* ------------------------------------------------------------- helpers */

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, k;

	if (f == NULL)
		return NULL;
	for (;;) {
		if (n + 65536 + 1 > cap) {
			char *nb = realloc(buf, cap = (cap + 65536) * 2);

			if (nb == NULL) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		if ((k = fread(buf + n, 1, 65536, f)) == 0)
			break;
		n += k;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static char *slurp_cmd(const char *cmd, size_t *len)
{
	FILE *f = popen(cmd, "r");
	char *buf = NULL;
	size_t cap = 0, n = 0, k;

	if (f == NULL)
		return NULL;
	for (;;) {
		if (n + 65536 + 1 > cap) {
			char *nb = realloc(buf, cap = (cap + 65536) * 2);

			if (nb == NULL)
				break;
			buf = nb;
		}
		if ((k = fread(buf + n, 1, 65536, f)) == 0)
			break;
		n += k;
	}
	pclose(f);
	if (buf != NULL)
		buf[n] = '\0';
	*len = n;
	return buf;
}

typedef struct {
	host_facts h;
	ssh_parse_stats st;
	int rc;
} parsed;

static parsed *parse_buf(const char *buf, size_t len)
{
	parsed *p = calloc(1, sizeof(*p));

	assert_non_null(p);
	host_facts_init(&p->h, 0x0a000001);
	p->rc = ssh_parse_inventory(buf, len, &p->h, &p->st);
	return p;
}

static parsed *parse_file(const char *name)
{
	char path[512];
	size_t len = 0;
	char *buf;
	parsed *p;

	snprintf(path, sizeof(path), DATA "%s", name);
	buf = slurp(path, &len);
	assert_non_null(buf);
	p = parse_buf(buf, len);
	free(buf);
	assert_int_equal(p->rc, 0);
	return p;
}

static void parsed_free(parsed *p)
{
	host_facts_clear(&p->h);
	free(p);
}

static const char *get(parsed *p, const char *key)
{
	fact_source src;
	const char *v = host_facts_get(&p->h, key, &src);

	if (v != NULL)
		assert_int_equal(src, FACT_SRC_SSH);
	return v;
}

#define assert_fact(p, key, want) assert_string_equal(get(p, key) ? get(p, key) : "(null)", want)
#define assert_no_fact(p, key) assert_null(get(p, key))

static const software_fact *find_sw(parsed *p, const char *name)
{
	for (size_t i = 0; i < p->h.nsoftware; i++)
		if (strcmp(p->h.software[i].name, name) == 0)
			return &p->h.software[i];
	return NULL;
}

static size_t count_hw(parsed *p, const char *kind)
{
	size_t n = 0;

	for (size_t i = 0; i < p->h.nhardware; i++)
		n += strcmp(p->h.hardware[i].kind, kind) == 0;
	return n;
}

static const hardware_fact *find_hw(parsed *p, const char *kind, const char *name)
{
	for (size_t i = 0; i < p->h.nhardware; i++)
		if (strcmp(p->h.hardware[i].kind, kind) == 0 && p->h.hardware[i].name != NULL &&
		    strcmp(p->h.hardware[i].name, name) == 0)
			return &p->h.hardware[i];
	return NULL;
}

static const service_fact *find_svc(parsed *p, int proto, int port)
{
	for (size_t i = 0; i < p->h.nservices; i++)
		if (p->h.services[i].proto == proto && p->h.services[i].port == port)
			return &p->h.services[i];
	return NULL;
}

/* ------------------------------------------------------- Debian capture */

static void test_debian12(void **state)
{
	parsed *p = parse_file("debian12.txt");
	const software_fact *s;
	const hardware_fact *hw;

	assert_false(p->st.truncated);
	assert_no_fact(p, "ssh.truncated");
	assert_string_equal(p->st.manager, "dpkg");
	assert_int_equal(p->st.packages, DEBIAN12_PACKAGES);
	assert_int_equal(p->h.nsoftware, DEBIAN12_PACKAGES);
	assert_fact(p, "os.family", "Linux");
	assert_fact(p, "os.name", "Debian GNU/Linux");
	assert_fact(p, "os.version", "12");
	assert_fact(p, "os.pretty_name", "Debian GNU/Linux 12 (bookworm)");
	assert_fact(p, "os.id", "debian");
	assert_fact(p, "os.codename", "bookworm");
	assert_no_fact(p, "os.id_like");
	assert_fact(p, "os.arch", "x86_64");
	assert_fact(p, "os.kernel", "6.18.44-fc-v595");
	assert_fact(p, "host.name", "vm");
	assert_no_fact(p, "host.fqdn");
	assert_fact(p, "hw.cpu.model", "Intel(R) Xeon(R) Processor @ 2.10GHz");
	assert_fact(p, "hw.cpu.count", "1");
	assert_fact(p, "hw.cpu.cores", "2");
	assert_fact(p, "hw.cpu.threads", "2");
	assert_fact(p, "hw.memory_bytes", "25325273088");
	assert_fact(p, "hw.virtual", "yes");
	assert_fact(p, "hw.virt_type", "docker");
	assert_fact(p, "os.uptime", "5768");
	assert_fact(p, "ssh.package_manager", "dpkg");

	s = find_sw(p, "apt");
	assert_non_null(s);
	assert_string_equal(s->version, "2.6.1");
	assert_null(s->vendor);
	assert_string_equal(s->install_date, "2025-05-20T00:00:00");
	assert_int_equal(s->source, FACT_SRC_SSH);
	s = find_sw(p, "attr");
	assert_non_null(s);
	assert_string_equal(s->version, "1:2.5.1-4");

	assert_int_equal(count_hw(p, "disk"), 2);
	hw = find_hw(p, "disk", "vda");
	assert_non_null(hw);
	assert_int_equal(hw->size_bytes, 274877906944LL);
	hw = find_hw(p, "storage", "/");
	assert_non_null(hw);
	assert_int_equal(hw->size_bytes, 270553174016LL);
	assert_int_equal(hw->used_bytes, 17486262272LL);
	hw = find_hw(p, "nic", "eth0");
	assert_non_null(hw);
	assert_string_equal(hw->extra,
			    "mac=02:fc:00:00:00:01;addr=192.0.2.2/24,fd00::2/64,fe80::fc:ff:fe00:1/64");
	assert_null(find_hw(p, "nic", "lo"));
	assert_int_equal(count_hw(p, "cpu"), 1);
	parsed_free(p);
}

/* ------------------------------------------------ hand-written captures */

static void test_rhel9(void **state)
{
	parsed *p = parse_file("rhel9.txt");
	const software_fact *s;

	assert_false(p->st.truncated);
	assert_string_equal(p->st.manager, "rpm");
	assert_int_equal(p->st.packages, 7);
	assert_fact(p, "os.family", "Linux");
	assert_fact(p, "os.name", "Red Hat Enterprise Linux");
	assert_fact(p, "os.version", "9.3");
	assert_fact(p, "os.id", "rhel");
	assert_fact(p, "os.id_like", "fedora");
	assert_fact(p, "os.kernel", "5.14.0-362.8.1.el9_3.x86_64");
	assert_fact(p, "host.name", "db01");
	assert_fact(p, "host.fqdn", "db01.corp.example.com");
	assert_fact(p, "host.domain", "corp.example.com");
	assert_fact(p, "hw.vendor", "VMware, Inc.");
	assert_fact(p, "hw.model", "VMware7,1");
	assert_fact(p, "hw.serial", "VMware-42 1a 2b 3c 4d 5e 6f 70-81 92 a3 b4 c5 d6 e7 f8");
	assert_fact(p, "hw.uuid", "421a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8");
	assert_fact(p, "hw.virtual", "yes");
	assert_fact(p, "hw.virt_type", "vmware");
	assert_fact(p, "hw.cpu.count", "2");
	assert_fact(p, "hw.cpu.cores", "8");
	assert_fact(p, "hw.cpu.threads", "16");
	assert_fact(p, "hw.memory_bytes", "33345314816");
	assert_fact(p, "users.logged_on", "root,alice");
	assert_fact(p, "os.uptime", "1209600");
	assert_no_fact(p, "device.type"); /* chassis 1, "Other" */
	s = find_sw(p, "openssl");
	assert_non_null(s);
	assert_string_equal(s->version, "1:3.0.7-24.el9");
	assert_string_equal(s->vendor, "Red Hat, Inc.");
	assert_string_equal(s->install_date, "2023-11-17T13:20:15");
	/* the native glibc keeps its name, the 32-bit twin gets ":i686" */
	assert_non_null(find_sw(p, "glibc"));
	assert_non_null(find_sw(p, "glibc:i686"));
	assert_non_null(find_sw(p, "tzdata"));
	s = find_sw(p, "gpg-pubkey");
	assert_non_null(s);
	assert_null(s->vendor);
	assert_int_equal(p->h.nservices, 3);
	assert_string_equal(find_svc(p, IPPROTO_TCP, 5432)->name, "postgres");
	assert_int_equal(count_hw(p, "storage"), 2);
	assert_string_equal(find_hw(p, "disk", "sda")->serial, "6000c29a1b2c3d4e5f60718293a4b5c6");
	parsed_free(p);
}

static void test_alpine(void **state)
{
	parsed *p = parse_file("alpine319.txt");
	const software_fact *s;

	assert_string_equal(p->st.manager, "apk");
	assert_int_equal(p->st.packages, 5);
	assert_fact(p, "os.family", "Linux");
	assert_fact(p, "os.name", "Alpine Linux");
	assert_fact(p, "os.version", "3.19.1");
	assert_fact(p, "os.arch", "aarch64");
	assert_fact(p, "hw.cpu.model", "Cortex-A72");
	assert_fact(p, "hw.cpu.threads", "4");
	assert_no_fact(p, "hw.cpu.count");
	assert_fact(p, "hw.virtual", "no");
	assert_no_fact(p, "hw.vendor");
	assert_no_fact(p, "users.logged_on");
	s = find_sw(p, "musl");
	assert_non_null(s);
	assert_string_equal(s->version, "1.2.4_git20230717-r4");
	assert_null(s->install_date);
	assert_null(find_hw(p, "nic", "lo"));
	assert_string_equal(find_hw(p, "nic", "eth0")->extra, "mac=dc:a6:32:01:02:03;addr=192.168.7.20/24");
	parsed_free(p);
}

static void test_freebsd(void **state)
{
	parsed *p = parse_file("freebsd14.txt");
	const software_fact *s;

	assert_string_equal(p->st.manager, "pkg");
	assert_int_equal(p->st.packages, 4);
	assert_fact(p, "os.family", "BSD");
	assert_fact(p, "os.name", "FreeBSD");
	assert_fact(p, "os.version", "14.0-RELEASE-p5");
	assert_fact(p, "os.kernel", "14.0-RELEASE-p4");
	assert_fact(p, "host.name", "fw1");
	assert_fact(p, "host.domain", "lab.example.net");
	assert_fact(p, "hw.vendor", "HP");
	assert_fact(p, "hw.model", "HP EliteDesk 800 G4 DM 35W");
	assert_fact(p, "hw.serial", "MXL9021ABC");
	assert_fact(p, "hw.virtual", "no");
	assert_fact(p, "hw.memory_bytes", "17022164992");
	assert_fact(p, "os.uptime", "86400");
	s = find_sw(p, "nginx");
	assert_non_null(s);
	assert_string_equal(s->version, "1.24.0_14,3");
	assert_string_equal(s->install_date, "2023-12-02T00:01:40");
	assert_null(find_hw(p, "nic", "lo0"));
	assert_int_equal(p->h.nservices, 3);
	parsed_free(p);
}

static void test_macos(void **state)
{
	parsed *p = parse_file("macos14.txt");

	assert_string_equal(p->st.manager, "pkgutil");
	assert_int_equal(p->st.packages, 3);
	assert_int_equal(p->st.software, 7); /* 3 receipts + 4 apps */
	assert_fact(p, "os.family", "macOS");
	assert_fact(p, "os.name", "macOS");
	assert_fact(p, "os.version", "14.3.1");
	assert_fact(p, "os.build", "23D60");
	assert_fact(p, "os.arch", "arm64");
	assert_fact(p, "host.name", "MacBook-Pro-7");
	assert_fact(p, "host.fqdn", "MacBook-Pro-7.local");
	assert_fact(p, "hw.vendor", "Apple Inc.");
	assert_fact(p, "hw.model", "Mac14,10");
	assert_fact(p, "hw.family", "MacBook Pro");
	assert_fact(p, "hw.serial", "C02ZK1ABMD6T");
	assert_fact(p, "hw.cpu.model", "Apple M2 Pro");
	assert_fact(p, "hw.cpu.cores", "12");
	assert_fact(p, "hw.virtual", "no");
	assert_fact(p, "device.type", "workstation");
	assert_fact(p, "users.logged_on", "jdoe");
	assert_string_equal(find_sw(p, "Microsoft Word")->version, "16.81");
	assert_null(find_sw(p, "Utilities")->version);
	parsed_free(p);
}

static void test_windows(void **state)
{
	parsed *p = parse_file("windows2022.txt");
	const software_fact *s;

	assert_false(p->st.truncated);
	assert_string_equal(p->st.manager, "windows");
	assert_int_equal(p->st.packages, 4);
	assert_int_equal(p->st.software, 7); /* 4 programs + 3 hotfixes */
	assert_fact(p, "os.family", "Windows");
	assert_fact(p, "os.name", "Microsoft Windows Server 2022 Standard");
	assert_fact(p, "os.version", "10.0.20348");
	assert_fact(p, "os.build", "20348.2227");
	assert_fact(p, "os.edition", "ServerStandard");
	assert_fact(p, "os.display_version", "21H2");
	assert_fact(p, "os.arch", "AMD64");
	assert_fact(p, "device.type", "server");
	assert_fact(p, "host.name", "FS01");
	assert_fact(p, "host.fqdn", "fs01.corp.example.com");
	assert_fact(p, "host.domain", "corp.example.com");
	assert_fact(p, "hw.vendor", "Microsoft Corporation");
	assert_fact(p, "hw.model", "Virtual Machine");
	assert_fact(p, "hw.virtual", "yes");
	assert_fact(p, "hw.serial", "0000-0017-2231-4433-1234-5678-90");
	assert_fact(p, "hw.memory_bytes", "17179398144");
	assert_fact(p, "users.logged_on", "administrator,CORP\\bob");
	s = find_sw(p, "VMware Tools");
	assert_non_null(s);
	assert_string_equal(s->vendor, "VMware, Inc.");
	assert_string_equal(s->install_date, "2023-11-20");
	s = find_sw(p, "KB5034129");
	assert_non_null(s);
	assert_string_equal(s->vendor, "Microsoft");
	assert_string_equal(s->install_date, "2024-01-10");
	assert_null(find_sw(p, "KB5012170")->install_date);
	assert_string_equal(find_hw(p, "nic", "Ethernet")->extra,
			    "mac=00:15:5d:0a:0b:0c;addr=10.1.2.30/24,fe80::a1b2:c3d4:e5f6:1234/64");
	assert_int_equal(find_hw(p, "storage", "C:")->used_bytes, 31457280000LL);
	assert_int_equal(p->h.nservices, 4);
	parsed_free(p);
}

static void test_windows_workgroup(void **state)
{
	const char *t = "NETCENSUS-INVENTORY 1\r\n@@ os\r\nkernel\tWindows\r\nhostname\tPC7\r\n"
			"domain\tWORKGROUP\r\npart-of-domain\tFalse\r\nproduct-type\t1\r\n@@ end\r\n";
	parsed *p = parse_buf(t, strlen(t));

	assert_int_equal(p->rc, 0);
	assert_fact(p, "host.name", "PC7");
	assert_fact(p, "host.workgroup", "WORKGROUP");
	assert_no_fact(p, "host.fqdn");
	assert_fact(p, "device.type", "workstation");
	parsed_free(p);
}

/* ---------------------------------------------------- the scripts proper */

static void check_same(const char *file, const char *text)
{
	size_t len = 0;
	char *buf = slurp(file, &len);

	assert_non_null(buf);
	assert_int_equal(len, strlen(text));
	assert_memory_equal(buf, text, len);
	free(buf);
}

static void test_script_sh_matches_file(void **state)
{
	check_same(NC_SCRIPTS_DIR "/inventory.sh", ssh_script_sh());
}

static void test_script_ps1_matches_file(void **state)
{
	check_same(NC_SCRIPTS_DIR "/inventory.ps1", ssh_script_powershell());
}

static void test_script_sh_syntax(void **state)
{
	assert_int_equal(system("sh -n " NC_SCRIPTS_DIR "/inventory.sh"), 0);
	if (system("command -v dash >/dev/null 2>&1") == 0)
		assert_int_equal(system("dash -n " NC_SCRIPTS_DIR "/inventory.sh"), 0);
}

static void test_script_sh_runs_locally(void **state)
{
	size_t len = 0, n = 0;
	char *buf = slurp_cmd("dash -s < " NC_SCRIPTS_DIR "/inventory.sh 2>/dev/null || "
			      "sh -s < " NC_SCRIPTS_DIR "/inventory.sh", &len);
	char *cnt;
	parsed *p;

	assert_non_null(buf);
	p = parse_buf(buf, len);
	assert_int_equal(p->rc, 0);
	assert_false(p->st.truncated);
	assert_non_null(get(p, "os.family"));
	assert_non_null(get(p, "host.name"));
	if (system("command -v dpkg-query >/dev/null 2>&1") == 0) {
		cnt = slurp_cmd("dpkg-query -W -f '${db:Status-Abbrev}\\n' | grep -c '^.i'", &n);
		assert_non_null(cnt);
		assert_int_equal(p->st.packages, strtoul(cnt, NULL, 10));
		free(cnt);
	}
	free(buf);
	parsed_free(p);
}

static int b64val(char ch)
{
	const char *t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *q = strchr(t, ch);

	return q != NULL && ch != '\0' ? (int)(q - t) : -1;
}

static void test_powershell_encoded(void **state)
{
	const char *prefix = "powershell -NoProfile -NonInteractive -EncodedCommand ";
	const char *script = ssh_script_powershell();
	char *cmd = NULL, *b;
	size_t n = 0, bits = 0;
	uint32_t acc = 0;
	unsigned char *dec;

	assert_int_equal(ssh_script_powershell_command(&cmd), 0);
	assert_non_null(cmd);
	/* cmd.exe, the default shell of Windows OpenSSH, stops at 8191 */
	assert_true(strlen(cmd) < 8191);
	assert_memory_equal(cmd, prefix, strlen(prefix));
	b = cmd + strlen(prefix);
	dec = malloc(strlen(b));
	assert_non_null(dec);
	for (; *b != '\0' && *b != '='; b++) {
		int v = b64val(*b);

		assert_true(v >= 0);
		acc = (acc << 6) | (uint32_t)v;
		if ((bits += 6) >= 8) {
			bits -= 8;
			dec[n++] = (unsigned char)(acc >> bits);
		}
	}
	/* UTF-16LE of an ASCII script: every second byte is zero */
	assert_int_equal(n, 2 * strlen(script));
	for (size_t i = 0; i < strlen(script); i++) {
		assert_int_equal(dec[2 * i], (unsigned char)script[i]);
		assert_int_equal(dec[2 * i + 1], 0);
	}
	free(dec);
	free(cmd);
}

static void test_powershell_encode_utf8(void **state)
{
	char *cmd = NULL;

	/* "é€😀": 2-, 3- and 4-byte UTF-8, the last a surrogate pair */
	assert_int_equal(ssh_script_encode_powershell("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", &cmd), 0);
	assert_string_equal(cmd, "powershell -NoProfile -NonInteractive -EncodedCommand 6QCsID3YAN4=");
	free(cmd);
	assert_int_equal(ssh_script_encode_powershell("bad \xff", &cmd), NC_ERR_INVALID);
	assert_null(cmd);
	assert_int_equal(ssh_script_powershell_stdin_command(&cmd), 0);
	assert_non_null(cmd);
	free(cmd);
}

/* ------------------------------------------------- not our output at all */

static void expect_invalid(const char *text)
{
	parsed *p = parse_buf(text, strlen(text));

	assert_int_equal(p->rc, NC_ERR_INVALID);
	assert_int_equal(p->h.nfacts, 0);
	assert_int_equal(p->h.nsoftware, 0);
	parsed_free(p);
}

static void test_not_posix_invalid_command(void **state)
{
	expect_invalid("Invalid command.\r\n");
}

static void test_not_posix_menu(void **state)
{
	expect_invalid("\r\n  Main menu\r\n  1) Status\r\n  2) Reboot\r\n  q) Quit\r\nSelect: ");
}

static void test_not_posix_cisco(void **state)
{
	expect_invalid("\r\nswitch01>sh -s\r\n              ^\r\n% Invalid input detected at '^' marker.\r\n\r\nswitch01>");
}

static void test_empty_and_wrong_version(void **state)
{
	parsed *p = parse_buf("", 0);

	assert_int_equal(p->rc, NC_ERR_INVALID);
	parsed_free(p);
	expect_invalid("NETCENSUS-INVENTORY 2\n@@ end\n");
	expect_invalid("xNETCENSUS-INVENTORY 1\n@@ end\n");
}

static void test_login_noise_before_header(void **state)
{
	const char *t = "Welcome to host!\nYou have mail.\nNETCENSUS-INVENTORY 1\r\n"
			"@@ os\r\nkernel\tLinux\r\nhostname\tweb1.example.org\r\n@@ end\r\n";
	parsed *p = parse_buf(t, strlen(t));

	assert_int_equal(p->rc, 0);
	assert_fact(p, "host.name", "web1");
	assert_fact(p, "host.fqdn", "web1.example.org");
	assert_fact(p, "host.domain", "example.org");
	assert_fact(p, "os.family", "Linux");
	parsed_free(p);
}

/* ------------------------------------------------------------ truncation */

static void test_truncated_everywhere(void **state)
{
	size_t len = 0;
	char *buf = slurp(DATA "debian12.txt", &len);
	size_t hdr = strlen(SSH_PARSE_HEADER) + 1;

	assert_non_null(buf);
	/* every offset in the first 8 KiB, then every 97th byte */
	for (size_t cut = 0; cut < len; cut += cut < 8192 ? 1 : 97) {
		char *copy = malloc(cut + 1); /* exact size, so ASan sees overreads */
		parsed *p;

		assert_non_null(copy);
		memcpy(copy, buf, cut);
		p = parse_buf(copy, cut);
		if (cut < hdr - 1) {
			assert_int_equal(p->rc, NC_ERR_INVALID);
		} else {
			assert_int_equal(p->rc, 0);
			assert_true(p->st.truncated);
			assert_fact(p, "ssh.truncated", "yes");
			assert_true(p->st.packages <= DEBIAN12_PACKAGES);
		}
		parsed_free(p);
		free(copy);
	}
	free(buf);
}

static void test_truncated_keeps_rows(void **state)
{
	const char *t = "NETCENSUS-INVENTORY 1\n@@ packages\nmanager\tdpkg\nnative\tamd64\n"
			"bash\t5.2.15-2+b8\tamd64\t7335936\t1747699200\t\ncoreut";
	parsed *p = parse_buf(t, strlen(t));

	assert_int_equal(p->rc, 0);
	assert_true(p->st.truncated);
	assert_int_equal(p->st.packages, 1); /* the cut "coreut" line is not a package */
	assert_non_null(find_sw(p, "bash"));
	parsed_free(p);
}

/* -------------------------------------------------------------- hostile */

static void test_hostile_huge_line(void **state)
{
	size_t big = 3 * SSH_PARSE_MAX_LINE;
	const char *head = "NETCENSUS-INVENTORY 1\n@@ os\nhostname\t";
	const char *tail = "\nkernel\tLinux\n@@ end\n";
	char *buf = malloc(strlen(head) + big + strlen(tail));
	size_t n = 0;
	parsed *p;

	assert_non_null(buf);
	memcpy(buf, head, strlen(head));
	n += strlen(head);
	memset(buf + n, 'A', big);
	n += big;
	memcpy(buf + n, tail, strlen(tail));
	n += strlen(tail);
	p = parse_buf(buf, n);
	assert_int_equal(p->rc, 0);
	assert_int_equal(p->st.long_lines, 1);
	assert_no_fact(p, "host.name");
	assert_fact(p, "os.family", "Linux");
	parsed_free(p);
	free(buf);
}

static void test_hostile_nul_and_utf8(void **state)
{
	static const char t[] = "NETCENSUS-INVENTORY 1\n@@ os\nkernel\tLinux\nhostname\tev\0il\x1b[2J\n"
				"@@ packages\nbad\xff\xfe\t1.0\x07\t\t\t\t\n@@ end\n";
	parsed *p = parse_buf(t, sizeof(t) - 1);
	const char *hn;

	assert_int_equal(p->rc, 0);
	hn = get(p, "host.name");
	assert_non_null(hn);
	assert_null(strchr(hn, '\x1b'));
	assert_string_equal(hn, "ev?il?[2J");
	assert_int_equal(p->h.nsoftware, 1);
	assert_string_equal(p->h.software[0].name, "bad\xef\xbf\xbd\xef\xbf\xbd");
	assert_string_equal(p->h.software[0].version, "1.0?");
	parsed_free(p);
}

static void test_hostile_million_packages(void **state)
{
	const size_t rows = 1000000;
	const char *head = "NETCENSUS-INVENTORY 1\n@@ packages\nmanager\trpm\n";
	size_t cap = strlen(head) + rows * 64 + 16, n;
	char *buf = malloc(cap);
	parsed *p;

	assert_non_null(buf);
	n = (size_t)snprintf(buf, cap, "%s", head);
	for (size_t i = 0; i < rows; i++)
		n += (size_t)snprintf(buf + n, cap - n, "pkg%zu\t1.%zu\tx86_64\t1\t1700000000\tX\n",
				      i, i);
	n += (size_t)snprintf(buf + n, cap - n, "@@ end\n");
	p = parse_buf(buf, n);
	assert_int_equal(p->rc, 0);
	assert_int_equal(p->h.nsoftware, FACTS_MAX_SOFTWARE);
	assert_int_equal(p->st.packages, FACTS_MAX_SOFTWARE);
	assert_true(p->st.software_dropped + p->st.rows_dropped >= rows - FACTS_MAX_SOFTWARE);
	assert_false(p->st.truncated);
	parsed_free(p);
	free(buf);
}

static void test_hostile_many_sections(void **state)
{
	/* unknown sections, repeated sections, rows before any section */
	const char *t = "NETCENSUS-INVENTORY 1\nstray\trow\n@@ nonsense\nkernel\tWindows\n"
			"@@ os\nkernel\tLinux\n@@ os\nkernel\tDarwin\n@@ listen\ntcp\t99999\tx\n"
			"tcp\t22\tsshd\nicmp\t1\tx\nudp\t161\tsnmpd\n@@ end\ntrailing junk\n";
	parsed *p = parse_buf(t, strlen(t));
	const service_fact *s;

	assert_int_equal(p->rc, 0);
	assert_fact(p, "os.family", "Linux");
	assert_int_equal(p->h.nservices, 2);
	s = find_svc(p, IPPROTO_TCP, 22);
	assert_non_null(s);
	assert_string_equal(s->name, "sshd");
	assert_non_null(find_svc(p, IPPROTO_UDP, 161));
	assert_int_equal(p->st.rows_dropped, 2);
	parsed_free(p);
}

/* Found by fuzzing (UBSan): 18-digit numbers multiplied past int64. */
static void test_hostile_huge_numbers(void **state)
{
	/* (2^54 + 1) KiB and (2^32 + 1) x 2^32 cores: wrapped, both would look
	 * plausible (1024 bytes, 2^32 cores) */
	const char *big = "NETCENSUS-INVENTORY 1\n@@ memory\ntotal-kb\t18014398509481985\n"
			  "@@ cpu\nlscpu-sockets\t4294967297\n"
			  "lscpu-cores-per-socket\t4294967296\n@@ end\n";
	/* 2^53 - 1 KiB is the largest that fits; 2^53 KiB is 2^63 bytes */
	const char *edge = "NETCENSUS-INVENTORY 1\n@@ memory\ntotal-kb\t9007199254740991\n"
			   "@@ cpu\nlscpu-sockets\t2\nlscpu-cores-per-socket\t8\n@@ end\n";
	const char *over = "NETCENSUS-INVENTORY 1\n@@ memory\ntotal-kb\t9007199254740992\n@@ end\n";
	parsed *p = parse_buf(big, strlen(big));

	assert_int_equal(p->rc, 0);
	assert_no_fact(p, "hw.memory_bytes");
	assert_no_fact(p, "hw.cpu.cores");
	assert_fact(p, "hw.cpu.count", "4294967297");
	assert_int_equal(count_hw(p, "memory"), 0);
	parsed_free(p);

	p = parse_buf(edge, strlen(edge));
	assert_int_equal(p->rc, 0);
	assert_fact(p, "hw.memory_bytes", "9223372036854774784");
	assert_fact(p, "hw.cpu.cores", "16");
	parsed_free(p);

	p = parse_buf(over, strlen(over));
	assert_int_equal(p->rc, 0);
	assert_no_fact(p, "hw.memory_bytes");
	parsed_free(p);
}

/* ----------------------------------------------------------------- main */

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian12),
		cmocka_unit_test(test_rhel9),
		cmocka_unit_test(test_alpine),
		cmocka_unit_test(test_freebsd),
		cmocka_unit_test(test_macos),
		cmocka_unit_test(test_windows),
		cmocka_unit_test(test_windows_workgroup),
		cmocka_unit_test(test_script_sh_matches_file),
		cmocka_unit_test(test_script_ps1_matches_file),
		cmocka_unit_test(test_script_sh_syntax),
		cmocka_unit_test(test_script_sh_runs_locally),
		cmocka_unit_test(test_powershell_encoded),
		cmocka_unit_test(test_powershell_encode_utf8),
		cmocka_unit_test(test_not_posix_invalid_command),
		cmocka_unit_test(test_not_posix_menu),
		cmocka_unit_test(test_not_posix_cisco),
		cmocka_unit_test(test_empty_and_wrong_version),
		cmocka_unit_test(test_login_noise_before_header),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_truncated_keeps_rows),
		cmocka_unit_test(test_hostile_huge_line),
		cmocka_unit_test(test_hostile_nul_and_utf8),
		cmocka_unit_test(test_hostile_million_packages),
		cmocka_unit_test(test_hostile_huge_numbers),
		cmocka_unit_test(test_hostile_many_sections),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
