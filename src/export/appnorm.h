/*
 * appnorm.h — application names, publishers and versions, normalised so
 * that one product installed a hundred ways counts as one application.
 *
 * "Mozilla Firefox (x64 en-US) 118.0", "Mozilla Firefox 118.0.1" and the
 * Debian package "firefox-esr" are all "Mozilla Firefox"; "Microsoft
 * Corporation" and "Microsoft Corp." are both "Microsoft".  The code knows
 * the shapes of the decorations (architectures, locales, versions,
 * bracketed groups); the words and the product mappings live in a rules
 * file (data/vdi-rules.conf, documented there and in netcensus(1)), which
 * also carries the flags the VDI export puts on applications that
 * application virtualisation cannot package (kernel drivers).
 *
 * A display name is normalised in this order:
 *   1. cleaned: control characters and invalid UTF-8 become '?', the marks
 *      (R) (TM) (C) ® ™ © go, blanks collapse;
 *   2. [ignore] patterns, on the cleaned name: a match is not an
 *      application (hotfixes, updates) and gets no further treatment;
 *   3. a name without blanks or capitals is a package name (dpkg, rpm,
 *      apk, pacman): its ":arch" suffix goes, then the first [package]
 *      pattern that matches gives the name (and maybe the publisher);
 *   4. otherwise, repeated until nothing changes: a bracketed group made
 *      only of decorations (architectures, locales such as en-US, versions,
 *      [decoration] words) is removed wherever it is; free-standing
 *      architecture words are removed; from the end, " - " followed only
 *      by decorations, a version ("118.0.1", "v2.3", "23.01"), "Update N"
 *      (then the number before it stays: "Java 8 Update 381" is "Java 8"),
 *      a bare number equal to the first component of the version field
 *      (never a year 1990-2099), a [decoration] word or phrase, and
 *      trailing separators are removed — but never the last word;
 *   5. the first [rename] pattern that matches the result gives the name
 *      (and maybe the publisher);
 *   6. when a [keep-arch] pattern matches, the architecture seen in step 4
 *      comes back as " (x64)", " (x86)", " (arm64)": side-by-side runtimes
 *      such as the Visual C++ redistributables are per year and arch.
 * Patterns are shell globs (fnmatch) matched case-insensitively against
 * the whole name; the first match in file order wins.  The identity of an
 * application is its normalised name folded to lower case (ASCII).
 */
#ifndef NC_EXPORT_APPNORM_H
#define NC_EXPORT_APPNORM_H

#include <stdbool.h>
#include <stddef.h>

#define APPNORM_NAME_MAX 256	/* bytes of a name, publisher or reason, NUL included */
#define APPNORM_VERSION_MAX 128 /* bytes of a version, NUL included */
#define APPNORM_ARCH_MAX 8

/* Bounds on a rules file: what is larger is refused (NC_ERR_TOOBIG). */
#define APPNORM_RULES_MAX_BYTES (1024 * 1024)
#define APPNORM_RULES_MAX_LINE 1024
#define APPNORM_RULES_MAX_RULES 20000

typedef struct appnorm_rules appnorm_rules;

/*
 * Read a rules file. *out = NULL first; on success the caller frees with
 * appnorm_rules_free(). NC_ERR_IO (cannot read), NC_ERR_INVALID ("FILE:LINE:
 * what is wrong": unknown section, missing '=', bad flag name, empty
 * pattern), NC_ERR_TOOBIG, NC_ERR_NOMEM.
 */
int appnorm_rules_load(const char *path, appnorm_rules **out);

/* The same from text in memory; what names it in messages. */
int appnorm_rules_parse(const char *text, size_t len, const char *what, appnorm_rules **out);

/* An empty rule set: only the built-in shapes of step 4 apply. */
int appnorm_rules_empty(appnorm_rules **out);

void appnorm_rules_free(appnorm_rules *rules);

/* How many rules of each kind were read (for messages and tests). */
size_t appnorm_rules_count(const appnorm_rules *rules);

typedef struct {
	bool ignored;			   /* an [ignore] rule matched: not an application */
	char name[APPNORM_NAME_MAX];	   /* normalised name; never "" unless ignored */
	char key[APPNORM_NAME_MAX];	   /* name folded to lower case: the identity */
	char publisher[APPNORM_NAME_MAX];  /* normalised publisher, "" when unknown */
	char version[APPNORM_VERSION_MAX]; /* the version field normalised, else a
					    * version found in the name; "" unknown */
	char arch[APPNORM_ARCH_MAX];	   /* "x64", "x86", "arm64", "ia64" or "" */
} appnorm_result;

/*
 * Normalise one installed-software record: name (required; "" or NULL
 * gives an ignored result), version and publisher (each may be NULL).
 * rules may be NULL (same as empty). Never fails: input longer than the
 * bounds is cut at a character boundary.
 */
void appnorm_app(const appnorm_rules *rules, const char *name, const char *version,
		 const char *publisher, appnorm_result *out);

/*
 * A publisher: cleaned, "<e-mail>" parts (package maintainers) removed,
 * trailing legal forms removed (", Inc.", "Corporation", "Corp.", "Ltd",
 * "LLC", "GmbH", "AG", "S.A.", "B.V.", ...), then the first [publisher]
 * rule that matches gives the canonical name. "" when nothing is left.
 */
void appnorm_publisher(const appnorm_rules *rules, const char *publisher, char *out, size_t len);

/*
 * A version: cleaned, blanks trimmed, a package epoch ("1:") and a leading
 * "v" removed. "" when nothing is left.
 */
void appnorm_version(const char *version, char *out, size_t len);

/*
 * Compare two versions the way people read them: runs of digits by value,
 * other runs byte by byte, so 9.0 < 10.0 < 10.0.1 and 1.2 < 1.2a. <0, 0, >0.
 */
int appnorm_version_cmp(const char *a, const char *b);

/*
 * The [flag] rule for a normalised application name: returns the flag
 * ("kernel-driver", "antivirus", ...) and sets *reason, or NULL when no
 * rule matches.  The strings belong to rules.
 */
const char *appnorm_flag(const appnorm_rules *rules, const char *name, const char **reason);

/*
 * text cleaned into out (len bytes, len > 0): control characters, C1
 * controls and bytes that are not valid UTF-8 become '?', blanks collapse,
 * ends trimmed; cut at a character boundary. NULL gives "".
 */
void appnorm_clean(const char *text, char *out, size_t len);

#endif
