#include "config.h"

/*
 * ssh_session.c — one credentialed SSH session to one host, with libssh2.
 *
 * The order matters more than anything else here: TCP connect, handshake,
 * host key check, and only then a secret. A host whose key changed (or is
 * unknown under the strict policy) never sees a password, a public key or
 * an agent signature; we stop after the key exchange.
 *
 * libssh2 runs in non-blocking mode. Every call that would block returns
 * LIBSSH2_ERROR_EAGAIN; we then poll() the socket in the direction libssh2
 * asks for, bounded by the nearest deadline (phase or whole host). That is
 * what lets a host that sends its banner and then nothing, or drips one
 * byte a second, cost no more than its timeout. Output is read into a
 * buffer capped at cfg->max_output; past it the channel is abandoned and the
 * result marked truncated.
 *
 * Credentials whose port differs, or a server that hangs up after too many
 * failed attempts (MaxAuthTries), get a fresh connection; the host key is
 * checked again on each.
 */

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libssh2.h>

#include "fingerprint/ssh_session.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/log.h"
#include "util/timeutil.h"

#define MS 1000000ull
#define READ_CHUNK 32768
#define CLOSE_GRACE_MS 1000
#define HEADER_SCAN 65536 /* where the script header may appear in stdout */

/* What a kbd-interactive callback needs; the session's abstract pointer. */
typedef struct {
	const char *password; /* set only while keyboard-interactive runs */
} kbd_ctx;

typedef struct {
	const ssh_collect_config *cfg;
	host_facts *h;
	ssh_collect_result *res;
	uint64_t host_deadline;
	uint64_t auth_deadline;
	int fd;
	uint16_t port;          /* of the open session */
	LIBSSH2_SESSION *s;
	LIBSSH2_CHANNEL *ch;
	bool dead;              /* the session cannot be reused (error, abandoned) */
	bool key_reported;      /* host key facts added */
	bool banner_reported;
	bool windows_banner;
	kbd_ctx kbd;
	char ipstr[16];
} sess;

static const char *const status_names[] = {
	[SSH_ST_OK] = "ok",
	[SSH_ST_NO_CREDENTIAL] = "no-credential",
	[SSH_ST_CONNECT] = "connect",
	[SSH_ST_HANDSHAKE] = "handshake",
	[SSH_ST_HOSTKEY_UNKNOWN] = "hostkey-unknown",
	[SSH_ST_HOSTKEY_CHANGED] = "hostkey-changed",
	[SSH_ST_AUTH] = "auth",
	[SSH_ST_EXEC] = "exec",
	[SSH_ST_SHELL] = "shell",
	[SSH_ST_TIMEOUT] = "timeout",
	[SSH_ST_ERROR] = "error",
};

const char *ssh_status_str(int status)
{
	if (status < 0 || (size_t)status >= ARRAY_SIZE(status_names) ||
	    status_names[status] == NULL)
		return "unknown";
	return status_names[status];
}

void ssh_collect_result_free(ssh_collect_result *res)
{
	if (res == NULL)
		return;
	free(res->out);
	free(res->err);
	res->out = res->err = NULL;
	res->outlen = res->errlen = 0;
}

