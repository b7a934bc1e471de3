#include "config.h"

/*
 * appnorm.c — normalising application names, publishers and versions
 * (see appnorm.h for the steps, data/vdi-rules.conf for the rule format).
 *
 * Everything works in fixed buffers of APPNORM_NAME_MAX bytes: a name is
 * a few words, and an inventory row that is longer is cut, not believed.
 * The rules are kept as they were read (globs), so a rule file is
 * something a user can read and change without reading this code.
 */

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "export/appnorm.h"
#include "util/compat.h"
#include "util/err.h"
#include "util/grow.h"

enum section {
	RS_PUBLISHER,
	RS_PACKAGE,
	RS_RENAME,
	RS_DECORATION,
	RS_KEEP_ARCH,
	RS_IGNORE,
	RS_FLAG,
	RS__COUNT
};

static const char *const section_names[] = {
    [RS_PUBLISHER] = "publisher", [RS_PACKAGE] = "package",
    [RS_RENAME] = "rename",	  [RS_DECORATION] = "decoration",
    [RS_KEEP_ARCH] = "keep-arch", [RS_IGNORE] = "ignore",
    [RS_FLAG] = "flag",
};
_Static_assert(ARRAY_SIZE(section_names) == RS__COUNT, "a section has no name");

/* "pattern = value | extra"; value and extra may be NULL. */
typedef struct {
	char *pattern;
	char *value;
	char *extra;
} rule;

struct appnorm_rules {
	rule *r[RS__COUNT];
	size_t n[RS__COUNT], cap[RS__COUNT];
};

/* ------------------------------------------------------------ cleaning */

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when it is not one. */
static size_t utf8_seq(const unsigned char *s)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		unsigned char lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;

		return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		unsigned char lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;

		return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 && (s[3] & 0xc0) == 0x80
			   ? 4
			   : 0;
	}
	return 0;
}

void appnorm_clean(const char *text, char *out, size_t len)
{
	const unsigned char *s = (const unsigned char *)(text ? text : "");
	size_t o = 0;
	bool blank = true; /* drops leading blanks and collapses runs */

	while (*s != '\0' && o + 1 < len) {
		size_t n = utf8_seq(s);

		if (n == 0 || *s < 0x20 || *s == 0x7f || (n == 2 && s[0] == 0xc2 && s[1] < 0xa0)) {
			if (*s == '\t' || *s == '\n' || *s == '\r') {
				if (!blank)
					out[o++] = ' ';
				blank = true;
			} else {
				out[o++] = '?';
				blank = false;
			}
			s += n ? n : 1;
			continue;
		}
		if (*s == ' ') {
			if (!blank)
				out[o++] = ' ';
			blank = true;
			s++;
			continue;
		}
		if (o + n >= len)
			break; /* cut at a character boundary */
		memcpy(out + o, s, n);
		o += n;
		s += n;
		blank = false;
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}

/* Collapse blanks again after an edit and trim. */
static void squeeze(char *s)
{
	size_t o = 0;
	bool blank = true;

	for (size_t i = 0; s[i] != '\0'; i++) {
		if (s[i] == ' ') {
			if (!blank)
				s[o++] = ' ';
			blank = true;
		} else {
			s[o++] = s[i];
			blank = false;
		}
	}
	while (o > 0 && s[o - 1] == ' ')
		o--;
	s[o] = '\0';
}

/* Replace n bytes at p with one blank. */
static void cut(char *p, size_t n)
{
	p[0] = ' ';
	memmove(p + 1, p + n, strlen(p + n) + 1);
}

/* Remove the trademark and copyright marks: (R) (TM) (C) ® ™ ©. */
static void strip_marks(char *s)
{
	static const char *const marks[] = {"(r)",	"(tm)",		"(c)",
					    "\xc2\xae", "\xe2\x84\xa2", "\xc2\xa9"};

	for (size_t m = 0; m < ARRAY_SIZE(marks); m++) {
		size_t n = strlen(marks[m]);
		char *p = s;

		while ((p = strcasestr(p, marks[m])) != NULL) {
			/* "Foo(R) Bar" keeps the blank; "Foo(R)Bar" gets one */
			cut(p, n);
		}
	}
	squeeze(s);
}

static void fold(const char *in, char *out, size_t len)
{
	size_t i = 0;

	for (; in[i] != '\0' && i + 1 < len; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[i] = '\0';
}

/* ------------------------------------------------------------- words */

/* The canonical architecture a word names, or NULL. */
static const char *arch_word(const char *w, size_t n)
{
	static const struct {
		const char *word, *arch;
	} arches[] = {
	    {"x64", "x64"},	  {"x86_64", "x64"}, {"x86-64", "x64"},	 {"amd64", "x64"},
	    {"win64", "x64"},	  {"64-bit", "x64"}, {"64bit", "x64"},	 {"64-bits", "x64"},
	    {"x86", "x86"},	  {"i386", "x86"},   {"i686", "x86"},	 {"win32", "x86"},
	    {"32-bit", "x86"},	  {"32bit", "x86"},  {"32-bits", "x86"}, {"arm64", "arm64"},
	    {"aarch64", "arm64"}, {"ia64", "ia64"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(arches); i++)
		if (strlen(arches[i].word) == n && strncasecmp(w, arches[i].word, n) == 0)
			return arches[i].arch;
	return NULL;
}

/* "en", "en-US", "pt_BR", "zh-Hans", "EN-us": a language tag. A bare two
 * letters must be lower case ("(HP)" is a name, "(de)" a language). */
static bool locale_word(const char *w, size_t n)
{
	if (n == 2)
		return islower((unsigned char)w[0]) && islower((unsigned char)w[1]);
	if (n != 5 && n != 7)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (i == 2) {
			if (w[i] != '-' && w[i] != '_')
				return false;
		} else if (!isalpha((unsigned char)w[i])) {
			return false;
		}
	}
	return true;
}

static bool all_digits(const char *w, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)w[i]))
			return false;
	return true;
}

