/*
 * parse.c — checked conversions from user text.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/compat.h"
#include "util/err.h"
#include "util/parse.h"

int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out, const char *what)
{
	char *end = NULL;
	unsigned long long v;

	if (s == NULL || *s == '\0' || !isdigit((unsigned char)*s))
		return nc_fail(NC_ERR_INVALID, "bad %s '%s': not a number", what, s ? s : "");
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return nc_fail(NC_ERR_INVALID, "bad %s '%s': not a number", what, s);
	if (v < min || v > max)
		return nc_fail(NC_ERR_INVALID, "bad %s '%s': must be %llu-%llu", what, s,
			       (unsigned long long)min, (unsigned long long)max);
	*out = v;
	return 0;
}

int parse_duration(const char *s, double *seconds_out, const char *what)
{
	char *end = NULL;
	double v, scale = 1.0;

	if (s == NULL || *s == '\0' || !(isdigit((unsigned char)*s) || *s == '.'))
		return nc_fail(NC_ERR_INVALID, "bad %s '%s': expected a duration like 500ms or 2s",
			       what, s ? s : "");
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0)
		return nc_fail(NC_ERR_INVALID, "bad %s '%s'", what, s);
	if (strcmp(end, "") == 0 || strcmp(end, "s") == 0)
		scale = 1.0;
	else if (strcmp(end, "ms") == 0)
		scale = 1e-3;
	else if (strcmp(end, "us") == 0)
		scale = 1e-6;
	else if (strcmp(end, "m") == 0)
		scale = 60.0;
	else if (strcmp(end, "h") == 0)
		scale = 3600.0;
	else
		return nc_fail(NC_ERR_INVALID, "bad %s '%s': unknown unit '%s' (use us, ms, s, m, h)",
			       what, s, end);
	if (v < 0 || v * scale > 86400.0 * 365)
		return nc_fail(NC_ERR_INVALID, "bad %s '%s': out of range", what, s);
	*seconds_out = v * scale;
	return 0;
}

bool parse_ipv4(const char *s, uint32_t *ip_out)
{
	uint32_t ip = 0;
	int parts = 0;

	if (s == NULL)
		return false;
	while (parts < 4) {
		unsigned v = 0;
		int digits = 0;

		while (isdigit((unsigned char)*s)) {
			v = v * 10 + (unsigned)(*s - '0');
			if (++digits > 3 || v > 255)
				return false;
			s++;
		}
		if (digits == 0)
			return false;
		ip = (ip << 8) | v;
		parts++;
		if (parts < 4) {
			if (*s != '.')
				return false;
			s++;
		}
	}
	if (*s != '\0')
		return false;
	*ip_out = ip;
	return true;
}

const char *format_ipv4(uint32_t ip, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff, (ip >> 8) & 0xff, ip & 0xff);
	return buf;
}

const char *format_mac(const uint8_t mac[6], char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
		 mac[5]);
	return buf;
}

char *str_trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		memmove(s, s + 1, strlen(s));
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}
