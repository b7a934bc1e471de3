/*
 * smb.h — SMB2 NEGOTIATE and NTLMSSP challenge, without credentials.
 *
 * Pure builders and parsers (no sockets): the conversation that sends and
 * reads them lives in the banner event loop (banner.h). A NEGOTIATE tells
 * the dialect, signing, server GUID and system time; a SESSION_SETUP carrying
 * an NTLMSSP NEGOTIATE (inside SPNEGO) draws a CHALLENGE whose target info
 * names the machine (NetBIOS and DNS computer/domain/tree names) and whose
 * version field gives the OS major.minor.build. No credentials are sent.
 * Every parser is bounded by its input length and rejects lying offsets.
 * Frames include the 4-byte NetBIOS session service header (direct TCP 445).
 */
#ifndef NC_FINGERPRINT_SMB_H
#define NC_FINGERPRINT_SMB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fingerprint/facts.h"

typedef struct {
	uint16_t dialect;          /* 0x0202, 0x0210, 0x0300, 0x0302, 0x0311 */
	bool signing_enabled, signing_required;
	uint8_t server_guid[16];
	uint64_t system_time;      /* FILETIME; 0 when not given */
	uint32_t capabilities;
	uint32_t status;           /* NT status of the response */
} smb_negotiate_info;

typedef struct {
	char netbios_computer[64], netbios_domain[64];
	char dns_computer[256], dns_domain[256], dns_tree[256];
	bool has_version;
	uint8_t major, minor;
	uint16_t build;
	uint64_t timestamp;        /* MsvAvTimestamp, FILETIME; 0 when absent */
} smb_ntlm_info;

/* Build the NEGOTIATE request (dialects 2.0.2 to 3.1.1; 3.1.1 with its
 * negotiate contexts). Returns the length, 0 if cap is too small. */
size_t smb_build_negotiate(uint8_t *buf, size_t cap, const uint8_t client_guid[16]);
/* Build SESSION_SETUP with an SPNEGO-wrapped NTLMSSP NEGOTIATE (message id
 * 1, no credentials). */
size_t smb_build_session_setup(uint8_t *buf, size_t cap, uint16_t dialect);

/* How many bytes the frame at buf needs in all (4 + NetBIOS length), or 0
 * when fewer than 4 bytes are there yet. */
size_t smb_frame_length(const uint8_t *buf, size_t len);

/* Parse responses (whole frames). 0, or NC_ERR_INVALID with a detail. */
int smb_parse_negotiate(const uint8_t *buf, size_t len, smb_negotiate_info *out);
int smb_parse_session_setup(const uint8_t *buf, size_t len, smb_ntlm_info *out);
/* Find and parse an NTLMSSP CHALLENGE anywhere in a security blob. */
int ntlmssp_parse_challenge(const uint8_t *blob, size_t len, smb_ntlm_info *out);

/* "SMB 3.1.1" etc. */
const char *smb_dialect_name(uint16_t dialect);
/*
 * The Windows release for an NT version: "Windows 10", "Windows 11",
 * "Windows Server 2019", "Windows Server 2022", "Windows Server 2025", ...
 * server tells a server edition apart where the build is shared (10.0.17763
 * is Windows 10 1809 or Server 2019); NULL when unknown.
 */
const char *smb_windows_release(uint8_t major, uint8_t minor, uint16_t build, bool server);

/* --- helpers added by the implementation --- */

/* The feature-update name of a 10.0 build ("1809", "22H2", "24H2"), NULL
 * when the build is not a known release. */
const char *smb_windows_version_name(uint8_t major, uint8_t minor, uint16_t build);
/*
 * True when the challenge came from Samba: its NTLMSSP server fills VERSION
 * as 6.1 build 0, a build no Windows reports (Windows puts its real build
 * there: 6.1.7601, 10.0.20348, ...).
 */
bool smb_is_samba(const smb_ntlm_info *ntlm);
/*
 * Record what the two replies say as FACT_SRC_SMB facts of h: smb.dialect,
 * smb.signing (required/enabled/disabled), smb.server_guid, smb.netbios_name,
 * smb.netbios_domain, smb.dns_name, smb.dns_domain, smb.dns_tree,
 * smb.os_version ("10.0.20348"), smb.windows_version ("22H2"),
 * smb.implementation (Windows/Samba), host.name, host.domain, host.fqdn and,
 * for Windows, os.family/os.name/os.version/os.build. neg or ntlm may be
 * NULL; server as for smb_windows_release() (other evidence says "server").
 * Returns 0 or the first host_facts_add() error.
 */
int smb_add_facts(host_facts *h, const smb_negotiate_info *neg, const smb_ntlm_info *ntlm,
		  bool server);

#endif
