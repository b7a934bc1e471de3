/*
 * vdi_index.h — from raw software rows to application numbers, for vdi.c.
 *
 * The software table repeats the same few thousand (name, publisher)
 * pairs millions of times; each pair is normalised once (appnorm.h) and
 * remembered in a hash table.  While the plan is built the index also
 * creates the applications and their versions in the plan and counts the
 * spellings and publishers seen, so that vdi_index_finish() can name each
 * application by its most frequent spelling and publisher, number the
 * applications in name order, and renumber what the machines hold.
 */
#ifndef NC_EXPORT_VDI_INDEX_H
#define NC_EXPORT_VDI_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "export/appnorm.h"
#include "export/vdi.h"

#define VDI_NO_APP UINT32_MAX

typedef struct {
	uint32_t app;	    /* index into plan->apps; VDI_NO_APP: not an application */
	char *name_version; /* a version the name held ("7-Zip 23.01"), or NULL */
} vdi_row_app;

int vdi_index_new(const appnorm_rules *rules, struct vdi_index **out);
void vdi_index_free(struct vdi_index *ix);

/*
 * The application of one software row (name, version, vendor as stored;
 * version and vendor may be NULL); pos is the row's position among its
 * machine's rows (0, 1, ...), a hint that makes the lookup cheap when
 * machines list their software in the same order.  With plan (while building, before
 * vdi_index_finish()): creates the application and its version in plan
 * and sets *ver to the version's index in it.  Without plan (afterwards):
 * a row not seen while building is VDI_NO_APP.  *out belongs to the index.
 * 0 or NC_ERR_NOMEM.
 */
int vdi_index_row(struct vdi_index *ix, vdi_plan *plan, size_t pos, const char *name,
		  const char *version, const char *vendor, const vdi_row_app **out, uint32_t *ver);

/* The normalised version of a row: its version field, else the name's. */
void vdi_index_row_version(const vdi_row_app *ra, const char *version, char *out, size_t len);

/* The same for the row vdi_index_row() just looked up as ra (valid until
 * the next lookup of that raw name); "" unknown. */
const char *vdi_index_last_version(const vdi_row_app *ra);

/* Name, publisher, flag and number the applications (see above); sort
 * each application's versions and each machine's application set. */
int vdi_index_finish(struct vdi_index *ix, vdi_plan *plan);

#endif
