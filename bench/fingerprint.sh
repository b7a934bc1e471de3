#!/bin/bash
# fingerprint.sh — how fast and how right netcensus's fingerprinting is, next
# to nmap -sV and net-snmp's snmpbulkwalk, in the lab (tests/lab/lab.sh).
#
#   sudo bench/fingerprint.sh        (after a build; NETCENSUS=path overrides)
#
# Builds its own lab (prefix ncfpb): a farm of FARM_LIVE live hosts (default
# 16384) where every live address has a real SSH banner (OpenSSH sshd) and an
# HTTP one ("Server: nginx/1.22.1") — lab.sh's farmsvc part — plus the
# services segment (snmpd with a software table at 198.18.4.21). Then, each
# tool in turn inside the scanner namespace, timed with /usr/bin/time:
#
#  (a) netcensus on the farm /16: discovery only, then discovery and
#      fingerprinting with --fp-parallel 256 (the default) and 1024; hosts
#      with an ssh and an http service recorded, what product and version
#      they got, wall time, fingerprint-stage hosts/s (full wall minus the
#      discovery-only wall), peak RSS;
#  (b) nmap -sV --version-light -p22,80 -n -T5 on the live hosts of a /22
#      slice of the farm (a /16 would take nmap the better part of an hour):
#      hosts/s, and whether nmap and netcensus agree on product and version
#      of ssh and http for every host of the slice;
#  (c) the software table of the SNMP agent 198.18.4.21: netcensus scan -c
#      (the lab's creds.conf, and a file with only its v2c section) against
#      snmpbulkwalk of hrSWInstalledName with the same community (given in a
#      temporary snmp.conf, never in argv); median of 3 runs each; rows and
#      names compared one for one. Besides each process's wall time, the
#      table read itself is timed on the wire (tcpdump on the scanner's
#      svc0, if there is a tcpdump): first request for hrSWInstalledName to
#      the answer to the last one — a netcensus scan also discovers, reads
#      other tables and asks NetBIOS, which a one-column walk does not.
#
# and, when python3 is there, the lab's own ceiling: a plain asyncio banner
# grab of every live farm address on 22 and 80, so that a slow result can be
# told apart from a slow lab. Nothing leaves the lab's namespaces; the lab is
# torn down at the end.
#
# Targets checked (the fingerprinting issue): SSH and HTTP banners for all
# 16,384 farm hosts in under 30 s (the whole scan, discovery included);
# the software table read no slower than snmpbulkwalk (the table read on
# the wire; without tcpdump, netcensus's scan minus discovery-only against
# the walk's whole run).
#
# Environment: NETCENSUS, FARM_LIVE, NC_FP_OPTS (more options for the
# fingerprinting runs, e.g. "--fp-timeout 3"), FP_PARALLEL (default
# "256 1024").
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
NETCENSUS=${NETCENSUS:-$top/netcensus}
P=ncfpb
FARM=198.19.0.0/16
SLICE=198.19.0.0/22 # nmap -sV: the live hosts of this /22 only
SNMP_HOST=198.18.4.21
HR_SW_NAME=1.3.6.1.2.1.25.6.3.1.2
RATE=200000
FARM_LIVE=${FARM_LIVE:-16384}
FP_PARALLEL=${FP_PARALLEL:-256 1024}
NC_FP_OPTS=${NC_FP_OPTS:-}
RUNS=3 # SNMP timings: median of this many

. "$top/tests/lab/lab.sh"

