#include "config.h"

/*
 * ssh_session_hostkey.c — host key fingerprints and an OpenSSH known_hosts
 * trust store for the SSH session layer.
 *
 * The session asks a trust store about the server's key before it offers
 * any secret (ssh_session.h). The inventory will be the usual store; this
 * file gives the other one users already have: an OpenSSH known_hosts file,
 * read once into memory and then only read, so every worker thread can ask
 * it at once. We parse the file ourselves rather than through libssh2's
 * knownhost API because that API needs a session per lookup and cannot tell
 * "another key of this type is recorded" (a changed key) from "some key is
 * recorded" without walking its list anyway; the format is small.
 *
 * Hashed host names (HashKnownHosts yes) are "|1|base64(salt)|base64(hash)"
 * with hash = HMAC-SHA1(key = salt, data = host), as in OpenSSH hostfile.c.
 */

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pthread.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "fingerprint/ssh_session.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/grow.h"
#include "util/log.h"

#define KH_MAX_FILE (64u * 1024 * 1024)
#define KH_MAX_LINES 1000000
#define KH_MAX_KEY 16384 /* a decoded key blob (RSA 16k bits is ~2 KiB) */
#define SHA1_LEN 20

typedef struct {
	char *patterns;        /* comma-separated, or NULL when hashed */
	uint8_t salt[SHA1_LEN];
	uint8_t hash[SHA1_LEN];
	bool hashed;
	bool revoked;
	char type[32];         /* from the blob, not the line's type field */
	uint8_t *key;
	size_t keylen;
} kh_entry;

struct ssh_known_hosts {
	kh_entry *v;
	size_t n, cap;
	pthread_mutex_t lock; /* accept adds while workers check */
	char *path;	      /* where accepted keys are appended; NULL: nowhere */
	bool write_failed;    /* said once */
};

static const char b64chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

long ssh_base64_decode(const char *in, size_t inlen, uint8_t *out, size_t outsize)
{
	uint32_t acc = 0;
	size_t o = 0;
	int bits = 0;

	while (inlen > 0 && in[inlen - 1] == '=')
		inlen--;
	for (size_t i = 0; i < inlen; i++) {
		int v = b64val((unsigned char)in[i]);

		if (v < 0)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= outsize)
				return -1;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	if (bits >= 6) /* one lone character cannot encode a byte */
		return -1;
	return (long)o;
}

/* Base64: unpadded as OpenSSH prints fingerprints, padded as known_hosts
 * holds keys. */
static int b64_encode(const uint8_t *in, size_t len, bool pad, char *out, size_t outsize)
{
	size_t o = 0, i;
	uint32_t acc = 0;
	int bits = 0;

	for (i = 0; i < len; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			if (o + 1 >= outsize)
				return NC_ERR_TOOBIG;
			out[o++] = b64chars[(acc >> bits) & 63];
		}
	}
	if (bits > 0) {
		if (o + 1 >= outsize)
			return NC_ERR_TOOBIG;
		out[o++] = b64chars[(acc << (6 - bits)) & 63];
	}
	while (pad && o % 4 != 0) {
		if (o + 1 >= outsize)
			return NC_ERR_TOOBIG;
		out[o++] = '=';
	}
	if (o >= outsize)
		return NC_ERR_TOOBIG;
	out[o] = '\0';
	return 0;
}

int ssh_fingerprint_sha256(const uint8_t *key, size_t keylen, char *out, size_t outsize)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	static const char prefix[] = "SHA256:";

	if (outsize < sizeof(prefix))
		return NC_ERR_TOOBIG;
	if (EVP_Digest(key, keylen, md, &mdlen, EVP_sha256(), NULL) != 1)
		return NC_ERR_INTERNAL;
	memcpy(out, prefix, sizeof(prefix));
	return b64_encode(md, mdlen, false, out + sizeof(prefix) - 1,
			  outsize - (sizeof(prefix) - 1));
}

