#!/bin/bash
# vdi-export.sh — the VDI planning export and report at fleet scale.
#
#   bench/vdi-export.sh [HOSTS [PACKAGES]]     (default 10000 x 300)
#
# Builds an inventory of HOSTS machines with PACKAGES software rows each
# (10,000 x 300 = 3M rows): mkinv writes the scan and the schema, sqlite3
# fills hosts, verdicts, facts, hardware and software with recursive CTEs.
# The fleet looks like an estate: four OS groups, twenty role profiles,
# two thirds of each machine's rows from a shared base, the rest from its
# role and a long tail; names carry Windows decorations and versions that
# normalisation has to strip ("Vendor17 Tool 4 (x64 en-US) 2.3.1").
# Then it times `export --format vdi` to a CSV directory, to one JSON and
# one XML document, and `report`, with /usr/bin/time (wall, peak RSS).
#
# Target (the VDI issue): 10,000 x 300 in under 10 s, with memory that
# grows with machines and distinct applications, not with rows.  Sends
# nothing; needs sqlite3 and /usr/bin/time.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
NETCENSUS=${NETCENSUS:-$top/netcensus}
MKINV=${MKINV:-$top/tests/tools/mkinv}
HOSTS=${1:-10000}
PKGS=${2:-300}

die() { echo "vdi-export.sh: $*" >&2; exit 1; }
[ -x "$NETCENSUS" ] || die "no netcensus binary at $NETCENSUS (build first)"
[ -x "$MKINV" ] || die "no mkinv at $MKINV (make builds it)"
command -v sqlite3 >/dev/null || die "needs the sqlite3 CLI"
[ -x /usr/bin/time ] || die "needs /usr/bin/time (apt-get install time)"

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
DB=$T/fleet.db

printf 'scan targets=198.18.0.0/15 started=2026-01-05T10:00:00Z finished=2026-01-05T10:20:00Z\n' |
	"$MKINV" --db "$DB" - >/dev/null

start=$(date +%s.%N)
base=$((PKGS * 2 / 3))
role=$(((PKGS - base) / 2))
tail=$((PKGS - base - role))
sqlite3 "$DB" >/dev/null <<EOF
PRAGMA journal_mode = WAL; -- prints "wal"
PRAGMA synchronous = OFF;
BEGIN;
WITH RECURSIVE h(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM h WHERE i < $HOSTS)
INSERT INTO hosts (id, address, first_seen, last_seen, first_scan, last_scan)
	SELECT i, '198.18.' || (i / 256) || '.' || (i % 256), 1767607200, 1767607200, 1, 1 FROM h;
INSERT INTO host_scans (scan_id, host_id, address, address_int, reasons, seen_at)
	SELECT 1, id, address, (198 << 24) | (18 << 16) | id, 'syn-ack', 1767607200 FROM hosts;
INSERT INTO verdicts (scan_id, host_id, field, value, source, confidence)
	SELECT 1, id, 'hostname', printf('pc%05d', id), 'ssh', 100 FROM hosts;
INSERT INTO verdicts (scan_id, host_id, field, value, source, confidence)
	SELECT 1, id, 'os.name', CASE id % 4 WHEN 0 THEN 'Microsoft Windows 10 Enterprise'
		WHEN 1 THEN 'Microsoft Windows 11 Enterprise' WHEN 2 THEN 'Ubuntu'
		ELSE 'Microsoft Windows Server 2022 Standard' END, 'ssh', 100 FROM hosts;
INSERT INTO verdicts (scan_id, host_id, field, value, source, confidence)
	SELECT 1, id, 'os.family', CASE id % 4 WHEN 2 THEN 'Linux' ELSE 'Windows' END, 'ssh', 100
	FROM hosts;
INSERT INTO facts (scan_id, host_id, key, value, source, confidence)
	SELECT 1, id, 'hw.cpu.cores', 2 + 2 * (id % 4), 'ssh', 100 FROM hosts;
INSERT INTO facts (scan_id, host_id, key, value, source, confidence)
	SELECT 1, id, 'hw.memory_bytes', (8 << 30) * (1 + id % 3), 'ssh', 100 FROM hosts;
INSERT INTO hardware (scan_id, host_id, kind, name, size_bytes, used_bytes, extra, source)
	SELECT 1, id, 'storage', 'C:', 256 << 30, (40 + id % 100) << 30, 'source=C:', 'ssh'
	FROM hosts;
-- every machine's rows together, machine by machine, as a scan writes them:
-- base (shared by the fleet, a few versions in use), role (twenty
-- profiles), long tail (a pseudo-random pick from 5000 names)
WITH RECURSIVE
	kb(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM kb WHERE j < $base),
	kr(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM kr WHERE j < $role),
	kt(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM kt WHERE j < $tail),
	rows(host, ord, name, version, vendor, date) AS (
	SELECT id, j, printf('Vendor%d Suite %d (x64 en-US) %d.%d.%d', j % 40, j, 1 + j % 9,
			     id % 3, j % 7),
	       printf('%d.%d.%d', 1 + j % 9, id % 3, j % 7), printf('Vendor%d, Inc.', j % 40),
	       printf('2023-%02d-%02d', 1 + j % 12, 1 + id % 28)
	FROM hosts, kb
	UNION ALL
	SELECT id, 1000 + j, printf('Role%d Tool %d - English', id % 20, j), printf('%d.0', j % 5),
	       printf('Role Vendor %d Corporation', id % 20), NULL
	FROM hosts, kr
	UNION ALL
	SELECT id, 2000 + j, printf('tail-package-%d', (id * 7919 + j * 104729) % 5000),
	       printf('1:%d.%d-1', j % 4, id % 11), 'Debian Developers <devel@lists.debian.org>',
	       NULL
	FROM hosts, kt)
INSERT INTO software (scan_id, host_id, name, version, vendor, install_date, source)
	SELECT 1, host, name, version, vendor, date, 'ssh' FROM rows ORDER BY host, ord;
COMMIT;
EOF
end=$(date +%s.%N)
rows=$(sqlite3 "$DB" 'SELECT count(*) FROM software')
printf 'fleet: %d hosts, %d software rows, built in %.1f s (%s)\n' "$HOSTS" "$rows" \
	"$(echo "$end - $start" | bc)" "$(du -h "$DB" | cut -f1)"

run() {
	local what=$1
	shift
	/usr/bin/time -f '%e %U %S %M' -o "$T/time" "$@" >"$T/out" 2>"$T/err" ||
		die "$what failed: $(cat "$T/err")"
	read -r wall user sys rss <"$T/time"
	printf '%-26s wall %6.2f s  cpu %6.2f s  peak RSS %6.1f MB\n' "$what" "$wall" \
		"$(echo "$user + $sys" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
}

run "export vdi -o DIR (CSV)" "$NETCENSUS" export --db "$DB" --format vdi -o "$T/csv"
run "export vdi -o plan.json" "$NETCENSUS" export --db "$DB" --format vdi -o "$T/plan.json"
run "export vdi -o plan.xml" "$NETCENSUS" export --db "$DB" --format vdi -o "$T/plan.xml"
run "report" "$NETCENSUS" report --db "$DB"
sed -n 2p "$T/out"
printf 'installs.csv: %d rows; pools: %d\n' "$(($(wc -l <"$T/csv/installs.csv") - 1))" \
	"$(($(wc -l <"$T/csv/pools.csv") - 1))"
