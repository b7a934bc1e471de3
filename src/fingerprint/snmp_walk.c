#include "config.h"

/*
 * snmp_walk.c — sessions, GETs and table walks over net-snmp (see
 * snmp_walk.h).
 *
 * Library set-up. init_snmp() runs once (pthread_once). Before it we tell
 * net-snmp not to read snmp.conf files, not to load or save persistent
 * state (~/.snmp, /var/lib/snmp), to look for MIB files in no directory
 * (we only use numeric OIDs; the default MIB load costs ~8 ms and reads
 * dozens of files) and to log nowhere: library code never prints. init_snmp
 * sets LC_CTYPE from the environment; we put back what the program had.
 *
 * Threads and the USM user list. Each worker owns its sessions
 * (snmp_sess_open). net-snmp 5.9 keeps the v3 user of every session in one
 * global list keyed by (engine ID, user name), and a session reuses an
 * entry it finds there, keys and all: a wrong passphrase tried first would
 * stick to the user for the rest of the process. So for v3 we:
 *   - discover the engine ID ourselves, with a user-less probe session,
 *     outside any lock (it is network I/O, maybe a timeout);
 *   - under usm_lock, unlink any stale (engine, user) entry and open the
 *     credential's session with that engine ID and no probe, which builds
 *     the user from our keys without touching the network;
 *   - at close, unlink the user again under usm_lock.
 * Unlinked entries are never freed while a run is active (another thread's
 * lookup may be standing on one; unlinking keeps its next pointer), only
 * when the last run ends. Newer net-snmp keeps the user in the session
 * (SNMP_FLAGS_SESSION_USER); there the unlinking finds nothing to do. The
 * engine boots/time cache (lcd_time.c) stays global and insert-only: a
 * lost insert there costs one notInTimeWindow round trip, which the library
 * handles by itself.
 */

#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* net-snmp-config.h defines the PACKAGE_* macros our config.h defines too */
#undef PACKAGE_BUGREPORT
#undef PACKAGE_NAME
#undef PACKAGE_STRING
#undef PACKAGE_TARNAME
#undef PACKAGE_URL
#undef PACKAGE_VERSION
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "fingerprint/snmp_walk.h"
#include "util/compat.h"

_Static_assert(sizeof(oid) == sizeof(snmp_subid) && (oid)-1 > 0,
	       "snmp_subid must be net-snmp's oid type");
_Static_assert(SNMP_T_INTEGER == ASN_INTEGER && SNMP_T_OCTETS == ASN_OCTET_STR &&
		   SNMP_T_OID == ASN_OBJECT_ID && SNMP_T_IPADDRESS == ASN_IPADDRESS &&
		   SNMP_T_COUNTER == ASN_COUNTER && SNMP_T_GAUGE == ASN_GAUGE &&
		   SNMP_T_TIMETICKS == ASN_TIMETICKS,
	       "SNMP_T_* must match net-snmp's ASN_* types");

/* Most columns one walk carries at once. */
#define WALK_MAX_COLS 16
/* GETBULK max-repetitions; fewer when many columns go in one request. */
#define BULK_REPS_MAX 25
#define BULK_VARBINDS 60

static pthread_once_t lib_once = PTHREAD_ONCE_INIT;

static void lib_init(void)
{
	const char *cur = setlocale(LC_CTYPE, NULL);
	char *saved = cur != NULL ? strdup(cur) : NULL;

	netsnmp_register_loghandler(NETSNMP_LOGHANDLER_NONE, LOG_DEBUG);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_LOAD_HOST_FILES, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_NO_TOKEN_WARNINGS, 1);
	netsnmp_ds_set_int(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_MIB_WARNINGS, 0);
	netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_MIBDIRS, "");
	init_snmp("netcensus");
	if (saved != NULL) {
		setlocale(LC_CTYPE, saved);
		free(saved);
	}
}

void snmp_walk_init(void)
{
	pthread_once(&lib_once, lib_init);
}

/* ------------------------------------------------------------- values */