int ssh_key_type_name(const uint8_t *key, size_t keylen, char *out, size_t outsize)
{
	uint32_t n;

	if (outsize == 0)
		return NC_ERR_INVALID;
	out[0] = '\0';
	if (keylen < 4)
		return NC_ERR_INVALID;
	n = (uint32_t)key[0] << 24 | (uint32_t)key[1] << 16 | (uint32_t)key[2] << 8 | key[3];
	if (n == 0 || n > keylen - 4 || n >= outsize)
		return NC_ERR_INVALID;
	for (uint32_t i = 0; i < n; i++)
		if (!isgraph(key[4 + i]))
			return NC_ERR_INVALID;
	memcpy(out, key + 4, n);
	out[n] = '\0';
	return 0;
}

/* OpenSSH's match_pattern: * and ?, case-insensitive (host names). */
static bool wild_match(const char *s, const char *p, size_t plen)
{
	while (plen > 0) {
		if (*p == '*') {
			p++;
			plen--;
			if (plen == 0)
				return true;
			for (; *s != '\0'; s++)
				if (wild_match(s, p, plen))
					return true;
			return false;
		}
		if (*s == '\0')
			return false;
		if (*p != '?' && tolower((unsigned char)*p) != tolower((unsigned char)*s))
			return false;
		s++;
		p++;
		plen--;
	}
	return *s == '\0';
}

/* A comma-separated pattern list against host: a negated match wins. */
static bool patterns_match(const char *list, const char *host)
{
	bool hit = false;
	const char *p = list;

	while (*p != '\0') {
		const char *end = strchr(p, ',');
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
		bool neg = len > 0 && *p == '!';

		if (wild_match(host, p + neg, len - neg)) {
			if (neg)
				return false;
			hit = true;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return hit;
}

static bool hashed_match(const kh_entry *e, const char *host)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (HMAC(EVP_sha1(), e->salt, SHA1_LEN, (const unsigned char *)host, strlen(host),
		 md, &mdlen) == NULL || mdlen != SHA1_LEN)
		return false;
	return CRYPTO_memcmp(md, e->hash, SHA1_LEN) == 0;
}

static void entry_free(kh_entry *e)
{
	free(e->patterns);
	free(e->key);
}

/* "|1|salt|hash" into e; false when malformed. */
static bool parse_hashed(const char *f, size_t len, kh_entry *e)
{
	const char *bar;
	size_t saltlen;

	if (len < 3 || memcmp(f, "|1|", 3) != 0)
		return false;
	f += 3;
	len -= 3;
	if ((bar = memchr(f, '|', len)) == NULL)
		return false;
	saltlen = (size_t)(bar - f);
	if (ssh_base64_decode(f, saltlen, e->salt, sizeof(e->salt)) != SHA1_LEN ||
	    ssh_base64_decode(bar + 1, len - saltlen - 1, e->hash, sizeof(e->hash)) != SHA1_LEN)
		return false;
	e->hashed = true;
	return true;
}

/*
 * Split one line into at most 4 whitespace-separated fields (the last is
 * the rest). Returns the count.
 */
static int split_fields(const char *s, size_t len, const char **f, size_t *fl, int max)
{
	int n = 0;
	size_t i = 0;

	while (n < max) {
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i >= len)
			break;
		f[n] = s + i;
		while (i < len && s[i] != ' ' && s[i] != '\t')
			i++;
		fl[n] = (size_t)(s + i - f[n]);
		n++;
	}
	return n;
}

static int parse_line(ssh_known_hosts *kh, const char *s, size_t len)
{
	const char *f[4];
	size_t fl[4];
	kh_entry e;
	uint8_t *blob = NULL;
	long bl;
	int nf, r, k = 0;

	memset(&e, 0, sizeof(e));
	nf = split_fields(s, len, f, fl, 4);
	if (nf == 0 || f[0][0] == '#')
		return 0;
	if (f[0][0] == '@') {
		if (fl[0] == 8 && memcmp(f[0], "@revoked", 8) == 0)
			e.revoked = true;
		else
			return 0; /* @cert-authority: certificates are not used here */
		k = 1;
	}
	if (nf - k < 3)
		return 0;
	if (f[k][0] == '|') {
		if (!parse_hashed(f[k], fl[k], &e))
			return 0;
	} else if ((e.patterns = strndup(f[k], fl[k])) == NULL) {
		return NC_ERR_NOMEM;
	}
	if ((blob = malloc(KH_MAX_KEY)) == NULL) {
		r = NC_ERR_NOMEM;
		goto out;
	}
	bl = ssh_base64_decode(f[k + 2], fl[k + 2], blob, KH_MAX_KEY);
	if (bl <= 0 || ssh_key_type_name(blob, (size_t)bl, e.type, sizeof(e.type)) != 0) {
		r = 0; /* malformed: skipped, as ssh does */
		goto out;
	}
	if ((e.key = malloc((size_t)bl)) == NULL) {
		r = NC_ERR_NOMEM;
		goto out;
	}
	memcpy(e.key, blob, (size_t)bl);
	e.keylen = (size_t)bl;
	if ((r = nc_grow(&kh->v, &kh->cap, kh->n + 1, sizeof(*kh->v), 16)) != 0)
		goto out;
	kh->v[kh->n++] = e;
	memset(&e, 0, sizeof(e));
	r = 0;
out:
	free(blob);
	entry_free(&e);
	return r;
}

