#include "config.h"

/*
 * test_verdict.c — merging the evidence of one host into one value per
 * field: source rank beats confidence, confidence breaks ties, the first
 * fact breaks the rest; derived fields (os.family from os.name, device.type,
 * virtual, the MAC's vendor) keep the source that decided them at a lower
 * confidence; nothing known leaves every field unset.
 *
 * Each test builds a host_facts by hand the way the fingerprinters would.
 */

#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fingerprint/facts.h"
#include "fingerprint/verdict.h"
#include "util/compat.h"

#define LAB_IP(d) ((198u << 24) | (18u << 16) | (1u << 8) | (uint32_t)(d))

static host_facts host;
static host_verdict verdict;

static int setup(void **state)
{
	host_facts_init(&host, LAB_IP(10));
	memset(&verdict, 0, sizeof(verdict));
	return 0;
}

static int teardown(void **state)
{
	host_facts_clear(&host);
	return 0;
}

static void add(fact_source src, int confidence, const char *key, const char *value)
{
	assert_int_equal(host_facts_add(&host, src, confidence, key, value), 0);
}

static void add_service(uint16_t port, const char *name)
{
	service_fact s = {
	    .port = port, .proto = IPPROTO_TCP, .source = FACT_SRC_BANNER, .name = (char *)name};

	assert_int_equal(host_facts_add_service(&host, &s), 0);
}

/* The field is set to value, decided by src with confidence conf. */
static void expect(verdict_field f, const char *value, fact_source src, int conf)
{
	const verdict_value *v = &verdict.v[f];

	if (!v->set)
		fail_msg("%s is not set (expected '%s')", verdict_field_name(f), value);
	assert_string_equal(v->value, value);
	assert_string_equal(fact_source_name((fact_source)v->source), fact_source_name(src));
	assert_int_equal(v->confidence, conf);
}

static void expect_unset(verdict_field f)
{
	if (verdict.v[f].set)
		fail_msg("%s is set to '%s'", verdict_field_name(f), verdict.v[f].value);
}

static void compute(void)
{
	verdict_compute(&host, &verdict);
}

/* ---- ranking -------------------------------------------------------------- */

static void test_nothing_known(void **state)
{
	compute();
	for (int f = 0; f < VERDICT__COUNT; f++)
		expect_unset((verdict_field)f);
}

static void test_field_names(void **state)
{
	static const char *const want[VERDICT__COUNT] = {
	    "hostname", "domain",      "os.family", "os.name",	 "os.version",
	    "os.build", "device.type", "virtual",   "hw.vendor", "hw.model",
	};

	for (int f = 0; f < VERDICT__COUNT; f++)
		assert_string_equal(verdict_field_name((verdict_field)f), want[f]);
	assert_string_equal(verdict_field_name(VERDICT__COUNT), "unknown");
}

/* The TTL says Linux (a guess); the SMB challenge names Windows Server 2022
 * without stating the family: the family derived from SMB wins. */
static void test_smb_outranks_ttl_guess(void **state)
{
	add(FACT_SRC_DISCOVERY, 20, "discovery.ttl", "64");
	add(FACT_SRC_DISCOVERY, 20, "os.family", "Linux");
	add(FACT_SRC_SMB, 90, "os.name", "Windows Server 2022");
	add(FACT_SRC_SMB, 90, "os.version", "10.0");
	add(FACT_SRC_SMB, 90, "os.build", "20348");
	add(FACT_SRC_SMB, 90, "host.name", "DC01");
	add(FACT_SRC_SMB, 90, "host.domain", "corp.example");
	compute();
	expect(VERDICT_OS_NAME, "Windows Server 2022", FACT_SRC_SMB, 90);
	expect(VERDICT_OS_FAMILY, "Windows", FACT_SRC_SMB, 72);
	expect(VERDICT_OS_VERSION, "10.0", FACT_SRC_SMB, 90);
	expect(VERDICT_OS_BUILD, "20348", FACT_SRC_SMB, 90);
	expect(VERDICT_HOSTNAME, "DC01", FACT_SRC_SMB, 90);
	expect(VERDICT_DOMAIN, "corp.example", FACT_SRC_SMB, 90);
	expect(VERDICT_DEVICE_TYPE, "server", FACT_SRC_SMB, 72);
	expect_unset(VERDICT_VIRTUAL);
	expect_unset(VERDICT_HW_VENDOR);
}