void ssh_collect_config_defaults(ssh_collect_config *cfg)
{
	if (cfg->connect_timeout_ms <= 0)
		cfg->connect_timeout_ms = 5000;
	if (cfg->auth_timeout_ms <= 0)
		cfg->auth_timeout_ms = 20000;
	if (cfg->command_timeout_ms <= 0)
		cfg->command_timeout_ms = 120000;
	if (cfg->host_timeout_ms <= 0)
		cfg->host_timeout_ms = 180000;
	if (cfg->max_output == 0)
		cfg->max_output = 8u * 1024 * 1024;
	if (cfg->max_stderr == 0)
		cfg->max_stderr = 64u * 1024;
	if (cfg->command == NULL)
		cfg->command = "sh -s";
	if (cfg->parallel <= 0)
		cfg->parallel = 64;
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_rc;

static void do_init(void)
{
	init_rc = libssh2_init(0) == 0 ? 0 : NC_ERR_INTERNAL;
}

int ssh_global_init(void)
{
	pthread_once(&init_once, do_init);
	return init_rc;
}

static uint64_t earliest(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static void sess_fact(sess *st, const char *key, const char *value)
{
	host_facts_add(st->h, FACT_SRC_SSH, 100, key, value);
}

/* libssh2's last error text: about the protocol, never holds a secret. */
static const char *lib_msg(LIBSSH2_SESSION *s)
{
	char *msg = NULL;

	if (s == NULL || libssh2_session_last_error(s, &msg, NULL, 0) == 0 || msg == NULL)
		return "unknown error";
	return msg;
}

/*
 * Wait until the socket can move in the direction libssh2 is blocked on,
 * or the deadline passes. 0, or -1 on timeout / poll error.
 */
static int wait_io(sess *st, uint64_t deadline)
{
	struct pollfd p = {.fd = st->fd};
	int dir = libssh2_session_block_directions(st->s);
	uint64_t now = time_mono_ns();
	int rc;

	if (now >= deadline)
		return -1;
	if (dir & LIBSSH2_SESSION_BLOCK_INBOUND)
		p.events |= POLLIN;
	if (dir & LIBSSH2_SESSION_BLOCK_OUTBOUND)
		p.events |= POLLOUT;
	if (p.events == 0)
		p.events = POLLIN;
	rc = poll(&p, 1, (int)((deadline - now + MS - 1) / MS));
	if (rc < 0 && errno != EINTR)
		return -1;
	if (rc == 0 && time_mono_ns() >= deadline)
		return -1;
	return 0;
}

/* Repeat an int-returning libssh2 call while it says EAGAIN. */
#define NB(st, rc, call, deadline)                                           \
	do {                                                                 \
		while (((rc) = (call)) == LIBSSH2_ERROR_EAGAIN) {            \
			if (wait_io((st), (deadline)) != 0) {                \
				(rc) = LIBSSH2_ERROR_TIMEOUT;                \
				break;                                       \
			}                                                    \
		}                                                            \
	} while (0)

/* Non-blocking TCP connect to ip:port within timeout_ms. fd or -errno. */
static int tcp_connect(uint32_t ip, uint16_t port, uint64_t deadline)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	struct pollfd p;
	socklen_t sl = sizeof(int);
	int fd, err = 0, one = 1, rc;

	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(ip);
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0)
		return fd;
	if (errno != EINPROGRESS) {
		err = errno;
		close(fd);
		return -err;
	}
	for (;;) {
		uint64_t now = time_mono_ns();

		if (now >= deadline) {
			close(fd);
			return -ETIMEDOUT;
		}
		p.fd = fd;
		p.events = POLLOUT;
		p.revents = 0;
		rc = poll(&p, 1, (int)((deadline - now + MS - 1) / MS));
		if (rc > 0)
			break;
		if (rc < 0 && errno != EINTR) {
			err = errno;
			close(fd);
			return -err;
		}
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl) != 0)
		err = errno;
	if (err != 0) {
		close(fd);
		return -err;
	}
	return fd;
}

/*
 * Tear the session down. polite: say goodbye (bounded); otherwise the
 * socket is shut first so libssh2's own cleanup cannot wait on the peer.
 */
static void sess_close(sess *st, bool polite)
{
	int rc;

	if (st->s != NULL) {
		uint64_t dl = earliest(time_mono_ns() + CLOSE_GRACE_MS * MS, st->host_deadline);

		if (polite && !st->dead) {
			if (st->ch != NULL) {
				NB(st, rc, libssh2_channel_free(st->ch), dl);
				if (rc == 0)
					st->ch = NULL;
			}
			/* a goodbye only: its result does not matter */
			if (st->ch == NULL)
				/* cppcheck-suppress unreadVariable */
				NB(st, rc, libssh2_session_disconnect(st->s, "done"), dl);
		}
		if (st->fd >= 0)
			shutdown(st->fd, SHUT_RDWR);
		libssh2_session_set_blocking(st->s, 1);
		libssh2_session_set_timeout(st->s, CLOSE_GRACE_MS);
		if (st->ch != NULL)
			libssh2_channel_free(st->ch);
		libssh2_session_free(st->s);
	}
	if (st->fd >= 0)
		close(st->fd);
	st->s = NULL;
	st->ch = NULL;
	st->fd = -1;
	st->dead = false;
}

/*
 * Ask the trust store about the session's host key and apply the policy.
 * 0 to go on (match, accepted new, or policy off), else the status that
 * ends the host (nothing secret has been sent).
 */
