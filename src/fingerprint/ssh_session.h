/*
 * ssh_session.h — the transport of credentialed SSH inventory (issue 4).
 *
 * For one host: connect (with a timeout), SSH handshake, check the host key
 * against a trust store BEFORE any secret is sent, try the applicable
 * [ssh NAME] credentials in file order with their methods (agent, public key
 * file with passphrase, password, keyboard-interactive password), then run
 * ONE command with a script on its stdin and bring back its output, bounded
 * in bytes and in time. For many hosts: a bounded pool of worker threads,
 * each host under an overall deadline, the output handed to a callback (the
 * parser lives elsewhere).
 *
 * Everything learnt goes into the host's facts with FACT_SRC_SSH:
 *   ssh.server_banner      the server's identification string
 *   ssh.hostkey.type       "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa", ...
 *   ssh.hostkey.sha256     "SHA256:<base64>" as ssh-keygen -l prints it
 *   ssh.hostkey.status     known | new | changed | unknown | unchecked
 *   ssh.hostkey_changed    "old SHA256:... new SHA256:..." (and nothing was sent)
 *   ssh.error              why the session ended early (connect, timeout, ...)
 *   ssh.auth_failed        "<section>: publickey,password" — one per credential
 *   ssh.credential         the section name that logged in
 *   ssh.user               its user name
 *   ssh.remote_windows     "yes" when the server is Windows OpenSSH
 *   ssh.shell_error        why the remote shell is not usable (menu, refused)
 *   ssh.exit_status        the command's exit status, when the server sent one
 *   ssh.output.truncated   "yes" when the output hit cfg->max_output
 * No fact, log line or error message ever holds a password or passphrase.
 *
 * Sessions are libssh2 in non-blocking mode; every wait is a poll() on the
 * socket bounded by the nearest deadline, so a host that stalls, drips bytes
 * or floods output costs at most its timeouts and max_output bytes.
 */
#ifndef NC_FINGERPRINT_SSH_SESSION_H
#define NC_FINGERPRINT_SSH_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fingerprint/facts.h"
#include "util/credentials.h"

/* As OpenSSH's StrictHostKeyChecking: accept-new (the default), yes, off. */
typedef enum {
	SSH_HOSTKEYS_ACCEPT_NEW = 0, /* unknown: accept and report; changed: stop */
	SSH_HOSTKEYS_STRICT,         /* only keys the trust store knows */
	SSH_HOSTKEYS_OFF,            /* no check at all (the key is still reported) */
} ssh_hostkey_policy;

/* What a trust store answers about a host key. */
enum {
	SSH_HOSTKEY_KNOWN_MATCH = 0, /* this key is recorded for the host */
	SSH_HOSTKEY_UNKNOWN = 1,     /* no key of this type recorded for the host */
	SSH_HOSTKEY_CHANGED = 2,     /* another key of this type is recorded */
};

/* Room for "SHA256:" + 43 base64 characters + NUL, with margin. */
#define SSH_FP_MAX 64

/*
 * The trust store. Called from a worker thread (so it must be thread-safe),
 * once per session, after the handshake and before any authentication.
 * ip is in host byte order; key_type is the SSH name ("ssh-ed25519");
 * fingerprint_sha256 is "SHA256:..." of the key blob key[0..keylen), which
 * is the wire format (what a known_hosts line holds in base64).
 * On SSH_HOSTKEY_CHANGED the store may write the fingerprint of the key it
 * has into old_fp (old_fp_size bytes, NUL-terminated) for the event fact;
 * otherwise it leaves old_fp alone. Returns one of SSH_HOSTKEY_*; any other
 * value is taken as SSH_HOSTKEY_CHANGED (fail closed). Must not block long.
 */
typedef int (*ssh_hostkey_check_fn)(void *ctx, uint32_t ip, uint16_t port,
				    const char *key_type, const char *fingerprint_sha256,
				    const uint8_t *key, size_t keylen, char *old_fp,
				    size_t old_fp_size);

/*
 * Called (from a worker thread) when the accept-new policy accepts a key
 * the trust store did not know, once per host, before any authentication:
 * the store may remember it (a known_hosts file appends a line, as
 * OpenSSH's accept-new does). Must be thread-safe and not block long.
 */
