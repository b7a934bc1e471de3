#!/bin/bash
# ssh-inventory.sh — credentialed SSH inventory of N lab hosts: netcensus
# against Ansible's fact gathering (issue 4, Benchmark).
#
#   sudo bench/ssh-inventory.sh      (after a build; NETCENSUS=path overrides)
#
# Builds its own lab (prefix ncsib<pid>): a scanner namespace (198.18.0.1/20
# on a veth) and ONE server namespace with ONE OpenSSH sshd on 0.0.0.0:22,
# the addresses 198.18.7.10 .. 198.18.7.(10+MAXN-1) all on its veth: one
# sshd reachable at many addresses. Root logs in with an ed25519 key made
# here (AuthorizedKeysFile in the temp dir, UsePAM no, MaxStartups and
# MaxSessions raised, LogLevel QUIET), in a mount namespace of its own where
# /root is an empty directory (see below). No route leaves the namespaces.
#
# For each N in NS (default "64 256"), inside the scanner namespace, timed
# with /usr/bin/time (wall, user+sys CPU of the tool and its children, peak
# RSS = the largest single process):
#  (a) netcensus scan --db TMP -q -c creds.conf --ssh-parallel N <range>
#      (the full scan: discovery, fingerprinting and the SSH inventory;
#      --discovery-only would skip the SSH part) — hosts inventoried (host
#      rows with an ssh.credential fact), software rows per host, distinct
#      fact keys, hardware rows per host;
#  (b) ansible all -i INVENTORY -m setup -f N (Debian's ansible-core,
#      installed with apt-get when missing; skipped if it cannot be) — hosts
#      that returned facts (the -t tree), top-level ansible_facts keys; setup
#      collects no package list, so
#  (c) ansible all -m package_facts -f N as a second, separately timed run,
#      for a like-for-like package list.
# Ansible: ANSIBLE_CONFIG is a temporary ansible.cfg (forks, pipelining,
# ControlPath in the temp dir), HOME/ANSIBLE_HOME point into the temp dir,
# ssh gets -F /dev/null and known-hosts files /dev/null, and host key
# checking is off (ANSIBLE_HOST_KEY_CHECKING=False; lab only).
#
# The one sshd on a small machine is a bottleneck for both tools, so the
# server side's CPU time (the sshd listener, its session processes and
# everything they ran: the collector script, Ansible's remote python) is
# read from /proc/<sshd>/stat (utime+stime+cutime+cstime) around each run.
#
# Prints a table and the ratios ansible wall / netcensus wall, and the
# verdict for the issue's target: at least 5x faster than Ansible's fact
# gathering at N=256 (with a full package list, which setup does not have).
#
# Environment: NETCENSUS, NS (default "64 256", each <= 256), NC_OPTS (more
# options for netcensus scan), NO_ANSIBLE=1 (skip the Ansible runs),
# NO_PKGFACTS=1 (skip the package_facts run).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
NETCENSUS=${NETCENSUS:-$top/netcensus}
NS=${NS:-64 256}
NC_OPTS=${NC_OPTS:-}
NO_ANSIBLE=${NO_ANSIBLE:-}
NO_PKGFACTS=${NO_PKGFACTS:-}
P=ncsib$$
SCAN_ADDR=198.18.0.1
NET_LEN=20 # 198.18.0.0/20 holds the scanner and 198.18.7.10 .. 198.18.8.9
FIRST_HOST=10 # the servers are 198.18.7.10 onwards

die() { echo "ssh-inventory.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (it builds network namespaces)"
[ -x "$NETCENSUS" ] || die "no netcensus binary at $NETCENSUS (build first, or set NETCENSUS)"
[ -x /usr/bin/time ] || die "needs /usr/bin/time (apt-get install time)"
SSHD=$(command -v sshd || echo /usr/sbin/sshd)
[ -x "$SSHD" ] || die "needs sshd (apt-get install openssh-server)"
for t in ssh-keygen sqlite3 ip; do
	command -v "$t" >/dev/null || die "needs $t"
done
MAXN=0
for n in $NS; do
	case $n in '' | *[!0-9]*) die "NS: not a number: $n" ;; esac
	[ "$n" -ge 1 ] && [ "$n" -le 256 ] || die "NS: $n is not in 1..256"
	[ "$n" -gt "$MAXN" ] && MAXN=$n