/* Alone, the TTL guess is the verdict, with its low confidence. */
static void test_ttl_guess_alone(void **state)
{
	add(FACT_SRC_DISCOVERY, 20, "os.family", "Linux");
	compute();
	expect(VERDICT_OS_FAMILY, "Linux", FACT_SRC_DISCOVERY, 20);
	expect_unset(VERDICT_OS_NAME);
	expect_unset(VERDICT_DEVICE_TYPE); /* a Linux host with no services: unknown */
}

/* A family stated by a stronger source is not overridden by a name from a
 * weaker one. */
static void test_stated_family_beats_weaker_name(void **state)
{
	add(FACT_SRC_SNMP, 80, "os.family", "Linux");
	add(FACT_SRC_BANNER, 60, "os.name", "Windows 10");
	compute();
	expect(VERDICT_OS_FAMILY, "Linux", FACT_SRC_SNMP, 80);
	expect(VERDICT_OS_NAME, "Windows 10", FACT_SRC_BANNER, 60);
}

/* SNMP outranks a banner even when the banner is more confident. */
static void test_snmp_outranks_banner(void **state)
{
	add(FACT_SRC_BANNER, 95, "os.name", "Ubuntu");
	add(FACT_SRC_BANNER, 95, "os.version", "20.04");
	add(FACT_SRC_SNMP, 70, "os.name", "Ubuntu 22.04.3 LTS");
	add(FACT_SRC_SNMP, 70, "os.version", "22.04");
	add(FACT_SRC_SNMP, 80, "host.name", "web01");
	add(FACT_SRC_BANNER, 90, "host.name", "www.example.test");
	add_service(22, "ssh");
	compute();
	expect(VERDICT_OS_NAME, "Ubuntu 22.04.3 LTS", FACT_SRC_SNMP, 70);
	expect(VERDICT_OS_VERSION, "22.04", FACT_SRC_SNMP, 70);
	expect(VERDICT_OS_FAMILY, "Linux", FACT_SRC_SNMP, 56);
	expect(VERDICT_HOSTNAME, "web01", FACT_SRC_SNMP, 80);
	/* Linux with ssh listening: a server, decided by the family. */
	expect(VERDICT_DEVICE_TYPE, "server", FACT_SRC_SNMP, 44);
}

/* Same source: the higher confidence wins; same confidence: the first. */
static void test_ties_by_confidence_then_order(void **state)
{
	add(FACT_SRC_BANNER, 50, "os.name", "Debian");
	add(FACT_SRC_BANNER, 80, "os.name", "Debian 12");
	add(FACT_SRC_BANNER, 80, "os.name", "Debian GNU/Linux 12");
	add(FACT_SRC_NETBIOS, 60, "host.name", "FIRST");
	add(FACT_SRC_NETBIOS, 60, "host.name", "SECOND");
	compute();
	expect(VERDICT_OS_NAME, "Debian 12", FACT_SRC_BANNER, 80);
	expect(VERDICT_HOSTNAME, "FIRST", FACT_SRC_NETBIOS, 60);
}

/* An empty value is no evidence. */
static void test_empty_value_ignored(void **state)
{
	add(FACT_SRC_SNMP, 90, "host.name", "");
	add(FACT_SRC_BANNER, 40, "host.name", "mail");
	compute();
	expect(VERDICT_HOSTNAME, "mail", FACT_SRC_BANNER, 40);
}

/* ---- derived fields ------------------------------------------------------ */

