#include "config.h"

/*
 * test_banner.c — the banner event loop against servers in this process.
 *
 * Every server is a thread listening on 127.0.0.1 on an ephemeral port: an
 * SSH-like greeter, pre-banner lines, HTTP with entities in the title, a
 * 50 MB flood, one that accepts and never speaks, a refused port, FTP, SMTP,
 * telnet with option negotiation, TLS and RDP with a certificate made here
 * at test time, and 500 connections through 64 slots. Handlers are chosen
 * with banner_target_ex.protos (the ports are not the well-known ones), or
 * left to the generic handler to identify the speaker. Nothing but
 * loopback is touched.
 */

#include <errno.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "fingerprint/banner.h"
#include "fingerprint/banner_int.h"
#include "fingerprint/facts.h"
#include "fingerprint/rules.h"
#include "util/compat.h"
#include "util/log.h"
#include "util/timeutil.h"

#define LOOPBACK 0x7f000001u
#define FLOOD_BYTES (50ull * 1024 * 1024)

/* ------------------------------------------------------------ test servers */

typedef struct server server;
typedef void (*serve_fn)(server *s, int fd);

struct server {
	int lfd;
	uint16_t port;
	pthread_t thr;
	serve_fn fn;
	const char *reply;
	size_t reply_len;
	const char *reply2; /* a second answer (SMB's SESSION_SETUP) */
	size_t reply2_len;
	SSL_CTX *tls;
	atomic_int stop;
	atomic_int accepted;
	atomic_llong sent;
	pthread_mutex_t lock;
	char got[2048]; /* what the client sent on the last connection */
	size_t got_len;
};

static void set_got(server *s, const char *buf, size_t len)
{
	pthread_mutex_lock(&s->lock);
	len = NC_MIN(len, sizeof(s->got) - 1);
	memcpy(s->got, buf, len);
	s->got[len] = '\0';
	s->got_len = len;
	pthread_mutex_unlock(&s->lock);
}

/* Read from fd until needle shows up (NULL: until EOF), cap bytes or ms
 * pass. Returns the bytes read. */
static size_t read_until(int fd, char *buf, size_t cap, const char *needle, int ms)
{
	size_t len = 0;
	uint64_t end = time_mono_ns() + (uint64_t)ms * 1000000ull;

	while (len + 1 < cap) {
		struct pollfd p = {fd, POLLIN, 0};
		uint64_t now = time_mono_ns();
		ssize_t n;

		if (now >= end || poll(&p, 1, (int)((end - now) / 1000000ull) + 1) <= 0)
			break;
		n = recv(fd, buf + len, cap - 1 - len, 0);
		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		if (needle != NULL && strstr(buf, needle) != NULL)
			break;
	}
	buf[len] = '\0';
	return len;
}

static void send_all(server *s, int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n <= 0)
			return;
		atomic_fetch_add(&s->sent, n);
		p += n;
		len -= (size_t)n;
	}
}

/* Wait for the client to close (or the test to end). */
static void wait_close(server *s, int fd)
{
	char buf[512];

	while (!atomic_load(&s->stop)) {
		struct pollfd p = {fd, POLLIN, 0};

		if (poll(&p, 1, 20) > 0 && recv(fd, buf, sizeof(buf), 0) <= 0)
			return;
	}
}

static void *server_main(void *arg)
{
	server *s = arg;

	while (!atomic_load(&s->stop)) {
		struct pollfd p = {s->lfd, POLLIN, 0};
		struct timeval tv = {5, 0};
		int fd;

		if (poll(&p, 1, 20) <= 0)
			continue;
		if ((fd = accept(s->lfd, NULL, NULL)) < 0)
			continue;
		atomic_fetch_add(&s->accepted, 1);
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		s->fn(s, fd);
		close(fd);
	}
	return NULL;
}

static int listen_loopback(uint16_t *port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t len = sizeof(sa);
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sa.sin_addr.s_addr = htonl(LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 1024), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	*port = ntohs(sa.sin_port);
	return fd;
}

static server *server_start(serve_fn fn, const char *reply, size_t reply_len, SSL_CTX *tls)
{
	server *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	s->fn = fn;
	s->reply = reply;
	s->reply_len = reply_len;
	s->tls = tls;
	pthread_mutex_init(&s->lock, NULL);
	s->lfd = listen_loopback(&s->port);
	assert_int_equal(pthread_create(&s->thr, NULL, server_main, s), 0);
	return s;
}

/* Stop and free the server; what the client sent last goes to got (if not
 * NULL), the bytes the server sent to *sent (if not NULL). */
static void server_stop_keep(server *s, char *got, size_t cap, long long *sent)
{
	atomic_store(&s->stop, 1);
	pthread_join(s->thr, NULL);
	if (got != NULL) {
		size_t n = NC_MIN(s->got_len, cap - 1);

		memcpy(got, s->got, n);
		got[n] = '\0';
	}
	if (sent != NULL)
		*sent = atomic_load(&s->sent);
	close(s->lfd);
	pthread_mutex_destroy(&s->lock);
	if (s->tls != NULL)
		SSL_CTX_free(s->tls);
	free(s);
}

static void server_stop(server *s)
{
	server_stop_keep(s, NULL, 0, NULL);
}

/* Greet, then keep what the client says until it closes. */
static void serve_greeting(server *s, int fd)
{
	char buf[2048];
	size_t n;

	send_all(s, fd, s->reply, s->reply_len);
	n = read_until(fd, buf, sizeof(buf), NULL, 2000);
	set_got(s, buf, n);
}

/* Greet and hang up at once (the many-connections server). */
static void serve_greet_close(server *s, int fd)
{
	send_all(s, fd, s->reply, s->reply_len);
}

/* Read a request, answer it. */
static void serve_request(server *s, int fd)
{
	char buf[2048];
	size_t n = read_until(fd, buf, sizeof(buf), "\r\n\r\n", 2000);

	set_got(s, buf, n);
	send_all(s, fd, s->reply, s->reply_len);
}

/* Accept, then say nothing at all. */
static void serve_silent(server *s, int fd)
{
	wait_close(s, fd);
}

/* Read a request, answer with headers and an endless body. */
static void serve_flood(server *s, int fd)
{
	static char chunk[65536];
	const char *hdr = "HTTP/1.1 200 OK\r\nServer: Flood/1.0\r\n\r\n";
	char buf[1024];
	unsigned long long sent = 0;

	read_until(fd, buf, sizeof(buf), "\r\n\r\n", 2000);
	memset(chunk, 'A', sizeof(chunk));
	send_all(s, fd, hdr, strlen(hdr));
	while (sent < FLOOD_BYTES && !atomic_load(&s->stop)) {
		ssize_t n = send(fd, chunk, sizeof(chunk), MSG_NOSIGNAL);

		if (n <= 0)
			break;
		sent += (unsigned long long)n;
		atomic_fetch_add(&s->sent, n);
	}
}

/* Telnet: negotiate first and wait for the answers, then the login text. */
static void serve_telnet(server *s, int fd)
{
	static const uint8_t neg[] = {
	    0xff, 0xfd, 0x18,			/* DO TERMINAL-TYPE */
	    0xff, 0xfb, 0x01,			/* WILL ECHO */
	    0xff, 0xfa, 0x18, 0x01, 0xff, 0xf0, /* SB TERMINAL-TYPE SEND SE */
	};
	static const char text[] = "\r\nUbuntu 22.04 LTS\r\n\xff\xfb\x03router login: ";
	char buf[64];
	size_t n;

	send_all(s, fd, neg, sizeof(neg));
	n = read_until(fd, buf, 7, NULL, 2000); /* the two refusals: 6 bytes */
	set_got(s, buf, n);
	send_all(s, fd, text, sizeof(text) - 1);
	wait_close(s, fd);
}

/* TLS, then an HTTP answer to an HTTP request. */
static void serve_tls_http(server *s, int fd)
{
	SSL *ssl = SSL_new(s->tls);
	char buf[2048];
	size_t len = 0;

	SSL_set_fd(ssl, fd);
	if (SSL_accept(ssl) == 1) {
		while (len + 1 < sizeof(buf)) {
			int n = SSL_read(ssl, buf + len, (int)(sizeof(buf) - 1 - len));

			if (n <= 0)
				break;
			len += (size_t)n;
			buf[len] = '\0';
			if (strstr(buf, "\r\n\r\n") != NULL)
				break;
		}
		set_got(s, buf, len);
		if (s->reply != NULL)
			SSL_write(ssl, s->reply, (int)s->reply_len);
		SSL_shutdown(ssl);
	}
	SSL_free(ssl);
}

