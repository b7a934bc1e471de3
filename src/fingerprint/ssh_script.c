#include "config.h"

/*
 * ssh_script.c — the collector scripts as constants, and the PowerShell
 * -EncodedCommand form.
 *
 * The scripts live here, not in files installed next to the binary, so
 * that a scan cannot run a collector other than the one it was built with.
 * scripts/inventory.sh and scripts/inventory.ps1 hold the same texts for
 * reading; edit both (tests/unit/test_ssh_parse.c compares them).
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprint/ssh_script.h"
#include "util/err.h"

static const char script_sh[] =
	"# netcensus inventory collector (POSIX sh). Sent on stdin to `sh -s`;\n"
	"# writes nothing on the target, prints the sectioned format that\n"
	"# src/fingerprint/ssh_parse.c reads. Every command is optional.\n"
	"# Format: first line \"NETCENSUS-INVENTORY 1\", then \"@@ section\" blocks of\n"
	"# tab-separated rows, last line \"@@ end\".\n"
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH\n"
	"LC_ALL=C\n"
	"export PATH LC_ALL\n"
	"T=$(printf '\\t')\n"
	"have() { command -v \"$1\" >/dev/null 2>&1; }\n"
	"kv() { printf '%s\\t%s\\n' \"$1\" \"$2\"; }\n"
	"rd() { [ -r \"$1\" ] && cat \"$1\" 2>/dev/null | head -n 1; }\n"
	"rootcat() {\n"
	"\tif [ -r \"$1\" ]; then head -n 1 \"$1\" 2>/dev/null\n"
	"\telif [ \"${NETCENSUS_SUDO:-0}\" = 1 ] && have sudo; then\n"
	"\t\tsudo -n cat \"$1\" 2>/dev/null </dev/null | head -n 1\n"
	"\tfi\n"
	"}\n"
	"OS=$(uname -s 2>/dev/null)\n"
	"echo \"NETCENSUS-INVENTORY 1\"\n"
	"\n"
	"echo \"@@ os-release\"\n"
	"if [ -r /etc/os-release ]; then head -n 100 /etc/os-release 2>/dev/null\n"
	"elif [ -r /usr/lib/os-release ]; then head -n 100 /usr/lib/os-release 2>/dev/null\n"
	"fi\n"
	"\n"
	"echo \"@@ os\"\n"
	"kv kernel \"$OS\"\n"
	"kv release \"$(uname -r 2>/dev/null)\"\n"
	"kv machine \"$(uname -m 2>/dev/null)\"\n"
	"kv hostname \"$(hostname 2>/dev/null || uname -n 2>/dev/null)\"\n"
	"case $OS in\n"
	"Linux) kv fqdn \"$(hostname -f 2>/dev/null)\" ;;\n"
	"*) kv fqdn \"$(hostname 2>/dev/null)\" ;;\n"
	"esac\n"
	"case $OS in\n"
	"FreeBSD) have freebsd-version && kv userland \"$(freebsd-version -u 2>/dev/null)\" ;;\n"
	"Darwin)\n"
	"\tif have sw_vers; then\n"
	"\t\tkv product-name \"$(sw_vers -productName 2>/dev/null)\"\n"
	"\t\tkv product-version \"$(sw_vers -productVersion 2>/dev/null)\"\n"
	"\t\tkv build-version \"$(sw_vers -buildVersion 2>/dev/null)\"\n"
	"\tfi ;;\n"
	"esac\n"
	"\n"
	"echo \"@@ cpu\"\n"
	"case $OS in\n"
	"Linux)\n"
	"\tif [ -r /proc/cpuinfo ]; then\n"
	"\t\tawk -F ': *' -v T=\"$T\" '\n"
	"\t\t\t/^processor[ \\t]*:/ { n++ }\n"
	"\t\t\t/^model name[ \\t]*:/ && m == \"\" { m = $2 }\n"
	"\t\t\t/^Hardware[ \\t]*:/ && m == \"\" { hw = $2 }\n"
	"\t\t\t/^physical id[ \\t]*:/ { p = $2; if (!(p in s)) { s[p] = 1; ns++ } }\n"
	"\t\t\t/^core id[ \\t]*:/ { k = p \"/\" $2; if (!(k in c)) { c[k] = 1; nc++ } }\n"
	"\t\t\tEND {\n"
	"\t\t\t\tif (m == \"\") m = hw\n"
	"\t\t\t\tif (m != \"\") print \"model\" T m\n"
	"\t\t\t\tif (ns > 0) print \"sockets\" T ns\n"
	"\t\t\t\tif (nc > 0) print \"cores\" T nc\n"
	"\t\t\t\tif (n > 0) print \"threads\" T n\n"
	"\t\t\t}' /proc/cpuinfo 2>/dev/null\n"
	"\tfi\n"
	"\tif have lscpu; then\n"
	"\t\tlscpu 2>/dev/null | awk -F ': *' -v T=\"$T\" '\n"
	"\t\t\t/^Model name:/ { print \"lscpu-model\" T $2 }\n"
	"\t\t\t/^Socket\\(s\\):/ { print \"lscpu-sockets\" T $2 }\n"
	"\t\t\t/^Core\\(s\\) per socket:/ { print \"lscpu-cores-per-socket\" T $2 }'\n"
	"\tfi\n"
	"\thave nproc && kv nproc \"$(nproc 2>/dev/null)\" ;;\n"
	"*)\n"
	"\tif have sysctl; then\n"
	"\t\tcase $OS in\n"
	"\t\tDarwin)\n"
	"\t\t\tkv model \"$(sysctl -n machdep.cpu.brand_string 2>/dev/null)\"\n"
	"\t\t\tkv sockets \"$(sysctl -n hw.packages 2>/dev/null)\"\n"
	"\t\t\tkv cores \"$(sysctl -n hw.physicalcpu 2>/dev/null)\"\n"
	"\t\t\tkv threads \"$(sysctl -n hw.logicalcpu 2>/dev/null)\" ;;\n"
	"\t\t*)\n"
	"\t\t\tkv model \"$(sysctl -n hw.model 2>/dev/null)\"\n"
	"\t\t\tkv threads \"$(sysctl -n hw.ncpu 2>/dev/null)\" ;;\n"
	"\t\tesac\n"
	"\tfi ;;\n"
	"esac\n"
	"\n"
	"echo \"@@ memory\"\n"
	"case $OS in\n"
	"Linux) [ -r /proc/meminfo ] && awk -v T=\"$T\" '/^MemTotal:/ { print \"total-kb\" T $2; exit }' /proc/meminfo 2>/dev/null ;;\n"
	"Darwin) have sysctl && kv total-bytes \"$(sysctl -n hw.memsize 2>/dev/null)\" ;;\n"
	"*) have sysctl && kv total-bytes \"$(sysctl -n hw.physmem 2>/dev/null)\" ;;\n"
	"esac\n"
	"\n"
	"echo \"@@ disks\"\n"
	"if [ \"$OS\" = Linux ] && have lsblk; then\n"
	"\tlsblk -b -d -n -P -o NAME,TYPE,SIZE,MODEL,SERIAL 2>/dev/null | head -n 1000 |\n"
	"\tawk -v T=\"$T\" '{\n"
	"\t\tline = $0; name = \"\"; type = \"\"; size = \"\"; model = \"\"; serial = \"\"\n"
	"\t\twhile (match(line, /[A-Z]+=\"[^\"]*\"/)) {\n"
	"\t\t\tf = substr(line, RSTART, RLENGTH); line = substr(line, RSTART + RLENGTH)\n"
	"\t\t\tk = f; sub(/=.*/, \"\", k); v = f; sub(/^[A-Z]+=\"/, \"\", v); sub(/\"$/, \"\", v)\n"
	"\t\t\tif (k == \"NAME\") name = v; else if (k == \"TYPE\") type = v\n"
	"\t\t\telse if (k == \"SIZE\") size = v; else if (k == \"MODEL\") model = v\n"
	"\t\t\telse if (k == \"SERIAL\") serial = v\n"
	"\t\t}\n"
	"\t\tif (type == \"disk\") print name T type T size T model T serial\n"
	"\t}'\n"
	"elif [ \"$OS\" = FreeBSD ] && have sysctl && have diskinfo; then\n"
	"\tfor d in $(sysctl -n kern.disks 2>/dev/null); do\n"
	"\t\tdiskinfo \"$d\" 2>/dev/null | awk -v T=\"$T\" '{ print $1 T \"disk\" T $3 T T }'\n"
	"\tdone | head -n 1000\n"
	"fi\n"
	"\n"
	"echo \"@@ filesystems\"\n"
	"if have df; then\n"
	"\tcase $OS in\n"
	"\tLinux) df -P -k -l -x tmpfs -x devtmpfs -x squashfs -x overlay -x efivarfs 2>/dev/null ;;\n"
	"\t*) df -P -k -l 2>/dev/null ;;\n"
	"\tesac | head -n 1000 | awk -v T=\"$T\" 'NR > 1 && $2 ~ /^[0-9]+$/ && $2 > 0 {\n"
	"\t\tm = $6; for (i = 7; i <= NF; i++) m = m \" \" $i\n"
	"\t\tprintf \"%s\\t%.0f\\t%.0f\\t%.0f\\t%s\\n\", $1, $2 * 1024, $3 * 1024, $4 * 1024, m }'\n"
	"fi\n"
	"\n"
	"echo \"@@ dmi\"\n"
	"case $OS in\n"
	"Linux)\n"
	"\td=/sys/class/dmi/id\n"
	"\tif [ -d $d ]; then\n"
	"\t\tfor f in sys_vendor product_name product_version board_vendor board_name \\\n"
	"\t\t\tbios_vendor bios_version bios_date chassis_type; do\n"
	"\t\t\tv=$(rd $d/$f) && [ -n \"$v\" ] && kv $f \"$v\"\n"
	"\t\tdone\n"
	"\t\tfor f in product_serial product_uuid; do\n"
	"\t\t\tv=$(rootcat $d/$f) && [ -n \"$v\" ] && kv $f \"$v\"\n"
	"\t\tdone\n"
	"\tfi ;;\n"
	"FreeBSD)\n"
	"\tif have kenv; then\n"
	"\t\tfor f in smbios.system.maker:sys_vendor smbios.system.product:product_name \\\n"
	"\t\t\tsmbios.system.serial:product_serial smbios.system.uuid:product_uuid \\\n"
	"\t\t\tsmbios.bios.vendor:bios_vendor smbios.bios.version:bios_version; do\n"
	"\t\t\tv=$(kenv -q \"${f%%:*}\" 2>/dev/null) && [ -n \"$v\" ] && kv \"${f#*:}\" \"$v\"\n"
	"\t\tdone\n"
	"\tfi ;;\n"
	"OpenBSD)\n"
	"\thave sysctl && kv sys_vendor \"$(sysctl -n hw.vendor 2>/dev/null)\" &&\n"
	"\t\tkv product_name \"$(sysctl -n hw.product 2>/dev/null)\" &&\n"
	"\t\tkv product_serial \"$(sysctl -n hw.serialno 2>/dev/null)\" &&\n"
	"\t\tkv product_uuid \"$(sysctl -n hw.uuid 2>/dev/null)\" ;;\n"
	"Darwin)\n"
	"\tkv sys_vendor \"Apple Inc.\"\n"
	"\thave system_profiler && system_profiler SPHardwareDataType 2>/dev/null |\n"
	"\tawk -F ': *' -v T=\"$T\" '\n"
	"\t\t/Model Name:/ { print \"product_family\" T $2 }\n"
	"\t\t/Model Identifier:/ { print \"product_name\" T $2 }\n"
	"\t\t/Serial Number \\(system\\):/ { print \"product_serial\" T $2 }\n"
	"\t\t/Hardware UUID:/ { print \"product_uuid\" T $2 }' ;;\n"
	"esac\n"
	"\n"
	"echo \"@@ virt\"\n"
	"if have systemd-detect-virt; then\n"
	"\tkv virt \"$(systemd-detect-virt 2>/dev/null)\"\n"
	"elif [ \"$OS\" = FreeBSD ] && have sysctl; then\n"
	"\tkv virt \"$(sysctl -n kern.vm_guest 2>/dev/null)\"\n"
	"elif [ \"$OS\" = Darwin ] && have sysctl; then\n"
	"\tcase $(sysctl -n kern.hv_vmm_present 2>/dev/null) in\n"
	"\t1) kv virt vm ;; 0) kv virt none ;;\n"
	"\tesac\n"
	"fi\n"
	"\n"
	"echo \"@@ net\"\n"
	"if [ \"$OS\" = Linux ] && have ip; then\n"
	"\tip -o link show 2>/dev/null | head -n 1000 | awk -v T=\"$T\" '{\n"
	"\t\tn = $2; sub(/:$/, \"\", n); sub(/@.*/, \"\", n)\n"
	"\t\tfor (i = 3; i < NF; i++) if ($i ~ /^link\\//) { print \"link\" T n T $(i + 1); break }\n"
	"\t}'\n"
	"\tip -o addr show 2>/dev/null | head -n 1000 | awk -v T=\"$T\" '\n"
	"\t\t$3 == \"inet\" || $3 == \"inet6\" { print \"addr\" T $2 T $4 }'\n"
	"elif have ifconfig; then\n"
	"\tifconfig -a 2>/dev/null | head -n 5000 | awk -v T=\"$T\" '\n"
	"\t\t/^[^ \\t]/ { n = $1; sub(/:$/, \"\", n); next }\n"
	"\t\t$1 == \"ether\" || $1 == \"lladdr\" { print \"link\" T n T $2 }\n"
	"\t\t$1 == \"inet\" { a = $2; sub(/^addr:/, \"\", a); print \"addr\" T n T a }\n"
	"\t\t$1 == \"inet6\" { a = $2; sub(/%.*/, \"\", a); print \"addr\" T n T a }'\n"
	"fi\n"
	"\n"
	"echo \"@@ users\"\n"
	"have who && who 2>/dev/null | head -n 1000 | awk -v T=\"$T\" '{ print $1 T $2 }'\n"
	"\n"
	"echo \"@@ uptime\"\n"
	"if [ -r /proc/uptime ]; then\n"
	"\tawk -v T=\"$T\" '{ split($1, a, \".\"); print \"seconds\" T a[1] }' /proc/uptime 2>/dev/null\n"
	"elif have sysctl; then\n"
	"\tb=$(sysctl -n kern.boottime 2>/dev/null | sed -n 's/.*sec = \\([0-9]*\\).*/\\1/p')\n"
	"\t[ -n \"$b\" ] || b=$(sysctl -n kern.boottime 2>/dev/null | awk '/^[0-9]+$/')\n"
	"\t[ -n \"$b\" ] && kv boot-epoch \"$b\" && kv now-epoch \"$(date +%s 2>/dev/null)\"\n"
	"fi\n"
	"\n"
	"# Rows: name, version, arch, size in bytes, install time (epoch seconds or\n"
	"# YYYYMMDD), vendor. The first row names the manager and the native arch.\n"
	"echo \"@@ packages\"\n"
	"if have dpkg-query; then\n"
	"\tkv manager dpkg\n"
	"\thave dpkg && printf 'native\\t%s\\n' \"$(dpkg --print-architecture 2>/dev/null)\"\n"
	"\t{\n"
	"\t\thave stat && stat -c '%Y %n' /var/lib/dpkg/info/*.list 2>/dev/null | head -n 200000\n"
	"\t\techo \"--\"\n"
	"\t\tdpkg-query -W -f '${db:Status-Abbrev}\\t${Package}\\t${Version}\\t${Architecture}\\t${Installed-Size}\\n' 2>/dev/null | head -n 200000\n"
	"\t} | awk -F '\\t' -v T=\"$T\" '\n"
	"\t\t!sep && $0 == \"--\" { sep = 1; next }\n"
	"\t\t!sep { t = $0; sub(/ .*/, \"\", t); f = $0; sub(/^[0-9]+ /, \"\", f)\n"
	"\t\t\tsub(/.*\\//, \"\", f); sub(/\\.list$/, \"\", f); tm[f] = t; next }\n"
	"\t\t$1 ~ /^.i/ {\n"
	"\t\t\tt = ($2 \":\" $4) in tm ? tm[$2 \":\" $4] : tm[$2]\n"
	"\t\t\tprint $2 T $3 T $4 T ($5 == \"\" ? \"\" : sprintf(\"%.0f\", $5 * 1024)) T t T\n"
	"\t\t}'\n"
	"elif have rpm; then\n"
	"\tkv manager rpm\n"
	"\tkv native \"$(uname -m 2>/dev/null)\"\n"
	"\trpm -qa --queryformat '%{NAME}\\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\\t%{ARCH}\\t%{SIZE}\\t%{INSTALLTIME}\\t%{VENDOR}\\n' 2>/dev/null | head -n 200000\n"
	"elif [ -r /lib/apk/db/installed ]; then\n"
	"\tkv manager apk\n"
	"\tkv native \"$(cat /etc/apk/arch 2>/dev/null)\"\n"
	"\thead -n 2000000 /lib/apk/db/installed 2>/dev/null | awk -v T=\"$T\" '\n"
	"\t\tfunction out() { if (p != \"\") print p T v T a T s T T; p = v = a = s = \"\" }\n"
	"\t\t/^$/ { out(); next }\n"
	"\t\t/^P:/ { p = substr($0, 3) } /^V:/ { v = substr($0, 3) }\n"
	"\t\t/^A:/ { a = substr($0, 3) } /^I:/ { s = substr($0, 3) }\n"
	"\t\tEND { out() }'\n"
	"elif have apk; then\n"
	"\tkv manager apk\n"
	"\tapk info -v 2>/dev/null | head -n 200000 | awk -v T=\"$T\" '{\n"
	"\t\tif (match($0, /-[0-9][^-]*-r[0-9]+$/))\n"
	"\t\t\tprint substr($0, 1, RSTART - 1) T substr($0, RSTART + 1) T T T T }'\n"
	"elif [ -d /var/lib/pacman/local ]; then\n"
	"\tkv manager pacman\n"
	"\tkv native \"$(uname -m 2>/dev/null)\"\n"
	"\tfor d in /var/lib/pacman/local/*/desc; do [ -r \"$d\" ] && cat \"$d\" && echo \"%END%\"; done 2>/dev/null |\n"
	"\thead -n 5000000 | awk -v T=\"$T\" '\n"
	"\t\t/^%[A-Z]+%$/ { k = $0; if (k == \"%END%\") { if (n != \"\") print n T v T a T s T t T p; n = v = a = s = t = p = \"\" } next }\n"
	"\t\tk == \"%NAME%\" && $0 != \"\" { n = $0 } k == \"%VERSION%\" && $0 != \"\" { v = $0 }\n"
	"\t\tk == \"%ARCH%\" && $0 != \"\" { a = $0 } k == \"%SIZE%\" && $0 != \"\" { s = $0 }\n"
	"\t\tk == \"%INSTALLDATE%\" && $0 != \"\" { t = $0 } k == \"%PACKAGER%\" && $0 != \"\" { p = $0 }'\n"
	"elif have pacman; then\n"
	"\tkv manager pacman\n"
	"\tpacman -Q 2>/dev/null | head -n 200000 | awk -v T=\"$T\" '{ print $1 T $2 T T T T }'\n"
	"elif have pkg && [ \"$OS\" = FreeBSD ]; then\n"
	"\tkv manager pkg\n"
	"\tkv native \"$(uname -m 2>/dev/null)\"\n"
	"\tpkg query \"%n$T%v$T$T%sb$T%t$T\" 2>/dev/null | head -n 200000\n"
	"elif have pkg_info; then\n"
	"\tkv manager pkg_info\n"
	"\tpkg_info 2>/dev/null | head -n 200000 | awk -v T=\"$T\" '{\n"
	"\t\tif (match($1, /-[0-9][^-]*$/))\n"
	"\t\t\tprint substr($1, 1, RSTART - 1) T substr($1, RSTART + 1) T T T T }'\n"
	"elif [ \"$OS\" = Darwin ] && have pkgutil; then\n"
	"\tkv manager pkgutil\n"
	"\tpkgutil --pkgs 2>/dev/null | head -n 2000 | while read -r id; do\n"
	"\t\tpkgutil --pkg-info \"$id\" 2>/dev/null | awk -v T=\"$T\" -v id=\"$id\" '\n"
	"\t\t\t/^version: / { v = $2 } /^install-time: / { t = $2 }\n"
	"\t\t\tEND { print id T v T T T t T }'\n"
	"\tdone\n"
	"fi\n"
	"\n"
	"echo \"@@ apps\"\n"
	"if [ \"$OS\" = Darwin ] && have defaults; then\n"
	"\tfor a in /Applications/*.app /Applications/Utilities/*.app; do\n"
	"\t\t[ -r \"$a/Contents/Info.plist\" ] || continue\n"
	"\t\tn=${a##*/}; n=${n%.app}\n"
	"\t\tv=$(defaults read \"$a/Contents/Info\" CFBundleShortVersionString 2>/dev/null </dev/null)\n"
	"\t\tb=$(defaults read \"$a/Contents/Info\" CFBundleIdentifier 2>/dev/null </dev/null)\n"
	"\t\tprintf '%s\\t%s\\t%s\\n' \"$n\" \"$v\" \"$b\"\n"
	"\tdone | head -n 2000\n"
	"fi\n"
	"\n"
	"echo \"@@ snaps\"\n"
	"have snap && snap list 2>/dev/null | head -n 10000 | awk -v T=\"$T\" 'NR > 1 { print $1 T $2 T $5 }'\n"
	"\n"
	"echo \"@@ flatpaks\"\n"
	"have flatpak && flatpak list --app --columns=application,version,origin 2>/dev/null |\n"
	"\thead -n 10000 | awk -F '\\t' -v T=\"$T\" '$1 != \"Application ID\" { print $1 T $2 T $3 }'\n"
	"\n"
	"echo \"@@ listen\"\n"
	"if have ss; then\n"
	"\tss -ltnupH 2>/dev/null | head -n 5000 | awk -v T=\"$T\" '{\n"
	"\t\tp = $5; sub(/.*:/, \"\", p); c = \"\"\n"
	"\t\tif (match($0, /users:\\(\\(\"[^\"]*\"/)) { c = substr($0, RSTART + 9, RLENGTH - 10) }\n"
	"\t\tprint $1 T p T c }'\n"
	"elif have sockstat; then\n"
	"\tsockstat -4 -6 -l 2>/dev/null | head -n 5000 | awk -v T=\"$T\" '\n"
	"\t\tNR > 1 { p = $6; sub(/.*:/, \"\", p); pr = $5; sub(/[46]+$/, \"\", pr); print pr T p T $2 }'\n"
	"elif [ \"$OS\" = Darwin ] && have lsof; then\n"
	"\tlsof -nP -iTCP -sTCP:LISTEN 2>/dev/null | head -n 5000 | awk -v T=\"$T\" '\n"
	"\t\tNR > 1 { p = $9; sub(/.*:/, \"\", p); print \"tcp\" T p T $1 }'\n"
	"elif have netstat; then\n"
	"\tnetstat -ltnup 2>/dev/null | head -n 5000 | awk -v T=\"$T\" '\n"
	"\t\t$1 ~ /^(tcp|udp)/ { p = $4; sub(/.*:/, \"\", p); c = $NF; sub(/^[0-9]+\\//, \"\", c)\n"
	"\t\t\tif (c ~ /^(LISTEN|-)$/) c = \"\"; pr = $1; sub(/6$/, \"\", pr); print pr T p T c }'\n"
	"fi\n"
	"\n"
	"echo \"@@ end\"\n"
	;

