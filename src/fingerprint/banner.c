#include "config.h"

/*
 * banner.c — the public face of the banner stage (banner.h): which ports we
 * try, which handler talks to which port, and banner_scan() itself, which
 * hands the work to the event loop (banner_loop.c). The handlers live one
 * per file: banner_ssh.c, banner_reply.c (FTP, SMTP), banner_telnet.c,
 * banner_http.c (HTTP, HTTPS, bare TLS), banner_rdp.c, banner_smb.c and
 * banner_generic.c for every other port.
 */

#include <stdlib.h>
#include <string.h>

#include "fingerprint/banner.h"
#include "fingerprint/banner_int.h"
#include "util/compat.h"
#include "util/err.h"

const uint16_t banner_default_ports[] = {
    21, 22, 23, 25, 80, 443, 445, 587, 3389, 5986, 8000, 8008, 8080, 8443,
};
const size_t banner_default_ports_count = ARRAY_SIZE(banner_default_ports);

static const struct {
	uint16_t port;
	banner_proto proto;
} port_map[] = {
    {21, BANNER_PROTO_FTP},    {22, BANNER_PROTO_SSH},	   {23, BANNER_PROTO_TELNET},
    {25, BANNER_PROTO_SMTP},   {80, BANNER_PROTO_HTTP},	   {443, BANNER_PROTO_HTTPS},
    {445, BANNER_PROTO_SMB},   {587, BANNER_PROTO_SMTP},   {3389, BANNER_PROTO_RDP},
    {5986, BANNER_PROTO_TLS},  {8000, BANNER_PROTO_HTTP},  {8008, BANNER_PROTO_HTTP},
    {8080, BANNER_PROTO_HTTP}, {8443, BANNER_PROTO_HTTPS},
};

static const char *const proto_names[BANNER_PROTO__COUNT] = {
    [BANNER_PROTO_AUTO] = "auto", [BANNER_PROTO_GENERIC] = "generic", [BANNER_PROTO_SSH] = "ssh",
    [BANNER_PROTO_FTP] = "ftp",	  [BANNER_PROTO_TELNET] = "telnet",   [BANNER_PROTO_SMTP] = "smtp",
    [BANNER_PROTO_HTTP] = "http", [BANNER_PROTO_HTTPS] = "https",     [BANNER_PROTO_TLS] = "tls",
    [BANNER_PROTO_RDP] = "rdp",	  [BANNER_PROTO_SMB] = "smb",
};

static const banner_handler *const handlers[BANNER_PROTO__COUNT] = {
    [BANNER_PROTO_AUTO] = &banner_handler_generic,
    [BANNER_PROTO_GENERIC] = &banner_handler_generic,
    [BANNER_PROTO_SSH] = &banner_handler_ssh,
    [BANNER_PROTO_FTP] = &banner_handler_ftp,
    [BANNER_PROTO_TELNET] = &banner_handler_telnet,
    [BANNER_PROTO_SMTP] = &banner_handler_smtp,
    [BANNER_PROTO_HTTP] = &banner_handler_http,
    [BANNER_PROTO_HTTPS] = &banner_handler_https,
    [BANNER_PROTO_TLS] = &banner_handler_tls,
    [BANNER_PROTO_RDP] = &banner_handler_rdp,
    [BANNER_PROTO_SMB] = &banner_handler_smb,
};

banner_proto banner_proto_for_port(uint16_t port)
{
	for (size_t i = 0; i < ARRAY_SIZE(port_map); i++)
		if (port_map[i].port == port)
			return port_map[i].proto;
	return BANNER_PROTO_GENERIC;
}

const char *banner_proto_name(banner_proto p)
{
	return (unsigned)p < BANNER_PROTO__COUNT ? proto_names[p] : "?";
}

bool banner_proto_from_name(const char *name, banner_proto *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(proto_names); i++) {
		if (strcmp(proto_names[i], name) == 0) {
			*out = (banner_proto)i;
			return true;
		}
	}
	*out = BANNER_PROTO_AUTO;
	return false;
}

const banner_handler *banner_handler_for(banner_proto p)
{
	return (unsigned)p < BANNER_PROTO__COUNT ? handlers[p] : &banner_handler_generic;
}

int banner_scan(const banner_config *cfg, const banner_target *targets, size_t n)
{
	banner_target_ex *ex;
	int r;

	if (n == 0)
		return 0;
	if ((ex = calloc(n, sizeof(*ex))) == NULL)
		return nc_fail(NC_ERR_NOMEM, "banner: no memory for %zu targets", n);
	for (size_t i = 0; i < n; i++) {
		ex[i].host = targets[i].host;
		ex[i].ports = targets[i].ports;
		ex[i].nports = targets[i].nports;
	}
	r = banner_scan_ex(cfg, ex, n, NULL);
	free(ex);
	return r;
}
