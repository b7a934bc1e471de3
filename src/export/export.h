/*
 * export.h — `netcensus export`: the formats, what they are asked for, and
 * what they share (output files, text cleaning).
 *
 * Each format is one entry of export_formats[] (export.c), the zmap
 * output-module idea: a name, a default --what, and a write() that streams
 * one scan to the output through scan_iter (inventory/scan_iter.h), never
 * holding the fleet.  Adding a format is adding an entry; cmd_export.c
 * knows none of them by name.
 */
#ifndef NC_EXPORT_EXPORT_H
#define NC_EXPORT_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "inventory/db.h"
#include "inventory/query.h"

/* --what: which tables (csv, jsonl) or which sections of each host (xml,
 * json) an export carries. */
typedef enum {
	EXPORT_WHAT_HOSTS,
	EXPORT_WHAT_SERVICES,
	EXPORT_WHAT_SOFTWARE,
	EXPORT_WHAT_HARDWARE,
	EXPORT_WHAT_ALL,
	EXPORT_WHAT__COUNT
} export_what;

/* "hosts", "services", "software", "hardware", "all". */
const char *export_what_name(export_what w);

/* The export_what named s: 0 or NC_ERR_INVALID with a detail listing the
 * names. */
int export_what_parse(const char *s, export_what *out);

typedef struct {
	inventory_t *inv;
	const scan_row *scan; /* the scan to export, already read */
	export_what what;
	bool jsonl;	 /* --jsonl: one JSON object a line (json only) */
	FILE *out;	 /* where a single-file export goes (stdout or -o FILE) */
	const char *dir; /* set instead of out when wants_dir() said so: -o DIR */
	const char *output; /* -o as given; NULL for standard output */
	/* vdi only (NULL: not given): --rules FILE, --base-share, --pool-similarity,
	 * --min-pool, --vdi-format csv|json|xml */
	const char *vdi_rules, *vdi_base_share, *vdi_similarity, *vdi_min_pool, *vdi_format;
} export_request;

typedef struct {
	const char *name;    /* the --format value */
	const char *summary; /* one line for --help */
	export_what default_what;
	/*
	 * Does this request write several files into the -o directory (then
	 * req->dir is set and req->out is NULL) rather than one stream?  NULL
	 * means never.
	 */
	bool (*wants_dir)(const export_request *req);
	/*
	 * Write the export of req->scan.  Called with the output open; writes
	 * everything or returns an nc_err with a detail (the caller then
	 * removes what was written to files).  Must not close req->out.
	 * NULL: the format is not built into this netcensus.
	 */
	int (*write)(const export_request *req);
} export_format;

extern const export_format export_formats[];
extern const size_t export_format_count;

/* The format named name, or NULL. */
const export_format *export_format_find(const char *name);

/* "netcensus <version>": what the formats record as their generator. */
const char *export_generator(void);

/*
 * An output file written beside its final name ("<path>.tmp.<pid>") and
 * renamed into place by export_file_commit(), so a failed or interrupted
 * export never leaves a truncated file where a good one was expected.  A
 * path that exists and is not a regular file (a device, a FIFO) is written
 * in place.
 */
typedef struct {
	FILE *fp;
	char *path; /* final name */
	char *tmp;  /* name while being written; NULL when written in place */
} export_file;

/* Create the file for dir/name (or name alone when dir is NULL). f is
 * zeroed first. NC_ERR_IO naming the path, NC_ERR_NOMEM. */
int export_file_open(export_file *f, const char *dir, const char *name);

/* Flush, close and rename into place: 0 or NC_ERR_IO naming the path.
 * Either way f is released (and the temporary removed on failure). */
int export_file_commit(export_file *f);

/* Close and remove the temporary; a zeroed or released f is a no-op. */
void export_file_abort(export_file *f);

/* A growable buffer for export_text(). */
typedef struct {
	char *buf;
	size_t cap;
} export_buf;

void export_buf_free(export_buf *b);

/*
 * s as text any consumer can take: valid UTF-8 (overlong forms, surrogates
 * and code points past U+10FFFF are invalid) holding only characters XML 1.0
 * allows (tab, LF, CR, U+0020-U+D7FF, U+E000-U+FFFD, U+10000-U+10FFFF);
 * everything else becomes U+FFFD, one per offending byte.  Returns s itself
 * when it is already clean (the common case: no copy), else the cleaned copy
 * in b, valid until the next call with b; "" for NULL; NULL when out of
 * memory.
 */
const char *export_text(export_buf *b, const char *s);

#endif
