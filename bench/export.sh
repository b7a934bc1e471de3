#!/bin/bash
# export.sh — how fast `netcensus export` writes a large inventory, and how
# much memory it needs, for every format.
#
#   bench/export.sh [HOSTS [PACKAGES]]     (after a build; NETCENSUS=path overrides)
#
# Builds a synthetic inventory with the sqlite3 CLI (default 10,000 hosts x
# 300 software packages = 3,000,000 software rows, plus ports, services,
# verdicts, facts and hardware for every host; one finished scan), then runs
# each export (csv --what hosts, csv --what software, csv --what all,
# xml, json, json --jsonl, json --jsonl --what software) with /usr/bin/time and
# prints wall time, peak RSS and output size.  Nothing is sent anywhere.
#
# BENCH_DB=FILE keeps the inventory in FILE (and reuses it when it exists),
# for profiling.
#
# Target (the export issue): under 10 s a format at 10,000 x 300, with
# memory that does not grow with the fleet (compare the RSS of a run with
# 1,000 hosts).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
NETCENSUS=${NETCENSUS:-$top/netcensus}
HOSTS=${1:-10000}
PACKAGES=${2:-300}

die() { echo "export.sh: $*" >&2; exit 1; }
[ -x "$NETCENSUS" ] || die "no netcensus binary at $NETCENSUS (build first, or set NETCENSUS)"
[ -x /usr/bin/time ] || die "needs /usr/bin/time (apt-get install time)"
command -v sqlite3 >/dev/null || die "needs the sqlite3 CLI"

W=$(mktemp -d) || die "mktemp failed"
trap 'rm -rf "$W"' EXIT
DB=${BENCH_DB:-$W/big.db}

# The schema is the fixture's (kept equal to db.c's by test_facts_store);
# its rows are deleted and the synthetic fleet inserted in one transaction.
if [ -s "$DB" ]; then
	echo "reusing $DB"
else
	echo "building an inventory of $HOSTS hosts x $PACKAGES packages..."
start=$(date +%s.%N)
{
	cat "$top/tests/data/inventory/show-fixture.sql"
	cat <<EOF
BEGIN;
DELETE FROM ports; DELETE FROM services; DELETE FROM facts; DELETE FROM verdicts;
DELETE FROM software; DELETE FROM hardware; DELETE FROM host_scans; DELETE FROM hosts;
DELETE FROM scans;
INSERT INTO scans (id, started_at, finished_at, status, targets, target_count, hosts_up)
  VALUES (1, 1700000000, 1700000600, 'complete', '198.18.0.0/15', 131072, $HOSTS);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $HOSTS)
INSERT INTO hosts (id, mac, address, first_seen, last_seen, first_scan, last_scan)
  SELECT i, printf('02:00:%02x:%02x:%02x:%02x', (i >> 24) & 255, (i >> 16) & 255, (i >> 8) & 255, i & 255),
         printf('198.18.%d.%d', i / 256, i % 256), 1700000000 + i, 1700000000 + i, 1, 1 FROM n;
INSERT INTO host_scans (scan_id, host_id, address, address_int, address_reason, mac, mac_source,
                        reasons, ttl, rtt_us, on_link, seen_at)
  SELECT 1, id, address, 3323068416 + id, 'arp-response', mac, 'arp-response',
         'arp-response,echo-reply,syn-ack', 64, 300 + id % 1000, 1, first_seen FROM hosts;
INSERT INTO ports SELECT 1, id, 'tcp', 22, 'open', 'syn-ack', 64 FROM hosts;
INSERT INTO ports SELECT 1, id, 'tcp', 443, 'open', 'syn-ack', 64 FROM hosts;
INSERT INTO services SELECT 1, id, 'tcp', 22, 'ssh', 'OpenSSH', '9.2p1', NULL,
  'SSH-2.0-OpenSSH_9.2p1 Debian-2', 'banner' FROM hosts;
INSERT INTO verdicts SELECT 1, id, 'hostname', printf('host%05d', id), 'ssh', 100 FROM hosts;
INSERT INTO verdicts SELECT 1, id, 'os.name', 'Debian GNU/Linux', 'ssh', 100 FROM hosts;
INSERT INTO verdicts SELECT 1, id, 'os.version', '12', 'ssh', 100 FROM hosts;
INSERT INTO verdicts SELECT 1, id, 'device.type', 'server', 'ssh', 80 FROM hosts;
INSERT INTO facts SELECT 1, id, 'ssh.kernel', '6.1.0-18-amd64', 'ssh', 100 FROM hosts;
INSERT INTO facts SELECT 1, id, 'os.name', 'Debian GNU/Linux', 'ssh', 100 FROM hosts;
INSERT INTO hardware SELECT 1, id, 'cpu', 'Intel(R) Xeon(R) Gold 6230', 'Intel', NULL, NULL, NULL,
  'cores=4', NULL, NULL, 'ssh' FROM hosts;
INSERT INTO hardware SELECT 1, id, 'memory', 'physical memory', NULL, NULL, NULL, NULL, NULL,
  8589934592, 4294967296, 'ssh' FROM hosts;
INSERT INTO hardware SELECT 1, id, 'storage', '/dev/sda', NULL, 'QEMU HARDDISK', NULL, NULL,
  NULL, 107374182400, 53687091200, 'ssh' FROM hosts;
WITH RECURSIVE p(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM p WHERE j < $PACKAGES)
INSERT INTO software (scan_id, host_id, name, version, vendor, install_date, source)
  SELECT 1, h.id, printf('package-%03d', p.j), printf('%d.%d.%d-%d', p.j % 7, p.j % 13, h.id % 5, 1),
         'Debian', '2024-01-15', 'ssh' FROM hosts h, p;
COMMIT;
EOF
} | sqlite3 "$DB" || die "cannot build the inventory"
end=$(date +%s.%N)
printf 'built in %.1f s: %s software rows, %s MB\n' "$(echo "$end - $start" | bc)" \
	"$(sqlite3 "$DB" 'SELECT count(*) FROM software')" "$(($(stat -c %s "$DB") / 1048576))"
fi

# run NAME ARGS... — one export into $W/out, with its numbers.
run() {
	local name=$1
	shift
	rm -rf "$W/out"
	if ! /usr/bin/time -f '%e %M %U %S' -o "$W/time" "$NETCENSUS" export --db "$DB" "$@" \
		>"$W/out.stdout" 2>"$W/err"; then
		printf '%-34s FAILED: %s\n' "$name" "$(head -c 200 "$W/err")"
		return
	fi
	read -r wall rss user sys <"$W/time"
	size=$(du -sb "$W/out.stdout" "$W/out" 2>/dev/null | awk '{s += $1} END {print s}')
	printf '%-34s %7.2f s %7.2f s %8d KB %8d MB\n' "$name" "$wall" "$(echo "$user + $sys" | bc)" "$rss" $((size / 1048576))
}

printf '%-34s %9s %9s %11s %11s\n' export wall cpu "peak RSS" output
run "csv --what hosts" --format csv --what hosts
run "csv --what software" --format csv --what software
run "csv --what all (6 files)" --format csv --what all -o "$W/out"
run "xml (all)" --format xml
run "json (all)" --format json
run "json --jsonl (hosts, all)" --format json --jsonl
run "json --jsonl --what software" --format json --jsonl --what software
