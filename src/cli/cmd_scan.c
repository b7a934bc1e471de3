/*
 * cmd_scan.c — `netcensus scan`: parse the options, build the target set,
 * run discovery, and record the result as one scan in the inventory.
 *
 * Order matters for safety: every spec is parsed before the database is
 * touched or a packet sent, and the database writer lock is taken before
 * the first packet, so a refused scan sends nothing.
 */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "fingerprint/fingerprint.h"
#include "fingerprint/rules.h"
#include "inventory/db.h"
#include "fingerprint/ssh_session.h"
#include "inventory/facts_store.h"
#include "inventory/hostkeys.h"
#include "inventory/store.h"
#include "scanner/engine.h"
#include "scanner/ports.h"
#include "scanner/targets.h"
#include "util/compat.h"
#include "util/credentials.h"
#include "util/err.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/privs.h"
#include "util/timeutil.h"

#define DEFAULT_RATE 10000
#define DEFAULT_RETRIES 2
#define DEFAULT_WAIT 2.0
#define DEFAULT_SYN_PORTS "22,80,443,3389"
#define DEFAULT_ACK_PORTS "80"
#define DEFAULT_PROBES "arp,icmp-echo,icmp-timestamp,tcp-syn,tcp-ack,udp-snmp"
#define DEFAULT_FP_TIMEOUT 3.0
#define DEFAULT_FP_PARALLEL 256

static volatile sig_atomic_t scan_stop;

static void on_signal(int sig)
{
	(void)sig;
	scan_stop = 1;
}

static void scan_notice(const char *msg)
{
	fprintf(stderr, "netcensus: %s\n", msg);
}

static void scan_usage(FILE *f)
{
	fprintf(f,
		"usage: netcensus scan [OPTIONS] TARGET...\n"
		"\n"
		"Targets: 198.18.1.7, 198.18.0.0/16, 198.18.1.5-40, 198.18.0.0-198.18.3.255,\n"
		"         host names (resolved once)\n"
		"  -iL, --input-list FILE  read targets from FILE ('#' comments)\n"
		"      --exclude SPEC,...  leave these out\n"
		"      --exclude-file FILE leave out the targets listed in FILE\n"
		"\n"
		"Discovery:\n"
		"  -r, --rate PPS          packets per second (default %d)\n"
		"      --retries N         extra passes for silent targets (default %d); routed\n"
		"                          targets are retried when replies show loss\n"
		"      --always-retry      retry silent routed targets even without loss\n"
		"      --wait SECS         longest wait for late replies (default %.0fs)\n"
		"      --probes LIST       %s\n"
		"      --syn-ports LIST    TCP SYN discovery ports (default %s)\n"
		"      --ack-ports LIST    TCP ACK discovery ports (default %s)\n"
		"  -p, --ports LIST        SYN scan these ports on live hosts (22,80,8000-8100)\n"
		"  -i, --interface IFACE   send on IFACE instead of following the routes\n"
		"      --seed N            repeatable target order\n"
		"      --unprivileged      use TCP connect() instead of raw packets\n"
		"\n"
		"Fingerprinting (after discovery):\n"
		"  -c, --credentials FILE  SNMP (and later SSH) credentials, netcensus.conf(5)\n"
		"      --rules DIR         extra recog-format rule files, tried before ours\n"
		"      --fp-timeout SECS   timeout of each connection step and request (default %.0fs)\n"
		"      --fp-parallel N     connections open at once (default %d)\n"
		"      --host-keys POLICY  SSH host keys: accept-new (default), strict or off\n"
		"      --known-hosts FILE  trust this OpenSSH known_hosts file instead of the\n"
		"                          keys recorded by earlier scans; accept-new appends\n"
		"                          the keys it accepts to FILE\n"
		"      --ssh-parallel N    SSH sessions at once (default 64)\n"
		"      --discovery-only    find hosts, do not fingerprint them\n"
		"      --dry-run           build every packet, send nothing, say what would go\n"
		"\n"
		"Inventory:\n"
		"      --db FILE           inventory database (default $NETCENSUS_DB or ./netcensus.db)\n"
		"      --lock-wait SECS    wait for another scan writing the database (default: refuse)\n"
		"  -q, --quiet             no progress line\n"
		"  -v, --verbose           more detail (with --dry-run: every packet)\n"
		"\n"
		"Privileges (root or cap_net_raw,cap_net_admin file capabilities):\n"
		"      --user NAME         as root: open the database as NAME and run as NAME once\n"
		"                          the raw sockets are open (default: the sudo caller from\n"
		"                          SUDO_UID, else stay uid 0); capabilities always go\n",
		DEFAULT_RATE, DEFAULT_RETRIES, DEFAULT_WAIT, DEFAULT_PROBES, DEFAULT_SYN_PORTS,
		DEFAULT_ACK_PORTS, DEFAULT_FP_TIMEOUT, DEFAULT_FP_PARALLEL);
}

