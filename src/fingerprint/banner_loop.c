#include "config.h"

/*
 * banner_loop.c — the one event loop behind banner_scan().
 *
 * Why a loop and not threads: a /16 with a dozen ports a host is tens of
 * thousands of conversations that each wait far longer than they work. One
 * epoll set drives up to max_connections non-blocking sockets; jobs (host,
 * port) are taken lazily from the targets (port-major, so one host is not
 * hit on all its ports at once); each connection carries one deadline in a
 * binary min-heap, so the wait is as long as the nearest timeout and never a
 * busy loop.
 *
 * A connection goes CONNECT -> [TLS] -> PROTOCOL -> DONE (the loop's
 * phases); inside PROTOCOL its handler (banner_int.h) walks its own named
 * states. The loop does every read and write, for plain sockets and through
 * OpenSSL alike, and enforces the bounds: BANNER_MAX_CONN_BYTES read per
 * connection at most (a peer that sends 100 MB is cut off after 64 KiB), a
 * step timeout that restarts on progress, and a hard cap per connection.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>

#include "fingerprint/banner_int.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/log.h"
#include "util/timeutil.h"

#define DEFAULT_CONNECT_MS 3000
#define DEFAULT_IO_MS 5000
#define DEFAULT_MAX_CONNECTIONS 64
#define FD_RESERVE 64  /* left to the rest of the process */
#define CAP_IO_STEPS 4 /* hard cap: connect + 4 io timeouts */
#define READ_CHUNK 16384
#define MAX_EVENTS 256
#define STOP_POLL_MS 200 /* how often a stop request is looked at */

static const char *const phase_names[BANNER_PHASE__COUNT] = {
    [BANNER_PHASE_CONNECT] = "CONNECT",
    [BANNER_PHASE_TLS] = "TLS_HANDSHAKE",
    [BANNER_PHASE_PROTOCOL] = "PROTOCOL",
    [BANNER_PHASE_DONE] = "DONE",
};

struct banner_loop {
	const banner_config *cfg;
	const banner_target_ex *targets;
	size_t ntargets;
	size_t job_port, job_target, max_ports; /* the job cursor */
	int ep;
	banner_conn *conns;
	size_t nconns;
	size_t *free_slots, nfree;
	size_t open;
	banner_conn **heap;
	size_t heap_len;
	SSL_CTX *tls;
	uint64_t connect_ns, io_ns, cap_ns;
	banner_stats st;
};

/* ---------------------------------------------------------------- timers */

static bool heap_less(const banner_conn *a, const banner_conn *b)
{
	return a->deadline_ns < b->deadline_ns;
}

static void heap_swap(struct banner_loop *L, size_t i, size_t j)
{
	banner_conn *t = L->heap[i];

	L->heap[i] = L->heap[j];
	L->heap[j] = t;
	L->heap[i]->heap_idx = i;
	L->heap[j]->heap_idx = j;
}

static void heap_up(struct banner_loop *L, size_t i)
{
	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!heap_less(L->heap[i], L->heap[parent]))
			break;
		heap_swap(L, i, parent);
		i = parent;
	}
}

static void heap_down(struct banner_loop *L, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < L->heap_len && heap_less(L->heap[l], L->heap[m]))
			m = l;
		if (r < L->heap_len && heap_less(L->heap[r], L->heap[m]))
			m = r;
		if (m == i)
			break;
		heap_swap(L, i, m);
		i = m;
	}
}

static void heap_insert(struct banner_loop *L, banner_conn *c)
{
	c->heap_idx = L->heap_len;
	L->heap[L->heap_len++] = c;
	heap_up(L, c->heap_idx);
}

static void heap_remove(struct banner_loop *L, banner_conn *c)
{
	size_t i = c->heap_idx;

	if (i >= L->heap_len || L->heap[i] != c)
		return;
	L->heap_len--;
	if (i != L->heap_len) {
		L->heap[i] = L->heap[L->heap_len];
		L->heap[i]->heap_idx = i;
		heap_down(L, i);
		heap_up(L, i);
	}
	c->heap_idx = SIZE_MAX;
}