void snmp_value_free(snmp_value *v)
{
	free(v->bytes);
	free(v->oid);
	memset(v, 0, sizeof(*v));
}

static snmpw_status value_set(snmp_value *v, const netsnmp_variable_list *vb)
{
	snmp_value_free(v);
	v->type = vb->type;
	switch (vb->type) {
	case ASN_INTEGER:
		if (vb->val.integer != NULL)
			v->num = *vb->val.integer;
		break;
	case ASN_COUNTER:
	case ASN_GAUGE:
	case ASN_TIMETICKS:
	case ASN_UINTEGER:
		if (vb->val.integer != NULL)
			v->num = (int64_t)(uint32_t)*vb->val.integer;
		break;
	case ASN_COUNTER64:
		if (vb->val.counter64 != NULL)
			v->num = (int64_t)(((uint64_t)(uint32_t)vb->val.counter64->high << 32) |
					   (uint32_t)vb->val.counter64->low);
		break;
	case ASN_OCTET_STR:
	case ASN_IPADDRESS:
	case ASN_OPAQUE:
		v->len = NC_MIN(vb->val_len, (size_t)SNMP_VALUE_MAX);
		if ((v->bytes = malloc(v->len + 1)) == NULL)
			return SNMPW_NOMEM;
		if (v->len > 0)
			memcpy(v->bytes, vb->val.string, v->len);
		v->bytes[v->len] = '\0';
		break;
	case ASN_OBJECT_ID:
		v->oid_len = NC_MIN(vb->val_len / sizeof(oid), (size_t)MAX_OID_LEN);
		if ((v->oid = malloc(NC_MAX(v->oid_len, 1) * sizeof(oid))) == NULL)
			return SNMPW_NOMEM;
		if (v->oid_len > 0)
			memcpy(v->oid, vb->val.objid, v->oid_len * sizeof(oid));
		break;
	default: /* NULL, noSuchObject, noSuchInstance, endOfMibView */
		v->missing = true;
		break;
	}
	return SNMPW_OK;
}

const char *snmp_value_str(const snmp_value *v)
{
	if (v->missing || v->type != ASN_OCTET_STR || v->bytes == NULL || v->len == 0 ||
	    v->bytes[0] == '\0')
		return NULL;
	return (const char *)v->bytes;
}

int64_t snmp_value_num(const snmp_value *v, int64_t dflt)
{
	switch (v->type) {
	case ASN_INTEGER:
	case ASN_COUNTER:
	case ASN_GAUGE:
	case ASN_TIMETICKS:
	case ASN_UINTEGER:
	case ASN_COUNTER64:
		return v->missing ? dflt : v->num;
	default:
		return dflt;
	}
}

/* ----------------------------------------------------------- sessions */

/* Static text for the library's error codes; snmp_api_errstring() is not
 * thread-safe for every code. */
static snmpw_status classify(snmp_conn *c, int e)
{
	const char *why = NULL;
	snmpw_status st = SNMPW_ERROR;

	switch (e) {
	case SNMPERR_TIMEOUT:
		why = "timeout";
		st = SNMPW_TIMEOUT;
		break;
	case SNMPERR_UNKNOWN_USER_NAME:
	case SNMPERR_USM_UNKNOWNSECURITYNAME:
		why = "unknown user name";
		st = SNMPW_AUTH;
		break;
	case SNMPERR_AUTHENTICATION_FAILURE:
	case SNMPERR_USM_AUTHENTICATIONFAILURE:
		why = "authentication failure (wrong auth passphrase or protocol)";
		st = SNMPW_AUTH;
		break;
	case SNMPERR_DECRYPTION_ERR:
	case SNMPERR_USM_DECRYPTIONERROR:
		why = "decryption error (wrong priv passphrase or protocol)";
		st = SNMPW_AUTH;
		break;
	case SNMPERR_UNSUPPORTED_SEC_LEVEL:
	case SNMPERR_USM_UNSUPPORTEDSECURITYLEVEL:
		why = "security level not supported for this user";
		st = SNMPW_AUTH;
		break;
	case SNMPERR_NOT_IN_TIME_WINDOW:
	case SNMPERR_USM_NOTINTIMEWINDOW:
		why = "not in time window";
		st = SNMPW_AUTH;
		break;
	case SNMPERR_UNKNOWN_ENG_ID:
	case SNMPERR_USM_UNKNOWNENGINEID:
		why = "unknown engine ID";
		st = SNMPW_AUTH;
		break;
	case SNMPERR_BAD_CONTEXT:
		why = "unknown context";
		st = SNMPW_AUTH;
		break;
	case SNMPERR_MALLOC:
		why = "out of memory";
		st = SNMPW_NOMEM;
		break;
	}
	if (why != NULL)
		snprintf(c->why, sizeof(c->why), "%s", why);
	else
		snprintf(c->why, sizeof(c->why), "net-snmp error %d", e);
	return st;
}

