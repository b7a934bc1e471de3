/*
 * vdi.h — the VDI plan of one scan: machines, applications, pools.
 *
 * What VDI assessment tools give, from agentless data:
 *   machines      one per host of the scan: names, OS, CPU, RAM, disks,
 *                 make/model/serial, physical or virtual, address, last user;
 *   applications  normalised (export/appnorm.h) with publisher, versions
 *                 seen, machine count and share of the fleet, and the flag
 *                 of data/vdi-rules.conf when app virtualisation cannot
 *                 package it;
 *   installs      machine x application, with version and install date
 *                 (streamed by vdi_plan_installs(), never held);
 *   pools         machines grouped by OS, then by application profile, with
 *                 the base-image applications, the app-layer candidates and
 *                 the sizing of each pool.
 *
 * Pools, deterministically (same inventory and options, same pools; see
 * netcensus(1), "Pools", for the exact rules):
 *   1. machines are grouped by OS: (os.family, os.name, os.version), and
 *      taken in order of name (hostname, else address; case-insensitive;
 *      then address, then host id).  Similarity is the Jaccard similarity
 *      of the machine's *informative* applications (those on fewer than
 *      VDI_UBIQUITOUS and at least VDI_RARE of its OS group's machines, and
 *      on two at least: the rest are on nearly every machine or are one
 *      person's tools, and say nothing about its role) and a pool's
 *      *profile* (the informative applications on more than half of its
 *      members); two empty sets have similarity 1;
 *   2. first pass: each machine joins the pool with the most similar
 *      profile when that is at least --pool-similarity (default 0.5; ties
 *      go to the pool created first), else founds one; the profile is
 *      recomputed as members join;
 *      Then a pool whose profile is at least --pool-similarity similar to
 *      the profile of an older pool still standing is merged into the most
 *      similar one (pools that differ by an optional application are one);
 *   3. second pass, profiles fixed: each machine moves to the remaining pool
 *      with the most similar profile (ties keep it where it is, then go to the pool
 *      created first);
 *   4. pools of fewer than --min-pool machines (default 3) give up their
 *      machines: each goes to the most similar pool of at least --min-pool
 *      machines of its OS group when the similarity is at least half of
 *      --pool-similarity, else to the group's one "unpooled" pool.  A group
 *      whose pools are all small is one pool when it has one, else one
 *      unpooled pool;
 *   5. pools are numbered pool-01, pool-02... by OS group (sorted by
 *      label), then by size (largest first), then by first member; the
 *      unpooled pool comes last in its group.
 *   Cost: each machine is compared only with the pools whose profile shares
 *   one of its informative applications (an inverted index), so the work
 *   grows with machines x matching pools, not machines squared.
 *   In each pool an application present on at least --base-share of the
 *   machines (default 0.9; rounded up to whole machines) is "base" (the
 *   gold image), on fewer than half "layer" (an app-layer or
 *   app-virtualisation candidate), in between "common" (a decision per
 *   pool).  A member's similarity is the Jaccard similarity of its
 *   applications and the pool's base and common ones.  Sizing: machines,
 *   median and max CPU cores and RAM, median, max and total disk used, over
 *   the machines where each is known.
 *
 * Memory: a few hundred bytes per machine and per distinct application
 * (and application version, publisher and spelling), plus 4 bytes per
 * (machine, application) pair for the clustering; the software rows
 * themselves are streamed from SQLite ordered by host and normalised
 * once per distinct (name, publisher).
 */
#ifndef NC_EXPORT_VDI_H
#define NC_EXPORT_VDI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "export/appnorm.h"
#include "export/export.h"
#include "inventory/db.h"
#include "inventory/query.h"

#define VDI_DEFAULT_BASE_SHARE 0.9
#define VDI_DEFAULT_SIMILARITY 0.5
#define VDI_DEFAULT_MIN_POOL 3
#define VDI_MAX_MIN_POOL 100000
#define VDI_UBIQUITOUS 0.9 /* on this share of an OS group: not informative */
#define VDI_RARE 0.02	   /* on less (or on one machine): not informative */

typedef struct {
	double base_share;	    /* (0, 1]: share of a pool's machines for "base" */
	double similarity;	    /* [0, 1]: Jaccard threshold to join a pool */
	size_t min_pool;	    /* smaller pools are merged; 0 or 1: never */
	const appnorm_rules *rules; /* NULL: no rules (shapes only) */
} vdi_options;

/* Absent numbers are -1, absent strings NULL; strings are cleaned like the
 * strings of inventory/query.h. */
typedef struct {
	int64_t host_id;
	char *address, *mac;
	char *hostname, *domain;
	char *os_family, *os_name, *os_version, *os_build, *os_edition, *os_arch;
	char *device_type; /* verdict device.type */
	int is_virtual;	   /* 1 virtual, 0 physical, -1 unknown */
	char *cpu_model;
	int64_t cpu_cores;   /* physical cores, else logical processors */
	int64_t cpu_threads; /* logical processors */
	int64_t ram_bytes;
	int64_t disk_bytes; /* sum of the disks, else of the fixed file systems */
	int64_t disk_free_bytes, disk_used_bytes; /* over the fixed file systems */
	char *hw_vendor, *hw_model, *hw_serial;
	char *last_user; /* netbios.user, else the first of users.logged_on */
	uint32_t *apps;	 /* application indexes, ascending */
	size_t napps;
	size_t pool;	   /* index into vdi_plan.pools */
	double similarity; /* to its pool's base and common applications */
} vdi_machine;

typedef struct {
	char *version; /* normalised; "" unknown */
	size_t machines;
} vdi_version;