int ssh_known_hosts_parse(const char *text, size_t len, ssh_known_hosts **out)
{
	ssh_known_hosts *kh;
	size_t i = 0, lines = 0;
	int r;

	*out = NULL;
	if ((kh = calloc(1, sizeof(*kh))) == NULL)
		return NC_ERR_NOMEM;
	pthread_mutex_init(&kh->lock, NULL);
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t ll = nl != NULL ? (size_t)(nl - (text + i)) : len - i;

		if (++lines > KH_MAX_LINES) {
			ssh_known_hosts_free(kh);
			return nc_fail(NC_ERR_TOOBIG, "known_hosts: more than %d lines",
				       KH_MAX_LINES);
		}
		if (ll > 0 && text[i + ll - 1] == '\r')
			ll--;
		if ((r = parse_line(kh, text + i, ll)) != 0) {
			ssh_known_hosts_free(kh);
			return r;
		}
		i += ll + 1;
		if (nl != NULL && text[i - 1] == '\r')
			i++;
	}
	*out = kh;
	return 0;
}

int ssh_known_hosts_load(const char *path, ssh_known_hosts **out)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	ssize_t n;
	int fd, r;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT) {
			/* accepted keys will create it */
			if ((r = ssh_known_hosts_parse("", 0, out)) == 0 &&
			    ((*out)->path = strdup(path)) == NULL) {
				ssh_known_hosts_free(*out);
				*out = NULL;
				r = NC_ERR_NOMEM;
			}
			return r;
		}
		return nc_fail(NC_ERR_IO, "%s: %s", path, strerror(errno));
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		r = nc_fail(NC_ERR_IO, "%s: not a regular file", path);
		goto out;
	}
	if ((uint64_t)st.st_size > KH_MAX_FILE) {
		r = nc_fail(NC_ERR_TOOBIG, "%s: larger than %u bytes", path, KH_MAX_FILE);
		goto out;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		r = NC_ERR_NOMEM;
		goto out;
	}
	while (len < (size_t)st.st_size &&
	       (n = read(fd, buf + len, (size_t)st.st_size - len)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = nc_fail(NC_ERR_IO, "%s: %s", path, strerror(errno));
			goto out;
		}
		len += (size_t)n;
	}
	r = ssh_known_hosts_parse(buf, len, out);
	if (r == 0 && ((*out)->path = strdup(path)) == NULL) {
		ssh_known_hosts_free(*out);
		*out = NULL;
		r = NC_ERR_NOMEM;
	}
out:
	free(buf);
	close(fd);
	return r;
}

void ssh_known_hosts_free(ssh_known_hosts *kh)
{
	if (kh == NULL)
		return;
	for (size_t i = 0; i < kh->n; i++)
		entry_free(&kh->v[i]);
	free(kh->v);
	free(kh->path);
	pthread_mutex_destroy(&kh->lock);
	free(kh);
}

size_t ssh_known_hosts_count(const ssh_known_hosts *kh)
{
	return kh != NULL ? kh->n : 0;
}

