#!/bin/bash
# lab.sh — build and tear down the netcensus test lab: a handful of network
# namespaces that hold every host the tests and benchmarks may scan.
#
#   lab.sh up PREFIX      build the lab (fails if PREFIX-scan already exists)
#   lab.sh down PREFIX    tear it down; safe to call twice
#   lab.sh status PREFIX  exit 0 if the lab is up
#
# or `. lab.sh` and call lab_up / lab_down / lab_status / lab_ns.
#
# Everything is named after PREFIX and lives in namespaces; nothing touches
# the root namespace's interfaces, routes or sysctls. Addresses come from
# 198.18.0.0/15 (RFC 2544) and no namespace has a default route.
#
#   PREFIX-scan  the scanner: lo; lan0 198.18.1.1/24 (02:00:c6:12:01:01);
#                farm0 198.18.2.1/30 (02:00:c6:12:02:01);
#                route 198.19.0.0/16 via 198.18.2.2
#   PREFIX-lan   bridge br0 joining lan0 and the hosts (no IP)
#   PREFIX-h10   198.18.1.10 02:00:c6:12:01:0a  TCP 22 open, answers ping
#   PREFIX-h11   198.18.1.11 02:00:c6:12:01:0b  drops all IPv4: ARP only
#   PREFIX-h12   198.18.1.12 02:00:c6:12:01:0c  drops ICMP, TCP 80 open
#   PREFIX-h13   198.18.1.13 02:00:c6:12:01:0d  nothing open, answers ping
#   PREFIX-farm  198.18.2.2/30 (02:00:c6:12:02:02); answers for all of
#                198.19.0.0/16 (TCP 80 and 443 open) but nftables drops
#                every address not in the live set: FARM_LIVE addresses
#                (default 1024) drawn from FARM_SEED (default 1), listed
#                sorted in $LAB_STATE/PREFIX/farm-live.txt.
#
# Environment: FARM_LIVE, FARM_SEED, LAB_LISTEN (path of lab-listen; found
# next to this script or in $NC_BUILDDIR/tests/lab, else compiled from
# listen.c into the state directory), LAB_STATE (default /run/netcensus-lab).

LAB_STATE=${LAB_STATE:-/run/netcensus-lab}
LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Every namespace a lab owns, as suffixes of PREFIX-.
LAB_NAMESPACES="scan lan h10 h11 h12 h13 farm"

lab_die() { echo "lab.sh: $*" >&2; return 1; }

lab_check_prefix() {
	case "$1" in
	"" | *[!A-Za-z0-9_]*) lab_die "bad prefix '$1' (letters, digits, _)" ;;
	*) [ "${#1}" -le 12 ] || lab_die "prefix '$1' longer than 12 characters" ;;
	esac
}

# lab_ns PREFIX NAME CMD... — run CMD inside namespace PREFIX-NAME.
lab_ns() {
	local p=$1 n=$2
	shift 2
	ip netns exec "$p-$n" "$@"
}

lab_ns_exists() {
	ip netns list 2>/dev/null | awk '{print $1}' | grep -qx -- "$1"
}

lab_status() {
	lab_check_prefix "$1" || return 2
	lab_ns_exists "$1-scan"
}

# Find or build lab-listen; prints its path.
lab_listen_path() {
	local state=$1 c
	for c in "${LAB_LISTEN:-}" "$LAB_DIR/lab-listen" \
		${NC_BUILDDIR:+"$NC_BUILDDIR/tests/lab/lab-listen"}; do
		if [ -n "$c" ] && [ -x "$c" ]; then
			echo "$c"
			return 0
		fi
	done
	if ! ${CC:-cc} -O2 -Wall -o "$state/lab-listen" "$LAB_DIR/listen.c" >&2; then
		lab_die "cannot build lab-listen from $LAB_DIR/listen.c"
		return 1
	fi
	echo "$state/lab-listen"
}

# lab_sysctl PREFIX NAME KEY=VALUE... — set the knobs that exist in the
# namespace. A namespace shows only its own (per-namespace) knobs, so a
# global one such as net.core.netdev_max_backlog, or a knob that is still
# global on an older kernel (icmp_msgs_per_sec before 6.x), is left alone.
lab_sysctl() {
	lab_ns "$1" "$2" sh -c '
		for kv; do
			f=/proc/sys/$(printf %s "${kv%%=*}" | tr . /)
			[ -e "$f" ] || continue
			echo "${kv#*=}" >"$f" || exit 1
		done' sh "${@:3}"
}

# Every namespace: no IPv6 chatter, no ICMP rate limits, a deep backlog
# (netdev_max_backlog only where a kernel makes it per namespace).
lab_sysctls() {
	lab_sysctl "$1" "$2" net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 net.ipv4.icmp_ratelimit=0 \
		net.ipv4.icmp_msgs_per_sec=10000000 net.ipv4.icmp_msgs_burst=10000000 \
		net.core.netdev_max_backlog=10000
}