static const oid *auth_oid(snmp_auth_proto p, size_t *len)
{
	switch (p) {
#ifndef NETSNMP_DISABLE_MD5
	case SNMP_AUTH_MD5:
		*len = OID_LENGTH(usmHMACMD5AuthProtocol);
		return usmHMACMD5AuthProtocol;
#endif
	case SNMP_AUTH_SHA:
		*len = OID_LENGTH(usmHMACSHA1AuthProtocol);
		return usmHMACSHA1AuthProtocol;
	case SNMP_AUTH_SHA224:
		*len = OID_LENGTH(usmHMAC128SHA224AuthProtocol);
		return usmHMAC128SHA224AuthProtocol;
	case SNMP_AUTH_SHA256:
		*len = OID_LENGTH(usmHMAC192SHA256AuthProtocol);
		return usmHMAC192SHA256AuthProtocol;
	case SNMP_AUTH_SHA384:
		*len = OID_LENGTH(usmHMAC256SHA384AuthProtocol);
		return usmHMAC256SHA384AuthProtocol;
	case SNMP_AUTH_SHA512:
		*len = OID_LENGTH(usmHMAC384SHA512AuthProtocol);
		return usmHMAC384SHA512AuthProtocol;
	default:
		return NULL;
	}
}

/* AES-192/256 are the Blumenthal-draft variants, as net-snmp's -x AES-192
 * means (Cisco's Reeder variants are not offered by our file format yet). */
static const oid *priv_oid(snmp_priv_proto p, size_t *len)
{
	switch (p) {
#ifndef NETSNMP_DISABLE_DES
	case SNMP_PRIV_DES:
		*len = OID_LENGTH(usmDESPrivProtocol);
		return usmDESPrivProtocol;
#endif
	case SNMP_PRIV_AES:
		*len = OID_LENGTH(usmAESPrivProtocol);
		return usmAESPrivProtocol;
#ifdef NETSNMP_DRAFT_BLUMENTHAL_AES_04
	case SNMP_PRIV_AES192:
		*len = OID_LENGTH(usmAES192PrivProtocol);
		return usmAES192PrivProtocol;
	case SNMP_PRIV_AES256:
		*len = OID_LENGTH(usmAES256PrivProtocol);
		return usmAES256PrivProtocol;
#endif
	default:
		return NULL;
	}
}

