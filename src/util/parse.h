/*
 * parse.h — checked number and address parsing (instead of atoi/strtok).
 */
#ifndef NC_UTIL_PARSE_H
#define NC_UTIL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whole string must be a decimal number in [min, max]. 0 or NC_ERR_INVALID
 * (with a detail naming what). */
int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out, const char *what);

/* Decimal number of seconds with optional fraction and unit suffix
 * ("1.5", "250ms", "2s", "1m"). */
int parse_duration(const char *s, double *seconds_out, const char *what);

/* Strict dotted quad "a.b.c.d" (each 0-255, no leading garbage, exactly
 * four parts). Result in host byte order. Returns true on success. */
bool parse_ipv4(const char *s, uint32_t *ip_out);

/* Format a host-order IPv4 address into buf (at least 16 bytes). */
const char *format_ipv4(uint32_t ip, char *buf, size_t len);

/* Format a MAC as "aa:bb:cc:dd:ee:ff" into buf (at least 18 bytes). */
const char *format_mac(const uint8_t mac[6], char *buf, size_t len);

/* Trim ASCII whitespace in place; returns s. */
char *str_trim(char *s);

#endif