/* TLS only: handshake and wait for the client to go. */
static void serve_tls_only(server *s, int fd)
{
	SSL *ssl = SSL_new(s->tls);
	char buf[64];

	SSL_set_fd(ssl, fd);
	if (SSL_accept(ssl) == 1)
		SSL_read(ssl, buf, sizeof(buf));
	SSL_free(ssl);
}

/* RDP: X.224 Connection Confirm choosing CredSSP, then the TLS handshake. */
static void serve_rdp(server *s, int fd)
{
	static const uint8_t cc[19] = {
	    0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34,
	    0x00, 0x02, 0x1f, 0x08, 0x00, 0x02, 0x00, 0x00, 0x00, /* RDP_NEG_RSP: HYBRID */
	};
	char buf[64];
	size_t n = 0;

	while (n < 19) {
		ssize_t r = recv(fd, buf + n, 19 - n, 0);

		if (r <= 0)
			return;
		n += (size_t)r;
	}
	set_got(s, buf, n);
	send_all(s, fd, cc, sizeof(cc));
	serve_tls_only(s, fd);
}

/* One NetBIOS-framed SMB request; its length, or 0. */
static size_t read_frame(int fd, char *buf, size_t cap)
{
	size_t len = 0, want = 4;

	while (len < want && want <= cap) {
		ssize_t n = recv(fd, buf + len, want - len, 0);

		if (n <= 0)
			return 0;
		len += (size_t)n;
		if (len == 4)
			want = 4 + ((size_t)(uint8_t)buf[1] << 16 | (size_t)(uint8_t)buf[2] << 8 |
				    (uint8_t)buf[3]);
	}
	return len == want ? len : 0;
}

/* SMB: NEGOTIATE -> reply, SESSION_SETUP -> reply2 (captured from Samba). */
static void serve_smb(server *s, int fd)
{
	char buf[4096];
	size_t n;

	if ((n = read_frame(fd, buf, sizeof(buf))) == 0)
		return;
	set_got(s, buf, n);
	send_all(s, fd, s->reply, s->reply_len);
	if (s->reply2 == NULL || read_frame(fd, buf, sizeof(buf)) == 0)
		return;
	send_all(s, fd, s->reply2, s->reply2_len);
	wait_close(s, fd);
}

/* A self-signed certificate made now: O, CN and SAN as given. */
static SSL_CTX *tls_server_ctx_full(const char *org, const char *cn, const char *san)
{
	EVP_PKEY *pk = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_NAME *name;
	X509V3_CTX v3;
	X509_EXTENSION *ext;
	SSL_CTX *ctx;

	assert_non_null(pk);
	assert_non_null(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, pk);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)org, -1, -1, 0);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, name);
	if (san != NULL) {
		X509V3_set_ctx_nodb(&v3);
		X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
		ext = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name, san);
		assert_non_null(ext);
		X509_add_ext(x, ext, -1);
		X509_EXTENSION_free(ext);
	}
	assert_true(X509_sign(x, pk, EVP_sha256()) > 0);
	ctx = SSL_CTX_new(TLS_server_method());
	assert_non_null(ctx);
	assert_int_equal(SSL_CTX_use_certificate(ctx, x), 1);
	assert_int_equal(SSL_CTX_use_PrivateKey(ctx, pk), 1);
	X509_free(x);
	EVP_PKEY_free(pk);
	return ctx;
}

static SSL_CTX *tls_server_ctx(const char *cn, const char *san)
{
	return tls_server_ctx_full("netcensus test", cn, san);
}

static SSL_CTX *tls_server_ctx_org(const char *cn, const char *org)
{
	return tls_server_ctx_full(org, cn, NULL);
}

/* ------------------------------------------------------------- scan helpers */

typedef struct {
	host_facts host;
	banner_stats st;
	int rc;
	double elapsed;
} scan_result;

/* One host, one port, one handler, with rules (may be NULL). */
static void scan_one_rules(scan_result *r, uint16_t port, banner_proto proto, int io_ms,
			   volatile sig_atomic_t *stop, const rules_t *rules)
{
	banner_config cfg = {
	    .rules = rules,
	    .connect_timeout_ms = 1000,
	    .io_timeout_ms = io_ms,
	    .max_connections = 8,
	    .stop = stop,
	};
	banner_target_ex t = {.ports = &port, .nports = 1, .protos = &proto};
	uint64_t t0 = time_mono_ns();

	host_facts_init(&r->host, LOOPBACK);
	t.host = &r->host;
	r->rc = banner_scan_ex(&cfg, &t, 1, &r->st);
	r->elapsed = (double)(time_mono_ns() - t0) / 1e9;
}

static void scan_one(scan_result *r, uint16_t port, banner_proto proto, int io_ms,
		     volatile sig_atomic_t *stop)
{
	scan_one_rules(r, port, proto, io_ms, stop, NULL);
}

static const service_fact *service_at(const host_facts *h, uint16_t port)
{
	for (size_t i = 0; i < h->nservices; i++)
		if (h->services[i].port == port)
			return &h->services[i];
	return NULL;
}

/* The value of key from source src with confidence conf (0: any), or NULL. */
static const char *fact_of(const host_facts *h, const char *key, fact_source src)
{
	for (size_t i = 0; i < h->nfacts; i++)
		if (strcmp(h->facts[i].key, key) == 0 && h->facts[i].source == src)
			return h->facts[i].value;
	return NULL;
}

static int fact_conf(const host_facts *h, const char *key, const char *value)
{
	for (size_t i = 0; i < h->nfacts; i++)
		if (strcmp(h->facts[i].key, key) == 0 && strcmp(h->facts[i].value, value) == 0)
			return h->facts[i].confidence;
	return -1;
}

static void assert_contains(const char *hay, const char *needle)
{
	if (hay == NULL || strstr(hay, needle) == NULL)
		fail_msg("\"%s\" does not contain \"%s\"", hay ? hay : "(null)", needle);
}

/* Valid UTF-8 without control characters (what facts_clean promises). */
static bool is_clean(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (s == NULL)
		return true;
	while (*p) {
		size_t n = *p < 0x80		 ? 1
			   : (*p & 0xe0) == 0xc0 ? 2
			   : (*p & 0xf0) == 0xe0 ? 3
			   : (*p & 0xf8) == 0xf0 ? 4
						 : 0;

		if (n == 0)
			return false;
		if (n == 1 && ((*p < 0x20 && *p != '\t') || *p == 0x7f))
			return false;
		for (size_t i = 1; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				return false;
		p += n;
	}
	return true;
}

static size_t open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	size_t n = 0;

	if (d == NULL)
		return 0;
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n;
}

/* ------------------------------------------------------------------ tests */

static void test_proto_map(void **state)
{
	static const struct {
		uint16_t port;
		banner_proto p;
	} want[] = {
	    {22, BANNER_PROTO_SSH},    {21, BANNER_PROTO_FTP},	   {23, BANNER_PROTO_TELNET},
	    {25, BANNER_PROTO_SMTP},   {587, BANNER_PROTO_SMTP},   {80, BANNER_PROTO_HTTP},
	    {8080, BANNER_PROTO_HTTP}, {8000, BANNER_PROTO_HTTP},  {8008, BANNER_PROTO_HTTP},
	    {443, BANNER_PROTO_HTTPS}, {8443, BANNER_PROTO_HTTPS}, {5986, BANNER_PROTO_TLS},
	    {3389, BANNER_PROTO_RDP},  {445, BANNER_PROTO_SMB},	   {3306, BANNER_PROTO_GENERIC},
	    {1, BANNER_PROTO_GENERIC},
	};
	banner_proto p;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		assert_int_equal(banner_proto_for_port(want[i].port), want[i].p);
	for (int i = 0; i < BANNER_PROTO__COUNT; i++) {
		assert_true(banner_proto_from_name(banner_proto_name((banner_proto)i), &p));
		assert_int_equal(p, i);
	}
	assert_false(banner_proto_from_name("gopher", &p));
	/* every default port has a handler of its own */
	for (size_t i = 0; i < banner_default_ports_count; i++)
		assert_int_not_equal(banner_proto_for_port(banner_default_ports[i]),
				     BANNER_PROTO_GENERIC);
}