static const char script_ps1[] =
	"# netcensus inventory collector for Windows OpenSSH (PowerShell 5.1+).\n"
	"# Sent as powershell -NoProfile -NonInteractive -EncodedCommand; writes\n"
	"# nothing on the target, prints the same sectioned format as inventory.sh.\n"
	"$ErrorActionPreference = 'SilentlyContinue'\n"
	"$ProgressPreference = 'SilentlyContinue'\n"
	"[Console]::OutputEncoding = [Text.Encoding]::UTF8\n"
	"function o { [Console]::Out.Write((($args | % { \"$_\" -replace '[\\t\\r\\n]', ' ' }) -join \"`t\") + \"`n\") }\n"
	"function s($n) { o \"@@ $n\" }\n"
	"o 'NETCENSUS-INVENTORY 1'\n"
	"$os = Get-CimInstance Win32_OperatingSystem\n"
	"$cs = Get-CimInstance Win32_ComputerSystem\n"
	"$cv = Get-ItemProperty 'HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion'\n"
	"s os\n"
	"o kernel Windows\n"
	"o caption $os.Caption\n"
	"o version $os.Version\n"
	"o build $os.BuildNumber\n"
	"o ubr $cv.UBR\n"
	"o edition $cv.EditionID\n"
	"o display-version $(if ($cv.DisplayVersion) { $cv.DisplayVersion } else { $cv.ReleaseId })\n"
	"o product-type $os.ProductType\n"
	"o machine $env:PROCESSOR_ARCHITECTURE\n"
	"o hostname $cs.Name\n"
	"o domain $cs.Domain\n"
	"o part-of-domain $cs.PartOfDomain\n"
	"s cpu\n"
	"$p = @(Get-CimInstance Win32_Processor)\n"
	"o model $p[0].Name\n"
	"o sockets $p.Count\n"
	"o cores ($p | Measure-Object NumberOfCores -Sum).Sum\n"
	"o threads ($p | Measure-Object NumberOfLogicalProcessors -Sum).Sum\n"
	"s memory\n"
	"o total-bytes $cs.TotalPhysicalMemory\n"
	"s disks\n"
	"Get-CimInstance Win32_DiskDrive | % { o $_.DeviceID disk $_.Size $_.Model \"$($_.SerialNumber)\".Trim() }\n"
	"s filesystems\n"
	"Get-CimInstance Win32_LogicalDisk -Filter 'DriveType=3' | % { o $_.DeviceID $_.Size ($_.Size - $_.FreeSpace) $_.FreeSpace $_.DeviceID }\n"
	"s dmi\n"
	"$b = Get-CimInstance Win32_BIOS\n"
	"o sys_vendor $cs.Manufacturer\n"
	"o product_name $cs.Model\n"
	"o product_serial $b.SerialNumber\n"
	"o product_uuid (Get-CimInstance Win32_ComputerSystemProduct).UUID\n"
	"o bios_vendor $b.Manufacturer\n"
	"o bios_version $b.SMBIOSBIOSVersion\n"
	"s net\n"
	"Get-NetAdapter | % { o link $_.Name $_.MacAddress }\n"
	"Get-NetIPAddress | ? { $_.InterfaceAlias -notlike 'Loopback*' } | % { o addr $_.InterfaceAlias \"$($_.IPAddress)/$($_.PrefixLength)\" }\n"
	"s users\n"
	"query user 2>$null | select -Skip 1 | % { o ($_.Trim() -split '\\s+')[0].TrimStart('>') session }\n"
	"if ($cs.UserName) { o $cs.UserName console }\n"
	"s uptime\n"
	"o seconds ([int64]((Get-Date) - $os.LastBootUpTime).TotalSeconds)\n"
	"s packages\n"
	"o manager windows\n"
	"Get-ItemProperty 'HKLM:\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\*', 'HKLM:\\Software\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\*' |\n"
	"\t? { $_.DisplayName -and -not $_.SystemComponent -and -not $_.ParentKeyName } | select -First 100000 |\n"
	"\t% { o $_.DisplayName $_.DisplayVersion '' ([int64]$_.EstimatedSize * 1024) $_.InstallDate $_.Publisher }\n"
	"s hotfixes\n"
	"Get-HotFix | % { o $_.HotFixID $(if ($_.InstalledOn) { $_.InstalledOn.ToString('yyyy-MM-dd') }) }\n"
	"s listen\n"
	"$pr = @{}\n"
	"Get-Process | % { $pr[[int]$_.Id] = $_.ProcessName }\n"
	"Get-NetTCPConnection -State Listen | % { o tcp $_.LocalPort $pr[[int]$_.OwningProcess] }\n"
	"Get-NetUDPEndpoint | % { o udp $_.LocalPort $pr[[int]$_.OwningProcess] }\n"
	"s end\n"
	;

