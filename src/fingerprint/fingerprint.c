/*
 * fingerprint.c — run every fingerprinter over the live hosts (see
 * fingerprint.h).
 *
 * Banners, SNMP and NetBIOS run in three threads at the same time: they
 * talk to different ports and each is already concurrent inside (an event
 * loop, a worker pool, one UDP socket), so the stage takes as long as the
 * slowest of them, not their sum. They all add to the same host_facts,
 * whose add functions lock.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprint/banner.h"
#include "fingerprint/fingerprint.h"
#include "fingerprint/macvendor.h"
#include "fingerprint/netbios.h"
#include "fingerprint/rules.h"
#include "fingerprint/snmp.h"
#include "fingerprint/ssh_parse.h"
#include "fingerprint/ssh_script.h"
#include "fingerprint/ssh_session.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/log.h"
#include "util/parse.h"

/*
 * What the initial TTL and the SYN-ACK window suggest, weakest evidence of
 * all (a firewall or a tuned stack changes both). Window 0: no SYN-ACK seen.
 * From the well-known defaults of each stack.
 */
typedef struct {
	int ttl;
	uint16_t window; /* 0: any */
	const char *family;
	const char *device;
	int confidence;
} ttl_window_guess;

static const ttl_window_guess ttl_window_guesses[] = {
	{ 64, 5840, "Linux", NULL, 25 },   { 64, 5792, "Linux", NULL, 25 },
	{ 64, 14600, "Linux", NULL, 25 },  { 64, 29200, "Linux", NULL, 25 },
	{ 64, 64240, "Linux", NULL, 25 },  { 64, 65160, "Linux", NULL, 25 },
	{ 64, 65535, "BSD", NULL, 15 },    { 64, 0, "Linux", NULL, 15 },
	{ 128, 8192, "Windows", NULL, 30 }, { 128, 64240, "Windows", NULL, 30 },
	{ 128, 65535, "Windows", NULL, 30 }, { 128, 0, "Windows", NULL, 25 },
	{ 255, 4128, "Cisco IOS", "network", 30 }, { 255, 0, NULL, "network", 15 },
};

static const ttl_window_guess *guess_from_ttl_window(int initial_ttl, uint16_t window)
{
	const ttl_window_guess *any = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(ttl_window_guesses); i++) {
		const ttl_window_guess *g = &ttl_window_guesses[i];

		if (g->ttl != initial_ttl)
			continue;
		if (g->window == window && window != 0)
			return g;
		if (g->window == 0)
			any = g;
	}
	return any;
}

void fingerprint_discovery_facts(host_facts *hf, const host_result *h, const macvendor_db *db)
{
	macvendor_result mv;
	char mac[18];

	if (h->ttl > 0) {
		/* the initial TTL is the next common value at or above the one seen */
		int initial = h->ttl <= 64 ? 64 : h->ttl <= 128 ? 128 : 255;
		const ttl_window_guess *g = guess_from_ttl_window(initial, h->tcp_window);

		host_facts_addf(hf, FACT_SRC_DISCOVERY, 100, "discovery.ttl", "%u", h->ttl);
		host_facts_addf(hf, FACT_SRC_DISCOVERY, 100, "discovery.initial_ttl", "%d", initial);
		if (h->tcp_window != 0)
			host_facts_addf(hf, FACT_SRC_DISCOVERY, 100, "discovery.tcp_window", "%u",
					h->tcp_window);
		if (g != NULL && g->family != NULL)
			host_facts_add(hf, FACT_SRC_DISCOVERY, g->confidence, "os.family", g->family);
		if (g != NULL && g->device != NULL)
			host_facts_add(hf, FACT_SRC_DISCOVERY, g->confidence, "device.type",
				       g->device);
	}
	if (h->mac_source == MAC_SRC_NONE)
		return;
	format_mac(h->mac, mac, sizeof(mac));
	host_facts_add(hf, FACT_SRC_DISCOVERY, 100, "discovery.mac", mac);
	if (db == NULL || !macvendor_lookup(db, h->mac, &mv)) {
		if (db != NULL && mv.local_admin)
			host_facts_add(hf, FACT_SRC_MAC_VENDOR, 90, "mac.local_admin", "yes");
		return;
	}
	host_facts_add(hf, FACT_SRC_MAC_VENDOR, 90, "mac.vendor", mv.vendor);
	if (mv.is_virtual)
		host_facts_add(hf, FACT_SRC_MAC_VENDOR, 60, "hw.virtual", "yes");
}

typedef struct {
	const fingerprint_config *cfg;
	const rules_t *rules;
	host_facts **hosts;
	size_t n;
	banner_target *targets;
	int rc;
} stage;

