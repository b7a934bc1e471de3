#include "config.h"

/*
 * test_import_nmap.c — the nmap XML importer (inventory/import_nmap.h).
 *
 * The parser is run on files nmap 7.93 wrote in the lab (tests/data/nmap/,
 * see its README: -sn, -sS -sV, -sS -O --traceroute, -A with scripts, -sU,
 * -sT with scripts, -6, a run that found nothing) and every value checked
 * is one that file holds; then on hostile files (truncated, invalid UTF-8,
 * control characters, entity declarations, an external DTD, not nmap,
 * masscan, UTF-16, out-of-range numbers) that must be refused with
 * FILE:LINE and a reason, and on documents built here for what a capture
 * cannot show cheaply (caps, duplicates, secret scripts, odd command
 * lines).  The writer is checked through a second SQLite connection on a
 * database in a mkdtemp() directory.
 */

#include <dirent.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "inventory/db.h"
#include "inventory/facts_store.h"
#include "inventory/import_nmap.h"
#include "inventory/store.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/parse.h"

#define DATA NC_TEST_DATA "/nmap/"

static char tmpdir[64];

static int group_setup(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/nc-test-import.XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int group_teardown(void **state)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	char path[512];

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(tmpdir);
	return 0;
}

static nmap_run *parse_ok(const char *file)
{
	nmap_run *run = NULL;
	char path[512];
	int r;

	snprintf(path, sizeof(path), DATA "%s", file);
	r = nmap_import_parse(path, NULL, &run);
	if (r != 0)
		print_error("%s: %s\n", file, nc_errmsg(r));
	assert_int_equal(r, 0);
	assert_non_null(run);
	return run;
}

static uint32_t ip(const char *s)
{
	uint32_t v = 0;

	assert_true(parse_ipv4(s, &v));
	return v;
}

static const host_result *host(nmap_run *run, const char *addr)
{
	size_t n = 0;
	host_result *const *h = results_sorted(run->res, &n);

	for (size_t i = 0; i < n; i++)
		if (h[i]->ip == ip(addr))
			return h[i];
	fail_msg("no host %s", addr);
	return NULL;
}

static const host_facts *facts_of(nmap_run *run, const char *addr)
{
	for (size_t i = 0; i < run->nhosts; i++)
		if (run->hosts[i]->ip == ip(addr))
			return run->hosts[i];
	fail_msg("no facts of %s", addr);
	return NULL;
}

static const port_result *port(const host_result *h, uint16_t p, uint8_t proto)
{
	for (size_t i = 0; i < h->nports; i++)
		if (h->ports[i].port == p && h->ports[i].proto == proto)
			return &h->ports[i];
	fail_msg("no port %u", p);
	return NULL;
}

/* The value of the first fact with key (any source), or NULL. */
static const char *fact_value(const host_facts *f, const char *key, int *conf)
{
	for (size_t i = 0; i < f->nfacts; i++)
		if (strcmp(f->facts[i].key, key) == 0) {
			assert_int_equal(f->facts[i].source, FACT_SRC_NMAP);
			if (conf != NULL)
				*conf = f->facts[i].confidence;
			return f->facts[i].value;
		}
	return NULL;
}

static size_t fact_count(const host_facts *f, const char *key)
{
	size_t n = 0;

	for (size_t i = 0; i < f->nfacts; i++)
		n += strcmp(f->facts[i].key, key) == 0;
	return n;
}

static const service_fact *service(const host_facts *f, uint16_t p, uint8_t proto)
{
	for (size_t i = 0; i < f->nservices; i++)
		if (f->services[i].port == p && f->services[i].proto == proto)
			return &f->services[i];
	return NULL;
}

/* ------------------------------------------------ captured nmap runs */