typedef void (*ssh_hostkey_accept_fn)(void *ctx, uint32_t ip, uint16_t port,
				      const char *key_type, const uint8_t *key, size_t keylen);

/* Why a host's session ended; res->status. */
typedef enum {
	SSH_ST_OK = 0,          /* command ran, output (maybe truncated) is there */
	SSH_ST_NO_CREDENTIAL,   /* no [ssh] section applies to this address */
	SSH_ST_CONNECT,         /* refused, unreachable, or connect timeout */
	SSH_ST_HANDSHAKE,       /* banner/kex failed or timed out */
	SSH_ST_HOSTKEY_UNKNOWN, /* strict policy and the store does not know the key */
	SSH_ST_HOSTKEY_CHANGED, /* the key differs from the recorded one: nothing sent */
	SSH_ST_AUTH,            /* every credential failed */
	SSH_ST_EXEC,            /* channel or exec refused */
	SSH_ST_SHELL,           /* remote shell is not usable (not POSIX, menu, ...) */
	SSH_ST_TIMEOUT,         /* a deadline passed after login */
	SSH_ST_ERROR,           /* out of memory or an unexpected library error */
} ssh_status;

/* "ok", "no-credential", "connect", ... never NULL. */
const char *ssh_status_str(int status);

typedef struct {
	ssh_hostkey_policy hostkeys;
	ssh_hostkey_check_fn hostkey_check; /* NULL: nothing is known (all UNKNOWN) */
	void *hostkey_ctx;
	ssh_hostkey_accept_fn hostkey_accept; /* NULL: the store learns nothing */

	int connect_timeout_ms;  /* TCP connect; default 5000 */
	int auth_timeout_ms;     /* banner + kex + host key + all auth; default 20000 */
	int command_timeout_ms;  /* exec to EOF; default 120000 */
	int host_timeout_ms;     /* the whole host, all of the above; default 180000 */
	size_t max_output;       /* stdout cap in bytes; default 8 MiB */
	size_t max_stderr;       /* stderr cap; default 64 KiB (more is read and dropped) */

	/* The command line and the script written to its stdin, then EOF. */
	const char *command;     /* default "sh -s" */
	/* Used instead of command when the credential that logged in has
	 * sudo = yes (e.g. "NETCENSUS_SUDO=1 sh -s": the script then uses
	 * `sudo -n` for its few root-only reads; never a password). NULL: command. */
	const char *sudo_command;
	const void *script;
	size_t script_len;
	/*
	 * For Windows OpenSSH (banner "OpenSSH_for_Windows", or cmd.exe saying
	 * "'sh' is not recognized"): this command and script instead, on the
	 * same session. NULL: the POSIX command is tried and the host is
	 * reported remote_windows with whatever it answered.
	 */
	const char *windows_command;
	const void *windows_script;
	size_t windows_script_len;
	/*
	 * When set, stdout must start with this (the script prints it first):
	 * anything else (a menu, "Invalid command", an error) is a shell error
	 * with the first line recorded. NULL: not checked.
	 */
	const char *expect_header;

	int parallel;            /* ssh_collect_all threads; default 64 */
} ssh_collect_config;

/* The outcome for one host. Caller frees with ssh_collect_result_free(). */
typedef struct {
	int status;              /* ssh_status */
	bool hostkey_new;        /* accepted under accept-new: record it */
	bool hostkey_changed;
	bool remote_windows;
	bool truncated;          /* stdout hit max_output; the channel was closed */
	bool timed_out;          /* the command did not finish in time */
	int exit_status;         /* -1 when not known */
	char hostkey_type[32];
	char hostkey_fp[SSH_FP_MAX];
	const cred_ssh *cred;    /* the credential that logged in (not owned), or NULL */
	char *out;               /* stdout bytes, NUL-terminated for convenience */
	size_t outlen;
	char *err;               /* stderr bytes, NUL-terminated */
	size_t errlen;
} ssh_collect_result;

void ssh_collect_result_free(ssh_collect_result *res);

/* Fill unset (zero) fields of cfg with the defaults above. */
void ssh_collect_config_defaults(ssh_collect_config *cfg);

/*
 * Call once, before any thread uses SSH (libssh2_init is not thread-safe).
 * ssh_collect_all() calls it itself. Returns 0 or NC_ERR_INTERNAL.
 */
int ssh_global_init(void);