/* The host field OpenSSH writes for an address and port. */
static void kh_host_name(uint32_t ip, uint16_t port, char *host, size_t size)
{
	if (port == 22 || port == 0)
		snprintf(host, size, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255,
			 ip & 255);
	else
		snprintf(host, size, "[%u.%u.%u.%u]:%u", ip >> 24, (ip >> 16) & 255,
			 (ip >> 8) & 255, ip & 255, port);
}

static bool entry_matches_host(const kh_entry *e, const char *host)
{
	return e->hashed ? hashed_match(e, host) : patterns_match(e->patterns, host);
}

int ssh_known_hosts_check(void *ctx, uint32_t ip, uint16_t port, const char *key_type,
			  const char *fingerprint_sha256, const uint8_t *key, size_t keylen,
			  char *old_fp, size_t old_fp_size)
{
	ssh_known_hosts *kh = ctx;
	char host[64];
	bool match = false, other = false, revoked = false;

	kh_host_name(ip, port, host, sizeof(host));
	if (kh != NULL)
		pthread_mutex_lock(&kh->lock);
	for (size_t i = 0; kh != NULL && i < kh->n; i++) {
		const kh_entry *e = &kh->v[i];
		bool same = e->keylen == keylen && memcmp(e->key, key, keylen) == 0;

		if (e->revoked) {
			/* a revoked key is refused for every host */
			if (same)
				revoked = true;
			continue;
		}
		if (!entry_matches_host(e, host))
			continue;
		if (same) {
			match = true;
		} else if (strcmp(e->type, key_type) == 0 && !other) {
			other = true;
			if (old_fp != NULL && old_fp_size > 0)
				ssh_fingerprint_sha256(e->key, e->keylen, old_fp, old_fp_size);
		}
	}
	(void)fingerprint_sha256;
	if (kh != NULL)
		pthread_mutex_unlock(&kh->lock);
	if (revoked) {
		if (old_fp != NULL && old_fp_size > 0)
			snprintf(old_fp, old_fp_size, "revoked");
		return SSH_HOSTKEY_CHANGED;
	}
	if (match)
		return SSH_HOSTKEY_KNOWN_MATCH;
	if (other)
		return SSH_HOSTKEY_CHANGED;
	return SSH_HOSTKEY_UNKNOWN;
}

void ssh_known_hosts_accept(void *ctx, uint32_t ip, uint16_t port, const char *key_type,
			    const uint8_t *key, size_t keylen)
{
	ssh_known_hosts *kh = ctx;
	char host[64], *line = NULL;
	size_t b64size = (keylen + 2) / 3 * 4 + 1, linesize;
	kh_entry e;
	int fd, n;

	if (kh == NULL || keylen == 0 || keylen > KH_MAX_KEY)
		return;
	memset(&e, 0, sizeof(e));
	kh_host_name(ip, port, host, sizeof(host));
	linesize = strlen(host) + strlen(key_type) + b64size + 3;
	if ((e.patterns = strdup(host)) == NULL || (e.key = malloc(keylen)) == NULL ||
	    (line = malloc(linesize)) == NULL)
		goto out;
	memcpy(e.key, key, keylen);
	e.keylen = keylen;
	snprintf(e.type, sizeof(e.type), "%s", key_type);
	n = snprintf(line, linesize, "%s %s ", host, key_type);
	if (n < 0 || (size_t)n >= linesize ||
	    b64_encode(key, keylen, true, line + n, linesize - (size_t)n) != 0)
		goto out;
	n += (int)strlen(line + n);
	line[n++] = '\n';

	pthread_mutex_lock(&kh->lock);
	if (nc_grow(&kh->v, &kh->cap, kh->n + 1, sizeof(*kh->v), 16) == 0) {
		kh->v[kh->n++] = e;
		memset(&e, 0, sizeof(e));
	}
	if (kh->path != NULL) {
		/* one write() of a whole line with O_APPEND: lines of concurrent
		 * writers (or an ssh client) never interleave */
		fd = open(kh->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0 || write(fd, line, (size_t)n) != n) {
			if (!kh->write_failed)
				log_warn("cannot add accepted host keys to %s: %s", kh->path,
					 strerror(errno));
			kh->write_failed = true;
		}
		if (fd >= 0)
			close(fd);
	}
	pthread_mutex_unlock(&kh->lock);
out:
	free(line);
	entry_free(&e);
}