static void test_http_title(void **state)
{
	static const struct {
		const char *body, *title;
	} cases[] = {
	    {"<html><head><title>Plain</title></head>", "Plain"},
	    {"<HTML><TITLE id=\"t\">  Tom &amp; Jerry&#39;s\n\t &lt;Admin&gt;  </TITLE>",
	     "Tom & Jerry's <Admin>"},
	    {"<title>&#x263A; &#9731; &quot;q&quot;&nbsp;x</title>",
	     "\xe2\x98\xba \xe2\x98\x83 \"q\" x"},
	    {"<title>a &bogus; & b &#xZZ; &#0;</title>", "a &bogus; & b &#xZZ; &#0;"},
	    {"<titlebar>no</titlebar>", ""},
	    {"<title>unterminated", "unterminated"},
	    {"no title here", ""},
	};
	char out[300];
	char big[4096];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t n = banner_http_title((const uint8_t *)cases[i].body, strlen(cases[i].body),
					     out, sizeof(out));

		if (n == 0)
			out[0] = '\0';
		assert_string_equal(out, cases[i].title);
	}
	/* bounded */
	memcpy(big, "<title>", 7);
	memset(big + 7, 'x', sizeof(big) - 7);
	assert_true(banner_http_title((const uint8_t *)big, sizeof(big), out, sizeof(out)) <= 256);
}

static void test_ssh(void **state)
{
	static const char id[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n";
	server *s = server_start(serve_greeting, id, strlen(id), NULL);
	scan_result r;
	const service_fact *sv;
	uint16_t port = s->port;

	(void)state;
	scan_one(&r, port, BANNER_PROTO_SSH, 2000, NULL);
	server_stop(s);
	assert_int_equal(r.rc, 0);
	sv = service_at(&r.host, port);
	assert_non_null(sv);
	assert_string_equal(sv->name, "ssh");
	assert_string_equal(sv->banner, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3");
	assert_string_equal(sv->product, "OpenSSH");
	assert_string_equal(sv->version, "9.2p1");
	assert_int_equal(sv->source, FACT_SRC_BANNER);
	assert_int_equal(r.st.connected, 1);
	assert_int_equal(r.st.services, 1);
	host_facts_clear(&r.host);
}

static void test_ssh_sends_identification(void **state)
{
	static const char id[] = "SSH-2.0-OpenSSH_8.9\r\n";
	server *s = server_start(serve_greeting, id, strlen(id), NULL);
	scan_result r;
	char got[256];

	(void)state;
	scan_one(&r, s->port, BANNER_PROTO_SSH, 2000, NULL);
	server_stop_keep(s, got, sizeof(got), NULL);
	assert_string_equal(got, "SSH-2.0-netcensus\r\n");
	host_facts_clear(&r.host);
}

static void test_ssh_prebanner(void **state)
{
	static const char id[] = "Welcome to the bastion\r\nAuthorized use only\n"
				 "SSH-1.99-dropbear_2022.83\r\n";
	server *s = server_start(serve_greeting, id, strlen(id), NULL);
	scan_result r;
	const service_fact *sv;

	(void)state;
	scan_one(&r, s->port, BANNER_PROTO_SSH, 2000, NULL);
	server_stop(s);
	assert_int_equal(r.host.nservices, 1);
	sv = &r.host.services[0];
	assert_string_equal(sv->name, "ssh");
	assert_string_equal(sv->banner, "SSH-1.99-dropbear_2022.83");
	assert_string_equal(sv->product, "dropbear");
	assert_string_equal(sv->version, "2022.83");
	assert_contains(sv->info, "protocol 1.99");
	assert_contains(sv->info, "2 line(s) before the identification");
	host_facts_clear(&r.host);
}

/* An identification line past 255 bytes is not believed in full. */
static void test_ssh_too_long(void **state)
{
	char id[1200];
	server *s;
	scan_result r;

	(void)state;
	memcpy(id, "SSH-2.0-", 8);
	memset(id + 8, 'x', sizeof(id) - 8);
	s = server_start(serve_greeting, id, sizeof(id), NULL);
	scan_one(&r, s->port, BANNER_PROTO_SSH, 1000, NULL);
	server_stop(s);
	assert_int_equal(r.host.nservices, 1);
	assert_string_equal(r.host.services[0].name, "ssh");
	assert_true(strlen(r.host.services[0].banner) <= BANNER_MAX_SSH_LINE);
	assert_contains(r.host.services[0].info, "longer than 255");
	host_facts_clear(&r.host);
}

static void test_http(void **state)
{
	static const char resp[] =
	    "HTTP/1.1 200 OK\r\n"
	    "server:   Apache/2.4.57 (Debian)  \r\n"
	    "Content-Type: text/html\r\n"
	    "\r\n"
	    "<html><head><TITLE id=x>Tom &amp; Jerry&#39;s &lt;Admin&gt; &#x263A;</TITLE>"
	    "</head><body>hello</body></html>";
	server *s = server_start(serve_request, resp, strlen(resp), NULL);
	scan_result r;
	const service_fact *sv;
	char got[1024];

	(void)state;
	scan_one(&r, s->port, BANNER_PROTO_HTTP, 2000, NULL);
	server_stop_keep(s, got, sizeof(got), NULL);
	assert_contains(got, "GET / HTTP/1.0\r\n");
	assert_contains(got, "Host: 127.0.0.1\r\n");
	assert_contains(got, "User-Agent: netcensus/");
	assert_int_equal(r.host.nservices, 1);
	sv = &r.host.services[0];
	assert_string_equal(sv->name, "http");
	assert_string_equal(sv->banner, "Apache/2.4.57 (Debian)");
	assert_string_equal(sv->product, "Apache");
	assert_string_equal(sv->version, "2.4.57");
	assert_string_equal(sv->info, "status=200; title=Tom & Jerry's <Admin> \xe2\x98\xba");
	host_facts_clear(&r.host);
}

static void test_http_redirect_not_followed(void **state)
{
	static const char resp[] = "HTTP/1.1 302 Found\r\n"
				   "Location: https://login.example.net/sso?x=1\r\n"
				   "Content-Length: 0\r\n"
				   "\r\n";
	server *s = server_start(serve_request, resp, strlen(resp), NULL);
	scan_result r;

	(void)state;
	scan_one(&r, s->port, BANNER_PROTO_HTTP, 2000, NULL);
	server_stop(s);
	assert_int_equal(r.st.attempted, 1);
	assert_int_equal(r.host.nservices, 1);
	assert_string_equal(r.host.services[0].info,
			    "status=302; location=https://login.example.net/sso?x=1");
	assert_string_equal(r.host.services[0].banner, "HTTP/1.1 302 Found");
	host_facts_clear(&r.host);
}

/* 50 MB from the peer: we keep 64 KiB, hang up, and are done at once. */
static void test_http_flood_cut_off(void **state)
{
	server *s = server_start(serve_flood, NULL, 0, NULL);
	scan_result r;
	long long sent;

	(void)state;
	scan_one(&r, s->port, BANNER_PROTO_HTTP, 5000, NULL);
	server_stop_keep(s, NULL, 0, &sent); /* its send failed once we were gone */
	assert_true(sent < (long long)FLOOD_BYTES);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.st.cut_off, 1);
	assert_true(r.st.max_conn_bytes_in <= BANNER_MAX_CONN_BYTES);
	assert_true(r.st.max_conn_bytes_in >= BANNER_MAX_CONN_BYTES - 64);
	assert_int_equal(r.st.io_timeouts, 0); /* the byte cap ended it, not a timeout */
	assert_int_equal(r.host.nservices, 1);
	assert_string_equal(r.host.services[0].name, "http");
	assert_string_equal(r.host.services[0].product, "Flood");
	host_facts_clear(&r.host);
}

/* A peer that accepts and never speaks: the step times out, the service is
 * marked, and the loop goes on to the next target. */
static void test_silent_then_next(void **state)
{
	static const char id[] = "SSH-2.0-OpenSSH_9.6\r\n";
	server *quiet = server_start(serve_silent, NULL, 0, NULL);
	server *talk = server_start(serve_greeting, id, strlen(id), NULL);
	host_facts h1, h2;
	uint16_t p1 = quiet->port, p2 = talk->port;
	banner_proto ssh = BANNER_PROTO_SSH;
	banner_target_ex t[2] = {
	    {.host = &h1, .ports = &p1, .nports = 1, .protos = &ssh},
	    {.host = &h2, .ports = &p2, .nports = 1, .protos = &ssh},
	};
	banner_config cfg = {
	    .connect_timeout_ms = 1000, .io_timeout_ms = 300, .max_connections = 1};
	banner_stats st;
	uint64_t t0 = time_mono_ns();
	double el;

	(void)state;
	host_facts_init(&h1, LOOPBACK);
	host_facts_init(&h2, LOOPBACK);
	assert_int_equal(banner_scan_ex(&cfg, t, 2, &st), 0);
	el = (double)(time_mono_ns() - t0) / 1e9;
	server_stop(quiet);
	server_stop(talk);
	assert_true(el >= 0.25 && el < 2.0);
	assert_int_equal(st.peak_open, 1);
	assert_int_equal(st.silent, 1);
	assert_int_equal(st.io_timeouts, 1);
	assert_int_equal(h1.nservices, 1);
	assert_string_equal(h1.services[0].name, "unknown");
	assert_contains(h1.services[0].info, "no data within 300 ms");
	assert_int_equal(h2.nservices, 1);
	assert_string_equal(h2.services[0].name, "ssh");
	host_facts_clear(&h1);
	host_facts_clear(&h2);
}

/* A silent peer on a port we do not know gets an HTTP request after the
 * greeting wait; still silent: marked, not an error. */
static void test_generic_silent(void **state)
{
	server *s = server_start(serve_silent, NULL, 0, NULL);
	scan_result r;

	(void)state;
	scan_one(&r, s->port, BANNER_PROTO_AUTO, 400, NULL);
	server_stop(s);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.host.nservices, 1);
	assert_string_equal(r.host.services[0].name, "unknown");
	assert_int_equal(r.st.bytes_out > 0, 1); /* the GET went out */
	assert_int_equal(r.st.connect_timeouts, 0);
	host_facts_clear(&r.host);
}

