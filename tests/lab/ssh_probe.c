#include "config.h"

/*
 * ssh_probe.c — the lab test's driver for the SSH session layer: load a
 * credentials file, collect from the hosts named on the command line with
 * ssh_collect_all() and print what was learnt, so tests/lab/ssh.test can
 * compare it with what it configured in its sshd daemons.
 *
 *   ssh-probe [-P accept-new|strict|off] [-k KNOWN_HOSTS] [-c COMMAND]
 *             [-s SCRIPT] [-H HEADER] [-m MAX_OUTPUT] [-t CONNECT_MS]
 *             [-a AUTH_MS] [-x COMMAND_MS] [-T HOST_MS] [-j PARALLEL]
 *             [-W WINDOWS_COMMAND] [-w WINDOWS_SCRIPT] [-o OUTDIR] CREDS IP...
 *   ssh-probe -S ADDR:PORT   a hostile server: send an SSH banner, then nothing
 *
 * Output, per host in command-line order:
 *   fact IP KEY=VALUE      every fact, in the order added
 *   result IP status=S out=N err=N lines=N truncated=0|1 windows=0|1
 *          exit=N hostkey_new=0|1
 * with -o the stdout of each host in OUTDIR/IP.out; on stderr
 * "elapsed_ms=N", "maxrss_kb=N" and "cpu_ms=N" (this process). Exit 0, or 2 on a usage or load error.
 */

#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fingerprint/facts.h"
#include "fingerprint/ssh_session.h"
#include "util/compat.h"
#include "util/credentials.h"
#include "util/err.h"
#include "util/parse.h"

typedef struct {
	char status[32];
	size_t out, err, lines;
	bool truncated, windows, hostkey_new;
	int exit_status;
	bool seen;
} host_result;

typedef struct {
	host_facts *hosts;
	host_result *results;
	const char *outdir;
	size_t n;
} probe_ctx;

static void usage(void)
{
	fprintf(stderr, "usage: ssh-probe [-P POLICY] [-k KNOWN_HOSTS] [-c CMD] [-s SCRIPT] "
			"[-H HEADER] [-m MAX] [-t MS] [-a MS] [-x MS] [-T MS] [-j N] [-W CMD] [-w FILE] [-o DIR] "
			"CREDS IP...\n       ssh-probe -S ADDR:PORT\n");
	exit(2);
}

static long num_arg(const char *s, uint64_t max, const char *what)
{
	uint64_t v;

	if (parse_u64(s, 0, max, &v, what) != 0) {
		fprintf(stderr, "ssh-probe: %s\n", nc_errmsg(NC_ERR_INVALID));
		exit(2);
	}
	return (long)v;
}

/* Called from the pool's threads: each host has its own slot. */
static void on_output(void *vctx, host_facts *h, ssh_collect_result *res)
{
	probe_ctx *ctx = vctx;
	host_result *hr = NULL;

	for (size_t i = 0; i < ctx->n; i++)
		if (&ctx->hosts[i] == h)
			hr = &ctx->results[i];
	if (hr == NULL)
		return;
	hr->seen = true;
	snprintf(hr->status, sizeof(hr->status), "%s", ssh_status_str(res->status));
	hr->out = res->outlen;
	hr->err = res->errlen;
	for (size_t i = 0; i < res->outlen; i++)
		hr->lines += res->out[i] == '\n';
	hr->truncated = res->truncated;
	hr->windows = res->remote_windows;
	hr->hostkey_new = res->hostkey_new;
	hr->exit_status = res->exit_status;
	if (ctx->outdir != NULL && res->out != NULL) {
		char path[512];
		FILE *f;

		snprintf(path, sizeof(path), "%s/%u.%u.%u.%u.out", ctx->outdir, h->ip >> 24,
			 (h->ip >> 16) & 255, (h->ip >> 8) & 255, h->ip & 255);
		if ((f = fopen(path, "w")) != NULL) {
			fwrite(res->out, 1, res->outlen, f);
			fclose(f);
		}
	}
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, n;

	*len = 0;
	if (f == NULL)
		return NULL;
	for (;;) {
		if (*len + 4096 > cap) {
			char *nb = realloc(buf, cap + 65536);

			if (nb == NULL)
				break;
			buf = nb;
			cap += 65536;
		}
		if ((n = fread(buf + *len, 1, cap - *len, f)) == 0)
			break;
		*len += n;
	}
	fclose(f);
	return buf;
}

/* -S ADDR:PORT: accept connections, send a banner, then hold them in silence. */
static int stall_server(const char *spec)
{
	static const char banner[] = "SSH-2.0-OpenSSH_9.2\r\n";
	struct sockaddr_in sin = {.sin_family = AF_INET};
	const char *colon = strrchr(spec, ':');
	char addr[32];
	uint32_t ip;
	int one = 1, fd, held = 0;

	if (colon == NULL || (size_t)(colon - spec) >= sizeof(addr))
		usage();
	snprintf(addr, sizeof(addr), "%.*s", (int)(colon - spec), spec);
	if (!parse_ipv4(addr, &ip))
		usage();
	signal(SIGPIPE, SIG_IGN);
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return 2;
	sin.sin_port = htons((unsigned short)num_arg(colon + 1, 65535, "port"));
	sin.sin_addr.s_addr = htonl(ip);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 || listen(fd, 256) != 0) {
		perror("ssh-probe: listen");
		return 2;
	}
	for (;;) {
		int c = accept(fd, NULL, NULL);

		if (c < 0)
			continue;
		if (write(c, banner, sizeof(banner) - 1) < 0 || ++held > 900)
			close(c); /* else keep it open and say nothing more */
	}
	return 0;
}