/* nmap -sn -n 198.18.1.0/24: four lab hosts by ARP and the scanner itself. */
static void test_ping_sweep(void **state)
{
	nmap_run *run = parse_ok("sn-lan.xml");
	const host_result *h;

	assert_string_equal(run->version, "7.93");
	assert_true(run->started == 1795312235.0);
	assert_true(run->finished == 1795312237.0);
	assert_false(run->run_failed);
	assert_int_equal(run->target_count, 256);
	assert_string_equal(run->targets, "198.18.1.0/24");
	assert_int_equal(run->nhosts, 5);
	assert_int_equal(results_count(run->res), 5);
	assert_int_equal(run->ports, 0);
	assert_int_equal(run->hosts_down, 0);

	h = host(run, "198.18.1.10");
	assert_int_equal(h->addr_reason, REASON_ARP_RESPONSE);
	assert_int_equal(h->reasons, 1u << REASON_ARP_RESPONSE);
	assert_int_equal(h->mac_source, MAC_SRC_ARP);
	assert_memory_equal(h->mac, ((uint8_t[]){0x02, 0x00, 0xc6, 0x12, 0x01, 0x0a}), 6);
	assert_true(h->on_link);
	assert_int_equal(h->rtt_us, 29);
	assert_int_equal(h->ttl, 0);
	assert_true(h->first_seen == 1795312235.0); /* -sn has no host times: the run's */

	h = host(run, "198.18.1.1"); /* the scanner's own address */
	assert_int_equal(h->addr_reason, REASON_LOCALHOST);
	assert_int_equal(h->mac_source, MAC_SRC_NONE);
	assert_false(h->on_link);
	assert_int_equal(h->rtt_us, -1);
	nmap_run_free(run);
}

/* nmap -sS -sV --top-ports 100 of the services segment. */
static void test_service_scan(void **state)
{
	nmap_run *run = parse_ok("sS-sV-svc.xml");
	const host_facts *f;
	const service_fact *s;
	const host_result *h;
	int conf = 0;

	assert_int_equal(run->nhosts, 5);
	assert_string_equal(run->targets, "198.18.4.20-24");
	assert_int_equal(run->ports, 5); /* 22; 139, 445; 80, 443 */
	assert_int_equal(run->ports_folded, 99 + 100 + 100 + 98 + 98);
	assert_true(run->finished == 1795312381.0);

	h = host(run, "198.18.4.20");
	assert_true(h->first_seen == 1795312238.0); /* <host starttime> */
	assert_int_equal(h->ttl, 64);		    /* status says 0: the port's */
	assert_int_equal(h->nports, 1);
	assert_int_equal(port(h, 22, IPPROTO_TCP)->state, PORT_OPEN);
	assert_int_equal(port(h, 22, IPPROTO_TCP)->reason, REASON_SYN_ACK);
	assert_int_equal(port(h, 22, IPPROTO_TCP)->ttl, 64);

	f = facts_of(run, "198.18.4.20");
	assert_non_null(s = service(f, 22, IPPROTO_TCP));
	assert_string_equal(s->name, "ssh");
	assert_string_equal(s->product, "OpenSSH");
	assert_string_equal(s->version, "9.2p1 Debian 2+deb12u10");
	assert_string_equal(s->info, "protocol 2.0");
	assert_null(s->banner);
	assert_int_equal(s->source, FACT_SRC_NMAP);
	assert_string_equal(fact_value(f, "os.family", &conf), "Linux"); /* ostype */
	assert_int_equal(conf, 100);					 /* conf="10" */
	assert_string_equal(fact_value(f, "nmap.cpe", NULL), "tcp/22 cpe:/a:openbsd:openssh:9.2p1");
	assert_int_equal(fact_count(f, "nmap.cpe"), 2);

	f = facts_of(run, "198.18.4.24");
	assert_non_null(s = service(f, 80, IPPROTO_TCP));
	assert_string_equal(s->name, "http");
	assert_string_equal(s->product, "nclab-httpd/1.0");
	assert_non_null(s = service(f, 443, IPPROTO_TCP));
	assert_string_equal(s->name, "https"); /* tunnel="ssl" */
	assert_string_equal(s->product, "OpenSSL s_server -www httpd");

	f = facts_of(run, "198.18.4.23");
	assert_string_equal(service(f, 445, IPPROTO_TCP)->product, "Samba smbd");
	assert_int_equal(facts_of(run, "198.18.4.21")->nservices, 0);
	nmap_run_free(run);
}

/* nmap -sS -O -v --reason --traceroute: OS guesses, a down host, routed
 * hosts without a MAC, filtered ports. */
