#!/bin/sh
# fuzz-regressions.sh: run agentev over every input the fuzzer found a
# problem with (fuzz/crashers/) and fail if any run ends in a way agentev
# never exits by itself: a signal (status >= 128), a sanitizer or
# valgrind report (status 99 under make check-asan / check-valgrind), or a
# hang (timeout, 124).  agentev itself exits only 0, 1 or 2.
#
# A crasher starts with the fuzz_record mode byte: command = byte % 6,
# format = byte / 6 % 3, -s = byte / 18 % 2, chunking = byte / 36 % 8
# (chunking 7 also means -m 512).  NAME.args, when present, holds more
# options (the harness's AGENTEV_FUZZ_ZONE and AGENTEV_FUZZ_INTERVAL as -z
# and -i).  Each file is run in its mode and, unless it is a timeout-*
# (slow by nature until fixed), in every command too.

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
: "${AGENTEV:=$top/agentev}"
: "${TMP:=${TMPDIR:-/tmp}}"
limit=${FUZZ_REGRESSION_TIMEOUT:-20}
failed=0
body=$(mktemp "$TMP/crasher.XXXXXX") || exit 2
trap 'rm -f "$body"' EXIT

# run NAME ARGS...: agentev on $body, judging the exit status
run() {
	name=$1
	shift
	timeout "$limit" $AGENTEV "$@" <"$body" >/dev/null 2>"$body.err"
	rc=$?
	if [ "$rc" -gt 2 ]; then
		echo "FAIL $name: agentev $*: exit status $rc"
		cat -v "$body.err" | sed 's/^/  /' | head -30
		failed=1
	fi
	rm -f "$body.err"
}

for file in fuzz/crashers/*; do
	[ -f "$file" ] || continue
	case $file in
	*.args) continue ;;
	esac
	args=
	[ -f "$file.args" ] && args=$(cat "$file.args")
	mode=$(od -An -tu1 -N1 "$file" | tr -d ' ')
	[ -n "$mode" ] || mode=0
	tail -c +2 "$file" >"$body"
	set -- check events acw status activity summary
	shift $((mode % 6))
	command=$1
	set -- csv tsv json
	shift $((mode / 6 % 3))
	format=$1
	strict=
	[ $((mode / 18 % 2)) = 1 ] && strict=-s
	max=
	[ $((mode / 36 % 8)) = 7 ] && max="-m 512"
	run "$file" $args $strict $max -f "$format" "$command"
	case $file in
	*/timeout-*) continue ;;
	esac
	for command in check events acw status activity summary contacts \
	    sessions; do
		run "$file" $args "$command"
	done
done
[ $failed = 0 ]