enum {
	OPT_EXCLUDE = 256,
	OPT_EXCLUDE_FILE,
	OPT_RETRIES,
	OPT_WAIT,
	OPT_PROBES,
	OPT_SYN_PORTS,
	OPT_ACK_PORTS,
	OPT_SEED,
	OPT_UNPRIV,
	OPT_ALWAYS_RETRY,
	OPT_DISCOVERY_ONLY,
	OPT_DRY_RUN,
	OPT_DB,
	OPT_LOCK_WAIT,
	OPT_HELP,
	OPT_RULES,
	OPT_FP_TIMEOUT,
	OPT_FP_PARALLEL,
	OPT_HOST_KEYS,
	OPT_KNOWN_HOSTS,
	OPT_SSH_PARALLEL,
	OPT_USER,
};

static const struct option scan_options[] = {
	{ "input-list", required_argument, NULL, 'L' },
	{ "exclude", required_argument, NULL, OPT_EXCLUDE },
	{ "exclude-file", required_argument, NULL, OPT_EXCLUDE_FILE },
	{ "rate", required_argument, NULL, 'r' },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	{ "wait", required_argument, NULL, OPT_WAIT },
	{ "probes", required_argument, NULL, OPT_PROBES },
	{ "syn-ports", required_argument, NULL, OPT_SYN_PORTS },
	{ "ack-ports", required_argument, NULL, OPT_ACK_PORTS },
	{ "ports", required_argument, NULL, 'p' },
	{ "interface", required_argument, NULL, 'i' },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "unprivileged", no_argument, NULL, OPT_UNPRIV },
	{ "always-retry", no_argument, NULL, OPT_ALWAYS_RETRY },
	{ "discovery-only", no_argument, NULL, OPT_DISCOVERY_ONLY },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "db", required_argument, NULL, OPT_DB },
	{ "lock-wait", required_argument, NULL, OPT_LOCK_WAIT },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "credentials", required_argument, NULL, 'c' },
	{ "rules", required_argument, NULL, OPT_RULES },
	{ "fp-timeout", required_argument, NULL, OPT_FP_TIMEOUT },
	{ "fp-parallel", required_argument, NULL, OPT_FP_PARALLEL },
	{ "host-keys", required_argument, NULL, OPT_HOST_KEYS },
	{ "known-hosts", required_argument, NULL, OPT_KNOWN_HOSTS },
	{ "ssh-parallel", required_argument, NULL, OPT_SSH_PARALLEL },
	{ "user", required_argument, NULL, OPT_USER },
	{ NULL, 0, NULL, 0 },
};