static int check_hostkey(sess *st)
{
	const ssh_collect_config *cfg = st->cfg;
	ssh_collect_result *res = st->res;
	const char *key;
	size_t keylen = 0;
	int ktype = 0, verdict = SSH_HOSTKEY_UNKNOWN;
	char type[32], fp[SSH_FP_MAX], old_fp[SSH_FP_MAX] = "";

	if ((key = libssh2_session_hostkey(st->s, &keylen, &ktype)) == NULL || keylen == 0) {
		sess_fact(st, "ssh.error", "handshake: no host key");
		return SSH_ST_HANDSHAKE;
	}
	if (ssh_key_type_name((const uint8_t *)key, keylen, type, sizeof(type)) != 0 ||
	    ssh_fingerprint_sha256((const uint8_t *)key, keylen, fp, sizeof(fp)) != 0) {
		sess_fact(st, "ssh.error", "handshake: malformed host key");
		return SSH_ST_HANDSHAKE;
	}
	if (!st->key_reported) {
		sess_fact(st, "ssh.hostkey.type", type);
		sess_fact(st, "ssh.hostkey.sha256", fp);
		snprintf(res->hostkey_type, sizeof(res->hostkey_type), "%s", type);
		snprintf(res->hostkey_fp, sizeof(res->hostkey_fp), "%s", fp);
	} else if (strcmp(res->hostkey_fp, fp) != 0) {
		/* a reconnection met another key than the first session: a MITM
		 * at best; treat as changed */
		snprintf(old_fp, sizeof(old_fp), "%s", res->hostkey_fp);
		verdict = SSH_HOSTKEY_CHANGED;
		goto changed;
	}
	if (cfg->hostkeys == SSH_HOSTKEYS_OFF) {
		if (!st->key_reported)
			sess_fact(st, "ssh.hostkey.status", "unchecked");
		st->key_reported = true;
		return 0;
	}
	if (cfg->hostkey_check != NULL)
		verdict = cfg->hostkey_check(cfg->hostkey_ctx, st->h->ip, st->port, type, fp,
					     (const uint8_t *)key, keylen, old_fp, sizeof(old_fp));
	if (verdict != SSH_HOSTKEY_KNOWN_MATCH && verdict != SSH_HOSTKEY_UNKNOWN)
		verdict = SSH_HOSTKEY_CHANGED;
changed:
	if (verdict == SSH_HOSTKEY_CHANGED) {
		old_fp[sizeof(old_fp) - 1] = '\0';
		res->hostkey_changed = true;
		sess_fact(st, "ssh.hostkey.status", "changed");
		host_facts_addf(st->h, FACT_SRC_SSH, 100, "ssh.hostkey_changed", "old %s new %s",
				old_fp[0] != '\0' ? old_fp : "unknown", fp);
		log_warn("ssh %s: host key changed (%s), nothing offered", st->ipstr, fp);
		st->key_reported = true;
		return SSH_ST_HOSTKEY_CHANGED;
	}
	if (verdict == SSH_HOSTKEY_UNKNOWN && cfg->hostkeys == SSH_HOSTKEYS_STRICT) {
		sess_fact(st, "ssh.hostkey.status", "unknown");
		sess_fact(st, "ssh.error", "host key not known (strict)");
		st->key_reported = true;
		return SSH_ST_HOSTKEY_UNKNOWN;
	}
	if (!st->key_reported) {
		if (verdict == SSH_HOSTKEY_UNKNOWN) {
			res->hostkey_new = true;
			sess_fact(st, "ssh.hostkey.status", "new");
			if (cfg->hostkey_accept != NULL)
				cfg->hostkey_accept(cfg->hostkey_ctx, st->h->ip, st->port, type,
						    (const uint8_t *)key, keylen);
		} else {
			sess_fact(st, "ssh.hostkey.status", "known");
		}
	}
	st->key_reported = true;
	return 0;
}

/* Connect, handshake and check the host key on port. 0 or an ssh_status. */
/*
 * Did the server hang up before its identification string? That is
 * sshd's MaxStartups refusing an unauthenticated connection beyond its
 * limit (a random early drop) or a full accept queue: worth another try.
 */
static bool closed_before_banner(LIBSSH2_SESSION *s, int rc)
{
	return libssh2_session_banner_get(s) == NULL &&
	       (rc == LIBSSH2_ERROR_BANNER_RECV || rc == LIBSSH2_ERROR_SOCKET_DISCONNECT ||
		rc == LIBSSH2_ERROR_SOCKET_RECV || rc == LIBSSH2_ERROR_KEX_FAILURE);
}

static int sess_open_once(sess *st, uint16_t port, bool *retry);

/* Open a session on port; up to SESS_OPEN_TRIES connections when the
 * server hangs up before its banner, with a growing, jittered pause. */
