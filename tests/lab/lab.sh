#!/bin/bash
# lab.sh — build and tear down the netcensus test lab: a handful of network
# namespaces that hold every host the tests and benchmarks may scan.
#
#   lab.sh up PREFIX [services] [farmsvc]  build the lab (fails if
#                         PREFIX-scan already exists); with "services" (or
#                         LAB_SERVICES=1) also the services segment below,
#                         with real daemons; with "farmsvc" (or
#                         FARM_SERVICES=1) real banners on every farm host
#   lab.sh down PREFIX    tear it down; safe to call twice
#   lab.sh status PREFIX  exit 0 if the lab is up
#
# or `. lab.sh` and call lab_up / lab_down / lab_status / lab_ns / lab_fact,
# and lab_add_host to add a host to a running lab.
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
# The farm services (only when asked): the farm's port 80 answers like a
# web server and its port 22 is a real OpenSSH sshd, so every live farm
# address has an SSH and an HTTP banner (443 stays a bare open port):
#   PREFIX-farm  sshd on the wildcard address, port 22: its own host key
#                and config in $LAB_STATE/PREFIX/farmsvc/, limits raised
#                for thousands of concurrent banner grabs (MaxStartups,
#                LoginGraceTime 10, no re-exec, an accept queue of 4096
#                through an LD_PRELOAD shim); HTTP on 80 (lab-listen -r:
#                "Server: nginx/1.22.1", title "netcensus farm").
#   Facts in $LAB_STATE/PREFIX/farmsvc.facts (farm.ssh.banner,
#   farm.http.server, farm.http.title, ...), read with lab_fact too.
#
# The services segment (only when asked: it takes a few seconds to start):
#   PREFIX-scan  also svc0 198.18.4.1/24 (02:00:c6:12:04:01)
#   PREFIX-svc   bridge br0 joining svc0 and the service hosts (no IP)
#   PREFIX-s20   198.18.4.20 02:00:c6:12:04:14  OpenSSH sshd, TCP 22
#   PREFIX-s21   198.18.4.21 02:00:c6:12:04:15  snmpd: v2c community and a
#                v3 user (SHA/AES), sysName nc-snmp21, default sysDescr
#   PREFIX-s22   198.18.4.22 02:00:c6:12:04:16  snmpd posing as an HP
#                JetDirect printer; answers one non-default community only
#   PREFIX-s23   198.18.4.23 02:00:c6:12:04:17  Samba smbd (SMB2+, TCP 445
#                and 139) and nmbd (UDP 137): NCLABSMB in workgroup NCLAB
#   PREFIX-s24   198.18.4.24 02:00:c6:12:04:18  HTTP on 80 (lab-listen -r:
#                "Server: nclab-httpd/1.0"), TLS on 443 (openssl s_server
#                -www, self-signed CN=nc-web.lab.example + 2 DNS SANs)
# Each daemon has its config, keys, logs and pidfile in $LAB_STATE/PREFIX/sNN/
# and is confirmed listening before `up` returns. Written for the tests:
#   $LAB_STATE/PREFIX/creds.conf       netcensus credentials (mode 0600):
#                [snmp wrong-v3], [snmp lab-v2c], [snmp lab-v3],
#                [snmp printer-v2c], in that order
#   $LAB_STATE/PREFIX/services.facts   what a fingerprinter should find, one
#                KEY=VALUE a line (value raw to the end of the line; # starts
#                a comment line); read one with lab_fact PREFIX KEY
#
# Environment: FARM_LIVE, FARM_SEED, FARM_SERVICES, LAB_LISTEN (path of lab-listen; found
# next to this script or in $NC_BUILDDIR/tests/lab, else compiled from
# listen.c into the state directory), LAB_STATE (default /run/netcensus-lab).

LAB_STATE=${LAB_STATE:-/run/netcensus-lab}
LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Every namespace a lab owns, as suffixes of PREFIX-.
LAB_NAMESPACES="scan lan h10 h11 h12 h13 farm"
# ... and those of the optional services segment.
LAB_SVC_HOSTS="s20 s21 s22 s23 s24"
LAB_SVC_NAMESPACES="svc $LAB_SVC_HOSTS"

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