die() { echo "fingerprint.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (it builds network namespaces)"
[ -x "$NETCENSUS" ] || die "no netcensus binary at $NETCENSUS (build first, or set NETCENSUS)"
[ -x /usr/bin/time ] || die "needs /usr/bin/time (apt-get install time)"
for t in nmap snmpbulkwalk sqlite3; do
	command -v "$t" >/dev/null || die "needs $t (tests/install-deps.sh installs it)"
done
TCPDUMP=
command -v tcpdump >/dev/null && TCPDUMP=tcpdump
# (else libpcap hands packets over in blocks, up to a second late)
TCPDUMP_NOW=
tcpdump --help 2>&1 | grep -q -- --immediate-mode && TCPDUMP_NOW=--immediate-mode
PY=
command -v python3 >/dev/null && python3 -c 'import asyncio, xml.etree.ElementTree' 2>/dev/null &&
	PY=python3

# Fingerprinting is in the binary when scan --help shows its options.
NC_FP=
"$NETCENSUS" scan --help 2>&1 | grep -q -- --fp-timeout && NC_FP=1

# The traps come after this check: a lab that was already up is not ours.
lab_status "$P" && die "a lab named $P is already up (tests/lab/lab.sh down $P)"
T=$(mktemp -d) || exit 1
trap 'lab_down "$P" >/dev/null 2>&1; rm -rf "$T"' EXIT
trap 'exit 130' INT TERM HUP
LOAD_START=$(cut -d ' ' -f 1-3 /proc/loadavg)
echo "building lab $P (FARM_LIVE=$FARM_LIVE, farm services, services segment)" >&2
FARM_LIVE=$FARM_LIVE lab_up "$P" services farmsvc || die "cannot build the lab"
LAB=$LAB_STATE/$P
sort "$LAB/farm-live.txt" >"$T/truth.farm"
awk -F. -v s="$SLICE" 'BEGIN { split(s, a, "[./]"); lo = a[3]; hi = a[3] + 2 ^ (24 - a[5]) }
	$3 >= lo && $3 < hi' "$LAB/farm-live.txt" >"$T/slice.live"
NLIVE=$(wc -l <"$T/truth.farm")
NSLICE=$(wc -l <"$T/slice.live")
# The farm namespace at rest: its three listeners. Runs wait for this, so
# one tool's lingering sshd children do not slow the next tool down.
FARM_IDLE=$(ip netns pids "$P-farm" | wc -l)

ROWS=()
FMT='%-12s %-21s %-15s %6s %7s %8s %7s  %s'
row() { ROWS+=("$(printf "$FMT" "$@")"); }
mb() { awk -v k="${1:-0}" 'BEGIN { printf "%.1f", k / 1024 }'; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 >= 0 && b + 0 > 0) printf "%.0f", a / b; else print "n/a" }'; }
sub_() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b != "" && a != "n/a" && b != "n/a") printf "%.2f", a - b; else print "n/a" }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "n/a" }'; }
maxof() { awk -v a="$1" -v b="$2" 'BEGIN { print (b + 0 > a + 0 ? b : a) }'; }

farm_quiet() {
	local i
	for i in $(seq 150); do
		[ "$(ip netns pids "$P-farm" | wc -l)" -le "$FARM_IDLE" ] && return 0
		sleep 0.1
	done
	echo "  (the farm still has $(($(ip netns pids "$P-farm" | wc -l) - FARM_IDLE)) connections' processes after 15 s)" >&2
}

# farm_sshd_cpu — CPU seconds the farm's sshd and its reaped children have
# used so far (the lab's cost of serving the banners).
farm_sshd_cpu() {
	local pid
	pid=$(cat "$LAB/farmsvc/sshd.pid" 2>/dev/null) &&
		awk '{ printf "%.2f\n", ($14 + $15 + $16 + $17) / 100 }' "/proc/$pid/stat" 2>/dev/null ||
		echo 0
}

# timed NAME CMD... — one measured run in the scanner namespace; stdout in
# $T/NAME.out, stderr in $T/NAME.err. Sets WALL, RSS_KB, CPU (user + sys),
# SSHD_CPU (the farm's sshd meanwhile) and RC.
timed() {
	local name=$1 u s c0
	shift
	farm_quiet
	echo "running $name: $*" >&2
	c0=$(farm_sshd_cpu)
	ip netns exec "$P-scan" /usr/bin/time -f '%e %M %U %S' -o "$T/$name.time" "$@" \
		>"$T/$name.out" 2>"$T/$name.err"
	RC=$?
	# GNU time puts "Command exited with non-zero status N" first.
	read -r WALL RSS_KB u s < <(tail -n 1 "$T/$name.time")
	CPU=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.1f", u + s }')
	SSHD_CPU=$(awk -v a="$c0" -v b="$(farm_sshd_cpu)" 'BEGIN { printf "%.1f", b - a }')
	if [ "$RC" != 0 ]; then
		echo "  $name exited $RC; its stderr ends:" >&2
		tail -n 5 "$T/$name.err" >&2
	fi
}

# q DB SQL — one read-only query, tab between columns.
q() { sqlite3 -batch -separator $'\t' "file:$1?mode=ro" "$2" 2>/dev/null; }
LAST='(select max(id) from scans)'