/* Set the step deadline (never past the hard cap) and fix the heap. */
static void conn_arm(banner_conn *c, uint64_t step_ns)
{
	struct banner_loop *L = c->loop;
	uint64_t old = c->deadline_ns;

	c->step_deadline_ns = time_mono_ns() + step_ns;
	c->deadline_ns = NC_MIN(c->step_deadline_ns, c->hard_deadline_ns);
	if (c->heap_idx == SIZE_MAX)
		heap_insert(L, c);
	else if (c->deadline_ns < old)
		heap_up(L, c->heap_idx);
	else
		heap_down(L, c->heap_idx);
}

/* ------------------------------------------------------- handler services */

static void conn_phase(banner_conn *c, banner_phase p)
{
	if (c->phase != p)
		log_debug("conn %s:%u state %s -> %s", c->addr, c->port, phase_names[c->phase],
			  phase_names[p]);
	c->phase = p;
}

static const char *state_name(const banner_conn *c, int s)
{
	return (s >= 0 && (size_t)s < c->h->nstates) ? c->h->states[s] : "?";
}

void banner_conn_state(banner_conn *c, int s)
{
	if (c->state != s)
		log_debug("conn %s:%u state %s -> %s", c->addr, c->port, state_name(c, c->state),
			  state_name(c, s));
	c->state = s;
	conn_arm(c, c->loop->io_ns);
}

int banner_conn_send(banner_conn *c, const void *buf, size_t len)
{
	if (c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	if (len > sizeof(c->out) - c->out_len)
		return NC_ERR_TOOBIG;
	memcpy(c->out + c->out_len, buf, len);
	c->out_len += len;
	return 0;
}

void banner_conn_consume(banner_conn *c, size_t n)
{
	if (n >= c->in_len) {
		c->in_len = 0;
		return;
	}
	memmove(c->in, c->in + n, c->in_len - n);
	c->in_len -= n;
}

void banner_conn_timer(banner_conn *c, uint64_t ms)
{
	conn_arm(c, ms * 1000000ull);
}

uint64_t banner_conn_io_ms(const banner_conn *c)
{
	return c->loop->io_ns / 1000000ull;
}

const rules_t *banner_conn_rules(const banner_conn *c)
{
	return c->loop->cfg->rules;
}

void banner_conn_start_tls(banner_conn *c)
{
	conn_phase(c, BANNER_PHASE_TLS);
	conn_arm(c, c->loop->io_ns);
}

int banner_conn_switch(banner_conn *c, const banner_handler *h)
{
	int r;

	log_debug("conn %s:%u handler %s -> %s", c->addr, c->port, c->h->name, h->name);
	c->h = h;
	c->state = 0;
	memset(&c->u, 0, sizeof(c->u));
	r = h->connected(c);
	if (r == BANNER_MORE && (c->in_len > 0 || c->eof || c->cut_off))
		r = h->doing(c);
	return r;
}

/* ------------------------------------------------------------ connections */

static bool stopped(const struct banner_loop *L)
{
	return L->cfg->stop != NULL && *L->cfg->stop != 0;
}

static void conn_interest(banner_conn *c)
{
	uint32_t ev = 0;
	struct epoll_event e;

	switch (c->phase) {
	case BANNER_PHASE_CONNECT:
		ev = EPOLLOUT;
		break;
	case BANNER_PHASE_TLS:
		ev = c->tls_want_write ? EPOLLOUT : EPOLLIN;
		break;
	case BANNER_PHASE_PROTOCOL:
		if (!c->eof && !c->cut_off)
			ev |= EPOLLIN;
		if (c->out_off < c->out_len || c->tls_want_write)
			ev |= EPOLLOUT;
		break;
	default:
		break;
	}
	if (ev == c->events)
		return;
	memset(&e, 0, sizeof(e));
	e.events = ev;
	e.data.ptr = c;
	if (epoll_ctl(c->loop->ep, EPOLL_CTL_MOD, c->fd, &e) == 0)
		c->events = ev;
}

/* Close a connection; record what its handler learned when it got past
 * connect(). The slot is free again afterwards. */
static void conn_close(banner_conn *c)
{
	struct banner_loop *L = c->loop;
	bool talked = c->phase != BANNER_PHASE_CONNECT;

	if (talked) {
		if (c->h->finish != NULL)
			c->h->finish(c);
		if (c->svc.name != NULL) {
			service_fact s = {
			    .port = c->port,
			    .proto = IPPROTO_TCP,
			    .source = c->h == &banner_handler_smb ? FACT_SRC_SMB : FACT_SRC_BANNER,
			    .name = c->svc.name,
			    .product = c->svc.product,
			    .version = c->svc.version,
			    .info = c->svc.info,
			    .banner = c->svc.banner,
			};

			if (host_facts_add_service(c->host, &s) == 0)
				L->st.services++;
		}
		if (c->in_total == 0 && !c->tls_done)
			L->st.silent++;
		if (c->cut_off)
			L->st.cut_off++;
		if (c->timed_out)
			L->st.io_timeouts++;
		L->st.bytes_in += c->in_total;
		L->st.bytes_out += c->out_total;
		if (c->in_total > L->st.max_conn_bytes_in)
			L->st.max_conn_bytes_in = c->in_total;
	}
	conn_phase(c, BANNER_PHASE_DONE);
	if (c->ssl != NULL)
		SSL_free(c->ssl);
	close(c->fd); /* also leaves the epoll set */
	free(c->in);
	banner_cert_free(&c->cert);
	banner_svc_free(&c->svc);
	heap_remove(L, c);
	c->fd = -1;
	c->ssl = NULL;
	c->in = NULL;
	L->free_slots[L->nfree++] = (size_t)(c - L->conns);
	L->open--;
}

static void conn_result(banner_conn *c, int r);

static void conn_tls_step(banner_conn *c)
{
	struct banner_loop *L = c->loop;
	int r, e;

	if (c->ssl == NULL) {
		if (L->tls == NULL && (L->tls = banner_tls_ctx_new()) == NULL)
			goto failed;
		if ((c->ssl = SSL_new(L->tls)) == NULL || SSL_set_fd(c->ssl, c->fd) != 1)
			goto failed;
		SSL_set_connect_state(c->ssl);
	}
	ERR_clear_error();
	r = SSL_connect(c->ssl);
	if (r == 1) {
		c->tls_done = true;
		c->tls_want_write = false;
		L->st.tls_ok++;
		banner_tls_read_cert(c);
		conn_phase(c, BANNER_PHASE_PROTOCOL);
		conn_arm(c, L->io_ns);
		if (!c->started) {
			c->started = true;
			conn_result(c, c->h->connected(c));
		} else {
			conn_result(c, c->h->doing(c));
		}
		return;
	}
	e = SSL_get_error(c->ssl, r);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		c->tls_want_write = e == SSL_ERROR_WANT_WRITE;
		conn_interest(c);
		return;
	}
failed:
	log_debug("conn %s:%u tls handshake failed", c->addr, c->port);
	ERR_clear_error();
	c->tls_failed = true;
	c->tls_want_write = false;
	L->st.tls_failed++;
	conn_phase(c, BANNER_PHASE_PROTOCOL);
	if (c->h->tls_first) {
		conn_close(c);
		return;
	}
	conn_result(c, c->h->doing(c));
}

