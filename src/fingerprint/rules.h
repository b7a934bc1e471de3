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
/* Where our rules live: $NETCENSUS_RULES, else the build tree's rules/ if
 * present, else the installed NC_DATADIR/rules. */
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

#endif
