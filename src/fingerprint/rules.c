#include "config.h"

/*
 * rules.c — fingerprint rules as data, in rapid7 recog's XML format.
 *
 * What a banner, a Server header or an SNMP sysDescr says about a host is
 * knowledge that changes every month (a new Ubuntu, a new IIS), so it lives
 * in XML files next to the program rather than in C. The format is recog's,
 * which lets users drop recog's own database in with --rules, and lets us
 * test every rule on its <example>s (rules_selftest) the way recog does.
 *
 * Loading turns each <fingerprint> into a compiled PCRE2 pattern with its
 * params and examples; fingerprints are kept in load order and indexed per
 * database ("matches"), so matching is a walk down one short list, first
 * match wins. After loading the rule set is read-only: matching allocates
 * its own match data, so any number of threads may match at once. Every
 * match runs under a match limit, so no pattern and no peer can hang us.
 */

#define PCRE2_CODE_UNIT_WIDTH 8

#include <dirent.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <pcre2.h>

#include "fingerprint/rules.h"
#include "util/buildtree.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/grow.h"

#ifndef NC_DATADIR
#define NC_DATADIR "/usr/local/share/netcensus"
#endif

#define RULES_MAX_FILE (64u << 20)   /* one XML rule file */
#define RULES_MAX_EXAMPLE (1u << 20) /* one _filename example */
#define RULES_HEAP_LIMIT_KIB 20480u  /* backtracking memory per match */
#define RULES_MAX_PATTERN 65536u

#ifdef PCRE2_MATCH_INVALID_UTF
#define RULES_UTF_OPTS (PCRE2_UTF | PCRE2_MATCH_INVALID_UTF)
#else
#define RULES_UTF_OPTS PCRE2_UTF
#endif

struct rule_param_def {
	char *name;
	char *value;  /* pos 0: the constant, may hold {other.param}; else NULL */
	unsigned pos; /* 0, or the capture group */
};

struct rule_expect {
	char *name;
	char *value;
};

struct rule_example {
	char *text; /* decoded; may hold NUL bytes when it was base64 */
	size_t len;
	unsigned line;
	struct rule_expect *expect;
	size_t nexpect, expect_cap;
};

struct rule_fp {
	size_t file; /* index into rules->files */
	size_t db;   /* index into rules->dbs */
	unsigned line;
	char *description;
	pcre2_code *re;
	uint32_t ncaptures;
	bool utf; /* compiled in UTF mode: matches the UTF-8 view of the input */
	struct rule_param_def *params;
	size_t nparams, params_cap;
	struct rule_example *examples;
	size_t nexamples, examples_cap;
};

struct rule_file {
	char *path;
	char *protocol; /* <fingerprints protocol="..">, or NULL */
};

struct rule_db {
	char *name;
	size_t *fps; /* indices into rules->fps, in load order */
	size_t n, cap;
};

struct rules {
	struct rule_fp *fps;
	size_t nfps, fps_cap;
	struct rule_file *files;
	size_t nfiles, files_cap;
	struct rule_db *dbs;
	size_t ndbs, dbs_cap;
	uint32_t max_captures;
	size_t skipped;
	char *skipped_detail;
	pcre2_compile_context *cctx_lf, *cctx_anycrlf;
	pcre2_match_context *mctx;
	atomic_ulong limit_hits;
};

/* What a failed load rolls back to. */
struct rules_mark {
	size_t nfps, nfiles, ndbs, skipped;
};

/* ------------------------------------------------------------ small helpers */

/* Append up to n bytes of s to a bounded string, never splitting a UTF-8
 * character; once something did not fit, nothing more is added. */
struct sbuf {
	char *p;
	size_t cap, len;
	bool full;
};

static void sb_init(struct sbuf *sb, char *p, size_t cap)
{
	sb->p = p;
	sb->cap = cap;
	sb->len = 0;
	sb->full = false;
	p[0] = '\0';
}

static void sb_add(struct sbuf *sb, const char *s, size_t n)
{
	size_t room = sb->cap - 1 - sb->len, k = n;

	if (sb->full)
		return;
	if (k > room) {
		k = room;
		while (k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80)
			k--;
		sb->full = true;
	}
	memcpy(sb->p + sb->len, s, k);
	sb->len += k;
	sb->p[sb->len] = '\0';
}

static bool str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* A copy of an attribute as a plain C string, or NULL when absent. Sets
 * *oom when the copy could not be made. */
static char *xml_attr(xmlNodePtr node, const char *name, bool *oom)
{
	xmlChar *v = xmlGetProp(node, (const xmlChar *)name);
	char *s;

	if (v == NULL)
		return NULL;
	if ((s = strdup((const char *)v)) == NULL)
		*oom = true;
	xmlFree(v);
	return s;
}

static unsigned node_line(xmlNodePtr node)
{
	long line = xmlGetLineNo(node);

	return line > 0 && line <= (long)UINT32_MAX ? (unsigned)line : 0;
}

static bool node_is(xmlNodePtr node, const char *name)
{
	return node->type == XML_ELEMENT_NODE && xmlStrcmp(node->name, (const xmlChar *)name) == 0;
}

/* Description text with runs of white space folded to one space. */
static char *fold_space(const char *s)
{
	size_t n = 0;
	char *out = malloc(strlen(s) + 1);
	bool space = false;

	if (out == NULL)
		return NULL;
	for (; *s != '\0'; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			space = n > 0;
			continue;
		}
		if (space)
			out[n++] = ' ';
		space = false;
		out[n++] = *s;
	}
	out[n] = '\0';
	return out;
}

static int b64_value(unsigned char c)
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

/* Decode base64, skipping white space. Returns 0, NC_ERR_INVALID (no detail)
 * or NC_ERR_NOMEM; *out is NUL-terminated for convenience. */
static int b64_decode(const char *in, char **out, size_t *outlen)
{
	size_t n = 0, npad = 0;
	uint32_t acc = 0;
	int bits = 0;
	char *buf;

	*out = NULL;
	if ((buf = malloc(strlen(in) / 4 * 3 + 4)) == NULL)
		return NC_ERR_NOMEM;
	for (const unsigned char *p = (const unsigned char *)in; *p != '\0'; p++) {
		int v;

		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			continue;
		if (*p == '=') {
			npad++;
			continue;
		}
		if (npad > 0 || (v = b64_value(*p)) < 0) {
			free(buf);
			return NC_ERR_INVALID;
		}
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf[n++] = (char)((acc >> bits) & 0xff);
		}
	}
	if (npad > 2 || bits >= 6) {
		free(buf);
		return NC_ERR_INVALID;
	}
	buf[n] = '\0';
	*out = buf;
	*outlen = n;
	return 0;
}

