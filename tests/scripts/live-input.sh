#!/bin/sh
# live-input: a stream that pauses shows what it has so far.  The seed
# events and one invalid event go into a fifo that stays open; the ACW row
# and the reject must reach their files within 10 s, before the input
# ends, on one thread and on two.  Then the input ends and the run exits 1
# (one record was rejected).
tmp=${TMP:-/tmp}/live-input.$$
mkdir -p "$tmp" || exit 1
trap 'rm -rf "$tmp"' EXIT
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
status=0
for j in 1 2; do
	mkfifo "$tmp/fifo.$j" || exit 1
	$AGENTEV -j $j -r "$tmp/rejects.$j" acw <"$tmp/fifo.$j" \
	    >"$tmp/out.$j" 2>"$tmp/err.$j" &
	pid=$!
	exec 3>"$tmp/fifo.$j"
	cat samples/seed-acw.ndjson >&3
	echo '{"EventType":"LOGIN","EventId":"live-1"}' >&3
	appears "$tmp/out.$j" ',CLEARED$' ||
	    { echo "-j $j: no ACW row while the input stays open"; status=1; }
	appears "$tmp/rejects.$j" '"live-1"' ||
	    { echo "-j $j: no reject while the input stays open"; status=1; }
	exec 3>&-
	wait $pid
	rc=$?
	[ $rc = 1 ] || { echo "-j $j: exit status $rc, expected 1"; status=1; }
	[ "$(grep -c ',CLEARED$' "$tmp/out.$j")" = 1 ] ||
	    { echo "-j $j: expected one ACW row"; cat "$tmp/out.$j"; status=1; }
done
exit $status