#define SESS_OPEN_TRIES 3
static int sess_open(sess *st, uint16_t port)
{
	int rc = SSH_ST_HANDSHAKE;

	for (int t = 0; t < SESS_OPEN_TRIES; t++) {
		bool retry = false;
		uint64_t pause_ns = (uint64_t)(200 << t) * MS +
				    (uint64_t)((st->h->ip * 2654435761u >> 8) % 200) * MS; /* jitter */

		if ((rc = sess_open_once(st, port, &retry)) == 0 || !retry)
			return rc;
		if (t + 1 == SESS_OPEN_TRIES || time_mono_ns() + pause_ns >= st->auth_deadline) {
			host_facts_addf(st->h, FACT_SRC_SSH, 100, "ssh.error",
					"handshake: the server closed the connection before its"
					" banner (%d tries)", t + 1);
			break;
		}
		sess_close(st, false);
		time_sleep_ns(pause_ns);
	}
	return rc;
}

static int sess_open_once(sess *st, uint16_t port, bool *retry)
{
	const char *banner;
	int fd, rc;

	st->port = port;
	fd = tcp_connect(st->h->ip, port,
			 earliest(time_mono_ns() + (uint64_t)st->cfg->connect_timeout_ms * MS,
				  st->host_deadline));
	if (fd < 0) {
		host_facts_addf(st->h, FACT_SRC_SSH, 100, "ssh.error", "connect port %u: %s",
				port, fd == -ETIMEDOUT ? "timeout" : strerror(-fd));
		return SSH_ST_CONNECT;
	}
	st->fd = fd;
	if ((st->s = libssh2_session_init_ex(NULL, NULL, NULL, &st->kbd)) == NULL) {
		sess_fact(st, "ssh.error", "out of memory");
		return SSH_ST_ERROR;
	}
	libssh2_session_set_blocking(st->s, 0);
	NB(st, rc, libssh2_session_handshake(st->s, fd), st->auth_deadline);
	if (rc != 0) {
		st->dead = true;
		if (closed_before_banner(st->s, rc) && !st->banner_reported) {
			/* sess_open() tries again, or says so when it gives up */
			*retry = true;
			return SSH_ST_HANDSHAKE;
		}
		host_facts_addf(st->h, FACT_SRC_SSH, 100, "ssh.error", "handshake: %s",
				rc == LIBSSH2_ERROR_TIMEOUT ? "timeout" : lib_msg(st->s));
		return SSH_ST_HANDSHAKE;
	}
	if (!st->banner_reported && (banner = libssh2_session_banner_get(st->s)) != NULL) {
		sess_fact(st, "ssh.server_banner", banner);
		/* the software version field, as Win32-OpenSSH sends it
		 * ("SSH-2.0-OpenSSH_for_Windows_8.1"), not a comment */
		st->windows_banner = strncmp(banner, "SSH-2.0-OpenSSH_for_Windows", 27) == 0;
		st->banner_reported = true;
	}
	if ((rc = check_hostkey(st)) != 0)
		st->dead = true;
	return rc;
}

/* keyboard-interactive: answer prompts that do not echo with the password;
 * anything else (a question, a banner) gets an empty answer. */
static void kbd_answer(const char *name, int name_len, const char *instruction,
		       int instruction_len, int num_prompts,
		       const LIBSSH2_USERAUTH_KBDINT_PROMPT *prompts,
		       LIBSSH2_USERAUTH_KBDINT_RESPONSE *responses, void **abstract)
{
	const kbd_ctx *k = *abstract;

	(void)name;
	(void)name_len;
	(void)instruction;
	(void)instruction_len;
	for (int i = 0; i < num_prompts; i++) {
		const char *ans = "";

		if (k != NULL && k->password != NULL && !prompts[i].echo)
			ans = k->password;
		responses[i].text = strdup(ans);
		responses[i].length = responses[i].text != NULL ? (unsigned int)strlen(ans) : 0;
	}
}

static bool offers(const char *list, const char *method)
{
	size_t ml = strlen(method);

	for (const char *p = list; p != NULL && *p != '\0';) {
		const char *end = strchr(p, ',');
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);

		if (len == ml && memcmp(p, method, ml) == 0)
			return true;
		p = end != NULL ? end + 1 : NULL;
	}
	return false;
}

static void tried_add(char *tried, size_t size, const char *method)
{
	size_t len = strlen(tried);

	snprintf(tried + len, size - len, "%s%s", len > 0 ? "," : "", method);
}