/* Read a whole file of at most max bytes; *out is NUL-terminated. */
static int read_file_bounded(const char *path, size_t max, char **out, size_t *outlen)
{
	FILE *f = NULL;
	char *buf = NULL;
	size_t len = 0, cap = 0, got;
	int r = NC_ERR_INTERNAL;

	*out = NULL;
	*outlen = 0;
	if ((f = fopen(path, "rb")) == NULL) {
		r = nc_fail(NC_ERR_IO, "%s: %s", path, strerror(errno));
		goto out;
	}
	for (;;) {
		if ((r = nc_grow(&buf, &cap, len + 8192 + 1, 1, 8192)) != 0)
			goto out;
		got = fread(buf + len, 1, cap - len - 1, f);
		len += got;
		if (len > max) {
			r = nc_fail(NC_ERR_TOOBIG, "%s: larger than %zu bytes", path, max);
			goto out;
		}
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		r = nc_fail(NC_ERR_IO, "%s: read error", path);
		goto out;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	buf = NULL;
	r = 0;
out:
	if (f != NULL)
		fclose(f);
	free(buf);
	return r;
}

/* ------------------------------------------------- Ruby regex -> PCRE2 */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Rewrite the few places where Ruby and PCRE2 read a pattern differently:
 * inline (?m) is Ruby's dot-all, \h is a hex digit, \u is a code point.
 * Also tells whether the pattern is about bytes (a \xHH escape above 0x7f,
 * which makes a Ruby regex binary) rather than characters. Returns a new
 * string or NULL.
 */
static char *ruby_to_pcre2(const char *src, bool *bytes_out)
{
	size_t n = strlen(src), o = 0;
	char *out = malloc(n * 12 + 1); /* \H -> [^0-9A-Fa-f] is the worst case */
	int class_depth = 0;
	bool bytes = false;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		char c = src[i];

		if (c == '\\' && i + 1 < n) {
			char e = src[i + 1];

			if (e == 'h' || e == 'H') {
				const char *rep = class_depth > 0 ? "0-9A-Fa-f"
						  : e == 'h'	  ? "[0-9A-Fa-f]"
								  : "[^0-9A-Fa-f]";

				if (e == 'H' && class_depth > 0) {
					/* no faithful rewrite inside a class; leave it */
					out[o++] = c;
					out[o++] = e;
				} else {
					memcpy(out + o, rep, strlen(rep));
					o += strlen(rep);
				}
				i++;
				continue;
			}
			if (e == 'u' && i + 2 < n) {
				size_t j = i + 2, k;

				if (src[j] == '{') {
					for (k = j + 1; k < n && hexval(src[k]) >= 0; k++)
						;
					if (k < n && src[k] == '}' && k > j + 1) {
						o += (size_t)snprintf(out + o, 4, "\\x{");
						memcpy(out + o, src + j + 1, k - j - 1);
						o += k - j - 1;
						out[o++] = '}';
						i = k;
						continue;
					}
				} else if (j + 4 <= n && hexval(src[j]) >= 0 &&
					   hexval(src[j + 1]) >= 0 && hexval(src[j + 2]) >= 0 &&
					   hexval(src[j + 3]) >= 0) {
					o += (size_t)snprintf(out + o, 4, "\\x{");
					memcpy(out + o, src + j, 4);
					o += 4;
					out[o++] = '}';
					i = j + 3;
					continue;
				}
			}
			if (e == 'x' && i + 2 < n && hexval(src[i + 2]) >= 0) {
				int v = hexval(src[i + 2]);

				if (i + 3 < n && hexval(src[i + 3]) >= 0)
					v = v * 16 + hexval(src[i + 3]);
				if (v >= 0x80)
					bytes = true;
			}
			out[o++] = c;
			out[o++] = e;
			i++;
			continue;
		}
		if (class_depth > 0) {
			if (c == '[')
				class_depth++;
			else if (c == ']')
				class_depth--;
			out[o++] = c;
			continue;
		}
		if (c == '[') {
			/* a ']' right after '[' or '[^' is a literal member */
			out[o++] = c;
			class_depth = 1;
			if (i + 1 < n && src[i + 1] == '^')
				out[o++] = src[++i];
			if (i + 1 < n && src[i + 1] == ']')
				out[o++] = src[++i];
			continue;
		}
		if (c == '(' && i + 2 < n && src[i + 1] == '?') {
			size_t k = i + 2;

			while (k < n && strchr("imx-", src[k]) != NULL)
				k++;
			if (k > i + 2 && k < n && (src[k] == ')' || src[k] == ':')) {
				for (size_t j = i; j <= k; j++)
					out[o++] = src[j] == 'm' ? 's' : src[j];
				i = k;
				continue;
			}
		}
		out[o++] = c;
	}
	out[o] = '\0';
	*bytes_out = bytes;
	return out;
}

/* Map one recog flag to PCRE2 options; false when unknown. */
static bool flag_options(const char *flag, uint32_t *opts, bool *anycrlf)
{
	static const struct {
		const char *name;
		uint32_t opts;
	} map[] = {
	    {"REG_ICASE", PCRE2_CASELESS},     {"IGNORECASE", PCRE2_CASELESS},
	    {"REG_DOT_NEWLINE", PCRE2_DOTALL}, {"REG_MULTILINE", PCRE2_DOTALL},
	    {"MULTILINE", PCRE2_DOTALL},       {"REG_LINE_ANY_CRLF", PCRE2_DOTALL},
	    {"REG_EXTENDED", PCRE2_EXTENDED},  {"EXTENDED", PCRE2_EXTENDED},
	};

	for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
		if (strcmp(flag, map[i].name) == 0) {
			*opts |= map[i].opts;
			if (strcmp(flag, "REG_LINE_ANY_CRLF") == 0)
				*anycrlf = true;
			return true;
		}
	}
	return false;
}

/* ------------------------------------------------------------- loading */

struct load_ctx {
	const char *path;
	char *example_dir; /* <file without .xml>/ for _filename examples */
	size_t file, db;
	bool lenient;
};

