/*
 * fuzz_smb.c — libFuzzer harness for what SMB peers send: the NEGOTIATE and
 * SESSION_SETUP responses and a bare NTLMSSP blob, all from the same bytes,
 * and what parsed into the facts smb_add_facts() records. NetBIOS has its
 * own harness (fuzz_netbios.c). Seeds: tests/data/smb.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "fingerprint/smb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	smb_negotiate_info neg;
	smb_ntlm_info ntlm, blob;
	host_facts h;
	bool have_neg, have_ntlm;
	size_t frame;

	memset(&neg, 0, sizeof(neg));
	memset(&ntlm, 0, sizeof(ntlm));
	memset(&blob, 0, sizeof(blob));
	/* as the banner handler does: only a whole frame is parsed */
	frame = smb_frame_length(data, size);
	if (frame > size)
		frame = size;
	have_neg = smb_parse_negotiate(data, size, &neg) == 0;
	have_ntlm = smb_parse_session_setup(data, size, &ntlm) == 0;
	if (ntlmssp_parse_challenge(data, size, &blob) == 0)
		(void)smb_is_samba(&blob);
	if (frame > 0) {
		(void)smb_parse_negotiate(data, frame, &neg);
		(void)smb_parse_session_setup(data, frame, &ntlm);
	}
	host_facts_init(&h, 0xc6120001u);
	(void)smb_add_facts(&h, have_neg ? &neg : NULL, have_ntlm ? &ntlm : &blob,
			    size > 0 && (data[0] & 1));
	(void)smb_dialect_name(neg.dialect);
	host_facts_clear(&h);
	return 0;
}