/* Did this return code kill the transport (reconnect before going on)? */
static bool transport_broken(int rc)
{
	return rc == LIBSSH2_ERROR_SOCKET_SEND || rc == LIBSSH2_ERROR_SOCKET_RECV ||
	       rc == LIBSSH2_ERROR_SOCKET_DISCONNECT || rc == LIBSSH2_ERROR_SOCKET_TIMEOUT ||
	       rc == LIBSSH2_ERROR_TIMEOUT || rc == LIBSSH2_ERROR_DECRYPT ||
	       rc == LIBSSH2_ERROR_PROTO || rc == LIBSSH2_ERROR_BANNER_RECV ||
	       rc == LIBSSH2_ERROR_KEX_FAILURE;
}

/* ssh-agent identities in turn. 0 logged in, 1 refused, else libssh2 rc. */
static int auth_agent(sess *st, const char *user)
{
	LIBSSH2_AGENT *agent;
	struct libssh2_agent_publickey *id = NULL, *prev = NULL;
	int rc, result = 1;

	if ((agent = libssh2_agent_init(st->s)) == NULL)
		return 1;
	if (libssh2_agent_connect(agent) != 0 || libssh2_agent_list_identities(agent) != 0)
		goto out;
	while (libssh2_agent_get_identity(agent, &id, prev) == 0) {
		NB(st, rc, libssh2_agent_userauth(agent, user, id), st->auth_deadline);
		if (rc == 0) {
			result = 0;
			break;
		}
		if (transport_broken(rc)) {
			result = rc;
			break;
		}
		prev = id;
	}
	libssh2_agent_disconnect(agent);
out:
	libssh2_agent_free(agent);
	return result;
}

/*
 * Try credential c on the open session. 0 logged in; 1 every method failed
 * (tried[] names them); a negative libssh2 code when the transport broke.
 */
static int try_credential(sess *st, const cred_ssh *c, char *tried, size_t tsize)
{
	const char *user = c->user != NULL ? c->user : "root";
	unsigned int ulen = (unsigned int)strlen(user);
	char *methods;
	int rc;

	tried[0] = '\0';
	for (;;) {
		methods = libssh2_userauth_list(st->s, user, ulen);
		if (methods != NULL || libssh2_session_last_errno(st->s) != LIBSSH2_ERROR_EAGAIN)
			break;
		if (wait_io(st, st->auth_deadline) != 0)
			return LIBSSH2_ERROR_TIMEOUT;
	}
	if (methods == NULL) {
		if (libssh2_userauth_authenticated(st->s))
			return 0; /* "none" was accepted */
		rc = libssh2_session_last_errno(st->s);
		return rc != 0 ? rc : LIBSSH2_ERROR_PROTO;
	}
	if (c->agent && offers(methods, "publickey")) {
		tried_add(tried, tsize, "agent");
		if ((rc = auth_agent(st, user)) <= 0)
			return rc;
	}
	if (c->key != NULL && offers(methods, "publickey")) {
		char kpath[64];

		tried_add(tried, tsize, "publickey");
		/* the key was copied to a memfd before the privileges were
		 * dropped (credentials.h); the path is the fallback for a key
		 * that could not be read then */
		if (c->key_loaded)
			snprintf(kpath, sizeof(kpath), "/proc/self/fd/%d", c->key_fd);
		NB(st, rc, libssh2_userauth_publickey_fromfile_ex(st->s, user, ulen, NULL,
								  c->key_loaded ? kpath : c->key,
								  c->passphrase), st->auth_deadline);
		if (rc == 0)
			return 0;
		if (transport_broken(rc))
			return rc;
		if (rc == LIBSSH2_ERROR_FILE)
			host_facts_addf(st->h, FACT_SRC_SSH, 100, "ssh.key_error",
					"%s: cannot load the private key (missing, unreadable "
					"or wrong passphrase)", c->name);
	}
	if (c->password != NULL && offers(methods, "password")) {
		tried_add(tried, tsize, "password");
		NB(st, rc, libssh2_userauth_password_ex(st->s, user, ulen, c->password,
							(unsigned int)strlen(c->password), NULL),
		   st->auth_deadline);
		if (rc == 0)
			return 0;
		if (transport_broken(rc))
			return rc;
	}
	if (c->password != NULL && offers(methods, "keyboard-interactive")) {
		tried_add(tried, tsize, "keyboard-interactive");
		st->kbd.password = c->password;
		NB(st, rc, libssh2_userauth_keyboard_interactive_ex(st->s, user, ulen, kbd_answer),
		   st->auth_deadline);
		st->kbd.password = NULL;
		if (rc == 0)
			return 0;
		if (transport_broken(rc))
			return rc;
	}
	if (tried[0] == '\0')
		snprintf(tried, tsize, "no usable method (server offers %s)", methods);
	return 1;
}

