#!/bin/bash
# export.sh — how fast netcensus exports and diffs a large inventory.
#
#   bench/export.sh                  (after a build; NETCENSUS=path overrides)
#   HOSTS=500 PACKAGES=50 bench/export.sh        (a quick run)
#
# Builds a synthetic inventory with tests/tools/mkinv --synth (through the
# real writer): HOSTS hosts (default 10000) with about PACKAGES packages
# each (default 300, so one scan holds ~3M software rows), two scans a day
# apart with CHURN percent of change between them (default 5). The time
# mkinv takes is reported as the writer's speed. Then, one at a time:
#
#   netcensus export --format csv   (--what all into a directory when the
#                                    export command knows --what)
#   netcensus export --format xml   -o FILE
#   netcensus export --format json  -o FILE
#   netcensus export --format vdi   -o FILE
#   netcensus diff 1 2              (output to a file)
#
# each timed with /usr/bin/time: wall time, CPU time (user + sys), peak RSS
# and the size of what it wrote. A command or format this build does not
# have yet is reported "not available" rather than failing the run. Needs
# no root and sends nothing.
#
# Targets checked (the export/diff issues): each command under 10 s on the
# full size, with memory bounded — peak RSS under MEM_LIMIT_MB (default
# 256 MB) while the inventory is far larger, i.e. the rows are streamed,
# not loaded.
#
# Environment: NETCENSUS, MKINV, HOSTS, PACKAGES, CHURN, SEED, MEM_LIMIT_MB,
# WALL_LIMIT_S (default 10), BENCH_DB (use or keep the inventory at this
# path: built when missing, reused when there, so repeated runs skip the
# build), TMPDIR.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
NETCENSUS=${NETCENSUS:-$top/netcensus}
MKINV=${MKINV:-$top/tests/tools/mkinv}
HOSTS=${HOSTS:-10000}
PACKAGES=${PACKAGES:-300}
CHURN=${CHURN:-5}
SEED=${SEED:-1}
MEM_LIMIT_MB=${MEM_LIMIT_MB:-256}
WALL_LIMIT_S=${WALL_LIMIT_S:-10}

die() { echo "export.sh: $*" >&2; exit 1; }
[ -x "$NETCENSUS" ] || die "no netcensus binary at $NETCENSUS (build first, or set NETCENSUS)"
[ -x "$MKINV" ] || die "no mkinv at $MKINV (make builds it, or set MKINV)"
[ -x /usr/bin/time ] || die "needs /usr/bin/time (apt-get install time)"

T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM HUP
unset NETCENSUS_DB

mb() { awk -v k="${1:-0}" 'BEGIN { printf "%.1f", k / 1024 }'; }
# size PATH — bytes in a file or under a directory, in MB
size_mb() { du -sb "$1" 2>/dev/null | awk '{ printf "%.1f", $1 / 1048576 }'; }

# ---- the inventory
DB=${BENCH_DB:-$T/inventory.db}
BUILD_NOTE=
if [ -n "${BENCH_DB:-}" ] && [ -s "$DB" ]; then
	BUILD_NOTE="reused $DB (built earlier; HOSTS/PACKAGES of that run)"
else
	rm -f "$DB" "$DB-wal" "$DB-shm" "$DB.lock"
	echo "building the inventory: mkinv --synth $HOSTS --packages $PACKAGES --scans 2 --churn $CHURN --seed $SEED" >&2
	/usr/bin/time -f '%e %U %S %M' -o "$T/mkinv.time" \
		"$MKINV" --db "$DB" --synth "$HOSTS" --packages "$PACKAGES" --scans 2 \
		--churn "$CHURN" --seed "$SEED" >"$T/mkinv.out" 2>"$T/mkinv.err" ||
		die "mkinv failed: $(tail -n 3 "$T/mkinv.err")"
	read -r MK_WALL MK_USER MK_SYS MK_RSS <"$T/mkinv.time"
	MK_ROWS=$(awk '/^mkinv: scan/ { n += $6 } END { print n + 0 }' "$T/mkinv.out")
	MK_WRITER=$(awk '/^mkinv: scan/ { for (i = 1; i <= NF; i++) if ($i == "writer") { v = $(i + 1); sub(/s:?$/, "", v); w += v } } END { printf "%.2f", w }' "$T/mkinv.out")