/* "118.0.1", "v2.3", "23.01", "1.2.3-beta", "v8": a version number. */
static bool version_word(const char *w, size_t n)
{
	bool v = n > 1 && (w[0] == 'v' || w[0] == 'V'), dotted = false;

	if (v) {
		w++;
		n--;
	}
	if (n == 0 || !isdigit((unsigned char)w[0]))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)w[i];

		if (!isalnum(c) && c != '.' && c != '-' && c != '_' && c != '+' && c != '~')
			return false;
		if (c == '.' && i > 0 && i + 1 < n && isdigit((unsigned char)w[i - 1]) &&
		    isdigit((unsigned char)w[i + 1]))
			dotted = true;
	}
	return dotted || (v && all_digits(w, n));
}

static bool year_word(const char *w, size_t n)
{
	long y;

	if (n != 4 || !all_digits(w, n))
		return false;
	y = strtol(w, NULL, 10);
	return y >= 1990 && y <= 2099;
}

/* Is the [decoration] phrase d (lower case) at text[0..], ending at a word
 * boundary? Returns its length or 0. */
static size_t phrase_at(const char *text, const char *d)
{
	size_t n = strlen(d);

	if (strncasecmp(text, d, n) != 0)
		return 0;
	if (text[n] != '\0' && text[n] != ' ' && text[n] != ',' && text[n] != ')' &&
	    text[n] != ']' && text[n] != ';' && text[n] != '/')
		return 0;
	return n;
}

/* What a bracketed group or a " - " tail may hold and still be noise. */
typedef struct {
	const appnorm_rules *rules;
	char arch[APPNORM_ARCH_MAX];
	char version[APPNORM_VERSION_MAX];
} deco_ctx;

static void note_arch(deco_ctx *c, const char *arch)
{
	if (c->arch[0] == '\0')
		snprintf(c->arch, sizeof(c->arch), "%s", arch);
}

static void note_version(deco_ctx *c, const char *w, size_t n)
{
	if (c->version[0] == '\0')
		snprintf(c->version, sizeof(c->version), "%.*s", (int)NC_MIN(n, 127), w);
}

/*
 * Is text[0..n) only decorations: architectures, locales, versions and
 * [decoration] words or phrases, separated by blanks , ; / ?  Notes the
 * architecture and version it holds.  An empty text is a decoration.
 */
