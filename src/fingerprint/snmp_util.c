#include "config.h"

/*
 * snmp_util.c — decoding and mapping helpers for SNMP collection (see
 * snmp_util.h). Everything here is a pure function of its arguments so the
 * unit tests can feed it what hostile or broken agents send.
 */

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fingerprint/snmp_util.h"
#include "util/compat.h"
#include "util/err.h"

bool snmp_date_and_time(const uint8_t *b, size_t len, char *out, size_t outlen)
{
	unsigned year, mon, day, hour, min, sec;

	if (outlen > 0)
		out[0] = '\0';
	if (b == NULL || (len != 8 && len != 11) || outlen < 20)
		return false;
	year = ((unsigned)b[0] << 8) | b[1];
	mon = b[2];
	day = b[3];
	hour = b[4];
	min = b[5];
	sec = b[6];
	if (year == 0 || mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 ||
	    sec > 60 || b[7] > 9)
		return false;
	/* RFC 2579 allows offsets up to 13:59; +14:00 exists in the real world */
	if (len == 11 && ((b[8] != '+' && b[8] != '-') || b[9] > 14 || b[10] > 59))
		return false;
	snprintf(out, outlen, "%04u-%02u-%02uT%02u:%02u:%02u", year, mon, day, hour, min,
		 sec > 59 ? 59 : sec);
	return true;
}

int snmp_oid_cmp(const snmp_subid *a, size_t alen, const snmp_subid *b, size_t blen)
{
	size_t n = NC_MIN(alen, blen);

	for (size_t i = 0; i < n; i++) {
		if (a[i] < b[i])
			return -1;
		if (a[i] > b[i])
			return 1;
	}
	if (alen == blen)
		return 0;
	return alen < blen ? -1 : 1;
}

bool snmp_oid_increases(const snmp_subid *prev, size_t prevlen, const snmp_subid *next,
			size_t nextlen)
{
	return snmp_oid_cmp(prev, prevlen, next, nextlen) < 0;
}

bool snmp_oid_under(const snmp_subid *prefix, size_t plen, const snmp_subid *oid, size_t len)
{
	return len > plen && memcmp(prefix, oid, plen * sizeof(*oid)) == 0;
}

const char *snmp_oid_format(const snmp_subid *oid, size_t len, char *buf, size_t buflen)
{
	size_t used = 0;

	if (buflen == 0)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < len; i++) {
		int n = snprintf(buf + used, buflen - used, i == 0 ? "%lu" : ".%lu", oid[i]);

		if (n < 0 || (size_t)n >= buflen - used) {
			buf[used] = '\0'; /* never half a sub-identifier */
			break;
		}
		used += (size_t)n;
	}
	return buf;
}

const char *snmp_format_mac(const uint8_t *b, size_t len, char *buf, size_t buflen)
{
	bool nonzero = false;

	if (b == NULL || len == 0 || len > 20 || buflen < 3 * len)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		nonzero |= b[i] != 0;
		snprintf(buf + 3 * i, buflen - 3 * i, i + 1 < len ? "%02x:" : "%02x", b[i]);
	}
	return nonzero ? buf : NULL;
}

const char *snmp_format_hex(const uint8_t *b, size_t len, char *buf, size_t buflen)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	if (buflen == 0)
		return buf;
	for (i = 0; i < len && 2 * i + 2 < buflen; i++) {
		buf[2 * i] = hex[b[i] >> 4];
		buf[2 * i + 1] = hex[b[i] & 15];
	}
	buf[2 * i] = '\0';
	return buf;
}

bool snmp_inet_index(const snmp_subid *idx, size_t len, char *buf, size_t buflen)
{
	uint8_t addr[16];
	size_t alen;

	if (len < 2 || buflen < INET6_ADDRSTRLEN)
		return false;
	alen = idx[1];
	switch (idx[0]) {
	case 1: /* ipv4 */
		if (alen != 4)
			return false;
		break;
	case 2: /* ipv6 */
		if (alen != 16)
			return false;
		break;
	case 3: /* ipv4z: address then a 4-octet zone index */
		if (alen != 8)
			return false;
		break;
	case 4: /* ipv6z */
		if (alen != 20)
			return false;
		break;
	default:
		return false;
	}
	if (len != 2 + alen)
		return false;
	for (size_t i = 0; i < alen; i++)
		if (idx[2 + i] > 255)
			return false;
	for (size_t i = 0; i < alen && i < sizeof(addr); i++)
		addr[i] = (uint8_t)idx[2 + i];
	return inet_ntop(idx[0] == 1 || idx[0] == 3 ? AF_INET : AF_INET6, addr, buf,
			 (socklen_t)buflen) != NULL;
}

int snmp_prefix_from_pointer(const snmp_subid *ptr, size_t len)
{
	/* ipAddressPrefixOrigin.ifIndex.type.len.addr...prefixLength */
	if (ptr == NULL || len < 3 || ptr[len - 1] > 128)
		return -1;
	return (int)ptr[len - 1];
}

int snmp_mask_bits(uint32_t mask)
{
	int bits = 0;

	while (bits < 32 && (mask & (0x80000000u >> bits)) != 0)
		bits++;
	/* the rest must be zeros: 255.0.255.0 is not a prefix */
	if (bits < 32 && (mask & (0xffffffffu >> bits)) != 0)
		return -1;
	return bits;
}

