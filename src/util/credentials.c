#include "config.h"

/*
 * credentials.c — reading the credentials file (-c FILE), netcensus.conf(5).
 *
 * The file is INI-style: `[snmp NAME]` and `[ssh NAME]` sections, each a
 * credential tried in file order, holding `key = value` lines. Whole-line
 * comments start with '#' or ';'; a '#' preceded by whitespace starts a
 * trailing comment. A value may be put in double quotes to keep a '#' (or
 * leading/trailing blanks) in it: `community = "pub #1"`. There are no
 * escapes; a quoted value cannot hold a '"'.
 *
 * Like ssh with its keys, we refuse a file that group or others may read,
 * and we bound its size. The whole file and every line copy are zeroed
 * before they are freed, and so are the secrets in credentials_free().
 *
 * Errors name the file, the line and the key — never a value that may be a
 * secret (community, auth, priv, password, passphrase): a message that
 * echoed a mistyped line could print a password to a terminal or a log.
 *
 * Defaults: an [snmp] section without `version` is version 3 when it has a
 * `user`, else 2c. An [ssh] section uses port 22, agent = no, sudo = no.
 */

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/compat.h"
#include "util/credentials.h"
#include "util/err.h"
#include "util/grow.h"
#include "util/privs.h"

/* A credentials file is a few kilobytes; anything near this is a mistake. */
#define CREDENTIALS_MAX_BYTES (1u << 20)
#define SSH_KEY_MAX_BYTES (64u << 10) /* an RSA-16384 key is ~12 KiB */
/* Sections per file, so a generated file cannot ask for unbounded memory. */
#define CREDENTIALS_MAX_SECTIONS 4096
/* net-snmp refuses shorter USM passphrases (USM_LENGTH_P_MIN). */
#define SNMP_PASSPHRASE_MIN 8
/* Section names appear in facts and logs: keep them short and plain. */
#define SECTION_NAME_MAX 64

/* Keys, with a slot in section_state.line_of each. */
enum {
	K_VERSION,
	K_COMMUNITY,
	K_USER,
	K_AUTH,
	K_PRIV,
	K_CONTEXT,
	K_TARGETS,
	K_KEY,
	K_PASSWORD,
	K_AGENT,
	K_PASSPHRASE,
	K_PORT,
	K_SUDO,
	K__COUNT
};

/* What we remember while a section is being read, for its final checks. */
typedef struct {
	int type; /* 0 none yet, 's' snmp, 'h' ssh */
	size_t header_line;
	size_t line_of[K__COUNT]; /* line where each key was set (0: unset) */
} section_state;

static const struct {
	const char *name;
	int id;
	int types; /* 's' snmp, 'h' ssh, 'b' both */
} known_keys[] = {
    {"version", K_VERSION, 's'},
    {"community", K_COMMUNITY, 's'},
    {"user", K_USER, 'b'},
    {"auth", K_AUTH, 's'},
    {"priv", K_PRIV, 's'},
    {"context", K_CONTEXT, 's'},
    {"targets", K_TARGETS, 'b'},
    {"key", K_KEY, 'h'},
    {"password", K_PASSWORD, 'h'},
    {"agent", K_AGENT, 'h'},
    {"passphrase", K_PASSPHRASE, 'h'},
    {"port", K_PORT, 'h'},
    {"sudo", K_SUDO, 'h'},
};

static const struct {
	const char *name;
	snmp_auth_proto proto;
} auth_names[] = {
    {"MD5", SNMP_AUTH_MD5},	   {"SHA", SNMP_AUTH_SHA},	  {"SHA1", SNMP_AUTH_SHA},
    {"SHA-1", SNMP_AUTH_SHA},	   {"SHA-224", SNMP_AUTH_SHA224}, {"SHA224", SNMP_AUTH_SHA224},
    {"SHA-256", SNMP_AUTH_SHA256}, {"SHA256", SNMP_AUTH_SHA256},  {"SHA-384", SNMP_AUTH_SHA384},
    {"SHA384", SNMP_AUTH_SHA384},  {"SHA-512", SNMP_AUTH_SHA512}, {"SHA512", SNMP_AUTH_SHA512},
};