static void *run_banners(void *arg)
{
	stage *s = arg;
	banner_config bc = {
		.rules = s->rules,
		.connect_timeout_ms = s->cfg->timeout_ms,
		.io_timeout_ms = s->cfg->timeout_ms,
		.max_connections = s->cfg->max_connections,
		.stop = s->cfg->stop,
	};

	s->rc = banner_scan(&bc, s->targets, s->n);
	return NULL;
}

static void *run_snmp(void *arg)
{
	stage *s = arg;
	snmp_config sc = {
		.creds = s->cfg->creds,
		.rules = s->rules,
		/* an agent answers in milliseconds; a host that drops UDP would
		 * otherwise cost (timeout x tries) for every credential in turn */
		.timeout_ms = NC_MIN(s->cfg->timeout_ms, 1000),
		.retries = 1,
		.workers = s->cfg->snmp_workers,
		.max_rows = 100000,
		.stop = s->cfg->stop,
	};

	s->rc = snmp_collect(&sc, s->hosts, s->n);
	return NULL;
}

/* What one host's SSH session brought back: parse it into its facts. */
static void on_ssh_output(void *ctx, host_facts *h, ssh_collect_result *res)
{
	const fingerprint_config *cfg = ctx;
	ssh_parse_stats ps;
	char msg[512], addr[16];

	if (res->hostkey_changed && cfg->notice != NULL) {
		snprintf(msg, sizeof(msg),
			 "WARNING: the SSH host key of %s has changed (now %s %s); no credential "
			 "was offered to it (see `netcensus show %s`)",
			 format_ipv4(h->ip, addr, sizeof(addr)), res->hostkey_type, res->hostkey_fp,
			 addr);
		cfg->notice(msg);
	}
	if (res->status != SSH_ST_OK || res->out == NULL)
		return;
	memset(&ps, 0, sizeof(ps));
	if (ssh_parse_inventory(res->out, res->outlen, h, &ps) != 0)
		host_facts_addf(h, FACT_SRC_SSH, 100, "ssh.shell_error", "%s",
				nc_errmsg(NC_ERR_INVALID));
}

static void *run_ssh(void *arg)
{
	stage *s = arg;
	ssh_collect_config sc;
	char *ps_command = NULL;
	const char *script = ssh_script_sh();

	memset(&sc, 0, sizeof(sc));
	sc.hostkeys = (ssh_hostkey_policy)s->cfg->ssh_hostkeys;
	sc.hostkey_check = s->cfg->ssh_hostkey_check;
	sc.hostkey_ctx = s->cfg->ssh_hostkey_ctx;
	sc.hostkey_accept = s->cfg->ssh_hostkey_accept;
	sc.command = "sh -s";
	sc.sudo_command = "NETCENSUS_SUDO=1 sh -s";
	sc.script = script;
	sc.script_len = strlen(script);
	if (ssh_script_powershell_command(&ps_command) == 0)
		sc.windows_command = ps_command;
	sc.parallel = s->cfg->ssh_parallel;
	ssh_collect_config_defaults(&sc);
	s->rc = ssh_collect_all(&sc, s->cfg->creds, s->hosts, s->n, on_ssh_output,
				(void *)s->cfg);
	free(ps_command);
	return NULL;
}

static void *run_netbios(void *arg)
{
	stage *s = arg;

	s->rc = netbios_query(s->hosts, s->n, NC_MIN(s->cfg->timeout_ms, 1500));
	return NULL;
}

int fingerprint_load_rules(const char *user_dir, void (*notice)(const char *msg), rules_t **out)
{
	rules_t *r = rules_new();
	char msg[512];
	int rc;

	*out = NULL;
	if (r == NULL)
		return NC_ERR_NOMEM;
	if (user_dir != NULL && (rc = rules_load_dir(r, user_dir)) != 0) {
		rules_free(r);
		return rc;
	}
	if (user_dir != NULL && rules_skipped(r) > 0 && notice != NULL) {
		snprintf(msg, sizeof(msg), "%zu rules in %s skipped (patterns PCRE2 cannot compile)",
			 rules_skipped(r), user_dir);
		notice(msg);
	}
	if (rules_load_dir(r, rules_default_dir()) != 0 && notice != NULL) {
		snprintf(msg, sizeof(msg), "fingerprint rules not loaded (%s); products and "
			 "OS names from banners will be missing", nc_errmsg(NC_ERR_IO));
		notice(msg);
	}
	*out = r;
	return 0;
}

