#!/bin/sh
# install-deps.sh — install (with apt-get) everything netcensus needs to
# build, to run its tests and to run bench/discovery.sh. Quiet and
# non-interactive; does nothing when everything is already installed.
set -e

PKGS="
autoconf automake libtool pkg-config make gcc
libpcap-dev libssh2-1-dev libsnmp-dev libsqlite3-dev libxml2-dev
libjansson-dev libpcre2-dev libssl-dev libcmocka-dev ieee-data
iproute2 nftables sqlite3 util-linux procps time tcpdump
nmap masscan arp-scan fping
"

missing=
for p in $PKGS; do
	dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing="$missing $p"
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

echo "install-deps.sh: installing$missing"
$as_root env DEBIAN_FRONTEND=noninteractive apt-get -qq update
$as_root env DEBIAN_FRONTEND=noninteractive apt-get -qq install -y --no-install-recommends -o Dpkg::Use-Pty=0 $missing >/dev/null