static void test_refused(void **state)
{
	uint16_t port;
	int fd = listen_loopback(&port);
	scan_result r;

	(void)state;
	close(fd); /* nobody listens there now */
	scan_one(&r, port, BANNER_PROTO_SSH, 500, NULL);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.st.refused, 1);
	assert_int_equal(r.st.connected, 0);
	assert_int_equal(r.host.nservices, 0);
	assert_int_equal(r.host.nfacts, 0);
	host_facts_clear(&r.host);
}

static void test_ftp(void **state)
{
	static const char greet[] = "220-Welcome to the archive\r\n"
				    "220 (vsFTPd 3.0.3)\r\n";
	server *s = server_start(serve_greeting, greet, strlen(greet), NULL);
	scan_result r;

	(void)state;
	scan_one(&r, s->port, BANNER_PROTO_FTP, 2000, NULL);
	server_stop(s);
	assert_int_equal(r.host.nservices, 1);
	assert_string_equal(r.host.services[0].name, "ftp");
	assert_string_equal(r.host.services[0].banner,
			    "220-Welcome to the archive 220 (vsFTPd 3.0.3)");
	host_facts_clear(&r.host);
}

static void test_ftp_says_quit(void **state)
{
	static const char greet[] = "220 ProFTPD Server ready.\r\n";
	server *s = server_start(serve_greeting, greet, strlen(greet), NULL);
	scan_result r;
	char got[256];

	(void)state;
	scan_one(&r, s->port, BANNER_PROTO_FTP, 2000, NULL);
	server_stop_keep(s, got, sizeof(got), NULL);
	assert_string_equal(got, "QUIT\r\n");
	host_facts_clear(&r.host);
}

static void test_smtp(void **state)
{
	static const char greet[] = "220 Mail.Example.COM ESMTP Postfix (Debian/GNU)\r\n";
	server *s = server_start(serve_greeting, greet, strlen(greet), NULL);
	scan_result r;

	(void)state;
	scan_one(&r, s->port, BANNER_PROTO_SMTP, 2000, NULL);
	server_stop(s);
	assert_int_equal(r.host.nservices, 1);
	assert_string_equal(r.host.services[0].name, "smtp");
	assert_string_equal(r.host.services[0].banner,
			    "220 Mail.Example.COM ESMTP Postfix (Debian/GNU)");
	assert_string_equal(fact_of(&r.host, "host.fqdn", FACT_SRC_BANNER), "mail.example.com");
	assert_string_equal(fact_of(&r.host, "host.name", FACT_SRC_BANNER), "mail");
	host_facts_clear(&r.host);
}

/* On a port we do not know, the generic handler tells who greets. */
static void test_generic_identifies(void **state)
{
	static const struct {
		const char *greeting, *name;
	} cases[] = {
	    {"SSH-2.0-OpenSSH_9.2p1\r\n", "ssh"},
	    {"220 smtp.example.org ESMTP Exim 4.96\r\n", "smtp"},
	    {"220 FileZilla Server 1.7\r\n", "ftp"},
	    {"\xff\xfd\x18\xff\xfb\x01login: ", "telnet"},
	    {"+OK Dovecot ready.\r\n", "unknown"},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		server *s = server_start(serve_greeting, cases[i].greeting,
					 strlen(cases[i].greeting), NULL);
		scan_result r;

		scan_one(&r, s->port, BANNER_PROTO_AUTO, 1000, NULL);
		server_stop(s);
		assert_int_equal(r.host.nservices, 1);
		if (strcmp(r.host.services[0].name, cases[i].name) != 0)
			fail_msg("greeting %zu: got %s want %s", i, r.host.services[0].name,
				 cases[i].name);
		host_facts_clear(&r.host);
	}
}

/* A silent peer on an unknown port that answers HTTP once asked. */
static void test_generic_http(void **state)
{
	static const char resp[] = "HTTP/1.0 401 Unauthorized\r\nServer: lighttpd/1.4.69\r\n\r\n";
	server *s = server_start(serve_request, resp, strlen(resp), NULL);
	scan_result r;

	(void)state;
	scan_one(&r, s->port, BANNER_PROTO_AUTO, 600, NULL);
	server_stop(s);
	assert_int_equal(r.host.nservices, 1);
	assert_string_equal(r.host.services[0].name, "http");
	assert_string_equal(r.host.services[0].product, "lighttpd");
	assert_string_equal(r.host.services[0].version, "1.4.69");
	assert_string_equal(r.host.services[0].info, "status=401");
	host_facts_clear(&r.host);
}

static void test_telnet(void **state)
{
	server *s = server_start(serve_telnet, NULL, 0, NULL);
	scan_result r;
	static const uint8_t refusals[] = {0xff, 0xfc, 0x18, 0xff, 0xfe, 0x01};
	char got[64];

	(void)state;
	scan_one(&r, s->port, BANNER_PROTO_TELNET, 2000, NULL);
	server_stop_keep(s, got, sizeof(got), NULL);
	assert_memory_equal(got, refusals, sizeof(refusals));
	assert_int_equal(got[sizeof(refusals)], '\0');
	assert_int_equal(r.host.nservices, 1);
	assert_string_equal(r.host.services[0].name, "telnet");
	assert_string_equal(r.host.services[0].banner, "Ubuntu 22.04 LTS router login:");
	assert_int_equal(r.st.io_timeouts, 0); /* the prompt ends it, not a timeout */
	host_facts_clear(&r.host);
}

