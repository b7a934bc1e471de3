/*
 * log.c — leveled diagnostics to stderr.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/log.h"
#include "util/textsafe.h"

static int log_level = LOG_LVL_WARN;

void log_set_level(int level)
{
	log_level = level;
}

int log_get_level(void)
{
	return log_level;
}

void log_msg(int level, const char *fmt, ...)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };
	char line[1024];
	va_list ap;

	if (level > log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* a debug line may quote a banner or a name: nothing raw to a terminal */
	textsafe_clean(line, strlen(line), false);
	fprintf(stderr, "netcensus: %s: %s\n", names[level], line);
}