static void fp_free(struct rule_fp *fp)
{
	free(fp->description);
	pcre2_code_free(fp->re);
	for (size_t i = 0; i < fp->nparams; i++) {
		free(fp->params[i].name);
		free(fp->params[i].value);
	}
	free(fp->params);
	for (size_t i = 0; i < fp->nexamples; i++) {
		struct rule_example *e = &fp->examples[i];

		free(e->text);
		for (size_t j = 0; j < e->nexpect; j++) {
			free(e->expect[j].name);
			free(e->expect[j].value);
		}
		free(e->expect);
	}
	free(fp->examples);
	memset(fp, 0, sizeof(*fp));
}

static int fp_compile(rules_t *r, const struct load_ctx *lc, xmlNodePtr node, struct rule_fp *fp)
{
	char *pattern = NULL, *flags = NULL, *translated = NULL;
	uint32_t opts = PCRE2_MULTILINE;
	bool oom = false, anycrlf = false, bytes = false;
	int errcode, errcode2, r2 = NC_ERR_INTERNAL;
	PCRE2_SIZE erroff;
	PCRE2_UCHAR msg[160];

	pattern = xml_attr(node, "pattern", &oom);
	flags = xml_attr(node, "flags", &oom);
	if (oom) {
		r2 = NC_ERR_NOMEM;
		goto out;
	}
	if (pattern == NULL) {
		r2 = nc_fail(NC_ERR_INVALID, "%s:%u: fingerprint without a pattern", lc->path,
			     fp->line);
		goto out;
	}
	if (strlen(pattern) > RULES_MAX_PATTERN) {
		r2 = nc_fail(NC_ERR_INVALID, "%s:%u: pattern longer than %u bytes", lc->path,
			     fp->line, RULES_MAX_PATTERN);
		goto out;
	}
	if (flags != NULL) {
		char *p = flags;

		while (*p != '\0') {
			size_t k = strcspn(p, ", |\t\r\n");

			if (k > 0) {
				char save = p[k];

				p[k] = '\0';
				if (!flag_options(p, &opts, &anycrlf)) {
					r2 = nc_fail(NC_ERR_INVALID, "%s:%u: unknown flag '%s'",
						     lc->path, fp->line, p);
					goto out;
				}
				p[k] = save;
			}
			p += k;
			if (*p != '\0')
				p++;
		}
	}
	if ((translated = ruby_to_pcre2(pattern, &bytes)) == NULL) {
		r2 = NC_ERR_NOMEM;
		goto out;
	}
	/* Characters, as in Ruby, unless the pattern is about bytes; the
	 * byte-mode retry rescues the odd pattern only PCRE2's UTF mode refuses */
	if (!bytes)
		fp->re = pcre2_compile((PCRE2_SPTR)translated, PCRE2_ZERO_TERMINATED,
				       opts | RULES_UTF_OPTS, &errcode, &erroff,
				       anycrlf ? r->cctx_anycrlf : r->cctx_lf);
	fp->utf = fp->re != NULL;
	if (fp->re == NULL && (bytes || errcode != PCRE2_ERROR_NOMEMORY)) {
		PCRE2_SIZE erroff2;

		fp->re = pcre2_compile((PCRE2_SPTR)translated, PCRE2_ZERO_TERMINATED, opts,
				       &errcode2, &erroff2, anycrlf ? r->cctx_anycrlf : r->cctx_lf);
		if (bytes) {
			errcode = errcode2;
			erroff = erroff2;
		}
	}
	if (fp->re == NULL) {
		if (errcode == PCRE2_ERROR_NOMEMORY) {
			r2 = NC_ERR_NOMEM;
			goto out;
		}
		pcre2_get_error_message(errcode, msg, sizeof(msg));
		r2 = nc_fail(NC_ERR_INVALID,
			     "%s:%u: pattern does not compile (at offset %zu: %s): %.120s",
			     lc->path, fp->line, (size_t)erroff, (const char *)msg, pattern);
		goto out;
	}
	if (pcre2_pattern_info(fp->re, PCRE2_INFO_CAPTURECOUNT, &fp->ncaptures) != 0)
		fp->ncaptures = 0;
	r2 = 0;
out:
	free(pattern);
	free(flags);
	free(translated);
	return r2;
}

static const struct rule_param_def *fp_param(const struct rule_fp *fp, const char *name,
					     size_t namelen)
{
	for (size_t i = 0; i < fp->nparams; i++)
		if (strlen(fp->params[i].name) == namelen &&
		    memcmp(fp->params[i].name, name, namelen) == 0)
			return &fp->params[i];
	return NULL;
}

/*
 * The next {name} reference in s at or after *pos: sets *start and *len to the
 * name and moves *pos past it; false when there is none. A name is what
 * recog allows: no white space, no braces.
 */
static bool next_ref(const char *s, size_t *pos, size_t *start, size_t *len)
{
	for (size_t i = *pos; s[i] != '\0'; i++) {
		size_t k;

		if (s[i] != '{')
			continue;
		for (k = i + 1; s[k] != '\0' && strchr(" \t\r\n{}", s[k]) == NULL; k++)
			;
		if (s[k] == '}' && k > i + 1) {
			*start = i + 1;
			*len = k - i - 1;
			*pos = k + 1;
			return true;
		}
	}
	return false;
}