static const struct {
	const char *name;
	snmp_priv_proto proto;
} priv_names[] = {
    {"DES", SNMP_PRIV_DES},	   {"AES", SNMP_PRIV_AES},	  {"AES-128", SNMP_PRIV_AES},
    {"AES128", SNMP_PRIV_AES},	   {"AES-192", SNMP_PRIV_AES192}, {"AES192", SNMP_PRIV_AES192},
    {"AES-256", SNMP_PRIV_AES256}, {"AES256", SNMP_PRIV_AES256},
};

/* Free a string that may hold a secret, zeroing it first. */
static void free_secret(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

static void snmp_free_one(cred_snmp *s)
{
	free(s->name);
	free_secret(s->community);
	free_secret(s->user);
	free_secret(s->auth_pass);
	free_secret(s->priv_pass);
	free(s->context);
	targets_free(s->targets);
	memset(s, 0, sizeof(*s));
}

static void ssh_free_one(cred_ssh *s)
{
	free(s->name);
	free_secret(s->user);
	free(s->key);
	if (s->key_loaded)
		close(s->key_fd);
	free_secret(s->passphrase);
	free_secret(s->password);
	targets_free(s->targets);
	memset(s, 0, sizeof(*s));
}

void credentials_free(credentials_t *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->nsnmp; i++)
		snmp_free_one(&c->snmp[i]);
	for (size_t i = 0; i < c->nssh; i++)
		ssh_free_one(&c->ssh[i]);
	free(c->snmp);
	free(c->ssh);
	free(c);
}

bool credentials_applies(const targets_t *targets, uint32_t ip)
{
	return targets == NULL || targets_contains(targets, ip);
}

/* ------------------------------------------------------------ the parser */

typedef struct {
	const char *path;
	size_t line;
	credentials_t *c;
	section_state sec;
	/* capacities of c->snmp / c->ssh */
	size_t snmp_cap, ssh_cap;
} parser;

/* Trim ASCII blanks (and the '\r' of CRLF files) from both ends, in place. */
static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static bool parse_bool(const char *v, bool *out)
{
	if (strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0 || strcasecmp(v, "on") == 0 ||
	    strcmp(v, "1") == 0)
		*out = true;
	else if (strcasecmp(v, "no") == 0 || strcasecmp(v, "false") == 0 ||
		 strcasecmp(v, "off") == 0 || strcmp(v, "0") == 0)
		*out = false;
	else
		return false;
	return true;
}

static bool section_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > SECTION_NAME_MAX)
		return false;
	for (const char *p = name; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("._-@+:", *p) == NULL)
			return false;
	return true;
}

static bool name_taken(const credentials_t *c, const char *name)
{
	for (size_t i = 0; i < c->nsnmp; i++)
		if (strcmp(c->snmp[i].name, name) == 0)
			return true;
	for (size_t i = 0; i < c->nssh; i++)
		if (strcmp(c->ssh[i].name, name) == 0)
			return true;
	return false;
}

/* The section being filled. */
static cred_snmp *cur_snmp(parser *p)
{
	return &p->c->snmp[p->c->nsnmp - 1];
}

static cred_ssh *cur_ssh(parser *p)
{
	return &p->c->ssh[p->c->nssh - 1];
}

static int fail_at(const parser *p, size_t line, const char *what)
{
	return nc_fail(NC_ERR_INVALID, "%s:%zu: %s", p->path, line, what);
}

/*
 * Checks that need the whole section: run when the next section starts and
 * at the end of the file. Messages name the line of the key at fault, or the
 * section header when a key is missing.
 */