/* Parse --probes into cfg. */
static int select_probes(const char *list, engine_config *cfg)
{
	const char *p = list;

	cfg->nprobes = 0;
	while (*p != '\0') {
		char name[32];
		size_t len = strcspn(p, ",");
		const probe_module *m;

		if (len == 0 || len >= sizeof(name))
			return nc_fail(NC_ERR_INVALID, "bad probe list '%s'", list);
		memcpy(name, p, len);
		name[len] = '\0';
		if ((m = probe_find(name)) == NULL)
			return nc_fail(NC_ERR_INVALID,
				       "unknown probe '%s' (known: %s)", name, DEFAULT_PROBES);
		if (cfg->nprobes < ENGINE_MAX_PROBES)
			cfg->probes[cfg->nprobes++] = m;
		p += len;
		if (*p == ',')
			p++;
	}
	if (cfg->nprobes == 0)
		return nc_fail(NC_ERR_INVALID, "empty probe list");
	return 0;
}

/* The command line as recorded in the scans table. No option of scan takes a
 * secret (those live only in the credentials file). */
static void join_args(int argc, char **argv, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < argc && used < len; i++) {
		int w = snprintf(buf + used, len - used, "%s%s", i ? " " : "netcensus ", argv[i]);

		if (w < 0)
			break;
		used += (size_t)w;
	}
}

static void print_dry_run(const engine_report *rep, uint64_t targets)
{
	bool first = true;

	printf("dry run: %llu addresses, %llu packets in the first pass (",
	       (unsigned long long)targets, (unsigned long long)rep->packets);
	for (size_t i = 0; i < probe_modules_count; i++) {
		if (rep->per_probe[i] == 0)
			continue;
		printf("%s%s %llu", first ? "" : ", ", probe_modules[i]->name,
		       (unsigned long long)rep->per_probe[i]);
		first = false;
	}
	if (first)
		printf("none");
	printf(")");
	if (rep->local)
		printf(", %llu own addresses", (unsigned long long)rep->local);
	if (rep->unroutable)
		printf(", %llu without a route", (unsigned long long)rep->unroutable);
	printf("; nothing was sent\n");
}