static int fp_add_param(const struct load_ctx *lc, xmlNodePtr node, struct rule_fp *fp)
{
	struct rule_param_def d = {0};
	char *pos = NULL, *end;
	bool oom = false;
	long v;
	int r = NC_ERR_INTERNAL;
	unsigned line = node_line(node);

	d.name = xml_attr(node, "name", &oom);
	d.value = xml_attr(node, "value", &oom);
	pos = xml_attr(node, "pos", &oom);
	if (oom) {
		r = NC_ERR_NOMEM;
		goto out;
	}
	if (d.name == NULL || d.name[0] == '\0' || pos == NULL) {
		r = nc_fail(NC_ERR_INVALID, "%s:%u: <param> needs name and pos", lc->path, line);
		goto out;
	}
	if (strlen(d.name) >= sizeof(((rule_params *)0)->p[0].name)) {
		r = nc_fail(NC_ERR_INVALID, "%s:%u: param name '%.40s...' too long", lc->path, line,
			    d.name);
		goto out;
	}
	errno = 0;
	v = strtol(pos, &end, 10);
	if (errno != 0 || end == pos || *end != '\0' || v < 0 || v > 1000) {
		r = nc_fail(NC_ERR_INVALID, "%s:%u: param %s: bad pos '%s'", lc->path, line, d.name,
			    pos);
		goto out;
	}
	d.pos = (unsigned)v;
	if (d.pos == 0 && d.value == NULL) {
		r = nc_fail(NC_ERR_INVALID, "%s:%u: param %s: pos 0 needs a value", lc->path, line,
			    d.name);
		goto out;
	}
	if (d.pos > 0) {
		/* a capture: recog ignores any value given */
		free(d.value);
		d.value = NULL;
	}
	if (d.pos > fp->ncaptures) {
		r = nc_fail(NC_ERR_INVALID, "%s:%u: param %s: pattern has no capture group %u",
			    lc->path, line, d.name, d.pos);
		goto out;
	}
	for (size_t i = 0; i < fp->nparams; i++) {
		if (strcmp(fp->params[i].name, d.name) == 0) {
			/* recog keeps params in a hash: a second one replaces the first */
			free(fp->params[i].name);
			free(fp->params[i].value);
			fp->params[i] = d;
			memset(&d, 0, sizeof(d));
			r = 0;
			goto out;
		}
	}
	if (fp->nparams >= RULES_MAX_PARAMS) {
		r = nc_fail(NC_ERR_INVALID, "%s:%u: more than %d params", lc->path, line,
			    RULES_MAX_PARAMS);
		goto out;
	}
	if ((r = nc_grow(&fp->params, &fp->params_cap, fp->nparams + 1, sizeof(*fp->params), 8)) !=
	    0)
		goto out;
	fp->params[fp->nparams++] = d;
	memset(&d, 0, sizeof(d));
	r = 0;
out:
	free(d.name);
	free(d.value);
	free(pos);
	return r;
}

static int example_load_file(const struct load_ctx *lc, unsigned line, const char *name,
			     struct rule_example *e)
{
	char path[4096];
	int r;

	if (name[0] == '\0' || name[0] == '.' || strchr(name, '/') != NULL)
		return nc_fail(NC_ERR_INVALID, "%s:%u: bad _filename '%s'", lc->path, line, name);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", lc->example_dir, name) >= sizeof(path))
		return nc_fail(NC_ERR_INVALID, "%s:%u: _filename path too long", lc->path, line);
	if ((r = read_file_bounded(path, RULES_MAX_EXAMPLE, &e->text, &e->len)) != 0) {
		char why[256];

		if (r == NC_ERR_NOMEM)
			return r;
		snprintf(why, sizeof(why), "%s", nc_errmsg(r));
		return nc_fail(NC_ERR_INVALID, "%s:%u: example file %s", lc->path, line, why);
	}
	return 0;
}

static int fp_add_example(const struct load_ctx *lc, xmlNodePtr node, struct rule_fp *fp)
{
	struct rule_example e = {0};
	xmlChar *content = NULL;
	char *encoding = NULL, *filename = NULL;
	bool oom = false;
	int r = NC_ERR_INTERNAL;

	e.line = node_line(node);
	encoding = xml_attr(node, "_encoding", &oom);
	filename = xml_attr(node, "_filename", &oom);
	if (oom) {
		r = NC_ERR_NOMEM;
		goto out;
	}
	if (filename != NULL) {
		if ((r = example_load_file(lc, e.line, filename, &e)) != 0)
			goto out;
	} else {
		if ((content = xmlNodeGetContent(node)) == NULL)
			content = xmlStrdup((const xmlChar *)"");
		if (content == NULL) {
			r = NC_ERR_NOMEM;
			goto out;
		}
		if (encoding != NULL && strcmp(encoding, "base64") == 0) {
			if ((r = b64_decode((const char *)content, &e.text, &e.len)) != 0) {
				if (r == NC_ERR_INVALID)
					r = nc_fail(r, "%s:%u: example is not valid base64",
						    lc->path, e.line);
				goto out;
			}
		} else if (encoding != NULL) {
			r = nc_fail(NC_ERR_INVALID, "%s:%u: unknown example _encoding '%s'",
				    lc->path, e.line, encoding);
			goto out;
		} else {
			if ((e.text = strdup((const char *)content)) == NULL) {
				r = NC_ERR_NOMEM;
				goto out;
			}
			e.len = strlen(e.text);
		}
	}
	for (xmlAttrPtr a = node->properties; a != NULL; a = a->next) {
		struct rule_expect x;

		if (a->name[0] == '_')
			continue;
		x.name = strdup((const char *)a->name);
		x.value = xml_attr(node, (const char *)a->name, &oom);
		if (x.name == NULL || x.value == NULL ||
		    nc_grow(&e.expect, &e.expect_cap, e.nexpect + 1, sizeof(*e.expect), 4) != 0) {
			free(x.name);
			free(x.value);
			r = NC_ERR_NOMEM;
			goto out;
		}
		e.expect[e.nexpect++] = x;
	}
	if ((r = nc_grow(&fp->examples, &fp->examples_cap, fp->nexamples + 1, sizeof(*fp->examples),
			 4)) != 0)
		goto out;
	fp->examples[fp->nexamples++] = e;
	memset(&e, 0, sizeof(e));
	r = 0;
out:
	free(e.text);
	for (size_t j = 0; j < e.nexpect; j++) {
		free(e.expect[j].name);
		free(e.expect[j].value);
	}
	free(e.expect);
	if (content != NULL)
		xmlFree(content);
	free(encoding);
	free(filename);
	return r;
}