static bool only_decorations(deco_ctx *c, const char *text, size_t n)
{
	char buf[APPNORM_NAME_MAX];
	const char *arch = NULL, *ver = NULL;
	size_t i = 0, vlen = 0;

	snprintf(buf, sizeof(buf), "%.*s", (int)NC_MIN(n, sizeof(buf) - 1), text);
	n = strlen(buf);
	while (i < n) {
		size_t w, d = 0;

		if (buf[i] == ' ' || buf[i] == ',' || buf[i] == ';' || buf[i] == '/') {
			i++;
			continue;
		}
		for (size_t k = 0; c->rules && k < c->rules->n[RS_DECORATION] && d == 0; k++)
			d = phrase_at(buf + i, c->rules->r[RS_DECORATION][k].pattern);
		if (d > 0) {
			i += d;
			continue;
		}
		for (w = 0; i + w < n && buf[i + w] != ' ' && buf[i + w] != ',' &&
			    buf[i + w] != ';' && buf[i + w] != '/';
		     w++)
			;
		if (arch_word(buf + i, w) != NULL) {
			if (arch == NULL)
				arch = arch_word(buf + i, w);
		} else if (version_word(buf + i, w)) {
			if (ver == NULL) {
				ver = text + i;
				vlen = w;
			}
		} else if (!locale_word(buf + i, w)) {
			return false;
		}
		i += w;
	}
	if (arch != NULL)
		note_arch(c, arch);
	if (ver != NULL)
		note_version(c, ver, vlen);
	return true;
}

/* Remove one bracketed group that holds only decorations; true if one went. */
static bool strip_group(deco_ctx *c, char *s)
{
	for (char *open = s; (open = strpbrk(open, "([")) != NULL; open++) {
		char close = *open == '(' ? ')' : ']';
		char *end = strchr(open + 1, close);
		char *inner = strpbrk(open + 1, "([");

		if (end == NULL)
			return false;
		if (inner != NULL && inner < end)
			continue; /* nested: look at the inner one first */
		if (open == s && end[1] == '\0')
			return false; /* the whole name is the group */
		if (only_decorations(c, open + 1, (size_t)(end - open - 1))) {
			cut(open, (size_t)(end - open + 1));
			squeeze(s);
			return true;
		}
	}
	return false;
}

/* Remove free-standing architecture words (never the first word). */
static bool strip_arch_words(deco_ctx *c, char *s)
{
	char *sp = strchr(s, ' ');

	while (sp != NULL) {
		char *w = sp + 1;
		size_t n = strcspn(w, " ");
		const char *a = arch_word(w, n);

		if (a != NULL) {
			note_arch(c, a);
			cut(sp, n + 1);
			squeeze(s);
			return true;
		}
		sp = strchr(w, ' ');
	}
	return false;
}

/* "Name - English", "Name - x86 9.0.30729": cut the tail when it is noise. */
static bool strip_dash_tail(deco_ctx *c, char *s)
{
	char *dash = NULL;

	for (char *p = s; (p = strstr(p, " - ")) != NULL; p++)
		dash = p;
	if (dash == NULL || dash == s)
		return false;
	if (!only_decorations(c, dash + 3, strlen(dash + 3)))
		return false;
	*dash = '\0';
	squeeze(s);
	return true;
}

/* The first component of a version field ("8" of "8.0.3810.9"). */
static size_t version_major(const char *version, const char **start)
{
	size_t n;

	*start = version;
	if (version == NULL)
		return 0;
	while (**start == ' ' || **start == 'v' || **start == 'V')
		(*start)++;
	n = strspn(*start, "0123456789");
	return n;
}

/*
 * One step from the end of the name; true if something went.  *protect
 * keeps the number in front of a removed "Update N".
 */