/* Write what is queued. Returns true when the queue is (now) empty. */
static bool conn_flush(banner_conn *c)
{
	bool wrote = false;

	c->tls_want_write = false;
	while (c->out_off < c->out_len) {
		size_t left = c->out_len - c->out_off;
		ssize_t n;

		if (c->ssl != NULL && c->tls_done) {
			int r, e;

			ERR_clear_error();
			r = SSL_write(c->ssl, c->out + c->out_off, (int)left);
			if (r > 0) {
				n = r;
			} else {
				e = SSL_get_error(c->ssl, r);
				if (e == SSL_ERROR_WANT_WRITE) {
					c->tls_want_write = true;
					break;
				}
				if (e == SSL_ERROR_WANT_READ)
					break;
				ERR_clear_error();
				c->eof = true;
				c->out_off = c->out_len = 0;
				break;
			}
		} else {
			n = send(c->fd, c->out + c->out_off, left, MSG_NOSIGNAL);
			if (n < 0) {
				if (errno == EAGAIN || errno == EWOULDBLOCK)
					break;
				if (errno == EINTR)
					continue;
				c->eof = true;
				c->out_off = c->out_len = 0;
				break;
			}
		}
		c->out_off += (size_t)n;
		c->out_total += (size_t)n;
		wrote = true;
	}
	if (wrote)
		conn_arm(c, c->loop->io_ns);
	if (c->out_off == c->out_len) {
		c->out_off = c->out_len = 0;
		return true;
	}
	return false;
}

/* Read what the peer sent, up to the per-connection bound. Returns true
 * when something changed (bytes, EOF, cut off). */
