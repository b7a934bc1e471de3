#!/bin/sh
# install-deps.sh — install (with apt-get) everything netcensus needs to
# build, to run its tests (with the fuzzers, sanitizers and linters) and to
# run bench/discovery.sh. Quiet and non-interactive; does nothing when
# everything is already installed.
#
# The lab's services part (tests/lab/lab.sh up PREFIX services) runs real
# daemons — sshd, snmpd, smbd/nmbd — but only inside the lab's namespaces.
# Debian's maintainer scripts would start them on this machine's real
# interfaces, so for the duration of the install a policy-rc.d forbids
# every service start (unless the machine already has one), and afterwards
# any of those daemons that appeared in the root network namespace during
# the install is stopped (never one that was running before), and on a
# systemd machine the units of the packages installed now are disabled.
set -e

PKGS="
autoconf automake libtool pkg-config make gcc
libpcap-dev libssh2-1-dev libsnmp-dev libsqlite3-dev libxml2-dev
libjansson-dev libpcre2-dev libssl-dev libcmocka-dev ieee-data libxml2-utils python3
iproute2 nftables sqlite3 util-linux procps time tcpdump
nmap masscan arp-scan fping
clang libclang-rt-14-dev clang-tidy cppcheck groff-base libcap2-bin
openssh-server openssh-client snmpd snmp samba smbclient openssl
"
# The daemons the packages above may start, and their systemd units.
DAEMONS="sshd smbd nmbd snmpd samba samba-dcerpcd samba-bgqd winbindd"
UNITS="ssh.service ssh.socket snmpd.service smbd.service nmbd.service samba-ad-dc.service"

installed() {
	dpkg-query -W -f '${Status}\n' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

missing=
for p in $PKGS; do
	installed "$p" || missing="$missing $p"
done
[ -n "$missing" ] || exit 0

if [ "$(id -u)" = 0 ]; then
	as_root=
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	as_root="sudo -n"
else
	echo "install-deps.sh: missing packages:$missing (run as root to install them)" >&2
	exit 1
fi

# root_daemons — "PID" lines for the DAEMONS running in this machine's own
# network namespace (pid 1's), whatever user owns them. Daemons in other
# namespaces (a lab's) are not ours to judge here.
root_daemons() {
	root_ns=$($as_root readlink /proc/1/ns/net 2>/dev/null) || return 0
	for d in /proc/[0-9]*; do
		comm=$(cat "$d/comm" 2>/dev/null) || continue
		case " $DAEMONS " in *" $comm "*) ;; *) continue ;; esac
		[ "$($as_root readlink "$d/ns/net" 2>/dev/null)" = "$root_ns" ] || continue
		echo "${d#/proc/}"
	done | sort
}

before=$(mktemp) || exit 1
log=$(mktemp) || exit 1
policy=
cleanup() {
	[ -z "$policy" ] || $as_root rm -f /usr/sbin/policy-rc.d
	rm -f "$before" "$log"
}
trap cleanup EXIT
trap 'exit 129' HUP INT TERM

root_daemons >"$before"
if ! $as_root test -e /usr/sbin/policy-rc.d; then
	printf '#!/bin/sh\n# netcensus tests/install-deps.sh: no service starts during the install\nexit 101\n' |
		$as_root tee /usr/sbin/policy-rc.d >/dev/null
	policy=yes
	$as_root chmod 755 /usr/sbin/policy-rc.d
fi

echo "install-deps.sh: installing$missing"
# Quiet unless it fails (maintainer scripts chatter on stderr).
if ! { $as_root env DEBIAN_FRONTEND=noninteractive apt-get -qq update &&
	$as_root env DEBIAN_FRONTEND=noninteractive apt-get -qq install -y \
		--no-install-recommends -o Dpkg::Use-Pty=0 $missing; } >"$log" 2>&1; then
	tail -n 40 "$log" >&2
	echo "install-deps.sh: apt-get failed" >&2
	exit 1
fi

# Stop what the install started despite policy-rc.d: only pids that were
# not there before, that are still one of the DAEMONS and still in the root
# network namespace when we get to them.
for pid in $(root_daemons | comm -13 "$before" -); do
	comm=$(cat "/proc/$pid/comm" 2>/dev/null) || continue
	echo "install-deps.sh: stopping $comm (pid $pid) started by the install"
	$as_root kill "$pid" 2>/dev/null || :
done

# systemd would start the new units at the next boot: disable the units of
# the packages this run installed (a unit that was there before is left).
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
	for p in openssh-server snmpd samba; do
		case " $missing " in *" $p "*) ;; *) continue ;; esac
		for u in $UNITS; do
			dpkg-query -L "$p" 2>/dev/null | grep -q "/$u\$" || continue
			$as_root systemctl disable --now "$u" >/dev/null 2>&1 || :
		done
	done
fi
