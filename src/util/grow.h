/*
 * grow.h — growing a dynamic array, in one place.
 *
 *	if ((r = nc_grow(&v, &cap, n + 1, sizeof(*v), 16)) != 0)
 *		return r;
 *	v[n++] = x;
 */
#ifndef NC_UTIL_GROW_H
#define NC_UTIL_GROW_H

#include <stddef.h>

/*
 * Make *arrp (a pointer to the array pointer) hold at least need elements of
 * elem bytes, doubling its capacity *cap from initial. On NC_ERR_NOMEM
 * (allocation failed, or the size would overflow) *arrp and *cap are left
 * unchanged, so the caller still owns and frees the old array.
 */
int nc_grow(void *arrp, size_t *cap, size_t need, size_t elem, size_t initial);

#endif