static void test_https_certificate(void **state)
{
	static const char resp[] = "HTTP/1.1 200 OK\r\nServer: TestTLS/1.0\r\n\r\n"
				   "<title>Secure &amp; sound</title>";
	SSL_CTX *ctx = tls_server_ctx("TLS-Test.example.net",
				      "DNS:tls-test.example.net,DNS:alt.example.net,IP:127.0.0.1");
	server *s = server_start(serve_tls_http, resp, strlen(resp), ctx);
	scan_result r;
	const service_fact *sv;
	char got[1024];

	(void)state;
	scan_one(&r, s->port, BANNER_PROTO_HTTPS, 3000, NULL);
	server_stop_keep(s, got, sizeof(got), NULL);
	assert_contains(got, "GET / HTTP/1.0\r\n");
	assert_int_equal(r.st.tls_ok, 1);
	assert_int_equal(r.host.nservices, 1);
	sv = &r.host.services[0];
	assert_string_equal(sv->name, "https");
	assert_string_equal(sv->product, "TestTLS");
	assert_contains(sv->info, "title=Secure & sound");
	assert_contains(sv->info, "subject=CN=TLS-Test.example.net,O=netcensus test");
	assert_contains(sv->info, "san=tls-test.example.net,alt.example.net,127.0.0.1");
	assert_contains(sv->info, "tls=TLSv1.");
	assert_string_equal(fact_of(&r.host, "host.fqdn", FACT_SRC_BANNER), "tls-test.example.net");
	assert_string_equal(fact_of(&r.host, "host.name", FACT_SRC_BANNER), "tls-test");
	assert_true(fact_conf(&r.host, "host.fqdn", "tls-test.example.net") <= 50);
	/* only the first DNS name of the SAN speaks for the host */
	assert_int_equal(fact_conf(&r.host, "host.fqdn", "alt.example.net"), -1);
	host_facts_clear(&r.host);
}

static void test_tls_only(void **state)
{
	SSL_CTX *ctx = tls_server_ctx("winrm01.corp.example.org", NULL);
	server *s = server_start(serve_tls_only, NULL, 0, ctx);
	scan_result r;

	(void)state;
	scan_one(&r, s->port, BANNER_PROTO_TLS, 3000, NULL);
	server_stop(s);
	assert_int_equal(r.host.nservices, 1);
	assert_string_equal(r.host.services[0].name, "tls");
	assert_contains(r.host.services[0].info, "subject=CN=winrm01.corp.example.org");
	assert_null(strstr(r.host.services[0].info, "san="));
	assert_string_equal(fact_of(&r.host, "host.domain", FACT_SRC_BANNER), "corp.example.org");
	host_facts_clear(&r.host);
}

/* A TLS server on a port we do not know: it stays silent, takes our HTTP
 * request for a broken handshake and answers with an alert. */
static void test_generic_tls_alert(void **state)
{
	static const char alert[] = "\x15\x03\x03\x00\x02\x02\x46";
	server *s = server_start(serve_request, alert, sizeof(alert) - 1, NULL);
	scan_result r;

	(void)state;
	scan_one(&r, s->port, BANNER_PROTO_AUTO, 400, NULL);
	server_stop(s);
	assert_int_equal(r.host.nservices, 1);
	assert_string_equal(r.host.services[0].name, "tls");
	host_facts_clear(&r.host);
}

/* A plain-text peer where TLS was expected: open, but no certificate. */
static void test_tls_failure(void **state)
{
	static const char greet[] = "SSH-2.0-OpenSSH_9.2\r\n";
	server *s = server_start(serve_greeting, greet, strlen(greet), NULL);
	scan_result r;

	(void)state;
	scan_one(&r, s->port, BANNER_PROTO_HTTPS, 1000, NULL);
	server_stop(s);
	assert_int_equal(r.st.tls_failed, 1);
	assert_int_equal(r.host.nservices, 1);
	assert_string_equal(r.host.services[0].name, "unknown");
	assert_contains(r.host.services[0].info, "tls handshake failed");
	host_facts_clear(&r.host);
}

static void test_rdp(void **state)
{
	SSL_CTX *ctx = tls_server_ctx("WIN-RDP01.corp.example.com", NULL);
	server *s = server_start(serve_rdp, NULL, 0, ctx);
	scan_result r;
	char got[64];
	static const uint8_t want_req[19] = {0x03, 0x00, 0x00, 0x13, 0x0e, 0xe0, 0x00,
					     0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x08,
					     0x00, 0x03, 0x00, 0x00, 0x00};

	(void)state;
	scan_one(&r, s->port, BANNER_PROTO_RDP, 3000, NULL);
	server_stop_keep(s, got, sizeof(got), NULL);
	assert_memory_equal(got, want_req, sizeof(want_req));
	assert_int_equal(r.st.tls_ok, 1);
	assert_int_equal(r.host.nservices, 1);
	assert_string_equal(r.host.services[0].name, "rdp");
	assert_contains(r.host.services[0].info, "security=credssp");
	assert_contains(r.host.services[0].info, "subject=CN=WIN-RDP01.corp.example.com");
	assert_string_equal(fact_of(&r.host, "host.fqdn", FACT_SRC_BANNER),
			    "win-rdp01.corp.example.com");
	assert_string_equal(fact_of(&r.host, "host.name", FACT_SRC_BANNER), "win-rdp01");
	assert_string_equal(fact_of(&r.host, "os.family", FACT_SRC_BANNER), "Windows");
	host_facts_clear(&r.host);
}

static char *load(const char *name, size_t *len)
{
	char path[512];
	FILE *f;
	char *buf = malloc(65536);

	snprintf(path, sizeof(path), "%s/%s", NC_TEST_DATA, name);
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	assert_non_null(buf);
	*len = fread(buf, 1, 65536, f);
	fclose(f);
	return buf;
}

/* Samba 4.17 as captured (tests/data/smb): names, dialect, signing, the
 * clock, and Samba named as such. */
static void test_smb_samba(void **state)
{
	size_t nlen, slen;
	char *neg = load("smb/samba_negotiate_response.bin", &nlen);
	char *ses = load("smb/samba_session_setup_response.bin", &slen);
	server *s = server_start(serve_smb, neg, nlen, NULL);
	scan_result r;
	const service_fact *sv;
	char got[4096];

	(void)state;
	s->reply2 = ses;
	s->reply2_len = slen;
	scan_one(&r, s->port, BANNER_PROTO_SMB, 2000, NULL);
	server_stop_keep(s, got, sizeof(got), NULL);
	assert_memory_equal(got + 4, "\xfeSMB", 4); /* an SMB2 NEGOTIATE went out */
	assert_int_equal(r.host.nservices, 1);
	sv = &r.host.services[0];
	assert_int_equal(sv->source, FACT_SRC_SMB);
	assert_string_equal(sv->name, "smb");
	assert_string_equal(sv->product, "Samba");
	assert_null(sv->version); /* the dialect is not Samba's version */
	assert_contains(sv->info, "SMB 3.1.1");
	assert_contains(sv->info, "signing enabled");
	assert_contains(sv->info, "name=NCLABSMB");
	assert_string_equal(fact_of(&r.host, "smb.dialect", FACT_SRC_SMB), "SMB 3.1.1");
	assert_string_equal(fact_of(&r.host, "smb.signing", FACT_SRC_SMB), "enabled");
	assert_string_equal(fact_of(&r.host, "smb.netbios_name", FACT_SRC_SMB), "NCLABSMB");
	assert_string_equal(fact_of(&r.host, "smb.dns_domain", FACT_SRC_SMB), "nclab.test");
	assert_string_equal(fact_of(&r.host, "host.fqdn", FACT_SRC_SMB), "nclabsmb.nclab.test");
	assert_non_null(fact_of(&r.host, "host.name", FACT_SRC_SMB));
	assert_non_null(fact_of(&r.host, "smb.system_time", FACT_SRC_SMB));
	assert_int_equal(strlen(fact_of(&r.host, "smb.system_time", FACT_SRC_SMB)), 20);
	assert_string_equal(fact_of(&r.host, "os.family", FACT_SRC_SMB), "Linux");
	assert_true(fact_conf(&r.host, "os.family", "Linux") <= 40);
	assert_null(fact_of(&r.host, "os.name", FACT_SRC_SMB));
	host_facts_clear(&r.host);
	free(neg);
	free(ses);
}

