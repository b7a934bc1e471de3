/*
 * rules.h — fingerprint rules as data: rapid7 recog-compatible XML.
 *
 * A rule file is a <fingerprints matches="DB"> document of <fingerprint
 * pattern="REGEX" flags="..."> elements, each with <description>, <example>
 * (text is the input, attributes the expected params; _encoding="base64"
 * allowed) and <param pos="N" name="..." value="..."/> (pos 0: a constant,
 * which may interpolate {other.param}; pos N: capture group N). Patterns are
 * compiled with PCRE2 (flags REG_ICASE, REG_MULTILINE, REG_DOT_NEWLINE as
 * recog uses them). First matching fingerprint in file order wins.
 *
 * Databases ("matches") we use: ssh.banner, http_header.server,
 * html_title, ftp.banner, smtp.banner, telnet.banner, snmp.sys_description,
 * snmp.sys_object_id, smb.native_os, smb.native_lm, tls.cert_subject.
 * Param names follow recog: os.vendor, os.family, os.product, os.version,
 * os.build, os.edition, service.vendor, service.product, service.version,
 * hw.vendor, hw.product, hw.device (e.g. "Printer", "Router", "Switch",
 * "Hypervisor", "General"), host.name, ...
 */
#ifndef NC_FINGERPRINT_RULES_H
#define NC_FINGERPRINT_RULES_H

#include <stdbool.h>
#include <stddef.h>

typedef struct rules rules_t;

#define RULES_MAX_PARAMS 32

typedef struct {
	size_t n;
	struct {
		char name[64];
		char value[256];
	} p[RULES_MAX_PARAMS];
	const char *description; /* of the matching fingerprint; owned by the rules */
} rule_params;

/* Empty rule set. */
rules_t *rules_new(void);
void rules_free(rules_t *r);
/* Load one XML file / every *.xml in dir (sorted by name). Errors name the
 * file and line (NC_ERR_INVALID for bad XML or a pattern that does not
 * compile, NC_ERR_IO). */
int rules_load_file(rules_t *r, const char *path);
int rules_load_dir(rules_t *r, const char *dir);
/* Where our rules live: $NETCENSUS_RULES, else the source tree's rules/ when
 * this is the build tree's binary (util/buildtree.h), else the installed
 * NC_DATADIR/rules. */
const char *rules_default_dir(void);
size_t rules_count(const rules_t *r);

/* Match text against database db. Returns true and fills *out (may be NULL)
 * on the first matching fingerprint. Thread-safe after loading. */
bool rules_match(const rules_t *r, const char *db, const char *text, rule_params *out);
/* The value of a param in out, or NULL. */
const char *rule_param(const rule_params *out, const char *name);

/*
 * Run every <example> of every fingerprint: each must match its own
 * fingerprint (not an earlier one) with the expected params. Returns the
 * number of failures and writes the first failure into err.
 */
size_t rules_selftest(const rules_t *r, size_t *examples_out, char *err, size_t errlen);

/*
 * Additions to the interface above.
 *
 * Loading. rules_load_file() is strict: anything wrong inside one
 * <fingerprint> (a pattern PCRE2 cannot compile, an unknown flag, a param
 * that names a missing capture group or an undeclared {param}, bad base64)
 * fails the whole file. rules_load_dir() is lenient about exactly those
 * per-fingerprint problems, because users drop whole third-party databases
 * in with --rules: it skips such a fingerprint, counts it (rules_skipped())
 * and keeps the first reason (rules_skipped_detail()). A file that is not
 * well-formed XML, or whose root is not <fingerprints>, still fails the
 * load. A failed load leaves the rule set as it was before the call.
 * rules_load_dir() takes DIR/xml/ when DIR itself holds no *.xml (the
 * layout of a recog checkout); no rule file at all is NC_ERR_NOT_FOUND.
 * A param declared twice keeps the later definition (recog's hash does).
 *
 * Inputs. What each database expects is said at the top of its file in
 * rules/: ssh.banner takes what follows "SSH-2.0-" without CR LF, the FTP
 * and SMTP banners the first 220 line without its code, snmp.sys_object_id
 * the dotted OID, http_header.server the header value.
 *
 * Pattern dialect. recog patterns are Ruby regexes; they are compiled so
 * that they mean what they mean in Ruby: ^ and $ always match at line
 * boundaries (PCRE2_MULTILINE on every pattern); REG_ICASE -> CASELESS;
 * REG_DOT_NEWLINE, REG_MULTILINE and Ruby's inline (?m) are Ruby's
 * "dot matches newline" -> PCRE2_DOTALL / (?s); REG_LINE_ANY_CRLF adds
 * CR/LF/CRLF line ends; REG_EXTENDED -> EXTENDED; \h is a hex digit;
 * \uHHHH and \u{H..} are code points. Patterns work on characters (PCRE2
 * UTF), as Ruby's do; input that is not valid UTF-8 is matched as if each
 * stray byte were the Latin-1 character of that value, so captures are
 * always valid UTF-8. A pattern with a \xHH escape above 0x7f is about
 * bytes (binary in Ruby too) and sees the input as raw bytes.
 *
 * Matching. Every pcre2_match() runs under RULES_MATCH_LIMIT and
 * RULES_DEPTH_LIMIT: a pathological pattern or hostile input counts as no
 * match for that fingerprint (counted in rules_limit_hits()) and the next
 * fingerprint is tried. Params whose capture group did not take part are
 * left out; "_tmp." params serve {interpolation} only and are left out;
 * the <fingerprints protocol="..."> attribute is reported as
 * service.protocol unless the fingerprint sets it. Values longer than the
 * rule_params fields are cut at a UTF-8 character boundary.
 */
#define RULES_MATCH_LIMIT 1000000u
#define RULES_DEPTH_LIMIT 10000u

/* rules_match() on bytes that need not be NUL-terminated (may hold NULs). */
bool rules_match_bytes(const rules_t *r, const char *db, const void *text, size_t len,
		       rule_params *out);
/* Fingerprints skipped by rules_load_dir(), and the first reason
 * ("file:line: ...", owned by the rules) or NULL when none was skipped. */
size_t rules_skipped(const rules_t *r);
const char *rules_skipped_detail(const rules_t *r);
/* Fingerprints that carry no <example> (a lint for our own rule set). */
size_t rules_untested(const rules_t *r);
/* How many pcre2_match() calls hit the match/depth/heap limit so far. */
unsigned long rules_limit_hits(const rules_t *r);

#endif