# The live farm addresses: FARM_LIVE distinct addresses of 198.19.0.0/16,
# never .0 or .255 of a /24, drawn by a partial Fisher-Yates shuffle driven
# by a Park-Miller generator (exact in awk's doubles, so every awk and every
# machine draws the same set for the same seed). Sorted, one per line.
lab_farm_addresses() {
	awk -v want="$1" -v seed="$2" 'BEGIN {
		n = 0
		for (c = 0; c < 256; c++)
			for (d = 1; d < 255; d++)
				a[n++] = "198.19." c "." d
		if (want > n) want = n
		x = (seed % 2147483646) + 1
		for (i = 0; i < want; i++) {
			x = (x * 16807) % 2147483647
			j = i + x % (n - i)
			t = a[i]; a[i] = a[j]; a[j] = t
			print a[i]
		}
	}' | sort -t . -k3,3n -k4,4n
}

# lab_build PREFIX STATE LAB-LISTEN LIVE SEED — every step of `up`; stops at
# the first failure (explicit `|| return`: set -e is void under `lab_up ||`).
lab_build() {
	local p=$1 state=$2 ll=$3 live=$4 seed=$5 n h
	for n in $LAB_NAMESPACES; do
		ip netns add "$p-$n" || return 1
		ip -n "$p-$n" link set lo up || return 1
		lab_sysctls "$p" "$n" || return 1
	done

	# The LAN: a bridge in its own namespace; veths are made in place, so
	# nothing ever appears in the root namespace.
	ip -n "$p-lan" link add br0 type bridge || return 1
	ip -n "$p-lan" link set br0 up || return 1
	ip -n "$p-scan" link add lan0 address 02:00:c6:12:01:01 type veth \
		peer name scan netns "$p-lan" || return 1
	ip -n "$p-scan" addr add 198.18.1.1/24 dev lan0 || return 1
	ip -n "$p-scan" link set lan0 up || return 1
	ip -n "$p-lan" link set scan master br0 up || return 1
	for h in 10 11 12 13; do
		ip -n "$p-h$h" link add eth0 address "02:00:c6:12:01:$(printf %02x "$h")" \
			type veth peer name "h$h" netns "$p-lan" || return 1
		ip -n "$p-h$h" addr add "198.18.1.$h/24" dev eth0 || return 1
		ip -n "$p-h$h" link set eth0 up || return 1
		ip -n "$p-lan" link set "h$h" master br0 up || return 1
	done

	# Host personalities.
	lab_ns "$p" h10 "$ll" -p "$state/h10.pid" 22 || return 1
	lab_ns "$p" h11 nft -f - <<-'EOF' || return 1
		table ip netcensus_lab {
			chain input {
				type filter hook input priority filter; policy drop;
			}
		}
	EOF
	lab_ns "$p" h12 nft -f - <<-'EOF' || return 1
		table ip netcensus_lab {
			chain input {
				type filter hook input priority filter; policy accept;
				ip protocol icmp drop
			}
		}
	EOF
	lab_ns "$p" h12 "$ll" -p "$state/h12.pid" 80 || return 1

	# The farm: one namespace answering for a whole /16, made sparse.
	ip -n "$p-scan" link add farm0 address 02:00:c6:12:02:01 type veth \
		peer name eth0 address 02:00:c6:12:02:02 netns "$p-farm" || return 1
	ip -n "$p-scan" addr add 198.18.2.1/30 dev farm0 || return 1
	ip -n "$p-scan" link set farm0 up || return 1
	ip -n "$p-scan" route add 198.19.0.0/16 via 198.18.2.2 dev farm0 || return 1
	ip -n "$p-farm" addr add 198.18.2.2/30 dev eth0 || return 1
	ip -n "$p-farm" link set eth0 up || return 1
	ip -n "$p-farm" route add local 198.19.0.0/16 dev lo || return 1
	lab_sysctl "$p" farm net.core.somaxconn=65535 \
		net.ipv4.tcp_max_syn_backlog=65535 || return 1
	lab_farm_addresses "$live" "$seed" >"$state/farm-live.txt" || return 1
	{
		echo "table ip netcensus_lab {"
		echo "	set live {"
		echo "		type ipv4_addr"
		if [ -s "$state/farm-live.txt" ]; then
			printf '\t\telements = { '
			paste -sd, "$state/farm-live.txt"
			echo "		}"
		fi
		echo "	}"
		echo "	chain pre {"
		echo "		type filter hook prerouting priority raw; policy accept;"
		echo "		ip daddr 198.19.0.0/16 ip daddr != @live drop"
		echo "	}"
		echo "}"
	} >"$state/farm.nft" || return 1
	lab_ns "$p" farm nft -f "$state/farm.nft" || return 1
	lab_ns "$p" farm "$ll" -p "$state/farm.pid" 80 443 || return 1
}