static bool conn_read(banner_conn *c)
{
	bool changed = false;

	for (;;) {
		size_t room = BANNER_MAX_CONN_BYTES - c->in_total, want;
		ssize_t n;

		if (room == 0) {
			c->cut_off = true;
			return true;
		}
		want = NC_MIN(room, (size_t)READ_CHUNK);
		if (c->in_cap - c->in_len < want) {
			size_t cap = NC_MAX(c->in_cap * 2, c->in_len + want);
			uint8_t *p;

			cap = NC_MIN(cap, (size_t)BANNER_MAX_CONN_BYTES);
			if (cap - c->in_len < want)
				want = cap - c->in_len;
			if ((p = realloc(c->in, cap)) == NULL) {
				c->eof = true; /* out of memory: stop here, keep what we have */
				return true;
			}
			c->in = p;
			c->in_cap = cap;
		}
		if (c->ssl != NULL && c->tls_done) {
			int r, e;

			ERR_clear_error();
			r = SSL_read(c->ssl, c->in + c->in_len, (int)want);
			if (r > 0) {
				n = r;
			} else {
				e = SSL_get_error(c->ssl, r);
				if (e == SSL_ERROR_WANT_READ)
					break;
				if (e == SSL_ERROR_WANT_WRITE) {
					c->tls_want_write = true;
					break;
				}
				ERR_clear_error();
				c->eof = true;
				return true;
			}
		} else {
			n = recv(c->fd, c->in + c->in_len, want, 0);
			if (n < 0) {
				if (errno == EAGAIN || errno == EWOULDBLOCK)
					break;
				if (errno == EINTR)
					continue;
				c->eof = true; /* reset: the same as a close to us */
				return true;
			}
			if (n == 0) {
				c->eof = true;
				return true;
			}
		}
		c->in_len += (size_t)n;
		c->in_total += (size_t)n;
		changed = true;
	}
	if (changed)
		conn_arm(c, c->loop->io_ns);
	return changed;
}

/* What to do after a handler callback returned r. */
static void conn_result(banner_conn *c, int r)
{
	for (;;) {
		if (r == BANNER_DONE) {
			conn_close(c);
			return;
		}
		if (c->phase == BANNER_PHASE_TLS) {
			conn_tls_step(c);
			return;
		}
		if (c->out_off < c->out_len) {
			if (!conn_flush(c) || c->eof)
				break;
			/* drained at once: tell the handler */
			r = c->h->doing(c);
			continue;
		}
		if (c->eof || c->cut_off) {
			conn_close(c);
			return;
		}
		break;
	}
	if (c->eof && c->out_off == c->out_len) {
		conn_close(c);
		return;
	}
	conn_interest(c);
}

static void conn_connected(banner_conn *c)
{
	struct banner_loop *L = c->loop;

	L->st.connected++;
	conn_arm(c, L->io_ns);
	if (c->h->tls_first) {
		banner_conn_start_tls(c);
		conn_tls_step(c);
		return;
	}
	conn_phase(c, BANNER_PHASE_PROTOCOL);
	c->started = true;
	conn_result(c, c->h->connected(c));
}

static void conn_event(banner_conn *c, uint32_t ev)
{
	if (c->phase == BANNER_PHASE_CONNECT) {
		int err = 0;
		socklen_t len = sizeof(err);

		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
			err = errno;
		if (err == 0 && !(ev & EPOLLERR)) {
			conn_connected(c);
		} else {
			log_debug("conn %s:%u connect: %s", c->addr, c->port, strerror(err));
			c->loop->st.refused++;
			conn_close(c);
		}
		return;
	}
	if (c->phase == BANNER_PHASE_TLS) {
		conn_tls_step(c);
		return;
	}
	if ((ev & EPOLLOUT) && (c->out_off < c->out_len || c->tls_want_write)) {
		bool had = c->out_off < c->out_len;

		if (conn_flush(c) && had && !c->eof) {
			int r = c->h->doing(c);

			if (r == BANNER_DONE || c->phase == BANNER_PHASE_TLS) {
				conn_result(c, r);
				return;
			}
		}
	}
	if ((ev & (EPOLLIN | EPOLLHUP | EPOLLERR)) && !c->eof && !c->cut_off) {
		if (conn_read(c)) {
			conn_result(c, c->h->doing(c));
			return;
		}
	}
	conn_result(c, BANNER_MORE);
}