int cmd_scan(int argc, char **argv)
{
	engine_config cfg;
	engine_report report;
	targets_t *targets = NULL;
	results_t *res = NULL;
	inventory_t *inv = NULL;
	const char *db_opt = NULL, *probes = DEFAULT_PROBES;
	const char *syn_spec = DEFAULT_SYN_PORTS, *ack_spec = DEFAULT_ACK_PORTS;
	double lock_wait = 0;
	bool quiet = false, seed_set = false, discovery_only = false;
	const char *creds_path = NULL, *rules_dir = NULL;
	credentials_t *creds = NULL;
	rules_t *rules = NULL;
	fingerprint_result fp = { 0 };
	double fp_timeout = DEFAULT_FP_TIMEOUT;
	uint64_t fp_parallel = DEFAULT_FP_PARALLEL, ssh_parallel = 64;
	int host_keys = SSH_HOSTKEYS_ACCEPT_NEW;
	const char *known_hosts_path = NULL, *user = NULL;
	ssh_known_hosts *known_hosts = NULL;
	inventory_hostkeys inv_keys;
	bool inv_keys_init = false;
	int verbose = 0, c, r, rc = NC_EXIT_ERROR;
	int64_t scan_id = 0;
	char command[2048];
	uint64_t v;
	struct sigaction sa;

	memset(&cfg, 0, sizeof(cfg));
	cfg.rate = DEFAULT_RATE;
	cfg.retries = DEFAULT_RETRIES;
	cfg.wait_cap = DEFAULT_WAIT;
	cfg.stop = &scan_stop;
	cfg.notice = scan_notice;
	join_args(argc, argv, command, sizeof(command));
	if ((targets = targets_new()) == NULL) {
		cli_error("out of memory");
		return NC_EXIT_ERROR;
	}
	/* nmap's -iL is two letters after one dash; getopt would read -i L */
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "-iL") == 0)
			argv[i] = "--input-list";
		else if (strcmp(argv[i], "--") == 0)
			break;

	optind = 1;
	while ((c = getopt_long(argc, argv, "r:p:i:c:qvh", scan_options, NULL)) != -1) {
		r = 0;
		switch (c) {
		case 'L':
			r = targets_add_file(targets, optarg);
			break;
		case OPT_EXCLUDE:
			r = targets_exclude_list(targets, optarg);
			break;
		case OPT_EXCLUDE_FILE:
			r = targets_exclude_file(targets, optarg);
			break;
		case 'r':
			if ((r = parse_u64(optarg, 1, 100000000, &v, "rate")) == 0)
				cfg.rate = (double)v;
			break;
		case OPT_RETRIES:
			if ((r = parse_u64(optarg, 0, 20, &v, "retries")) == 0)
				cfg.retries = (int)v;
			break;
		case OPT_WAIT:
			r = parse_duration(optarg, &cfg.wait_cap, "wait");
			break;
		case OPT_PROBES:
			probes = optarg;
			break;
		case OPT_SYN_PORTS:
			syn_spec = optarg;
			break;
		case OPT_ACK_PORTS:
			ack_spec = optarg;
			break;
		case 'p':
			ports_free(&cfg.scan_ports);
			r = ports_parse(optarg, &cfg.scan_ports);
			break;
		case 'i':
			cfg.iface = optarg;
			break;
		case OPT_SEED:
			if ((r = parse_u64(optarg, 0, UINT64_MAX, &v, "seed")) == 0) {
				cfg.seed = v;
				seed_set = true;
			}
			break;
		case OPT_UNPRIV:
			cfg.force_unprivileged = true;
			break;
		case OPT_ALWAYS_RETRY:
			cfg.always_retry = true;
			break;
		case OPT_DISCOVERY_ONLY:
			discovery_only = true;
			break;
		case 'c':
			creds_path = optarg;
			break;
		case OPT_RULES:
			rules_dir = optarg;
			break;
		case OPT_FP_TIMEOUT:
			r = parse_duration(optarg, &fp_timeout, "fingerprint timeout");
			break;
		case OPT_FP_PARALLEL:
			r = parse_u64(optarg, 1, 10000, &fp_parallel, "fingerprint parallelism");
			break;
		case OPT_HOST_KEYS:
			if (strcmp(optarg, "accept-new") == 0)
				host_keys = SSH_HOSTKEYS_ACCEPT_NEW;
			else if (strcmp(optarg, "strict") == 0 || strcmp(optarg, "yes") == 0)
				host_keys = SSH_HOSTKEYS_STRICT;
			else if (strcmp(optarg, "off") == 0 || strcmp(optarg, "no") == 0)
				host_keys = SSH_HOSTKEYS_OFF;
			else
				r = nc_fail(NC_ERR_INVALID,
					    "bad --host-keys '%s': accept-new, strict or off", optarg);
			break;
		case OPT_KNOWN_HOSTS:
			known_hosts_path = optarg;
			break;
		case OPT_SSH_PARALLEL:
			r = parse_u64(optarg, 1, 4096, &ssh_parallel, "SSH parallelism");
			break;
		case OPT_USER:
			user = optarg;
			break;
		case OPT_DRY_RUN:
			cfg.dry_run = true;
			break;
		case OPT_DB:
			db_opt = optarg;
			break;
		case OPT_LOCK_WAIT:
			r = parse_duration(optarg, &lock_wait, "lock wait");
			break;
		case 'q':
			quiet = true;
			break;
		case 'v':
			verbose++;
			break;
		case OPT_HELP:
		case 'h':
			scan_usage(stdout);
			rc = NC_EXIT_OK;
			goto out;
		default:
			scan_usage(stderr);
			goto out;
		}
		if (r != 0) {
			cli_error("%s", nc_errmsg(r));
			goto out;
		}
	}
	for (int i = optind; i < argc; i++)
		if ((r = targets_add_spec(targets, argv[i])) != 0) {
			cli_error("%s", nc_errmsg(r));
			goto out;
		}
	if ((r = targets_finalize(targets)) != 0) {
		cli_error("%s", nc_errmsg(r));
		goto out;
	}
	if (targets_count(targets) == 0) {
		cli_error(optind < argc ? "no targets left after the excludes"
					: "no targets given (try: netcensus scan --help)");
		goto out;
	}
	/* who we become after the raw sockets are open: decided before anything
	 * is read, so the credentials file's owner can be checked against it */
	if ((r = privs_prepare(user)) != 0) {
		cli_error("%s", nc_errmsg(r));
		goto out;
	}
	if ((r = select_probes(probes, &cfg)) != 0 ||
	    (r = ports_parse(syn_spec, &cfg.syn_ports)) != 0 ||
	    (r = ports_parse(ack_spec, &cfg.ack_ports)) != 0) {
		cli_error("%s", nc_errmsg(r));
		goto out;
	}
	/* the credentials file is checked before anything is sent */
	if (creds_path != NULL && (r = credentials_load(creds_path, &creds)) != 0) {
		cli_error("%s", nc_errmsg(r));
		goto out;
	}
	if (known_hosts_path != NULL && (r = ssh_known_hosts_load(known_hosts_path, &known_hosts)) != 0) {
		cli_error("cannot read known hosts %s: %s", known_hosts_path, nc_errmsg(r));
		goto out;
	}
	/* and the rules, so a bad --rules DIR stops us before the first packet */
	if (!discovery_only && !cfg.dry_run &&
	    (r = fingerprint_load_rules(rules_dir, scan_notice, &rules)) != 0) {
		cli_error("cannot load the rules in %s: %s", rules_dir ? rules_dir : "?",
			  nc_errmsg(r));
		goto out;
	}
	if (!seed_set)
		cfg.seed = (uint64_t)time_mono_ns() ^ ((uint64_t)getpid() << 32);
	cfg.targets = targets;
	cfg.progress = !quiet;
	cfg.dry_list = cfg.dry_run && verbose > 0 ? stdout : NULL;
	if (verbose > 1)
		log_set_level(LOG_LVL_DEBUG);
	else if (verbose > 0 && !cfg.dry_run)
		log_set_level(LOG_LVL_INFO);
	if (!cfg.dry_run) {
		char plan[256];

		privs_plan_describe(plan, sizeof(plan));
		log_info("privileges: %s", plan);
	}

	if ((res = results_new()) == NULL) {
		cli_error("out of memory");
		goto out;
	}

	if (!cfg.dry_run) {
		scan_meta meta = {
			.targets = targets_describe(targets),
			.command = command,
			.target_count = targets_count(targets),
			.lock_wait = lock_wait,
		};

		/* as the user we drop to, so that they own the files it creates
		 * and can still write them after the drop */
		if ((r = privs_as_target()) != 0) {
			cli_error("%s", nc_errmsg(r));
			goto out;
		}
		if ((r = inventory_open(cli_db_path(db_opt), INV_WRITE, &inv)) != 0 ||
		    (r = inventory_begin_scan(inv, &meta, &scan_id)) != 0) {
			cli_error("%s", nc_errmsg(r));
			if (privs_switching() && (r == NC_ERR_IO || r == NC_ERR_DB))
				cli_error("(the database is opened as user %s, whom the scan runs "
					  "as after opening the raw sockets: give %s a --db they "
					  "can write, or use --user root)", privs_target_name(),
					  privs_target_name());
			privs_as_root();
			goto out;
		}
		if ((r = privs_as_root()) != 0) {
			cli_error("%s", nc_errmsg(r));
			goto out;
		}
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	r = engine_run(&cfg, res, &report);
	/* the engine drops privileges after opening its sockets; this covers the
	 * runs that opened none (a dry run), and nothing below runs privileged */
	if (r == 0)
		r = privs_drop_all();
	if (cfg.dry_run) {
		if (r != 0) {
			cli_error("%s", nc_errmsg(r));
			goto out;
		}
		print_dry_run(&report, targets_count(targets));
		rc = NC_EXIT_OK;
		goto out;
	}
	if (r == 0 && !discovery_only && !results_stats(res)->interrupted) {
		fingerprint_config fc = {
			.creds = creds,
			.rules = rules,
			.ieee_dir = IEEE_DATA_DIR,
			.timeout_ms = (int)(fp_timeout * 1000),
			.max_connections = (int)fp_parallel,
			.snmp_workers = 32,
			.stop = &scan_stop,
			.notice = scan_notice,
			.ssh_hostkeys = host_keys,
			.ssh_parallel = (int)ssh_parallel,
		};
		int fpr;

		if (known_hosts != NULL) {
			fc.ssh_hostkey_check = ssh_known_hosts_check;
			fc.ssh_hostkey_ctx = known_hosts;
			fc.ssh_hostkey_accept = ssh_known_hosts_accept;
		} else {
			inventory_hostkeys_init(&inv_keys, inv, scan_id);
			inv_keys_init = true;
			fc.ssh_hostkey_check = inventory_hostkey_check;
			fc.ssh_hostkey_ctx = &inv_keys;
		}

		if (log_get_level() >= LOG_LVL_INFO) {
			char who[256];

			if (privs_status(who, sizeof(who)) == 0)
				log_info("fingerprint stage: running as %s", who);
		}
		if (!quiet && isatty(STDERR_FILENO))
			fprintf(stderr, "fingerprinting %zu hosts...\r", results_count(res));
		if ((fpr = fingerprint_run(&fc, res, &fp)) != 0)
			cli_error("fingerprinting: %s", nc_errmsg(fpr));
		if (scan_stop)
			results_stats(res)->interrupted = true;
		results_stats(res)->finished = time_wall();
	}
	{
		scan_stats *st = results_stats(res);
		const char *status = r != 0 ? "failed" : st->interrupted ? "interrupted" : "complete";
		int wr = inventory_record_results(inv, scan_id, res);
		int fr;
		char werr[512] = "";

		if (wr == 0 && fp.n > 0)
			wr = inventory_record_facts(inv, scan_id, fp.hosts, fp.n);
		/* closing the scan may fail too (a full disk): say the first error */
		if (wr != 0)
			snprintf(werr, sizeof(werr), "%s", nc_errmsg(wr));
		fr = inventory_finish_scan(inv, scan_id, wr != 0 ? "failed" : status, st);
		double secs = st->finished - st->started;

		if (r != 0) {
			cli_error("scan %lld failed: %s", (long long)scan_id, nc_errmsg(r));
			goto out;
		}
		if (wr != 0 || fr != 0) {
			cli_error("scan %lld: could not record the results: %s", (long long)scan_id,
				  wr != 0 ? werr : nc_errmsg(fr));
			if (wr != 0 && fr != 0)
				cli_error("scan %lld could not be closed either (%s); it shows as "
					  "interrupted",
					  (long long)scan_id, nc_errmsg(fr));
			goto out;
		}
		if (st->interrupted) {
			cli_error("scan %lld interrupted: kept %zu hosts", (long long)scan_id,
				  results_count(res));
			goto out;
		}
		if (st->pcap_dropped > 0)
			log_warn("the capture buffer dropped %llu packets; consider a lower --rate",
				 (unsigned long long)st->pcap_dropped);
		printf("scan %lld complete: %zu hosts up of %llu addresses in %.2fs (%llu packets, "
		       "%.0f pps)\n",
		       (long long)scan_id, results_count(res), (unsigned long long)st->targets,
		       secs, (unsigned long long)st->packets_sent,
		       secs > 0 ? (double)st->packets_sent / secs : 0.0);
		rc = NC_EXIT_OK;
	}
out:
	fingerprint_result_free(&fp);
	if (inv_keys_init)
		inventory_hostkeys_destroy(&inv_keys);
	ssh_known_hosts_free(known_hosts);
	rules_free(rules);
	credentials_free(creds);
	inventory_close(inv);
	results_free(res);
	targets_free(targets);
	ports_free(&cfg.scan_ports);
	ports_free(&cfg.syn_ports);
	ports_free(&cfg.ack_ports);
	return rc;
}