/* The same exchange with the NTLMSSP VERSION of a Windows Server 2022. */
static void test_smb_windows(void **state)
{
	size_t nlen, slen;
	char *neg = load("smb/samba_negotiate_response.bin", &nlen);
	char *ses = load("smb/samba_session_setup_response.bin", &slen);
	char *ntlm = memmem(ses, slen, "NTLMSSP\0", 8);
	server *s;
	scan_result r;

	(void)state;
	assert_non_null(ntlm);
	assert_true(ntlm + 56 <= ses + slen);
	ntlm[48] = 10; /* major */
	ntlm[49] = 0;  /* minor */
	ntlm[50] = (char)(20348 & 0xff);
	ntlm[51] = (char)(20348 >> 8);
	s = server_start(serve_smb, neg, nlen, NULL);
	s->reply2 = ses;
	s->reply2_len = slen;
	scan_one(&r, s->port, BANNER_PROTO_SMB, 2000, NULL);
	server_stop(s);
	assert_int_equal(r.host.nservices, 1);
	assert_string_equal(r.host.services[0].product, "Windows SMB");
	assert_contains(r.host.services[0].info, "os=10.0.20348");
	assert_string_equal(fact_of(&r.host, "os.family", FACT_SRC_SMB), "Windows");
	assert_string_equal(fact_of(&r.host, "os.name", FACT_SRC_SMB), "Windows Server 2022");
	assert_string_equal(fact_of(&r.host, "os.build", FACT_SRC_SMB), "20348");
	assert_string_equal(fact_of(&r.host, "smb.os_version", FACT_SRC_SMB), "10.0.20348");
	host_facts_clear(&r.host);
	free(neg);
	free(ses);
}

/* A NEGOTIATE answered by garbage, and one answered with an absurd frame
 * length: open, not believed, no hang. */
static void test_smb_garbage(void **state)
{
	static const char junk[] = "\x00\x00\x00\x08garbage!";
	static const char huge[] = "\x00\xff\xff\xff\xfeSMB";
	server *s1 = server_start(serve_smb, junk, sizeof(junk) - 1, NULL);
	server *s2 = server_start(serve_smb, huge, sizeof(huge) - 1, NULL);
	scan_result r1, r2;

	(void)state;
	scan_one(&r1, s1->port, BANNER_PROTO_SMB, 1000, NULL);
	scan_one(&r2, s2->port, BANNER_PROTO_SMB, 1000, NULL);
	server_stop(s1);
	server_stop(s2);
	assert_int_equal(r1.host.nservices, 1);
	assert_string_equal(r1.host.services[0].name, "unknown");
	assert_int_equal(r2.host.nservices, 1);
	assert_string_equal(r2.host.services[0].name, "unknown");
	assert_int_equal(r2.st.io_timeouts, 0); /* rejected at once, not timed out */
	host_facts_clear(&r1.host);
	host_facts_clear(&r2.host);
}

/* ------------------------------------------------ with rules (tests/data) */

static rules_t *test_rules(void)
{
	rules_t *r = rules_new();

	assert_non_null(r);
	assert_int_equal(rules_load_dir(r, NC_TEST_DATA "/banner/rules"), 0);
	return r;
}

static void assert_fact(const host_facts *h, const char *key, const char *value, int conf)
{
	int got = fact_conf(h, key, value);

	if (got < 0)
		fail_msg("no fact %s=%s", key, value);
	if (conf >= 0 && got != conf)
		fail_msg("fact %s=%s has confidence %d, want %d", key, value, got, conf);
}

