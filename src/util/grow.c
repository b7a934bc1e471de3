/*
 * grow.c — doubling growth for dynamic arrays (see grow.h).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/grow.h"

int nc_grow(void *arrp, size_t *cap, size_t need, size_t elem, size_t initial)
{
	size_t ncap = *cap ? *cap : (initial ? initial : 1);
	void *old, *arr;

	if (need <= *cap)
		return 0;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return NC_ERR_NOMEM;
		ncap *= 2;
	}
	/* elem 0 would make realloc() free the array and return NULL */
	if (elem == 0)
		return NC_ERR_INTERNAL;
	if (ncap > SIZE_MAX / elem)
		return NC_ERR_NOMEM;
	/* through memcpy: arrp points at a pointer of some other type; on
	 * failure the caller still owns (and frees) the old array */
	memcpy(&old, arrp, sizeof(old));
	if ((arr = realloc(old, ncap * elem)) == NULL)
		return NC_ERR_NOMEM;
	memcpy(arrp, &arr, sizeof(arr));
	*cap = ncap;
	return 0;
}
