#include "config.h"

/*
 * cmd_diff.c — `netcensus diff [OLD [NEW]]`: what changed between two scans.
 *
 * Picks the scans (by default the last two complete scans of the same
 * targets; a scan that did not complete is used only when named, with a
 * warning), runs the engine (inventory/diff.h) into a renderer
 * (export/diff_render.h) and exits 0 when nothing changed, 1 when something
 * did, 2 on any error — so cron can mail only on 1.
 *
 * --since-last-report FILE makes repeated and overlapping runs report each
 * change once: FILE holds the NEW scan of the last report that was written
 * out; the next run compares that scan with the newest complete scan of the
 * same targets and then moves FILE forward.  The whole read-diff-write
 * happens under an exclusive flock() on FILE, so a second run started
 * meanwhile waits and then finds nothing new (exit 0, no output).
 */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "cli/cli.h"
#include "export/diff_render.h"
#include "inventory/db.h"
#include "inventory/diff.h"
#include "inventory/query.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/parse.h"

#define MARKER_MAX 256

static void usage(FILE *f)
{
	fprintf(f,
		"usage: netcensus diff [OPTIONS] [OLD [NEW]]\n"
		"\n"
		"Compare two scans host by host. Default: the last two complete scans of the\n"
		"same targets; with OLD only, OLD against the newest complete scan. A scan\n"
		"that did not complete is used only when named (with a warning).\n"
		"\n"
		"  -d, --db FILE             inventory (default $NETCENSUS_DB or ./netcensus.db)\n"
		"      --json                JSON instead of text\n"
		"      --xml                 XML (urn:netcensus:diff:1, netcensus-diff.xsd)\n"
		"      --ignore FIELD,...    do not compare these fields: address, mac,\n"
		"                            hostname, domain, os (os.name, os.version,\n"
		"                            os.build), device.type, hw (hw.vendor, hw.model),\n"
		"                            virtual, ttl, uptime, ssh.hostkey, ports (port,\n"
		"                            service), hardware (cpu, memory, disk, storage,\n"
		"                            nic), software\n"
		"      --since-last-report FILE\n"
		"                            compare the scan FILE names (the last one\n"
		"                            reported) with the newest complete scan of the\n"
		"                            same targets, then record that scan in FILE;\n"
		"                            nothing new: no output, exit 0\n"
		"  -h, --help                this text\n"
		"\n"
		"Exit status: 0 no change, 1 changes found, 2 error.\n");
}

/* The marker: "scan N\n". 0 with *id (0 when the file is empty), or
 * NC_ERR_INVALID / NC_ERR_IO. */
static int marker_read(int fd, const char *path, int64_t *id)
{
	char buf[MARKER_MAX];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	uint64_t v;
	char *p, *end;

	*id = 0;
	if (n < 0)
		return nc_fail(NC_ERR_IO, "cannot read %s: %s", path, strerror(errno));
	buf[n] = '\0';
	p = buf + strspn(buf, " \t\r\n");
	if (*p == '\0')
		return 0;
	if (strncmp(p, "scan ", 5) != 0)
		return nc_fail(NC_ERR_INVALID, "%s is not a netcensus report marker", path);
	p += 5;
	end = p + strspn(p, "0123456789");
	if (end == p || end - p > 18 || strspn(end, " \t\r\n") != strlen(end))
		return nc_fail(NC_ERR_INVALID, "%s is not a netcensus report marker", path);
	*end = '\0';
	if (parse_u64(p, 1, INT64_MAX, &v, "scan id") != 0) {
		nc_clear_error();
		return nc_fail(NC_ERR_INVALID, "%s is not a netcensus report marker", path);
	}
	*id = (int64_t)v;
	return 0;
}

static int marker_write(int fd, const char *path, int64_t id)
{
	char buf[64];
	int n = snprintf(buf, sizeof(buf), "scan %lld\n", (long long)id);

	if (pwrite(fd, buf, (size_t)n, 0) != n || ftruncate(fd, n) != 0 || fsync(fd) != 0)
		return nc_fail(NC_ERR_IO, "cannot write %s: %s", path, strerror(errno));
	return 0;
}

static void warn_unfinished(const scan_row *s, const char *role)
{
	const char *status = s->status ? s->status : "unknown";

	if (strcmp(status, "complete") == 0)
		return;
	cli_error("warning: %s scan %lld is %s, not complete: hosts it did not reach show as %s",
		  role, (long long)s->id, status, strcmp(role, "NEW") == 0 ? "gone" : "new");
}

/* A default pick skips scans that did not complete; say so when a newer
 * one exists, so that no one mistakes the diff for the latest state. */