lab_up() {
	local p=$1 state ll n live=${FARM_LIVE:-1024} seed=${FARM_SEED:-1}
	lab_check_prefix "$p" || return 1
	[ "$(id -u)" = 0 ] || { lab_die "needs root"; return 1; }
	case "$live$seed" in
	"" | *[!0-9]*) lab_die "FARM_LIVE and FARM_SEED must be numbers"; return 1 ;;
	esac
	for n in $LAB_NAMESPACES; do
		if lab_ns_exists "$p-$n"; then
			lab_die "namespace $p-$n already exists (lab.sh down $p first)"
			return 1
		fi
	done
	state=$LAB_STATE/$p
	mkdir -p "$state" || return 1
	ll=$(lab_listen_path "$state") || return 1
	if ! lab_build "$p" "$state" "$ll" "$live" "$seed"; then
		lab_die "building lab $p failed; tearing it down"
		lab_down "$p"
		return 1
	fi
}

# lab_alive PID — running and not a zombie waiting for its reaper.
lab_alive() {
	local st
	st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
	case "$st" in Z*) return 1 ;; esac
}

# Kill only the pids we wrote (and only if they still are lab-listen), then
# delete only the namespaces this lab made.
lab_down() {
	local p=$1 state f pid n i
	lab_check_prefix "$p" || return 1
	state=$LAB_STATE/$p
	for f in "$state"/*.pid; do
		[ -f "$f" ] || continue
		pid=$(cat "$f" 2>/dev/null)
		case "$pid" in "" | *[!0-9]*) rm -f "$f"; continue ;; esac
		if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q lab-listen; then
			kill "$pid" 2>/dev/null
			for i in 1 2 3 4 5 6 7 8 9 10; do
				lab_alive "$pid" || break
				sleep 0.1
			done
			lab_alive "$pid" && kill -9 "$pid" 2>/dev/null
		fi
		rm -f "$f"
	done
	for n in $LAB_NAMESPACES; do
		if lab_ns_exists "$p-$n"; then
			ip netns del "$p-$n" || lab_die "cannot delete namespace $p-$n"
		fi
	done
	rm -rf "${state:?}"
	return 0
}

# ---- helpers for tests/lab/*.test (source tests/tap.sh first) ----------

# lab_test_init — skip unless root with `ip netns`, nft and sqlite3; build a
# lab named nc<pid>; tear it down, kill what the test started in the
# background (lab_test_bg) and remove $T on exit. Sets P (prefix), LAB (its
# state directory, with farm-live.txt) and T (a temporary directory).
lab_test_init() {
	[ "$(id -u)" = 0 ] || skip_all "needs root (lab namespaces)"
	ip netns list >/dev/null 2>&1 || skip_all "ip netns is unavailable"
	command -v nft >/dev/null || skip_all "needs nft (nftables)"
	command -v sqlite3 >/dev/null || skip_all "needs the sqlite3 CLI"
	need_netcensus
	P=nc$$
	LAB=$LAB_STATE/$P
	LAB_TEST_PIDS=
	lab_status "$P" && bail_out "a lab named $P is already up (stale? tests/lab/lab.sh down $P)"
	T=$(mktemp -d) || bail_out "mktemp failed"
	trap lab_test_cleanup EXIT
	trap 'exit 129' HUP INT TERM
	lab_up "$P" >&2 || bail_out "cannot build the lab $P"
}

lab_test_cleanup() {
	local pid
	for pid in $LAB_TEST_PIDS; do
		kill -9 "$pid" 2>/dev/null
	done
	lab_down "$P" >&2
	rm -rf "${T:?}"
}

# lab_test_bg PID — kill PID at exit if it still runs.
lab_test_bg() {
	LAB_TEST_PIDS="$LAB_TEST_PIDS $1"
}

# in_scan CMD... — run CMD in the scanner's namespace.
in_scan() {
	ip netns exec "$P-scan" "$@"
}

# sql DB QUERY — one query through the sqlite3 CLI ("|" between columns);
# never creates DB (mode=rw), so it cannot fake a database the test expects.
sql() {
	sqlite3 -batch -cmd '.timeout 5000' "file:$1?mode=rw" "$2"
}

# wait_exit PID SECS — wait for a background child; its exit status, or 124
# (after killing it) if it is still running after SECS seconds.
wait_exit() {
	local pid=$1 n=$(($2 * 10))
	while [ "$n" -gt 0 ] && lab_alive "$pid"; do
		sleep 0.1
		n=$((n - 1))
	done
	if lab_alive "$pid"; then
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		return 124
	fi
	wait "$pid"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	case "$1" in
	up) [ $# -eq 2 ] && { lab_up "$2"; exit; } ;;
	down) [ $# -eq 2 ] && { lab_down "$2"; exit; } ;;
	status) [ $# -eq 2 ] && { lab_status "$2"; exit; } ;;
	esac
	echo "usage: lab.sh up|down|status PREFIX" >&2
	exit 2
fi
