/*
 * ports.c — parse and format TCP port lists.
 *
 * A bitmap of 65536 bits (8 KiB, on the stack) collects the ports, which
 * sorts and de-duplicates them for free.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/ports.h"
#include "util/compat.h"
#include "util/err.h"

static int ports_number(const char *s, size_t len, const char *spec, unsigned *out)
{
	unsigned v = 0;

	if (len == 0 || len > 5)
		return nc_fail(NC_ERR_INVALID, "bad port list '%s': expected numbers 1-65535", spec);
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return nc_fail(NC_ERR_INVALID, "bad port list '%s': '%.*s' is not a port",
				       spec, (int)len, s);
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v < 1 || v > 65535)
		return nc_fail(NC_ERR_INVALID, "bad port list '%s': port %u is not in 1-65535", spec,
			       v);
	*out = v;
	return 0;
}

int ports_parse(const char *spec, port_list *out)
{
	uint8_t bits[65536 / 8];
	const char *p = spec;
	size_t count = 0;
	int r;

	out->ports = NULL;
	out->n = 0;
	if (spec == NULL || *spec == '\0')
		return nc_fail(NC_ERR_INVALID, "empty port list");
	memset(bits, 0, sizeof(bits));
	while (*p != '\0') {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *dash = memchr(p, '-', len);
		unsigned lo, hi;

		if (dash != NULL) {
			if ((r = ports_number(p, (size_t)(dash - p), spec, &lo)) != 0 ||
			    (r = ports_number(dash + 1, len - (size_t)(dash - p) - 1, spec, &hi)) != 0)
				return r;
			if (hi < lo)
				return nc_fail(NC_ERR_INVALID,
					       "bad port list '%s': range %u-%u runs backwards", spec,
					       lo, hi);
		} else {
			if ((r = ports_number(p, len, spec, &lo)) != 0)
				return r;
			hi = lo;
		}
		for (unsigned v = lo; v <= hi; v++)
			bits[v >> 3] |= (uint8_t)(1u << (v & 7));
		p += len;
		if (*p == ',') {
			p++;
			if (*p == '\0')
				return nc_fail(NC_ERR_INVALID, "bad port list '%s': trailing comma",
					       spec);
		}
	}
	for (unsigned v = 1; v <= 65535; v++)
		count += (bits[v >> 3] >> (v & 7)) & 1;
	out->ports = calloc(count, sizeof(*out->ports));
	if (out->ports == NULL)
		return NC_ERR_NOMEM;
	for (unsigned v = 1; v <= 65535; v++)
		if ((bits[v >> 3] >> (v & 7)) & 1)
			out->ports[out->n++] = (uint16_t)v;
	return 0;
}

void ports_free(port_list *pl)
{
	free(pl->ports);
	pl->ports = NULL;
	pl->n = 0;
}

const char *ports_format(const port_list *pl, char *buf, size_t len)
{
	size_t used = 0;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < pl->n;) {
		size_t j = i;
		int w;

		while (j + 1 < pl->n && pl->ports[j + 1] == pl->ports[j] + 1)
			j++;
		if (j > i)
			w = snprintf(buf + used, len - used, "%s%u-%u", used ? "," : "",
				     pl->ports[i], pl->ports[j]);
		else
			w = snprintf(buf + used, len - used, "%s%u", used ? "," : "", pl->ports[i]);
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
		i = j + 1;
	}
	return buf;
}