# nc_services DB — "address port name product version" (tabs) of the last
# scan's services.
nc_services() {
	q "$1" "select hs.address, s.port, s.name, coalesce(s.product, ''), coalesce(s.version, '')
		from services s join host_scans hs on hs.scan_id = s.scan_id and hs.host_id = s.host_id
		where s.scan_id = $LAST"
}
# nc_named DB NAME — the live farm addresses with a service NAME recorded.
nc_named() {
	nc_services "$1" | awk -F'\t' -v n="$2" '$3 == n { print $1 }' | sort -u |
		comm -12 - "$T/truth.farm"
}
# nc_complete FILE... — netcensus's own "scan N complete: ..." line.
nc_complete() { grep -ho 'scan [0-9]* complete.*' "$@" | tail -n 1; }

# ---------------------------------------------------------------- (a) farm
NC_RSS=0
BEST=
if [ -n "$NC_FP" ]; then
	timed nc-disc "$NETCENSUS" scan --db "$T/nc-disc.db" -q --rate "$RATE" --discovery-only "$FARM"
	DISC_WALL=$WALL DISC_RC=$RC
	DISC_FOUND=$(q "$T/nc-disc.db" "select address from host_scans where scan_id = $LAST" |
		sort -u | comm -12 - "$T/truth.farm" | wc -l)
	NC_RSS=$(maxof "$NC_RSS" "$(mb "$RSS_KB")")
	row netcensus "discovery only" "$FARM" "$DISC_FOUND" "$DISC_WALL" \
		"$(div "$DISC_FOUND" "$DISC_WALL")" "$(mb "$RSS_KB")" \
		"$([ "$DISC_RC" = 0 ] || echo "exit $DISC_RC ")hosts found of $NLIVE; CPU s: netcensus $CPU"
	BEST_SCORE=-1
	for par in $FP_PARALLEL; do
		name=nc-fp$par
		# shellcheck disable=SC2086 # NC_FP_OPTS is a list of options
		timed "$name" "$NETCENSUS" scan --db "$T/$name.db" -q --rate "$RATE" \
			--fp-parallel "$par" $NC_FP_OPTS "$FARM"
		found=$(q "$T/$name.db" "select address from host_scans where scan_id = $LAST" |
			sort -u | comm -12 - "$T/truth.farm" | wc -l)
		nssh=$(nc_named "$T/$name.db" ssh | wc -l)
		nhttp=$(nc_named "$T/$name.db" http | wc -l)
		# the brief's own count: hosts with an ssh service, any address
		nssh_all=$(q "$T/$name.db" "select count(distinct host_id) from services
			where scan_id = $LAST and name = 'ssh'")
		stage=$(sub_ "$WALL" "$DISC_WALL")
		NC_RSS=$(maxof "$NC_RSS" "$(mb "$RSS_KB")")
		row netcensus "fp --fp-parallel $par" "$FARM" "$found" "$WALL" \
			"$(div "$found" "$stage")" "$(mb "$RSS_KB")" \
			"$([ "$RC" = 0 ] || echo "exit $RC ")ssh $nssh, http $nhttp of $NLIVE; fp stage ${stage} s; CPU s: netcensus $CPU, farm sshd $SSHD_CPU"
		eval "FP_WALL_$par=\$WALL FP_RC_$par=\$RC FP_SSH_$par=\$nssh FP_HTTP_$par=\$nhttp"
		eval "FP_SSH_ALL_$par=\$nssh_all FP_CPU_$par=\$CPU FP_SSHD_$par=\$SSHD_CPU"
		eval "FP_LINE_$par=\$(nc_complete \"\$T/\$name.out\" \"\$T/\$name.err\")"
		# best: most banners, then the shortest wall
		score=$(awk -v s=$((nssh + nhttp)) -v w="$WALL" 'BEGIN { printf "%.3f", s * 1000 - w }')
		if [ "$RC" = 0 ] && awk -v a="$score" -v b="$BEST_SCORE" 'BEGIN { exit !(a > b) }'; then
			BEST=$par BEST_SCORE=$score
		fi
	done
else
	row netcensus "fingerprint" "$FARM" - - - - "skipped: this netcensus has no --fp-timeout (fingerprint stage not integrated)"
fi

# ---------------------------------------------------------------- (b) nmap
timed nmap-slice nmap -sV --version-light -p22,80 -n -T5 -iL "$T/slice.live" -oX "$T/nmap.xml"
NMAP_WALL=$WALL NMAP_RC=$RC

# nmap_services XML — "address port name product version" (tabs) of the
# open ports.
nmap_services() {
	if [ -n "$PY" ]; then
		"$PY" - "$1" <<-'EOF'
			import sys, xml.etree.ElementTree as ET
			for h in ET.parse(sys.argv[1]).getroot().iter("host"):
			    a = h.find("address[@addrtype='ipv4']")
			    for p in h.iter("port"):
			        st, sv = p.find("state"), p.find("service")
			        if a is None or st is None or st.get("state") != "open":
			            continue
			        g = (lambda k: (sv.get(k) or "") if sv is not None else "")
			        print("\t".join([a.get("addr"), p.get("portid"), g("name"), g("product"), g("version")]))
		EOF
	else
		# nmap writes each <address> and each <port>...</port> on a line.
		awk 'function attr(s, k,   m) {
				if (!match(s, " " k "=\"[^\"]*\"")) return ""
				m = substr(s, RSTART + length(k) + 3, RLENGTH - length(k) - 4)
				gsub(/&lt;/, "<", m); gsub(/&gt;/, ">", m); gsub(/&quot;/, "\"", m)
				gsub(/&apos;/, "\047", m); gsub(/&amp;/, "\\&", m)
				return m
			}
			/<host[ >]/ { addr = "" }
			/<address .*addrtype="ipv4"/ { addr = attr($0, "addr") }
			/<port / && /<state state="open"/ {
				sv = $0; sub(/.*<service /, " ", sv)
				if (sv == $0) sv = ""
				print addr "\t" attr($0, "portid") "\t" attr(sv, "name") "\t" \
					attr(sv, "product") "\t" attr(sv, "version")
			}' "$1"
	fi
}
nmap_services "$T/nmap.xml" | sort >"$T/nmap.svc"
NMAP_SSH=$(awk -F'\t' '$3 == "ssh"' "$T/nmap.svc" | cut -f 1 | sort -u | wc -l)
NMAP_HTTP=$(awk -F'\t' '$3 == "http"' "$T/nmap.svc" | cut -f 1 | sort -u | wc -l)
NMAP_HPS=$(awk -v n="$NSLICE" -v w="$NMAP_WALL" 'BEGIN { if (w > 0) printf "%.1f", n / w; else print "n/a" }')
row nmap "-sV --version-light" "$SLICE" "$NSLICE" "$NMAP_WALL" "$NMAP_HPS" "$(mb "$RSS_KB")" \
	"$([ "$NMAP_RC" = 0 ] || echo "exit $NMAP_RC ")ssh $NMAP_SSH, http $NMAP_HTTP of $NSLICE; /16 at this pace: $(div "$NLIVE" "$NMAP_HPS") s"

