#include "config.h"

/*
 * ssh_session_pool.c — many hosts at once: a bounded pool of threads, each
 * taking the next host and running ssh_collect_host() on it.
 *
 * A thread per session (not one event loop) because libssh2 sessions are
 * independent and every one of them is already bounded in time by its own
 * deadlines (ssh_session.c): a slow host holds one worker for at most
 * cfg->host_timeout_ms, never the pool. Threads get a small stack; the
 * buffers live on the heap and are capped by cfg->max_output.
 */

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprint/ssh_session.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/log.h"

#define POOL_STACK (512u * 1024)

typedef struct {
	const ssh_collect_config *cfg;
	const credentials_t *creds;
	host_facts *const *hosts;
	size_t n;
	ssh_output_fn on_output;
	void *ctx;
	pthread_mutex_t lock;
	size_t next;
} pool;

static void collect_one(pool *p, host_facts *h, const cred_ssh **list)
{
	ssh_collect_result res;
	size_t nc = 0;

	for (size_t i = 0; i < p->creds->nssh; i++)
		if (credentials_applies(p->creds->ssh[i].targets, h->ip))
			list[nc++] = &p->creds->ssh[i];
	if (nc == 0)
		return;
	ssh_collect_host(p->cfg, list, nc, h, &res);
	if (p->on_output != NULL)
		p->on_output(p->ctx, h, &res);
	ssh_collect_result_free(&res);
}

static void *worker(void *arg)
{
	pool *p = arg;
	const cred_ssh **list;

	if ((list = calloc(p->creds->nssh + 1, sizeof(*list))) == NULL)
		return NULL;
	for (;;) {
		size_t i;

		pthread_mutex_lock(&p->lock);
		i = p->next < p->n ? p->next++ : p->n;
		pthread_mutex_unlock(&p->lock);
		if (i >= p->n)
			break;
		collect_one(p, p->hosts[i], list);
	}
	free(list);
	return NULL;
}

int ssh_collect_all(const ssh_collect_config *cfg_in, const credentials_t *creds,
		    host_facts *const *hosts, size_t n, ssh_output_fn on_output, void *ctx)
{
	ssh_collect_config cfg = *cfg_in;
	pthread_attr_t attr;
	pthread_t *tids = NULL;
	size_t nthreads, started = 0;
	pool p;
	int r;

	if (creds == NULL || creds->nssh == 0 || n == 0)
		return 0;
	if ((r = ssh_global_init()) != 0)
		return nc_fail(r, "libssh2_init failed");
	ssh_collect_config_defaults(&cfg);
	memset(&p, 0, sizeof(p));
	p.cfg = &cfg;
	p.creds = creds;
	p.hosts = hosts;
	p.n = n;
	p.on_output = on_output;
	p.ctx = ctx;
	pthread_mutex_init(&p.lock, NULL);
	nthreads = NC_MIN((size_t)cfg.parallel, n);
	if ((tids = calloc(nthreads, sizeof(*tids))) == NULL) {
		pthread_mutex_destroy(&p.lock);
		return NC_ERR_NOMEM;
	}
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, POOL_STACK);
	for (size_t i = 0; i < nthreads; i++) {
		if (pthread_create(&tids[i], &attr, worker, &p) != 0)
			break;
		started++;
	}
	pthread_attr_destroy(&attr);
	if (started == 0) {
		r = nc_fail(NC_ERR_SYS, "cannot start SSH worker threads");
	} else {
		if (started < nthreads)
			log_warn("ssh: only %zu of %zu worker threads started", started, nthreads);
		r = 0;
	}
	for (size_t i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	free(tids);
	pthread_mutex_destroy(&p.lock);
	return r;
}
