/*
 * banner_int.h — what the banner event loop and its protocol handlers share.
 *
 * Private to src/fingerprint/banner*.c. The loop (banner_loop.c) owns the
 * sockets, the timers, TLS and the byte buffers; a handler (one file per
 * protocol, curl's protocol handlers are the model) owns the conversation:
 * it is told when the connection is up, when bytes arrived or left, when its
 * step timer ran out, and at the end records what it learned. Handlers never
 * touch the socket and never block.
 */
#ifndef NC_FINGERPRINT_BANNER_INT_H
#define NC_FINGERPRINT_BANNER_INT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "fingerprint/banner.h"
#include "fingerprint/smb.h"

#define BANNER_OUT_MAX 2048	  /* one request at a time, the biggest is SMB's */
#define BANNER_TEXT_MAX 2048	  /* telnet text after IAC stripping */
#define BANNER_RULE_TEXT_MAX 1024 /* what is matched against the rules */

typedef struct banner_conn banner_conn;

enum { BANNER_MORE = 0, BANNER_DONE = 1 };

/*
 * A protocol handler. Every callback runs on the loop thread, must not block
 * and may only talk to the peer through banner_conn_send() and read c->in.
 */
typedef struct banner_handler {
	const char *name;	   /* for logs: "ssh", "http", ... */
	const char *const *states; /* state names for "state X -> Y", by c->state */
	size_t nstates;
	bool tls_first; /* the loop runs the TLS handshake before connected() */
	/*
	 * The connection is up (and TLS, if tls_first). Set the first state with
	 * banner_conn_state(), queue the first request if the protocol starts
	 * with the client. Return BANNER_MORE or BANNER_DONE.
	 */
	int (*connected)(banner_conn *c);
	/*
	 * Progress: new bytes were appended to c->in (c->eof / c->cut_off may
	 * have become true), the queued output drained, or a TLS handshake the
	 * handler asked for finished (c->tls_done or c->tls_failed). Consume
	 * input with banner_conn_consume() or leave it for finish(). Return
	 * BANNER_DONE when the conversation is over. Returning BANNER_MORE at
	 * EOF or with a full buffer also ends it (there is nothing more to read).
	 */
	int (*doing)(banner_conn *c);
	/*
	 * The step timer ran out. Return BANNER_MORE after starting a new step
	 * (the generic handler probes a silent peer), else BANNER_DONE. NULL:
	 * done. c->timed_out is set when this returns BANNER_DONE.
	 */
	int (*timeout)(banner_conn *c);
	/*
	 * The conversation is over, for whatever reason (done, EOF, timeout,
	 * cut off, TLS failure, stop request). Fill c->svc from what was read;
	 * the loop records c->svc if svc.name is set, then frees it. Called
	 * once for every connection that got past connect().
	 */
	void (*finish)(banner_conn *c);
} banner_handler;

/* The handlers, by protocol (banner.c). */
extern const banner_handler banner_handler_generic, banner_handler_ssh, banner_handler_ftp,
    banner_handler_smtp, banner_handler_telnet, banner_handler_http, banner_handler_https,
    banner_handler_tls, banner_handler_rdp, banner_handler_smb;
const banner_handler *banner_handler_for(banner_proto p);

/* What a handler learns before it is recorded (strings are malloc'd). */
typedef struct {
	char *name, *product, *version, *info, *banner;
} banner_svc;

/* Certificate names read after a TLS handshake (banner_tls.c). */
typedef struct {
	char *subject;	 /* RFC 2253: "CN=a,O=b" */
	char *cn;	 /* subject CN, or NULL */
	char *san;	 /* "dns1,dns2,192.0.2.1", or NULL */
	char *first_dns; /* the first DNS SAN, or NULL */
	char *version;	 /* "TLSv1.3" */
} banner_cert;

typedef enum {
	BANNER_PHASE_CONNECT = 0,
	BANNER_PHASE_TLS,      /* handshake running */
	BANNER_PHASE_PROTOCOL, /* the handler's states */
	BANNER_PHASE_DONE,
	BANNER_PHASE__COUNT
} banner_phase;

struct banner_loop;

struct banner_conn {
	/* --- owned by the loop --- */
	struct banner_loop *loop;
	int fd; /* -1: slot free */
	host_facts *host;
	uint32_t ip; /* host byte order */
	uint16_t port;
	char addr[INET_ADDRSTRLEN];
	banner_phase phase;
	uint32_t events; /* epoll interest registered now */
	size_t heap_idx; /* position in the timer heap */
	uint64_t started_ns, deadline_ns, step_deadline_ns, hard_deadline_ns;
	SSL *ssl;
	bool tls_want_write; /* SSL needs the socket writable to go on */
	bool started;	     /* the handler's connected() was called */
	/* input: every byte read, up to BANNER_MAX_CONN_BYTES in all */
	uint8_t *in;
	size_t in_len, in_cap;
	size_t in_total; /* bytes read on this connection */
	size_t out_total;
	/* output: one request queued at a time */
	uint8_t out[BANNER_OUT_MAX];
	size_t out_len, out_off;
	/* what happened */
	bool eof;	/* the peer closed (or reset) */
	bool cut_off;	/* we stopped reading: the peer sent too much */
	bool timed_out; /* a step ran out of time */
	bool tls_done, tls_failed;
	bool interrupted; /* stop request */

