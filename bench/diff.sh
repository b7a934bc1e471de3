#!/bin/bash
# diff.sh — how long `netcensus diff` takes, and how much memory, on two
# large scans: HOSTS hosts (default 10000) with PKGS packages each (default
# 300), built with tests/tools/mkinv; the second scan changes a few percent
# of them (addresses, ports, upgrades, removals, new and gone hosts).
#
#   bench/diff.sh                   (after a build; sends nothing, no root)
#
# Target (the diff issue): under 10 s, with memory bounded by one host's
# rows rather than by the scans (peak RSS printed; compare HOSTS=1000 and
# HOSTS=10000 to see that it does not grow with the number of hosts).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
NETCENSUS=${NETCENSUS:-$top/netcensus}
MKINV=${MKINV:-$top/tests/tools/mkinv}
HOSTS=${HOSTS:-10000}
PKGS=${PKGS:-300}
[ -x "$NETCENSUS" ] && [ -x "$MKINV" ] || { echo "diff.sh: build first" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "diff.sh: needs /usr/bin/time" >&2; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# gen SCAN — the spec of scan 1 or 2
gen() {
	awk -v scan="$1" -v hosts="$HOSTS" -v pkgs="$PKGS" 'BEGIN {
		printf "scan targets=198.18.0.0/15 started=2026-01-0%dT10:00:00Z finished=2026-01-0%dT11:00:00Z\n", scan + 4, scan + 4
		for (h = 0; h < hosts; h++) {
			if (scan == 2 && h % 97 == 5) continue            # gone
			a = h
			if (scan == 2 && h % 89 == 3) a = h + 40000       # moved
			printf "host 198.18.%d.%d mac=02:00:%02x:%02x:%02x:01 ttl=64\n", int(a / 250), a % 250 + 1, int(h / 65536) % 256, int(h / 256) % 256, h % 256
			printf "port tcp 22 open\nservice tcp 22 name=ssh product=OpenSSH version=9.2p1\n"
			if (!(scan == 2 && h % 53 == 7)) printf "port tcp 80 open\n"
			printf "fact host.name host%d\nfact os.name \"Debian GNU/Linux\"\nfact os.version 12\n", h
			printf "hardware memory name=\"physical memory\" size_bytes=%d\n", 8589934592
			for (p = 0; p < pkgs; p++) {
				if (scan == 2 && (h + p) % 211 == 0) continue  # removed
				v = (scan == 2 && (h * 7 + p) % 101 == 0) ? "2.1-1" : "2.0-1"
				printf "software package-%03d version=1:%s\n", p, v
			}
		}
		if (scan == 2)
			for (h = 0; h < hosts / 100; h++)                # new
				printf "host 198.19.%d.%d mac=02:01:00:%02x:%02x:01 ttl=64\n", int(h / 250), h % 250 + 1, int(h / 256) % 256, h % 256
	}'
}
gen 1 >"$T/1.spec"
gen 2 >"$T/2.spec"
echo "building two scans of $HOSTS hosts x $PKGS packages..."
"$MKINV" --db "$T/inv.db" "$T/1.spec" "$T/2.spec"
ls -l "$T/inv.db" | awk '{ printf "database: %.0f MB\n", $5 / 1048576 }'
for fmt in text json xml; do
	opt=
	[ $fmt = text ] || opt=--$fmt
	set +e
	/usr/bin/time -f "%e %M" -o "$T/time" "$NETCENSUS" diff --db "$T/inv.db" $opt >"$T/out" 2>"$T/err"
	status=$?
	set -e
	read -r wall rss < <(tail -n 1 "$T/time")
	printf 'diff (%s): exit %d, %s s, peak RSS %d KiB, %d lines of output\n' \
		"$fmt" "$status" "$wall" "$rss" "$(wc -l <"$T/out")"
	[ $fmt = text ] && tail -n 1 "$T/out"
done