done

# addr I — the I-th server address (0-based): 198.18.7.10 + I
addr() {
	local v=$((7 * 256 + FIRST_HOST + $1))
	echo "198.18.$((v / 256)).$((v % 256))"
}

T=$(mktemp -d /tmp/ncsib.XXXXXX) || die "mktemp failed"
chmod 700 "$T"
SSHD_PID=
mkdir -p /run/sshd 2>/dev/null

# ours PID: a process whose command line names our directory
ours() {
	tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline" | grep -qF -e "$T"
}
stop_pid() {
	local i
	[ -n "$1" ] || return 0
	ours "$1" || return 0
	kill "$1" 2>/dev/null
	for i in $(seq 30); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
	kill -9 "$1" 2>/dev/null
}
# our_pids — processes other than the sshd listener whose command line names
# our directory (ssh ControlMaster processes left by Ansible, sessions)
our_pids() {
	local p
	for p in /proc/[0-9]*; do
		p=${p#/proc/}
		[ "$p" = "${SSHD_PID:-x}" ] || [ "$p" = $$ ] && continue
		[ "$p" = "${BASHPID:-x}" ] && continue
		ours "$p" && echo "$p"
	done
}
stop_ours() {
	local p
	for p in $(our_pids); do stop_pid "$p"; done
}
cleanup() {
	stop_ours
	stop_pid "$SSHD_PID"
	ip netns del "$P-scan" 2>/dev/null
	ip netns del "$P-srv" 2>/dev/null
	rm -rf "${T:?}"
}
trap cleanup EXIT
trap 'exit 129' HUP INT TERM

in_scan() { ip netns exec "$P-scan" "$@"; }
in_srv() { ip netns exec "$P-srv" "$@"; }

# ---- Ansible: Debian's ansible-core, installed when missing
ANSIBLE=
ANSIBLE_WHY=
if [ -n "$NO_ANSIBLE" ]; then
	ANSIBLE_WHY="NO_ANSIBLE set"
else
	if ! command -v ansible >/dev/null; then
		echo "# ansible is not installed: apt-get install -y ansible-core" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y ansible-core >"$T/apt.log" 2>&1 ||
			ANSIBLE_WHY="apt-get install ansible-core failed: $(tail -1 "$T/apt.log")"
	fi
	if command -v ansible >/dev/null; then
		ANSIBLE=$(command -v ansible)
	else
		ANSIBLE_WHY=${ANSIBLE_WHY:-"ansible-core could not be installed"}
	fi
fi

# ---- the network: one veth pair, no routes out
ip netns add "$P-scan" && ip netns add "$P-srv" || die "cannot create namespaces"
{
	ip -n "$P-scan" link set lo up &&
	ip -n "$P-srv" link set lo up &&
	ip -n "$P-scan" link add c0 type veth peer name s0 netns "$P-srv" &&
	ip -n "$P-scan" addr add "$SCAN_ADDR/$NET_LEN" dev c0 &&
	ip -n "$P-scan" link set c0 up &&
	ip -n "$P-srv" link set s0 up
} || die "cannot build the veth pair"
for i in $(seq 0 $((MAXN - 1))); do
	echo "address add $(addr "$i")/$NET_LEN dev s0"
done >"$T/addrs.batch"
in_srv ip -batch "$T/addrs.batch" || die "cannot add the server addresses"

# ---- keys and the sshd
ssh-keygen -q -t ed25519 -N '' -C '' -f "$T/client_key" || die "ssh-keygen failed"
cp "$T/client_key.pub" "$T/authorized_keys"
chmod 600 "$T/authorized_keys"
mkdir -p "$T/srv"
ssh-keygen -q -t ed25519 -N '' -C '' -f "$T/srv/hostkey" || die "ssh-keygen failed"
cat >"$T/srv/sshd_config" <<EOF
ListenAddress 0.0.0.0:22
HostKey $T/srv/hostkey
PidFile $T/srv/pid
AuthorizedKeysFile $T/authorized_keys
StrictModes no
UsePAM no
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AllowUsers root
LogLevel QUIET
PrintMotd no
UseDNS no
MaxStartups 1000:30:2000
MaxSessions 1000
LoginGraceTime 120
EOF
# The sessions' shell is root's login shell, and Debian's bash reads
# ~/.bashrc for ssh commands: a developer machine's .bashrc (pyenv init,
# say, ~150 ms of CPU) would be paid by every session of both tools. The
# sshd gets its own mount namespace in which /root is an empty directory,
# as on a server with a stock home; the machine's /root is not touched.
mkdir -p "$T/home"
chmod 700 "$T/home"
ip netns exec "$P-srv" unshare -m --propagation private -- sh -c \
	'mount --bind "$1" /root && shift && exec "$@"' sh "$T/home" \
	"$SSHD" -D -f "$T/srv/sshd_config" -E "$T/srv/log" \
	</dev/null >/dev/null 2>&1 &
SSHD_PID=$!
for i in $(seq 50); do
	in_srv ss -Hltn | grep -q " 0.0.0.0:22 " && break
	sleep 0.1
done
in_srv ss -Hltn | grep -q " 0.0.0.0:22 " || die "sshd did not start: $(tail -5 "$T/srv/log")"

cat >"$T/creds.conf" <<EOF
[ssh lab-key]
user = root
key = $T/client_key
port = 22
EOF
chmod 600 "$T/creds.conf"

CLK=$(getconf CLK_TCK)
# sshd_cpu — CPU seconds of the sshd listener and all it has reaped (its
# sessions and what they ran): utime+stime+cutime+cstime
sshd_cpu() {
	awk -v hz="$CLK" '{ sub(/.*\) /, ""); printf "%.2f", ($12 + $13 + $14 + $15) / hz }' \
		"/proc/$SSHD_PID/stat"
}
sql() { sqlite3 -batch -cmd '.timeout 5000' "file:$1?mode=ro" "$2"; }
# timed NAME CMD... — run CMD in the scanner namespace under /usr/bin/time;
# TIME_* and SRV_CPU set, stdout/stderr in $T/NAME.out/.err
timed() {
	local n=$1 c0 c1
	shift
	c0=$(sshd_cpu)
	in_scan /usr/bin/time -f '%e %U %S %M' -o "$T/$n.time" "$@" >"$T/$n.out" 2>"$T/$n.err"
	RC=$?
	# sessions end a moment after the client: let sshd reap them
	sleep 1
	stop_ours
	c1=$(sshd_cpu)
	SRV_CPU=$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.2f", b - a }')
	read -r TIME_WALL TIME_USER TIME_SYS TIME_RSS < <(tail -1 "$T/$n.time")
	TIME_CPU=$(awk -v u="$TIME_USER" -v s="$TIME_SYS" 'BEGIN { printf "%.2f", u + s }')
	TIME_RSS_MB=$(awk -v k="$TIME_RSS" 'BEGIN { printf "%.1f", k / 1024 }')
}

ROWS=()
row() { ROWS+=("$(printf '%-22s %4s %8s %8s %8s %8s %9s %6s %9s %7s' "$@")"); }
hps() { awk -v n="$1" -v w="$2" 'BEGIN { if (w > 0) printf "%.1f", n / w; else print "-" }'; }

EXP_PKGS=$(in_srv dpkg-query -W 2>/dev/null | wc -l)
echo "# lab: one sshd ($("$SSHD" -V 2>&1 | head -1)) at $MAXN addresses $(addr 0) .. $(addr $((MAXN - 1))), $(nproc) CPUs"
echo "# server has $EXP_PKGS dpkg packages; netcensus $("$NETCENSUS" --version 2>/dev/null | head -1)"

# ---- Ansible's files, all in the temp dir
if [ -n "$ANSIBLE" ]; then
	mkdir -p "$T/ahome" "$T/cp" "$T/ansible-local" "$T/ansible-remote"
	cat >"$T/ansible.cfg" <<EOF
[defaults]
forks = 256
host_key_checking = False
gathering = explicit
interpreter_python = /usr/bin/python3
local_tmp = $T/ansible-local
remote_tmp = $T/ansible-remote
retry_files_enabled = False
nocolor = True
callbacks_enabled =
timeout = 60

[ssh_connection]
pipelining = True
control_path_dir = $T/cp
control_path = $T/cp/%%C
ssh_args = -F /dev/null -o UserKnownHostsFile=/dev/null -o GlobalKnownHostsFile=/dev/null -o ControlMaster=auto -o ControlPersist=30s
EOF
	echo "# $("$ANSIBLE" --version 2>/dev/null | head -1)"
else
	echo "# Ansible: skipped ($ANSIBLE_WHY)"
fi

declare -A NCW AW
for N in $NS; do
	LAST=$(addr $((N - 1)))
	RANGE="$(addr 0)-$LAST"
	echo "# N=$N: $RANGE"

	# ---- (a) netcensus
	DB=$T/db-$N
	timed "nc-$N" "$NETCENSUS" scan --db "$DB" -q -c "$T/creds.conf" --ssh-parallel "$N" $NC_OPTS "$RANGE"
	[ "$RC" = 0 ] || echo "# netcensus exited $RC: $(head -3 "$T/nc-$N.err")"
	SCAN=$(sql "$DB" "SELECT max(id) FROM scans")
	OK=$(sql "$DB" "SELECT count(*) FROM host_scans h WHERE h.scan_id = $SCAN AND EXISTS
		(SELECT 1 FROM facts f WHERE f.scan_id = h.scan_id AND f.host_id = h.host_id
		 AND f.key = 'ssh.credential')")
	SW=$(sql "$DB" "SELECT count(*) FROM software WHERE scan_id = $SCAN AND source = 'ssh'")
	HW=$(sql "$DB" "SELECT count(*) FROM hardware WHERE scan_id = $SCAN")
	KEYS=$(sql "$DB" "SELECT count(DISTINCT key) FROM facts WHERE scan_id = $SCAN AND source = 'ssh'")
	ERRS=$(sql "$DB" "SELECT count(*) FROM facts WHERE scan_id = $SCAN AND key IN ('ssh.error','ssh.auth_failed')")
	PPH=$(awk -v s="$SW" -v h="$OK" 'BEGIN { if (h > 0) printf "%.0f", s / h; else print 0 }')
	HPH=$(awk -v s="$HW" -v h="$OK" 'BEGIN { if (h > 0) printf "%.1f", s / h; else print 0 }')
	NCW[$N]=$TIME_WALL
	row netcensus "$N" "$TIME_WALL" "$(hps "$OK" "$TIME_WALL")" "$TIME_CPU" "$TIME_RSS_MB" "$OK/$N" "$PPH" "$SRV_CPU" "$KEYS"
	echo "#   netcensus: $OK/$N inventoried, $SW software rows ($PPH/host; server has $EXP_PKGS), $HW hardware rows ($HPH/host), $KEYS distinct ssh fact keys, $ERRS ssh.error/auth_failed facts; server-side CPU ${SRV_CPU}s"
	[ "$ERRS" != 0 ] && sql "$DB" "SELECT key || ': ' || value || ' (' || count(*) || ')' FROM facts WHERE scan_id = $SCAN
		AND key IN ('ssh.error','ssh.auth_failed') GROUP BY key, value LIMIT 5" | sed 's/^/#     /'

	[ -n "$ANSIBLE" ] || continue
	INV=$T/inventory-$N
	{
		echo "[lab]"
		for i in $(seq 0 $((N - 1))); do addr "$i"; done
		echo
		echo "[lab:vars]"
		echo "ansible_user=root"
		echo "ansible_ssh_private_key_file=$T/client_key"
	} >"$INV"

	# ---- (b) ansible -m setup
	rm -rf "$T/tree-setup-$N"
	timed "as-$N" env HOME="$T/ahome" ANSIBLE_HOME="$T/ahome" ANSIBLE_CONFIG="$T/ansible.cfg" \
		ANSIBLE_HOST_KEY_CHECKING=False ANSIBLE_LOCAL_TEMP="$T/ansible-local" \
		"$ANSIBLE" all -i "$INV" -m setup -f "$N" -t "$T/tree-setup-$N"
	ASOK=$(grep -c ' | SUCCESS' "$T/as-$N.out")
	AFIELDS=$(python3 - "$T/tree-setup-$N" <<'EOF'
import json, os, sys
d = sys.argv[1]
ok = 0; keys = 0
for f in os.listdir(d) if os.path.isdir(d) else []:
    try:
        j = json.load(open(os.path.join(d, f)))
    except Exception:
        continue
    if isinstance(j.get("ansible_facts"), dict) and not j.get("failed"):
        ok += 1; keys = max(keys, len(j["ansible_facts"]))
print(ok, keys)
EOF
)
	read -r ATREE AKEYS <<<"$AFIELDS"
	AW[$N]=$TIME_WALL
	row "ansible setup" "$N" "$TIME_WALL" "$(hps "$ATREE" "$TIME_WALL")" "$TIME_CPU" "$TIME_RSS_MB" "$ATREE/$N" 0 "$SRV_CPU" "$AKEYS"
	echo "#   ansible -m setup: exit $RC, $ASOK SUCCESS lines, $ATREE hosts with facts in the tree, $AKEYS top-level ansible_facts keys, no package list; server-side CPU ${SRV_CPU}s"
	[ "$ATREE" -lt "$N" ] && grep -E 'UNREACHABLE|FAILED' "$T/as-$N.out" | head -3 | cut -c1-200 | sed 's/^/#     /'

	# ---- (c) ansible -m package_facts (like for like: a package list)
	[ -n "$NO_PKGFACTS" ] && continue
	rm -rf "$T/tree-pkg-$N"
	timed "ap-$N" env HOME="$T/ahome" ANSIBLE_HOME="$T/ahome" ANSIBLE_CONFIG="$T/ansible.cfg" \
		ANSIBLE_HOST_KEY_CHECKING=False ANSIBLE_LOCAL_TEMP="$T/ansible-local" \
		"$ANSIBLE" all -i "$INV" -m package_facts -f "$N" -t "$T/tree-pkg-$N"
	PF=$(python3 - "$T/tree-pkg-$N" <<'EOF'
import json, os, sys
d = sys.argv[1]
ok = 0; pk = 0
for f in os.listdir(d) if os.path.isdir(d) else []:
    try:
        j = json.load(open(os.path.join(d, f)))
    except Exception:
        continue
    p = (j.get("ansible_facts") or {}).get("packages")
    if isinstance(p, dict) and not j.get("failed"):
        ok += 1; pk += sum(len(v) for v in p.values())
print(ok, round(pk / ok) if ok else 0)
EOF
)
	read -r APOK APPH <<<"$PF"
	row "ansible package_facts" "$N" "$TIME_WALL" "$(hps "$APOK" "$TIME_WALL")" "$TIME_CPU" "$TIME_RSS_MB" "$APOK/$N" "$APPH" "$SRV_CPU" -
	echo "#   ansible -m package_facts: exit $RC, $APOK hosts with a package list ($APPH/host); server-side CPU ${SRV_CPU}s"
done

echo
printf '%-22s %4s %8s %8s %8s %8s %9s %6s %9s %7s\n' tool N "wall s" "hosts/s" "CPU s" "RSS MB" "hosts ok" "pkg/h" "srv CPU s" fields
for r in "${ROWS[@]}"; do echo "$r"; done
echo "(CPU s: user+sys of the tool and its children; RSS MB: the largest single process;"
echo " srv CPU s: the sshd and everything its sessions ran; fields: distinct ssh fact keys"
echo " for netcensus, top-level ansible_facts keys for setup)"
echo
if [ -n "$ANSIBLE" ]; then
	for N in $NS; do
		awk -v n="$N" -v a="${AW[$N]}" -v c="${NCW[$N]}" \
			'BEGIN { if (c > 0) printf "N=%d: ansible setup wall / netcensus wall = %.2f\n", n, a / c }'
	done
	if [ -n "${AW[256]:-}" ]; then
		awk -v a="${AW[256]}" -v c="${NCW[256]}" 'BEGIN {
			r = 0; if (c > 0) r = a / c
			v = "NOT MET"; if (r >= 5) v = "MET"
			printf "target (at least 5x faster than ansible -m setup at N=256, with a full package list): %s (%.2fx)\n", v, r }'
	else
		echo "target (N=256): not measured in this run (NS=\"$NS\")"
	fi
else
	echo "ratios and target: not measured (Ansible skipped: $ANSIBLE_WHY)"
fi