# Find or build lab-listen; prints its path. A build older than listen.c
# is passed over (it may lack an option the lab uses), unless LAB_LISTEN
# names it.
lab_listen_path() {
	local state=$1 c
	if [ -n "${LAB_LISTEN:-}" ] && [ -x "$LAB_LISTEN" ]; then
		echo "$LAB_LISTEN"
		return 0
	fi
	for c in "$LAB_DIR/lab-listen" \
		${NC_BUILDDIR:+"$NC_BUILDDIR/tests/lab/lab-listen"}; do
		if [ -x "$c" ] && ! [ "$LAB_DIR/listen.c" -nt "$c" ]; then
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

# lab_build PREFIX STATE LAB-LISTEN LIVE SEED [FARMSVC] — every step of
# `up`; stops at the first failure (explicit `|| return`: set -e is void
# under `lab_up ||`). With FARMSVC non-empty the farm's bare listener leaves
# port 80 to the farm services (lab_farmsvc_build).
lab_build() {
	local p=$1 state=$2 ll=$3 live=$4 seed=$5 farmsvc=${6-} n h farmports="80 443"
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
	[ -n "$farmsvc" ] && farmports=443
	lab_ns "$p" farm "$ll" -p "$state/farm.pid" $farmports || return 1
}

# lab_up PREFIX [services] [farmsvc]
lab_up() {
	local p=$1 state ll n part live=${FARM_LIVE:-1024} seed=${FARM_SEED:-1}
	local services=${LAB_SERVICES:-} farmsvc=${FARM_SERVICES:-}
	for part in "${@:2}"; do
		case "$part" in
		services) services=1 ;;
		farmsvc) farmsvc=1 ;;
		*) lab_die "unknown lab part '$part' (known: services, farmsvc)"; return 1 ;;
		esac
	done
	[ "$services" = 0 ] && services=
	[ "$farmsvc" = 0 ] && farmsvc=
	lab_check_prefix "$p" || return 1
	[ "$(id -u)" = 0 ] || { lab_die "needs root"; return 1; }
	case "$live$seed" in
	"" | *[!0-9]*) lab_die "FARM_LIVE and FARM_SEED must be numbers"; return 1 ;;
	esac
	if [ -n "$services" ]; then
		lab_svc_need_tools || return 1
	fi
	if [ -n "$farmsvc" ]; then
		lab_farmsvc_need_tools || return 1
	fi
	for n in $LAB_NAMESPACES $LAB_SVC_NAMESPACES; do
		if lab_ns_exists "$p-$n"; then
			lab_die "namespace $p-$n already exists (lab.sh down $p first)"
			return 1
		fi
	done
	state=$LAB_STATE/$p
	mkdir -p "$state" || return 1
	ll=$(lab_listen_path "$state") || return 1
	if ! lab_build "$p" "$state" "$ll" "$live" "$seed" "$farmsvc"; then
		lab_die "building lab $p failed; tearing it down"
		lab_down "$p"
		return 1
	fi
	if [ -n "$farmsvc" ] && ! lab_farmsvc_build "$p" "$state" "$ll"; then
		lab_die "building the farm services of lab $p failed; tearing it down"
		lab_down "$p"
		return 1
	fi
	if [ -n "$services" ] && ! lab_svc_build "$p" "$state" "$ll"; then
		lab_die "building the services of lab $p failed; tearing it down"
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

