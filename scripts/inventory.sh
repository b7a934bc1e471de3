# netcensus inventory collector (POSIX sh). Sent on stdin to `sh -s`;
# writes nothing on the target, prints the sectioned format that
# src/fingerprint/ssh_parse.c reads. Every command is optional.
# Format: first line "NETCENSUS-INVENTORY 1", then "@@ section" blocks of
# tab-separated rows, last line "@@ end".
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH
LC_ALL=C
export PATH LC_ALL
T=$(printf '\t')
have() { command -v "$1" >/dev/null 2>&1; }
kv() { printf '%s\t%s\n' "$1" "$2"; }
rd() { [ -r "$1" ] && cat "$1" 2>/dev/null | head -n 1; }
rootcat() {
	if [ -r "$1" ]; then head -n 1 "$1" 2>/dev/null
	elif [ "${NETCENSUS_SUDO:-0}" = 1 ] && have sudo; then
		sudo -n cat "$1" 2>/dev/null </dev/null | head -n 1
	fi
}
OS=$(uname -s 2>/dev/null)
echo "NETCENSUS-INVENTORY 1"

echo "@@ os-release"
if [ -r /etc/os-release ]; then head -n 100 /etc/os-release 2>/dev/null
elif [ -r /usr/lib/os-release ]; then head -n 100 /usr/lib/os-release 2>/dev/null
fi

echo "@@ os"
kv kernel "$OS"
kv release "$(uname -r 2>/dev/null)"
kv machine "$(uname -m 2>/dev/null)"
kv hostname "$(hostname 2>/dev/null || uname -n 2>/dev/null)"
case $OS in
Linux) kv fqdn "$(hostname -f 2>/dev/null)" ;;
*) kv fqdn "$(hostname 2>/dev/null)" ;;
esac
case $OS in
FreeBSD) have freebsd-version && kv userland "$(freebsd-version -u 2>/dev/null)" ;;
Darwin)
	if have sw_vers; then
		kv product-name "$(sw_vers -productName 2>/dev/null)"
		kv product-version "$(sw_vers -productVersion 2>/dev/null)"
		kv build-version "$(sw_vers -buildVersion 2>/dev/null)"
	fi ;;
esac

echo "@@ cpu"
case $OS in
Linux)
	if [ -r /proc/cpuinfo ]; then
		awk -F ': *' -v T="$T" '
			/^processor[ \t]*:/ { n++ }
			/^model name[ \t]*:/ && m == "" { m = $2 }
			/^Hardware[ \t]*:/ && m == "" { hw = $2 }
			/^physical id[ \t]*:/ { p = $2; if (!(p in s)) { s[p] = 1; ns++ } }
			/^core id[ \t]*:/ { k = p "/" $2; if (!(k in c)) { c[k] = 1; nc++ } }
			END {
				if (m == "") m = hw
				if (m != "") print "model" T m
				if (ns > 0) print "sockets" T ns
				if (nc > 0) print "cores" T nc
				if (n > 0) print "threads" T n
			}' /proc/cpuinfo 2>/dev/null
	fi
	if have lscpu; then
		lscpu 2>/dev/null | awk -F ': *' -v T="$T" '
			/^Model name:/ { print "lscpu-model" T $2 }
			/^Socket\(s\):/ { print "lscpu-sockets" T $2 }
			/^Core\(s\) per socket:/ { print "lscpu-cores-per-socket" T $2 }'
	fi
	have nproc && kv nproc "$(nproc 2>/dev/null)" ;;
*)
	if have sysctl; then
		case $OS in
		Darwin)
			kv model "$(sysctl -n machdep.cpu.brand_string 2>/dev/null)"
			kv sockets "$(sysctl -n hw.packages 2>/dev/null)"
			kv cores "$(sysctl -n hw.physicalcpu 2>/dev/null)"
			kv threads "$(sysctl -n hw.logicalcpu 2>/dev/null)" ;;
		*)
			kv model "$(sysctl -n hw.model 2>/dev/null)"
			kv threads "$(sysctl -n hw.ncpu 2>/dev/null)" ;;
		esac
	fi ;;
esac

echo "@@ memory"
case $OS in
Linux) [ -r /proc/meminfo ] && awk -v T="$T" '/^MemTotal:/ { print "total-kb" T $2; exit }' /proc/meminfo 2>/dev/null ;;
Darwin) have sysctl && kv total-bytes "$(sysctl -n hw.memsize 2>/dev/null)" ;;
*) have sysctl && kv total-bytes "$(sysctl -n hw.physmem 2>/dev/null)" ;;
esac

