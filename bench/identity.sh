#!/bin/sh
# bench/identity.sh [HOSTS [PACKAGES]] — time host identity resolution and
# `scans --prune` on a large inventory (see bench/identity.c). Needs no
# root and sends nothing. Build first: make bench/identity
set -e
here=$(cd "$(dirname "$0")" && pwd)
bin=${IDENTITY_BENCH:-$here/identity}
[ -x "$bin" ] || { echo "build it first: make bench/identity" >&2; exit 2; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$bin" "$dir/bench.db" "${1:-10000}" "${2:-100}"
ls -l "$dir/bench.db" | awk '{ printf "database: %.0f MB\n", $5 / 1048576 }'
