/*
 * fuzz_banner.c — libFuzzer harness for what TCP services say to the
 * banner stage: every protocol handler (generic, ssh, ftp, telnet, smtp,
 * http, https, tls, rdp, smb) with its parsers (SSH identification, reply
 * codes, telnet IAC, HTTP status/headers/title, X.224/RDP_NEG, SMB2 and
 * NTLMSSP), the rules matching and the recording of services and facts.
 *
 * The harness compiles the event loop (banner_loop.c) into itself and
 * drives one connection through the loop's own code — conn_connected(),
 * conn_event(), conn_timeout(), conn_close() — on one end of a socketpair;
 * the other end is the peer, which sends the input in chunks, then either
 * closes or stays silent until the handler gives up. What the handler
 * sends is read and dropped. Handlers that start with TLS get the input as
 * the server's handshake (OpenSSL rejects nearly all of it; the failure
 * paths are ours).
 *
 * Input: byte 0 picks the handler, byte 1 the chunk size (low 7 bits, x 8;
 * 0 = all at once) and, in its high bit, whether the peer goes silent
 * instead of closing; the rest is what the peer sends. Seeds: the captures
 * of tests/data/banner/captured with these two bytes in front (seeds.py).
 */
#include "config.h"

#include <stdint.h>
#include <sys/socket.h>

#include "fingerprint/banner_loop.c"

static rules_t *fuzz_rules;
static SSL_CTX *fuzz_tls; /* kept across runs: making one is slow */

static const uint16_t proto_port[BANNER_PROTO__COUNT] = {
    [BANNER_PROTO_GENERIC] = 9999, [BANNER_PROTO_SSH] = 22,	[BANNER_PROTO_FTP] = 21,
    [BANNER_PROTO_TELNET] = 23,	   [BANNER_PROTO_SMTP] = 25,	[BANNER_PROTO_HTTP] = 80,
    [BANNER_PROTO_HTTPS] = 443,	   [BANNER_PROTO_TLS] = 5986,	[BANNER_PROTO_RDP] = 3389,
    [BANNER_PROTO_SMB] = 445,
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_rules = rules_new();
	if (fuzz_rules == NULL || rules_load_dir(fuzz_rules, FUZZ_SRCDIR "/rules") != 0) {
		fprintf(stderr, "fuzz_banner: cannot load %s/rules\n", FUZZ_SRCDIR);
		abort();
	}
	return 0;
}

static void drain(int fd)
{
	uint8_t buf[4096];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	banner_config cfg = {.rules = fuzz_rules, .connect_timeout_ms = 1000,
			     .io_timeout_ms = 1000, .max_connections = 1};
	struct banner_loop L;
	banner_conn conn, *heap[1];
	size_t free_slots[1], chunk, pos = 0;
	const uint8_t *peer;
	size_t plen;
	banner_proto proto;
	bool silent, closed = false;
	unsigned timeouts = 0, steps = 0;
	host_facts h;
	int sv[2];

	if (size < 2)
		return 0;
	proto = (banner_proto)(1 + data[0] % (BANNER_PROTO__COUNT - 1));
	chunk = (size_t)(data[1] & 0x7f) * 8;
	silent = (data[1] & 0x80) != 0;
	peer = data + 2;
	plen = size - 2;
	if (chunk == 0)
		chunk = plen > 0 ? plen : 1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) != 0)
		abort();

	memset(&L, 0, sizeof(L));
	L.ep = -1; /* events are delivered by hand below */
	L.cfg = &cfg;
	L.connect_ns = 1000000000ull;
	L.io_ns = 1000000000ull;
	L.cap_ns = L.connect_ns + CAP_IO_STEPS * L.io_ns;
	L.conns = &conn;
	L.nconns = 1;
	L.free_slots = free_slots;
	L.heap = heap;
	L.tls = fuzz_tls;
	L.open = 1;

	host_facts_init(&h, 0xc6120001u);
	memset(&conn, 0, sizeof(conn));
	conn.loop = &L;
	conn.fd = sv[0];
	conn.host = &h;
	conn.ip = h.ip;
	conn.port = proto_port[proto];
	conn.heap_idx = SIZE_MAX;
	conn.started_ns = time_mono_ns();
	conn.hard_deadline_ns = conn.started_ns + L.cap_ns;
	conn.h = banner_handler_for(proto);
	snprintf(conn.addr, sizeof(conn.addr), "198.18.0.1");

	conn_connected(&conn);
	while (conn.fd >= 0 && steps++ < 100000) {
		drain(sv[1]);
		if (pos < plen) {
			size_t n = NC_MIN(chunk, plen - pos);
			ssize_t w = write(sv[1], peer + pos, n);

			if (w > 0)
				pos += (size_t)w;
			conn_event(&conn, EPOLLIN | EPOLLOUT);
		} else if (silent && timeouts < CAP_IO_STEPS) {
			timeouts++;
			conn_timeout(&conn);
		} else if (!closed) {
			shutdown(sv[1], SHUT_WR);
			closed = true;
			conn_event(&conn, EPOLLIN | EPOLLOUT | EPOLLHUP);
		} else {
			conn_timeout(&conn); /* nothing more will come */
		}
	}
	if (conn.fd >= 0) {
		conn.interrupted = true;
		conn_close(&conn);
	}
	fuzz_tls = L.tls;
	close(sv[1]);
	host_facts_clear(&h);
	return 0;
}
