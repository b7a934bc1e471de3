/*
 * fuzz_appnorm.c — libFuzzer harness for the VDI application rules file
 * (vdi-rules.conf, replaceable with `--rules FILE`) and the normalisation
 * of the names, versions and publishers hosts report. The input up to its
 * first NUL byte is the rules file; after it come applications, one a
 * line, "name<TAB>version<TAB>publisher". Without a NUL byte the rule
 * file's own lines are normalised as names (they are full of glob
 * characters and brackets). Seeds: data/vdi-rules.conf.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "export/appnorm.h"
#include "fuzz_common.h"

#define MAX_APPS 64

static void one_app(const appnorm_rules *rules, char *line, char *prev_version, size_t pvlen)
{
	char *name = line, *version = NULL, *publisher = NULL, *tab;
	char pub[APPNORM_NAME_MAX], ver[APPNORM_VERSION_MAX];
	const char *reason = NULL;
	appnorm_result res;

	if ((tab = strchr(name, '\t')) != NULL) {
		*tab = '\0';
		version = tab + 1;
		if ((tab = strchr(version, '\t')) != NULL) {
			*tab = '\0';
			publisher = tab + 1;
		}
	}
	appnorm_app(rules, name, version, publisher, &res);
	if (!res.ignored && res.name[0] == '\0')
		abort(); /* appnorm.h: never "" unless ignored */
	(void)appnorm_flag(rules, res.name, &reason);
	appnorm_publisher(rules, publisher, pub, sizeof(pub));
	appnorm_version(version, ver, sizeof(ver));
	if (appnorm_version_cmp(ver, ver) != 0)
		abort();
	(void)appnorm_version_cmp(prev_version, ver);
	snprintf(prev_version, pvlen, "%s", ver);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t rlen = nul != NULL ? (size_t)(nul - data) : size;
	char prev[APPNORM_VERSION_MAX] = "";
	appnorm_rules *rules = NULL;
	char *apps, *line, *next;
	size_t n = 0;

	if (appnorm_rules_parse((const char *)data, rlen, "fuzz", &rules) != 0)
		return 0;
	(void)appnorm_rules_count(rules);
	apps = nul != NULL ? fuzz_strndup(nul + 1, size - rlen - 1) : fuzz_strndup(data, rlen);
	for (line = apps; line != NULL && n < MAX_APPS; line = next, n++) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		one_app(rules, line, prev, sizeof(prev));
	}
	free(apps);
	appnorm_rules_free(rules);
	return 0;
}