echo "@@ disks"
if [ "$OS" = Linux ] && have lsblk; then
	lsblk -b -d -n -P -o NAME,TYPE,SIZE,MODEL,SERIAL 2>/dev/null | head -n 1000 |
	awk -v T="$T" '{
		line = $0; name = ""; type = ""; size = ""; model = ""; serial = ""
		while (match(line, /[A-Z]+="[^"]*"/)) {
			f = substr(line, RSTART, RLENGTH); line = substr(line, RSTART + RLENGTH)
			k = f; sub(/=.*/, "", k); v = f; sub(/^[A-Z]+="/, "", v); sub(/"$/, "", v)
			if (k == "NAME") name = v; else if (k == "TYPE") type = v
			else if (k == "SIZE") size = v; else if (k == "MODEL") model = v
			else if (k == "SERIAL") serial = v
		}
		if (type == "disk") print name T type T size T model T serial
	}'
elif [ "$OS" = FreeBSD ] && have sysctl && have diskinfo; then
	for d in $(sysctl -n kern.disks 2>/dev/null); do
		diskinfo "$d" 2>/dev/null | awk -v T="$T" '{ print $1 T "disk" T $3 T T }'
	done | head -n 1000
fi

echo "@@ filesystems"
if have df; then
	case $OS in
	Linux) df -P -k -l -x tmpfs -x devtmpfs -x squashfs -x overlay -x efivarfs 2>/dev/null ;;
	*) df -P -k -l 2>/dev/null ;;
	esac | head -n 1000 | awk -v T="$T" 'NR > 1 && $2 ~ /^[0-9]+$/ && $2 > 0 {
		m = $6; for (i = 7; i <= NF; i++) m = m " " $i
		printf "%s\t%.0f\t%.0f\t%.0f\t%s\n", $1, $2 * 1024, $3 * 1024, $4 * 1024, m }'
fi

echo "@@ dmi"
case $OS in
Linux)
	d=/sys/class/dmi/id
	if [ -d $d ]; then
		for f in sys_vendor product_name product_version board_vendor board_name \
			bios_vendor bios_version bios_date chassis_type; do
			v=$(rd $d/$f) && [ -n "$v" ] && kv $f "$v"
		done
		for f in product_serial product_uuid; do
			v=$(rootcat $d/$f) && [ -n "$v" ] && kv $f "$v"
		done
	fi ;;
FreeBSD)
	if have kenv; then
		for f in smbios.system.maker:sys_vendor smbios.system.product:product_name \
			smbios.system.serial:product_serial smbios.system.uuid:product_uuid \
			smbios.bios.vendor:bios_vendor smbios.bios.version:bios_version; do
			v=$(kenv -q "${f%%:*}" 2>/dev/null) && [ -n "$v" ] && kv "${f#*:}" "$v"
		done
	fi ;;
OpenBSD)
	have sysctl && kv sys_vendor "$(sysctl -n hw.vendor 2>/dev/null)" &&
		kv product_name "$(sysctl -n hw.product 2>/dev/null)" &&
		kv product_serial "$(sysctl -n hw.serialno 2>/dev/null)" &&
		kv product_uuid "$(sysctl -n hw.uuid 2>/dev/null)" ;;
Darwin)
	kv sys_vendor "Apple Inc."
	have system_profiler && system_profiler SPHardwareDataType 2>/dev/null |
	awk -F ': *' -v T="$T" '
		/Model Name:/ { print "product_family" T $2 }
		/Model Identifier:/ { print "product_name" T $2 }
		/Serial Number \(system\):/ { print "product_serial" T $2 }
		/Hardware UUID:/ { print "product_uuid" T $2 }' ;;
esac

echo "@@ virt"
if have systemd-detect-virt; then
	kv virt "$(systemd-detect-virt 2>/dev/null)"
elif [ "$OS" = FreeBSD ] && have sysctl; then
	kv virt "$(sysctl -n kern.vm_guest 2>/dev/null)"
elif [ "$OS" = Darwin ] && have sysctl; then
	case $(sysctl -n kern.hv_vmm_present 2>/dev/null) in
	1) kv virt vm ;; 0) kv virt none ;;
	esac
