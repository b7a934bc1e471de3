# tap.sh — the TAP helpers the shell tests share. Source it from bash.
#
# Each assertion prints one "ok N - desc" / "not ok N - desc" line so that
# the automake TAP driver counts it as a test; done_testing prints the plan
# at the end ("1..N", allowed after the results by TAP). Anything else a
# test prints to stdout must start with "#" (use diag).

TAP_N=0
TAP_FAILED=0

# skip_all REASON — the whole file is skipped ("1..0 # SKIP REASON").
skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

# A build configured with --disable-lab-tests (make distcheck) skips the lab
# tests: NC_LAB_TESTS=no comes from the test environment (man/man.mk).
case $0 in
*/tests/lab/*.test | tests/lab/*.test)
	[ "${NC_LAB_TESTS:-yes}" != no ] || skip_all "lab tests disabled (configure --disable-lab-tests)"
	;;
esac

# bail_out REASON — something the tests need is broken; stop with an error.
bail_out() {
	echo "Bail out! $*"
	exit 99
}

# diag TEXT... — print each line of TEXT as a TAP comment.
diag() {
	printf '%s\n' "$@" | sed 's/^/# /'
}

# ok STATUS DESC — pass when STATUS is 0; returns STATUS as 0/1.
ok() {
	TAP_N=$((TAP_N + 1))
	if [ "$1" = 0 ]; then
		echo "ok $TAP_N - $2"
		return 0
	fi
	echo "not ok $TAP_N - $2"
	TAP_FAILED=$((TAP_FAILED + 1))
	return 1
}

# skip DESC REASON — an assertion that cannot be made here.
skip() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $1 # SKIP $2"
}

# is GOT EXPECTED DESC — exact string comparison; shows a diff on failure.
is() {
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
		return 0
	fi
	ok 1 "$3"
	diff -u <(printf '%s\n' "$2") <(printf '%s\n' "$1") |
		sed -e '1s/.*/--- expected/' -e '2s/.*/+++ got/' -e 's/^/# /' | head -40
	return 1
}

# like GOT ERE DESC / unlike GOT ERE DESC — extended regex match (anywhere).
like() {
	if [[ $1 =~ $2 ]]; then
		ok 0 "$3"
		return 0
	fi
	ok 1 "$3"
	diag "got: $(printf '%s' "$1" | head -c 2000)" "does not match: $2"
	return 1
}

unlike() {
	if ! [[ $1 =~ $2 ]]; then
		ok 0 "$3"
		return 0
	fi
	ok 1 "$3"
	diag "got: $(printf '%s' "$1" | head -c 2000)" "matches: $2"
	return 1
}

# has_word LIST WORD — is WORD one of the comma-separated LIST?
has_word() {
	case ",$1," in *",$2,"*) return 0 ;; esac
	return 1
}

# done_testing — print the plan. The exit status stays 0: the "not ok"
# lines are the failures (the TAP driver would count a nonzero exit again).
done_testing() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" = 0 ] || echo "# $TAP_FAILED of $TAP_N failed"
}

# need_netcensus — bail out unless $NETCENSUS is the built binary.
need_netcensus() {
	[ -n "$NETCENSUS" ] || NETCENSUS=${NC_BUILDDIR:-.}/netcensus
	[ -x "$NETCENSUS" ] || bail_out "netcensus is not built ($NETCENSUS)"
}

# isolated CMD... — run CMD in a throwaway network namespace that holds only
# lo and a veth pair with 198.18.0.1/15 (the far end has no address), so a
# command that should send nothing (dry run, bad spec) could not reach any
# real network even if it were wrong. As root the namespace is plain; as a
# user it sits in a user namespace when the kernel allows one; otherwise CMD
# runs as is (an unprivileged process cannot send raw packets anyway).
isolated() {
	local setup='ip link set lo up && ip link add nc0 type veth peer name nc1 &&
		ip addr add 198.18.0.1/15 dev nc0 && ip link set nc1 up &&
		ip link set nc0 up && exec "$@"'
	if [ "$(id -u)" = 0 ]; then
		unshare -n sh -c "$setup" sh "$@"
	elif unshare -rn true 2>/dev/null; then
		unshare -rn sh -c "$setup" sh "$@"
	else
		"$@"
	fi
}