# agree NC-SVC NMAP-SVC PORT — "agreeing total" for PORT over the slice's
# live hosts, disagreements in $T/disagree.PORT. Agreement: the same
# product (case aside) and the same version, where nmap's version may go
# on after a space ("9.2p1 Debian 2+deb12u10": netcensus keeps the
# distribution part in its OS fields).
agree() {
	awk -F'\t' -v port="$3" -v out="$T/disagree.$3" '
		FILENAME == ARGV[1] { live[$1] = 1; next }
		FILENAME == ARGV[2] { if ($2 == port) nc[$1] = $4 "\t" $5; next }
		$2 == port { nm[$1] = $4 "\t" $5 }
		END {
			for (a in live) {
				n++
				split(nc[a], x, "\t"); split(nm[a], y, "\t")
				if (x[1] != "" && tolower(x[1]) == tolower(y[1]) && x[2] != "" &&
				    (y[2] == x[2] || index(y[2], x[2] " ") == 1)) ok++
				else print a "\tnetcensus: " (a in nc ? x[1] " " x[2] : "(none)") \
					"\tnmap: " (a in nm ? y[1] " " y[2] : "(none)") > out
			}
			printf "%d %d\n", ok, n
		}' "$T/slice.live" "$1" "$2"
}
if [ -n "$BEST" ]; then
	nc_services "$T/nc-fp$BEST.db" | sort >"$T/nc.svc"
	read -r AGREE_SSH N_AGREE < <(agree "$T/nc.svc" "$T/nmap.svc" 22)
	read -r AGREE_HTTP _ < <(agree "$T/nc.svc" "$T/nmap.svc" 80)
fi