static void conn_timeout(banner_conn *c)
{
	struct banner_loop *L = c->loop;
	uint64_t now = time_mono_ns();
	int r = BANNER_DONE;

	switch (c->phase) {
	case BANNER_PHASE_CONNECT:
		log_debug("conn %s:%u connect timed out", c->addr, c->port);
		L->st.connect_timeouts++;
		conn_close(c);
		return;
	case BANNER_PHASE_TLS:
		log_debug("conn %s:%u tls handshake timed out", c->addr, c->port);
		c->timed_out = true;
		c->tls_failed = true;
		L->st.tls_failed++;
		conn_phase(c, BANNER_PHASE_PROTOCOL);
		conn_close(c);
		return;
	default:
		break;
	}
	if (now < c->hard_deadline_ns && c->h->timeout != NULL)
		r = c->h->timeout(c);
	if (r == BANNER_MORE && c->deadline_ns <= now)
		r = BANNER_DONE; /* the handler went on without a new timer */
	if (r == BANNER_DONE) {
		log_debug("conn %s:%u timed out in state %s", c->addr, c->port,
			  state_name(c, c->state));
		c->timed_out = true;
	}
	conn_result(c, r);
}

/* Take the next (target, port) job; false when there is none left. */
static bool next_job(struct banner_loop *L, const banner_target_ex **t, size_t *pi)
{
	while (L->job_port < L->max_ports) {
		if (L->job_target >= L->ntargets) {
			L->job_target = 0;
			L->job_port++;
			continue;
		}
		*t = &L->targets[L->job_target++];
		if (L->job_port < (*t)->nports && (*t)->host != NULL) {
			*pi = L->job_port;
			return true;
		}
	}
	return false;
}

static bool jobs_left(const struct banner_loop *L)
{
	return L->job_port < L->max_ports;
}

/* Start one connection. 0, 1 when out of descriptors for now (the job is
 * not taken), or NC_ERR_SYS. */
static int conn_start(struct banner_loop *L)
{
	const banner_target_ex *t;
	size_t pi;
	banner_conn *c;
	banner_proto proto;
	struct sockaddr_in sa;
	struct epoll_event e;
	int fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		if ((errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) &&
		    L->open > 0)
			return 1;
		return nc_fail(NC_ERR_SYS, "banner: socket: %s", strerror(errno));
	}
	if (!next_job(L, &t, &pi)) {
		close(fd);
		return 0;
	}
	c = &L->conns[L->free_slots[--L->nfree]];
	memset(c, 0, sizeof(*c));
	c->loop = L;
	c->fd = fd;
	c->host = t->host;
	c->ip = t->host->ip;
	c->port = t->ports[pi];
	c->heap_idx = SIZE_MAX;
	c->started_ns = time_mono_ns();
	c->hard_deadline_ns = c->started_ns + L->cap_ns;
	proto = t->protos != NULL ? t->protos[pi] : BANNER_PROTO_AUTO;
	if (proto == BANNER_PROTO_AUTO || proto >= BANNER_PROTO__COUNT)
		proto = banner_proto_for_port(c->port);
	c->h = banner_handler_for(proto);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(c->port);
	sa.sin_addr.s_addr = htonl(c->ip);
	inet_ntop(AF_INET, &sa.sin_addr, c->addr, sizeof(c->addr));
	L->open++;
	L->st.attempted++;
	if (L->open > L->st.peak_open)
		L->st.peak_open = L->open;
	log_debug("conn %s:%u handler %s", c->addr, c->port, c->h->name);

	memset(&e, 0, sizeof(e));
	e.events = EPOLLOUT;
	e.data.ptr = c;
	if (epoll_ctl(L->ep, EPOLL_CTL_ADD, fd, &e) != 0) {
		int err = errno;

		conn_close(c);
		return nc_fail(NC_ERR_SYS, "banner: epoll_ctl: %s", strerror(err));
	}
	c->events = EPOLLOUT;
	conn_arm(c, L->connect_ns);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		conn_connected(c);
	} else if (errno != EINPROGRESS) {
		log_debug("conn %s:%u connect: %s", c->addr, c->port, strerror(errno));
		L->st.refused++;
		conn_close(c);
	}
	return 0;
}

/* ------------------------------------------------------------------ scan */

static size_t fd_budget(size_t want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
		size_t avail = rl.rlim_cur > 2 * FD_RESERVE ? (size_t)rl.rlim_cur - FD_RESERVE
							    : (size_t)rl.rlim_cur / 2;

		if (avail < 1)
			avail = 1;
		if (want > avail)
			want = avail;
	}
	return want;
}