static bool strip_tail(deco_ctx *c, char *s, const char *version_field, bool *protect)
{
	size_t len = strlen(s);
	char *last = strrchr(s, ' ');
	const char *vmaj;
	size_t wn, vn;

	/* trailing separators */
	if (len > 1 && strchr("-,:;/", s[len - 1]) != NULL) {
		s[len - 1] = '\0';
		squeeze(s);
		return true;
	}
	if (last == NULL)
		return false; /* never the last word */
	wn = strlen(last + 1);

	/* a [decoration] phrase at the end, if something is left before it */
	for (size_t k = 0; c->rules && k < c->rules->n[RS_DECORATION]; k++) {
		const char *d = c->rules->r[RS_DECORATION][k].pattern;
		size_t dn = strlen(d);

		if (dn + 1 < len && s[len - dn - 1] == ' ' && strcasecmp(s + len - dn, d) == 0) {
			s[len - dn - 1] = '\0';
			squeeze(s);
			return true;
		}
	}
	if (version_word(last + 1, wn)) {
		note_version(c, last + 1, wn);
		*last = '\0';
		*protect = false;
		return true;
	}
	if (all_digits(last + 1, wn)) {
		char *prev = last;

		while (prev > s && prev[-1] != ' ')
			prev--;
		if (prev > s && (size_t)(last - prev) == 6 && strncasecmp(prev, "update", 6) == 0) {
			prev[-1] = '\0';
			squeeze(s);
			*protect = true;
			return true;
		}
		vn = version_major(version_field, &vmaj);
		if (!*protect && !year_word(last + 1, wn) && vn == wn &&
		    strncmp(vmaj, last + 1, wn) == 0) {
			*last = '\0';
			return true;
		}
	}
	return false;
}

/* ------------------------------------------------------------ matching */

static const rule *first_match(const appnorm_rules *rules, enum section sec, const char *s)
{
	if (rules == NULL)
		return NULL;
	for (size_t i = 0; i < rules->n[sec]; i++)
		if (fnmatch(rules->r[sec][i].pattern, s, FNM_CASEFOLD) == 0)
			return &rules->r[sec][i];
	return NULL;
}

/* A package manager's name: no blank, and it starts with a lower-case
 * letter or a digit ("firefox-esr", "libreoffice-writer:i386", the flatpak
 * id "org.gimp.GIMP"); "Firefox" and "Notepad++" are display names. */
static bool package_name(const char *s)
{
	if (!islower((unsigned char)s[0]) && !isdigit((unsigned char)s[0]))
		return false;
	return strchr(s, ' ') == NULL;
}

/* ------------------------------------------------------------- public */

void appnorm_version(const char *version, char *out, size_t len)
{
	char buf[APPNORM_VERSION_MAX];
	const char *p = buf;
	size_t d;

	appnorm_clean(version, buf, sizeof(buf));
	d = strspn(p, "0123456789");
	if (d > 0 && p[d] == ':' && p[d + 1] != '\0')
		p += d + 1; /* dpkg/rpm epoch */
	if ((p[0] == 'v' || p[0] == 'V') && isdigit((unsigned char)p[1]))
		p++;
	snprintf(out, len, "%s", p);
}

int appnorm_version_cmp(const char *a, const char *b)
{
	while (*a != '\0' && *b != '\0') {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			size_t na, nb;

			while (*a == '0' && isdigit((unsigned char)a[1]))
				a++;
			while (*b == '0' && isdigit((unsigned char)b[1]))
				b++;
			na = strspn(a, "0123456789");
			nb = strspn(b, "0123456789");
			if (na != nb)
				return na < nb ? -1 : 1;
			int c = strncmp(a, b, na);
			if (c != 0)
				return c;
			a += na;
			b += nb;
		} else {
			if (*a != *b)
				return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
			a++;
			b++;
		}
	}
	return *a == *b ? 0 : (*a == '\0' ? -1 : 1);
}