/* Build one fingerprint from its element. On error *fp is freed. */
static int fp_parse(rules_t *r, const struct load_ctx *lc, xmlNodePtr node, struct rule_fp *fp)
{
	int rc;

	memset(fp, 0, sizeof(*fp));
	fp->file = lc->file;
	fp->db = lc->db;
	fp->line = node_line(node);
	if ((rc = fp_compile(r, lc, node, fp)) != 0)
		goto out;
	for (xmlNodePtr c = node->children; c != NULL; c = c->next) {
		if (node_is(c, "description") && fp->description == NULL) {
			xmlChar *t = xmlNodeGetContent(c);

			fp->description = fold_space(t != NULL ? (const char *)t : "");
			if (t != NULL)
				xmlFree(t);
			if (fp->description == NULL) {
				rc = NC_ERR_NOMEM;
				goto out;
			}
		} else if (node_is(c, "param")) {
			if ((rc = fp_add_param(lc, c, fp)) != 0)
				goto out;
		}
	}
	/* examples after params: their _filename needs nothing from them, but
	 * a bad param should be reported before a missing example file */
	for (xmlNodePtr c = node->children; c != NULL; c = c->next)
		if (node_is(c, "example") && (rc = fp_add_example(lc, c, fp)) != 0)
			goto out;
	if (fp->description == NULL && (fp->description = strdup("")) == NULL) {
		rc = NC_ERR_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < fp->nparams; i++) {
		size_t pos = 0, start, len;
		const char *v = fp->params[i].value;

		while (v != NULL && next_ref(v, &pos, &start, &len)) {
			if (fp_param(fp, v + start, len) == NULL) {
				rc = nc_fail(NC_ERR_INVALID,
					     "%s:%u: param %s interpolates {%.*s}, which it does "
					     "not declare",
					     lc->path, fp->line, fp->params[i].name, (int)len,
					     v + start);
				goto out;
			}
		}
	}
	rc = 0;
out:
	if (rc != 0)
		fp_free(fp);
	return rc;
}

static int db_index(rules_t *r, const char *name, size_t *out)
{
	struct rule_db *d;
	int rc;

	for (size_t i = 0; i < r->ndbs; i++) {
		if (strcmp(r->dbs[i].name, name) == 0) {
			*out = i;
			return 0;
		}
	}
	if ((rc = nc_grow(&r->dbs, &r->dbs_cap, r->ndbs + 1, sizeof(*r->dbs), 8)) != 0)
		return rc;
	d = &r->dbs[r->ndbs];
	memset(d, 0, sizeof(*d));
	if ((d->name = strdup(name)) == NULL)
		return NC_ERR_NOMEM;
	*out = r->ndbs++;
	return 0;
}

/* Append a parsed fingerprint to the set and its database's list. */
static int fp_commit(rules_t *r, struct rule_fp *fp)
{
	struct rule_db *d = &r->dbs[fp->db];
	int rc;

	if ((rc = nc_grow(&r->fps, &r->fps_cap, r->nfps + 1, sizeof(*r->fps), 64)) != 0 ||
	    (rc = nc_grow(&d->fps, &d->cap, d->n + 1, sizeof(*d->fps), 16)) != 0)
		return rc;
	d->fps[d->n++] = r->nfps;
	r->fps[r->nfps++] = *fp;
	if (fp->ncaptures > r->max_captures)
		r->max_captures = fp->ncaptures;
	memset(fp, 0, sizeof(*fp));
	return 0;
}

static void rules_mark_get(const rules_t *r, struct rules_mark *m)
{
	m->nfps = r->nfps;
	m->nfiles = r->nfiles;
	m->ndbs = r->ndbs;
	m->skipped = r->skipped;
}

/* Undo everything loaded since the mark. */
static void rules_rollback(rules_t *r, const struct rules_mark *m)
{
	for (size_t i = m->nfps; i < r->nfps; i++)
		fp_free(&r->fps[i]);
	r->nfps = m->nfps;
	for (size_t i = 0; i < r->ndbs; i++) {
		struct rule_db *d = &r->dbs[i];

		while (d->n > 0 && d->fps[d->n - 1] >= m->nfps)
			d->n--;
	}
	for (size_t i = m->ndbs; i < r->ndbs; i++) {
		free(r->dbs[i].name);
		free(r->dbs[i].fps);
	}
	r->ndbs = m->ndbs;
	for (size_t i = m->nfiles; i < r->nfiles; i++) {
		free(r->files[i].path);
		free(r->files[i].protocol);
	}
	r->nfiles = m->nfiles;
	if (m->skipped == 0 && r->skipped > 0) {
		free(r->skipped_detail);
		r->skipped_detail = NULL;
	}
	r->skipped = m->skipped;
}

static void note_skip(rules_t *r, int code)
{
	r->skipped++;
	if (r->skipped_detail == NULL)
		r->skipped_detail = strdup(nc_errmsg(code)); /* NULL is tolerable */
	nc_clear_error();
}

/* The database name of a file without matches="": its base name. */
static char *default_db_name(const char *path)
{
	const char *base = strrchr(path, '/');
	char *name, *dot;

	base = base != NULL ? base + 1 : path;
	if ((name = strdup(base)) == NULL)
		return NULL;
	if ((dot = strrchr(name, '.')) != NULL && dot != name)
		*dot = '\0';
	return name;
}

static int load_doc(rules_t *r, struct load_ctx *lc, xmlDocPtr doc)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);
	char *matches = NULL, *protocol = NULL, *path = NULL;
	struct rule_file *f;
	bool oom = false;
	int rc = NC_ERR_INTERNAL;

	if (root == NULL || !node_is(root, "fingerprints")) {
		rc = nc_fail(NC_ERR_INVALID, "%s:%u: the root element is not <fingerprints>",
			     lc->path, root != NULL ? node_line(root) : 1u);
		goto out;
	}
	matches = xml_attr(root, "matches", &oom);
	protocol = xml_attr(root, "protocol", &oom);
	if (oom)
		goto oom;
	if (matches == NULL || matches[0] == '\0') {
		free(matches);
		if ((matches = default_db_name(lc->path)) == NULL)
			goto oom;
	}
	if (protocol != NULL && protocol[0] == '\0') {
		free(protocol);
		protocol = NULL;
	}
	if ((path = strdup(lc->path)) == NULL)
		goto oom;
	if ((rc = nc_grow(&r->files, &r->files_cap, r->nfiles + 1, sizeof(*r->files), 16)) != 0)
		goto out;
	f = &r->files[r->nfiles];
	f->path = path;
	f->protocol = protocol;
	path = protocol = NULL;
	lc->file = r->nfiles++;
	if ((rc = db_index(r, matches, &lc->db)) != 0)
		goto out;

	for (xmlNodePtr c = root->children; c != NULL; c = c->next) {
		struct rule_fp fp;

		if (!node_is(c, "fingerprint"))
			continue;
		if ((rc = fp_parse(r, lc, c, &fp)) != 0) {
			if (rc == NC_ERR_INVALID && lc->lenient) {
				note_skip(r, rc);
				continue;
			}
			goto out;
		}
		if ((rc = fp_commit(r, &fp)) != 0) {
			fp_free(&fp);
			goto out;
		}
	}
	rc = 0;
	goto out;