static int section_finish(parser *p)
{
	const section_state *st = &p->sec;
	size_t hl = st->header_line;
	char msg[256];

	if (st->type == 's') {
		cred_snmp *s = cur_snmp(p);
		const char *n = s->name;

		if (s->version == 0)
			s->version = s->user != NULL ? 3 : 2;
		if (s->version != 3) {
			static const int v3_only[] = {K_USER, K_AUTH, K_PRIV, K_CONTEXT};
			static const char *const v3_names[] = {"user", "auth", "priv", "context"};

			if (s->community == NULL) {
				snprintf(msg, sizeof(msg),
					 "[snmp %s]: version %s needs a 'community'", n,
					 s->version == 1 ? "1" : "2c");
				return fail_at(p, hl, msg);
			}
			for (size_t i = 0; i < ARRAY_SIZE(v3_only); i++)
				if (st->line_of[v3_only[i]] != 0) {
					snprintf(msg, sizeof(msg),
						 "[snmp %s]: key '%s' is for version 3 only", n,
						 v3_names[i]);
					return fail_at(p, st->line_of[v3_only[i]], msg);
				}
			return 0;
		}
		if (s->user == NULL) {
			snprintf(msg, sizeof(msg), "[snmp %s]: version 3 needs a 'user'", n);
			return fail_at(p, hl, msg);
		}
		if (st->line_of[K_COMMUNITY] != 0) {
			snprintf(msg, sizeof(msg),
				 "[snmp %s]: key 'community' is for versions 1 and 2c only", n);
			return fail_at(p, st->line_of[K_COMMUNITY], msg);
		}
		if (s->priv != SNMP_PRIV_NONE && s->auth == SNMP_AUTH_NONE) {
			snprintf(msg, sizeof(msg), "[snmp %s]: 'priv' needs 'auth' as well", n);
			return fail_at(p, st->line_of[K_PRIV], msg);
		}
		return 0;
	}
	if (st->type == 'h') {
		cred_ssh *s = cur_ssh(p);
		const char *n = s->name;

		if (s->user == NULL) {
			snprintf(msg, sizeof(msg), "[ssh %s]: needs a 'user'", n);
			return fail_at(p, hl, msg);
		}
		if (s->key == NULL && s->password == NULL && !s->agent) {
			snprintf(msg, sizeof(msg),
				 "[ssh %s]: needs 'key', 'password' or 'agent = yes'", n);
			return fail_at(p, hl, msg);
		}
		if (s->passphrase != NULL && s->key == NULL) {
			snprintf(msg, sizeof(msg), "[ssh %s]: 'passphrase' needs 'key'", n);
			return fail_at(p, st->line_of[K_PASSPHRASE], msg);
		}
	}
	return 0;
}

/* "[type name]" */
static int section_start(parser *p, char *s)
{
	char *end = strchr(s, ']'), *type, *name, msg[256];
	credentials_t *c = p->c;
	int r;

	if (end == NULL || *trim(end + 1) != '\0')
		return fail_at(p, p->line,
			       "section header must look like [snmp NAME] or [ssh NAME]");
	*end = '\0';
	type = trim(s + 1);
	name = type + strcspn(type, " \t");
	if (*name != '\0')
		*name++ = '\0';
	name = trim(name);
	if (strcmp(type, "snmp") != 0 && strcmp(type, "ssh") != 0) {
		snprintf(msg, sizeof(msg), "unknown section type '%.40s' (expected snmp or ssh)",
			 type);
		return fail_at(p, p->line, msg);
	}
	if (!section_name_ok(name)) {
		snprintf(msg, sizeof(msg),
			 "[%s]: section name must be 1-%d letters, digits or ._-@+: characters",
			 type, SECTION_NAME_MAX);
		return fail_at(p, p->line, msg);
	}
	if (name_taken(c, name)) {
		snprintf(msg, sizeof(msg), "duplicate section name '%s'", name);
		return fail_at(p, p->line, msg);
	}
	if (c->nsnmp + c->nssh >= CREDENTIALS_MAX_SECTIONS)
		return nc_fail(NC_ERR_TOOBIG, "%s:%zu: more than %d sections", p->path, p->line,
			       CREDENTIALS_MAX_SECTIONS);

	memset(&p->sec, 0, sizeof(p->sec));
	p->sec.header_line = p->line;
	if (strcmp(type, "snmp") == 0) {
		if ((r = nc_grow(&c->snmp, &p->snmp_cap, c->nsnmp + 1, sizeof(*c->snmp), 4)) != 0)
			return r;
		memset(&c->snmp[c->nsnmp], 0, sizeof(*c->snmp));
		if ((c->snmp[c->nsnmp].name = strdup(name)) == NULL)
			return NC_ERR_NOMEM;
		c->nsnmp++;
		p->sec.type = 's';
	} else {
		if ((r = nc_grow(&c->ssh, &p->ssh_cap, c->nssh + 1, sizeof(*c->ssh), 4)) != 0)
			return r;
		memset(&c->ssh[c->nssh], 0, sizeof(*c->ssh));
		if ((c->ssh[c->nssh].name = strdup(name)) == NULL)
			return NC_ERR_NOMEM;
		c->ssh[c->nssh].port = 22;
		c->nssh++;
		p->sec.type = 'h';
	}
	return 0;
}

