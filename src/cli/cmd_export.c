#include "config.h"

/*
 * cmd_export.c — `netcensus export`: one scan of the inventory as CSV,
 * XML, JSON (or another format of export_formats[]) on standard output, in
 * a file, or as one file per table in a directory.
 *
 * This file knows no format by name: it parses the options, finds the
 * scan (the newest finished one by default, as `hosts` does), opens the
 * output and hands over to the format's write().  A file appears under its
 * name only once it is complete (export_file_commit()).
 */

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "export/export.h"
#include "inventory/db.h"
#include "inventory/query.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/parse.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: netcensus export --format FORMAT [--db FILE] [--scan ID]\n"
		   "                        [--what WHAT] [--jsonl] [-o FILE|DIR]\n"
		   "\n"
		   "Write one scan of the inventory (default: the newest scan that completed or\n"
		   "was interrupted) for other tools.\n"
		   "\n"
		   "  --format FORMAT  one of:\n");
	for (size_t i = 0; i < export_format_count; i++)
		fprintf(f, "                     %-5s %s\n", export_formats[i].name,
			export_formats[i].summary);
	fprintf(f,
		"  --what WHAT      hosts, services, software, hardware or all: the table\n"
		"                   (csv, --jsonl) or the sections of each host (xml, json);\n"
		"                   default: hosts for csv, all otherwise\n"
		"  --scan ID        the scan to export (see `netcensus scans`)\n"
		"  --jsonl          json: JSON Lines, one host (or one row with --what\n"
		"                   services|software|hardware) a line\n"
		"  -o, --output P   write to file P instead of standard output; csv --what all\n"
		"                   writes hosts.csv, ports.csv, verdicts.csv, services.csv,\n"
		"                   software.csv and hardware.csv into directory P\n"
		"  vdi: -o DIR writes machines.csv, applications.csv, installs.csv, pools.csv,\n"
		"  pool_members.csv, pool_applications.csv and flags.csv into DIR; -o FILE.json,\n"
		"  -o FILE.xml or standard output write one document\n"
		"  --vdi-format F   csv, json or xml instead of what -o suggests\n"
		"  --rules FILE     application rules (default: the shipped vdi-rules.conf)\n"
		"  --base-share S   share of a pool's machines that puts an application in\n"
		"                   the base image: 0.9, 90 or 90%% (default 90%%)\n"
		"  --pool-similarity J  Jaccard similarity of application sets to join a\n"
		"                   pool, 0-1 (default 0.5)\n"
		"  --min-pool N     pools of fewer machines are merged into similar ones or\n"
		"                   the OS group's unpooled machines; 0 or 1: never (default 3)\n"
		"  --db FILE        inventory database (default: $NETCENSUS_DB, else ./netcensus.db)\n"
		"  -h, --help       show this help\n");
}

/* The names of the formats, "csv, xml, json or vdi", into buf. */
static const char *format_names(char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < export_format_count && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 i == 0				? ""
					 : i + 1 == export_format_count ? " or "
									: ", ",
					 export_formats[i].name);
	return buf;
}

/* The same warning as `hosts`: the user should know the export is partial. */
/* -o DIR for a format that writes several files: an existing directory, or
 * one we create (its parent must exist). */
static int prepare_dir(const char *dir)
{
	struct stat sb;

	if (stat(dir, &sb) == 0) {
		if (!S_ISDIR(sb.st_mode))
			return nc_fail(NC_ERR_INVALID,
				       "%s is not a directory (this export writes one file per "
				       "table)",
				       dir);
		return 0;
	}
	if (errno != ENOENT || mkdir(dir, 0755) != 0)
		return nc_fail(NC_ERR_IO, "cannot create directory %s: %s", dir, strerror(errno));
	return 0;
}

/* Run the export into req's output as the options ask. */
static int run(const export_format *fmt, export_request *req, const char *output)
{
	export_file file = {0};
	struct stat sb;
	int r;

	if (fmt->wants_dir != NULL && fmt->wants_dir(req)) {
		if (output == NULL || strcmp(output, "-") == 0)
			return nc_fail(NC_ERR_INVALID,
				       "%s --what %s writes one file per table: give -o DIRECTORY",
				       fmt->name, export_what_name(req->what));
		if ((r = prepare_dir(output)) != 0)
			return r;
		req->dir = output;
		return fmt->write(req);
	}
	if (output == NULL || strcmp(output, "-") == 0) {
		req->out = stdout;
		if ((r = fmt->write(req)) != 0)
			return r;
		if (fflush(stdout) != 0 || ferror(stdout))
			return nc_fail(NC_ERR_IO, "cannot write to standard output: %s",
				       strerror(errno));
		return 0;
	}
	if (stat(output, &sb) == 0 && S_ISDIR(sb.st_mode))
		return nc_fail(NC_ERR_INVALID, "%s is a directory; give a file name", output);
	if ((r = export_file_open(&file, NULL, output)) != 0)
		return r;
	req->out = file.fp;
	if ((r = fmt->write(req)) != 0) {
		export_file_abort(&file);
		return r;
	}
	return export_file_commit(&file);
}

