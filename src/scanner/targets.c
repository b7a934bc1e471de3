/*
 * targets.c — turning what the user typed into the set of addresses to scan.
 *
 * A scan of 10.0.0.0/8 must not cost 16 million list entries, so every spec
 * becomes an inclusive interval of host-order addresses, and the set is only
 * ever sorted, merged and cut, never expanded.  The one place user input
 * meets the scanner is also where a typo must be caught: "10.0.0.0/33" or
 * "1.2.3" is refused with the spec and the reason, never quietly treated as
 * a hostname to look up or as some other network.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "scanner/targets.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/grow.h"
#include "util/parse.h"

/* Longest spec we accept: a hostname is at most 253 characters. */
#define SPEC_MAX 255

/* A growable array of intervals. */
struct ivec {
	ip_interval *v;
	size_t n, cap;
};

/* A growable string (the specs as given, for targets_describe). */
struct sbuf {
	char *s;
	size_t len, cap;
};

struct targets {
	struct ivec inc;     /* includes as added; sorted and merged by finalize */
	struct ivec exc;     /* excludes, likewise */
	struct sbuf inc_text;
	struct sbuf exc_text;
	bool dirty;          /* added to since the last finalize */

	/* The result of the last finalize; read-only between finalizes. */
	ip_interval *final;
	uint64_t *start;     /* start[i]: the index of final[i].lo */
	size_t n_final;
	uint64_t count;
	char *describe;
};

static int ivec_push(struct ivec *iv, uint32_t lo, uint32_t hi)
{
	if (nc_grow(&iv->v, &iv->cap, iv->n + 1, sizeof(*iv->v), 16) != 0)
		return nc_fail(NC_ERR_NOMEM, "out of memory storing targets");
	iv->v[iv->n].lo = lo;
	iv->v[iv->n].hi = hi;
	iv->n++;
	return 0;
}

/* Append text to sb, preceded by ',' unless sb is empty. */
static int sbuf_append_item(struct sbuf *sb, const char *prefix, const char *text)
{
	size_t plen = strlen(prefix), tlen = strlen(text);
	size_t need = sb->len + 1 + plen + tlen + 1;

	if (need > sb->cap) {
		size_t cap = sb->cap ? sb->cap : 64;
		char *s;

		while (cap < need)
			cap *= 2;
		s = realloc(sb->s, cap);
		if (s == NULL)
			return nc_fail(NC_ERR_NOMEM, "out of memory storing targets");
		sb->s = s;
		sb->cap = cap;
	}
	/* sb->s is allocated whenever sb->cap > 0, and need > 0 grew it */
	if (sb->len > 0)
		sb->s[sb->len++] = ','; /* NOLINT(clang-analyzer-core.NullDereference) */
	/* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker) */
	memcpy(sb->s + sb->len, prefix, plen);
	memcpy(sb->s + sb->len + plen, text, tlen);
	sb->len += plen + tlen;
	sb->s[sb->len] = '\0';
	return 0;
}

targets_t *targets_new(void)
{
	return calloc(1, sizeof(targets_t));
}

void targets_free(targets_t *t)
{
	if (t == NULL)
		return;
	free(t->inc.v);
	free(t->exc.v);
	free(t->inc_text.s);
	free(t->exc_text.s);
	free(t->final);
	free(t->start);
	free(t->describe);
	free(t);
}

/* ------------------------------------------------------------ one spec */

/* ASCII whitespace, whatever the locale says. */
static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int bad_spec(const char *spec, const char *why)
{
	return nc_fail(NC_ERR_INVALID, "bad target '%s': %s", spec, why);
}

/* "0".."max", plain decimal, at most 3 digits. */
static bool parse_small(const char *s, unsigned max, unsigned *out)
{
	unsigned v = 0;
	int digits = 0;

	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || ++digits > 3)
			return false;
		v = v * 10 + (unsigned)(*s - '0');
	}
	if (digits == 0 || v > max)
		return false;
	*out = v;
	return true;
}

/*
 * Address, CIDR or range: the spec holds only digits, dots, '/' and '-', so
 * it can be nothing else and is parsed strictly.  (getaddrinfo would read
 * "1.2.3" as 1.2.0.3; a scanner must not guess.)
 */
