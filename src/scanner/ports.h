/*
 * ports.h — TCP port lists such as "22,80,443,8000-8100".
 *
 * Parsed into a sorted array without duplicates; ports 1-65535 only.
 */
#ifndef NC_SCANNER_PORTS_H
#define NC_SCANNER_PORTS_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
	uint16_t *ports;
	size_t n;
} port_list;

/* Parse spec into *out (which is reset first). NC_ERR_INVALID with a detail
 * naming the bad element ("bad port list '80-70': range runs backwards"). */
int ports_parse(const char *spec, port_list *out);
void ports_free(port_list *pl);
/* "22,80,443,8000-8100" (ranges re-compressed) into buf. */
const char *ports_format(const port_list *pl, char *buf, size_t len);

#endif
