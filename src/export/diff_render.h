/*
 * diff_render.h — writing a diff (inventory/diff.h) for people and programs.
 *
 * Three sinks, one per format, each streaming to ctx->out as the engine
 * hands over hosts:
 *
 *   text  a unified-diff look for a cron mail: a "---"/"+++" header naming
 *         both scans, then per host a line "+ADDR (NAME): new", "-ADDR:
 *         gone", "+ADDR: back (last seen in scan N)" or " ADDR: changed",
 *         and under it "-  FIELD [ITEM]: OLD" / "+  FIELD [ITEM]: NEW"
 *         lines; a "summary:" line ends it.
 *   json  one object {"old", "new", "hosts": [...], "summary"}; see
 *         README.md "Comparing scans" for the members.
 *   xml   namespace urn:netcensus:diff:1, data/netcensus-diff.xsd, written
 *         with libxml2's xmlTextWriter.
 *
 * The engine hands over clean text only (diff_clean()); scan metadata is
 * cleaned here the same way.
 */
#ifndef NC_EXPORT_DIFF_RENDER_H
#define NC_EXPORT_DIFF_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include "inventory/diff.h"

typedef struct {
	FILE *out; /* where to write; not closed */
	/* private to the renderer: */
	bool first; /* json: no host written yet */
	void *xml;  /* xml: the xmlTextWriter */
} diff_render_ctx;

extern const diff_sink diff_render_text;
extern const diff_sink diff_render_json;
extern const diff_sink diff_render_xml;

/* Release what a renderer holds when the diff stopped half way (the xml
 * writer); safe to call after a complete run. */
void diff_render_cleanup(diff_render_ctx *ctx);

#endif