/* The v3 part of a session: user, level, protocols, keys (Ku). */
static snmpw_status setup_v3(snmp_conn *c, netsnmp_session *s, const cred_snmp *cred)
{
	const oid *ap, *pp;
	size_t aplen = 0, pplen = 0;

	s->version = SNMP_VERSION_3;
	s->securityModel = SNMP_SEC_MODEL_USM;
	s->securityName = cred->user;
	s->securityNameLen = strlen(cred->user);
	if (cred->context != NULL) {
		s->contextName = cred->context;
		s->contextNameLen = strlen(cred->context);
	}
	s->securityLevel = SNMP_SEC_LEVEL_NOAUTH;
	if (cred->auth == SNMP_AUTH_NONE)
		return SNMPW_OK;
	if ((ap = auth_oid(cred->auth, &aplen)) == NULL) {
		snprintf(c->why, sizeof(c->why), "auth protocol not supported by net-snmp here");
		return SNMPW_ERROR;
	}
	s->securityAuthProto = (oid *)ap;
	s->securityAuthProtoLen = aplen;
	s->securityAuthKeyLen = USM_AUTH_KU_LEN;
	if (generate_Ku(ap, (u_int)aplen, (const u_char *)cred->auth_pass, strlen(cred->auth_pass),
			s->securityAuthKey, &s->securityAuthKeyLen) != SNMPERR_SUCCESS) {
		snprintf(c->why, sizeof(c->why), "cannot derive the auth key");
		return SNMPW_ERROR;
	}
	s->securityLevel = SNMP_SEC_LEVEL_AUTHNOPRIV;
	if (cred->priv == SNMP_PRIV_NONE)
		return SNMPW_OK;
	if ((pp = priv_oid(cred->priv, &pplen)) == NULL) {
		snprintf(c->why, sizeof(c->why), "priv protocol not supported by net-snmp here");
		return SNMPW_ERROR;
	}
	s->securityPrivProto = (oid *)pp;
	s->securityPrivProtoLen = pplen;
	s->securityPrivKeyLen = USM_PRIV_KU_LEN;
	/* the privacy Ku is made with the auth hash (RFC 3414 / 3826) */
	if (generate_Ku(ap, (u_int)aplen, (const u_char *)cred->priv_pass, strlen(cred->priv_pass),
			s->securityPrivKey, &s->securityPrivKeyLen) != SNMPERR_SUCCESS) {
		snprintf(c->why, sizeof(c->why), "cannot derive the priv key");
		return SNMPW_ERROR;
	}
	s->securityLevel = SNMP_SEC_LEVEL_AUTHPRIV;
	return SNMPW_OK;
}

/* --- the global USM user list (see the top of this file) */

static pthread_mutex_t usm_lock = PTHREAD_MUTEX_INITIALIZER;
static struct usmUser **usm_unlinked; /* freed when runs_active drops to 0 */
static size_t usm_nunlinked, usm_unlinked_cap;
static unsigned runs_active;

void snmp_walk_begin(void)
{
	snmp_walk_init();
	pthread_mutex_lock(&usm_lock);
	runs_active++;
	pthread_mutex_unlock(&usm_lock);
}

void snmp_walk_end(void)
{
	pthread_mutex_lock(&usm_lock);
	if (runs_active > 0 && --runs_active == 0) {
		for (size_t i = 0; i < usm_nunlinked; i++) {
			/* out of the list: usm_free_user must not relink neighbours */
			usm_unlinked[i]->next = usm_unlinked[i]->prev = NULL;
			usm_free_user(usm_unlinked[i]);
		}
		free(usm_unlinked);
		usm_unlinked = NULL;
		usm_nunlinked = usm_unlinked_cap = 0;
	}
	pthread_mutex_unlock(&usm_lock);
}

/* Unlink every (engine, name) user from the global list. Call with
 * usm_lock held. */
static void usm_forget_locked(const snmp_engine *e, const char *name)
{
	struct usmUser *u;

	while ((u = usm_get_user(e->id, e->len, name)) != NULL) {
		usm_remove_user(u);
		if (usm_nunlinked == usm_unlinked_cap) {
			size_t ncap = usm_unlinked_cap ? usm_unlinked_cap * 2 : 16;
			struct usmUser **n = realloc(usm_unlinked, ncap * sizeof(*n));

			if (n == NULL)
				continue; /* leak it: stale keys would be worse */
			usm_unlinked = n;
			usm_unlinked_cap = ncap;
		}
		usm_unlinked[usm_nunlinked++] = u;
	}
}

static void format_peer(uint32_t ip, char *buf, size_t len)
{
	snprintf(buf, len, "udp:%u.%u.%u.%u:161", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255,
		 ip & 255);
}

/*
 * RFC 3414 4: a noAuthNoPriv GET without a user, to which a v3 engine
 * answers with a usmStatsUnknownEngineIDs report carrying its engine ID
 * (net-snmp stores it in the session) and its boots/time.
 */