int fingerprint_run(const fingerprint_config *cfg, results_t *disc, fingerprint_result *out)
{
	size_t n = 0;
	host_result *const *hosts = results_sorted(disc, &n);
	macvendor_db *mvdb = NULL;
	const rules_t *rules = cfg->rules;
	stage banners = { 0 }, snmp = { 0 }, nb = { 0 }, ssh = { 0 };
	pthread_t tb, ts, tn, th;
	bool b_started = false, s_started = false, n_started = false, h_started = false;
	uint16_t *ports = NULL;
	int r = NC_ERR_INTERNAL;

	out->hosts = NULL;
	out->n = 0;
	if (n == 0)
		return 0;
	if (macvendor_load(cfg->ieee_dir, &mvdb) != 0 && cfg->notice != NULL)
		cfg->notice("MAC vendors unavailable: no IEEE OUI files (apt-get install ieee-data)");

	out->hosts = calloc(n, sizeof(*out->hosts));
	banners.targets = calloc(n, sizeof(*banners.targets));
	if (out->hosts == NULL || banners.targets == NULL) {
		r = NC_ERR_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		host_facts *hf = malloc(sizeof(*hf));

		if (hf == NULL) {
			r = NC_ERR_NOMEM;
			goto out;
		}
		host_facts_init(hf, hosts[i]->ip);
		out->hosts[out->n++] = hf;
		fingerprint_discovery_facts(hf, hosts[i], mvdb);
	}

	/*
	 * Ports to talk to: the open ones when the host was port-scanned (-p),
	 * else the usual service ports (a refused connection costs little).
	 */
	{
		size_t total = 0, used = 0;

		for (size_t i = 0; i < n; i++)
			total += hosts[i]->nports ? hosts[i]->nports : banner_default_ports_count;
		if ((ports = calloc(total ? total : 1, sizeof(*ports))) == NULL) {
			r = NC_ERR_NOMEM;
			goto out;
		}
		for (size_t i = 0; i < n; i++) {
			banner_target *t = &banners.targets[i];

			t->host = out->hosts[i];
			t->ports = ports + used;
			if (hosts[i]->nports == 0) {
				/* less the ports discovery's SYNs already found closed */
				for (size_t p = 0; p < banner_default_ports_count; p++) {
					bool closed = false;

					for (uint8_t c = 0; c < hosts[i]->nclosed_seen; c++)
						closed |= hosts[i]->closed_seen[c] ==
							  banner_default_ports[p];
					if (!closed)
						ports[used + t->nports++] = banner_default_ports[p];
				}
			} else {
				for (size_t p = 0; p < hosts[i]->nports; p++)
					if (hosts[i]->ports[p].state == PORT_OPEN &&
					    hosts[i]->ports[p].proto == 6)
						ports[used + t->nports++] = hosts[i]->ports[p].port;
			}
			used += t->nports;
		}
	}

	/*
	 * SNMP only where an agent may listen: discovery's SNMPv3 probe drew
	 * either an answer (an agent) or, from hosts without one, ICMP port
	 * unreachable. Asking those would only wait for timeouts credential
	 * after credential.
	 */
	if ((snmp.hosts = calloc(n, sizeof(*snmp.hosts))) == NULL) {
		r = NC_ERR_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		uint32_t m = hosts[i]->reasons;

		if ((m & (1u << REASON_PORT_UNREACH)) && !(m & (1u << REASON_UDP_RESPONSE)))
			continue;
		if (m & (1u << REASON_LOCALHOST))
			continue;
		snmp.hosts[snmp.n++] = out->hosts[i];
	}

	banners.cfg = snmp.cfg = nb.cfg = cfg;
	banners.rules = snmp.rules = nb.rules = rules;
	banners.hosts = nb.hosts = out->hosts;
	banners.n = nb.n = out->n;
	b_started = pthread_create(&tb, NULL, run_banners, &banners) == 0;
	if (cfg->creds != NULL && cfg->creds->nsnmp > 0 && snmp.n > 0)
		s_started = pthread_create(&ts, NULL, run_snmp, &snmp) == 0;
	n_started = pthread_create(&tn, NULL, run_netbios, &nb) == 0;
	if (cfg->creds != NULL && cfg->creds->nssh > 0) {
		ssh.cfg = cfg;
		ssh.hosts = out->hosts;
		ssh.n = out->n;
		h_started = pthread_create(&th, NULL, run_ssh, &ssh) == 0;
	}
	if (!b_started)
		run_banners(&banners);
	if (!n_started)
		run_netbios(&nb);
	r = 0;
out:
	if (b_started)
		pthread_join(tb, NULL);
	if (s_started)
		pthread_join(ts, NULL);
	if (n_started)
		pthread_join(tn, NULL);
	if (h_started)
		pthread_join(th, NULL);
	if (r == 0 && banners.rc != 0) {
		log_warn("banners: %s", nc_errmsg(banners.rc));
	}
	free(ports);
	free(banners.targets);
	free(snmp.hosts);
	macvendor_free(mvdb);
	return r;
}

void fingerprint_result_free(fingerprint_result *r)
{
	for (size_t i = 0; i < r->n; i++) {
		host_facts_clear(r->hosts[i]);
		free(r->hosts[i]);
	}
	free(r->hosts);
	r->hosts = NULL;
	r->n = 0;
}
