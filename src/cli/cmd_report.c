#include "config.h"

/*
 * cmd_report.c — `netcensus report`: the one-page VDI planning summary of
 * a scan on the console (export/vdi.h builds the plan, vdi_report.c
 * prints it): the fleet by OS and type, the top applications, the pools
 * with their sizing and base images, and the applications that app
 * virtualisation cannot package.  `export --format vdi` writes the same
 * plan in full.
 */

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "export/appnorm.h"
#include "export/vdi.h"
#include "inventory/db.h"
#include "inventory/query.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/parse.h"

#define REPORT_DEFAULT_TOP 10

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: netcensus report [--db FILE] [--scan ID] [--top N] [--rules FILE]\n"
	    "                        [--base-share S] [--pool-similarity J] [--min-pool N]\n"
	    "\n"
	    "Summarise one scan (default: the newest that completed or was interrupted)\n"
	    "for VDI planning: machines by OS and type, the most installed applications,\n"
	    "pools of similar machines with their sizing and base images, and the\n"
	    "applications that application virtualisation cannot package.\n"
	    "\n"
	    "  --db FILE        inventory database (default: $NETCENSUS_DB, else ./netcensus.db)\n"
	    "  --scan ID        the scan to summarise (see `netcensus scans`)\n"
	    "  --top N          how many OS, applications, pools and flagged applications\n"
	    "                   to list (default %d)\n"
	    "  --rules FILE     application rules (default: the shipped vdi-rules.conf)\n"
	    "  --base-share S   share of a pool's machines that puts an application in the\n"
	    "                   base image: 0.9, 90 or 90%% (default 90%%)\n"
	    "  --pool-similarity J  Jaccard similarity of application sets to join a pool,\n"
	    "                   0-1 (default %.1f)\n"
	    "  --min-pool N     pools of fewer machines are merged into similar ones or\n"
	    "                   the OS group's unpooled machines; 0 or 1: never (default %d)\n"
	    "  -h, --help       show this help\n",
	    REPORT_DEFAULT_TOP, VDI_DEFAULT_SIMILARITY, VDI_DEFAULT_MIN_POOL);
}

int cmd_report(int argc, char **argv)
{
	static const struct option options[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"scan", required_argument, NULL, 's'},
	    {"top", required_argument, NULL, 't'},
	    {"rules", required_argument, NULL, 'R'},
	    {"base-share", required_argument, NULL, 'B'},
	    {"pool-similarity", required_argument, NULL, 'P'},
	    {"min-pool", required_argument, NULL, 'M'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *opt_db = NULL, *opt_scan = NULL, *opt_top = NULL, *opt_rules = NULL;
	const char *opt_share = NULL, *opt_sim = NULL, *opt_min = NULL;
	vdi_options opt = {.base_share = VDI_DEFAULT_BASE_SHARE,
			   .similarity = VDI_DEFAULT_SIMILARITY,
			   .min_pool = VDI_DEFAULT_MIN_POOL};
	appnorm_rules *rules = NULL;
	inventory_t *inv = NULL;
	vdi_plan *plan = NULL;
	scan_row scan = {0};
	uint64_t top = REPORT_DEFAULT_TOP;
	int c, r;

	optind = 0; /* glibc: restart scanning, whatever parsed argv before */
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'd':
			opt_db = optarg;
			break;
		case 's':
			opt_scan = optarg;
			break;
		case 't':
			opt_top = optarg;
			break;
		case 'R':
			opt_rules = optarg;
			break;
		case 'B':
			opt_share = optarg;
			break;
		case 'P':
			opt_sim = optarg;
			break;
		case 'M':
			opt_min = optarg;
			break;
		case 'h':
			usage(stdout);
			return NC_EXIT_OK;
		default:
			usage(stderr);
			return NC_EXIT_ERROR;
		}
	}
	if (optind < argc) {
		cli_error("report: unexpected argument '%s'", argv[optind]);
		usage(stderr);
		return NC_EXIT_ERROR;
	}

	nc_clear_error();
	if (opt_top != NULL && (r = parse_u64(opt_top, 0, 100000, &top, "--top")) != 0)
		goto out;
	if (opt_share != NULL &&
	    (r = vdi_parse_share(opt_share, &opt.base_share, "--base-share")) != 0)
		goto out;
	if (opt_sim != NULL) {
		char *end;

		errno = 0;
		opt.similarity = strtod(opt_sim, &end);
		if (end == opt_sim || *end != '\0' || errno != 0 ||
		    !(opt.similarity >= 0.0 && opt.similarity <= 1.0)) {
			r = nc_fail(NC_ERR_INVALID,
				    "bad --pool-similarity '%s' (a number from 0 to 1)", opt_sim);
			goto out;
		}
	}
	if (opt_min != NULL && (r = vdi_parse_min_pool(opt_min, &opt.min_pool)) != 0)
		goto out;
	if ((r = appnorm_rules_load(opt_rules ? opt_rules : vdi_default_rules_path(), &rules)) != 0)
		goto out;
	opt.rules = rules;
	if ((r = cli_open_scan(opt_db, opt_scan, "report", &inv, &scan)) != 0 ||
	    (r = vdi_plan_build(inv, &scan, &opt, &plan)) != 0)
		goto out;
	if ((r = vdi_report(plan, stdout, (size_t)top)) != 0)
		goto out;
	if (fflush(stdout) != 0 || ferror(stdout))
		r = nc_fail(NC_ERR_IO, "cannot write to standard output: %s", strerror(errno));
out:
	if (r != 0)
		cli_error("report: %s", nc_errmsg(r));
	vdi_plan_free(plan);
	appnorm_rules_free(rules);
	scan_row_clear(&scan);
	inventory_close(inv);
	return r == 0 ? NC_EXIT_OK : NC_EXIT_ERROR;
}