	/* --- owned by the handler --- */
	const banner_handler *h;
	int state;
	banner_svc svc;
	banner_cert cert;
	union {
		struct {
			unsigned pre_lines; /* lines before the identification */
			size_t ident_len;   /* > 0 once found */
			char ident[BANNER_MAX_SSH_LINE + 1];
			bool too_long;
		} ssh;
		struct {
			size_t end; /* bytes of c->in holding the greeting */
			bool complete;
		} reply;
		struct {
			char text[BANNER_TEXT_MAX];
			size_t text_len;
			size_t parsed; /* bytes of c->in already decoded */
			size_t sent_replies;
		} telnet;
		struct {
			uint32_t selected; /* RDP_NEG_RSP selectedProtocol */
			bool confirmed, neg_failure, neg_rsp;
			uint32_t failure_code;
		} rdp;
		struct {
			smb_negotiate_info neg;
			smb_ntlm_info ntlm;
			bool have_neg, have_ntlm;
		} smb;
	} u;
};

/* ---- loop services for handlers (banner_loop.c) ---- */

/* Move to state s ("conn A:P state X -> Y" in the debug log) and restart
 * the step timer at the io timeout. */
void banner_conn_state(banner_conn *c, int s);
/* Queue bytes to send. NC_ERR_TOOBIG when they do not fit BANNER_OUT_MAX. */
int banner_conn_send(banner_conn *c, const void *buf, size_t len);
/* Drop the first n bytes of c->in (they count against the total still). */
void banner_conn_consume(banner_conn *c, size_t n);
/* Re-arm the step timer to ms from now (never past the connection's cap). */
void banner_conn_timer(banner_conn *c, uint64_t ms);
/* The io timeout of this scan, in ms. */
uint64_t banner_conn_io_ms(const banner_conn *c);
/* Run a TLS handshake next; doing() is called once it ends. */
void banner_conn_start_tls(banner_conn *c);
/* Hand the connection to another handler (the generic one does, once it
 * knows who speaks); calls the new handler's doing() with what is read. */
int banner_conn_switch(banner_conn *c, const banner_handler *h);
const rules_t *banner_conn_rules(const banner_conn *c);

/* ---- TLS (banner_tls.c) ---- */

/* A client context: any version, any cipher, no verification, no SNI. */
SSL_CTX *banner_tls_ctx_new(void);
/* Read the peer certificate into c->cert. */
void banner_tls_read_cert(banner_conn *c);
void banner_cert_free(banner_cert *cert);
/* "subject=CN=x; san=a,b" (or NULL when there is no certificate);
 * malloc'd. */
char *banner_cert_info(const banner_cert *cert);
/* Record host facts from the certificate names, at confidence conf, and
 * match the subject against tls.cert_subject. */
void banner_cert_facts(banner_conn *c, int conf);

/* ---- recording (banner_record.c) ---- */

/* Replace *field with len bytes of s through facts_clean() (NULs and
 * control characters become '?', invalid UTF-8 U+FFFD). */
void banner_str_set(char **field, const char *s, size_t len);
/* Replace *field with a printf-formatted string. */
void banner_str_setf(char **field, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append "; " + text to *field (or set it). */
void banner_str_append(char **field, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * Match text against rules database db. On a match, fill c->svc.product /
 * version when still empty and add host facts (os.*, device.type, hw.*,
 * host.name) from the params. Returns true on a match. No-op without rules.
 */
bool banner_match(banner_conn *c, const char *db, const char *text);
/* The same on raw bytes (NULs and invalid UTF-8 allowed). */
bool banner_match_bytes(banner_conn *c, const char *db, const void *bytes, size_t len);
/* When no rule matched: "Name<sep>Version ..." -> product Name, version
 * Version (the first word only). Only fills empty fields. */
void banner_guess_product(banner_conn *c, const char *text, char sep);
/* Record a host name seen by a service (FQDN or short), at conf. */
void banner_record_hostname(banner_conn *c, fact_source src, int conf, const char *name);
/* The common end for a peer that never said anything. */
void banner_svc_silent(banner_conn *c);
void banner_svc_free(banner_svc *s);

/* ---- HTTP (banner_http.c) ---- */

/*
 * The page title in body: the text of the first <title> element
 * (case-insensitive, attributes allowed), entities decoded (&amp; &lt; &gt;
 * &quot; &apos; &nbsp; &#N; &#xH;), white space collapsed, at most 256
 * bytes. Returns the length written to out (0: none). Not yet cleaned.
 */
size_t banner_http_title(const uint8_t *body, size_t len, char *out, size_t cap);

/* ---- small text helpers (banner_record.c) ---- */

/* Length of the first line in buf[0..len) without its CR LF, and in *next
 * the offset after the line end; false when no LF yet. */
bool banner_line(const uint8_t *buf, size_t len, size_t *line_len, size_t *next);
/* Case-insensitive search of needle in hay[0..len); offset or -1. */
long banner_memcasemem(const uint8_t *hay, size_t len, const char *needle);

#endif