# ---------------------------------------------------------------- (c) SNMP
# creds SECTION KEY — KEY's value in SECTION of the lab's creds.conf.
creds() {
	awk -v s="[snmp $1]" -v k="$2" '
		/^\[/ { in_s = ($0 == s); next }
		in_s && $1 == k && $2 == "=" { sub(/^[^=]*= */, ""); print; exit }' "$LAB/creds.conf"
}
COMMUNITY=$(creds lab-v2c community)
[ -n "$COMMUNITY" ] || die "no [snmp lab-v2c] community in $LAB/creds.conf"
lab_snmp_client "$T/snmpc" "defVersion 2c" "defCommunity $COMMUNITY" || die "cannot write snmp.conf"
(umask 077 && printf '[snmp lab-v2c]\nversion = 2c\ncommunity = %s\n' "$COMMUNITY" >"$T/v2c.conf")
chmod 600 "$T/v2c.conf"

# pkgsplit — hrSWInstalledName values (one a line, quotes of -Oqv on) as
# "name<TAB>version": a Debian "name_version_arch" split as netcensus does,
# anything else kept whole.
pkgsplit() {
	sed 's/^"//; s/"$//' | awk '{
		if (match($0, /^[^_ \t]+_[0-9][^_ \t]*_[^_ \t]+$/)) {
			i = index($0, "_"); rest = substr($0, i + 1); j = index(rest, "_")
			print substr($0, 1, i - 1) "\t" substr(rest, 1, j - 1)
		} else print $0 "\t"
	}'
}

# The table read itself, seen on the wire: tcpdump on the scanner's svc0
# while a tool runs; from the first request that names hrSWInstalledName to
# the agent's answer to the last one. Process start, discovery and the
# other tables netcensus reads are left out; both tools are measured alike.
CAP_PID=
# cap_start NAME — capture SNMP with SNMP_HOST into $T/NAME.pcap.
cap_start() {
	local i
	CAP_PID=
	[ -n "$TCPDUMP" ] || return 0
	ip netns exec "$P-scan" tcpdump $TCPDUMP_NOW -i svc0 -n -U -Z root -w "$T/$1.pcap" \
		"udp port 161 and host $SNMP_HOST" 2>"$T/$1.tcpdump" &
	CAP_PID=$!
	for i in $(seq 50); do
		grep -q 'listening on' "$T/$1.tcpdump" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "  tcpdump did not start: $(tail -n 1 "$T/$1.tcpdump")" >&2
}
# cap_stop NAME — stop the capture; print the table read's seconds (or n/a).
cap_stop() {
	if [ -z "$CAP_PID" ]; then
		echo n/a
		return
	fi
	sleep 0.2 # the last answer, through tcpdump's buffer
	kill -INT "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
	CAP_PID=
	tcpdump -r "$T/$1.pcap" -n -tt 2>/dev/null | awk -v agent="$SNMP_HOST.161" -v oid=".$HR_SW_NAME" '
		$2 != "IP" { next }
		$5 == agent ":" {
			for (i = 6; i <= NF; i++)
				if ($i == oid || index($i, oid ".") == 1) {
					if (first == "") first = $1
					last = $1; port = $3; answer = ""
					break
				}
			next
		}
		$3 == agent && last != "" && answer == "" && $5 == port ":" { answer = $1 }
		END { if (first != "" && answer != "") printf "%.3f\n", answer - first; else print "n/a" }'
}

WALLS='' SPANS=''
for i in $(seq "$RUNS"); do
	farm_quiet
	echo "running snmpbulkwalk $i: $SNMP_HOST $HR_SW_NAME (community in a private snmp.conf)" >&2
	cap_start "walk-$i"
	lab_snmp "$P" "$T/snmpc" /usr/bin/time -f '%e %M' -o "$T/walk.time" \
		snmpbulkwalk -On -Oqv "$SNMP_HOST" "$HR_SW_NAME" >"$T/walk.out" 2>"$T/walk.err"
	WALK_RC=$?
	SPANS="$SPANS $(cap_stop "walk-$i")"
	read -r w WALK_RSS_KB < <(tail -n 1 "$T/walk.time")
	WALLS="$WALLS $w"