static void test_os_scan(void **state)
{
	nmap_run *run = parse_ok("sS-O-lan-farm.xml");
	const host_facts *f;
	const host_result *h;
	int conf = 0;

	assert_int_equal(run->nhosts, 6);
	assert_int_equal(run->hosts_down, 1); /* 198.18.1.14, listed with -v */
	assert_string_equal(run->targets, "198.18.1.10-14,198.19.2.161,198.19.3.212");
	assert_int_equal(run->target_count, 7);
	assert_int_equal(run->ports, 24);

	f = facts_of(run, "198.18.1.10");
	assert_string_equal(fact_value(f, "os.name", &conf), "Linux 5.3 - 5.4");
	assert_int_equal(conf, 96);
	assert_string_equal(fact_value(f, "os.family", &conf), "Linux");
	assert_int_equal(conf, 96);
	assert_null(fact_value(f, "device.type", NULL)); /* "general purpose" */
	assert_string_equal(fact_value(f, "nmap.os.type", NULL), "general purpose");
	assert_string_equal(fact_value(f, "nmap.os.gen", NULL), "5.X");
	assert_string_equal(fact_value(f, "nmap.os.cpe", NULL), "cpe:/o:linux:linux_kernel:5");
	assert_int_equal(fact_count(f, "nmap.osmatch"), 10);
	assert_string_equal(fact_value(f, "nmap.uptime", NULL), "1");
	assert_string_equal(fact_value(f, "nmap.distance", NULL), "1");
	assert_string_equal(fact_value(f, "nmap.trace", NULL), "1 198.18.1.10 0.10ms");
	assert_null(service(f, 9, IPPROTO_TCP)); /* closed: no service row */
	assert_non_null(service(f, 22, IPPROTO_TCP));
	assert_string_equal(service(f, 22, IPPROTO_TCP)->info,
			    "nmap: guessed from the port number");

	h = host(run, "198.18.1.11"); /* drops all IPv4 */
	assert_int_equal(h->nports, 4);
	assert_int_equal(port(h, 22, IPPROTO_TCP)->state, PORT_FILTERED);
	assert_int_equal(port(h, 22, IPPROTO_TCP)->reason, REASON_NO_RESPONSE);
	assert_int_equal(facts_of(run, "198.18.1.11")->nservices, 0);
	assert_null(fact_value(facts_of(run, "198.18.1.11"), "os.name", NULL));

	h = host(run, "198.19.2.161"); /* routed: the farm */
	assert_int_equal(h->addr_reason, REASON_ECHO_REPLY);
	assert_int_equal(h->mac_source, MAC_SRC_NONE);
	assert_false(h->on_link);
	assert_int_equal(h->ttl, 64);
	assert_int_equal(port(h, 443, IPPROTO_TCP)->state, PORT_OPEN);
	nmap_run_free(run);
}

/* nmap -A of two hosts given by name: hostnames, scripts, OS and services. */
static void test_aggressive_scan(void **state)
{
	nmap_run *run = parse_ok("A-svc.xml");
	const host_facts *f;
	const char *v;

	assert_int_equal(run->nhosts, 2);
	/* the names the user gave nmap are its targets; -p and -oX args are not */
	assert_string_equal(run->targets, "s20.lab.example,nc-web.lab.example");

	f = facts_of(run, "198.18.4.20");
	assert_string_equal(fact_value(f, "host.fqdn", NULL), "s20.lab.example");
	assert_string_equal(fact_value(f, "host.name", NULL), "s20");
	assert_string_equal(fact_value(f, "host.domain", NULL), "lab.example");
	assert_non_null(v = fact_value(f, "nmap.script.ssh-hostkey", NULL));
	assert_true(strncmp(v, "tcp/22 256 ", 11) == 0);
	assert_non_null(strstr(v, "(ED25519)"));
	assert_null(strchr(v, '\n'));

	f = facts_of(run, "198.18.4.24");
	assert_string_equal(fact_value(f, "nmap.script.http-title", NULL),
			    "tcp/80 netcensus lab &amp; friends");
	assert_non_null(
	    strstr(fact_value(f, "nmap.script.ssl-cert", NULL), "commonName=nc-web.lab.example"));
	nmap_run_free(run);
}

/* nmap -sU: UDP states and reasons. */
static void test_udp_scan(void **state)
{
	nmap_run *run = parse_ok("sU-snmp.xml");
	const host_result *h = host(run, "198.18.4.21");

	assert_int_equal(h->nports, 3);
	assert_int_equal(port(h, 161, IPPROTO_UDP)->state, PORT_OPEN);
	assert_int_equal(port(h, 161, IPPROTO_UDP)->reason, REASON_UDP_RESPONSE);
	assert_int_equal(port(h, 162, IPPROTO_UDP)->state, PORT_CLOSED);
	assert_int_equal(port(h, 162, IPPROTO_UDP)->reason, REASON_PORT_UNREACH);
	assert_string_equal(service(facts_of(run, "198.18.4.21"), 161, IPPROTO_UDP)->name, "snmp");
	nmap_run_free(run);
}