static int set_string(char **dst, const char *v)
{
	char *d = strdup(v);

	if (d == NULL)
		return NC_ERR_NOMEM;
	free_secret(*dst);
	*dst = d;
	return 0;
}

static int set_targets(parser *p, targets_t **dst, const char *v, const char *key)
{
	targets_t *t = targets_new();
	char detail[512];
	int r;

	if (t == NULL)
		return NC_ERR_NOMEM;
	if ((r = targets_add_list(t, v)) == 0)
		r = targets_finalize(t);
	if (r != 0) {
		/* copy first: nc_fail below overwrites the thread's detail */
		snprintf(detail, sizeof(detail), "%s", nc_errmsg(r));
		targets_free(t);
		return nc_fail(r == NC_ERR_NOMEM ? r : NC_ERR_INVALID, "%s:%zu: '%s': %s", p->path,
			       p->line, key, detail);
	}
	if (targets_count(t) == 0) {
		targets_free(t);
		return fail_at(p, p->line, "'targets' names no address");
	}
	targets_free(*dst);
	*dst = t;
	return 0;
}

/*
 * "PROTO:passphrase" for auth/priv. The value is a secret: nothing of it
 * goes into a message, not even the part before the colon (a line without
 * a colon would be all passphrase).
 */
static int split_proto(parser *p, const char *key, char *v, char **pass_out)
{
	char *colon = strchr(v, ':'), msg[160];

	if (colon == NULL || colon == v || colon[1] == '\0') {
		snprintf(msg, sizeof(msg), "'%s' must be PROTOCOL:passphrase", key);
		return fail_at(p, p->line, msg);
	}
	*colon = '\0';
	*pass_out = colon + 1;
	if (strlen(*pass_out) < SNMP_PASSPHRASE_MIN) {
		snprintf(msg, sizeof(msg), "'%s': the passphrase must have at least %d characters",
			 key, SNMP_PASSPHRASE_MIN);
		return fail_at(p, p->line, msg);
	}
	return 0;
}

