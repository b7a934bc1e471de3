#include "config.h"

/*
 * banner_tls.c — TLS for the banner loop: a client that only looks.
 *
 * We connect to read the certificate (the names a machine gives itself are
 * often its host name and domain) and, for HTTPS, the page behind it. So
 * nothing is verified, every protocol version and cipher OpenSSL still has
 * is offered (old appliances speak TLS 1.0 with RC4-era suites), and no SNI
 * is sent (we only know an address, and RFC 6066 forbids literals there).
 * The handshake itself is driven by the loop (SSL_connect in non-blocking
 * mode, WANT_READ/WANT_WRITE mapped to epoll interest).
 */

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "fingerprint/banner_int.h"
#include "util/compat.h"

#define SAN_MAX 32 /* names kept from subjectAltName */
#define NAME_MAX_LEN 255

SSL_CTX *banner_tls_ctx_new(void)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	if (ctx == NULL)
		return NULL;
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_min_proto_version(ctx, 0);
	SSL_CTX_set_max_proto_version(ctx, 0);
	/* Level 0: accept the 1024-bit keys and SHA-1 certificates of old gear. */
	SSL_CTX_set_security_level(ctx, 0);
	SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0");
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
#ifdef SSL_OP_IGNORE_UNEXPECTED_EOF
	/* HTTP/1.0 servers close without close_notify: that is an end, not an error */
	SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_LEGACY_SERVER_CONNECT);
#endif
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	return ctx;
}

void banner_cert_free(banner_cert *cert)
{
	free(cert->subject);
	free(cert->cn);
	free(cert->san);
	free(cert->first_dns);
	free(cert->version);
	memset(cert, 0, sizeof(*cert));
}

/* An ASN1 string as a bounded UTF-8 C string, or NULL. */
static char *asn1_text(const ASN1_STRING *s)
{
	unsigned char *utf8 = NULL;
	int n = ASN1_STRING_to_UTF8(&utf8, s);
	char *out;

	if (n < 0)
		return NULL;
	out = facts_clean(utf8, (size_t)n, NAME_MAX_LEN);
	OPENSSL_free(utf8);
	return out;
}

static char *subject_rfc2253(X509_NAME *name)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data, *out = NULL;
	long n;

	if (b == NULL)
		return NULL;
	if (X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
		n = BIO_get_mem_data(b, &data);
		if (n >= 0)
			out = facts_clean(data, (size_t)n, 1024);
	}
	BIO_free(b);
	return out;
}

static void san_append(char *buf, size_t cap, size_t *len, const char *name)
{
	int n = snprintf(buf + *len, cap - *len, "%s%s", *len ? "," : "", name);

	if (n > 0 && (size_t)n < cap - *len)
		*len += (size_t)n;
}

static void read_san(banner_cert *cert, X509 *x)
{
	GENERAL_NAMES *names = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	char buf[2048];
	size_t len = 0;
	int kept = 0;

	if (names == NULL)
		return;
	buf[0] = '\0';
	for (int i = 0; i < sk_GENERAL_NAME_num(names) && kept < SAN_MAX; i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(names, i);
		char ip[INET6_ADDRSTRLEN];

		if (g->type == GEN_DNS) {
			char *s = asn1_text(g->d.dNSName);

			if (s != NULL && *s != '\0') {
				san_append(buf, sizeof(buf), &len, s);
				if (cert->first_dns == NULL)
					cert->first_dns = strdup(s);
				kept++;
			}
			free(s);
		} else if (g->type == GEN_IPADD) {
			int n = ASN1_STRING_length(g->d.iPAddress);
			const unsigned char *d = ASN1_STRING_get0_data(g->d.iPAddress);

			if ((n == 4 && inet_ntop(AF_INET, d, ip, sizeof(ip)) != NULL) ||
			    (n == 16 && inet_ntop(AF_INET6, d, ip, sizeof(ip)) != NULL)) {
				san_append(buf, sizeof(buf), &len, ip);
				kept++;
			}
		}
	}
	GENERAL_NAMES_free(names);
	if (len > 0)
		cert->san = strdup(buf);
}

void banner_tls_read_cert(banner_conn *c)
{
	banner_cert *cert = &c->cert;
	X509 *x;
	X509_NAME *subj;
	int idx;

	banner_cert_free(cert);
	cert->version = strdup(SSL_get_version(c->ssl));
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
	x = SSL_get1_peer_certificate(c->ssl);
#else
	x = SSL_get_peer_certificate(c->ssl);
#endif
	if (x == NULL)
		return;
	if ((subj = X509_get_subject_name(x)) != NULL) {
		cert->subject = subject_rfc2253(subj);
		idx = X509_NAME_get_index_by_NID(subj, NID_commonName, -1);
		if (idx >= 0)
			cert->cn =
			    asn1_text(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subj, idx)));
	}
	read_san(cert, x);
	X509_free(x);
}

char *banner_cert_info(const banner_cert *cert)
{
	char *info = NULL;

	if (cert->subject == NULL && cert->san == NULL)
		return NULL;
	banner_str_setf(&info, "subject=%s", cert->subject ? cert->subject : "");
	if (cert->san != NULL)
		banner_str_append(&info, "san=%s", cert->san);
	return info;
}

void banner_cert_facts(banner_conn *c, int conf)
{
	const banner_cert *cert = &c->cert;

	if (cert->subject != NULL)
		banner_match(c, "tls.cert_subject", cert->subject);
	/* The CN names the machine on RDP and most appliances; where it is not
	 * a host name (a product, a wildcard) the first DNS SAN may be. */
	if (cert->cn != NULL)
		banner_record_hostname(c, FACT_SRC_BANNER, conf, cert->cn);
	if (cert->first_dns != NULL &&
	    (cert->cn == NULL || strcasecmp(cert->cn, cert->first_dns) != 0))
		banner_record_hostname(c, FACT_SRC_BANNER, conf - 10, cert->first_dns);
}