static snmpw_status discover_engine(snmp_conn *c, const char *peer, int timeout_ms, int retries)
{
	netsnmp_session s, *ss;
	netsnmp_pdu *pdu, *resp = NULL;
	void *sess;
	int status, err;

	snmp_sess_init(&s);
	s.peername = (char *)peer;
	s.version = SNMP_VERSION_3;
	s.timeout = (long)NC_MAX(timeout_ms, 1) * 1000;
	s.retries = NC_MAX(retries, 0);
	s.securityModel = SNMP_SEC_MODEL_USM;
	s.securityLevel = SNMP_SEC_LEVEL_NOAUTH;
	s.securityName = (char *)"";
	s.securityNameLen = 0;
	s.flags |= SNMP_FLAGS_DONT_PROBE;
	if ((sess = snmp_sess_open(&s)) == NULL) {
		snprintf(c->why, sizeof(c->why), "cannot open a session (net-snmp error %d)",
			 s.s_snmp_errno);
		return SNMPW_ERROR;
	}
	if ((pdu = snmp_pdu_create(SNMP_MSG_GET)) == NULL) {
		snmp_sess_close(sess);
		return SNMPW_NOMEM;
	}
	pdu->version = SNMP_VERSION_3;
	pdu->securityModel = SNMP_SEC_MODEL_USM;
	pdu->securityLevel = SNMP_SEC_LEVEL_NOAUTH;
	pdu->securityName = strdup("");
	pdu->securityNameLen = 0;
	c->requests++;
	status = snmp_sess_synch_response(sess, pdu, &resp);
	if (resp != NULL)
		snmp_free_pdu(resp);
	ss = snmp_sess_session(sess);
	err = ss != NULL ? ss->s_snmp_errno : SNMPERR_GENERR;
	if (ss != NULL && ss->securityEngineIDLen > 0 &&
	    ss->securityEngineIDLen <= sizeof(c->engine.id)) {
		memcpy(c->engine.id, ss->securityEngineID, ss->securityEngineIDLen);
		c->engine.len = ss->securityEngineIDLen;
	}
	snmp_sess_close(sess);
	if (c->engine.len > 0)
		return SNMPW_OK;
	if (status == STAT_TIMEOUT || (status == STAT_ERROR && err == SNMPERR_TIMEOUT))
		snprintf(c->why, sizeof(c->why), "no answer to the SNMPv3 engine discovery");
	else
		snprintf(c->why, sizeof(c->why),
			 "no usable engine ID in the discovery answer "
			 "(status %d, net-snmp error %d)",
			 status, err);
	return SNMPW_NO_ENGINE;
}

snmpw_status snmp_conn_open(snmp_conn *c, const cred_snmp *cred, uint32_t ip, int timeout_ms,
			    int retries, volatile sig_atomic_t *stop, snmp_engine *engine)
{
	netsnmp_session s;
	char peer[48];
	snmpw_status st = SNMPW_OK;

	memset(c, 0, sizeof(*c));
	c->stop = stop;
	c->version = cred->version;
	snmp_walk_init();
	format_peer(ip, peer, sizeof(peer));
	if (cred->version == 3) {
		if (engine->len == 0) {
			if (stop != NULL && *stop) {
				snprintf(c->why, sizeof(c->why), "stopped");
				return SNMPW_STOPPED;
			}
			if ((st = discover_engine(c, peer, timeout_ms, retries)) != SNMPW_OK)
				return st;
			*engine = c->engine;
		}
		c->engine = *engine;
	}
	snmp_sess_init(&s);
	s.peername = peer;
	s.timeout = (long)NC_MAX(timeout_ms, 1) * 1000;
	s.retries = NC_MAX(retries, 0);
	if (cred->version == 3) {
		st = setup_v3(c, &s, cred);
		s.securityEngineID = c->engine.id;
		s.securityEngineIDLen = c->engine.len;
		s.contextEngineID = c->engine.id;
		s.contextEngineIDLen = c->engine.len;
		s.flags |= SNMP_FLAGS_DONT_PROBE;
	} else {
		s.version = cred->version == 1 ? SNMP_VERSION_1 : SNMP_VERSION_2c;
		s.community = (u_char *)cred->community;
		s.community_len = strlen(cred->community);
	}
	if (st == SNMPW_OK && cred->version == 3) {
		/* no network I/O in here: the engine ID is known */
		pthread_mutex_lock(&usm_lock);
		usm_forget_locked(&c->engine, cred->user);
		c->sess = snmp_sess_open(&s);
		if (c->sess != NULL)
			c->user = cred->user;
		pthread_mutex_unlock(&usm_lock);
	} else if (st == SNMPW_OK) {
		c->sess = snmp_sess_open(&s);
	}
	/* the session keeps its own copies; ours are secrets on the stack */
	explicit_bzero(s.securityAuthKey, sizeof(s.securityAuthKey));
	explicit_bzero(s.securityPrivKey, sizeof(s.securityPrivKey));
	if (st != SNMPW_OK)
		return st;
	if (c->sess == NULL) {
		snprintf(c->why, sizeof(c->why), "cannot open a session (net-snmp error %d)",
			 s.s_snmp_errno);
		return SNMPW_ERROR;
	}
	return SNMPW_OK;
}

