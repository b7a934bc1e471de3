#include "config.h"

/*
 * cmd_import.c — `netcensus import FILE`: an nmap XML file as a scan.
 *
 * Users arrive with years of nmap -oX files; importing one makes it a scan
 * like any other, so `hosts`, `show`, `export` and `diff` read it.  The
 * whole file is parsed before the database is opened for writing
 * (inventory/import_nmap.h), so a malformed or truncated file writes
 * nothing; the writer lock is honoured like `scan` (--lock-wait).
 */

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "inventory/db.h"
#include "inventory/import_nmap.h"
#include "inventory/query.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/parse.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: netcensus import [OPTIONS] FILE\n"
		"\n"
		"Record an nmap XML file (nmap -oX FILE; '-' reads standard input) as a scan\n"
		"of the inventory: hosts up with their MAC, ports, services (-sV), OS guesses\n"
		"(-O), hostnames, uptime, traceroute and script output. Down hosts are not\n"
		"recorded; IPv6-only hosts are skipped and counted. A malformed or truncated\n"
		"file is refused and nothing is written.\n"
		"\n"
		"  --db FILE         inventory database (default $NETCENSUS_DB or ./netcensus.db)\n"
		"  --lock-wait SECS  wait for another scan writing the database (default: refuse)\n"
		"  -n, --dry-run     read and check the file, say what would be imported, write\n"
		"                    nothing\n"
		"  -q, --quiet       no summary\n"
		"  -h, --help        show this help\n");
}

static void print_summary(const nmap_run *run, int64_t scan_id, bool dry_run)
{
	char when[32];

	if (dry_run)
		printf("would import");
	else
		printf("imported scan %lld:", (long long)scan_id);
	printf(" %zu host%s up, %zu port%s, from nmap %s run", run->nhosts,
	       run->nhosts == 1 ? "" : "s", run->ports, run->ports == 1 ? "" : "s",
	       run->version ? run->version : "(unknown version)");
	if (run->started > 0)
		printf(" of %s", query_time_local(run->started, when, sizeof(when)));
	printf("%s\n", run->run_failed ? " (nmap reported an error: recorded as interrupted)" : "");
	if (run->hosts_down > 0)
		printf("  %zu host%s down: not recorded\n", run->hosts_down,
		       run->hosts_down == 1 ? "" : "s");
	if (run->hosts_ipv6_only > 0)
		printf("  %zu host%s up without an IPv4 address: skipped (the inventory is IPv4)\n",
		       run->hosts_ipv6_only, run->hosts_ipv6_only == 1 ? "" : "s");
	if (run->ports_folded > 0)
		printf("  %llu port%s that nmap folded into <extraports>: counted, not stored\n",
		       (unsigned long long)run->ports_folded, run->ports_folded == 1 ? "" : "s");
	if (run->ports_unrecorded > 0)
		printf("  %zu port%s unfiltered or IP-protocol rows: not stored\n",
		       run->ports_unrecorded, run->ports_unrecorded == 1 ? "" : "s");
	if (run->reasons_unknown > 0)
		printf("  %zu reason%s netcensus has no name for: stored as user-set, nmap's word "
		       "kept as a fact\n",
		       run->reasons_unknown, run->reasons_unknown == 1 ? "" : "s");
	if (run->scripts_dropped > 0)
		printf(
		    "  %zu script output%s not stored (credential scripts, or over %d per host)\n",
		    run->scripts_dropped, run->scripts_dropped == 1 ? "" : "s", NMAP_MAX_SCRIPTS);
}

int cmd_import(int argc, char **argv)
{
	enum { OPT_DB = 256, OPT_LOCK_WAIT };
	static const struct option options[] = {
	    {"db", required_argument, NULL, OPT_DB},
	    {"lock-wait", required_argument, NULL, OPT_LOCK_WAIT},
	    {"dry-run", no_argument, NULL, 'n'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *opt_db = NULL, *file;
	double lock_wait = 0;
	bool dry_run = false, quiet = false;
	nmap_run *run = NULL;
	inventory_t *inv = NULL;
	int64_t scan_id = 0;
	int c, r = 0;

	optind = 0; /* glibc: restart scanning, whatever parsed argv before */
	while ((c = getopt_long(argc, argv, "nqh", options, NULL)) != -1) {
		switch (c) {
		case OPT_DB:
			opt_db = optarg;
			break;
		case OPT_LOCK_WAIT:
			if ((r = parse_duration(optarg, &lock_wait, "lock wait")) != 0) {
				cli_error("import: %s", nc_errmsg(r));
				return NC_EXIT_ERROR;
			}
			break;
		case 'n':
			dry_run = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			usage(stdout);
			return NC_EXIT_OK;
		default:
			usage(stderr);
			return NC_EXIT_ERROR;
		}
	}
	if (argc - optind != 1) {
		cli_error("import: %s", optind >= argc ? "which file? (netcensus import FILE)"
						       : "one file at a time");
		usage(stderr);
		return NC_EXIT_ERROR;
	}
	file = argv[optind];

	nc_clear_error();
	if ((r = nmap_import_parse(file, NULL, &run)) != 0) {
		cli_error("import: %s; nothing was written", nc_errmsg(r));
		return NC_EXIT_ERROR;
	}
	if (dry_run) {
		if (!quiet)
			print_summary(run, 0, true);
		goto out;
	}
	if ((r = inventory_open(cli_db_path(opt_db), INV_WRITE, &inv)) != 0) {
		cli_error("import: %s", nc_errmsg(r));
		goto out;
	}
	if ((r = nmap_import_write(inv, run, file, lock_wait, &scan_id)) != 0) {
		if (scan_id > 0)
			cli_error("import: scan %lld: could not record the file: %s",
				  (long long)scan_id, nc_errmsg(r));
		else
			cli_error("import: %s", nc_errmsg(r));
		goto out;
	}
	if (!quiet)
		print_summary(run, scan_id, false);
	if (fflush(stdout) != 0)
		r = nc_fail(NC_ERR_IO, "cannot write to standard output");
out:
	nmap_run_free(run);
	inventory_close(inv);
	return r == 0 ? NC_EXIT_OK : NC_EXIT_ERROR;
}