oom:
	rc = NC_ERR_NOMEM;
out:
	free(matches);
	free(protocol);
	free(path);
	return rc;
}

static int load_file(rules_t *r, const char *path, bool lenient)
{
	struct load_ctx lc = {.path = path, .lenient = lenient};
	xmlParserCtxtPtr ctxt = NULL;
	xmlDocPtr doc = NULL;
	char *buf = NULL, *dot;
	size_t len;
	int rc = NC_ERR_INTERNAL;

	if ((rc = read_file_bounded(path, RULES_MAX_FILE, &buf, &len)) != 0)
		goto out;
	if ((lc.example_dir = strdup(path)) == NULL) {
		rc = NC_ERR_NOMEM;
		goto out;
	}
	if ((dot = strrchr(lc.example_dir, '.')) != NULL && strchr(dot, '/') == NULL)
		*dot = '\0';
	if ((ctxt = xmlNewParserCtxt()) == NULL) {
		rc = NC_ERR_NOMEM;
		goto out;
	}
	/* no network, no entity expansion, no messages on stderr */
	doc = xmlCtxtReadMemory(ctxt, buf, (int)len, path, NULL,
				XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
				    XML_PARSE_BIG_LINES);
	if (doc == NULL || !ctxt->wellFormed) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);
		char msg[200] = "not well-formed XML";
		int line = e != NULL ? e->line : 0;

		if (e != NULL && e->message != NULL) {
			size_t k;

			snprintf(msg, sizeof(msg), "%s", e->message);
			k = strlen(msg);
			while (k > 0 && (msg[k - 1] == '\n' || msg[k - 1] == ' '))
				msg[--k] = '\0';
		}
		rc = nc_fail(NC_ERR_INVALID, "%s:%d: %s", path, line, msg);
		goto out;
	}
	rc = load_doc(r, &lc, doc);
out:
	if (doc != NULL)
		xmlFreeDoc(doc);
	if (ctxt != NULL)
		xmlFreeParserCtxt(ctxt);
	free(lc.example_dir);
	free(buf);
	return rc;
}

/* ------------------------------------------------------------ public API */

rules_t *rules_new(void)
{
	rules_t *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	xmlInitParser();
	atomic_init(&r->limit_hits, 0);
	r->cctx_lf = pcre2_compile_context_create(NULL);
	r->cctx_anycrlf = pcre2_compile_context_create(NULL);
	r->mctx = pcre2_match_context_create(NULL);
	if (r->cctx_lf == NULL || r->cctx_anycrlf == NULL || r->mctx == NULL) {
		rules_free(r);
		return NULL;
	}
	/* Ruby's line end is \n alone, whatever PCRE2 was built with */
	pcre2_set_newline(r->cctx_lf, PCRE2_NEWLINE_LF);
	pcre2_set_newline(r->cctx_anycrlf, PCRE2_NEWLINE_ANYCRLF);
	pcre2_set_match_limit(r->mctx, RULES_MATCH_LIMIT);
	pcre2_set_depth_limit(r->mctx, RULES_DEPTH_LIMIT);
	pcre2_set_heap_limit(r->mctx, RULES_HEAP_LIMIT_KIB);
	return r;
}

void rules_free(rules_t *r)
{
	struct rules_mark empty = {0};

	if (r == NULL)
		return;
	rules_rollback(r, &empty);
	free(r->fps);
	free(r->files);
	free(r->dbs);
	free(r->skipped_detail);
	pcre2_compile_context_free(r->cctx_lf);
	pcre2_compile_context_free(r->cctx_anycrlf);
	pcre2_match_context_free(r->mctx);
	free(r);
}

int rules_load_file(rules_t *r, const char *path)
{
	struct rules_mark m;
	int rc;

	rules_mark_get(r, &m);
	if ((rc = load_file(r, path, false)) != 0)
		rules_rollback(r, &m);
	return rc;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted *.xml regular files of dir; *n is 0 when there are none. */
static int list_xml(const char *dir, char ***out, size_t *n)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL, path[4096];
	size_t cap = 0, k = 0;
	struct stat st;
	int rc = NC_ERR_INTERNAL;

	*out = NULL;
	*n = 0;
	if ((d = opendir(dir)) == NULL)
		return nc_fail(errno == ENOENT ? NC_ERR_NOT_FOUND : NC_ERR_IO, "%s: %s", dir,
			       strerror(errno));
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (de->d_name[0] == '.' || len < 5 || strcmp(de->d_name + len - 4, ".xml") != 0)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
			sizeof(path) ||
		    stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if ((rc = nc_grow(&names, &cap, k + 1, sizeof(*names), 32)) != 0)
			goto out;
		if ((names[k] = strdup(path)) == NULL) {
			rc = NC_ERR_NOMEM;
			goto out;
		}
		k++;
	}
	if (k > 0)
		qsort(names, k, sizeof(*names), cmp_names);
	*out = names;
	*n = k;
	names = NULL;
	rc = 0;
out:
	closedir(d);
	if (names != NULL) {
		for (size_t i = 0; i < k; i++)
			free(names[i]);
		free(names);
	}
	return rc;
}