void appnorm_publisher(const appnorm_rules *rules, const char *publisher, char *out, size_t len)
{
	/* Legal forms, removed from the end (with a comma or '&' before them). */
	static const char *const legal[] = {
	    "inc.",   "inc",	 "incorporated", "corporation", "corp.", "corp", "co.",	 "ltd.",
	    "ltd",    "limited", "llc",		 "l.l.c.",	"gmbh",	 "ag",	 "s.a.", "sa",
	    "s.a.s.", "sas",	 "b.v.",	 "bv",		"n.v.",	 "nv",	 "plc",	 "pty",
	    "pty.",   "s.r.l.",	 "srl",		 "s.r.o.",	"oy",	 "ab",	 "a/s",	 "asa",
	    "kg",     "s.p.a.",	 "spa",		 "k.k.",	"se",
	};
	char buf[APPNORM_NAME_MAX];
	const rule *m;
	bool changed = true;

	appnorm_clean(publisher, buf, sizeof(buf));
	/* "Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>" */
	for (char *lt; (lt = strchr(buf, '<')) != NULL;) {
		char *gt = strchr(lt, '>');

		if (gt == NULL)
			*lt = '\0';
		else
			cut(lt, (size_t)(gt - lt + 1));
	}
	strip_marks(buf);
	while (changed) {
		size_t n = strlen(buf);
		char *last = strrchr(buf, ' ');

		changed = false;
		if (n > 1 && (buf[n - 1] == ',' || buf[n - 1] == '&')) {
			buf[n - 1] = '\0';
			squeeze(buf);
			changed = true;
			continue;
		}
		if (last == NULL)
			break;
		for (size_t i = 0; i < ARRAY_SIZE(legal); i++)
			if (strcasecmp(last + 1, legal[i]) == 0) {
				*last = '\0';
				squeeze(buf);
				changed = true;
				break;
			}
		/* "Foo,Inc." with no blank */
		if (!changed && (last = strrchr(buf, ',')) != NULL && last != buf)
			for (size_t i = 0; i < ARRAY_SIZE(legal); i++)
				if (strcasecmp(last + 1, legal[i]) == 0) {
					*last = '\0';
					squeeze(buf);
					changed = true;
					break;
				}
	}
	if (buf[0] != '\0' && (m = first_match(rules, RS_PUBLISHER, buf)) != NULL)
		snprintf(buf, sizeof(buf), "%s", m->value);
	snprintf(out, len, "%s", buf);
}

void appnorm_app(const appnorm_rules *rules, const char *name, const char *version,
		 const char *publisher, appnorm_result *out)
{
	deco_ctx c = {.rules = rules};
	char s[APPNORM_NAME_MAX];
	const char *rule_publisher = NULL;
	const rule *m;

	memset(out, 0, sizeof(*out));
	appnorm_clean(name, s, sizeof(s));
	strip_marks(s);
	if (s[0] == '\0' || first_match(rules, RS_IGNORE, s) != NULL) {
		out->ignored = true;
		return;
	}

	if (package_name(s)) {
		char *colon = strrchr(s, ':');

		if (colon != NULL && colon != s && colon[1] != '\0' &&
		    strspn(colon + 1, "abcdefghijklmnopqrstuvwxyz0123456789_-") ==
			strlen(colon + 1)) {
			const char *a = arch_word(colon + 1, strlen(colon + 1));

			if (a == NULL && strcmp(colon + 1, "i386") == 0)
				a = "x86";
			if (a != NULL)
				note_arch(&c, a);
			*colon = '\0';
		}
		if ((m = first_match(rules, RS_PACKAGE, s)) != NULL) {
			snprintf(s, sizeof(s), "%s", m->value);
			rule_publisher = m->extra;
		}
	} else {
		bool protect = false, changed = true;
		char before[APPNORM_NAME_MAX];

		/* "64 bit" is one word for strip_group() */
		for (char *p = s; (p = strcasestr(p, "64 bit")) != NULL; p += 6)
			p[2] = '-';
		for (char *p = s; (p = strcasestr(p, "32 bit")) != NULL; p += 6)
			p[2] = '-';
		while (changed) {
			snprintf(before, sizeof(before), "%s", s);
			changed = strip_group(&c, s) || strip_arch_words(&c, s) ||
				  strip_dash_tail(&c, s) || strip_tail(&c, s, version, &protect);
			if (s[0] == '\0') { /* never strip a name away */
				snprintf(s, sizeof(s), "%s", before);
				break;
			}
		}
		if ((m = first_match(rules, RS_RENAME, s)) != NULL) {
			snprintf(s, sizeof(s), "%s", m->value);
			rule_publisher = m->extra;
		}
	}
	if (c.arch[0] != '\0' && first_match(rules, RS_KEEP_ARCH, s) != NULL) {
		size_t n = strlen(s);

		if (n + strlen(c.arch) + 4 <= sizeof(s))
			snprintf(s + n, sizeof(s) - n, " (%s)", c.arch);
	}

	snprintf(out->name, sizeof(out->name), "%s", s);
	fold(out->name, out->key, sizeof(out->key));
	snprintf(out->arch, sizeof(out->arch), "%s", c.arch);
	appnorm_version(version, out->version, sizeof(out->version));
	if (out->version[0] == '\0')
		appnorm_version(c.version, out->version, sizeof(out->version));
	if (rule_publisher != NULL)
		snprintf(out->publisher, sizeof(out->publisher), "%s", rule_publisher);
	else
		appnorm_publisher(rules, publisher, out->publisher, sizeof(out->publisher));
}

