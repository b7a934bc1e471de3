/*
 * probes.c — the registry of discovery probe modules.
 */
#include "config.h"

#include <string.h>

#include "probes/probe.h"
#include "util/compat.h"

const probe_module *const probe_modules[] = {
	&probe_arp, &probe_icmp_echo, &probe_icmp_timestamp,
	&probe_tcp_syn, &probe_tcp_ack, &probe_udp_snmp,
};
const size_t probe_modules_count = ARRAY_SIZE(probe_modules);

const probe_module *probe_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(probe_modules); i++)
		if (strcmp(probe_modules[i]->name, name) == 0)
			return probe_modules[i];
	return NULL;
}

int64_t probe_rtt_us(const probe_env *env, uint64_t sent_us, uint64_t now_ns)
{
	uint64_t now_us = (now_ns - env->t0_ns) / 1000;

	if (sent_us > now_us || now_us - sent_us > 60ull * 1000000)
		return -1;
	return (int64_t)(now_us - sent_us);
}

void probe_reply_from_ip(const pkt_view *v, reason_t reason, probe_reply *out)
{
	out->ip = v->ip_src;
	out->reason = reason;
	out->ttl = v->ip_ttl;
	out->rtt_us = -1;
	memcpy(out->mac, v->eth_src, 6);
	out->mac_src = MAC_SRC_ETHER;
	out->alive = true;
}

reason_t probe_unreach_reason(uint8_t code)
{
	switch (code) {
	case 2:
		return REASON_PROTO_UNREACH;
	case 3:
		return REASON_PORT_UNREACH;
	case 9:
	case 10:
	case 13:
		return REASON_ADMIN_PROHIBITED;
	default:
		return REASON_HOST_UNREACH;
	}
}
