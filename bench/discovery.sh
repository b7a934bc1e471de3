#!/bin/bash
# discovery.sh — how netcensus's host discovery compares with nmap, masscan,
# arp-scan and fping on the same targets, in the lab (tests/lab/lab.sh).
#
#   sudo bench/discovery.sh          (after a build; NETCENSUS=path overrides)
#
# Builds its own lab (prefix ncb; FARM_LIVE live hosts, default 1024), runs
# each tool in turn inside the scanner namespace, measures wall time and peak
# RSS with /usr/bin/time, counts the hosts found against the lab's truth, and
# tears the lab down at the end. Nothing leaves the lab's namespaces.
#
# Targets checked (the discovery issue): farm /16 recall 100%; netcensus
# <= 1/10 of nmap's wall time and <= masscan's, with recall >= masscan's;
# LAN /24 < 1 s; peak RSS < 32 MB; dry run of a /8 < 3 s.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
NETCENSUS=${NETCENSUS:-$top/netcensus}
P=ncb
FARM=198.19.0.0/16
FPING_SLICE=198.19.0.0/20 # fping paces at 1 ms a packet: a /16 would take minutes
LAN=198.18.1.0/24
RATE=200000

. "$top/tests/lab/lab.sh"

die() { echo "discovery.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (it builds network namespaces)"
[ -x "$NETCENSUS" ] || die "no netcensus binary at $NETCENSUS (build first, or set NETCENSUS)"
[ -x /usr/bin/time ] || die "needs /usr/bin/time (apt-get install time)"
for t in nmap masscan arp-scan fping sqlite3; do
	command -v "$t" >/dev/null || die "needs $t (tests/install-deps.sh installs it)"
done

# The traps come after this check: a lab that was already up is not ours.
lab_status "$P" && die "a lab named $P is already up (tests/lab/lab.sh down $P)"
T=$(mktemp -d) || exit 1
trap 'lab_down "$P" >/dev/null 2>&1; rm -rf "$T"' EXIT
trap 'exit 130' INT TERM HUP
lab_up "$P" || die "cannot build the lab"
LIVE=$LAB_STATE/$P/farm-live.txt

# The truth for each target, one address per line. The scanner's own
# address (198.18.1.1) is neither expected nor counted as extra.
sort "$LIVE" >"$T/truth.farm"
awk -F. '$3 < 16' "$LIVE" | sort >"$T/truth.slice"
printf '198.18.1.%s\n' 10 11 12 13 | sort >"$T/truth.lan"

NC_EXTRA=
"$NETCENSUS" scan --help 2>&1 | grep -q -- --discovery-only && NC_EXTRA=--discovery-only

ROWS=()
FMT='%-10s %-16s %8s %8s %6s %6s %8s %5s  %s'
row() { ROWS+=("$(printf "$FMT" "$@")"); }
mb() { awk -v k="${1:-0}" 'BEGIN { printf "%.1f", k / 1024 }'; }

# run NAME TOOL TARGET TRUTH PARSER CMD... — one measured run in the
# scanner namespace. PARSER turns the tool's stdout (file $1) into addresses.
# Sets WALL, RSS_MB, RECALL and RC for the checks.
run() {
	local name=$1 tool=$2 target=$3 truth=$4 parser=$5 found extra expect note=
	shift 5
	ip netns exec "$P-scan" ip neigh flush all
	echo "running $tool on $target: $*" >&2
	ip netns exec "$P-scan" /usr/bin/time -f '%e %M' -o "$T/$name.time" "$@" \
		>"$T/$name.out" 2>"$T/$name.err"
	RC=$?
	# GNU time puts "Command exited with non-zero status N" first.
	read -r WALL RSS_KB < <(tail -n 1 "$T/$name.time")
	RSS_MB=$(mb "$RSS_KB")
	"$parser" "$T/$name.out" | grep -E '^[0-9.]+$' | grep -vx '198\.18\.1\.1' |
		sort -u >"$T/$name.found"
	found=$(comm -12 "$T/$name.found" "$truth" | wc -l)
	extra=$(comm -23 "$T/$name.found" "$truth" | wc -l)
	expect=$(wc -l <"$truth")
	RECALL=$(awk -v f="$found" -v n="$expect" 'BEGIN { printf "%.1f", n ? 100 * f / n : 0 }')
	# fping exits 1 when some target is unreachable: that is its normal case.
	if [ "$RC" != 0 ] && ! { [ "$tool" = fping ] && [ "$RC" = 1 ]; }; then
		note="exit $RC"
		echo "  $tool exited $RC; its stderr ends:" >&2
		tail -n 5 "$T/$name.err" >&2
	fi
	row "$tool" "$target" "$WALL" "$RSS_MB" "$found" "$expect" "$RECALL" "$extra" "$note"
}

nc_db() { sqlite3 -batch "file:${1%.out}.db?mode=ro" \
	"select address from host_scans where scan_id = (select max(id) from scans)" 2>/dev/null; }
nmap_g() { awk '/Status: Up/ { print $2 }' "$1"; }
masscan_l() { awk '$1 == "open" { print $4 }' "$1"; }
arpscan() { awk -F'\t' '$1 ~ /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/ { print $1 }' "$1"; }
lines() { cat "$1"; }

# masscan 1.3.2 with libpcap >= 1.9 never leaves its final wait when no
# packet arrives (its receive thread sleeps in pcap); one lab ping to the
# router every 0.2 s wakes it, so it exits when its --wait is over.
masscan_woken() {
	masscan "$@" &
	local pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		fping -q -c 1 -t 50 198.18.2.2 >/dev/null 2>&1
		sleep 0.2
	done
	wait "$pid"
}
export -f masscan_woken

# ---- the farm /16 behind the router
run nc-farm netcensus "$FARM" "$T/truth.farm" nc_db \
	"$NETCENSUS" scan --db "$T/nc-farm.db" -q $NC_EXTRA --rate "$RATE" "$FARM"
NC_FARM_WALL=$WALL NC_FARM_RECALL=$RECALL NC_FARM_RC=$RC NC_RSS=$RSS_MB
run nmap-farm nmap "$FARM" "$T/truth.farm" nmap_g \
	nmap -sn -n -T5 --min-rate "$RATE" -oG - "$FARM"
NMAP_FARM_WALL=$WALL
run masscan-farm masscan "$FARM" "$T/truth.farm" masscan_l \
	bash -c 'masscan_woken "$@"' masscan --ping -p80 --rate "$RATE" --wait 2 \
	--adapter farm0 --adapter-ip 198.18.2.1 --router-mac 02:00:c6:12:02:02 -oL - "$FARM"
MASSCAN_FARM_WALL=$WALL MASSCAN_FARM_RECALL=$RECALL
run fping-slice fping "$FPING_SLICE" "$T/truth.slice" lines \
	fping -a -q -i 1 -r 1 -t 100 -g "$FPING_SLICE"

# ---- the LAN /24
run nc-lan netcensus "$LAN" "$T/truth.lan" nc_db \
	"$NETCENSUS" scan --db "$T/nc-lan.db" -q $NC_EXTRA "$LAN"
NC_LAN_WALL=$WALL NC_LAN_RC=$RC
NC_RSS=$(awk -v a="$NC_RSS" -v b="$RSS_MB" 'BEGIN { print (b > a ? b : a) }')
run nmap-lan nmap "$LAN" "$T/truth.lan" nmap_g nmap -sn -n -oG - "$LAN"
run arp-scan-lan arp-scan "$LAN" "$T/truth.lan" arpscan arp-scan -I lan0 "$LAN"
run fping-lan fping "$LAN" "$T/truth.lan" lines fping -a -q -i 1 -r 1 -t 100 -g "$LAN"

# ---- planning a /8 (sends nothing)
# The only /8 the lab may name is 127.0.0.0/8, which in a namespace with lo
# up is all local (no packet would be built). So the dry run gets its own
# namespace, lo down, where that /8 is routed through a gateway on a veth
# pair that leads nowhere: every address costs the full probe set.
DRYNS=$P-dry
echo "running netcensus --dry-run 127.0.0.0/8 (routed, in $DRYNS)" >&2
ip netns add "$DRYNS" || die "cannot create namespace $DRYNS"
trap 'ip netns del "$DRYNS" 2>/dev/null; lab_down "$P" >/dev/null 2>&1; rm -rf "$T"' EXIT
ip -n "$DRYNS" link add d0 type veth peer name d1 &&
	ip -n "$DRYNS" addr add 198.18.3.1/24 dev d0 &&
	ip -n "$DRYNS" link set d0 up && ip -n "$DRYNS" link set d1 up &&
	ip -n "$DRYNS" route add 127.0.0.0/8 via 198.18.3.2 || die "cannot set up $DRYNS"
ip netns exec "$DRYNS" /usr/bin/time -f '%e %M' -o "$T/dry.time" \
	"$NETCENSUS" scan --dry-run 127.0.0.0/8 >"$T/dry.out" 2>"$T/dry.err"
DRY_RC=$?
grep -q ' 0 packets' "$T/dry.out" && DRY_RC=99 # nothing was planned: not a measurement
ip netns del "$DRYNS"
read -r DRY_WALL DRY_RSS_KB < <(tail -n 1 "$T/dry.time")
DRY_RSS=$(mb "$DRY_RSS_KB")
row netcensus "127.0.0.0/8 dry" "$DRY_WALL" "$DRY_RSS" - - - - \
	"$([ "$DRY_RC" = 0 ] || echo "exit $DRY_RC") $(grep -o '[0-9]* packets' "$T/dry.out")"
NC_RSS=$(awk -v a="$NC_RSS" -v b="$DRY_RSS" 'BEGIN { print (b > a ? b : a) }')

# ---- report
echo
echo "netcensus discovery benchmark — lab farm: $(wc -l <"$LIVE") live of 65536 addresses; LAN: 4 hosts"
echo "netcensus options: --rate $RATE on the farm, defaults on the LAN${NC_EXTRA:+, $NC_EXTRA}"
echo "masscan: --ping -p80 --rate $RATE --wait 2 (woken by a lab ping every 0.2 s; see masscan_woken)"
echo "fping: -i 1 -r 1 -t 100; on the farm only the slice $FPING_SLICE (a /16 at 1 ms a packet takes minutes)"
echo
printf "$FMT\n" tool target "wall s" "RSS MB" found expect recall% extra note
printf '%s\n' "${ROWS[@]}"
echo

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.1f", a / b; else print "n/a" }'; }
# verdict DESC AWK-CONDITION — PASS/FAIL line (n/a when a number is missing).
verdict() {
	local v
	v=$(awk "BEGIN { print ($2) ? \"PASS\" : \"FAIL\" }" 2>/dev/null) || v=n/a
	printf '  %-4s %s\n' "$v" "$1"
}
echo "nmap / netcensus wall (farm):    $(ratio "$NMAP_FARM_WALL" "$NC_FARM_WALL")"
echo "masscan / netcensus wall (farm): $(ratio "$MASSCAN_FARM_WALL" "$NC_FARM_WALL")"
echo "netcensus peak RSS:              $NC_RSS MB"
echo
echo "targets:"
verdict "farm /16 recall 100% (${NC_FARM_RECALL}%)" "$NC_FARM_RC == 0 && $NC_FARM_RECALL == 100"
verdict "farm /16 wall <= 1/10 of nmap's (${NC_FARM_WALL} s vs ${NMAP_FARM_WALL} s)" \
	"$NC_FARM_RC == 0 && $NC_FARM_WALL * 10 <= $NMAP_FARM_WALL"
verdict "farm /16 wall <= masscan's (${NC_FARM_WALL} s vs ${MASSCAN_FARM_WALL} s)" \
	"$NC_FARM_RC == 0 && $NC_FARM_WALL <= $MASSCAN_FARM_WALL"
verdict "farm /16 recall >= masscan's (${NC_FARM_RECALL}% vs ${MASSCAN_FARM_RECALL}%)" \
	"$NC_FARM_RC == 0 && $NC_FARM_RECALL >= $MASSCAN_FARM_RECALL"
verdict "LAN /24 < 1 s (${NC_LAN_WALL} s)" "$NC_LAN_RC == 0 && $NC_LAN_WALL < 1"
verdict "peak RSS < 32 MB (${NC_RSS} MB)" "$NC_RSS < 32"
verdict "dry run of 127.0.0.0/8 < 3 s (${DRY_WALL} s)" "$DRY_RC == 0 && $DRY_WALL < 3"
