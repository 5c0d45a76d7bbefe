#!/bin/sh
# live-input: a stream that pauses, or never pauses for long, shows what it
# has so far.  Events go into a fifo that stays open, on one thread and on
# two:
#  - the seed events and one invalid event: the ACW row and the reject must
#    reach their files within 10 s, before the input ends;
#  - the seed events, then a newline every 50 ms (never idle for 100 ms):
#    the row must still come out (agentev flushes at least every second);
#  - a file, then a fifo that stays silent: the file's rows come out;
#  - -r /dev/full with a pause: the failed write is reported at the end
#    and the -S state is not saved.
tmp=${TMP:-/tmp}/live-input.$$
mkdir -p "$tmp" || exit 1
trap 'rm -rf "$tmp"' EXIT
status=0
fail() {
	echo "-j $j: $*"
	status=1
}
# wait up to 10 s for FILE to contain TEXT
appears() {
	i=0
	while [ $i -lt 100 ]; do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# start NAME ARGS...: agentev ARGS... reading the fifo NAME, which fd 3
# holds open; its output goes to NAME.out and NAME.err
start() {
	name=$tmp/$1
	shift
	mkfifo "$name" || exit 1
	$AGENTEV -j $j "$@" <"$name" >"$name.out" 2>"$name.err" &
	pid=$!
	exec 3>"$name"
}
# end [STATUS]: close the fifo, and check agentev's exit status
end() {
	exec 3>&-
	wait $pid
	rc=$?
	[ $rc = "${1:-1}" ] || fail "$name: exit status $rc, expected ${1:-1}"
}
for j in 1 2; do
	start pause.$j -r "$tmp/rejects.$j" acw
	cat samples/seed-acw.ndjson >&3
	echo '{"EventType":"LOGIN","EventId":"live-1"}' >&3
	appears "$name.out" ',CLEARED$' ||
	    fail "no ACW row while the input stays open"
	appears "$tmp/rejects.$j" '"live-1"' ||
	    fail "no reject while the input stays open"
	end 1
	[ "$(grep -c ',CLEARED$' "$name.out")" = 1 ] ||
	    fail "expected one ACW row"

	start steady.$j acw
	cat samples/seed-acw.ndjson >&3
	seen=no
	i=0
	while [ $i -lt 60 ] && [ $seen = no ]; do
		echo >&3
		sleep 0.05
		grep -q ',CLEARED$' "$name.out" && seen=yes
		i=$((i + 1))
	done
	[ $seen = yes ] || fail "no ACW row from a stream that never pauses"
	end 0

	start quiet.$j acw samples/seed-acw.ndjson -
	appears "$name.out" ',CLEARED$' ||
	    fail "the first file's row waits for a silent second input"
	end 0

	start full.$j -r /dev/full -S "$tmp/state.$j" acw
	cat samples/seed-acw.ndjson >&3
	echo '{"EventType":"LOGIN","EventId":"live-2"}' >&3
	appears "$name.out" ',CLEARED$' || fail "no ACW row before the end"
	sleep 0.3
	end 1
	grep -q '/dev/full: No space left on device' "$name.err" ||
	    fail "a failed write to the rejects file was not reported"
	[ ! -e "$tmp/state.$j" ] ||
	    fail "the state was saved although the rejects were lost"
done
exit $status