static void test_derived_families(void **state)
{
	/* Family from the name: 90 -> 72. Type from the name (server,
	 * workstation): 72; from the family (network, hypervisor): 57. */
	static const struct {
		const char *name, *family, *type;
		int type_conf;
	} cases[] = {
	    {"Windows 11 Pro", "Windows", "workstation", 72},
	    {"Microsoft Windows Server 2019 Standard", "Windows", "server", 72},
	    {"Red Hat Enterprise Linux 9.2", "Linux", NULL, 0},
	    {"CentOS Stream 9", "Linux", NULL, 0},
	    {"Fedora Linux 39", "Linux", NULL, 0},
	    {"Debian GNU/Linux 12", "Linux", NULL, 0},
	    {"FreeBSD 14.0", "BSD", NULL, 0},
	    {"OpenBSD 7.4", "BSD", NULL, 0},
	    {"Cisco IOS 15.2(4)M", "IOS", "network", 57},
	    {"JunOS 21.4R3", "JunOS", "network", 57},
	    {"MikroTik RouterOS 7.12", "RouterOS", "network", 57},
	    {"VMware ESXi 8.0.2", "ESXi", "hypervisor", 57},
	    {"Plan 9", NULL, NULL, 0},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		host_facts_clear(&host);
		host_facts_init(&host, LAB_IP(10));
		add(FACT_SRC_SNMP, 90, "os.name", cases[i].name);
		compute();
		if (cases[i].family != NULL)
			expect(VERDICT_OS_FAMILY, cases[i].family, FACT_SRC_SNMP, 72);
		else
			expect_unset(VERDICT_OS_FAMILY);
		if (cases[i].type != NULL)
			expect(VERDICT_DEVICE_TYPE, cases[i].type, FACT_SRC_SNMP,
			       cases[i].type_conf);
		else
			expect_unset(VERDICT_DEVICE_TYPE);
	}
}

/* A stated device.type is kept, whatever the OS suggests. */
static void test_stated_device_type_kept(void **state)
{
	add(FACT_SRC_SNMP, 90, "os.name", "Windows Server 2022");
	add(FACT_SRC_BANNER, 30, "device.type", "iot");
	compute();
	expect(VERDICT_DEVICE_TYPE, "iot", FACT_SRC_BANNER, 30);
}

/* A printer says so in its sysDescr; the embedded web server does not make
 * it a server. */
static void test_printer_sysdescr(void **state)
{
	add(FACT_SRC_SNMP, 100, "snmp.sysDescr",
	    "HP ETHERNET MULTI-ENVIRONMENT,ROM none,JETDIRECT,JD153,EEPROM JSI23900109");
	add(FACT_SRC_BANNER, 60, "os.name", "Linux 3.10");
	add(FACT_SRC_MAC_VENDOR, 90, "mac.vendor", "HP Inc.");
	add_service(80, "http");
	compute();
	expect(VERDICT_DEVICE_TYPE, "printer", FACT_SRC_SNMP, 80);
	expect(VERDICT_HW_VENDOR, "HP Inc.", FACT_SRC_MAC_VENDOR, 90);
}

/* The printer MIB (a hardware row of kind printer) is enough too. */
static void test_printer_hardware(void **state)
{
	hardware_fact hw = {.kind = "printer",
			    .name = "Brother HL-L2350DW",
			    .size_bytes = -1,
			    .used_bytes = -1,
			    .source = FACT_SRC_SNMP};

	assert_int_equal(host_facts_add_hardware(&host, &hw), 0);
	compute();
	expect(VERDICT_DEVICE_TYPE, "printer", FACT_SRC_SNMP, 72);
}

/* The rules' hw.device names the kind of device. */
static void test_rule_device(void **state)
{
	add(FACT_SRC_SNMP, 85, "hw.device", "Switch");
	add(FACT_SRC_SNMP, 85, "hw.vendor", "Cisco");
	add(FACT_SRC_MAC_VENDOR, 90, "mac.vendor", "Cisco Systems, Inc");
	compute();
	expect(VERDICT_DEVICE_TYPE, "network", FACT_SRC_SNMP, 68);
	/* hw.vendor from SNMP outranks the MAC's vendor. */
	expect(VERDICT_HW_VENDOR, "Cisco", FACT_SRC_SNMP, 85);
}

/* A VMware NIC: virtual, and the vendor, from the MAC alone. */
static void test_vmware_mac_is_virtual(void **state)
{
	add(FACT_SRC_MAC_VENDOR, 90, "mac.vendor", "VMware, Inc.");
	compute();
	expect(VERDICT_VIRTUAL, "yes", FACT_SRC_MAC_VENDOR, 72);
	expect(VERDICT_HW_VENDOR, "VMware, Inc.", FACT_SRC_MAC_VENDOR, 90);
	expect_unset(VERDICT_DEVICE_TYPE);
}