const char *appnorm_flag(const appnorm_rules *rules, const char *name, const char **reason)
{
	const rule *m = first_match(rules, RS_FLAG, name ? name : "");

	*reason = m ? m->extra : NULL;
	return m ? m->value : NULL;
}

/* --------------------------------------------------------------- rules */

void appnorm_rules_free(appnorm_rules *rules)
{
	if (rules == NULL)
		return;
	for (int s = 0; s < RS__COUNT; s++) {
		for (size_t i = 0; i < rules->n[s]; i++) {
			free(rules->r[s][i].pattern);
			free(rules->r[s][i].value);
			free(rules->r[s][i].extra);
		}
		free(rules->r[s]);
	}
	free(rules);
}

int appnorm_rules_empty(appnorm_rules **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : nc_fail(NC_ERR_NOMEM, "out of memory for the VDI rules");
}

size_t appnorm_rules_count(const appnorm_rules *rules)
{
	size_t n = 0;

	for (int s = 0; rules && s < RS__COUNT; s++)
		n += rules->n[s];
	return n;
}

static char *trimmed_copy(const char *p, size_t n)
{
	char *s;

	while (n > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if ((s = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

static bool flag_name_ok(const char *s)
{
	return s[0] != '\0' && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == strlen(s);
}

/* One rule line of section sec; r filled (the caller frees on error). */
static int parse_rule(enum section sec, const char *line, size_t n, rule *r, const char *what,
		      size_t lineno)
{
	const char *eq = memchr(line, '=', n), *bar;
	bool wants_value =
	    sec == RS_PUBLISHER || sec == RS_PACKAGE || sec == RS_RENAME || sec == RS_FLAG;

	if (wants_value && eq == NULL)
		return nc_fail(NC_ERR_INVALID, "%s:%zu: [%s] wants 'PATTERN = %s'", what, lineno,
			       section_names[sec], sec == RS_FLAG ? "FLAG | REASON" : "NAME");
	if (!wants_value && eq != NULL)
		return nc_fail(NC_ERR_INVALID, "%s:%zu: [%s] takes a pattern alone, without '='",
			       what, lineno, section_names[sec]);
	if (!wants_value)
		eq = line + n;
	if ((r->pattern = trimmed_copy(line, (size_t)(eq - line))) == NULL)
		return NC_ERR_NOMEM;
	if (r->pattern[0] == '\0')
		return nc_fail(NC_ERR_INVALID, "%s:%zu: empty pattern", what, lineno);
	if (strlen(r->pattern) >= APPNORM_NAME_MAX)
		return nc_fail(NC_ERR_TOOBIG, "%s:%zu: pattern longer than %d bytes", what, lineno,
			       APPNORM_NAME_MAX - 1);
	if (sec == RS_DECORATION) /* matched by strncasecmp: keep as written, lower case */
		for (char *p = r->pattern; *p; p++)
			*p = (char)tolower((unsigned char)*p);
	if (!wants_value)
		return 0;
	eq++;
	bar = memchr(eq, '|', (size_t)(line + n - eq));
	if ((r->value = trimmed_copy(eq, (size_t)((bar ? bar : line + n) - eq))) == NULL ||
	    (bar && (r->extra = trimmed_copy(bar + 1, (size_t)(line + n - bar - 1))) == NULL))
		return NC_ERR_NOMEM;
	if (r->value[0] == '\0')
		return nc_fail(NC_ERR_INVALID, "%s:%zu: nothing after '='", what, lineno);
	if (strlen(r->value) >= APPNORM_NAME_MAX ||
	    (r->extra != NULL && strlen(r->extra) >= APPNORM_NAME_MAX))
		return nc_fail(NC_ERR_TOOBIG, "%s:%zu: value longer than %d bytes", what, lineno,
			       APPNORM_NAME_MAX - 1);
	if (r->extra != NULL && r->extra[0] == '\0') {
		free(r->extra);
		r->extra = NULL;
	}
	if (sec == RS_FLAG && !flag_name_ok(r->value))
		return nc_fail(NC_ERR_INVALID,
			       "%s:%zu: flag '%s' must be lower-case letters, digits and '-'", what,
			       lineno, r->value);
	if (sec == RS_FLAG && r->extra == NULL)
		return nc_fail(NC_ERR_INVALID, "%s:%zu: [flag] wants 'PATTERN = FLAG | REASON'",
			       what, lineno);
	return 0;
}

int appnorm_rules_parse(const char *text, size_t len, const char *what, appnorm_rules **out)
{
	appnorm_rules *rules = NULL;
	int sec = -1, r;
	size_t lineno = 0, total = 0;

	*out = NULL;
	if (len > APPNORM_RULES_MAX_BYTES)
		return nc_fail(NC_ERR_TOOBIG, "%s: larger than %d bytes", what,
			       APPNORM_RULES_MAX_BYTES);
	if ((r = appnorm_rules_empty(&rules)) != 0)
		return r;
	for (size_t pos = 0; pos < len;) {
		const char *line = text + pos, *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		rule one = {0};

		pos += n + 1;
		lineno++;
		if (n > APPNORM_RULES_MAX_LINE) {
			r = nc_fail(NC_ERR_TOOBIG, "%s:%zu: line longer than %d bytes", what,
				    lineno, APPNORM_RULES_MAX_LINE);
			goto out;
		}
		if (n > 0 && line[n - 1] == '\r')
			n--;
		while (n > 0 && (*line == ' ' || *line == '\t')) {
			line++;
			n--;
		}
		while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
			n--;
		if (n == 0 || line[0] == '#')
			continue;
		if (memchr(line, '\0', n) != NULL) {
			r = nc_fail(NC_ERR_INVALID, "%s:%zu: NUL byte", what, lineno);
			goto out;
		}
		if (line[0] == '[') {
			if (line[n - 1] != ']') {
				r = nc_fail(NC_ERR_INVALID, "%s:%zu: section header without ']'",
					    what, lineno);
				goto out;
			}
			sec = -1;
			for (int s = 0; s < RS__COUNT; s++)
				if (strlen(section_names[s]) == n - 2 &&
				    strncmp(line + 1, section_names[s], n - 2) == 0)
					sec = s;
			if (sec < 0) {
				r = nc_fail(
				    NC_ERR_INVALID,
				    "%s:%zu: unknown section '%.*s' (publisher, package, rename, "
				    "decoration, keep-arch, ignore, flag)",
				    what, lineno, (int)NC_MIN(n - 2, 64), line + 1);
				goto out;
			}
			continue;
		}
		if (sec < 0) {
			r = nc_fail(NC_ERR_INVALID, "%s:%zu: rule before any [section]", what,
				    lineno);
			goto out;
		}
		if (++total > APPNORM_RULES_MAX_RULES) {
			r = nc_fail(NC_ERR_TOOBIG, "%s: more than %d rules", what,
				    APPNORM_RULES_MAX_RULES);
			goto out;
		}
		if ((r = parse_rule(sec, line, n, &one, what, lineno)) != 0 ||
		    (r = nc_grow(&rules->r[sec], &rules->cap[sec], rules->n[sec] + 1, sizeof(rule),
				 16)) != 0) {
			free(one.pattern);
			free(one.value);
			free(one.extra);
			if (r == NC_ERR_NOMEM)
				r = nc_fail(NC_ERR_NOMEM, "out of memory reading %s", what);
			goto out;
		}
		rules->r[sec][rules->n[sec]++] = one;
	}
	*out = rules;
	rules = NULL;
	r = 0;
out:
	appnorm_rules_free(rules);
	return r;
}

int appnorm_rules_load(const char *path, appnorm_rules **out)
{
	FILE *f;
	char *text = NULL;
	size_t len = 0;
	int r;

	*out = NULL;
	if ((f = fopen(path, "r")) == NULL)
		return nc_fail(NC_ERR_IO, "cannot read VDI rules %s: %s", path, strerror(errno));
	if ((text = malloc(APPNORM_RULES_MAX_BYTES + 1)) == NULL) {
		fclose(f);
		return nc_fail(NC_ERR_NOMEM, "out of memory reading %s", path);
	}
	len = fread(text, 1, APPNORM_RULES_MAX_BYTES + 1, f);
	if (ferror(f))
		r = nc_fail(NC_ERR_IO, "cannot read VDI rules %s: %s", path, strerror(errno));
	else
		r = appnorm_rules_parse(text, len, path, out);
	fclose(f);
	free(text);
	return r;
}