static int parse_address_spec(const char *spec, struct ivec *out)
{
	static const char not_addr[] = "not an IPv4 address, range or CIDR";
	char buf[40];
	char *slash, *dash, *rest;
	uint32_t a, b;
	unsigned v;

	if (strlen(spec) >= sizeof(buf))
		return bad_spec(spec, not_addr);
	snprintf(buf, sizeof(buf), "%s", spec);
	slash = strchr(buf, '/');
	dash = strchr(buf, '-');
	if (slash != NULL && dash != NULL)
		return bad_spec(spec, not_addr);

	if (slash != NULL) {
		*slash = '\0';
		rest = slash + 1;
		if (!parse_ipv4(buf, &a))
			return bad_spec(spec, not_addr);
		if (!parse_small(rest, 32, &v))
			return bad_spec(spec, "prefix length must be 0-32");
		/* nmap ignores the host bits: 10.0.0.7/24 is 10.0.0.0/24 */
		b = v == 0 ? 0 : UINT32_MAX << (32 - v);
		return ivec_push(out, a & b, a | ~b);
	}

	if (dash != NULL) {
		*dash = '\0';
		rest = dash + 1;
		if (!parse_ipv4(buf, &a) || *rest == '\0')
			return bad_spec(spec, not_addr);
		if (strchr(rest, '.') != NULL) {
			if (!parse_ipv4(rest, &b))
				return bad_spec(spec, not_addr);
		} else {
			if (strchr(rest, '-') != NULL)
				return bad_spec(spec, not_addr);
			if (!parse_small(rest, 255, &v))
				return bad_spec(spec, "last-octet range end must be 0-255");
			b = (a & ~0xffU) | v;
		}
		if (b < a)
			return bad_spec(spec, "range runs backwards");
		return ivec_push(out, a, b);
	}

	if (!parse_ipv4(buf, &a))
		return bad_spec(spec, not_addr);
	return ivec_push(out, a, a);
}

static bool is_hostname_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_';
}

/* Resolve once, add every IPv4 address the name has. */
static int resolve_spec(const char *spec, struct ivec *out)
{
	struct addrinfo hints, *res = NULL, *ai;
	int r = NC_ERR_INTERNAL, gai;
	size_t found = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_STREAM; /* one entry per address, not per socket type */
	gai = getaddrinfo(spec, NULL, &hints, &res);
	if (gai != 0) {
		const char *why = gai == EAI_SYSTEM ? strerror(errno) : gai_strerror(gai);

		return nc_fail(NC_ERR_RESOLVE, "cannot resolve target '%s': %s", spec, why);
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ai->ai_addr;
		uint32_t ip;

		if (ai->ai_family != AF_INET || ai->ai_addrlen < sizeof(*sin))
			continue;
		ip = ntohl(sin->sin_addr.s_addr);
		if ((r = ivec_push(out, ip, ip)) != 0)
			goto out;
		found++;
	}
	if (found == 0) {
		r = nc_fail(NC_ERR_RESOLVE, "cannot resolve target '%s': no IPv4 address", spec);
		goto out;
	}
	r = 0;
out:
	freeaddrinfo(res);
	return r;
}

/* Classify one trimmed, non-empty spec and add its intervals to out. */
static int parse_spec(const char *spec, struct ivec *out)
{
	bool address_chars = true;
	const char *p;

	for (p = spec; *p != '\0'; p++) {
		if (!((*p >= '0' && *p <= '9') || *p == '.' || *p == '/' || *p == '-'))
			address_chars = false;
	}
	if (address_chars)
		return parse_address_spec(spec, out);
	if ((p = strchr(spec, ':')) != NULL) {
		/* "10.0.0.1:80" is an address and a port, "2001:db8::1" is IPv6 */
		char addr[16];
		uint32_t ip;

		if ((size_t)(p - spec) < sizeof(addr)) {
			memcpy(addr, spec, (size_t)(p - spec));
			addr[p - spec] = '\0';
			if (parse_ipv4(addr, &ip))
				return bad_spec(spec, "a target has no port (ports go in -p)");
		}
		return bad_spec(spec, "IPv6 targets are not supported");
	}
	if (strchr(spec, '/') != NULL)
		return bad_spec(spec, "not an IPv4 address, range or CIDR");
	for (p = spec; *p != '\0'; p++) {
		if (!is_hostname_char(*p))
			return bad_spec(spec, "not an IPv4 address, range, CIDR or hostname");
	}
	if (p - spec > 253 || spec[0] == '-' || spec[0] == '.')
		return bad_spec(spec, "not an IPv4 address, range, CIDR or hostname");
	return resolve_spec(spec, out);
}