/* nmap -sT -sV --script: connect() reasons and multi-line script output. */
static void test_connect_scan_scripts(void **state)
{
	nmap_run *run = parse_ok("sT-sV-scripts.xml");
	const host_result *h = host(run, "198.18.1.12");
	const char *v;

	assert_int_equal(port(h, 22, IPPROTO_TCP)->state, PORT_CLOSED);
	assert_int_equal(port(h, 22, IPPROTO_TCP)->reason, REASON_CONN_REFUSED);
	v = fact_value(facts_of(run, "198.18.4.20"), "nmap.script.ssh-auth-methods", NULL);
	assert_non_null(v);
	assert_string_equal(v, "tcp/22 Supported authentication methods:; publickey");
	nmap_run_free(run);
}

/* nmap -6 of ::1, and a sweep that found nothing. */
static void test_ipv6_and_empty(void **state)
{
	nmap_run *run = parse_ok("ipv6-localhost.xml");

	assert_int_equal(run->nhosts, 0);
	assert_int_equal(run->hosts_ipv6_only, 1);
	assert_int_equal(results_count(run->res), 0);
	nmap_run_free(run);

	run = parse_ok("sn-none.xml");
	assert_int_equal(run->nhosts, 0);
	assert_int_equal(run->target_count, 4);
	assert_string_equal(run->targets, "198.18.1.100-103");
	nmap_run_free(run);
}

/* ------------------------------------------------------ hostile files */

static void test_hostile_files(void **state)
{
	static const struct {
		const char *file;
		int code;
		const char *says; /* after "FILE:" */
	} cases[] = {
	    {"hostile-truncated.xml", NC_ERR_INVALID, "68: malformed XML: "},
	    {"hostile-bad-utf8.xml", NC_ERR_INVALID,
	     "27: malformed XML: Input is not proper UTF-8"},
	    {"hostile-control-escape.xml", NC_ERR_INVALID, "27: malformed XML: xmlParseCharRef"},
	    {"hostile-billion-laughs.xml", NC_ERR_INVALID, " the DOCTYPE has an internal subset"},
	    {"hostile-external-entity.xml", NC_ERR_INVALID, "25: entity reference: refused"},
	    {"hostile-not-nmap.xml", NC_ERR_INVALID, "2: not nmap XML: the root element is <rss>"},
	    {"hostile-masscan.xml", NC_ERR_INVALID, "3: written by 'masscan', not nmap"},
	    {"hostile-utf16.xml", NC_ERR_INVALID, " not nmap XML: it holds NUL bytes"},
	    {"hostile-port-range.xml", NC_ERR_INVALID, "21: <port portid=\"70000\">: not a number"},
	    {"hostile-huge-counts.xml", NC_ERR_INVALID,
	     "26: <hosts total=\"99999999999999999999\">"},
	    {"does-not-exist.xml", NC_ERR_IO, " cannot open: "},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		nmap_run *run = (nmap_run *)1;
		char path[512], want[640];
		int r;

		snprintf(path, sizeof(path), DATA "%s", cases[i].file);
		r = nmap_import_parse(path, NULL, &run);
		snprintf(want, sizeof(want), "%s:%s", path, cases[i].says);
		if (r != cases[i].code || strncmp(nc_errmsg(r), want, strlen(want)) != 0)
			fail_msg("%s: got %d '%s', want %d '%s...'", cases[i].file, r, nc_errmsg(r),
				 cases[i].code, want);
		assert_null(run);
	}
}

/* Legal XML control characters end up as '?', never as bytes < 0x20. */
static void test_control_characters_cleaned(void **state)
{
	nmap_run *run = parse_ok("hostile-control-legal.xml");
	const service_fact *s = service(facts_of(run, "198.18.4.20"), 22, IPPROTO_TCP);

	assert_non_null(s);
	/* "Open&#10;SSH&#x7f;<tab>x&#x9b;2J": newline, DEL and C1 CSI cleaned;
	 * the literal tab is an attribute space per XML */
	assert_string_equal(s->product, "Open?SSH? x?2J");
	assert_string_equal(s->version, "9.2p1?\tDebian"); /* facts_clean() keeps tabs */
	nmap_run_free(run);
}

/* --------------------------------------------------- built documents */

#define HEAD                                                                                       \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE nmaprun>\n"                         \
	"<nmaprun scanner=\"nmap\" args=\"%s\" start=\"1700000000\" version=\"7.94\">\n"
#define TAIL                                                                                       \
	"<runstats><finished time=\"1700000100\" exit=\"%s\" errormsg=\"%s\"/>"                    \
	"<hosts up=\"1\" down=\"0\" total=\"%d\"/></runstats></nmaprun>\n"

