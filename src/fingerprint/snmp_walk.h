/*
 * snmp_walk.h — one conversation with one SNMP agent, through net-snmp's
 * single-session API: open a session with one credential, GET scalars, and
 * walk table columns with GETBULK (v2c/v3) or GETNEXT (v1). Private to
 * src/fingerprint/snmp*.c.
 *
 * Every call blocks for at most timeout x (retries + 1) per request; the
 * stop flag is checked between requests. Values are copied out of net-snmp's
 * PDUs, bounded (SNMP_VALUE_MAX bytes), so nothing here outlives a PDU.
 */
#ifndef NC_FINGERPRINT_SNMP_WALK_H
#define NC_FINGERPRINT_SNMP_WALK_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fingerprint/snmp_util.h"
#include "util/credentials.h"

/* Longest octet string we keep from an agent. */
#define SNMP_VALUE_MAX 4096
/* Longest table index we keep (ipAddressTable's IPv6 zoned form is 22;
 * cells of rows with longer indexes are dropped). */
#define SNMP_INDEX_MAX 32

typedef enum {
	SNMPW_OK = 0,
	SNMPW_TIMEOUT,	 /* no answer: wrong community, no agent, ACL */
	SNMPW_AUTH,	 /* v3: unknown user, wrong digest, cannot decrypt */
	SNMPW_NO_ENGINE, /* v3: nothing answered the engine ID discovery */
	SNMPW_ERROR,	 /* anything else (details in why) */
	SNMPW_STOPPED,	 /* the stop flag was raised */
	SNMPW_NOMEM,
} snmpw_status;

/* A v3 agent's snmpEngineID, learnt once per host and reused by every v3
 * credential tried on it. len 0: not discovered yet. */
typedef struct {
	uint8_t id[32];
	size_t len;
} snmp_engine;

typedef struct {
	void *sess;		     /* snmp_sess_open() handle */
	int version;		     /* 1, 2 (2c) or 3 */
	volatile sig_atomic_t *stop; /* may be NULL */
	char why[128];		     /* reason of the last failure, no secrets */
	snmp_engine engine;	     /* v3: the agent's snmpEngineID */
	const char *user;	     /* v3: the USM user to forget at close */
	unsigned requests;	     /* PDUs sent, for tests and -v */
} snmp_conn;

/* Types of snmp_value.type (RFC 2578 / 3416 tags, as net-snmp's ASN_*). */
#define SNMP_T_INTEGER 0x02
#define SNMP_T_OCTETS 0x04
#define SNMP_T_OID 0x06
#define SNMP_T_IPADDRESS 0x40
#define SNMP_T_COUNTER 0x41
#define SNMP_T_GAUGE 0x42
#define SNMP_T_TIMETICKS 0x43

/* One value as received. */
typedef struct {
	uint8_t type;	/* ASN type; 0 when not received */
	bool missing;	/* noSuchObject / noSuchInstance / endOfMibView / v1 noSuchName */
	int64_t num;	/* INTEGER, Counter32/64, Gauge32, TimeTicks */
	uint8_t *bytes; /* OCTET STRING, IpAddress, Opaque; NUL-terminated copy */
	size_t len;
	snmp_subid *oid; /* OBJECT IDENTIFIER */
	size_t oid_len;
} snmp_value;

typedef struct {
	snmp_subid index[SNMP_INDEX_MAX];
	size_t index_len;
	snmp_value *cells; /* one per requested column, in request order */
} snmp_row;

typedef struct {
	snmp_row *rows; /* sorted by index */
	size_t nrows, cap, ncols;
	const char *problem; /* why the walk stopped early (static text), or NULL */
} snmp_table;

/* Library set-up, once per process (pthread_once inside). */
void snmp_walk_init(void);
/*
 * Bracket every run of conversations (snmp_collect calls them): net-snmp
 * 5.9 keeps v3 users in one global list, from which we unlink each one when
 * its session ends; the unlinked entries are freed when the last run ends,
 * so that no other thread can be reading them.
 */
void snmp_walk_begin(void);
void snmp_walk_end(void);

/*
 * Open a session to ip:161 with one credential. For v3, engine->len == 0
 * first sends the engine ID discovery (SNMPW_NO_ENGINE when nothing
 * answers it) and fills *engine; the keys come from the passphrases
 * (generate_Ku) and are localized to that engine. On failure c->why says
 * why and c->sess is NULL.
 */
snmpw_status snmp_conn_open(snmp_conn *c, const cred_snmp *cred, uint32_t ip, int timeout_ms,
			    int retries, volatile sig_atomic_t *stop, snmp_engine *engine);
void snmp_conn_close(snmp_conn *c);

/*
 * GET n scalars; out[i] is filled for each OID the agent has (missing set
 * otherwise). A v1 agent's noSuchName is handled by asking again without
 * the OID it named.
 */
snmpw_status snmp_conn_get(snmp_conn *c, const snmp_subid *const oids[], const size_t lens[],
			   size_t n, snmp_value *out);

/*
 * Walk columns cols[0..ncols) of the table whose entry OID is entry, all in
 * step (one GETBULK carries one varbind per unfinished column). Rows are
 * merged by index, so sparse columns are fine. A column ends at the end of
 * its subtree or on an exception; the walk stops early, keeping what it
 * has and setting t->problem, when an OID does not increase or when
 * max_rows distinct rows were seen. A timeout or error mid-walk returns
 * that status with the rows read so far in t.
 */
snmpw_status snmp_walk_table(snmp_conn *c, const snmp_subid *entry, size_t entry_len,
			     const unsigned *cols, size_t ncols, size_t max_rows, snmp_table *t);

/* The row with this index, or NULL. */
const snmp_row *snmp_table_find(const snmp_table *t, const snmp_subid *index, size_t len);
void snmp_table_free(snmp_table *t);
void snmp_value_free(snmp_value *v);

/* The string of a value (NUL-terminated), or NULL when it is not one or
 * is empty. */
const char *snmp_value_str(const snmp_value *v);
/* The number of a value, or dflt when it is not a number. */
int64_t snmp_value_num(const snmp_value *v, int64_t dflt);

#endif
