#!/bin/sh
# run-fuzz.sh — bounded smoke run of the libFuzzer harnesses (`make
# fuzz-check` runs it after `make fuzz`). Each harness runs for FUZZ_SECONDS
# (default 20) over a fresh copy of its seed corpus (tests/fuzz/seeds.py:
# the test data plus tests/fuzz/regress/HARNESS/), FUZZ_JOBS (default 2) at
# a time, with its dictionary when tests/fuzz/dict/HARNESS.dict exists.
# Nothing is written to the source tree: the copies live in a temporary
# directory that is removed at the end; crashing inputs are kept in
# FUZZ_OUT (default FUZZ_BIN/fuzz-check.out).
#
# Output: TAP, one line per harness ("ok N - NAME: E executions", or "not
# ok" with the crashing input's path), then
#   fuzz: N harnesses, TOTAL executions, C crashes
# Exit status 1 when a harness crashed (or could not run), else 0.
#
# Environment: FUZZ_BIN (the built harnesses, default tests/fuzz of the
# current directory), NC_SRCDIR (the source tree, default the parent of
# this script's directory's parent), FUZZ_HARNESSES (names, default every
# fuzz_* executable in FUZZ_BIN), FUZZ_SECONDS, FUZZ_JOBS, FUZZ_OUT.

here=$(cd "$(dirname "$0")" && pwd)
srcdir=${NC_SRCDIR:-$(cd "$here/../.." && pwd)}
bin=${FUZZ_BIN:-$(pwd)/tests/fuzz}
secs=${FUZZ_SECONDS:-20}
jobs=${FUZZ_JOBS:-2}
out=${FUZZ_OUT:-$bin/fuzz-check.out}

case $secs in '' | *[!0-9]*) echo "run-fuzz: FUZZ_SECONDS must be a number" >&2; exit 2 ;; esac
case $jobs in '' | *[!0-9]* | 0) echo "run-fuzz: FUZZ_JOBS must be a number > 0" >&2; exit 2 ;; esac

if [ -z "$FUZZ_HARNESSES" ]; then
	for f in "$bin"/fuzz_*; do
		[ -x "$f" ] && [ -f "$f" ] && FUZZ_HARNESSES="$FUZZ_HARNESSES ${f##*/}"
	done
fi
set -- $FUZZ_HARNESSES
if [ $# -eq 0 ]; then
	echo "run-fuzz: no harnesses in $bin (make fuzz)" >&2
	exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nc-fuzz-check.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$out" || exit 2
# a run must end even if a harness hangs in one input (-timeout catches
# that) or ignores its time budget: the hard limit is generous
hard=$((secs * 3 + 60))

# run_one NAME — fuzz NAME; leaves $tmp/NAME.log and $tmp/NAME.rc
run_one() {
	name=$1
	corpus=$tmp/$name.corpus
	dict=
	[ -f "$here/dict/$name.dict" ] && dict=-dict=$here/dict/$name.dict
	# inputs as long as the longest seed (48 KB of dpkg output) make each
	# run slow; the sections all show up in the first few KB
	maxlen=
	[ "$name" = fuzz_ssh_parse ] && maxlen=-max_len=8192
	rm -f "$out/$name"-crash-* "$out/$name"-leak-* "$out/$name"-timeout-* "$out/$name"-oom-*
	if ! python3 "$here/seeds.py" "$name" "$srcdir" "$corpus" >/dev/null 2>"$tmp/$name.log"; then
		echo 2 >"$tmp/$name.rc"
		return
	fi
	(cd "$tmp" && timeout -k 10 "$hard" "$bin/$name" -max_total_time="$secs" -timeout=20 \
		-rss_limit_mb=2048 -print_final_stats=1 $dict $maxlen \
		-artifact_prefix="$out/$name-" "$corpus") >"$tmp/$name.log" 2>&1
	echo $? >"$tmp/$name.rc"
}

echo "1..$#"
n=0 total=0 crashes=0 failed=0
# the harnesses, FUZZ_JOBS at a time; results in the order given
while [ $# -gt 0 ]; do
	batch=
	k=0
	while [ $# -gt 0 ] && [ $k -lt "$jobs" ]; do
		run_one "$1" &
		batch="$batch $1"
		k=$((k + 1))
		shift
	done
	wait
	for name in $batch; do
		n=$((n + 1))
		rc=$(cat "$tmp/$name.rc" 2>/dev/null || echo 2)
		execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' \
			"$tmp/$name.log" | tail -n 1)
		[ -n "$execs" ] || execs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' \
			"$tmp/$name.log" | tail -n 1)
		[ -n "$execs" ] || execs=0
		total=$((total + execs))
		artifact=$(ls "$out/$name"-* 2>/dev/null | head -n 1)
		if [ "$rc" -eq 0 ] && [ -z "$artifact" ]; then
			echo "ok $n - $name: $execs executions"
			continue
		fi
		failed=$((failed + 1))
		if [ -n "$artifact" ]; then
			crashes=$((crashes + 1))
			echo "not ok $n - $name: crash after $execs executions, input $artifact"
		else
			echo "not ok $n - $name: exit status $rc after $execs executions"
		fi
		# the sanitizer's report, for the CI log
		grep -E 'ERROR: |runtime error|SUMMARY|^    #[0-9]' "$tmp/$name.log" | head -n 25 |
			sed 's/^/# /'
	done
done
echo "fuzz: $n harnesses, $total executions, $crashes crashes"
[ "$failed" -eq 0 ]