/* Add one spec (already trimmed, NUL-terminated) to the include or exclude set. */
static int add_one(targets_t *t, const char *spec, bool exclude)
{
	struct ivec *iv = exclude ? &t->exc : &t->inc;
	size_t before = iv->n;
	int r;

	if ((r = parse_spec(spec, iv)) != 0) {
		iv->n = before;
		return r;
	}
	if ((r = sbuf_append_item(exclude ? &t->exc_text : &t->inc_text, "", spec)) != 0) {
		iv->n = before;
		return r;
	}
	t->dirty = true;
	return 0;
}

int targets_add_spec(targets_t *t, const char *spec)
{
	char buf[SPEC_MAX + 1];
	size_t len;

	if (spec == NULL)
		return nc_fail(NC_ERR_INVALID, "empty target");
	while (is_space(*spec))
		spec++;
	len = strlen(spec);
	while (len > 0 && is_space(spec[len - 1]))
		len--;
	if (len == 0)
		return nc_fail(NC_ERR_INVALID, "empty target");
	if (len > SPEC_MAX)
		return nc_fail(NC_ERR_INVALID, "bad target '%.40s...': too long", spec);
	memcpy(buf, spec, len);
	buf[len] = '\0';
	return add_one(t, buf, false);
}

/* ------------------------------------------------------ lists and files */

static bool is_separator(char c)
{
	return is_space(c) || c == ',';
}

/*
 * Split text into specs on whitespace and commas and add each.  With path
 * set, the text is a file: '#' starts a comment that runs to the end of the
 * line, and errors say where ("hosts.txt:12: bad target ...").
 */
static int add_text(targets_t *t, const char *text, size_t len, bool exclude, const char *path)
{
	char tok[SPEC_MAX + 1];
	unsigned line = 1;
	size_t i = 0;
	int r;

	while (i < len) {
		size_t start, tlen;

		if (text[i] == '\n')
			line++;
		if (is_separator(text[i])) {
			i++;
			continue;
		}
		if (path != NULL && text[i] == '#') {
			while (i < len && text[i] != '\n')
				i++;
			continue;
		}
		start = i;
		while (i < len && !is_separator(text[i]) && !(path != NULL && text[i] == '#')) {
			if (text[i] == '\0')
				return nc_fail(NC_ERR_INVALID, "%s:%u: NUL byte (not a text file?)",
					       path ? path : "targets", line);
			i++;
		}
		tlen = i - start;
		if (tlen > SPEC_MAX) {
			r = nc_fail(NC_ERR_INVALID, "bad target '%.40s...': too long",
				    text + start);
		} else {
			memcpy(tok, text + start, tlen);
			tok[tlen] = '\0';
			r = add_one(t, tok, exclude);
		}
		if (r != 0) {
			char detail[512];

			if (path == NULL)
				return r;
			/* nc_fail formats into the same buffer nc_errmsg returns */
			snprintf(detail, sizeof(detail), "%s", nc_errmsg(r));
			return nc_fail(r, "%s:%u: %s", path, line, detail);
		}
	}
	return 0;
}

/*
 * add_text() for a public entry point: on error, undo whatever part of the
 * list or file was already added, so a failed call leaves t as it was.
 */
static int add_text_all_or_nothing(targets_t *t, const char *text, size_t len, bool exclude,
				   const char *path)
{
	struct ivec *iv = exclude ? &t->exc : &t->inc;
	struct sbuf *sb = exclude ? &t->exc_text : &t->inc_text;
	size_t iv_n = iv->n, sb_len = sb->len;
	int r;

	if ((r = add_text(t, text, len, exclude, path)) != 0) {
		iv->n = iv_n;
		sb->len = sb_len;
		if (sb->s != NULL)
			sb->s[sb_len] = '\0';
	}
	return r;
}