/* Read one code point of UTF-8; -1 when the bytes are not valid UTF-8. */
static int32_t utf8_next(const unsigned char **pp)
{
	const unsigned char *p = *pp;
	int32_t cp;
	int n;

	if (p[0] < 0x80) {
		*pp = p + 1;
		return p[0];
	}
	if ((p[0] & 0xe0) == 0xc0) {
		cp = p[0] & 0x1f;
		n = 1;
	} else if ((p[0] & 0xf0) == 0xe0) {
		cp = p[0] & 0x0f;
		n = 2;
	} else if ((p[0] & 0xf8) == 0xf0) {
		cp = p[0] & 0x07;
		n = 3;
	} else
		return -1;
	for (int i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return -1;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*pp = p + n + 1;
	return cp;
}

int ssh_script_encode_powershell(const char *script, char **out)
{
	static const char prefix[] = "powershell -NoProfile -NonInteractive -EncodedCommand ";
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = (const unsigned char *)script;
	unsigned char *u16 = NULL;
	size_t n = 0, len, olen, o;
	char *s = NULL;
	int r = NC_ERR_INTERNAL;

	*out = NULL;
	len = strlen(script);
	/* at most two UTF-16 units (4 bytes) per input byte */
	if (len > SIZE_MAX / 8 || (u16 = malloc(len * 4 + 4)) == NULL) {
		r = NC_ERR_NOMEM;
		goto out;
	}
	while (*p != '\0') {
		int32_t cp = utf8_next(&p);

		if (cp < 0) {
			r = NC_ERR_INVALID;
			goto out;
		}
		if (cp >= 0x10000) {
			uint32_t v = (uint32_t)cp - 0x10000, hi = 0xd800 | (v >> 10),
				 lo = 0xdc00 | (v & 0x3ff);

			u16[n++] = hi & 0xff;
			u16[n++] = (unsigned char)(hi >> 8);
			u16[n++] = lo & 0xff;
			u16[n++] = (unsigned char)(lo >> 8);
		} else {
			u16[n++] = cp & 0xff;
			u16[n++] = (unsigned char)(cp >> 8);
		}
	}
	olen = sizeof(prefix) - 1 + (n + 2) / 3 * 4 + 1;
	if ((s = malloc(olen)) == NULL) {
		r = NC_ERR_NOMEM;
		goto out;
	}
	memcpy(s, prefix, sizeof(prefix) - 1);
	o = sizeof(prefix) - 1;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)u16[i] << 16;

		if (i + 1 < n)
			v |= (uint32_t)u16[i + 1] << 8;
		if (i + 2 < n)
			v |= u16[i + 2];
		s[o++] = b64[(v >> 18) & 63];
		s[o++] = b64[(v >> 12) & 63];
		s[o++] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		s[o++] = i + 2 < n ? b64[v & 63] : '=';
	}
	s[o] = '\0';
	*out = s;
	s = NULL;
	r = 0;
out:
	free(u16);
	free(s);
	return r;
}

const char *ssh_script_sh(void)
{
	return script_sh;
}

const char *ssh_script_powershell(void)
{
	return script_ps1;
}

int ssh_script_powershell_command(char **out)
{
	return ssh_script_encode_powershell(script_ps1, out);
}

int ssh_script_powershell_stdin_command(char **out)
{
	return ssh_script_encode_powershell(
		"$s = [Console]::In.ReadToEnd(); Invoke-Expression $s", out);
}