# Kill only the pids we wrote (and only if they still run inside one of this
# lab's namespaces: a recycled pid is left alone), then delete only the
# namespaces this lab made.
lab_down() {
	local p=$1 state f pid n i inns=" " extra
	lab_check_prefix "$p" || return 1
	state=$LAB_STATE/$p
	extra=$(lab_extra_namespaces "$state")
	for n in $LAB_NAMESPACES $extra; do
		lab_ns_exists "$p-$n" &&
			inns="$inns$(ip netns pids "$p-$n" 2>/dev/null | tr '\n' ' ')"
	done
	for f in "$state"/*.pid; do
		[ -f "$f" ] || continue
		pid=$(cat "$f" 2>/dev/null)
		case "$pid" in "" | *[!0-9]*) rm -f "$f"; continue ;; esac
		if case "$inns" in *" $pid "*) true ;; *) false ;; esac then
			kill "$pid" 2>/dev/null
			for i in 1 2 3 4 5 6 7 8 9 10; do
				lab_alive "$pid" || break
				sleep 0.1
			done
			lab_alive "$pid" && kill -9 "$pid" 2>/dev/null
		fi
		rm -f "$f"
	done
	lab_farmsvc_stop "$p" "$state"
	lab_svc_stop "$p" "$state"
	for n in $LAB_NAMESPACES $LAB_SVC_NAMESPACES $extra; do
		if lab_ns_exists "$p-$n"; then
			ip netns del "$p-$n" || lab_die "cannot delete namespace $p-$n"
		fi
	done
	rm -rf "${state:?}"
	return 0
}

# ---- hosts added to a running lab (lab_add_host) --------------------------
#
# For tests that change the lab between two scans (tests/lab/diff.test): a
# new host appears on the LAN. Its namespace is listed in
# $LAB_STATE/PREFIX/extra-namespaces, so lab_down kills the pids of its
# pidfiles found there and deletes it like the others.

# lab_extra_namespaces STATE — the suffixes lab_add_host recorded.
lab_extra_namespaces() {
	[ -f "$1/extra-namespaces" ] || return 0
	grep -x 'h[0-9]*' "$1/extra-namespaces"
}

# lab_add_host PREFIX N — a new host PREFIX-hN on the LAN with 198.18.1.N/24
# and MAC 02:00:c6:12:01:NN (N in hex), nothing listening. N: 14-254 (the
# lab's own hosts are 10-13, the scanner 1).
lab_add_host() {
	local p=$1 h=$2 state=$LAB_STATE/$1
	lab_check_prefix "$p" || return 1
	case "$h" in "" | *[!0-9]*) lab_die "lab_add_host: bad host number '$h'"; return 1 ;; esac
	if [ "$h" -lt 14 ] || [ "$h" -gt 254 ]; then
		lab_die "lab_add_host: host number $h not in 14-254"
		return 1
	fi
	lab_ns_exists "$p-scan" || { lab_die "lab $p is not up"; return 1; }
	lab_ns_exists "$p-h$h" && { lab_die "namespace $p-h$h already exists"; return 1; }
	ip netns add "$p-h$h" || return 1
	echo "h$h" >>"$state/extra-namespaces" || return 1
	ip -n "$p-h$h" link set lo up || return 1
	lab_sysctls "$p" "h$h" || return 1
	ip -n "$p-h$h" link add eth0 address "02:00:c6:12:01:$(printf %02x "$h")" \
		type veth peer name "h$h" netns "$p-lan" || return 1
	ip -n "$p-h$h" addr add "198.18.1.$h/24" dev eth0 || return 1
	ip -n "$p-h$h" link set eth0 up || return 1
	ip -n "$p-lan" link set "h$h" master br0 up || return 1
}

# ---- the services segment (lab_up PREFIX services) ------------------------
#
# Real daemons for the fingerprinting tests, each alone in its namespace on
# the bridge of PREFIX-svc. The secrets below are the lab's own, test-only;
# the tests read them from creds.conf, never from here.

LAB_SNMP_COMMUNITY=nclab-public
LAB_SNMP_V3_USER=ncv3user
LAB_SNMP_V3_AUTH=nclab-auth-pass21
LAB_SNMP_V3_PRIV=nclab-priv-pass21
LAB_SNMP_PRINTER_COMMUNITY=nc-private-22
LAB_SNMP_PRINTER_DESCR="HP ETHERNET MULTI-ENVIRONMENT,ROM none,JETDIRECT,JD153,EEPROM JSI24090012,CIDATE 06/12/2018"
LAB_SNMP_PRINTER_OID=1.3.6.1.4.1.11.2.3.9.1
LAB_HTTP_SERVER=nclab-httpd/1.0
LAB_HTTP_TITLE="netcensus lab & friends"
LAB_TLS_CN=nc-web.lab.example
LAB_TLS_SANS=nc-web.lab.example,www.lab.example
# How long a daemon may take to listen (tenths of a second).
LAB_SVC_WAIT=${LAB_SVC_WAIT:-200}

lab_svc_need_tools() {
	local t missing=
	for t in /usr/sbin/sshd ssh-keygen snmpd snmpget smbd nmbd openssl \
		setsid ss timeout; do
		command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
	done
	[ -z "$missing" ] ||
		lab_die "the services part needs:$missing (tests/install-deps.sh installs them)"
}

# lab_fact PREFIX KEY — the value of KEY in the lab's services.facts (or,
# for the farm services, farmsvc.facts).
lab_fact() {
	local f files=
	for f in services.facts farmsvc.facts; do
		[ -f "$LAB_STATE/$1/$f" ] && files="$files $LAB_STATE/$1/$f"
	done
	[ -n "$files" ] || files=$LAB_STATE/$1/services.facts # (its error)
	awk -v k="$2" 'index($0, k "=") == 1 { print substr($0, length(k) + 2); f = 1; exit }
		END { exit !f }' $files
}

# lab_snmp_client DIR LINE... — make DIR a net-snmp client configuration:
# an snmp.conf of LINEs ("defVersion 2c", "defCommunity x", ...), read by
# lab_snmp. Secrets stay out of argv (and so out of ps).
lab_snmp_client() {
	local d=$1
	shift
	# (cert_indexes: else the first command says it created it)
	mkdir -p "$d/cert_indexes" && chmod 700 "$d" &&
		{ echo "mibs :"; printf '%s\n' "$@"; } >"$d/snmp.conf"
}

# lab_snmp PREFIX DIR CMD ARG... — run net-snmp's CMD (snmpget, snmpwalk)
# in PREFIX-scan with only DIR's configuration (and DIR for its state).
lab_snmp() {
	local p=$1 d=$2
	shift 2
	SNMPCONFPATH=$d SNMP_PERSISTENT_DIR=$d ip netns exec "$p-scan" "$@"
}

# lab_banner PREFIX ADDR PORT — the first line a TCP server at ADDR:PORT
# says (CR stripped), read from PREFIX-scan; fails after 5 s.
lab_banner() {
	ip netns exec "$1-scan" timeout 5 bash -c \
		'exec 3<>"/dev/tcp/$0/$1" && head -n 1 <&3 | tr -d "\r"' "$2" "$3"
}

# lab_svc_start PREFIX NS PIDFILE LOG CMD... — run CMD (one that stays in
# the foreground) detached inside PREFIX-NS: own session, stdio on LOG, its
# pid in PIDFILE.
lab_svc_start() {
	local p=$1 n=$2 pidfile=$3 log=$4
	shift 4
	ip netns exec "$p-$n" env -u NOTIFY_SOCKET setsid -f \
		sh -c 'echo $$ >"$0" && exec "$@"' "$pidfile" "$@" \
		</dev/null >>"$log" 2>&1
}

# lab_svc_wait PREFIX NS t|u ADDR PORT PIDFILE LOG WHAT — wait until a
# socket of PREFIX-NS listens on ADDR:PORT (or on the wildcard). Fails, with
# the end of LOG (and of the daemon's stdio, PIDFILE's name with .out),
# after LAB_SVC_WAIT tenths of a second or as soon as the daemon of PIDFILE
# is gone (a second of grace for it to write PIDFILE).
lab_svc_wait() {
	local p=$1 n=$2 proto=$3 addr=$4 port=$5 pidfile=$6 log=$7 what=$8 i=0 pid f
	while [ "$i" -lt "$LAB_SVC_WAIT" ]; do
		if ip netns exec "$p-$n" ss -Hln"$proto" 2>/dev/null |
			awk -v a="$addr" -v port="$port" '{
				i = match($4, /:[0-9]+$/)
				ad = substr($4, 1, i - 1); pt = substr($4, i + 1)
				if (pt == port && (ad == a || ad == "*" || ad ~ /^[0.]+$/)) f = 1
			} END { exit !f }'; then
			return 0
		fi
		pid=$(cat "$pidfile" 2>/dev/null)
		if [ "$i" -ge 10 ] && { [ -z "$pid" ] || ! lab_alive "$pid"; }; then
			lab_die "$what in $p-$n exited before listening on $addr:$port"
			break
		fi
		sleep 0.1
		i=$((i + 1))
	done
	[ "$i" -lt "$LAB_SVC_WAIT" ] ||
		lab_die "$what in $p-$n not listening on $addr:$port after $((LAB_SVC_WAIT / 10)) s"
	for f in "$log" "${pidfile%.pid}.out"; do
		[ -s "$f" ] || continue
		echo "--- end of $f:" >&2
		tail -n 20 "$f" >&2
	done
	return 1
}

# lab_svc_fact KEY VALUE — one line of services.facts ($facts).
lab_svc_fact() {
	case "$2" in
	*"
"*) lab_die "fact $1 spans lines"; return 1 ;;
	esac
	printf '%s=%s\n' "$1" "$2" >>"$facts"
}

# s20: OpenSSH with a host key of its own, no PAM, no logins.
lab_svc_ssh() {
	local p=$1 d=$2/s20 banner
	ssh-keygen -q -t ed25519 -N '' -C "nc-ssh20" -f "$d/ssh_host_ed25519_key" || return 1
	cat >"$d/sshd_config" <<-EOF || return 1
		# sshd of lab host $p-s20 (tests/lab/lab.sh)
		Port 22
		AddressFamily inet
		ListenAddress 198.18.4.20
		HostKey $d/ssh_host_ed25519_key
		PidFile $d/sshd.pid
		UsePAM no
		PermitRootLogin no
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		AuthorizedKeysFile none
		X11Forwarding no
		PrintMotd no
	EOF
	# The privilege-separation directory is compiled in.
	[ -d /run/sshd ] || mkdir -m 755 /run/sshd || return 1
	ip netns exec "$p-s20" env -u NOTIFY_SOCKET /usr/sbin/sshd -f "$d/sshd_config" \
		-E "$d/sshd.log" </dev/null >>"$d/sshd.log" 2>&1 ||
		{ lab_die "sshd in $p-s20 failed"; tail -n 20 "$d/sshd.log" >&2; return 1; }
	lab_svc_wait "$p" s20 t 198.18.4.20 22 "$d/sshd.pid" "$d/sshd.log" sshd || return 1
	banner=$(lab_banner "$p" 198.18.4.20 22) && [ -n "$banner" ] ||
		{ lab_die "no SSH banner from 198.18.4.20:22"; return 1; }
	lab_svc_fact s20.ssh.port 22 &&
		lab_svc_fact s20.ssh.banner "$banner" &&
		lab_svc_fact s20.ssh.hostkey "$(cut -d ' ' -f 1,2 "$d/ssh_host_ed25519_key.pub")" &&
		lab_svc_fact s20.ssh.hostkey.sha256 \
			"$(ssh-keygen -l -E sha256 -f "$d/ssh_host_ed25519_key.pub" | cut -d ' ' -f 2)"
}

# lab_svc_snmpd PREFIX STATE HOST — start snmpd on 198.18.4.HOST with
# $STATE/sHOST/snmpd.conf (written by the caller).
lab_svc_snmpd() {
	local p=$1 d=$2/s$3
	mkdir -p "$d/persist" || return 1
	SNMP_PERSISTENT_DIR=$d/persist lab_svc_start "$p" "s$3" "$d/snmpd.pid" "$d/snmpd.out" \
		snmpd -f -C -I -smux -c "$d/snmpd.conf" -Lf "$d/snmpd.log" -p "$d/snmpd.pid" || return 1
	lab_svc_wait "$p" "s$3" u "198.18.4.$3" 161 "$d/snmpd.pid" "$d/snmpd.log" snmpd
}

# lab_svc_snmp_facts PREFIX STATE HOST CLIENT-DIR — record the system
# group that 198.18.4.HOST really answers (sysDescr, sysObjectID, engine id
# depend on the machine and on net-snmp).
lab_svc_snmp_facts() {
	local p=$1 h=$3 c=$4 k v x
	for k in sysdescr:1.3.6.1.2.1.1.1.0 sysobjectid:1.3.6.1.2.1.1.2.0 \
		syscontact:1.3.6.1.2.1.1.4.0 sysname:1.3.6.1.2.1.1.5.0 \
		syslocation:1.3.6.1.2.1.1.6.0 engineid:1.3.6.1.6.3.10.2.1.1.0; do
		x=
		[ "${k%%:*}" = engineid ] && x=-Ox
		v=$(lab_snmp "$p" "$c" snmpget -t 1 -r 3 -On -Oqv $x "198.18.4.$h" "${k#*:}" \
			2>"$c/snmpget.err") || {
			lab_die "snmpget ${k#*:} from 198.18.4.$h failed: $(cat "$c/snmpget.err")"
			return 1
		}
		case "${k%%:*}" in
		sysobjectid) v=${v#.} ;;
		engineid) v=$(printf '%s' "$v" | tr -d ' \n"' | tr 'A-F' 'a-f') ;;
		*) v=${v#\"}; v=${v%\"} ;;
		esac
		lab_svc_fact "s$h.snmp.${k%%:*}" "$v" || return 1
	done
}

# s21: snmpd with a v2c community and a v3 user; s22: snmpd posing as a
# JetDirect printer, one non-default community only.
lab_svc_snmp() {
	local p=$1 state=$2
	cat >"$state/s21/snmpd.conf" <<-EOF || return 1
		# snmpd of lab host $p-s21 (tests/lab/lab.sh)
		agentaddress udp:198.18.4.21:161
		rocommunity $LAB_SNMP_COMMUNITY 198.18.4.0/24
		createUser $LAB_SNMP_V3_USER SHA "$LAB_SNMP_V3_AUTH" AES "$LAB_SNMP_V3_PRIV"
		rouser $LAB_SNMP_V3_USER priv
		engineID nc-snmp21
		sysname nc-snmp21
		syslocation Lab rack 4
		syscontact netcensus lab <lab-admin@lab.example>
	EOF
	cat >"$state/s22/snmpd.conf" <<-EOF || return 1
		# snmpd of lab host $p-s22 (tests/lab/lab.sh): an HP JetDirect lookalike
		agentaddress udp:198.18.4.22:161
		rocommunity $LAB_SNMP_PRINTER_COMMUNITY 198.18.4.0/24
		engineID nc-printer22
		sysdescr $LAB_SNMP_PRINTER_DESCR
		sysobjectid $LAB_SNMP_PRINTER_OID
		sysname NPI120416
		syslocation Lab rack 4
		syscontact printers@lab.example
	EOF
	chmod 600 "$state/s21/snmpd.conf" "$state/s22/snmpd.conf" || return 1
	lab_svc_snmpd "$p" "$state" 21 || return 1
	lab_svc_snmpd "$p" "$state" 22 || return 1
	lab_snmp_client "$state/snmp-client/s21" "defVersion 2c" \
		"defCommunity $LAB_SNMP_COMMUNITY" || return 1
	lab_snmp_client "$state/snmp-client/s22" "defVersion 2c" \
		"defCommunity $LAB_SNMP_PRINTER_COMMUNITY" || return 1
	lab_svc_fact s21.snmp.port 161 &&
		lab_svc_fact s21.snmp.creds lab-v2c,lab-v3 &&
		lab_svc_snmp_facts "$p" "$state" 21 "$state/snmp-client/s21" &&
		lab_svc_fact s22.snmp.port 161 &&
		lab_svc_fact s22.snmp.creds printer-v2c &&
		lab_svc_snmp_facts "$p" "$state" 22 "$state/snmp-client/s22" &&
		lab_svc_fact s22.device printer
}

# s23: Samba, everything it keeps under $STATE/s23, bound to its veth only.
lab_svc_smb() {
	local p=$1 d=$2/s23 x
	for x in private lock state cache pid ncalrpc binddns share log; do
		mkdir -p "$d/$x" || return 1
	done
	chmod 700 "$d/private" || return 1
	echo "netcensus lab share" >"$d/share/README.txt" || return 1
	cat >"$d/smb.conf" <<-EOF || return 1
		# Samba of lab host $p-s23 (tests/lab/lab.sh)
		[global]
		netbios name = NCLABSMB
		workgroup = NCLAB
		server string = netcensus lab file server
		server role = standalone server
		server min protocol = SMB2
		interfaces = 198.18.4.23/24
		bind interfaces only = yes
		smb ports = 445 139
		disable netbios = no
		local master = no
		domain master = no
		preferred master = no
		dns proxy = no
		wins support = no
		private dir = $d/private
		lock directory = $d/lock
		state directory = $d/state
		cache directory = $d/cache
		pid directory = $d/pid
		ncalrpc dir = $d/ncalrpc
		binddns dir = $d/binddns
		usershare path = $d/usershares
		passdb backend = tdbsam:$d/private/passdb.tdb
		log file = $d/log/%m.log
		max log size = 1000
		logging = file
		load printers = no
		printing = bsd
		printcap name = /dev/null
		disable spoolss = yes
		map to guest = bad user
		registry shares = no
		config backend = file

		[pub]
		comment = netcensus lab public share
		path = $d/share
		read only = yes
		guest ok = yes
	EOF
	lab_svc_start "$p" s23 "$d/nmbd.pid" "$d/nmbd.out" \
		nmbd --foreground --no-process-group --configfile="$d/smb.conf" || return 1
	lab_svc_start "$p" s23 "$d/smbd.pid" "$d/smbd.out" \
		smbd --foreground --no-process-group --configfile="$d/smb.conf" || return 1
	lab_svc_wait "$p" s23 t 198.18.4.23 445 "$d/smbd.pid" "$d/log/smbd.log" smbd &&
		lab_svc_wait "$p" s23 t 198.18.4.23 139 "$d/smbd.pid" "$d/log/smbd.log" smbd &&
		lab_svc_wait "$p" s23 u 198.18.4.23 137 "$d/nmbd.pid" "$d/log/nmbd.log" nmbd || return 1
	lab_svc_fact s23.smb.ports 445,139 &&
		lab_svc_fact s23.nbns.port 137 &&
		lab_svc_fact s23.smb.netbios_name NCLABSMB &&
		lab_svc_fact s23.smb.workgroup NCLAB &&
		lab_svc_fact s23.smb.server_string "netcensus lab file server" &&
		lab_svc_fact s23.smb.min_protocol SMB2_02 &&
		lab_svc_fact s23.smb.shares pub &&
		lab_svc_fact s23.smb.version "$(smbd -V | sed 's/^Version //')"
}

# s24: HTTP (lab-listen -r) on 80, TLS (openssl s_server -www) on 443.
lab_svc_web() {
	local p=$1 d=$2/s24 ll=$3 body
	body="<!DOCTYPE html>
<html><head><title>netcensus lab &amp; friends</title></head>
<body><h1>netcensus lab &amp; friends</h1><p>A web server of the netcensus test lab.</p></body></html>
"
	printf 'HTTP/1.1 200 OK\r\nServer: %s\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
		"$LAB_HTTP_SERVER" "${#body}" "$body" >"$d/http-reply" || return 1
	lab_ns "$p" s24 "$ll" -p "$d/http.pid" -r "$d/http-reply" 80 || return 1
	lab_svc_wait "$p" s24 t 198.18.4.24 80 "$d/http.pid" /dev/null lab-listen || return 1

	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-days 30 -subj "/CN=$LAB_TLS_CN" \
		-addext "subjectAltName=DNS:${LAB_TLS_SANS//,/,DNS:}" \
		-keyout "$d/tls.key" -out "$d/tls.crt" >"$d/openssl-req.log" 2>&1 ||
		{ lab_die "openssl req failed"; cat "$d/openssl-req.log" >&2; return 1; }
	lab_svc_start "$p" s24 "$d/tls.pid" "$d/tls.log" \
		openssl s_server -quiet -www -accept 198.18.4.24:443 \
		-cert "$d/tls.crt" -key "$d/tls.key" || return 1
	lab_svc_wait "$p" s24 t 198.18.4.24 443 "$d/tls.pid" "$d/tls.log" "openssl s_server" || return 1
	lab_svc_fact s24.http.port 80 &&
		lab_svc_fact s24.http.server "$LAB_HTTP_SERVER" &&
		lab_svc_fact s24.http.title "$LAB_HTTP_TITLE" &&
		lab_svc_fact s24.tls.port 443 &&
		lab_svc_fact s24.tls.cn "$LAB_TLS_CN" &&
		lab_svc_fact s24.tls.sans "$LAB_TLS_SANS" &&
		lab_svc_fact s24.tls.sha256 "$(openssl x509 -in "$d/tls.crt" -outform der |
			sha256sum | cut -d ' ' -f 1)" &&
		lab_svc_fact s24.tls.not_after "$(openssl x509 -in "$d/tls.crt" -noout -enddate |
			sed 's/^notAfter=//')"
}

# The credentials the tests hand to netcensus, in netcensus.conf(5) form.
lab_svc_creds() {
	(
		umask 077
		cat >"$1/creds.conf" <<-EOF
			# netcensus credentials for the lab's services segment (tests/lab/lab.sh).
			# Test-only secrets of test-only daemons. Tried in file order; the first
			# is wrong on purpose: one bad credential must not stop the others.
			[snmp wrong-v3]
			version = 3
			user = ncnobody
			auth = SHA:not-the-auth-pass
			priv = AES:not-the-priv-pass

			[snmp lab-v2c]
			version = 2c
			community = $LAB_SNMP_COMMUNITY

			[snmp lab-v3]
			version = 3
			user = $LAB_SNMP_V3_USER
			auth = SHA:$LAB_SNMP_V3_AUTH
			priv = AES:$LAB_SNMP_V3_PRIV

			[snmp printer-v2c]
			version = 2c
			community = $LAB_SNMP_PRINTER_COMMUNITY
		EOF
	) && chmod 600 "$1/creds.conf"
}

# lab_svc_build PREFIX STATE LAB-LISTEN — every step of the services part.
lab_svc_build() {
	local p=$1 state=$2 ll=$3 n h facts=$2/services.facts.new
	for n in $LAB_SVC_NAMESPACES; do
		ip netns add "$p-$n" || return 1
		ip -n "$p-$n" link set lo up || return 1
		lab_sysctls "$p" "$n" || return 1
	done
	ip -n "$p-svc" link add br0 type bridge || return 1
	ip -n "$p-svc" link set br0 up || return 1
	ip -n "$p-scan" link add svc0 address 02:00:c6:12:04:01 type veth \
		peer name scan netns "$p-svc" || return 1
	ip -n "$p-scan" addr add 198.18.4.1/24 dev svc0 || return 1
	ip -n "$p-scan" link set svc0 up || return 1
	ip -n "$p-svc" link set scan master br0 up || return 1
	: >"$facts" || return 1
	lab_svc_fact scanner.address 198.18.4.1 || return 1
	lab_svc_fact scanner.mac 02:00:c6:12:04:01 || return 1
	for n in $LAB_SVC_HOSTS; do
		h=${n#s}
		ip -n "$p-$n" link add eth0 address "02:00:c6:12:04:$(printf %02x "$h")" \
			type veth peer name "$n" netns "$p-svc" || return 1
		ip -n "$p-$n" addr add "198.18.4.$h/24" dev eth0 || return 1
		ip -n "$p-$n" link set eth0 up || return 1
		ip -n "$p-svc" link set "$n" master br0 up || return 1
		mkdir -p "$state/$n" || return 1
		lab_svc_fact "$n.address" "198.18.4.$h" || return 1
		lab_svc_fact "$n.mac" "02:00:c6:12:04:$(printf %02x "$h")" || return 1
	done
	lab_svc_creds "$state" || return 1
	lab_svc_ssh "$p" "$state" || return 1
	lab_svc_snmp "$p" "$state" || return 1
	lab_svc_smb "$p" "$state" || return 1
	lab_svc_web "$p" "$state" "$ll" || return 1
	mv "$facts" "$state/services.facts"
}

# lab_svc_pids PREFIX — every process in the service namespaces.
lab_svc_pids() {
	local n
	for n in $LAB_SVC_HOSTS; do
		lab_ns_exists "$1-$n" && ip netns pids "$1-$n" 2>/dev/null
	done
}

# lab_svc_stop PREFIX STATE — stop the daemons of the services part: first
# each pidfile's pid (if it is in that host's namespace), then whatever
# still runs in the service namespaces (children the daemons started), by
# pid; KILL after 3 s.
lab_svc_stop() {
	local p=$1 state=$2 n f pid inns i left
	for n in $LAB_SVC_HOSTS; do
		lab_ns_exists "$p-$n" || continue
		inns=" $(ip netns pids "$p-$n" 2>/dev/null | tr '\n' ' ') "
		for f in "$state/$n"/*.pid; do
			[ -f "$f" ] || continue
			pid=$(cat "$f" 2>/dev/null)
			case "$pid" in "" | *[!0-9]*) continue ;; esac
			case "$inns" in *" $pid "*) kill "$pid" 2>/dev/null ;; esac
		done
	done
	for i in $(seq 30); do
		left=$(lab_svc_pids "$p")
		[ -n "$left" ] || return 0
		[ "$i" = 10 ] && kill $left 2>/dev/null
		sleep 0.1
	done
	left=$(lab_svc_pids "$p")
	[ -z "$left" ] || kill -9 $left 2>/dev/null
	return 0
}

# ---- the farm services (lab_up PREFIX farmsvc) ---------------------------
#
# One sshd and one HTTP responder in PREFIX-farm, both on the wildcard
# address: through the farm's local route every live address of
# 198.19.0.0/16 then has an SSH and an HTTP banner. Built for benchmarks
# that grab thousands of banners at once, so sshd's limits are raised.

LAB_FARM_HTTP_SERVER=nginx/1.22.1
LAB_FARM_HTTP_TITLE="netcensus farm"
# sshd's accept queue in the farm (OpenSSH's own is a fixed 128).
LAB_FARM_SSH_BACKLOG=4096

lab_farmsvc_need_tools() {
	local t missing=
	for t in /usr/sbin/sshd ssh-keygen ss timeout; do
		command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
	done
	[ -z "$missing" ] ||
		lab_die "the farm services need:$missing (tests/install-deps.sh installs them)"
}

# lab_farmsvc_build PREFIX STATE LAB-LISTEN — start the farm's sshd and
# HTTP responder, check both answer on a live address, write
# STATE/farmsvc.facts.
lab_farmsvc_build() {
	local p=$1 state=$2 ll=$3 d=$2/farmsvc facts=$2/farmsvc.facts.new addr body banner rexec
	local preload backlog
	mkdir -p "$d" || return 1
	: >"$facts" || return 1
	addr=$(head -n 1 "$state/farm-live.txt")
	[ -n "$addr" ] || { lab_die "the farm services need FARM_LIVE > 0"; return 1; }

	ssh-keygen -q -t ed25519 -N '' -C "nc-farm" -f "$d/ssh_host_ed25519_key" || return 1
	# No ListenAddress: with AddressFamily inet, sshd takes the IPv4
	# wildcard. MaxStartups start:rate:full — no connection is refused
	# before 10000 unauthenticated ones are open; a banner grab that never
	# logs in is dropped after 10 s. Only fatal errors are logged (every
	# grab is an ERROR line otherwise: "Connection closed by remote host").
	cat >"$d/sshd_config" <<-EOF || return 1
		# sshd of the farm of lab $p (tests/lab/lab.sh, farmsvc)
		Port 22
		AddressFamily inet
		HostKey $d/ssh_host_ed25519_key
		PidFile $d/sshd.pid
		UsePAM no
		UseDNS no
		PermitRootLogin no
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		AuthorizedKeysFile none
		X11Forwarding no
		PrintMotd no
		MaxStartups 10000:30:20000
		LoginGraceTime 10
		LogLevel FATAL
	EOF
	[ -d /run/sshd ] || mkdir -m 755 /run/sshd || return 1
	# -r: no re-exec of sshd for each connection, where an sshd still has
	# the option (OpenSSH < 9.8): it serves banners about five times as
	# fast, and the farm's sshd must not be what a benchmark measures.
	rexec=
	/usr/sbin/sshd -r -t -f "$d/sshd_config" >/dev/null 2>&1 && rexec=-r
	preload=
	if lab_farmsvc_backlog_shim "$d"; then
		preload=LD_PRELOAD=$d/backlog.so backlog=$LAB_FARM_SSH_BACKLOG
	else
		echo "lab.sh: no $d/backlog.so (no C compiler?): the farm's sshd keeps its" \
			"accept queue of 128 and drops SYNs under a few hundred banner grabs at once" >&2
		backlog=128
	fi
	ip netns exec "$p-farm" env -u NOTIFY_SOCKET $preload /usr/sbin/sshd $rexec \
		-f "$d/sshd_config" -E "$d/sshd.log" </dev/null >>"$d/sshd.log" 2>&1 ||
		{ lab_die "sshd in $p-farm failed"; tail -n 20 "$d/sshd.log" >&2; return 1; }
	lab_svc_wait "$p" farm t "$addr" 22 "$d/sshd.pid" "$d/sshd.log" sshd || return 1

	body="<!DOCTYPE html>
<html><head><title>$LAB_FARM_HTTP_TITLE</title></head>
<body><h1>$LAB_FARM_HTTP_TITLE</h1><p>One of the hosts of the netcensus lab farm.</p></body></html>
"
	printf 'HTTP/1.1 200 OK\r\nServer: %s\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
		"$LAB_FARM_HTTP_SERVER" "${#body}" "$body" >"$d/http-reply" || return 1
	lab_ns "$p" farm "$ll" -p "$d/http.pid" -r "$d/http-reply" 80 || return 1
	lab_svc_wait "$p" farm t "$addr" 80 "$d/http.pid" /dev/null lab-listen || return 1

	# Both seen from the scanner, through the router, on a live address.
	banner=$(lab_banner "$p" "$addr" 22) && [ -n "$banner" ] ||
		{ lab_die "no SSH banner from $addr:22"; return 1; }
	lab_farm_http_check "$p" "$addr" ||
		{ lab_die "no HTTP reply with Server: $LAB_FARM_HTTP_SERVER from $addr:80"; return 1; }
	lab_svc_fact farm.ssh.port 22 &&
		lab_svc_fact farm.ssh.banner "$banner" &&
		lab_svc_fact farm.ssh.backlog "$backlog" &&
		lab_svc_fact farm.ssh.hostkey "$(cut -d ' ' -f 1,2 "$d/ssh_host_ed25519_key.pub")" &&
		lab_svc_fact farm.ssh.hostkey.sha256 \
			"$(ssh-keygen -l -E sha256 -f "$d/ssh_host_ed25519_key.pub" | cut -d ' ' -f 2)" &&
		lab_svc_fact farm.http.port 80 &&
		lab_svc_fact farm.http.server "$LAB_FARM_HTTP_SERVER" &&
		lab_svc_fact farm.http.title "$LAB_FARM_HTTP_TITLE" &&
		lab_svc_fact farm.tls.port 443 || return 1
	mv "$facts" "$state/farmsvc.facts"
}

# lab_farmsvc_backlog_shim DIR — build DIR/backlog.so, an LD_PRELOAD shim
# that raises every listen() backlog to LAB_FARM_SSH_BACKLOG. OpenSSH
# listens with a fixed backlog of 128: under a thousand banner grabs at
# once its accept queue overflows, the kernel drops handshakes, and clients
# wait out SYN-ACK retransmissions (1, 3, 7, 15 s...) or give up — the lab,
# not the scanner, would be measured. The farm's sshd is still the real
# OpenSSH; only its queue is deeper (the namespace's somaxconn is 65535).
lab_farmsvc_backlog_shim() {
	cat >"$1/backlog.c" <<-EOF || return 1
		/* listen() with a backlog of at least $LAB_FARM_SSH_BACKLOG (tests/lab/lab.sh) */
		#define _GNU_SOURCE
		#include <dlfcn.h>
		#include <stddef.h>
		#include <sys/socket.h>
		int listen(int fd, int backlog)
		{
			static int (*real_listen)(int, int);

			if (real_listen == NULL)
				real_listen = (int (*)(int, int))dlsym(RTLD_NEXT, "listen");
			if (real_listen == NULL)
				return -1;
			return real_listen(fd, backlog < $LAB_FARM_SSH_BACKLOG ? $LAB_FARM_SSH_BACKLOG : backlog);
		}
	EOF
	${CC:-cc} -O2 -Wall -shared -fPIC -o "$1/backlog.so" "$1/backlog.c" -ldl >"$1/backlog.log" 2>&1
}

