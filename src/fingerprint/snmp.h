/*
 * snmp.h — SNMP collection with net-snmp.
 *
 * net-snmp's single-session API is blocking, so a bounded pool of worker
 * threads (snmp_sess_* sessions are per thread) takes hosts from a queue.
 * For each host every applicable credential is tried in file order until one
 * answers (a failing v3 user never stops the others); then the system group,
 * interfaces, HOST-RESOURCES-MIB (hrSystem, hrMemorySize, hrStorageTable,
 * hrProcessorTable, hrDeviceTable, hrSWInstalledTable, hrSWRunTable),
 * ENTITY-MIB physical table and printer MIB basics are read, with GETBULK
 * where the agent speaks v2c/v3. Walks stop at the end of the subtree, on an
 * OID that does not increase, or after a cap of rows: a lying agent cannot
 * loop us.
 */
#ifndef NC_FINGERPRINT_SNMP_H
#define NC_FINGERPRINT_SNMP_H

#include <signal.h>
#include <stddef.h>

#include "fingerprint/facts.h"
#include "fingerprint/rules.h"
#include "util/credentials.h"

typedef struct {
	const credentials_t *creds; /* the [snmp] sections are used */
	const rules_t *rules;       /* sysDescr/sysObjectID matching; may be NULL */
	int timeout_ms;             /* per request */
	int retries;                /* per request */
	int workers;                /* threads */
	size_t max_rows;            /* per table walk */
	volatile sig_atomic_t *stop;
} snmp_config;

/*
 * Collect from every host. Facts: snmp.credential (the section name that
 * worked, never the secret), snmp.version, snmp.sysDescr, snmp.sysObjectID,
 * snmp.sysName, snmp.sysLocation, snmp.sysContact, snmp.sysUpTime,
 * snmp.engineID, host.name, hw.memory_bytes, hw.cpu.count, plus rule
 * params (os.*, hw.*, device.type); software (hrSWInstalled, with install
 * dates) and hardware (storage, processors with load, devices, NICs with
 * MAC/addresses, entities with vendor/model/serial/firmware, printer).
 * Returns 0; per-host failures become facts (snmp.error).
 */
int snmp_collect(const snmp_config *cfg, host_facts *const *hosts, size_t n);

#endif