typedef struct {
	char *s;
	size_t len, cap;
} doc;

static void doc_add(doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void doc_add(doc *d, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (d->len + (size_t)n + 1 > d->cap) {
		d->cap = (d->len + (size_t)n + 1) * 2;
		d->s = realloc(d->s, d->cap);
		assert_non_null(d->s);
	}
	va_start(ap, fmt);
	vsnprintf(d->s + d->len, d->cap - d->len, fmt, ap);
	va_end(ap);
	d->len += (size_t)n;
}

static void doc_host(doc *d, const char *addr, const char *inner)
{
	doc_add(d,
		"<host starttime=\"1700000050\"><status state=\"up\" reason=\"syn-ack\" "
		"reason_ttl=\"63\"/><address addr=\"%s\" addrtype=\"ipv4\"/>%s</host>\n",
		addr, inner);
}

static int parse_doc(doc *d, const nmap_limits *lim, nmap_run **run)
{
	return nmap_import_parse_memory(d->s, d->len, "mem.xml", lim, run);
}

/* Over a cap is refused whole; under it everything is kept. */
static void test_limits(void **state)
{
	nmap_limits lim = {.max_hosts = 10};
	nmap_run *run = NULL;
	doc d = {0};
	char addr[32];

	doc_add(&d, HEAD, "nmap 198.18.9.0/24");
	for (int i = 1; i <= 50; i++) {
		snprintf(addr, sizeof(addr), "198.18.9.%d", i);
		doc_host(&d, addr,
			 "<ports><port protocol=\"tcp\" portid=\"80\"><state state=\"open\" "
			 "reason=\"syn-ack\" reason_ttl=\"63\"/></port></ports>");
	}
	doc_add(&d, TAIL, "success", "", 256);

	assert_int_equal(parse_doc(&d, &lim, &run), NC_ERR_TOOBIG);
	assert_non_null(strstr(nc_errmsg(NC_ERR_TOOBIG), "more than 10 hosts up"));
	assert_null(run);
	lim = (nmap_limits){.max_ports = 49};
	assert_int_equal(parse_doc(&d, &lim, &run), NC_ERR_TOOBIG);
	assert_non_null(strstr(nc_errmsg(NC_ERR_TOOBIG), "more than 49 ports"));
	assert_int_equal(parse_doc(&d, NULL, &run), 0);
	assert_int_equal(run->nhosts, 50);
	assert_int_equal(run->ports, 50);
	assert_int_equal(run->target_count, 256);
	nmap_run_free(run);
	free(d.s);
}

/* A host listed twice is one host with the ports and facts of both. */
static void test_duplicate_host(void **state)
{
	nmap_run *run = NULL;
	doc d = {0};

	doc_add(&d, HEAD, "nmap 198.18.9.7");
	doc_host(
	    &d, "198.18.9.7",
	    "<ports><port protocol=\"tcp\" portid=\"22\"><state state=\"open\" reason=\"syn-ack\" "
	    "reason_ttl=\"63\"/><service name=\"ssh\" product=\"OpenSSH\" method=\"probed\" "
	    "conf=\"10\"/></port></ports>");
	doc_host(
	    &d, "198.18.9.7",
	    "<ports><port protocol=\"udp\" portid=\"161\"><state state=\"open\" "
	    "reason=\"udp-response\" reason_ttl=\"63\"/><service name=\"snmp\" method=\"probed\" "
	    "conf=\"10\"/></port></ports><distance value=\"2\"/>");
	doc_add(&d, TAIL, "success", "", 1);
	assert_int_equal(parse_doc(&d, NULL, &run), 0);
	assert_int_equal(run->nhosts, 1);
	assert_int_equal(run->ports, 2);
	assert_int_equal(run->hosts[0]->nservices, 2);
	assert_string_equal(fact_value(run->hosts[0], "nmap.distance", NULL), "2");
	assert_int_equal(host(run, "198.18.9.7")->ttl, 63);
	nmap_run_free(run);
	free(d.s);
}

/* The command line keeps only its targets: no option argument, no word
 * that is not an address or a name nmap reports as the user's; scripts
 * that may print credentials are not stored. */
static void test_no_secrets(void **state)
{
	nmap_run *run = NULL;
	doc d = {0};

	doc_add(&d, HEAD,
		"nmap -p 22,161 -sU -sS --script snmp-brute,snmp-info --script-args "
		"snmp-brute.communitiesdb=/root/c.txt,creds.snmp=:hunter2 -oX /tmp/o.xml -e eth0 "
		"-iL /root/list.txt --exclude 198.18.9.9 --new-option 123456 hunter2 198.18.9.0/24 "
		"198.18.10-11.*");
	doc_host(
	    &d, "198.18.9.7",
	    "<ports><port protocol=\"udp\" portid=\"161\"><state state=\"open\" "
	    "reason=\"udp-response\" reason_ttl=\"63\"/><script id=\"snmp-brute\" "
	    "output=\"hunter2 - Valid credentials\"/><script id=\"snmp-info\" "
	    "output=\"enterprise: net-snmp\"/></port></ports>"
	    "<hostscript><script id=\"creds-summary\" output=\"admin:hunter2\"/></hostscript>");
	doc_add(&d, TAIL, "success", "", 1);
	assert_int_equal(parse_doc(&d, NULL, &run), 0);
	assert_string_equal(run->targets, "198.18.9.0/24,198.18.10-11.*");
	assert_int_equal(run->scripts_dropped, 2);
	for (size_t i = 0; i < run->hosts[0]->nfacts; i++)
		assert_null(strstr(run->hosts[0]->facts[i].value, "hunter2"));
	assert_string_equal(fact_value(run->hosts[0], "nmap.script.snmp-info", NULL),
			    "udp/161 enterprise: net-snmp");
	nmap_run_free(run);
	free(d.s);
}

/* States and reasons netcensus has no name for. */
static void test_odd_states_and_reasons(void **state)
{
	nmap_run *run = NULL;
	const host_result *h;
	doc d = {0};

	doc_add(&d, HEAD, "nmap -sA 198.18.9.7");
	doc_add(
	    &d,
	    "<host><status state=\"up\" reason=\"time-exceeded\" reason_ttl=\"0\"/>"
	    "<address addr=\"198.18.9.7\" addrtype=\"ipv4\"/><ports>"
	    "<port protocol=\"tcp\" portid=\"22\"><state state=\"unfiltered\" "
	    "reason=\"reset\"/></port>"
	    "<port protocol=\"udp\" portid=\"53\"><state state=\"open|filtered\" "
	    "reason=\"no-response\"/></port>"
	    "<port protocol=\"tcp\" portid=\"25\"><state state=\"filtered\" reason=\"net-unreach\" "
	    "reason_ttl=\"254\"/></port>"
	    "<port protocol=\"ip\" portid=\"1\"><state state=\"open\" "
	    "reason=\"echo-reply\"/></port>"
	    "</ports></host>\n"
	    "<host><status state=\"down\" reason=\"no-response\"/>"
	    "<address addr=\"198.18.9.8\" addrtype=\"ipv4\"/></host>\n");
	doc_add(&d, TAIL, "error", "Ctrl-C&#10;pressed", 2);
	assert_int_equal(parse_doc(&d, NULL, &run), 0);
	h = host(run, "198.18.9.7");
	assert_int_equal(h->addr_reason, REASON_USER_SET);
	assert_string_equal(fact_value(run->hosts[0], "nmap.reason", NULL), "time-exceeded");
	assert_int_equal(h->nports, 2);
	assert_int_equal(port(h, 53, IPPROTO_UDP)->state, PORT_FILTERED);
	assert_int_equal(port(h, 25, IPPROTO_TCP)->reason, REASON_HOST_UNREACH);
	assert_int_equal(port(h, 25, IPPROTO_TCP)->ttl, 254);
	assert_int_equal(run->ports_unrecorded, 2); /* unfiltered, -sO */
	assert_int_equal(run->reasons_unknown, 1);
	assert_int_equal(run->hosts_down, 1);
	assert_true(run->run_failed);
	assert_string_equal(run->errormsg, "Ctrl-C?pressed");
	nmap_run_free(run);
	free(d.s);
}

static void test_bad_prologs(void **state)
{
	static const struct {
		const char *text;
		const char *says;
	} cases[] = {
	    {"", "mem.xml: not nmap XML: the file is empty"},
	    {"\x1f\x8b\x08\x00", "mem.xml: not XML"},
	    {"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><nmaprun scanner=\"nmap\"/>",
	     "mem.xml:1: encoding 'ISO-8859-1' refused"},
	    {"<!-- never closed <nmaprun scanner=\"nmap\"/>",
	     "mem.xml: not nmap XML: the file ends"},
	    {"<!DOCTYPE nmaprun [<!ENTITY a \"b\">]><nmaprun scanner=\"nmap\"/>",
	     "mem.xml: the DOCTYPE has an internal subset"},
	    {"<!DOCTYPE nmaprun SYSTEM \"x[y]\"><nmaprun scanner=\"nmap\"/>", NULL},
	    {"<nmaprun scanner=\"nmap\"><host><address addr=\"198.18.9.1\" addrtype=\"ipv4\"/>"
	     "</host></nmaprun>",
	     "mem.xml:1: <host> without <status>"},
	    {"<nmaprun scanner=\"nmap\"><host><status state=\"up\"/><address addr=\"198.18.9\" "
	     "addrtype=\"ipv4\"/></host></nmaprun>",
	     "mem.xml:1: bad IPv4 address '198.18.9'"},
	    {"<nmaprun scanner=\"nmap\"><host><status state=\"up\" reason_ttl=\"-1\"/></host>"
	     "</nmaprun>",
	     "mem.xml:1: <status reason_ttl=\"-1\">: not a number"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		nmap_run *run = NULL;
		int r = nmap_import_parse_memory(cases[i].text, strlen(cases[i].text), "mem.xml",
						 NULL, &run);

		if (cases[i].says == NULL) { /* quotes in an external id are not a subset */
			assert_int_equal(r, 0);
			nmap_run_free(run);
			continue;
		}
		if (r == 0 || strncmp(nc_errmsg(r), cases[i].says, strlen(cases[i].says)) != 0)
			fail_msg("case %zu: got %d '%s', want '%s...'", i, r, r ? nc_errmsg(r) : "",
				 cases[i].says);
		assert_null(run);
	}
}

/* ------------------------------------------------------------ writing */

static sqlite3 *open_plain(const char *path)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	return db;
}

static char *sql_text(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *q = NULL;
	char *v = NULL;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
	if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0) != NULL)
		v = strdup((const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	return v;
}

static void assert_sql(sqlite3 *db, const char *sql, const char *want)
{
	char *got = sql_text(db, sql);

	if (got == NULL || strcmp(got, want) != 0)
		fail_msg("%s: got '%s', want '%s'", sql, got ? got : "(null)", want);
	free(got);
}

static void test_write(void **state)
{
	char path[128], file[512];
	nmap_run *run = parse_ok("sS-sV-svc.xml");
	inventory_t *inv = NULL;
	int64_t id = 0;
	sqlite3 *db;

	snprintf(path, sizeof(path), "%s/write.db", tmpdir);
	snprintf(file, sizeof(file), DATA "sS-sV-svc.xml");
	assert_int_equal(inventory_open(path, INV_WRITE, &inv), 0);
	assert_int_equal(nmap_import_write(inv, run, file, 0, &id), 0);
	assert_int_equal(id, 1);
	inventory_close(inv);
	nmap_run_free(run);

	db = open_plain(path);
	assert_sql(db,
		   "SELECT status || ' ' || started_at || ' ' || finished_at || ' ' || target_count"
		   " || ' ' || hosts_up FROM scans WHERE id = 1",
		   "complete 1795312237.0 1795312381.0 5 5");
	assert_sql(db, "SELECT targets FROM scans", "nmap import: 198.18.4.20-24");
	assert_sql(db, "SELECT note FROM scans", "imported from nmap 7.93");
	assert_sql(db,
		   "SELECT command = 'import nmap ' || '" NC_TEST_DATA
		   "/nmap/sS-sV-svc.xml' FROM scans",
		   "1");
	assert_sql(db,
		   "SELECT group_concat(address || '/' || mac || '/' || address_reason || '/' ||"
		   " seen_at, ' ') FROM (SELECT * FROM host_scans ORDER BY address_int)",
		   "198.18.4.20/02:00:c6:12:04:14/arp-response/1795312238.0 "
		   "198.18.4.21/02:00:c6:12:04:15/arp-response/1795312238.0 "
		   "198.18.4.22/02:00:c6:12:04:16/arp-response/1795312238.0 "
		   "198.18.4.23/02:00:c6:12:04:17/arp-response/1795312238.0 "
		   "198.18.4.24/02:00:c6:12:04:18/arp-response/1795312238.0");
	assert_sql(
	    db,
	    "SELECT group_concat(h.address || ':' || p.port || '/' || p.proto || ' ' || p.state"
	    " || ' ' || p.reason || ' ' || p.ttl, ', ') FROM (SELECT * FROM ports ORDER BY"
	    " host_id, port) p JOIN host_scans h USING (scan_id, host_id)",
	    "198.18.4.20:22/tcp open syn-ack 64, 198.18.4.23:139/tcp open syn-ack 64, "
	    "198.18.4.23:445/tcp open syn-ack 64, 198.18.4.24:80/tcp open syn-ack 64, "
	    "198.18.4.24:443/tcp open syn-ack 64");
	assert_sql(
	    db,
	    "SELECT group_concat(port || ' ' || name || ' ' || COALESCE(product, '-') || ' ' ||"
	    " source, ', ') FROM (SELECT * FROM services ORDER BY host_id, port)",
	    "22 ssh OpenSSH nmap, 139 netbios-ssn Samba smbd nmap, 445 netbios-ssn Samba smbd "
	    "nmap, 80 http nclab-httpd/1.0 nmap, 443 https OpenSSL s_server -www httpd nmap");
	assert_sql(db, "SELECT count(*) FROM facts WHERE source <> 'nmap'", "0");
	assert_sql(db,
		   "SELECT value || ' ' || source FROM verdicts v JOIN host_scans h USING (scan_id,"
		   " host_id) WHERE h.address = '198.18.4.20' AND field = 'os.family'",
		   "Linux nmap");
	sqlite3_close(db);
}

/* Another writer holds the lock: refused, and no scan row is added. */
static void test_write_busy(void **state)
{
	char path[128];
	nmap_run *run = parse_ok("sn-lan.xml");
	inventory_t *other = NULL, *inv = NULL;
	scan_meta meta = {.targets = "198.18.1.0/24", .command = "netcensus scan"};
	int64_t id = 0, other_id = 0;
	sqlite3 *db;

	snprintf(path, sizeof(path), "%s/busy.db", tmpdir);
	assert_int_equal(inventory_open(path, INV_WRITE, &other), 0);
	assert_int_equal(inventory_begin_scan(other, &meta, &other_id), 0);
	assert_int_equal(inventory_open(path, INV_WRITE, &inv), 0);
	assert_int_equal(nmap_import_write(inv, run, "sn-lan.xml", 0, &id), NC_ERR_BUSY);
	assert_int_equal(id, 0);
	db = open_plain(path);
	assert_sql(db, "SELECT count(*) FROM scans", "1");
	sqlite3_close(db);
	assert_int_equal(inventory_finish_scan(other, other_id, "complete", NULL), 0);
	/* once it is done, the import goes through */
	assert_int_equal(nmap_import_write(inv, run, "sn-lan.xml", 1, &id), 0);
	assert_int_equal(id, 2);
	inventory_close(inv);
	inventory_close(other);
	nmap_run_free(run);
}

/* nmap's run ended in error: recorded, as interrupted, with its message. */
static void test_write_failed_run(void **state)
{
	char path[128];
	nmap_run *run = NULL;
	inventory_t *inv = NULL;
	int64_t id = 0;
	doc d = {0};
	sqlite3 *db;

	doc_add(&d, HEAD, "nmap 198.18.9.7");
	doc_host(&d, "198.18.9.7", "");
	doc_add(&d, TAIL, "error", "stopped", 1);
	assert_int_equal(parse_doc(&d, NULL, &run), 0);
	snprintf(path, sizeof(path), "%s/failed.db", tmpdir);
	assert_int_equal(inventory_open(path, INV_WRITE, &inv), 0);
	assert_int_equal(nmap_import_write(inv, run, "mem.xml", 0, &id), 0);
	inventory_close(inv);
	db = open_plain(path);
	assert_sql(db, "SELECT status || ' | ' || note FROM scans",
		   "interrupted | imported from nmap 7.94; nmap ended in error: stopped");
	assert_sql(db, "SELECT seen_at FROM host_scans", "1700000050.0");
	sqlite3_close(db);
	nmap_run_free(run);
	free(d.s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ping_sweep),
	    cmocka_unit_test(test_service_scan),
	    cmocka_unit_test(test_os_scan),
	    cmocka_unit_test(test_aggressive_scan),
	    cmocka_unit_test(test_udp_scan),
	    cmocka_unit_test(test_connect_scan_scripts),
	    cmocka_unit_test(test_ipv6_and_empty),
	    cmocka_unit_test(test_hostile_files),
	    cmocka_unit_test(test_control_characters_cleaned),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_duplicate_host),
	    cmocka_unit_test(test_no_secrets),
	    cmocka_unit_test(test_odd_states_and_reasons),
	    cmocka_unit_test(test_bad_prologs),
	    cmocka_unit_test(test_write),
	    cmocka_unit_test(test_write_busy),
	    cmocka_unit_test(test_write_failed_run),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