int banner_scan_ex(const banner_config *cfg, const banner_target_ex *targets, size_t n,
		   banner_stats *stats)
{
	struct banner_loop L;
	struct epoll_event evs[MAX_EVENTS];
	uint64_t t0 = time_mono_ns();
	int r = NC_ERR_INTERNAL;

	memset(&L, 0, sizeof(L));
	L.ep = -1;
	L.cfg = cfg;
	L.targets = targets;
	L.ntargets = n;
	for (size_t i = 0; i < n; i++)
		L.max_ports = NC_MAX(L.max_ports, targets[i].nports);
	L.connect_ns =
	    (uint64_t)(cfg->connect_timeout_ms > 0 ? cfg->connect_timeout_ms : DEFAULT_CONNECT_MS) *
	    1000000ull;
	L.io_ns =
	    (uint64_t)(cfg->io_timeout_ms > 0 ? cfg->io_timeout_ms : DEFAULT_IO_MS) * 1000000ull;
	L.cap_ns = L.connect_ns + CAP_IO_STEPS * L.io_ns;
	L.nconns = fd_budget(cfg->max_connections > 0 ? (size_t)cfg->max_connections
						      : DEFAULT_MAX_CONNECTIONS);

	L.conns = calloc(L.nconns, sizeof(*L.conns));
	L.free_slots = calloc(L.nconns, sizeof(*L.free_slots));
	L.heap = calloc(L.nconns, sizeof(*L.heap));
	/* before any goto out: the cleanup closes every slot whose fd >= 0 */
	for (size_t i = 0; L.conns != NULL && i < L.nconns; i++)
		L.conns[i].fd = -1;
	if (L.conns == NULL || L.free_slots == NULL || L.heap == NULL) {
		r = nc_fail(NC_ERR_NOMEM, "banner: no memory for %zu connections", L.nconns);
		goto out;
	}
	for (size_t i = 0; i < L.nconns; i++)
		L.free_slots[L.nfree++] = L.nconns - 1 - i;
	if ((L.ep = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		r = nc_fail(NC_ERR_SYS, "banner: epoll_create1: %s", strerror(errno));
		goto out;
	}

	for (;;) {
		int ne, timeout_ms = STOP_POLL_MS;
		uint64_t now;

		if (stopped(&L))
			break;
		while (L.nfree > 0 && jobs_left(&L)) {
			int s = conn_start(&L);

			if (s < 0) {
				r = s;
				goto out;
			}
			if (s == 1)
				break; /* out of descriptors: wait for a close */
		}
		if (L.open == 0 && !jobs_left(&L))
			break;
		if (L.heap_len > 0) {
			now = time_mono_ns();
			if (L.heap[0]->deadline_ns <= now)
				timeout_ms = 0;
			else
				timeout_ms = (int)NC_MIN((L.heap[0]->deadline_ns - now + 999999) /
							     1000000ull,
							 (uint64_t)STOP_POLL_MS);
		}
		ne = epoll_wait(L.ep, evs, MAX_EVENTS, timeout_ms);
		if (ne < 0) {
			if (errno == EINTR)
				continue;
			r = nc_fail(NC_ERR_SYS, "banner: epoll_wait: %s", strerror(errno));
			goto out;
		}
		for (int i = 0; i < ne; i++) {
			banner_conn *c = evs[i].data.ptr;

			if (c->fd >= 0) /* closed earlier in this batch */
				conn_event(c, evs[i].events);
		}
		now = time_mono_ns();
		while (L.heap_len > 0 && L.heap[0]->deadline_ns <= now)
			conn_timeout(L.heap[0]);
	}
	r = 0;
out:
	/* A stop request or an error: what was learned so far is still kept. */
	for (size_t i = 0; L.conns != NULL && i < L.nconns; i++) {
		if (L.conns[i].fd >= 0) {
			L.conns[i].interrupted = true;
			conn_close(&L.conns[i]);
		}
	}
	if (L.ep >= 0)
		close(L.ep);
	if (L.tls != NULL)
		SSL_CTX_free(L.tls);
	free(L.conns);
	free(L.free_slots);
	free(L.heap);
	L.st.elapsed_s = (double)(time_mono_ns() - t0) / 1e9;
	if (stats != NULL)
		*stats = L.st;
	return r;
}