int targets_add_list(targets_t *t, const char *list)
{
	if (list == NULL)
		return 0;
	return add_text_all_or_nothing(t, list, strlen(list), false, NULL);
}

int targets_exclude_list(targets_t *t, const char *list)
{
	if (list == NULL)
		return 0;
	return add_text_all_or_nothing(t, list, strlen(list), true, NULL);
}

/* Whole file into a malloc'd buffer (*buf_out, owned by the caller); "-" is stdin. */
static int read_target_file(const char *path, char **buf_out, size_t *len_out)
{
	bool is_stdin = strcmp(path, "-") == 0;
	const char *shown = is_stdin ? "(stdin)" : path;
	char *buf = NULL, *nbuf;
	size_t len = 0, cap = 0;
	struct stat st;
	int fd = -1, r = NC_ERR_INTERNAL;

	*buf_out = NULL;
	*len_out = 0;
	fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = nc_fail(NC_ERR_IO, "cannot read target file '%s': %s", shown, strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) != 0) {
		r = nc_fail(NC_ERR_IO, "cannot read target file '%s': %s", shown, strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		r = nc_fail(NC_ERR_IO, "cannot read target file '%s': %s", shown, strerror(EISDIR));
		goto out;
	}
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > TARGETS_FILE_MAX)
		goto toobig;
	for (;;) {
		ssize_t n;

		if (len == cap) {
			/* read at most one byte past the limit, to see it was passed */
			if (cap > TARGETS_FILE_MAX)
				goto toobig;
			cap = cap ? NC_MIN(cap * 2, TARGETS_FILE_MAX + 1) : 64 * 1024;
			if ((nbuf = realloc(buf, cap + 1)) == NULL) {
				r = nc_fail(NC_ERR_NOMEM, "out of memory reading '%s'", shown);
				goto out;
			}
			buf = nbuf;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = nc_fail(NC_ERR_IO, "cannot read target file '%s': %s", shown,
				    strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > TARGETS_FILE_MAX)
		goto toobig;
	buf[len] = '\0';
	*buf_out = buf;
	*len_out = len;
	buf = NULL;
	r = 0;
	goto out;
toobig:
	r = nc_fail(NC_ERR_TOOBIG, "target file '%s' is larger than %u MiB", shown,
		    (unsigned)(TARGETS_FILE_MAX >> 20));
out:
	if (fd >= 0 && !is_stdin)
		close(fd);
	free(buf);
	return r;
}

static int add_file(targets_t *t, const char *path, bool exclude)
{
	struct sbuf *text = exclude ? &t->exc_text : &t->inc_text;
	char *buf = NULL;
	size_t len = 0, text_len = text->len;
	int r = NC_ERR_INTERNAL;

	if (path == NULL || *path == '\0')
		return nc_fail(NC_ERR_IO, "cannot read target file '': no file name given");
	if ((r = read_target_file(path, &buf, &len)) != 0)
		goto out;
	if ((r = add_text_all_or_nothing(t, buf, len, exclude, path)) != 0)
		goto out;
	/* describe a file by its name, not by its (maybe thousands of) lines */
	text->len = text_len;
	if (text->s != NULL)
		text->s[text_len] = '\0';
	if ((r = sbuf_append_item(text, "file:", path)) != 0)
		goto out;
	t->dirty = true;
	r = 0;
out:
	free(buf);
	return r;
}

int targets_add_file(targets_t *t, const char *path)
{
	return add_file(t, path, false);
}

int targets_exclude_file(targets_t *t, const char *path)
{
	return add_file(t, path, true);
}

/* ------------------------------------------------------------ finalize */

static int cmp_interval(const void *a, const void *b)
{
	const ip_interval *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	if (x->hi != y->hi)
		return x->hi < y->hi ? -1 : 1;
	return 0;
}

/* Sort, then merge intervals that overlap or touch, in place. */
static void sort_merge(struct ivec *iv)
{
	size_t out = 0;

	if (iv->n == 0)
		return;
	qsort(iv->v, iv->n, sizeof(*iv->v), cmp_interval);
	for (size_t i = 1; i < iv->n; i++) {
		ip_interval *cur = &iv->v[out];

		if ((uint64_t)iv->v[i].lo <= (uint64_t)cur->hi + 1) {
			if (iv->v[i].hi > cur->hi)
				cur->hi = iv->v[i].hi;
		} else {
			iv->v[++out] = iv->v[i];
		}
	}
	iv->n = out + 1;
}

/*
 * inc minus exc, both sorted and merged, into res (room for inc->n + exc->n
 * intervals: each exclude splits at most one include in two).  Returns the
 * number of intervals written.
 */
static size_t subtract(const struct ivec *inc, const struct ivec *exc, ip_interval *res)
{
	size_t n = 0, j = 0;

	for (size_t i = 0; i < inc->n; i++) {
		uint64_t cur = inc->v[i].lo, hi = inc->v[i].hi;
		bool gone = false;

		while (j < exc->n && exc->v[j].hi < cur)
			j++;
		/* excludes that start inside [cur, hi] */
		for (; j < exc->n && exc->v[j].lo <= hi; j++) {
			if (exc->v[j].lo > cur) {
				res[n].lo = (uint32_t)cur;
				res[n].hi = exc->v[j].lo - 1;
				n++;
			}
			if (exc->v[j].hi >= hi) {
				/* it may reach into the next include too: keep j */
				gone = true;
				break;
			}
			cur = (uint64_t)exc->v[j].hi + 1;
		}
		if (!gone) {
			res[n].lo = (uint32_t)cur;
			res[n].hi = (uint32_t)hi;
			n++;
		}
	}
	return n;
}

int targets_finalize(targets_t *t)
{
	ip_interval *final = NULL;
	uint64_t *start = NULL, count = 0;
	char *describe = NULL;
	size_t n_final, room, dlen;
	int r = NC_ERR_INTERNAL;

	if (t->describe != NULL && !t->dirty)
		return 0;
	sort_merge(&t->inc);
	sort_merge(&t->exc);
	room = t->inc.n + t->exc.n + 1;
	final = calloc(room, sizeof(*final));
	start = calloc(room, sizeof(*start));
	dlen = t->inc_text.len + t->exc_text.len + sizeof(" (excluding )");
	describe = malloc(dlen);
	if (final == NULL || start == NULL || describe == NULL) {
		r = nc_fail(NC_ERR_NOMEM, "out of memory indexing targets");
		goto out;
	}
	n_final = subtract(&t->inc, &t->exc, final);
	for (size_t i = 0; i < n_final; i++) {
		start[i] = count;
		count += (uint64_t)final[i].hi - final[i].lo + 1;
	}
	if (t->exc_text.len > 0)
		snprintf(describe, dlen, "%s (excluding %s)", t->inc_text.s ? t->inc_text.s : "",
			 t->exc_text.s);
	else
		snprintf(describe, dlen, "%s", t->inc_text.s ? t->inc_text.s : "");

	free(t->final);
	free(t->start);
	free(t->describe);
	t->final = final;
	t->start = start;
	t->n_final = n_final;
	t->count = count;
	t->describe = describe;
	t->dirty = false;
	final = NULL;
	start = NULL;
	describe = NULL;
	r = 0;
out:
	free(final);
	free(start);
	free(describe);
	return r;
}

/* ------------------------------------------------------------- queries */

uint64_t targets_count(const targets_t *t)
{
	return t->count;
}

uint32_t targets_at(const targets_t *t, uint64_t index)
{
	size_t lo = 0, hi;

	if (index >= t->count)
		return 0;
	/* the last interval whose start is <= index */
	hi = t->n_final - 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2;

		if (t->start[mid] <= index)
			lo = mid;
		else
			hi = mid - 1;
	}
	return t->final[lo].lo + (uint32_t)(index - t->start[lo]);
}

bool targets_contains(const targets_t *t, uint32_t ip)
{
	size_t lo = 0, hi = t->n_final;

	/* the first interval whose hi is >= ip */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->final[mid].hi < ip)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < t->n_final && t->final[lo].lo <= ip;
}

const ip_interval *targets_intervals(const targets_t *t, size_t *n_out)
{
	if (n_out != NULL)
		*n_out = t->n_final;
	return t->final;
}

const char *targets_describe(const targets_t *t)
{
	if (t->describe != NULL)
		return t->describe;
	return t->inc_text.s != NULL ? t->inc_text.s : "";
}