/*
 * Collect from one host (h->ip): creds are the [ssh] sections that apply,
 * tried in order. Facts go into h; *out is filled (zeroed first) and owns
 * its buffers. Returns 0 when the command ran (out->status SSH_ST_OK, the
 * output may still be truncated or a shell error), else a negative NC_ERR_*
 * with out->status telling which step failed (also recorded as a fact).
 * Never prints; never lets a secret out.
 */
int ssh_collect_host(const ssh_collect_config *cfg, const cred_ssh *const *creds,
		     size_t ncreds, host_facts *h, ssh_collect_result *out);

/*
 * Called once per host with a session attempt (also for hosts that failed,
 * with res->status set and no output), from worker threads concurrently:
 * it must be thread-safe. res and its buffers belong to the pool and are
 * freed when the callback returns; to keep out/err, take them and set them
 * to NULL. May parse and add facts to h (h locks itself).
 */
typedef void (*ssh_output_fn)(void *ctx, host_facts *h, ssh_collect_result *res);

/*
 * Collect from hosts[0..n) with cfg->parallel worker threads; hosts with no
 * applicable [ssh] credential are skipped (no callback). Returns 0, or
 * NC_ERR_NOMEM / NC_ERR_SYS when the pool could not start (then nothing was
 * collected). Per-host failures are facts, not errors.
 */
int ssh_collect_all(const ssh_collect_config *cfg, const credentials_t *creds,
		    host_facts *const *hosts, size_t n, ssh_output_fn on_output, void *ctx);

/* ---- host keys: fingerprints and an OpenSSH known_hosts trust store ---- */

/* "SHA256:<unpadded base64 of sha256(key)>" into out; 0 or NC_ERR_TOOBIG. */
int ssh_fingerprint_sha256(const uint8_t *key, size_t keylen, char *out, size_t outsize);

/* The SSH name of a key blob (its leading string), e.g. "ssh-ed25519", into
 * out; 0 or NC_ERR_INVALID. */
int ssh_key_type_name(const uint8_t *key, size_t keylen, char *out, size_t outsize);

/* Standard base64 (padding optional, no whitespace). Returns the decoded
 * length, or -1 on a bad character or when it does not fit outsize. */
long ssh_base64_decode(const char *in, size_t inlen, uint8_t *out, size_t outsize);

typedef struct ssh_known_hosts ssh_known_hosts;

/*
 * Load an OpenSSH known_hosts file: "patterns keytype base64 [comment]"
 * lines, patterns being comma-separated host names with * and ? wildcards,
 * !negation, "[host]:port" for other ports, or a hashed "|1|salt|hmac"
 * (HMAC-SHA1); "@revoked" lines make the key count as CHANGED;
 * "@cert-authority" lines and malformed lines are skipped. A missing file
 * is an empty store. *out = NULL first; 0, NC_ERR_NOMEM, NC_ERR_IO, or
 * NC_ERR_TOOBIG (more than 1,000,000 lines).
 */
int ssh_known_hosts_load(const char *path, ssh_known_hosts **out);
/* The same from a buffer (for tests); text need not be NUL-terminated. */
int ssh_known_hosts_parse(const char *text, size_t len, ssh_known_hosts **out);
void ssh_known_hosts_free(ssh_known_hosts *kh);
/* Number of usable entries. */
size_t ssh_known_hosts_count(const ssh_known_hosts *kh);

/*
 * An ssh_hostkey_check_fn over a loaded file: ctx is the ssh_known_hosts.
 * Safe from many threads (ssh_known_hosts_accept() may add to it).
 */
int ssh_known_hosts_check(void *ctx, uint32_t ip, uint16_t port, const char *key_type,
			  const char *fingerprint_sha256, const uint8_t *key, size_t keylen,
			  char *old_fp, size_t old_fp_size);

/*
 * An ssh_hostkey_accept_fn: remember the key in memory and, for a file
 * loaded with ssh_known_hosts_load(), append "ADDRESS TYPE BASE64" (or
 * "[ADDRESS]:PORT ...") to it (created 0600 when missing), so the next
 * run knows the key. A write failure is logged once; the key is still
 * remembered for this run.
 */
void ssh_known_hosts_accept(void *ctx, uint32_t ip, uint16_t port, const char *key_type,
			    const uint8_t *key, size_t keylen);

#endif