fi

echo "@@ net"
if [ "$OS" = Linux ] && have ip; then
	ip -o link show 2>/dev/null | head -n 1000 | awk -v T="$T" '{
		n = $2; sub(/:$/, "", n); sub(/@.*/, "", n)
		for (i = 3; i < NF; i++) if ($i ~ /^link\//) { print "link" T n T $(i + 1); break }
	}'
	ip -o addr show 2>/dev/null | head -n 1000 | awk -v T="$T" '
		$3 == "inet" || $3 == "inet6" { print "addr" T $2 T $4 }'
elif have ifconfig; then
	ifconfig -a 2>/dev/null | head -n 5000 | awk -v T="$T" '
		/^[^ \t]/ { n = $1; sub(/:$/, "", n); next }
		$1 == "ether" || $1 == "lladdr" { print "link" T n T $2 }
		$1 == "inet" { a = $2; sub(/^addr:/, "", a); print "addr" T n T a }
		$1 == "inet6" { a = $2; sub(/%.*/, "", a); print "addr" T n T a }'
fi

echo "@@ users"
have who && who 2>/dev/null | head -n 1000 | awk -v T="$T" '{ print $1 T $2 }'

echo "@@ uptime"
if [ -r /proc/uptime ]; then
	awk -v T="$T" '{ split($1, a, "."); print "seconds" T a[1] }' /proc/uptime 2>/dev/null
elif have sysctl; then
	b=$(sysctl -n kern.boottime 2>/dev/null | sed -n 's/.*sec = \([0-9]*\).*/\1/p')
	[ -n "$b" ] || b=$(sysctl -n kern.boottime 2>/dev/null | awk '/^[0-9]+$/')
	[ -n "$b" ] && kv boot-epoch "$b" && kv now-epoch "$(date +%s 2>/dev/null)"
fi

# Rows: name, version, arch, size in bytes, install time (epoch seconds or
# YYYYMMDD), vendor. The first row names the manager and the native arch.
echo "@@ packages"
if have dpkg-query; then
	kv manager dpkg
	have dpkg && printf 'native\t%s\n' "$(dpkg --print-architecture 2>/dev/null)"
	{
		have stat && stat -c '%Y %n' /var/lib/dpkg/info/*.list 2>/dev/null | head -n 200000
		echo "--"
		dpkg-query -W -f '${db:Status-Abbrev}\t${Package}\t${Version}\t${Architecture}\t${Installed-Size}\n' 2>/dev/null | head -n 200000
	} | awk -F '\t' -v T="$T" '
		!sep && $0 == "--" { sep = 1; next }
		!sep { t = $0; sub(/ .*/, "", t); f = $0; sub(/^[0-9]+ /, "", f)
			sub(/.*\//, "", f); sub(/\.list$/, "", f); tm[f] = t; next }
		$1 ~ /^.i/ {
			t = ($2 ":" $4) in tm ? tm[$2 ":" $4] : tm[$2]
			print $2 T $3 T $4 T ($5 == "" ? "" : sprintf("%.0f", $5 * 1024)) T t T
		}'
elif have rpm; then
	kv manager rpm
	kv native "$(uname -m 2>/dev/null)"
	rpm -qa --queryformat '%{NAME}\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\t%{ARCH}\t%{SIZE}\t%{INSTALLTIME}\t%{VENDOR}\n' 2>/dev/null | head -n 200000
elif [ -r /lib/apk/db/installed ]; then
	kv manager apk
	kv native "$(cat /etc/apk/arch 2>/dev/null)"
	head -n 2000000 /lib/apk/db/installed 2>/dev/null | awk -v T="$T" '
		function out() { if (p != "") print p T v T a T s T T; p = v = a = s = "" }
		/^$/ { out(); next }
		/^P:/ { p = substr($0, 3) } /^V:/ { v = substr($0, 3) }
		/^A:/ { a = substr($0, 3) } /^I:/ { s = substr($0, 3) }
		END { out() }'
elif have apk; then
	kv manager apk
	apk info -v 2>/dev/null | head -n 200000 | awk -v T="$T" '{
		if (match($0, /-[0-9][^-]*-r[0-9]+$/))
			print substr($0, 1, RSTART - 1) T substr($0, RSTART + 1) T T T T }'
