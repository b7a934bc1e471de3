#include "config.h"

/*
 * snmp_probe.c — the lab test's driver for snmp_collect(): load a
 * credentials file, collect from the hosts named on the command line and
 * print what was learnt, one line per item, so a shell test can compare
 * them with what it configured in its snmpd.
 *
 *   snmp-probe [-t MS] [-r N] [-w N] [-m ROWS] [-R RULESDIR] [-s] [-H] CREDS IP...
 *
 * Output, per host in command-line order:
 *   fact IP KEY=VALUE                      every fact, in the order added
 *   software IP NAME|VERSION|DATE          with -s
 *   hardware IP KIND|NAME|VENDOR|MODEL|SERIAL|FIRMWARE|SIZE|USED|EXTRA   with -H
 *   count IP software=N hardware.KIND=N ... always
 * and "elapsed_ms=N" on stderr. Exit 0, or 2 on a usage or load error.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fingerprint/facts.h"
#include "fingerprint/rules.h"
#include "fingerprint/snmp.h"
#include "util/compat.h"
#include "util/credentials.h"
#include "util/err.h"
#include "util/parse.h"

static void usage(void)
{
	fprintf(stderr, "usage: snmp-probe [-t MS] [-r N] [-w N] [-m ROWS] [-R RULESDIR] [-s] [-H] "
			"CREDS IP...\n");
	exit(2);
}

static long num_arg(const char *s, uint64_t max, const char *what)
{
	uint64_t v;

	if (parse_u64(s, 0, max, &v, what) != 0) {
		fprintf(stderr, "snmp-probe: %s\n", nc_errmsg(NC_ERR_INVALID));
		exit(2);
	}
	return (long)v;
}

static const char *or_empty(const char *s)
{
	return s != NULL ? s : "";
}

static void print_host(const host_facts *h, const char *ip, bool sw, bool hw)
{
	static const char *const kinds[] = {"cpu", "memory", "storage", "device",
					    "nic", "entity", "printer"};

	for (size_t i = 0; i < h->nfacts; i++)
		printf("fact %s %s=%s\n", ip, h->facts[i].key, h->facts[i].value);
	for (size_t i = 0; sw && i < h->nsoftware; i++)
		printf("software %s %s|%s|%s\n", ip, h->software[i].name,
		       or_empty(h->software[i].version), or_empty(h->software[i].install_date));
	for (size_t i = 0; hw && i < h->nhardware; i++) {
		const hardware_fact *x = &h->hardware[i];

		printf("hardware %s %s|%s|%s|%s|%s|%s|%lld|%lld|%s\n", ip, x->kind,
		       or_empty(x->name), or_empty(x->vendor), or_empty(x->model),
		       or_empty(x->serial), or_empty(x->firmware), (long long)x->size_bytes,
		       (long long)x->used_bytes, or_empty(x->extra));
	}
	printf("count %s software=%zu", ip, h->nsoftware);
	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
		size_t n = 0;

		for (size_t i = 0; i < h->nhardware; i++)
			n += strcmp(h->hardware[i].kind, kinds[k]) == 0;
		printf(" hardware.%s=%zu", kinds[k], n);
	}
	printf("\n");
}

int main(int argc, char **argv)
{
	snmp_config cfg = {.timeout_ms = 1000, .retries = 1, .workers = 4, .max_rows = 10000};
	credentials_t *creds = NULL;
	rules_t *rules = NULL;
	host_facts *hosts, **ptrs;
	const char *rules_dir = NULL;
	bool sw = false, hw = false;
	struct timespec t0, t1;
	size_t n;
	int opt, r;

	while ((opt = getopt(argc, argv, "t:r:w:m:R:sH")) != -1) {
		switch (opt) {
		case 't':
			cfg.timeout_ms = (int)num_arg(optarg, 600000, "timeout");
			break;
		case 'r':
			cfg.retries = (int)num_arg(optarg, 20, "retries");
			break;
		case 'w':
			cfg.workers = (int)num_arg(optarg, 1024, "workers");
			break;
		case 'm':
			cfg.max_rows = (size_t)num_arg(optarg, 10000000, "max rows");
			break;
		case 'R':
			rules_dir = optarg;
			break;
		case 's':
			sw = true;
			break;
		case 'H':
			hw = true;
			break;
		default:
			usage();
		}
	}
	if (argc - optind < 2)
		usage();
	if ((r = credentials_load(argv[optind], &creds)) != 0) {
		fprintf(stderr, "snmp-probe: %s\n", nc_errmsg(r));
		return 2;
	}
	if (rules_dir != NULL) {
		if ((rules = rules_new()) == NULL || (r = rules_load_dir(rules, rules_dir)) != 0) {
			fprintf(stderr, "snmp-probe: rules: %s\n", nc_errmsg(r));
			return 2;
		}
	}
	cfg.creds = creds;
	cfg.rules = rules;
	n = (size_t)(argc - optind - 1);
	hosts = calloc(n, sizeof(*hosts));
	ptrs = calloc(n, sizeof(*ptrs));
	if (hosts == NULL || ptrs == NULL)
		return 2;
	for (size_t i = 0; i < n; i++) {
		uint32_t ip;

		if (!parse_ipv4(argv[optind + 1 + (int)i], &ip)) {
			fprintf(stderr, "snmp-probe: bad address '%s'\n",
				argv[optind + 1 + (int)i]);
			return 2;
		}
		host_facts_init(&hosts[i], ip);
		ptrs[i] = &hosts[i];
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	snmp_collect(&cfg, ptrs, n);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	for (size_t i = 0; i < n; i++) {
		print_host(&hosts[i], argv[optind + 1 + (int)i], sw, hw);
		host_facts_clear(&hosts[i]);
	}
	fprintf(stderr, "elapsed_ms=%lld\n",
		(long long)(t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
	free(hosts);
	free(ptrs);
	if (rules != NULL)
		rules_free(rules);
	credentials_free(creds);
	return 0;
}
