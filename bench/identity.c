#include "config.h"

/*
 * bench/identity.c — how long host identity resolution and prune take on a
 * large inventory (`make bench/identity && bench/identity.sh`).
 *
 * Writes through the real writer, no network: N routed hosts (no MAC) with
 * an SMB name and M software packages each, in four scans: new hosts; the
 * same addresses; every host at a new address (each observation gets a
 * provisional host that resolution merges back by SMB name, moving its
 * rows); back again.  Then prunes to the last scan.  Prints the time of each
 * inventory_finish_scan() (where resolution runs) and of the prune.  A
 * benchmark, not a test: nothing asserts a time.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fingerprint/facts.h"
#include "inventory/db.h"
#include "inventory/facts_store.h"
#include "inventory/prune.h"
#include "inventory/store.h"
#include "scanner/results.h"
#include "util/err.h"
#include "util/parse.h"

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static const scan_meta meta = {
    .targets = "198.18.0.0/15", .command = "bench/identity", .target_count = 131072};

/* One scan of n hosts, the first at 198.18.0.0 + shift; the seconds its
 * finish took, or -1. */
static double one_scan(inventory_t *inv, uint32_t n, uint32_t m, uint32_t shift)
{
	results_t *res = results_new();
	host_facts *f = calloc(n, sizeof(*f));
	host_facts **p = calloc(n, sizeof(*p));
	double t = -1, t0;
	int64_t id = 0;

	if (res == NULL || f == NULL || p == NULL)
		goto out;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t ip = (198u << 24) | (18u << 16) | (i + shift);
		char name[32];

		if (results_record(res, ip, REASON_ECHO_REPLY, 64, 100, NULL, MAC_SRC_NONE, false))
			goto out;
		host_facts_init(&f[i], ip);
		p[i] = &f[i];
		snprintf(name, sizeof(name), "HOST%05u", i);
		host_facts_add(&f[i], FACT_SRC_SMB, 100, "smb.netbios_name", name);
		host_facts_add(&f[i], FACT_SRC_SMB, 100, "smb.netbios_domain", "CORP");
		host_facts_add(&f[i], FACT_SRC_SMB, 80, "host.name", name);
		for (uint32_t k = 0; k < m; k++) {
			char pkg[32];
			software_fact s = {.name = pkg, .version = "1.0", .source = FACT_SRC_SNMP};

			snprintf(pkg, sizeof(pkg), "package-%u", k);
			host_facts_add_software(&f[i], &s);
		}
	}
	if (inventory_begin_scan(inv, &meta, &id) != 0 ||
	    inventory_record_results(inv, id, res) != 0 ||
	    inventory_record_facts(inv, id, p, n) != 0)
		goto out;
	t0 = now();
	if (inventory_finish_scan(inv, id, "complete", results_stats(res)) == 0)
		t = now() - t0;
out:
	for (uint32_t i = 0; f != NULL && i < n; i++)
		if (p[i] != NULL)
			host_facts_clear(&f[i]);
	free(f);
	free(p);
	results_free(res);
	return t;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *what;
		uint32_t shift;
	} scans[] = {
	    {"new hosts", 0},
	    {"same addresses", 0},
	    {"every host moved, merged back by SMB name", 40000},
	    {"moved back", 0},
	};
	uint64_t n, m;
	inventory_t *inv = NULL;
	prune_report r;
	double t0;

	if (argc != 4 || parse_u64(argv[2], 1, 60000, &n, "hosts") != 0 ||
	    parse_u64(argv[3], 0, 10000, &m, "packages per host") != 0) {
		fprintf(stderr, "usage: %s NEW-DB-FILE HOSTS PACKAGES-PER-HOST\n", argv[0]);
		return 2;
	}
	unlink(argv[1]);
	if (inventory_open(argv[1], INV_WRITE, &inv) != 0) {
		fprintf(stderr, "%s\n", nc_errmsg(NC_ERR_DB));
		return 2;
	}
	printf("%llu hosts, %llu packages each\n", (unsigned long long)n, (unsigned long long)m);
	for (size_t i = 0; i < sizeof(scans) / sizeof(scans[0]); i++) {
		double t = one_scan(inv, (uint32_t)n, (uint32_t)m, scans[i].shift);

		if (t < 0) {
			fprintf(stderr, "scan %zu failed: %s\n", i + 1, nc_errmsg(NC_ERR_DB));
			inventory_close(inv);
			return 2;
		}
		printf("scan %zu finish (%s): %.2f s\n", i + 1, scans[i].what, t);
	}
	t0 = now();
	if (inventory_prune(inv, 1, false, &r) != 0) {
		fprintf(stderr, "prune failed: %s\n", nc_errmsg(NC_ERR_DB));
		inventory_close(inv);
		return 2;
	}
	printf("prune --keep 1: %zu scans, %lld observations in %.2f s\n", r.nscans,
	       (long long)r.observations, now() - t0);
	prune_report_free(&r);
	inventory_close(inv);
	return 0;
}