void snmp_conn_close(snmp_conn *c)
{
	if (c->sess != NULL)
		snmp_sess_close(c->sess);
	c->sess = NULL;
	if (c->user != NULL) {
		pthread_mutex_lock(&usm_lock);
		usm_forget_locked(&c->engine, c->user);
		pthread_mutex_unlock(&usm_lock);
		c->user = NULL;
	}
}

/* Send pdu (always consumed) and wait for the answer. */
static snmpw_status request(snmp_conn *c, netsnmp_pdu *pdu, netsnmp_pdu **resp)
{
	netsnmp_session *ss;
	int status;

	*resp = NULL;
	if (c->stop != NULL && *c->stop) {
		snmp_free_pdu(pdu);
		snprintf(c->why, sizeof(c->why), "stopped");
		return SNMPW_STOPPED;
	}
	c->requests++;
	status = snmp_sess_synch_response(c->sess, pdu, resp);
	if (status == STAT_SUCCESS && *resp != NULL)
		return SNMPW_OK;
	if (*resp != NULL) {
		snmp_free_pdu(*resp);
		*resp = NULL;
	}
	if (status == STAT_TIMEOUT)
		return classify(c, SNMPERR_TIMEOUT);
	ss = snmp_sess_session(c->sess);
	return classify(c, ss != NULL ? ss->s_snmp_errno : SNMPERR_GENERR);
}

snmpw_status snmp_conn_get(snmp_conn *c, const snmp_subid *const oids[], const size_t lens[],
			   size_t n, snmp_value *out)
{
	bool skip[WALK_MAX_COLS] = {false};
	size_t map[WALK_MAX_COLS];

	if (n > WALK_MAX_COLS)
		return SNMPW_ERROR;
	for (size_t i = 0; i < n; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].missing = true;
	}
	/* each round either answers or drops one OID the v1 agent named */
	for (size_t round = 0; round <= n; round++) {
		netsnmp_pdu *pdu, *resp;
		netsnmp_variable_list *vb;
		size_t k = 0;
		snmpw_status st;

		if ((pdu = snmp_pdu_create(SNMP_MSG_GET)) == NULL)
			return SNMPW_NOMEM;
		for (size_t i = 0; i < n; i++)
			if (!skip[i]) {
				snmp_add_null_var(pdu, oids[i], lens[i]);
				map[k++] = i;
			}
		if (k == 0) {
			snmp_free_pdu(pdu);
			return SNMPW_OK;
		}
		if ((st = request(c, pdu, &resp)) != SNMPW_OK)
			return st;
		if (resp->errstat == SNMP_ERR_NOSUCHNAME && resp->errindex >= 1 &&
		    (size_t)resp->errindex <= k) {
			skip[map[resp->errindex - 1]] = true;
			snmp_free_pdu(resp);
			continue;
		}
		if (resp->errstat != SNMP_ERR_NOERROR) {
			snprintf(c->why, sizeof(c->why), "agent error %ld to a GET", resp->errstat);
			snmp_free_pdu(resp);
			return SNMPW_ERROR;
		}
		k = 0;
		for (vb = resp->variables; vb != NULL && k < n; vb = vb->next_variable, k++) {
			size_t i = map[k];

			/* an agent must answer in order; ignore one that does not */
			if (snmp_oid_cmp(vb->name, vb->name_length, oids[i], lens[i]) != 0)
				continue;
			if (value_set(&out[i], vb) != SNMPW_OK) {
				snmp_free_pdu(resp);
				return SNMPW_NOMEM;
			}
		}
		snmp_free_pdu(resp);
		return SNMPW_OK;
	}
	return SNMPW_OK;
}

