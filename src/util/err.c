/*
 * err.c — error codes to text, and a per-thread detail line.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "util/compat.h"
#include "util/err.h"

static _Thread_local char err_detail[512];

static const struct {
	int code;
	const char *text;
} err_texts[] = {
	{ NC_OK, "success" },
	{ NC_ERR_INTERNAL, "internal error" },
	{ NC_ERR_NOMEM, "out of memory" },
	{ NC_ERR_INVALID, "invalid input" },
	{ NC_ERR_IO, "input/output error" },
	{ NC_ERR_SYS, "system call failed" },
	{ NC_ERR_RESOLVE, "name resolution failed" },
	{ NC_ERR_PERM, "operation not permitted" },
	{ NC_ERR_DB, "database error" },
	{ NC_ERR_BUSY, "database is in use by another scan" },
	{ NC_ERR_INTERRUPTED, "interrupted" },
	{ NC_ERR_NOT_FOUND, "not found" },
	{ NC_ERR_TOOBIG, "input too large" },
	{ NC_ERR_SCHEMA, "database schema is newer than this netcensus" },
};

const char *nc_strerror(int code)
{
	for (size_t i = 0; i < ARRAY_SIZE(err_texts); i++)
		if (err_texts[i].code == code)
			return err_texts[i].text;
	return "unknown error";
}

/* (nc_fail): not the lint-only macro of err.h */
int (nc_fail)(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err_detail, sizeof(err_detail), fmt, ap);
	va_end(ap);
	return code;
}

const char *nc_errmsg(int code)
{
	return err_detail[0] != '\0' ? err_detail : nc_strerror(code);
}

void nc_clear_error(void)
{
	err_detail[0] = '\0';
}