/* Append up to n bytes to a capped buffer. Returns bytes that did not fit. */
static size_t buf_append(char **buf, size_t *len, size_t *cap, size_t max, const char *p,
			 size_t n)
{
	size_t room = max - *len, take = NC_MIN(n, room);

	if (take == 0)
		return n;
	if (*len + take + 1 > *cap) {
		size_t nc = *cap > 0 ? *cap : 65536;
		char *nb;

		while (nc < *len + take + 1)
			nc *= 2;
		nc = NC_MIN(nc, max + 1);
		if ((nb = realloc(*buf, nc)) == NULL)
			return n; /* treat as full */
		*buf = nb;
		*cap = nc;
	}
	memcpy(*buf + *len, p, take);
	*len += take;
	(*buf)[*len] = '\0';
	return n - take;
}

/*
 * Run cmd with script on stdin; output into res (replacing what is there).
 * 0 when the channel reached EOF (or hit the cap), else an ssh_status.
 */
static int run_command(sess *st, const char *cmd, const void *script, size_t slen)
{
	const ssh_collect_config *cfg = st->cfg;
	ssh_collect_result *res = st->res;
	uint64_t deadline = earliest(time_mono_ns() + (uint64_t)cfg->command_timeout_ms * MS,
				     st->host_deadline);
	size_t sent = 0, outcap = 0, errcap = 0;
	bool eof_sent = false;
	char *chunk = NULL;
	int rc, r = SSH_ST_ERROR;

	ssh_collect_result_free(res);
	res->exit_status = -1;
	res->truncated = res->timed_out = false;
	if ((chunk = malloc(READ_CHUNK)) == NULL)
		return SSH_ST_ERROR;
	for (;;) {
		st->ch = libssh2_channel_open_session(st->s);
		if (st->ch != NULL || libssh2_session_last_errno(st->s) != LIBSSH2_ERROR_EAGAIN)
			break;
		if (wait_io(st, deadline) != 0)
			break;
	}
	if (st->ch == NULL) {
		host_facts_addf(st->h, FACT_SRC_SSH, 100, "ssh.shell_error",
				"channel refused: %s", lib_msg(st->s));
		st->dead = true;
		r = SSH_ST_EXEC;
		goto out;
	}
	NB(st, rc, libssh2_channel_process_startup(st->ch, "exec", 4, cmd,
						   (unsigned int)strlen(cmd)), deadline);
	if (rc != 0) {
		host_facts_addf(st->h, FACT_SRC_SSH, 100, "ssh.shell_error", "exec refused: %s",
				rc == LIBSSH2_ERROR_TIMEOUT ? "timeout" : lib_msg(st->s));
		st->dead = rc == LIBSSH2_ERROR_TIMEOUT || transport_broken(rc);
		r = rc == LIBSSH2_ERROR_TIMEOUT ? SSH_ST_TIMEOUT : SSH_ST_EXEC;
		goto out;
	}
	for (;;) {
		bool progress = false;
		ssize_t n;

		if (sent < slen) {
			n = libssh2_channel_write(st->ch, (const char *)script + sent,
						  NC_MIN(slen - sent, (size_t)READ_CHUNK));
			if (n > 0) {
				sent += (size_t)n;
				progress = true;
			} else if (n != LIBSSH2_ERROR_EAGAIN) {
				sent = slen; /* the command stopped reading: fine */
				eof_sent = true;
			}
		} else if (!eof_sent) {
			rc = libssh2_channel_send_eof(st->ch);
			if (rc != LIBSSH2_ERROR_EAGAIN) {
				eof_sent = true;
				progress = true;
			}
		}
		n = libssh2_channel_read(st->ch, chunk, READ_CHUNK);
		if (n > 0) {
			progress = true;
			if (buf_append(&res->out, &res->outlen, &outcap, cfg->max_output, chunk,
				       (size_t)n) > 0) {
				res->truncated = true;
				st->dead = true; /* abandon the channel: no polite close */
				sess_fact(st, "ssh.output.truncated", "yes");
				r = 0;
				goto out;
			}
		} else if (n < 0 && n != LIBSSH2_ERROR_EAGAIN) {
			host_facts_addf(st->h, FACT_SRC_SSH, 100, "ssh.error", "read: %s",
					lib_msg(st->s));
			st->dead = true;
			r = SSH_ST_ERROR;
			goto out;
		}
		n = libssh2_channel_read_stderr(st->ch, chunk, READ_CHUNK);
		if (n > 0) {
			progress = true;
			buf_append(&res->err, &res->errlen, &errcap, cfg->max_stderr, chunk,
				   (size_t)n); /* the excess is dropped */
		}
		if (!progress && libssh2_channel_eof(st->ch))
			break;
		if (!progress && wait_io(st, deadline) != 0) {
			res->timed_out = true;
			st->dead = true;
			sess_fact(st, "ssh.error", "command timeout");
			r = SSH_ST_TIMEOUT;
			goto out;
		}
	}
	/* EOF: collect the exit status, briefly */
	{
		uint64_t dl = earliest(time_mono_ns() + CLOSE_GRACE_MS * MS, deadline);

		NB(st, rc, libssh2_channel_close(st->ch), dl);
		if (rc == 0)
			NB(st, rc, libssh2_channel_wait_closed(st->ch), dl);
		if (rc == 0) {
			res->exit_status = libssh2_channel_get_exit_status(st->ch);
			host_facts_addf(st->h, FACT_SRC_SSH, 100, "ssh.exit_status", "%d",
					res->exit_status);
		}
		NB(st, rc, libssh2_channel_free(st->ch), dl);
		if (rc == 0)
			st->ch = NULL;
		else
			st->dead = true;
	}
	r = 0;
out:
	free(chunk);
	return r;
}