/* --------------------------------------------------------------- tables */

void snmp_table_free(snmp_table *t)
{
	for (size_t i = 0; i < t->nrows; i++) {
		for (size_t j = 0; j < t->ncols; j++)
			snmp_value_free(&t->rows[i].cells[j]);
		free(t->rows[i].cells);
	}
	free(t->rows);
	memset(t, 0, sizeof(*t));
}

/* Position of index in the sorted rows: *found, or where it would go. */
static size_t row_search(const snmp_table *t, const snmp_subid *index, size_t len, bool *found)
{
	size_t lo = 0, hi = t->nrows;

	*found = false;
	/* walks deliver rows in order: try the end first */
	if (hi > 0) {
		int c = snmp_oid_cmp(t->rows[hi - 1].index, t->rows[hi - 1].index_len, index, len);

		if (c < 0)
			return hi;
		if (c == 0) {
			*found = true;
			return hi - 1;
		}
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = snmp_oid_cmp(t->rows[mid].index, t->rows[mid].index_len, index, len);

		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const snmp_row *snmp_table_find(const snmp_table *t, const snmp_subid *index, size_t len)
{
	bool found;
	size_t pos = row_search(t, index, len, &found);

	return found ? &t->rows[pos] : NULL;
}

/* The row for index, created if new; NULL with *full when max_rows rows
 * exist already, NULL alone when out of memory. */
static snmp_row *row_get(snmp_table *t, const snmp_subid *index, size_t len, size_t max_rows,
			 bool *full)
{
	bool found;
	size_t pos = row_search(t, index, len, &found);
	snmp_row row;

	*full = false;
	if (found)
		return &t->rows[pos];
	if (t->nrows >= max_rows) {
		*full = true;
		return NULL;
	}
	memset(&row, 0, sizeof(row));
	memcpy(row.index, index, len * sizeof(*index));
	row.index_len = len;
	if ((row.cells = calloc(t->ncols, sizeof(*row.cells))) == NULL)
		return NULL;
	if (t->nrows == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 64;
		snmp_row *nr = realloc(t->rows, ncap * sizeof(*nr));

		if (nr == NULL) {
			free(row.cells);
			return NULL;
		}
		t->rows = nr;
		t->cap = ncap;
	}
	memmove(&t->rows[pos + 1], &t->rows[pos], (t->nrows - pos) * sizeof(*t->rows));
	t->rows[pos] = row;
	t->nrows++;
	return &t->rows[pos];
}

static bool is_exception(u_char type)
{
	return type == SNMP_NOSUCHOBJECT || type == SNMP_NOSUCHINSTANCE ||
	       type == SNMP_ENDOFMIBVIEW;
}

snmpw_status snmp_walk_table(snmp_conn *c, const snmp_subid *entry, size_t entry_len,
			     const unsigned *cols, size_t ncols, size_t max_rows, snmp_table *t)
{
	oid base[WALK_MAX_COLS][MAX_OID_LEN];
	oid cur[WALK_MAX_COLS][MAX_OID_LEN];
	size_t curlen[WALK_MAX_COLS];
	bool done[WALK_MAX_COLS];
	size_t act[WALK_MAX_COLS], nact, blen = entry_len + 1;
	long reps;

	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	if (ncols == 0 || ncols > WALK_MAX_COLS || blen > MAX_OID_LEN)
		return SNMPW_ERROR;
	reps = NC_MAX(1, NC_MIN(BULK_REPS_MAX, BULK_VARBINDS / (long)ncols));
	for (size_t i = 0; i < ncols; i++) {
		memcpy(base[i], entry, entry_len * sizeof(oid));
		base[i][entry_len] = cols[i];
		memcpy(cur[i], base[i], blen * sizeof(oid));
		curlen[i] = blen;
		done[i] = false;
	}
	for (;;) {
		netsnmp_pdu *pdu, *resp;
		netsnmp_variable_list *vb;
		snmpw_status st;
		bool moved = false;
		size_t pos = 0;

		nact = 0;
		for (size_t i = 0; i < ncols; i++)
			if (!done[i])
				act[nact++] = i;
		if (nact == 0)
			return SNMPW_OK;
		pdu = snmp_pdu_create(c->version == 1 ? SNMP_MSG_GETNEXT : SNMP_MSG_GETBULK);
		if (pdu == NULL)
			return SNMPW_NOMEM;
		if (c->version != 1) {
			pdu->non_repeaters = 0;
			pdu->max_repetitions = reps;
		}
		for (size_t k = 0; k < nact; k++)
			snmp_add_null_var(pdu, cur[act[k]], curlen[act[k]]);
		if ((st = request(c, pdu, &resp)) != SNMPW_OK)
			return st;
		/* request() returns SNMPW_OK only with a response */
		/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
		if (resp->errstat == SNMP_ERR_NOSUCHNAME && resp->errindex >= 1 &&
		    (size_t)resp->errindex <= nact) {
			/* v1: the end of the MIB view for that column */
			done[act[resp->errindex - 1]] = true;
			snmp_free_pdu(resp);
			continue;
		}
		if (resp->errstat == SNMP_ERR_TOOBIG && reps > 1) {
			reps /= 2;
			snmp_free_pdu(resp);
			continue;
		}
		if (resp->errstat != SNMP_ERR_NOERROR) {
			snprintf(c->why, sizeof(c->why), "agent error %ld in a walk",
				 resp->errstat);
			snmp_free_pdu(resp);
			return SNMPW_ERROR;
		}
		/* varbind pos answers column act[pos % nact] (RFC 3416 4.2.3) */
		for (vb = resp->variables; vb != NULL; vb = vb->next_variable, pos++) {
			size_t i = act[pos % nact], idxlen;
			bool full;
			snmp_row *row;

			if (done[i])
				continue;
			if (is_exception(vb->type) ||
			    !snmp_oid_under(base[i], blen, vb->name, vb->name_length) ||
			    vb->name_length > MAX_OID_LEN) {
				done[i] = true;
				moved = true;
				continue;
			}
			if (!snmp_oid_increases(cur[i], curlen[i], vb->name, vb->name_length)) {
				t->problem = "OID did not increase (the agent would loop us)";
				snmp_free_pdu(resp);
				return SNMPW_OK;
			}
			memcpy(cur[i], vb->name, vb->name_length * sizeof(oid));
			curlen[i] = vb->name_length;
			moved = true;
			idxlen = vb->name_length - blen;
			if (idxlen > SNMP_INDEX_MAX)
				continue;
			if ((row = row_get(t, vb->name + blen, idxlen, max_rows, &full)) == NULL) {
				snmp_free_pdu(resp);
				if (!full)
					return SNMPW_NOMEM;
				t->problem = "row limit reached";
				return SNMPW_OK;
			}
			if (value_set(&row->cells[i], vb) != SNMPW_OK) {
				snmp_free_pdu(resp);
				return SNMPW_NOMEM;
			}
		}
		snmp_free_pdu(resp);
		if (!moved) {
			t->problem = "the agent sent an answer with nothing in it";
			return SNMPW_OK;
		}
	}
}