static bool all_chars(const char *s, size_t n, const char *extra)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) &&
		    strchr(extra, s[i]) == NULL)
			return false;
	return true;
}

int snmp_split_package(const char *s, char **name_out, char **version_out)
{
	const char *u1, *u2, *d1 = NULL, *d2 = NULL;
	size_t nlen = 0;
	const char *ver = NULL;

	*name_out = NULL;
	*version_out = NULL;
	/* Debian: name_version_arch, exactly two underscores */
	u1 = strchr(s, '_');
	u2 = u1 != NULL ? strchr(u1 + 1, '_') : NULL;
	if (u2 != NULL && strchr(u2 + 1, '_') == NULL && all_chars(s, (size_t)(u1 - s), "+-.") &&
	    isdigit((unsigned char)u1[1]) && all_chars(u2 + 1, strlen(u2 + 1), "-") &&
	    strpbrk(s, " \t") == NULL) {
		nlen = (size_t)(u1 - s);
		ver = u1 + 1;
		if ((*version_out = strndup(ver, (size_t)(u2 - ver))) == NULL)
			return NC_ERR_NOMEM;
	} else if (strpbrk(s, " \t") == NULL) {
		/* rpm: name-version-release */
		for (const char *p = s; *p != '\0'; p++)
			if (*p == '-') {
				d1 = d2;
				d2 = p;
			}
		if (d1 != NULL && d1 > s && isdigit((unsigned char)d1[1]) &&
		    isdigit((unsigned char)d2[1])) {
			nlen = (size_t)(d1 - s);
			if ((*version_out = strdup(d1 + 1)) == NULL)
				return NC_ERR_NOMEM;
		}
	}
	*name_out = *version_out != NULL ? strndup(s, nlen) : strdup(s);
	if (*name_out == NULL) {
		free(*version_out);
		*version_out = NULL;
		return NC_ERR_NOMEM;
	}
	return 0;
}

const char *snmp_device_type(const char *hw_device)
{
	static const struct {
		const char *device, *type;
	} map[] = {
	    {"Printer", "printer"},
	    {"Multifunction Device", "printer"},
	    {"Print Server", "printer"},
	    {"Switch", "network"},
	    {"Router", "network"},
	    {"Broadband Router", "network"},
	    {"Firewall", "network"},
	    {"WAP", "network"},
	    {"Wireless Access Point", "network"},
	    {"Load Balancer", "network"},
	    {"VPN", "network"},
	    {"Network Appliance", "network"},
	    {"Hypervisor", "hypervisor"},
	    {"IP Camera", "iot"},
	    {"UPS", "iot"},
	    {"Power Device", "iot"},
	};

	if (hw_device == NULL)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (strcasecmp(hw_device, map[i].device) == 0)
			return map[i].type;
	return NULL;
}

const char *snmp_storage_kind(snmp_subid type, const char **type_word)
{
	static const struct {
		const char *kind, *word;
	} map[] = {
	    [2] = {"memory", "ram"},	   [3] = {"memory", "virtual"},
	    [4] = {"storage", "fixed"},	   [5] = {"storage", "removable"},
	    [6] = {"storage", "floppy"},   [7] = {"storage", "cd"},
	    [8] = {"storage", "ramdisk"},  [9] = {"storage", "flash"},
	    [10] = {"storage", "network"},
	};

	*type_word = NULL;
	if (type >= ARRAY_SIZE(map) || map[type].kind == NULL)
		return NULL;
	*type_word = map[type].word;
	return map[type].kind;
}

const char *snmp_device_word(snmp_subid type)
{
	static const char *const words[] = {
	    [1] = "other",     [2] = "unknown",		 [3] = "processor",
	    [4] = "network",   [5] = "printer",		 [6] = "disk",
	    [10] = "video",    [11] = "audio",		 [12] = "coprocessor",
	    [13] = "keyboard", [14] = "modem",		 [15] = "parallel",
	    [16] = "pointing", [17] = "serial",		 [18] = "tape",
	    [19] = "clock",    [20] = "volatile-memory", [21] = "nonvolatile-memory",
	};

	if (type >= ARRAY_SIZE(words) || words[type] == NULL)
		return "other";
	return words[type];
}

const char *snmp_entity_class(long cls)
{
	static const char *const words[] = {
	    [1] = "other",
	    [2] = "unknown",
	    [3] = "chassis",
	    [4] = "backplane",
	    [5] = "container",
	    [6] = "power-supply",
	    [7] = "fan",
	    [8] = "sensor",
	    [9] = "module",
	    [10] = "port",
	    [11] = "stack",
	    [12] = "cpu",
	    [13] = "energy-object",
	    [14] = "battery",
	    [15] = "storage-drive",
	};

	if (cls < 0 || (size_t)cls >= ARRAY_SIZE(words) || words[cls] == NULL)
		return "other";
	return words[cls];
}

const char *snmp_printer_status(long st)
{
	switch (st) {
	case 1:
		return "other";
	case 3:
		return "idle";
	case 4:
		return "printing";
	case 5:
		return "warmup";
	default:
		return "unknown";
	}
}