static void note_skipped(inventory_t *inv, const scan_row *new_scan)
{
	scan_row *rows = NULL;
	size_t n = 0;

	if (query_scans(inv, &rows, &n) != 0) {
		nc_clear_error();
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (rows[i].id > new_scan->id && rows[i].status &&
		    strcmp(rows[i].status, "complete") != 0)
			cli_error("note: scan %lld is %s and not used (name it to compare it)",
				  (long long)rows[i].id, rows[i].status);
	query_scans_free(rows, n);
}

int cmd_diff(int argc, char **argv)
{
	enum { OPT_JSON = 256, OPT_XML, OPT_IGNORE, OPT_SINCE };
	static const struct option options[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"json", no_argument, NULL, OPT_JSON},
	    {"xml", no_argument, NULL, OPT_XML},
	    {"ignore", required_argument, NULL, OPT_IGNORE},
	    {"since-last-report", required_argument, NULL, OPT_SINCE},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *opt_db = NULL, *marker_path = NULL;
	const diff_sink *sink = &diff_render_text;
	diff_options dopt = {0};
	diff_render_ctx rctx = {.out = stdout};
	diff_summary sum = {0};
	inventory_t *inv = NULL;
	scan_row old_scan = {0}, new_scan = {0};
	uint64_t ids[2] = {0, 0};
	int marker_fd = -1, nformats = 0, c, r = 0;
	int64_t marked = 0;
	bool nothing_new = false;

	nc_clear_error();
	optind = 0;
	while ((c = getopt_long(argc, argv, "d:h", options, NULL)) != -1) {
		switch (c) {
		case 'd':
			opt_db = optarg;
			break;
		case OPT_JSON:
			sink = &diff_render_json;
			nformats++;
			break;
		case OPT_XML:
			sink = &diff_render_xml;
			nformats++;
			break;
		case OPT_IGNORE:
			if ((r = diff_parse_ignore(&dopt, optarg)) != 0) {
				cli_error("diff: %s", nc_errmsg(r));
				return NC_EXIT_ERROR;
			}
			break;
		case OPT_SINCE:
			marker_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return NC_EXIT_OK;
		default:
			usage(stderr);
			return NC_EXIT_ERROR;
		}
	}
	if (nformats > 1) {
		cli_error("diff: --json and --xml exclude each other");
		return NC_EXIT_ERROR;
	}
	if (argc - optind > 2) {
		cli_error("diff: unexpected argument '%s'", argv[optind + 2]);
		usage(stderr);
		return NC_EXIT_ERROR;
	}
	if (marker_path != NULL && optind < argc) {
		cli_error("diff: --since-last-report picks the scans itself; do not name any");
		return NC_EXIT_ERROR;
	}
	for (int i = 0; optind + i < argc; i++) {
		if (parse_u64(argv[optind + i], 1, INT64_MAX, &ids[i], "scan id") != 0) {
			cli_error("diff: %s", nc_errmsg(NC_ERR_INVALID));
			usage(stderr);
			return NC_EXIT_ERROR;
		}
	}

	if ((r = inventory_open(cli_db_path(opt_db), INV_READONLY, &inv)) != 0 ||
	    (r = inventory_snapshot(inv)) != 0)
		goto out;
	if (marker_path != NULL) {
		marker_fd = open(marker_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		if (marker_fd < 0) {
			r = nc_fail(NC_ERR_IO, "cannot open %s: %s", marker_path, strerror(errno));
			goto out;
		}
		while (flock(marker_fd, LOCK_EX) != 0) {
			if (errno != EINTR) {
				r = nc_fail(NC_ERR_IO, "cannot lock %s: %s", marker_path,
					    strerror(errno));
				goto out;
			}
		}
		if ((r = marker_read(marker_fd, marker_path, &marked)) != 0)
			goto out;
	}

	if (marked > 0) {
		if ((r = query_scan(inv, marked, &old_scan)) != 0) {
			if (r == NC_ERR_NOT_FOUND)
				r = nc_fail(
				    r,
				    "%s names scan %lld, which is not in %s (pruned?); remove "
				    "%s to start the reports again",
				    marker_path, (long long)marked, inventory_path(inv),
				    marker_path);
			goto out;
		}
		r = diff_newest_like(inv, &old_scan, &new_scan);
		if (r == NC_ERR_NOT_FOUND) {
			nothing_new = true; /* already reported up to the newest scan */
			r = 0;
			goto out;
		}
		if (r != 0)
			goto out;
	} else {
		r = diff_pick_scans(inv, (int64_t)ids[0], (int64_t)ids[1], &old_scan, &new_scan);
		if (r == NC_ERR_NOT_FOUND && marker_path != NULL && ids[0] == 0) {
			/* a first report with one scan: it becomes the baseline */
			scan_row only = {0};

			nc_clear_error();
			if ((r = diff_pick_scans(inv, 0, 0, &old_scan, &new_scan)) ==
				NC_ERR_NOT_FOUND &&
			    query_latest_scan(inv, &only) == 0 && only.status &&
			    strcmp(only.status, "complete") == 0) {
				r = marker_write(marker_fd, marker_path, only.id);
				nothing_new = true;
			}
			scan_row_clear(&only);
		}
		if (r != 0 || nothing_new)
			goto out;
		if (ids[0] != 0)
			warn_unfinished(&old_scan, "OLD");
		if (ids[1] != 0)
			warn_unfinished(&new_scan, "NEW");
		if (ids[1] == 0)
			note_skipped(inv, &new_scan);
	}

	if ((r = diff_run(inv, &old_scan, &new_scan, &dopt, sink, &rctx, &sum)) != 0)
		goto out;
	if (marker_fd >= 0)
		r = marker_write(marker_fd, marker_path, new_scan.id);
out:
	diff_render_cleanup(&rctx);
	if (r != 0)
		cli_error("diff: %s", nc_errmsg(r));
	if (marker_fd >= 0)
		close(marker_fd); /* drops the lock */
	scan_row_clear(&old_scan);
	scan_row_clear(&new_scan);
	inventory_close(inv);
	if (r != 0)
		return NC_EXIT_ERROR;
	if (nothing_new)
		return NC_EXIT_OK;
	return sum.new_hosts + sum.gone + sum.back + sum.changed > 0 ? NC_EXIT_DIFF : NC_EXIT_OK;
}