static bool says_not_recognized(const ssh_collect_result *res)
{
	static const char needle[] = "is not recognized as an internal or external command";

	return (res->err != NULL && strstr(res->err, needle) != NULL) ||
	       (res->out != NULL && strstr(res->out, needle) != NULL);
}

/* Is header at the start of a line within the first HEADER_SCAN bytes? */
static bool has_header(const ssh_collect_result *res, const char *header)
{
	size_t hl = strlen(header), lim = NC_MIN(res->outlen, (size_t)HEADER_SCAN);

	if (res->out == NULL)
		return false;
	for (size_t i = 0; i + hl <= lim; i++) {
		if ((i == 0 || res->out[i - 1] == '\n') && memcmp(res->out + i, header, hl) == 0)
			return true;
		const char *nl = memchr(res->out + i, '\n', lim - i);
		if (nl == NULL)
			break;
		i = (size_t)(nl - res->out);
	}
	return false;
}

/* The first non-empty line of the output (or stderr), for the fact. */
static void shell_error_fact(sess *st)
{
	const ssh_collect_result *res = st->res;
	const char *src = res->outlen > 0 ? res->out : res->err;
	size_t len = res->outlen > 0 ? res->outlen : res->errlen, i = 0, e;
	char *clean;

	while (i < len && (src[i] == '\n' || src[i] == '\r' || src[i] == ' '))
		i++;
	for (e = i; e < len && src[e] != '\n' && src[e] != '\r'; e++)
		;
	if (e == i) {
		sess_fact(st, "ssh.shell_error", "no script header: empty output");
		return;
	}
	if ((clean = facts_clean(src + i, e - i, 160)) == NULL)
		return;
	host_facts_addf(st->h, FACT_SRC_SSH, 100, "ssh.shell_error",
			"no script header, got: %s", clean);
	free(clean);
}

/* Run the POSIX (or Windows) command and judge what came back. */
static int run_collection(sess *st)
{
	const ssh_collect_config *cfg = st->cfg;
	ssh_collect_result *res = st->res;
	int r;

	if (st->windows_banner) {
		res->remote_windows = true;
		sess_fact(st, "ssh.remote_windows", "yes");
	}
	if (st->windows_banner && cfg->windows_command != NULL) {
		r = run_command(st, cfg->windows_command, cfg->windows_script,
				cfg->windows_script_len);
	} else {
		const char *cmd = res->cred != NULL && res->cred->sudo && cfg->sudo_command != NULL
					  ? cfg->sudo_command
					  : cfg->command;

		r = run_command(st, cmd, cfg->script, cfg->script_len);
		if (r == 0 && !res->truncated && says_not_recognized(res)) {
			if (!res->remote_windows) {
				res->remote_windows = true;
				sess_fact(st, "ssh.remote_windows", "yes");
			}
			if (cfg->windows_command != NULL && !st->dead)
				r = run_command(st, cfg->windows_command, cfg->windows_script,
						cfg->windows_script_len);
		}
	}
	if (r != 0)
		return r;
	if (cfg->expect_header != NULL && !has_header(res, cfg->expect_header)) {
		if (res->remote_windows && cfg->windows_command == NULL)
			sess_fact(st, "ssh.shell_error", "Windows command shell (no POSIX sh)");
		else
			shell_error_fact(st);
		return SSH_ST_SHELL;
	}
	return 0;
}