typedef struct {
	char *name, *key;
	char *publisher;       /* the most frequent normalised publisher; NULL none */
	vdi_version *versions; /* ascending by appnorm_version_cmp() */
	size_t nversions;
	size_t machines;
	const char *flag, *flag_reason; /* from the rules; NULL when none */
} vdi_app;

typedef enum { VDI_ROLE_BASE, VDI_ROLE_COMMON, VDI_ROLE_LAYER } vdi_role;

/* "pool", or "unpooled" for the machines of an OS group that fit no pool. */
#define vdi_pool_kind(p) ((p)->unpooled ? "unpooled" : "pool")

/* "base", "common", "layer". */
const char *vdi_role_name(vdi_role r);

typedef struct {
	uint32_t app;
	size_t machines;
	vdi_role role;
} vdi_pool_app;

typedef struct {
	char id[32];	 /* "pool-01" */
	char *os_label;	 /* "Microsoft Windows 10 Enterprise 10.0.19045" or "unknown OS" */
	char *os_family; /* NULL unknown */
	bool unpooled;	 /* the machines of an OS group that fit no pool */
	size_t *members; /* machine indexes, in the clustering order */
	size_t nmembers;
	size_t leader;	    /* machine index: the first member */
	vdi_pool_app *apps; /* by role, then machines (descending), then name */
	size_t napps, nbase, ncommon, nlayer;
	double cores_median, ram_median, disk_used_median; /* -1 unknown */
	int64_t cores_max, ram_max, disk_used_max, disk_used_total;
} vdi_pool;

typedef struct {
	scan_row scan; /* the scan (a copy) */
	vdi_options opt;
	vdi_machine *machines; /* by address */
	size_t nmachines;
	vdi_app *apps; /* by key */
	size_t napps;
	vdi_pool *pools;
	size_t npools;
	size_t software_rows;	 /* rows read */
	size_t ignored_rows;	 /* of which [ignore] rules dropped */
	bool rows_in_order;	 /* software rows come grouped by machine, in
				  * machine order (vdi_plan_installs reads fast) */
	struct vdi_index *index; /* private: raw name -> application */
} vdi_plan;

/*
 * Build the plan of scan scan (read with query_scan()/query_latest_scan()).
 * *out = NULL first; the caller frees with vdi_plan_free().
 * NC_ERR_DB, NC_ERR_NOMEM, NC_ERR_INVALID (options out of range).
 */
int vdi_plan_build(inventory_t *inv, const scan_row *scan, const vdi_options *opt, vdi_plan **out);
void vdi_plan_free(vdi_plan *plan);

/* One machine x application: what vdi_plan_installs() hands over. */
typedef struct {
	size_t machine;
	uint32_t app;
	const char *version;	  /* the highest seen on that machine; "" unknown */
	const char *install_date; /* the earliest, "YYYY-MM-DD"; NULL unknown */
} vdi_install;

/*
 * Call each(ctx, install) for every machine x application, by machine
 * (address order) then application name, reading the software rows again.
 * Stops at the first non-zero return of each() and returns it.
 */
int vdi_plan_installs(inventory_t *inv, const vdi_plan *plan,
		      int (*each)(void *ctx, const vdi_install *in), void *ctx);

/* ------------------------------------------------------------ outputs */

typedef enum { VDI_OUT_CSV, VDI_OUT_JSON, VDI_OUT_XML } vdi_output;

/* "csv" | "json" | "xml": 0 or NC_ERR_INVALID. */
int vdi_output_parse(const char *s, vdi_output *out);

/*
 * The output a path asks for: a name ending in ".json" or ".xml" (any
 * case) is one document, anything else a directory of CSV files.
 */
vdi_output vdi_output_for_path(const char *path);

/*
 * The CSV files into directory dir (created if missing): machines.csv,
 * applications.csv, installs.csv, pools.csv, pool_members.csv,
 * pool_applications.csv, flags.csv.  Each is written beside its name and
 * renamed into place.
 */
int vdi_write_csv(inventory_t *inv, const vdi_plan *plan, const char *dir);

/* One JSON document (see netcensus(1), "VDI export") to f. */
int vdi_write_json(inventory_t *inv, const vdi_plan *plan, FILE *f);

/* One XML document in namespace urn:netcensus:vdi:1, valid against
 * data/netcensus-vdi.xsd, to f. */
int vdi_write_xml(inventory_t *inv, const vdi_plan *plan, FILE *f);

#define VDI_XML_NAMESPACE "urn:netcensus:vdi:1"

/*
 * The vdi entry of export_formats[] (export.h).  The output: --vdi-format
 * when given, else vdi_output_for_path(-o), else (standard output) JSON.
 * wants_dir says whether that is the CSV directory.  The export reads the
 * rules (--rules, else vdi_default_rules_path()), parses --base-share
 * ("0.9", "90", "90%") and --pool-similarity, builds the plan and writes it.
 */
bool vdi_export_wants_dir(const export_request *req);
int vdi_export_format(const export_request *req);

/* "0.9", "90", "90%" as a share in (0, 1]: 0 or NC_ERR_INVALID naming what. */
int vdi_parse_share(const char *s, double *out, const char *what);

/* --min-pool: a whole number of machines, 0 to VDI_MAX_MIN_POOL. */
int vdi_parse_min_pool(const char *s, size_t *out);

/* The shipped rules file: the source tree's when running from the build
 * tree, else $(pkgdatadir)/vdi-rules.conf. */
const char *vdi_default_rules_path(void);

/* The console summary of `netcensus report` to f. top: how many OS,
 * applications, pools and flagged applications to list. */
int vdi_report(const vdi_plan *plan, FILE *f, size_t top);

#endif