static int snmp_key(parser *p, int id, const char *key, char *v)
{
	cred_snmp *s = cur_snmp(p);
	char *pass, msg[200];
	size_t i;
	int r;

	switch (id) {
	case K_VERSION:
		if (strcmp(v, "1") == 0)
			s->version = 1;
		else if (strcasecmp(v, "2c") == 0 || strcmp(v, "2") == 0)
			s->version = 2;
		else if (strcmp(v, "3") == 0)
			s->version = 3;
		else {
			snprintf(msg, sizeof(msg), "'version' must be 1, 2c or 3, not '%.20s'", v);
			return fail_at(p, p->line, msg);
		}
		return 0;
	case K_COMMUNITY:
		return set_string(&s->community, v);
	case K_USER:
		return set_string(&s->user, v);
	case K_CONTEXT:
		return set_string(&s->context, v);
	case K_TARGETS:
		return set_targets(p, &s->targets, v, key);
	case K_AUTH:
		if ((r = split_proto(p, key, v, &pass)) != 0)
			return r;
		for (i = 0; i < ARRAY_SIZE(auth_names); i++)
			if (strcasecmp(v, auth_names[i].name) == 0)
				break;
		if (i == ARRAY_SIZE(auth_names))
			return fail_at(p, p->line,
				       "'auth': unknown protocol (expected MD5, SHA, "
				       "SHA-224, SHA-256, SHA-384 or SHA-512)");
		s->auth = auth_names[i].proto;
		return set_string(&s->auth_pass, pass);
	case K_PRIV:
		if ((r = split_proto(p, key, v, &pass)) != 0)
			return r;
		for (i = 0; i < ARRAY_SIZE(priv_names); i++)
			if (strcasecmp(v, priv_names[i].name) == 0)
				break;
		if (i == ARRAY_SIZE(priv_names))
			return fail_at(p, p->line,
				       "'priv': unknown protocol (expected DES, AES, "
				       "AES-192 or AES-256)");
		s->priv = priv_names[i].proto;
		return set_string(&s->priv_pass, pass);
	}
	return NC_ERR_INTERNAL;
}

static int ssh_key(parser *p, int id, const char *key, char *v)
{
	cred_ssh *s = cur_ssh(p);
	char msg[160];
	char *end;
	long port;

	switch (id) {
	case K_USER:
		return set_string(&s->user, v);
	case K_KEY:
		return set_string(&s->key, v);
	case K_PASSWORD:
		return set_string(&s->password, v);
	case K_PASSPHRASE:
		return set_string(&s->passphrase, v);
	case K_TARGETS:
		return set_targets(p, &s->targets, v, key);
	case K_AGENT:
	case K_SUDO:
		if (!parse_bool(v, id == K_AGENT ? &s->agent : &s->sudo)) {
			snprintf(msg, sizeof(msg), "'%s' must be yes or no", key);
			return fail_at(p, p->line, msg);
		}
		return 0;
	case K_PORT:
		errno = 0;
		port = strtol(v, &end, 10);
		if (!isdigit((unsigned char)*v) || *end != '\0' || errno != 0 || port < 1 ||
		    port > 65535)
			return fail_at(p, p->line, "'port' must be a number 1-65535");
		s->port = (uint16_t)port;
		return 0;
	}
	return NC_ERR_INTERNAL;
}

/*
 * The value part of "key = value": a quoted value runs to the closing quote;
 * otherwise a '#' after a blank starts a comment. Returns NULL when a quote
 * is not closed or is followed by something other than a comment.
 */
static char *value_of(char *raw)
{
	char *v = raw + strspn(raw, " \t"), *q, *rest;

	if (*v != '"') {
		/* a '#' after a blank starts a comment, even right after "= " */
		for (char *c = v; *c != '\0'; c++)
			if (*c == '#' && c > raw && (c[-1] == ' ' || c[-1] == '\t')) {
				*c = '\0';
				break;
			}
		return trim(v);
	}
	if ((q = strchr(v + 1, '"')) == NULL)
		return NULL;
	*q = '\0';
	rest = trim(q + 1);
	if (*rest != '\0' && *rest != '#' && *rest != ';')
		return NULL;
	return v + 1;
}

/* Is an unknown key plain enough to quote back? A line that is not a key
 * at all (a stray secret with a '=' in it) must not be echoed. */
static bool key_printable(const char *k)
{
	size_t n = strlen(k);

	if (n == 0 || n > 24)
		return false;
	for (; *k != '\0'; k++)
		if (!isalpha((unsigned char)*k) && *k != '_' && *k != '-')
			return false;
	return true;
}