int main(int argc, char **argv)
{
	ssh_collect_config cfg = {.connect_timeout_ms = 3000, .auth_timeout_ms = 10000,
				  .command_timeout_ms = 20000, .host_timeout_ms = 40000,
				  .parallel = 64};
	credentials_t *creds = NULL;
	ssh_known_hosts *kh = NULL;
	probe_ctx ctx = {0};
	host_facts **ptrs;
	const char *script_file = NULL, *wscript_file = NULL;
	char *script = NULL, *wscript = NULL;
	struct timespec t0, t1;
	struct rusage ru;
	int opt, r;

	while ((opt = getopt(argc, argv, "P:k:c:s:H:m:t:a:x:T:j:o:S:W:w:")) != -1) {
		switch (opt) {
		case 'P':
			if (strcmp(optarg, "accept-new") == 0)
				cfg.hostkeys = SSH_HOSTKEYS_ACCEPT_NEW;
			else if (strcmp(optarg, "strict") == 0)
				cfg.hostkeys = SSH_HOSTKEYS_STRICT;
			else if (strcmp(optarg, "off") == 0)
				cfg.hostkeys = SSH_HOSTKEYS_OFF;
			else
				usage();
			break;
		case 'k':
			if ((r = ssh_known_hosts_load(optarg, &kh)) != 0) {
				fprintf(stderr, "ssh-probe: %s\n", nc_errmsg(r));
				return 2;
			}
			cfg.hostkey_check = ssh_known_hosts_check;
			cfg.hostkey_ctx = kh;
			break;
		case 'c':
			cfg.command = optarg;
			break;
		case 's':
			script_file = optarg;
			break;
		case 'H':
			cfg.expect_header = optarg;
			break;
		case 'm':
			cfg.max_output = (size_t)num_arg(optarg, 1u << 30, "max output");
			break;
		case 't':
			cfg.connect_timeout_ms = (int)num_arg(optarg, 600000, "connect timeout");
			break;
		case 'a':
			cfg.auth_timeout_ms = (int)num_arg(optarg, 600000, "auth timeout");
			break;
		case 'x':
			cfg.command_timeout_ms = (int)num_arg(optarg, 3600000, "command timeout");
			break;
		case 'T':
			cfg.host_timeout_ms = (int)num_arg(optarg, 3600000, "host timeout");
			break;
		case 'j':
			cfg.parallel = (int)num_arg(optarg, 4096, "parallel");
			break;
		case 'W':
			cfg.windows_command = optarg;
			break;
		case 'w':
			wscript_file = optarg;
			break;
		case 'o':
			ctx.outdir = optarg;
			break;
		case 'S':
			return stall_server(optarg);
		default:
			usage();
		}
	}
	if (argc - optind < 2)
		usage();
	if (script_file != NULL) {
		if ((script = read_file(script_file, &cfg.script_len)) == NULL) {
			fprintf(stderr, "ssh-probe: cannot read %s\n", script_file);
			return 2;
		}
		cfg.script = script;
	}
	if (wscript_file != NULL) {
		if ((wscript = read_file(wscript_file, &cfg.windows_script_len)) == NULL) {
			fprintf(stderr, "ssh-probe: cannot read %s\n", wscript_file);
			return 2;
		}
		cfg.windows_script = wscript;
	}
	if ((r = credentials_load(argv[optind], &creds)) != 0) {
		fprintf(stderr, "ssh-probe: %s\n", nc_errmsg(r));
		return 2;
	}
	ctx.n = (size_t)(argc - optind - 1);
	ctx.hosts = calloc(ctx.n, sizeof(*ctx.hosts));
	ctx.results = calloc(ctx.n, sizeof(*ctx.results));
	ptrs = calloc(ctx.n, sizeof(*ptrs));
	if (ctx.hosts == NULL || ctx.results == NULL || ptrs == NULL)
		return 2;
	for (size_t i = 0; i < ctx.n; i++) {
		uint32_t ip;

		if (!parse_ipv4(argv[optind + 1 + (int)i], &ip)) {
			fprintf(stderr, "ssh-probe: bad address '%s'\n", argv[optind + 1 + (int)i]);
			return 2;
		}
		host_facts_init(&ctx.hosts[i], ip);
		ptrs[i] = &ctx.hosts[i];
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((r = ssh_collect_all(&cfg, creds, ptrs, ctx.n, on_output, &ctx)) != 0) {
		fprintf(stderr, "ssh-probe: %s\n", nc_errmsg(r));
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	for (size_t i = 0; i < ctx.n; i++) {
		const char *ip = argv[optind + 1 + (int)i];
		const host_facts *h = &ctx.hosts[i];
		const host_result *hr = &ctx.results[i];

		for (size_t k = 0; k < h->nfacts; k++)
			printf("fact %s %s=%s\n", ip, h->facts[k].key, h->facts[k].value);
		printf("result %s status=%s out=%zu err=%zu lines=%zu truncated=%d windows=%d "
		       "exit=%d hostkey_new=%d\n", ip, hr->seen ? hr->status : "skipped", hr->out,
		       hr->err, hr->lines, hr->truncated, hr->windows, hr->exit_status,
		       hr->hostkey_new);
		host_facts_clear(&ctx.hosts[i]);
	}
	getrusage(RUSAGE_SELF, &ru);
	fprintf(stderr, "elapsed_ms=%lld\nmaxrss_kb=%ld\ncpu_ms=%lld\n",
		(long long)(t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000,
		ru.ru_maxrss,
		(long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 +
			(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000);
	free(ctx.hosts);
	free(ctx.results);
	free(ptrs);
	free(script);
	free(wscript);
	ssh_known_hosts_free(kh);
	credentials_free(creds);
	return 0;
}
