/*
 * fuzz_smb.c — libFuzzer harness for what SMB and NetBIOS peers send: the
 * NEGOTIATE and SESSION_SETUP responses, a bare NTLMSSP blob and a NetBIOS
 * node status reply, all from the same bytes.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "fingerprint/netbios.h"
#include "fingerprint/smb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	smb_negotiate_info neg;
	smb_ntlm_info ntlm;
	netbios_status st;
	uint16_t txid;

	memset(&neg, 0, sizeof(neg));
	memset(&ntlm, 0, sizeof(ntlm));
	(void)smb_frame_length(data, size);
	(void)smb_parse_negotiate(data, size, &neg);
	(void)smb_parse_session_setup(data, size, &ntlm);
	(void)ntlmssp_parse_challenge(data, size, &ntlm);
	(void)netbios_parse_status(data, size, &txid, &st);
	return 0;
}