done
WALK_WALL=$(printf '%s\n' $WALLS | median)
WALK_SPAN=$(printf '%s\n' $SPANS | median)
WALK_ROWS=$(grep -c . "$T/walk.out")
pkgsplit <"$T/walk.out" | LC_ALL=C sort >"$T/walk.pkgs"
cut -f 1 "$T/walk.pkgs" | LC_ALL=C sort >"$T/walk.names"
row snmpbulkwalk "hrSWInstalledName" "$SNMP_HOST" 1 "$WALK_WALL" - "$(mb "$WALK_RSS_KB")" \
	"$([ "$WALK_RC" = 0 ] || echo "exit $WALK_RC ")$WALK_ROWS rows; table read $WALK_SPAN s; walls$WALLS; reads$SPANS"

SNMP_RSS=0
# nc_snmp VARIANT OPTION... — RUNS netcensus scans of SNMP_HOST; sets
# V_WALL and V_SPAN (medians of the walls and of the table reads on the
# wire), V_WALLS, V_SPANS, V_RC (last) and, for scans that fingerprint,
# V_ROWS and the software lists $T/snmp-VARIANT.{names,pkgs}.
nc_snmp() {
	local v=$1 i walls='' spans='' db host
	shift
	for i in $(seq "$RUNS"); do
		db=$T/snmp-$v-$i.db
		farm_quiet
		cap_start "snmp-$v-$i"
		timed "snmp-$v-$i" "$NETCENSUS" scan --db "$db" -q "$@" "$SNMP_HOST"
		spans="$spans $(cap_stop "snmp-$v-$i")"
		walls="$walls $WALL"
		SNMP_RSS=$(maxof "$SNMP_RSS" "$(mb "$RSS_KB")")
	done
	V_RC=$RC V_WALL=$(printf '%s\n' $walls | median) V_WALLS=$walls
	V_SPAN=$(printf '%s\n' $spans | median) V_SPANS=$spans
	host="(select host_id from host_scans where scan_id = $LAST and address = '$SNMP_HOST')"
	V_ROWS=$(q "$db" "select count(*) from software where scan_id = $LAST and host_id = $host")
	q "$db" "select name from software where scan_id = $LAST and host_id = $host" |
		LC_ALL=C sort >"$T/snmp-$v.names"
	q "$db" "select name, coalesce(version, '') from software
		where scan_id = $LAST and host_id = $host" | LC_ALL=C sort >"$T/snmp-$v.pkgs"
}
# same A B — "yes" or "no (N lines differ)".
same() {
	local d
	d=$(diff "$1" "$2" | grep -c '^[<>]')
	[ "$d" = 0 ] && echo yes || echo "no ($d lines differ)"
}
if [ -n "$NC_FP" ]; then
	nc_snmp disc --discovery-only
	SNMP_DISC=$V_WALL
	row netcensus "discovery only" "$SNMP_HOST" 1 "$SNMP_DISC" - "$SNMP_RSS" \
		"$([ "$V_RC" = 0 ] || echo "exit $V_RC ")walls$V_WALLS"
	nc_snmp creds -c "$LAB/creds.conf"
	SNMP_CREDS_ROWS=$V_ROWS
	SNMP_CREDS_NAMES=$(same "$T/snmp-creds.names" "$T/walk.names")
	row netcensus "-c creds.conf" "$SNMP_HOST" 1 "$V_WALL" - "$SNMP_RSS" \
		"$([ "$V_RC" = 0 ] || echo "exit $V_RC ")$V_ROWS rows; table read $V_SPAN s; stage $(sub_ "$V_WALL" "$SNMP_DISC") s; walls$V_WALLS; reads$V_SPANS"
	nc_snmp v2c -c "$T/v2c.conf"
	SNMP_V2C_ROWS=$V_ROWS SNMP_V2C_RC=$V_RC SNMP_SPAN=$V_SPAN
	SNMP_STAGE=$(sub_ "$V_WALL" "$SNMP_DISC")
	SNMP_NAMES=$(same "$T/snmp-v2c.names" "$T/walk.names")
	SNMP_PKGS=$(same "$T/snmp-v2c.pkgs" "$T/walk.pkgs")
	row netcensus "-c v2c only" "$SNMP_HOST" 1 "$V_WALL" - "$SNMP_RSS" \
		"$([ "$V_RC" = 0 ] || echo "exit $V_RC ")$V_ROWS rows; table read $V_SPAN s; stage $SNMP_STAGE s; walls$V_WALLS; reads$V_SPANS"
fi

