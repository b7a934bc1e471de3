# crash.sh — helpers of the crash-safety tests (crash.test, diskfull.test,
# readers.test). Source it after tap.sh and lab.sh.

# digest DB SCAN — one hash over what SCAN recorded: its scans row, the
# hosts as it observed them, their ports, services, facts, verdicts,
# software and hardware. Rows are keyed by the address the scan saw, not by
# host id: identity resolution may give an observation another host id, and
# hosts.last_seen moves with every scan; neither changes what the scan
# observed. DB_RUN, when set, is a command prefix to reach DB (nsenter ...).
digest() {
	local s=$2 j="join host_scans hs on hs.scan_id = t.scan_id and hs.host_id = t.host_id"
	$DB_RUN sqlite3 -batch -cmd '.timeout 5000' "file:$1?mode=ro" "
	select 'scan', status, started_at, finished_at, targets, target_count, hosts_up,
		packets_sent, replies from scans where id = $s;
	select 'host', address, address_int, address_reason, mac, mac_source, reasons, ttl,
		rtt_us, on_link, seen_at from host_scans where scan_id = $s;
	select 'port', hs.address, proto, port, state, t.reason, t.ttl from ports t $j
		where t.scan_id = $s;
	select 'svc', hs.address, proto, port, name, product, version, info, banner, source
		from services t $j where t.scan_id = $s;
	select 'fact', hs.address, key, value, source, confidence from facts t $j
		where t.scan_id = $s;
	select 'verdict', hs.address, field, value, source, confidence from verdicts t $j
		where t.scan_id = $s;
	select 'sw', hs.address, name, version, vendor, install_date, source, arch, size_bytes
		from software t $j where t.scan_id = $s;
	select 'hw', hs.address, kind, name, vendor, model, serial, firmware, extra,
		size_bytes, used_bytes, source from hardware t $j where t.scan_id = $s;" |
		LC_ALL=C sort | sha256sum | cut -d' ' -f1
}