int rules_load_dir(rules_t *r, const char *dir)
{
	struct rules_mark m;
	char **names = NULL, sub[4096];
	size_t n = 0;
	int rc;

	rules_mark_get(r, &m);
	if ((rc = list_xml(dir, &names, &n)) != 0)
		goto out;
	if (n == 0) {
		/* a recog checkout keeps its database in xml/ */
		struct stat st;

		free(names);
		names = NULL;
		if ((size_t)snprintf(sub, sizeof(sub), "%s/xml", dir) < sizeof(sub) &&
		    stat(sub, &st) == 0 && S_ISDIR(st.st_mode) &&
		    (rc = list_xml(sub, &names, &n)) != 0)
			goto out;
	}
	if (n == 0) {
		rc = nc_fail(NC_ERR_NOT_FOUND, "%s: no *.xml rule files", dir);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if ((rc = load_file(r, names[i], true)) != 0)
			goto out;
	rc = 0;
out:
	if (rc != 0)
		rules_rollback(r, &m);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

const char *rules_default_dir(void)
{
	const char *env = getenv("NETCENSUS_RULES");
#ifdef NC_SRC_RULES_DIR
	struct stat st;
#endif

	if (env != NULL && env[0] != '\0')
		return env;
#ifdef NC_SRC_RULES_DIR
	/* running from the build tree: the rules being edited win */
	if (nc_run_from_build_tree() && stat(NC_SRC_RULES_DIR, &st) == 0 && S_ISDIR(st.st_mode))
		return NC_SRC_RULES_DIR;
#endif
	return NC_DATADIR "/rules";
}

size_t rules_count(const rules_t *r)
{
	return r != NULL ? r->nfps : 0;
}

size_t rules_skipped(const rules_t *r)
{
	return r != NULL ? r->skipped : 0;
}

const char *rules_skipped_detail(const rules_t *r)
{
	return r != NULL ? r->skipped_detail : NULL;
}

size_t rules_untested(const rules_t *r)
{
	size_t n = 0;

	for (size_t i = 0; r != NULL && i < r->nfps; i++)
		if (r->fps[i].nexamples == 0)
			n++;
	return n;
}

unsigned long rules_limit_hits(const rules_t *r)
{
	return r != NULL ? atomic_load(&((rules_t *)r)->limit_hits) : 0UL;
}

/* ------------------------------------------------------------- matching */

/*
 * The input as the patterns see it. Byte-mode patterns take the raw bytes.
 * UTF-mode patterns take UTF-8; when the input is not valid UTF-8 they get a
 * copy, made on first need, in which every byte that is not part of a valid
 * sequence stands for the Latin-1 character of the same value, so "." steps
 * over it, \xff in a pattern still finds a raw 0xff, and captures come out
 * as valid UTF-8.
 */
struct subject {
	const char *raw;
	size_t rawlen;
	int valid; /* -1 not yet known, 0 no, 1 yes */
	char *utf;
	size_t utflen;
};

/* Length of the valid UTF-8 sequence at s (RFC 3629), 0 when invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f; /* no surrogates */
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f; /* nothing above U+10FFFF */
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

static void subject_init(struct subject *sj, const char *text, size_t len)
{
	sj->raw = text;
	sj->rawlen = len;
	sj->valid = -1;
	sj->utf = NULL;
	sj->utflen = 0;
}

/* The text for a pattern compiled with or without UTF; false on no memory. */
static bool subject_get(struct subject *sj, bool utf, const char **text, size_t *len)
{
	const unsigned char *p = (const unsigned char *)sj->raw;
	size_t i, k, o = 0;

	*text = sj->raw;
	*len = sj->rawlen;
	if (!utf)
		return true;
	if (sj->valid < 0) {
		for (i = 0; i < sj->rawlen && (k = utf8_seq(p + i, sj->rawlen - i)) > 0; i += k)
			;
		sj->valid = i == sj->rawlen;
	}
	if (sj->valid)
		return true;
	if (sj->utf == NULL) {
		if (sj->rawlen > (SIZE_MAX - 1) / 2 ||
		    (sj->utf = malloc(2 * sj->rawlen + 1)) == NULL)
			return false;
		for (i = 0; i < sj->rawlen; i += k) {
			if ((k = utf8_seq(p + i, sj->rawlen - i)) > 0) {
				memcpy(sj->utf + o, p + i, k);
				o += k;
			} else {
				sj->utf[o++] = (char)(0xc0 | (p[i] >> 6));
				sj->utf[o++] = (char)(0x80 | (p[i] & 0x3f));
				k = 1;
			}
		}
		sj->utf[o] = '\0';
		sj->utflen = o;
	}
	*text = sj->utf;
	*len = sj->utflen;
	return true;
}

static void subject_free(struct subject *sj)
{
	free(sj->utf);
	sj->utf = NULL;
}

static const struct rule_db *db_find(const rules_t *r, const char *name)
{
	for (size_t i = 0; i < r->ndbs; i++)
		if (strcmp(r->dbs[i].name, name) == 0)
			return &r->dbs[i];
	return NULL;
}

/* true when fp matches; a match that hits a limit counts as no match. */
static bool fp_exec(const rules_t *r, const struct rule_fp *fp, const char *text, size_t len,
		    pcre2_match_data *md)
{
	int rc = pcre2_match(fp->re, (PCRE2_SPTR)text, len, 0, 0, md, r->mctx);

	if (rc >= 0)
		return true;
	if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
	    rc == PCRE2_ERROR_HEAPLIMIT)
		atomic_fetch_add(&((rules_t *)r)->limit_hits, 1);
	return false;
}

/*
 * The params of a match, the way recog computes them: captures first (a
 * group that did not take part gives no param), then each constant in
 * declaration order with every {name} replaced by the value name has at
 * that point (so a constant may build on one interpolated before it; a
 * missing capture reads as empty); "_tmp." params are not reported.
 */
static void fp_fill(const rules_t *r, const struct rule_fp *fp, const char *text,
		    pcre2_match_data *md, rule_params *out)
{
	const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
	const char *protocol = r->files[fp->file].protocol;
	char vals[RULES_MAX_PARAMS][sizeof(out->p[0].value)];
	bool present[RULES_MAX_PARAMS] = {false};
	struct sbuf sb;

	for (size_t i = 0; i < fp->nparams; i++) {
		const struct rule_param_def *d = &fp->params[i];

		sb_init(&sb, vals[i], sizeof(vals[i]));
		present[i] = d->pos == 0 || ov[2 * d->pos] != PCRE2_UNSET;
		if (d->pos == 0)
			sb_add(&sb, d->value, strlen(d->value));
		else if (present[i])
			sb_add(&sb, text + ov[2 * d->pos], ov[2 * d->pos + 1] - ov[2 * d->pos]);
	}
	for (size_t i = 0; i < fp->nparams; i++) {
		const struct rule_param_def *d = &fp->params[i];
		char expanded[sizeof(vals[0])];
		size_t pos = 0, last = 0, start, len;

		if (d->pos != 0 || strchr(d->value, '{') == NULL)
			continue;
		sb_init(&sb, expanded, sizeof(expanded));
		while (next_ref(d->value, &pos, &start, &len)) {
			const struct rule_param_def *ref = fp_param(fp, d->value + start, len);
			size_t k = ref != NULL ? (size_t)(ref - fp->params) : 0;

			sb_add(&sb, d->value + last, start - 1 - last);
			last = pos;
			if (ref != NULL && present[k])
				sb_add(&sb, vals[k], strlen(vals[k]));
		}
		sb_add(&sb, d->value + last, strlen(d->value + last));
		memcpy(vals[i], expanded, sb.len + 1);
	}

	out->n = 0;
	out->description = fp->description;
	for (size_t i = 0; i < fp->nparams; i++) {
		if (!present[i] || str_has_prefix(fp->params[i].name, "_tmp."))
			continue;
		snprintf(out->p[out->n].name, sizeof(out->p[out->n].name), "%s",
			 fp->params[i].name);
		memcpy(out->p[out->n].value, vals[i], strlen(vals[i]) + 1);
		out->n++;
	}
	if (protocol != NULL && out->n < RULES_MAX_PARAMS &&
	    fp_param(fp, "service.protocol", strlen("service.protocol")) == NULL) {
		sb_init(&sb, out->p[out->n].value, sizeof(out->p[out->n].value));
		sb_add(&sb, protocol, strlen(protocol));
		snprintf(out->p[out->n].name, sizeof(out->p[out->n].name), "service.protocol");
		out->n++;
	}
}

bool rules_match_bytes(const rules_t *r, const char *db, const void *text, size_t len,
		       rule_params *out)
{
	const struct rule_db *d;
	pcre2_match_data *md;
	struct subject sj;
	bool found = false;

	if (out != NULL) {
		out->n = 0;
		out->description = NULL;
	}
	if (r == NULL || db == NULL || text == NULL || (d = db_find(r, db)) == NULL)
		return false;
	if ((md = pcre2_match_data_create(r->max_captures + 1, NULL)) == NULL)
		return false;
	subject_init(&sj, text, len);
	for (size_t i = 0; i < d->n; i++) {
		const struct rule_fp *fp = &r->fps[d->fps[i]];
		const char *t;
		size_t tlen;

		if (!subject_get(&sj, fp->utf, &t, &tlen))
			break;
		if (fp_exec(r, fp, t, tlen, md)) {
			if (out != NULL)
				fp_fill(r, fp, t, md, out);
			found = true;
			break;
		}
	}
	subject_free(&sj);
	pcre2_match_data_free(md);
	return found;
}

bool rules_match(const rules_t *r, const char *db, const char *text, rule_params *out)
{
	return rules_match_bytes(r, db, text, text != NULL ? strlen(text) : 0, out);
}

const char *rule_param(const rule_params *out, const char *name)
{
	if (out == NULL || name == NULL)
		return NULL;
	for (size_t i = 0; i < out->n; i++)
		if (strcmp(out->p[i].name, name) == 0)
			return out->p[i].value;
	return NULL;
}

/* ------------------------------------------------------------- selftest */

/* A short printable rendering of an example for messages. */
static void example_quote(const struct rule_example *e, char *buf, size_t cap)
{
	size_t o = 0, max = cap < 64 ? cap : 64;

	for (size_t i = 0; i < e->len && o + 4 < max; i++) {
		unsigned char c = (unsigned char)e->text[i];

		buf[o++] = (c >= 0x20 && c != 0x7f) ? (char)c : '?';
	}
	if (o + 4 >= max && e->len > o) {
		buf[o++] = '.';
		buf[o++] = '.';
		buf[o++] = '.';
	}
	buf[o] = '\0';
}

/* Check one example; 0 or 1 failure, described into err if err is empty. */
static size_t example_check(const rules_t *r, size_t fpi, const struct rule_example *e,
			    pcre2_match_data *md, rule_params *got, char *err, size_t errlen)
{
	const struct rule_fp *fp = &r->fps[fpi];
	const struct rule_db *d = &r->dbs[fp->db];
	const char *path = r->files[fp->file].path, *t = NULL;
	char q[80], why[400];
	struct subject sj;
	size_t tlen;

	why[0] = '\0';
	subject_init(&sj, e->text, e->len);
	for (size_t i = 0; i < d->n; i++) {
		const struct rule_fp *other = &r->fps[d->fps[i]];

		if (!subject_get(&sj, other->utf, &t, &tlen)) {
			snprintf(why, sizeof(why), "could not be tried: out of memory");
			break;
		}
		if (d->fps[i] == fpi) {
			if (!fp_exec(r, fp, t, tlen, md))
				snprintf(why, sizeof(why), "does not match its fingerprint");
			break;
		}
		if (fp_exec(r, other, t, tlen, md)) {
			snprintf(why, sizeof(why), "matches the earlier fingerprint at %s:%u",
				 r->files[other->file].path, other->line);
			break;
		}
	}
	if (why[0] == '\0' && t == NULL) /* fp is not in its own database */
		snprintf(why, sizeof(why), "could not be tried: internal error");
	if (why[0] == '\0' && t != NULL) {
		fp_fill(r, fp, t, md, got);
		for (size_t j = 0; j < e->nexpect; j++) {
			const char *v = rule_param(got, e->expect[j].name);

			if (v == NULL)
				snprintf(why, sizeof(why), "gives no %s (expected '%.100s')",
					 e->expect[j].name, e->expect[j].value);
			else if (strcmp(v, e->expect[j].value) != 0)
				snprintf(why, sizeof(why), "gives %s '%.100s', expected '%.100s'",
					 e->expect[j].name, v, e->expect[j].value);
			if (why[0] != '\0')
				break;
		}
	}
	subject_free(&sj);
	if (why[0] == '\0')
		return 0;
	if (err != NULL && errlen > 0 && err[0] == '\0') {
		example_quote(e, q, sizeof(q));
		snprintf(err, errlen, "%s:%u: example '%s' %s", path, e->line, q, why);
	}
	return 1;
}

size_t rules_selftest(const rules_t *r, size_t *examples_out, char *err, size_t errlen)
{
	pcre2_match_data *md;
	rule_params *got;
	size_t failures = 0, examples = 0;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (examples_out != NULL)
		*examples_out = 0;
	if (r == NULL)
		return 0;
	md = pcre2_match_data_create(r->max_captures + 1, NULL);
	got = malloc(sizeof(*got));
	if (md == NULL || got == NULL) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "out of memory");
		pcre2_match_data_free(md);
		free(got);
		return 1;
	}
	for (size_t i = 0; i < r->nfps; i++) {
		for (size_t k = 0; k < r->fps[i].nexamples; k++) {
			examples++;
			failures +=
			    example_check(r, i, &r->fps[i].examples[k], md, got, err, errlen);
		}
	}
	pcre2_match_data_free(md);
	free(got);
	if (examples_out != NULL)
		*examples_out = examples;
	return failures;
}