fi
SCAN_OLD=$(sqlite3 "$DB" 'SELECT min(id) FROM (SELECT id FROM scans ORDER BY id DESC LIMIT 2)' 2>/dev/null)
SCAN_NEW=$(sqlite3 "$DB" 'SELECT max(id) FROM scans' 2>/dev/null)
[ -n "$SCAN_NEW" ] || die "cannot read the scans of $DB (sqlite3 missing?)"
STATS=$(sqlite3 "$DB" "SELECT (SELECT count(*) FROM host_scans WHERE scan_id = $SCAN_NEW),
	(SELECT count(*) FROM software WHERE scan_id = $SCAN_NEW),
	(SELECT count(*) FROM software)" | tr '|' ' ')
read -r N_HOSTS N_SW N_SW_ALL <<<"$STATS"

# ---- the commands
ROWS=()
FMT='%-11s %-10s %8s %8s %8s %9s  %s'
row() { ROWS+=("$(printf "$FMT" "$@")"); }
CHECKS=()

# has_command NAME — does this netcensus know the sub-command?
has_command() { "$NETCENSUS" "$1" --help >/dev/null 2>&1; }

# run NAME DESC OUT OKRC CMD... — one measured run; OUT is what it writes
# (file or directory), OKRC the exit codes that mean success ("0" or "0 1").
run() {
	local name=$1 desc=$2 out=$3 okrc=$4 rc wall user sys rss cpu note=
	shift 4
	/usr/bin/time -f '%e %U %S %M' -o "$T/$name.time" "$@" >"$T/$name.stdout" 2>"$T/$name.err"
	rc=$?
	if ! has_word "$okrc" "$rc"; then
		if grep -qiE 'unknown|not available|unavailable|not supported|unsupported|not (yet )?implemented' \
			"$T/$name.err"; then
			row "$name" "$desc" - - - - "not available: $(head -n 1 "$T/$name.err" | cut -c1-70)"
		else
			row "$name" "$desc" - - - - "FAILED (exit $rc): $(head -n 1 "$T/$name.err" | cut -c1-60)"
			CHECKS+=("FAIL $name ran (exit $rc)")
		fi
		return
	fi
	# (after "Command exited with non-zero status N" when it did)
	read -r wall user sys rss < <(tail -n 1 "$T/$name.time")
	cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
	[ "$rc" = 0 ] || note="exit $rc"
	row "$name" "$desc" "$wall" "$cpu" "$(mb "$rss")" "$(size_mb "$out")" "$note"
	CHECKS+=("$(awk -v w="$wall" -v l="$WALL_LIMIT_S" 'BEGIN { print (w < l) ? "PASS" : "FAIL" }') $name wall < ${WALL_LIMIT_S} s ($wall s)")
	CHECKS+=("$(awk -v r="$rss" -v l="$MEM_LIMIT_MB" 'BEGIN { print (r / 1024 < l) ? "PASS" : "FAIL" }') $name peak RSS < ${MEM_LIMIT_MB} MB ($(mb "$rss") MB)")
}
has_word() { case " $1 " in *" $2 "*) return 0 ;; esac; return 1; }

if has_command export; then
	if "$NETCENSUS" export --help 2>&1 | grep -q -- --what; then
		mkdir -p "$T/csv"
		run export-csv "--what all" "$T/csv" 0 "$NETCENSUS" export --format csv --what all --db "$DB" \
			--scan "$SCAN_NEW" -o "$T/csv"
	else
		run export-csv "-o FILE" "$T/export.csv" 0 "$NETCENSUS" export --format csv --db "$DB" \
			--scan "$SCAN_NEW" -o "$T/export.csv"
	fi
	for f in xml json vdi; do
		run "export-$f" "-o FILE" "$T/export.$f" 0 "$NETCENSUS" export --format "$f" --db "$DB" \
			--scan "$SCAN_NEW" -o "$T/export.$f"
	done
else
	for f in csv xml json vdi; do
		row "export-$f" - - - - - "not available: no export command in this build"
	done
fi
if has_command diff; then
	run diff "$SCAN_OLD $SCAN_NEW" "$T/diff.stdout" "0 1" "$NETCENSUS" diff --db "$DB" "$SCAN_OLD" "$SCAN_NEW"
else
	row diff - - - - - "not available: no diff command in this build"
fi

# ---- the report
echo
echo "netcensus export/diff benchmark — inventory: $(size_mb "$DB") MB, scans $SCAN_OLD and $SCAN_NEW;"
echo "scan $SCAN_NEW: $N_HOSTS hosts, $N_SW software rows ($N_SW_ALL in both scans)"
if [ -n "$BUILD_NOTE" ]; then
	echo "$BUILD_NOTE"
else
	echo "built by mkinv --synth $HOSTS --packages $PACKAGES --scans 2 --churn $CHURN --seed $SEED:"
	echo "  $MK_WALL s wall, $(awk -v u="$MK_USER" -v s="$MK_SYS" 'BEGIN { printf "%.2f", u + s }') s CPU, peak RSS $(mb "$MK_RSS") MB;" \
		"writer $MK_WRITER s for $MK_ROWS software rows" \
		"($(awk -v n="$MK_ROWS" -v w="$MK_WRITER" 'BEGIN { printf "%.0f", (w > 0 ? n / w : 0) }') rows/s)"
	sed 's/^/  /' "$T/mkinv.out"
fi
echo
printf "$FMT\n" command args "wall s" "cpu s" "RSS MB" "output MB" note
printf '%s\n' "${ROWS[@]}"
echo
echo "targets (each under ${WALL_LIMIT_S} s, peak RSS under ${MEM_LIMIT_MB} MB):"
if [ "${#CHECKS[@]}" = 0 ]; then
	echo "  n/a  nothing to check: no command was available"
else
	printf '  %s\n' "${CHECKS[@]}"
fi
[ "$HOSTS" -ge 10000 ] && [ "$PACKAGES" -ge 300 ] ||
	echo "  (a reduced run: HOSTS=$HOSTS PACKAGES=$PACKAGES; the targets are for 10000 x 300)"