/* recog params become the service's product/version and host facts. */
static void test_rules_ssh(void **state)
{
	static const char id[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n";
	rules_t *rules = test_rules();
	server *s = server_start(serve_greeting, id, strlen(id), NULL);
	scan_result r;

	(void)state;
	scan_one_rules(&r, s->port, BANNER_PROTO_SSH, 2000, NULL, rules);
	server_stop(s);
	assert_int_equal(r.host.nservices, 1);
	assert_string_equal(r.host.services[0].product, "OpenSSH");
	assert_string_equal(r.host.services[0].version, "9.2p1");
	assert_fact(&r.host, "os.family", "Linux", 60);
	assert_fact(&r.host, "os.name", "Debian Linux", 60);
	assert_fact(&r.host, "os.vendor", "Debian", 60);
	assert_fact(&r.host, "os.version", "12", 60);
	assert_string_equal(fact_of(&r.host, "os.family", FACT_SRC_BANNER), "Linux");
	host_facts_clear(&r.host);
	rules_free(rules);
}

static void test_rules_http(void **state)
{
	static const char resp[] = "HTTP/1.1 200 OK\r\nServer: Microsoft-IIS/10.0\r\n\r\n"
				   "<title>HP  LaserJet M404 &amp; friends</title>";
	rules_t *rules = test_rules();
	server *s = server_start(serve_request, resp, strlen(resp), NULL);
	scan_result r;

	(void)state;
	scan_one_rules(&r, s->port, BANNER_PROTO_HTTP, 2000, NULL, rules);
	server_stop(s);
	assert_int_equal(r.host.nservices, 1);
	assert_string_equal(r.host.services[0].product, "IIS");
	assert_string_equal(r.host.services[0].version, "10.0");
	assert_contains(r.host.services[0].info, "title=HP LaserJet M404 & friends");
	assert_fact(&r.host, "os.family", "Windows", 60);
	assert_fact(&r.host, "os.name", "Windows Server", 60);
	assert_fact(&r.host, "hw.vendor", "HP", 50);
	assert_fact(&r.host, "hw.model", "M404", 50);
	assert_fact(&r.host, "device.type", "printer", 50);
	host_facts_clear(&r.host);
	rules_free(rules);
}

static void test_rules_cert_subject(void **state)
{
	rules_t *rules = test_rules();
	SSL_CTX *ctx = tls_server_ctx("ExampleGate", NULL);
	server *s;
	scan_result r;

	(void)state;
	/* tls_server_ctx puts O before CN; RFC 2253 prints them reversed */
	s = server_start(serve_tls_only, NULL, 0, ctx);
	scan_one_rules(&r, s->port, BANNER_PROTO_TLS, 2000, NULL, NULL);
	assert_int_equal(r.host.nservices, 1);
	assert_contains(r.host.services[0].info, "subject=CN=ExampleGate,O=netcensus test");
	host_facts_clear(&r.host);
	server_stop(s);

	ctx = tls_server_ctx_org("ExampleGate", "Example Networks");
	s = server_start(serve_tls_only, NULL, 0, ctx);
	scan_one_rules(&r, s->port, BANNER_PROTO_TLS, 2000, NULL, rules);
	server_stop(s);
	assert_int_equal(r.host.nservices, 1);
	assert_fact(&r.host, "device.type", "network", 50);
	assert_fact(&r.host, "hw.vendor", "Example Networks", 50);
	assert_fact(&r.host, "hw.model", "EG-100", 50);
	host_facts_clear(&r.host);
	rules_free(rules);
}

static void test_rules_telnet_bytes(void **state)
{
	rules_t *rules = test_rules();
	server *s = server_start(serve_telnet, NULL, 0, NULL);
	scan_result r;

	(void)state;
	scan_one_rules(&r, s->port, BANNER_PROTO_TELNET, 2000, NULL, rules);
	server_stop(s);
	assert_int_equal(r.host.nservices, 1);
	assert_fact(&r.host, "os.name", "Ubuntu Linux", 60);
	assert_fact(&r.host, "os.version", "22.04", 60);
	assert_fact(&r.host, "host.name", "router", -1);
	host_facts_clear(&r.host);
	rules_free(rules);
}

/*
 * Bytes captured from real servers (tests/data/banner/captured, see its
 * README), replayed as they were sent: Debian 12's sshd (identification line
 * and then its binary KEXINIT), Python's http.server, openssl s_server.
 */
static void test_captured_banners(void **state)
{
	size_t len;
	char *ssh = load("banner/captured/sshd-openssh92-debian12.bin", &len);
	server *s = server_start(serve_greeting, ssh, len, NULL);
	rules_t *rules = rules_new();
	const service_fact *sv;
	scan_result r;
	uint16_t port = s->port;
	char *http;

	(void)state;
	assert_non_null(rules);
	assert_int_equal(rules_load_dir(rules, rules_default_dir()), 0);
	port = s->port;
	scan_one_rules(&r, port, BANNER_PROTO_SSH, 2000, NULL, rules);
	server_stop(s);
	assert_non_null(sv = service_at(&r.host, port));
	assert_string_equal(sv->name, "ssh");
	/* the line only: the KEXINIT that follows it is not part of it */
	assert_string_equal(sv->banner, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10");
	assert_string_equal(sv->product, "OpenSSH");
	assert_string_equal(sv->version, "9.2p1");
	assert_string_equal(fact_of(&r.host, "os.vendor", FACT_SRC_BANNER), "Debian");
	host_facts_clear(&r.host);

	http = load("banner/captured/http-python-httpserver.bin", &len);
	s = server_start(serve_request, http, len, NULL);
	port = s->port;
	scan_one_rules(&r, port, BANNER_PROTO_HTTP, 2000, NULL, rules);
	server_stop(s);
	assert_non_null(sv = service_at(&r.host, port));
	assert_string_equal(sv->name, "http");
	assert_string_equal(sv->banner, "SimpleHTTP/0.6 Python/3.11.7");
	assert_non_null(sv->info);
	assert_non_null(strstr(sv->info, "title=Lab & Python http.server"));
	host_facts_clear(&r.host);
	free(http);

	/* s_server -www sends no Server header and no title: still http */
	http = load("banner/captured/https-openssl-s_server.bin", &len);
	s = server_start(serve_request, http, len, NULL);
	port = s->port;
	scan_one_rules(&r, port, BANNER_PROTO_HTTP, 2000, NULL, rules);
	server_stop(s);
	assert_non_null(sv = service_at(&r.host, port));
	assert_string_equal(sv->name, "http");
	host_facts_clear(&r.host);
	free(http);
	free(ssh);
	rules_free(rules);
}

/*
 * The rule set we ship (rules/, rules_default_dir()) documents the input of
 * each database; what the handlers pass must be exactly that. One greeting
 * per database, from the rules' own examples.
 */
static void test_shipped_rules(void **state)
{
	static const char telnet_bytes[] = "\xff\xfb\x01\xff\xfb\x03\xff\xfd\x18\xff\xfd\x1f"
					   "Ubuntu 22.04.3 LTS\r\nweb01 login: ";
	static const struct {
		banner_proto proto;
		serve_fn fn;
		const char *reply;
		const char *key, *value; /* a fact the rules give */
		const char *product;	 /* or NULL */
	} cases[] = {
	    {BANNER_PROTO_SSH, serve_greeting, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n",
	     "os.vendor", "Debian", "OpenSSH"},
	    {BANNER_PROTO_HTTP, serve_request,
	     "HTTP/1.0 200 OK\r\nServer: Microsoft-IIS/10.0\r\n\r\n", "os.family", "Windows",
	     "IIS"},
	    {BANNER_PROTO_HTTP, serve_request,
	     "HTTP/1.0 200 OK\r\n\r\n<title>RouterOS router\n configuration page</title>",
	     "device.type", "network", NULL},
	    {BANNER_PROTO_SMTP, serve_greeting,
	     "220 mail.example.org ESMTP Postfix (Debian/GNU)\r\n", "host.fqdn", "mail.example.org",
	     "Postfix"},
	    {BANNER_PROTO_FTP, serve_greeting, "220 (vsFTPd 3.0.5)\r\n", NULL, NULL, "vsftpd"},
	    {BANNER_PROTO_TELNET, serve_greeting, telnet_bytes, "host.name", "web01", NULL},
	};
	rules_t *rules = rules_new();

	(void)state;
	assert_non_null(rules);
	if (rules_load_dir(rules, rules_default_dir()) != 0) {
		rules_free(rules);
		skip(); /* an installed copy without its rules */
	}
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t len = cases[i].reply == telnet_bytes ? sizeof(telnet_bytes) - 1
							    : strlen(cases[i].reply);
		server *s = server_start(cases[i].fn, cases[i].reply, len, NULL);
		scan_result r;

		scan_one_rules(&r, s->port, cases[i].proto, 2000, NULL, rules);
		server_stop(s);
		assert_int_equal(r.host.nservices, 1);
		if (cases[i].key != NULL && fact_conf(&r.host, cases[i].key, cases[i].value) < 0)
			fail_msg("case %zu: no fact %s=%s", i, cases[i].key, cases[i].value);
		if (cases[i].product != NULL)
			assert_string_equal(r.host.services[0].product, cases[i].product);
		host_facts_clear(&r.host);
	}
	rules_free(rules);
}

/* One scan: every handler against the same server at once. */
static void check_random_round(uint16_t port, const banner_proto *protos, size_t n)
{
	host_facts hosts[16];
	banner_target_ex t[16];
	banner_config cfg = {.connect_timeout_ms = 1000, .io_timeout_ms = 300};

	assert_true(n <= ARRAY_SIZE(hosts));
	for (size_t p = 0; p < n; p++) {
		host_facts_init(&hosts[p], LOOPBACK);
		t[p] = (banner_target_ex){
		    .host = &hosts[p], .ports = &port, .nports = 1, .protos = &protos[p]};
	}
	assert_int_equal(banner_scan_ex(&cfg, t, n, NULL), 0);
	for (size_t p = 0; p < n; p++) {
		const host_facts *h = &hosts[p];

		for (size_t i = 0; i < h->nservices; i++) {
			const service_fact *sv = &h->services[i];

			assert_true(is_clean(sv->name) && is_clean(sv->product) &&
				    is_clean(sv->version) && is_clean(sv->info) &&
				    is_clean(sv->banner));
		}
		for (size_t i = 0; i < h->nfacts; i++)
			assert_true(is_clean(h->facts[i].value));
		host_facts_clear(&hosts[p]);
	}
}

/* Random bytes to every handler (a small fuzz under ASan/valgrind): no
 * crash, no hang, every fact clean. NC_BANNER_FUZZ=N runs N rounds. */
static void test_random_peers(void **state)
{
	static const banner_proto protos[] = {
	    BANNER_PROTO_GENERIC, BANNER_PROTO_SSH,  BANNER_PROTO_FTP, BANNER_PROTO_SMTP,
	    BANNER_PROTO_TELNET,  BANNER_PROTO_HTTP, BANNER_PROTO_RDP, BANNER_PROTO_SMB,
	};
#define PREFIX(s)                                                                                  \
	{                                                                                          \
		s, sizeof(s) - 1                                                                   \
	}
	static const struct {
		const char *bytes;
		size_t len;
	} prefixes[] = {
	    PREFIX(""),
	    PREFIX("SSH-2.0-"),
	    PREFIX("220 "),
	    PREFIX("HTTP/1.0 200 OK\r\n"),
	    PREFIX("\xff\xfa"),
	    PREFIX("\x03\x00\x00\x13\x0e\xd0"),
	    PREFIX("\x00\x00\x01\x00\xfeSMB"),
	};
#undef PREFIX
	const char *env = getenv("NC_BANNER_FUZZ");
	unsigned rounds = env != NULL ? (unsigned)strtoul(env, NULL, 10) : 2;
	uint32_t seed = 0x9e3779b9u;
	char *buf = malloc(8192);

	(void)state;
	assert_non_null(buf);
	for (unsigned round = 0; round < rounds; round++) {
		for (size_t k = 0; k < ARRAY_SIZE(prefixes); k++) {
			size_t pl = prefixes[k].len;
			size_t len;
			server *s;

			memcpy(buf, prefixes[k].bytes, pl);
			seed = seed * 1103515245u + 12345u;
			len = pl + seed % (8192 - pl);
			for (size_t i = pl; i < len; i++) {
				seed ^= seed << 13;
				seed ^= seed >> 17;
				seed ^= seed << 5;
				/* lots of CR, LF, IAC and '<' to reach the parsers' corners */
				buf[i] = (seed & 7) == 0    ? '\n'
					 : (seed & 15) == 1 ? '\r'
					 : (seed & 31) == 2 ? (char)0xff
					 : (seed & 63) == 3 ? '<'
							    : (char)(seed >> 8);
			}
			s = server_start(serve_greet_close, buf, len, NULL);
			check_random_round(s->port, protos, ARRAY_SIZE(protos));
			server_stop(s);
		}
	}
	free(buf);
}

/* Bytes no one should believe end up clean in every fact. */
static void test_hostile_bytes(void **state)
{
	static const char id[] = "SSH-2.0-Evil\xff\xfe_1.0\x01\x1b[31m\x7f \xc3\x28 bad\x00zz\r\n";
	static const char resp[] = "HTTP/1.1 200 \x1b]0;pwn\x07\r\n"
				   "Server: Bad\xc0\xaf/1\x02\r\n\r\n"
				   "<title>\x01\xed\xa0\x80 x &#27;&#x7f;</title>";
	server *s1 = server_start(serve_greeting, id, sizeof(id) - 1, NULL);
	server *s2 = server_start(serve_request, resp, sizeof(resp) - 1, NULL);
	scan_result r1, r2;

	(void)state;
	scan_one(&r1, s1->port, BANNER_PROTO_SSH, 1000, NULL);
	scan_one(&r2, s2->port, BANNER_PROTO_HTTP, 1000, NULL);
	server_stop(s1);
	server_stop(s2);
	assert_int_equal(r1.host.nservices, 1);
	assert_int_equal(r2.host.nservices, 1);
	for (int k = 0; k < 2; k++) {
		const host_facts *h = k == 0 ? &r1.host : &r2.host;
		const service_fact *sv = &h->services[0];

		assert_true(is_clean(sv->name));
		assert_true(is_clean(sv->product));
		assert_true(is_clean(sv->version));
		assert_true(is_clean(sv->info));
		assert_true(is_clean(sv->banner));
		for (size_t i = 0; i < h->nfacts; i++)
			assert_true(is_clean(h->facts[i].value));
	}
	/* the NUL did not cut the banner short */
	assert_contains(r1.host.services[0].banner, "bad?zz");
	assert_contains(r1.host.services[0].banner, "\xef\xbf\xbd");
	host_facts_clear(&r1.host);
	host_facts_clear(&r2.host);
}

/* A stop request ends the scan promptly; what was open is still recorded. */
static volatile sig_atomic_t stop_flag;

static void *raise_stop(void *arg)
{
	(void)arg;
	time_sleep_ns(200 * 1000000ull);
	stop_flag = 1;
	return NULL;
}

static void test_stop(void **state)
{
	server *s = server_start(serve_silent, NULL, 0, NULL);
	scan_result r;
	pthread_t thr;

	(void)state;
	stop_flag = 0;
	assert_int_equal(pthread_create(&thr, NULL, raise_stop, NULL), 0);
	scan_one(&r, s->port, BANNER_PROTO_SSH, 10000, &stop_flag);
	pthread_join(thr, NULL);
	server_stop(s);
	assert_int_equal(r.rc, 0);
	assert_true(r.elapsed < 9.0); /* the stop ended it, before the 10 s timeout */
	assert_int_equal(r.host.nservices, 1);
	assert_contains(r.host.services[0].info, "interrupted");
	host_facts_clear(&r.host);
}

/* 500 conversations through 64 slots: all answered, never more than 64
 * sockets, none left behind. */
static void test_many_connections(void **state)
{
	enum { N = 500 };
	static const char id[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n";
	size_t fds_before = open_fds(), answered = 0;
	server *s = server_start(serve_greet_close, id, strlen(id), NULL);
	host_facts *hosts = calloc(N, sizeof(*hosts));
	banner_target_ex *t = calloc(N, sizeof(*t));
	banner_proto ssh = BANNER_PROTO_SSH;
	uint16_t port = s->port;
	banner_config cfg = {
	    .connect_timeout_ms = 2000, .io_timeout_ms = 3000, .max_connections = 64};
	banner_stats st;

	(void)state;
	assert_non_null(hosts);
	assert_non_null(t);
	for (size_t i = 0; i < N; i++) {
		host_facts_init(&hosts[i], LOOPBACK);
		t[i] = (banner_target_ex){
		    .host = &hosts[i], .ports = &port, .nports = 1, .protos = &ssh};
	}
	assert_int_equal(banner_scan_ex(&cfg, t, N, &st), 0);
	server_stop(s);
	assert_int_equal(open_fds(), fds_before);
	assert_int_equal(st.attempted, N);
	assert_true(st.peak_open <= 64);
	for (size_t i = 0; i < N; i++) {
		if (hosts[i].nservices == 1 && strcmp(hosts[i].services[0].name, "ssh") == 0)
			answered++;
		host_facts_clear(&hosts[i]);
	}
	assert_int_equal(answered, N);
	print_message("# %d connections in %.3f s: %.0f connections/s, peak %zu open\n", N,
		      st.elapsed_s, N / st.elapsed_s, st.peak_open);
	free(hosts);
	free(t);
}

/* One target, several ports: every port is tried, services land per port. */
static void test_ports_of_one_host(void **state)
{
	static const char ssh_id[] = "SSH-2.0-OpenSSH_9.2\r\n";
	static const char ftp_id[] = "220 ready\r\n";
	server *a = server_start(serve_greeting, ssh_id, strlen(ssh_id), NULL);
	server *b = server_start(serve_greeting, ftp_id, strlen(ftp_id), NULL);
	uint16_t closed;
	int cfd = listen_loopback(&closed);
	host_facts h;
	uint16_t ports[3];
	banner_proto protos[3] = {BANNER_PROTO_SSH, BANNER_PROTO_AUTO, BANNER_PROTO_FTP};
	banner_target_ex t = {.host = &h, .ports = ports, .nports = 3, .protos = protos};
	banner_config cfg = {.io_timeout_ms = 1000};
	banner_stats st;

	(void)state;
	close(cfd);
	ports[0] = a->port;
	ports[1] = closed;
	ports[2] = b->port;
	host_facts_init(&h, LOOPBACK);
	assert_int_equal(banner_scan_ex(&cfg, &t, 1, &st), 0);
	server_stop(a);
	server_stop(b);
	assert_int_equal(st.attempted, 3);
	assert_int_equal(st.refused, 1);
	assert_int_equal(h.nservices, 2);
	assert_string_equal(service_at(&h, ports[0])->name, "ssh");
	assert_string_equal(service_at(&h, ports[2])->name, "ftp");
	assert_null(service_at(&h, closed));
	host_facts_clear(&h);
}

/* banner_scan() (no overrides) on an empty and a port-less target list. */
static void test_scan_plain(void **state)
{
	host_facts h;
	banner_target t = {.host = &h, .ports = NULL, .nports = 0};
	banner_config cfg = {0};

	(void)state;
	host_facts_init(&h, LOOPBACK);
	assert_int_equal(banner_scan(&cfg, NULL, 0), 0);
	assert_int_equal(banner_scan(&cfg, &t, 1), 0);
	assert_int_equal(h.nservices, 0);
	host_facts_clear(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_proto_map),
	    cmocka_unit_test(test_http_title),
	    cmocka_unit_test(test_scan_plain),
	    cmocka_unit_test(test_ssh),
	    cmocka_unit_test(test_ssh_sends_identification),
	    cmocka_unit_test(test_ssh_prebanner),
	    cmocka_unit_test(test_ssh_too_long),
	    cmocka_unit_test(test_http),
	    cmocka_unit_test(test_http_redirect_not_followed),
	    cmocka_unit_test(test_http_flood_cut_off),
	    cmocka_unit_test(test_silent_then_next),
	    cmocka_unit_test(test_generic_silent),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_ftp),
	    cmocka_unit_test(test_ftp_says_quit),
	    cmocka_unit_test(test_smtp),
	    cmocka_unit_test(test_generic_identifies),
	    cmocka_unit_test(test_generic_http),
	    cmocka_unit_test(test_telnet),
	    cmocka_unit_test(test_https_certificate),
	    cmocka_unit_test(test_tls_only),
	    cmocka_unit_test(test_tls_failure),
	    cmocka_unit_test(test_generic_tls_alert),
	    cmocka_unit_test(test_rdp),
	    cmocka_unit_test(test_smb_samba),
	    cmocka_unit_test(test_smb_windows),
	    cmocka_unit_test(test_smb_garbage),
	    cmocka_unit_test(test_rules_ssh),
	    cmocka_unit_test(test_rules_http),
	    cmocka_unit_test(test_rules_cert_subject),
	    cmocka_unit_test(test_rules_telnet_bytes),
	    cmocka_unit_test(test_shipped_rules),
	    cmocka_unit_test(test_captured_banners),
	    cmocka_unit_test(test_hostile_bytes),
	    cmocka_unit_test(test_random_peers),
	    cmocka_unit_test(test_stop),
	    cmocka_unit_test(test_many_connections),
	    cmocka_unit_test(test_ports_of_one_host),
	};

	signal(SIGPIPE, SIG_IGN);
	if (getenv("NC_DEBUG") != NULL) /* "state X -> Y" of every connection */
		log_set_level(LOG_LVL_DEBUG);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