static int key_line(parser *p, char *s)
{
	char *eq = strchr(s, '='), *v, msg[200];
	const char *key;
	int id = -1, types = 0;

	if (p->sec.type == 0)
		return fail_at(p, p->line,
			       "a key outside any section (start with [snmp NAME] "
			       "or [ssh NAME])");
	if (eq == NULL)
		return fail_at(p, p->line, "expected 'key = value'");
	*eq = '\0';
	key = trim(s);
	for (size_t i = 0; i < ARRAY_SIZE(known_keys); i++)
		if (strcasecmp(key, known_keys[i].name) == 0) {
			id = known_keys[i].id;
			types = known_keys[i].types;
			key = known_keys[i].name;
			break;
		}
	if (id < 0 || (types != 'b' && types != p->sec.type)) {
		if (key_printable(key))
			snprintf(msg, sizeof(msg), "unknown key '%s' in an [%s] section", key,
				 p->sec.type == 's' ? "snmp" : "ssh");
		else
			snprintf(msg, sizeof(msg), "not a known key of an [%s] section",
				 p->sec.type == 's' ? "snmp" : "ssh");
		return fail_at(p, p->line, msg);
	}
	if (p->sec.line_of[id] != 0) {
		snprintf(msg, sizeof(msg), "'%s' is set twice in this section (first on line %zu)",
			 key, p->sec.line_of[id]);
		return fail_at(p, p->line, msg);
	}
	p->sec.line_of[id] = p->line;
	if ((v = value_of(eq + 1)) == NULL) {
		snprintf(msg, sizeof(msg), "'%s': unbalanced quote", key);
		return fail_at(p, p->line, msg);
	}
	if (*v == '\0') {
		snprintf(msg, sizeof(msg), "'%s' has an empty value", key);
		return fail_at(p, p->line, msg);
	}
	return p->sec.type == 's' ? snmp_key(p, id, key, v) : ssh_key(p, id, key, v);
}

static int parse_line(parser *p, char *s)
{
	s = trim(s);
	if (*s == '\0' || *s == '#' || *s == ';')
		return 0;
	if (*s == '[') {
		int r;

		if (p->sec.type != 0 && (r = section_finish(p)) != 0)
			return r;
		return section_start(p, s);
	}
	return key_line(p, s);
}

/* Read the whole file into a NUL-terminated buffer of *len bytes. */
static int read_file(const char *path, char **buf_out, size_t *len_out)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	ssize_t n;
	int fd, r = NC_ERR_INTERNAL;

	*buf_out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return nc_fail(errno == EACCES ? NC_ERR_PERM : NC_ERR_IO,
			       "cannot open credentials file %s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0) {
		r = nc_fail(NC_ERR_IO, "cannot stat credentials file %s: %s", path,
			    strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = nc_fail(NC_ERR_IO, "credentials file %s is not a regular file", path);
		goto out;
	}
	if ((st.st_mode & 077) != 0) {
		r = nc_fail(NC_ERR_PERM,
			    "credentials file %s is accessible by group or others (chmod 600 %s)",
			    path, path);
		goto out;
	}
	/* like ssh with its configuration: another user who owns the file could
	 * point our secrets at a host of theirs (targets = ...) */
	if (st.st_uid != 0 && st.st_uid != getuid() && st.st_uid != geteuid() &&
	    !(privs_switching() && st.st_uid == privs_target_uid())) {
		r = nc_fail(NC_ERR_PERM,
			    "credentials file %s belongs to uid %u, neither root nor the user "
			    "netcensus runs as (chown root %s, or copy it)",
			    path, (unsigned)st.st_uid, path);
		goto out;
	}
	if ((uint64_t)st.st_size > CREDENTIALS_MAX_BYTES) {
		r = nc_fail(NC_ERR_TOOBIG, "credentials file %s is larger than %u bytes", path,
			    CREDENTIALS_MAX_BYTES);
		goto out;
	}
	/* read to EOF anyway: the size may change under us */
	if ((buf = malloc(CREDENTIALS_MAX_BYTES + 2)) == NULL) {
		r = NC_ERR_NOMEM;
		goto out;
	}
	while ((n = read(fd, buf + len, CREDENTIALS_MAX_BYTES + 1 - len)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = nc_fail(NC_ERR_IO, "cannot read credentials file %s: %s", path,
				    strerror(errno));
			goto out;
		}
		len += (size_t)n;
		if (len > CREDENTIALS_MAX_BYTES) {
			r = nc_fail(NC_ERR_TOOBIG, "credentials file %s is larger than %u bytes",
				    path, CREDENTIALS_MAX_BYTES);
			goto out;
		}
	}
	buf[len] = '\0';
	*buf_out = buf;
	*len_out = len;
	buf = NULL;
	r = 0;
out:
	if (buf != NULL) {
		explicit_bzero(buf, len);
		free(buf);
	}
	close(fd);
	return r;
}