elif [ -d /var/lib/pacman/local ]; then
	kv manager pacman
	kv native "$(uname -m 2>/dev/null)"
	for d in /var/lib/pacman/local/*/desc; do [ -r "$d" ] && cat "$d" && echo "%END%"; done 2>/dev/null |
	head -n 5000000 | awk -v T="$T" '
		/^%[A-Z]+%$/ { k = $0; if (k == "%END%") { if (n != "") print n T v T a T s T t T p; n = v = a = s = t = p = "" } next }
		k == "%NAME%" && $0 != "" { n = $0 } k == "%VERSION%" && $0 != "" { v = $0 }
		k == "%ARCH%" && $0 != "" { a = $0 } k == "%SIZE%" && $0 != "" { s = $0 }
		k == "%INSTALLDATE%" && $0 != "" { t = $0 } k == "%PACKAGER%" && $0 != "" { p = $0 }'
elif have pacman; then
	kv manager pacman
	pacman -Q 2>/dev/null | head -n 200000 | awk -v T="$T" '{ print $1 T $2 T T T T }'
elif have pkg && [ "$OS" = FreeBSD ]; then
	kv manager pkg
	kv native "$(uname -m 2>/dev/null)"
	pkg query "%n$T%v$T$T%sb$T%t$T" 2>/dev/null | head -n 200000
elif have pkg_info; then
	kv manager pkg_info
	pkg_info 2>/dev/null | head -n 200000 | awk -v T="$T" '{
		if (match($1, /-[0-9][^-]*$/))
			print substr($1, 1, RSTART - 1) T substr($1, RSTART + 1) T T T T }'
elif [ "$OS" = Darwin ] && have pkgutil; then
	kv manager pkgutil
	pkgutil --pkgs 2>/dev/null | head -n 2000 | while read -r id; do
		pkgutil --pkg-info "$id" 2>/dev/null | awk -v T="$T" -v id="$id" '
			/^version: / { v = $2 } /^install-time: / { t = $2 }
			END { print id T v T T T t T }'
	done
fi

echo "@@ apps"
if [ "$OS" = Darwin ] && have defaults; then
	for a in /Applications/*.app /Applications/Utilities/*.app; do
		[ -r "$a/Contents/Info.plist" ] || continue
		n=${a##*/}; n=${n%.app}
		v=$(defaults read "$a/Contents/Info" CFBundleShortVersionString 2>/dev/null </dev/null)
		b=$(defaults read "$a/Contents/Info" CFBundleIdentifier 2>/dev/null </dev/null)
		printf '%s\t%s\t%s\n' "$n" "$v" "$b"
	done | head -n 2000
fi

echo "@@ snaps"
have snap && snap list 2>/dev/null | head -n 10000 | awk -v T="$T" 'NR > 1 { print $1 T $2 T $5 }'

echo "@@ flatpaks"
have flatpak && flatpak list --app --columns=application,version,origin 2>/dev/null |
	head -n 10000 | awk -F '\t' -v T="$T" '$1 != "Application ID" { print $1 T $2 T $3 }'

echo "@@ listen"
if have ss; then
	ss -ltnupH 2>/dev/null | head -n 5000 | awk -v T="$T" '{
		p = $5; sub(/.*:/, "", p); c = ""
		if (match($0, /users:\(\("[^"]*"/)) { c = substr($0, RSTART + 9, RLENGTH - 10) }
		print $1 T p T c }'
elif have sockstat; then
	sockstat -4 -6 -l 2>/dev/null | head -n 5000 | awk -v T="$T" '
		NR > 1 { p = $6; sub(/.*:/, "", p); pr = $5; sub(/[46]+$/, "", pr); print pr T p T $2 }'
elif [ "$OS" = Darwin ] && have lsof; then
	lsof -nP -iTCP -sTCP:LISTEN 2>/dev/null | head -n 5000 | awk -v T="$T" '
		NR > 1 { p = $9; sub(/.*:/, "", p); print "tcp" T p T $1 }'
elif have netstat; then
	netstat -ltnup 2>/dev/null | head -n 5000 | awk -v T="$T" '
		$1 ~ /^(tcp|udp)/ { p = $4; sub(/.*:/, "", p); c = $NF; sub(/^[0-9]+\//, "", c)
			if (c ~ /^(LISTEN|-)$/) c = ""; pr = $1; sub(/6$/, "", pr); print pr T p T c }'
fi

echo "@@ end"