int ssh_collect_host(const ssh_collect_config *cfg_in, const cred_ssh *const *creds,
		     size_t ncreds, host_facts *h, ssh_collect_result *out)
{
	ssh_collect_config cfg = *cfg_in;
	sess st;
	uint64_t now = time_mono_ns();
	char tried[256];
	size_t i;
	int r = SSH_ST_ERROR, rc;

	memset(out, 0, sizeof(*out));
	out->exit_status = -1;
	ssh_collect_config_defaults(&cfg);
	memset(&st, 0, sizeof(st));
	st.cfg = &cfg;
	st.h = h;
	st.res = out;
	st.fd = -1;
	st.host_deadline = now + (uint64_t)cfg.host_timeout_ms * MS;
	st.auth_deadline = earliest(now + ((uint64_t)cfg.connect_timeout_ms +
					   (uint64_t)cfg.auth_timeout_ms) * MS,
				    st.host_deadline);
	snprintf(st.ipstr, sizeof(st.ipstr), "%u.%u.%u.%u", h->ip >> 24, (h->ip >> 16) & 255,
		 (h->ip >> 8) & 255, h->ip & 255);
	if (ssh_global_init() != 0) {
		out->status = SSH_ST_ERROR;
		return nc_fail(NC_ERR_INTERNAL, "libssh2_init failed");
	}
	if (ncreds == 0) {
		out->status = SSH_ST_NO_CREDENTIAL;
		return NC_ERR_NOT_FOUND;
	}
	r = SSH_ST_AUTH;
	for (i = 0; i < ncreds; i++) {
		const cred_ssh *c = creds[i];
		uint16_t port = c->port != 0 ? c->port : 22;

		if (st.s != NULL && (st.dead || st.port != port))
			sess_close(&st, !st.dead);
		if (st.s == NULL && (rc = sess_open(&st, port)) != 0) {
			r = rc;
			/* a refused port may be only this credential's; a key
			 * problem or a timeout ends the host */
			if (rc == SSH_ST_CONNECT && i + 1 < ncreds && time_mono_ns() <
			    st.auth_deadline) {
				sess_close(&st, false);
				continue;
			}
			goto out;
		}
		rc = try_credential(&st, c, tried, sizeof(tried));
		if (rc == 0) {
			out->cred = c;
			sess_fact(&st, "ssh.credential", c->name);
			sess_fact(&st, "ssh.user", c->user != NULL ? c->user : "root");
			log_debug("ssh %s: state auth -> exec (credential %s)", st.ipstr, c->name);
			break;
		}
		if (rc < 0) {
			st.dead = true;
			if (rc == LIBSSH2_ERROR_TIMEOUT || time_mono_ns() >= st.auth_deadline) {
				host_facts_addf(h, FACT_SRC_SSH, 100, "ssh.auth_failed",
						"%s: %s (timeout)", c->name,
						tried[0] != '\0' ? tried : "none");
				sess_fact(&st, "ssh.error", "authentication timeout");
				r = SSH_ST_TIMEOUT;
				goto out;
			}
			/* the server hung up (MaxAuthTries?): retry this
			 * credential once on a fresh connection? No: record and
			 * go on, the next credential reconnects */
		}
		host_facts_addf(h, FACT_SRC_SSH, 100, "ssh.auth_failed", "%s: %s", c->name,
				tried[0] != '\0' ? tried : "disconnected");
		r = SSH_ST_AUTH;
	}
	if (out->cred == NULL) {
		if (r == SSH_ST_AUTH)
			sess_fact(&st, "ssh.error", "authentication failed");
		goto out;
	}
	r = run_collection(&st);
out:
	sess_close(&st, r == 0 || r == SSH_ST_SHELL);
	out->status = r;
	if (r == SSH_ST_OK || r == SSH_ST_SHELL)
		return 0;
	switch (r) {
	case SSH_ST_CONNECT:
	case SSH_ST_HANDSHAKE:
	case SSH_ST_TIMEOUT:
		return NC_ERR_IO;
	case SSH_ST_HOSTKEY_UNKNOWN:
	case SSH_ST_HOSTKEY_CHANGED:
	case SSH_ST_AUTH:
		return NC_ERR_PERM;
	case SSH_ST_EXEC:
		return NC_ERR_IO;
	default:
		return NC_ERR_INTERNAL;
	}
}