/*
 * Copy the SSH private key file of s into a sealed memfd, bounded. The SSH
 * stage runs after a root scan has switched users: it reads the key through
 * /proc/self/fd/N (a process may always open its own fds), so a key only
 * root can read still works, and libssh2 parses it exactly as from the file.
 * Any failure leaves s->key_loaded false: the SSH stage then tries the path
 * itself and reports the key per host, as it always did.
 */
static void load_key(cred_ssh *s)
{
	struct stat st;
	char *buf = NULL;
	size_t n = 0;
	ssize_t got;
	int fd, mfd = -1;

	if ((fd = open(s->key, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > SSH_KEY_MAX_BYTES || (buf = malloc(SSH_KEY_MAX_BYTES + 1)) == NULL)
		goto out;
	while (n <= SSH_KEY_MAX_BYTES &&
	       (got = read(fd, buf + n, SSH_KEY_MAX_BYTES + 1 - n)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			goto out;
		n += (size_t)got;
	}
	if (n == 0 || n > SSH_KEY_MAX_BYTES)
		goto out;
	if ((mfd = memfd_create("netcensus-ssh-key", MFD_CLOEXEC | MFD_ALLOW_SEALING)) < 0 ||
	    write(mfd, buf, n) != (ssize_t)n ||
	    fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0)
		goto out;
	s->key_fd = mfd;
	s->key_loaded = true;
	mfd = -1;
out:
	if (mfd >= 0)
		close(mfd);
	if (buf != NULL) {
		explicit_bzero(buf, SSH_KEY_MAX_BYTES + 1);
		free(buf);
	}
	close(fd);
}

int credentials_load(const char *path, credentials_t **out)
{
	parser p = {.path = path};
	char *buf = NULL, *line;
	size_t len = 0;
	int r = NC_ERR_INTERNAL;

	*out = NULL;
	if ((r = read_file(path, &buf, &len)) != 0)
		return r;
	if (memchr(buf, '\0', len) != NULL) {
		r = nc_fail(NC_ERR_INVALID, "%s: contains a NUL byte (not a text file?)", path);
		goto out;
	}
	if ((p.c = calloc(1, sizeof(*p.c))) == NULL) {
		r = NC_ERR_NOMEM;
		goto out;
	}
	line = buf;
	while (line != NULL && *line != '\0') {
		char *nl = strchr(line, '\n');

		if (nl != NULL)
			*nl = '\0';
		p.line++;
		if ((r = parse_line(&p, line)) != 0)
			goto out;
		line = nl != NULL ? nl + 1 : NULL;
	}
	if (p.sec.type != 0 && (r = section_finish(&p)) != 0)
		goto out;
	for (size_t i = 0; i < p.c->nssh; i++)
		if (p.c->ssh[i].key != NULL)
			load_key(&p.c->ssh[i]);
	*out = p.c;
	p.c = NULL;
	r = 0;
out:
	credentials_free(p.c);
	explicit_bzero(buf, len);
	free(buf);
	return r;
}