# ------------------------------------------------ the lab's own ceiling
if [ -n "$PY" ]; then
	cat >"$T/grab.py" <<-'EOF'
		# Plain banner grab of every address in FILE on PORT, N at once.
		import asyncio, sys, time
		addrs = [l.strip() for l in open(sys.argv[1]) if l.strip()]
		port, par = int(sys.argv[2]), int(sys.argv[3])
		ok = 0
		async def one(a, sem):
		    global ok
		    async with sem:
		        try:
		            r, w = await asyncio.wait_for(asyncio.open_connection(a, port), 10)
		            if port == 80:
		                w.write(b"GET / HTTP/1.0\r\n\r\n")
		            if await asyncio.wait_for(r.readline(), 10):
		                ok += 1
		            w.close()
		        except Exception:
		            pass
		async def main():
		    sem = asyncio.Semaphore(par)
		    await asyncio.gather(*(one(a, sem) for a in addrs))
		asyncio.run(main())
		print(ok)
	EOF
	for port in 22 80; do
		timed "grab$port" "$PY" "$T/grab.py" "$T/truth.farm" "$port" 256
		got=$(tail -n 1 "$T/grab$port.out")
		row python3 "asyncio grab :$port" "$FARM" "$got" "$WALL" "$(div "$got" "$WALL")" \
			"$(mb "$RSS_KB")" "lab ceiling: 256 at once, $got of $NLIVE banners$([ "$port" = 22 ] && echo "; CPU s: farm sshd $SSHD_CPU")"
		eval "GRAB_WALL_$port=\$WALL"
	done
fi
LOAD_END=$(cut -d ' ' -f 1-3 /proc/loadavg)

# ---------------------------------------------------------------- report
echo
echo "netcensus fingerprint benchmark — farm: $NLIVE live of 65536 addresses, each with"
echo "  sshd ($(lab_fact "$P" farm.ssh.banner)) and HTTP (Server: $(lab_fact "$P" farm.http.server))"
echo "netcensus: --rate $RATE${NC_FP_OPTS:+ $NC_FP_OPTS}; fp stage = full wall - discovery-only wall"
echo "nmap: -sV --version-light -p22,80 -n -T5 on the $NSLICE live hosts of $SLICE (-iL)"
echo "SNMP: $SNMP_HOST, community from creds.conf [snmp lab-v2c]; median of $RUNS runs; table read = first"
if [ -n "$TCPDUMP" ]; then
	echo "  request for hrSWInstalledName to the answer to the last one, on the wire (tcpdump on svc0)"
else
	echo "  request for hrSWInstalledName to the answer to the last one (n/a: no tcpdump)"
fi
echo "load average: $LOAD_START at the start, $LOAD_END at the end ($(nproc) CPUs)"
echo
printf "$FMT\n" tool run target hosts "wall s" "hosts/s" "RSS MB" note
printf '%s\n' "${ROWS[@]}"
echo

if [ -n "$BEST" ]; then
	echo "best netcensus run: --fp-parallel $BEST"
	for par in $FP_PARALLEL; do
		eval "l=\$FP_LINE_$par a=\$FP_SSH_ALL_$par"
		echo "  --fp-parallel $par: ${l:-(no \"scan N complete\" line)}; hosts with ssh (any address): $a"
	done
	echo "services recorded (best run), name / product / version / hosts:"
	q "$T/nc-fp$BEST.db" "select name, coalesce(product, '-'), coalesce(version, '-'), count(*)
		from services where scan_id = $LAST and port in (22, 80)
		group by 1, 2, 3 order by 4 desc limit 10" | sed 's/^/  /; s/\t/ \/ /g'
	for svc in ssh http; do
		eval "n=\$FP_${svc^^}_$BEST"
		if [ "$n" -lt "$NLIVE" ]; then
			echo "  live hosts without $svc: $((NLIVE - n)), e.g.:" \
				$(nc_named "$T/nc-fp$BEST.db" "$svc" | comm -13 - "$T/truth.farm" | head -n 5)
		fi
	done
	echo "nmap agreement on the $SLICE slice (product, version; nmap's may go on after a space):"
	echo "  ssh :22  $AGREE_SSH of $N_AGREE"
	echo "  http:80  $AGREE_HTTP of $N_AGREE"
	for port in 22 80; do
		[ -s "$T/disagree.$port" ] || continue
		echo "  disagreements on $port ($(wc -l <"$T/disagree.$port")), e.g.:"
		sort "$T/disagree.$port" | head -n 5 | sed 's/^/    /'
	done
	echo "nmap services on the slice, port / name / product / version / hosts:"
	cut -f 2- "$T/nmap.svc" | sort | uniq -c | sort -rn | head -n 4 |
		awk '{ n = $1; $1 = ""; print "  " substr($0, 2) " / " n }' | sed 's/\t/ \/ /g'
	echo