int cmd_export(int argc, char **argv)
{
	static const struct option options[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"scan", required_argument, NULL, 's'},
	    {"format", required_argument, NULL, 'f'},
	    {"what", required_argument, NULL, 'w'},
	    {"jsonl", no_argument, NULL, 'l'},
	    {"output", required_argument, NULL, 'o'},
	    {"rules", required_argument, NULL, 'R'},
	    {"base-share", required_argument, NULL, 'B'},
	    {"pool-similarity", required_argument, NULL, 'P'},
	    {"min-pool", required_argument, NULL, 'M'},
	    {"vdi-format", required_argument, NULL, 'V'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *opt_db = NULL, *opt_scan = NULL, *opt_format = NULL, *opt_what = NULL;
	const char *output = NULL;
	const export_format *fmt;
	export_request req = {0};
	inventory_t *inv = NULL;
	scan_row scan = {0};
	char names[128];
	int c, r;

	optind = 0; /* glibc: restart scanning, whatever parsed argv before */
	while ((c = getopt_long(argc, argv, "ho:", options, NULL)) != -1) {
		switch (c) {
		case 'd':
			opt_db = optarg;
			break;
		case 's':
			opt_scan = optarg;
			break;
		case 'f':
			opt_format = optarg;
			break;
		case 'w':
			opt_what = optarg;
			break;
		case 'l':
			req.jsonl = true;
			break;
		case 'o':
			output = optarg;
			break;
		case 'R':
			req.vdi_rules = optarg;
			break;
		case 'B':
			req.vdi_base_share = optarg;
			break;
		case 'P':
			req.vdi_similarity = optarg;
			break;
		case 'M':
			req.vdi_min_pool = optarg;
			break;
		case 'V':
			req.vdi_format = optarg;
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
		cli_error("export: unexpected argument '%s'", argv[optind]);
		usage(stderr);
		return NC_EXIT_ERROR;
	}
	if (opt_format == NULL) {
		cli_error("export: which format? (--format %s)",
			  format_names(names, sizeof(names)));
		return NC_EXIT_ERROR;
	}
	if ((fmt = export_format_find(opt_format)) == NULL) {
		cli_error("export: unknown format '%s' (%s)", opt_format,
			  format_names(names, sizeof(names)));
		return NC_EXIT_ERROR;
	}
	if (fmt->write == NULL) {
		cli_error("export: --format %s is not available in this netcensus", fmt->name);
		return NC_EXIT_ERROR;
	}
	if (req.jsonl && strcmp(fmt->name, "json") != 0) {
		cli_error("export: --jsonl goes with --format json");
		return NC_EXIT_ERROR;
	}
	if ((req.vdi_rules || req.vdi_base_share || req.vdi_similarity || req.vdi_min_pool ||
	     req.vdi_format) &&
	    strcmp(fmt->name, "vdi") != 0) {
		cli_error("export: --rules, --base-share, --pool-similarity, --min-pool and "
			  "--vdi-format go "
			  "with --format vdi");
		return NC_EXIT_ERROR;
	}

	nc_clear_error();
	req.what = fmt->default_what;
	if (opt_what != NULL && (r = export_what_parse(opt_what, &req.what)) != 0)
		goto out;
	if ((r = cli_open_scan(opt_db, opt_scan, "export", &inv, &scan)) != 0)
		goto out;
	req.inv = inv;
	req.scan = &scan;
	req.output = output != NULL && strcmp(output, "-") != 0 ? output : NULL;
	r = run(fmt, &req, output);
out:
	/* a writer's I/O error may not say where it was writing */
	if (r == NC_ERR_IO && req.output != NULL && strstr(nc_errmsg(r), req.output) == NULL)
		cli_error("export: cannot write %s: %s", req.output, nc_errmsg(r));
	else if (r != 0)
		cli_error("export: %s", nc_errmsg(r));
	scan_row_clear(&scan);
	inventory_close(inv);
	return r == 0 ? NC_EXIT_OK : NC_EXIT_ERROR;
}
