/*
 * verdict.h — one value per field from all the evidence of a host.
 *
 * For each field the candidate facts are ranked by source (fact_source_rank:
 * ssh > snmp > smb > netbios > banner > mac-vendor > discovery), then
 * confidence; the winner is the verdict, with the source that decided it.
 * Some fields are derived: os.family from os.name, device.type from the
 * OS (a server edition), the rules' hw.device, printer MIB, open ports.
 */
#ifndef NC_FINGERPRINT_VERDICT_H
#define NC_FINGERPRINT_VERDICT_H

#include <stdbool.h>
#include <stdint.h>

#include "fingerprint/facts.h"

typedef struct {
	bool set;
	char value[256];
	uint8_t source;     /* fact_source */
	uint8_t confidence;
} verdict_value;

typedef enum {
	VERDICT_HOSTNAME = 0,
	VERDICT_DOMAIN,
	VERDICT_OS_FAMILY,
	VERDICT_OS_NAME,
	VERDICT_OS_VERSION,
	VERDICT_OS_BUILD,
	VERDICT_DEVICE_TYPE,
	VERDICT_VIRTUAL,
	VERDICT_HW_VENDOR,
	VERDICT_HW_MODEL,
	VERDICT__COUNT
} verdict_field;

/* "hostname", "domain", "os.family", "os.name", "os.version", "os.build",
 * "device.type", "virtual", "hw.vendor", "hw.model" */
const char *verdict_field_name(verdict_field f);

typedef struct {
	verdict_value v[VERDICT__COUNT];
} host_verdict;

/* Compute the verdict of one host whose fingerprinting is done. */
void verdict_compute(const host_facts *h, host_verdict *out);

#endif