fi
if [ -n "$NC_FP" ]; then
	echo "software table of $SNMP_HOST: snmpbulkwalk $WALK_ROWS rows; netcensus $SNMP_V2C_ROWS (v2c only), $SNMP_CREDS_ROWS (creds.conf)"
	echo "  names equal (v2c only): $SNMP_NAMES; names equal (creds.conf): $SNMP_CREDS_NAMES"
	echo "  name+version equal (v2c only): $SNMP_PKGS"
	if [ "$SNMP_NAMES" != yes ]; then
		echo "  first differences (< netcensus, > snmpbulkwalk):"
		diff "$T/snmp-v2c.names" "$T/walk.names" | grep '^[<>]' | head -n 6 | sed 's/^/    /'
	fi
	echo "netcensus peak RSS: $(maxof "$NC_RSS" "$SNMP_RSS") MB"
	echo
fi

verdict() {
	local v
	v=$(awk "BEGIN { print ($2) ? \"PASS\" : \"FAIL\" }" 2>/dev/null) || v=n/a
	printf '  %-4s %s\n' "$v" "$1"
}
echo "targets:"
if [ -n "$BEST" ]; then
	eval "w=\$FP_WALL_$BEST s=\$FP_SSH_$BEST h=\$FP_HTTP_$BEST"
	verdict "SSH and HTTP banners for all $NLIVE farm hosts in under 30 s (ssh $s, http $h in $w s, --fp-parallel $BEST)" \
		"$s == $NLIVE && $h == $NLIVE && $w < 30"
	verdict "nmap and netcensus agree on every slice host (ssh $AGREE_SSH, http $AGREE_HTTP of $N_AGREE)" \
		"$AGREE_SSH == $N_AGREE && $AGREE_HTTP == $N_AGREE && $N_AGREE > 0"
	eval "c=\$FP_CPU_$BEST sc=\$FP_SSHD_$BEST"
	echo "       (on $(nproc) CPUs shared with the lab: meanwhile netcensus used $c CPU s, the farm's sshd $sc)"
	[ -n "$PY" ] && echo "       (the lab's own ceiling, a plain grab 256 at once: :22 in ${GRAB_WALL_22} s, :80 in ${GRAB_WALL_80} s)"
elif [ -n "$NC_FP" ]; then
	echo "  FAIL SSH and HTTP banners for all $NLIVE farm hosts in under 30 s (no netcensus run succeeded)"
else
	echo "  n/a  SSH and HTTP banners for all $NLIVE farm hosts in under 30 s (fingerprint stage not integrated)"
fi
if [ -n "$NC_FP" ] && [ "$SNMP_SPAN" != n/a ] && [ "$WALK_SPAN" != n/a ]; then
	verdict "software table read no slower than snmpbulkwalk (on the wire: netcensus $SNMP_SPAN s vs snmpbulkwalk $WALK_SPAN s; rows $SNMP_V2C_ROWS vs $WALK_ROWS, names equal: $SNMP_NAMES)" \
		"$SNMP_V2C_RC == 0 && \"$SNMP_NAMES\" == \"yes\" && $SNMP_SPAN <= $WALK_SPAN"
	echo "       (whole processes: netcensus SNMP stage $SNMP_STAGE s = scan - discovery-only, vs snmpbulkwalk $WALK_WALL s)"
elif [ -n "$NC_FP" ]; then
	verdict "software table read no slower than snmpbulkwalk (no capture; netcensus SNMP stage $SNMP_STAGE s = scan - discovery-only vs walk $WALK_WALL s; rows $SNMP_V2C_ROWS vs $WALK_ROWS, names equal: $SNMP_NAMES)" \
		"$SNMP_V2C_RC == 0 && \"$SNMP_NAMES\" == \"yes\" && $SNMP_STAGE <= $WALK_WALL"
else
	echo "  n/a  software table read no slower than snmpbulkwalk (fingerprint stage not integrated; snmpbulkwalk: $WALK_ROWS rows, $WALK_SPAN s on the wire, $WALK_WALL s in all)"
fi