/* A stated hw.virtual wins over the derivation; odd spellings normalised,
 * values that are not booleans ignored. */
static void test_virtual_stated(void **state)
{
	add(FACT_SRC_MAC_VENDOR, 90, "mac.vendor", "VMware, Inc.");
	add(FACT_SRC_SNMP, 99, "hw.virtual", "maybe");
	add(FACT_SRC_MAC_VENDOR, 80, "hw.virtual", "TRUE");
	compute();
	expect(VERDICT_VIRTUAL, "yes", FACT_SRC_MAC_VENDOR, 80);

	host_facts_clear(&host);
	host_facts_init(&host, LAB_IP(10));
	add(FACT_SRC_MAC_VENDOR, 90, "mac.vendor", "VMware, Inc.");
	add(FACT_SRC_SSH, 95, "hw.virtual", "no");
	compute();
	expect(VERDICT_VIRTUAL, "no", FACT_SRC_SSH, 95);
}

/* DMI naming the hypervisor's platform makes it virtual too. */
static void test_virtual_from_model(void **state)
{
	add(FACT_SRC_SNMP, 80, "hw.model", "VMware Virtual Platform");
	compute();
	expect(VERDICT_VIRTUAL, "yes", FACT_SRC_SNMP, 64);
	expect(VERDICT_HW_MODEL, "VMware Virtual Platform", FACT_SRC_SNMP, 80);
}

/* A Windows client release is a workstation; a bare "Windows" is unknown. */
static void test_windows_client(void **state)
{
	add(FACT_SRC_NETBIOS, 40, "os.family", "Windows");
	add(FACT_SRC_SMB, 90, "os.name", "Windows 10");
	compute();
	expect(VERDICT_DEVICE_TYPE, "workstation", FACT_SRC_SMB, 72);
	/* SMB's derived family (72, rank smb) beats the NetBIOS statement. */
	expect(VERDICT_OS_FAMILY, "Windows", FACT_SRC_SMB, 72);

	host_facts_clear(&host);
	host_facts_init(&host, LAB_IP(10));
	add(FACT_SRC_BANNER, 50, "os.name", "Microsoft Windows");
	compute();
	expect(VERDICT_OS_FAMILY, "Windows", FACT_SRC_BANNER, 40);
	expect_unset(VERDICT_DEVICE_TYPE);
}

/* A server edition named only in os.edition. */
static void test_server_edition(void **state)
{
	add(FACT_SRC_SSH, 95, "os.name", "Windows");
	add(FACT_SRC_SSH, 95, "os.edition", "ServerDatacenter");
	compute();
	expect(VERDICT_DEVICE_TYPE, "server", FACT_SRC_SSH, 76);
}

/* A value longer than the verdict buffer is cut on a character boundary. */
static void test_long_value_cut(void **state)
{
	char longname[600];
	size_t len;

	/* "é" is two bytes; 200 of them straddle the 255-byte limit. */
	longname[0] = '\0';
	for (int i = 0; i < 200; i++)
		strncat(longname, "\xc3\xa9", sizeof(longname) - strlen(longname) - 1);
	add(FACT_SRC_SNMP, 90, "host.name", longname);
	compute();
	assert_true(verdict.v[VERDICT_HOSTNAME].set);
	len = strlen(verdict.v[VERDICT_HOSTNAME].value);
	assert_int_equal(len, 254);
	assert_memory_equal(verdict.v[VERDICT_HOSTNAME].value, longname, len);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_nothing_known, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_field_names, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_smb_outranks_ttl_guess, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ttl_guess_alone, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stated_family_beats_weaker_name, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_snmp_outranks_banner, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ties_by_confidence_then_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_empty_value_ignored, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_derived_families, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stated_device_type_kept, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_printer_sysdescr, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_printer_hardware, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rule_device, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_vmware_mac_is_virtual, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_virtual_stated, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_virtual_from_model, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_windows_client, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_server_edition, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_long_value_cut, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