# lab_farm_http_check PREFIX ADDR — does ADDR:80 answer a GET with the
# farm's Server header (seen from PREFIX-scan, 5 s at most)?
lab_farm_http_check() {
	ip netns exec "$1-scan" timeout 5 bash -c \
		'exec 3<>"/dev/tcp/$0/80" &&
		printf "GET / HTTP/1.0\r\nHost: %s\r\n\r\n" "$0" >&3 &&
		tr -d "\r" <&3' "$2" | grep -qxF "Server: $LAB_FARM_HTTP_SERVER"
}

# lab_farmsvc_stop PREFIX STATE — stop the farm services: the pids of
# STATE/farmsvc/*.pid (if they run in PREFIX-farm), then whatever they
# left in PREFIX-farm (sshd's and lab-listen's per-connection children),
# by pid; KILL after 3 s. Nothing to do for a lab without them.
lab_farmsvc_stop() {
	local p=$1 state=$2 f pid inns i left
	[ -d "$state/farmsvc" ] && lab_ns_exists "$p-farm" || return 0
	inns=" $(ip netns pids "$p-farm" 2>/dev/null | tr '\n' ' ') "
	for f in "$state/farmsvc"/*.pid; do
		[ -f "$f" ] || continue
		pid=$(cat "$f" 2>/dev/null)
		case "$pid" in "" | *[!0-9]*) continue ;; esac
		case "$inns" in *" $pid "*) kill "$pid" 2>/dev/null ;; esac
	done
	for i in $(seq 30); do
		left=$(ip netns pids "$p-farm" 2>/dev/null)
		[ -n "$left" ] || return 0
		[ "$i" = 10 ] && kill $left 2>/dev/null
		sleep 0.1
	done
	left=$(ip netns pids "$p-farm" 2>/dev/null)
	[ -z "$left" ] || kill -9 $left 2>/dev/null
	return 0
}

# ---- helpers for tests/lab/*.test (source tests/tap.sh first) ----------

# lab_test_init [services] — skip unless root with `ip netns`, nft and
# sqlite3; build a lab named nc<pid> (with its services part if asked); tear
# it down, kill what the test started in the background (lab_test_bg) and
# remove $T on exit. Sets P (prefix), LAB (its state directory, with
# farm-live.txt) and T (a temporary directory).
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
	lab_up "$P" "$@" >&2 || bail_out "cannot build the lab $P"
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
	up) [ $# -ge 2 ] && [ $# -le 4 ] && { lab_up "${@:2}"; exit; } ;;
	down) [ $# -eq 2 ] && { lab_down "$2"; exit; } ;;
	status) [ $# -eq 2 ] && { lab_status "$2"; exit; } ;;
	esac
	echo "usage: lab.sh up PREFIX [services] [farmsvc] | down PREFIX | status PREFIX" >&2
	exit 2
fi
