/*
 * engine.h — the discovery engine: a paced sender thread and a libpcap
 * receiver thread, stateless reply validation, retries for the silent.
 *
 * Phases, each made of passes (1 + retries) over a keyed permutation:
 *   sweep    every target: ARP when on-link, else the IP probes via the
 *            gateway's MAC; later passes skip targets that answered
 *   confirm  IP probes to on-link hosts found by ARP, with their MAC, for
 *            the reasons and TTL
 *   ports    with -p: a SYN scan of every live host, port by port
 * After each phase the engine waits until replies stop arriving (a quiet
 * period derived from the round trips seen), never longer than wait_cap.
 *
 * Without CAP_NET_RAW (or with force_unprivileged) it runs connect_scan
 * instead and reports that through notice().
 */
#ifndef NC_SCANNER_ENGINE_H
#define NC_SCANNER_ENGINE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "probes/probe.h"
#include "scanner/ports.h"
#include "scanner/results.h"
#include "scanner/targets.h"

#define ENGINE_MAX_PROBES 8

typedef struct {
	targets_t *targets;          /* finalized */
	uint64_t seed;               /* permutation seed */
	double rate;                 /* packets per second */
	int retries;                 /* extra passes for the silent */
	double wait_cap;             /* seconds, upper bound of each final wait */
	const char *iface;           /* -i, or NULL to follow the routes */
	const probe_module *probes[ENGINE_MAX_PROBES]; /* selected discovery probes */
	size_t nprobes;
	port_list syn_ports;         /* ports for the tcp-syn discovery probe */
	port_list ack_ports;         /* ports for the tcp-ack probe */
	port_list scan_ports;        /* -p; n == 0: no port scan */
	bool dry_run;
	FILE *dry_list;              /* dry run: one line per packet, or NULL */
	bool force_unprivileged;
	bool always_retry;           /* retry routed targets even without loss */
	bool progress;               /* progress line on stderr */
	volatile sig_atomic_t *stop; /* set by the signal handler */
	void (*notice)(const char *msg); /* one-line notices for the user */
} engine_config;

/* What a dry run would have sent, by probe. */
typedef struct {
	uint64_t per_probe[ENGINE_MAX_PROBES + 1]; /* index in probe_modules[] */
	uint64_t packets;
	uint64_t local;       /* our own addresses: no packet needed */
	uint64_t unroutable;  /* no route, or gateway MAC unknown */
} engine_report;

/*
 * Run discovery (and the -p port scan) over cfg->targets into res. Statistics
 * go to results_stats(res). A stop request ends the scan early with
 * stats->interrupted set and returns 0: what was found is kept.
 * Errors: NC_ERR_SYS / NC_ERR_NOT_FOUND (interface) with a detail.
 */
int engine_run(const engine_config *cfg, results_t *res, engine_report *report);

#endif
