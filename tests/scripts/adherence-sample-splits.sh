#!/bin/sh
# adherence-sample-splits: the sample shift has statuses that heartbeats
# reveal late (a STATE_CHANGE lost: the status started minutes before the
# event that names it).  Cut into two -S batches at every line, it gives
# the one run's adherence rows with -i 5m byte for byte, its totals by
# username without -i, and its adherence>1m alerts byte for byte; and
# the -i 5m rows of one run add up to the totals without -i (no status of
# the sample reaches back across a 5-minute boundary: one that does counts
# from that boundary with -i).
set -e
: "${AGENTEV:=$PWD/agentev}"
d=$(mktemp -d "${TMP:-/tmp}/adhsplits.XXXXXX")
trap 'rm -rf "$d"' EXIT
ev=samples/shift.ndjson
run() { $AGENTEV -A samples/shift-schedule.csv -H "$@"; }
# username and the millisecond sums: scheduled, in, out, logged in
# scheduled, unscheduled, exceptions
totals() {
	awk -F, '{ u[$2] = 1; for (i = 4; i <= 11; i++) if (i != 7 && i != 10)
	    s[$2, i] += $i } END { for (n in u) printf "%s %.3f %.3f %.3f %.3f %.3f %d\n",
	    n, s[n, 4], s[n, 5], s[n, 6], s[n, 8], s[n, 9], s[n, 11] }' "$@" | sort
}
run -i 5m -S "$d/one.st" adherence "$ev" >"$d/one.i"
run adherence "$ev" | totals >"$d/one.totals"
run -i 5m adherence "$ev" | totals | cmp -s - "$d/one.totals" ||
    { echo "the -i 5m rows do not add up to the totals"; exit 1; }
run -a 'adherence>1m' alert "$ev" >"$d/one.alerts"
[ "$(grep -c RAISED "$d/one.alerts")" -gt 3 ]
n=$(wc -l <"$ev")
k=1
bad=0
while [ $k -lt "$n" ]; do
	head -n $k "$ev" >"$d/b1"
	tail -n +$((k + 1)) "$ev" >"$d/b2"
	rm -f "$d/st"
	{ run -i 5m -S "$d/st" adherence "$d/b1"
	  run -i 5m -S "$d/st" adherence "$d/b2"; } >"$d/two.i"
	cmp -s "$d/one.i" "$d/two.i" ||
	    { echo "cut after line $k: other -i 5m rows"; bad=1; }
	rm -f "$d/st"
	{ run -S "$d/st" adherence "$d/b1"
	  run -S "$d/st" adherence "$d/b2"; } | totals |
	    cmp -s - "$d/one.totals" ||
	    { echo "cut after line $k: other totals"; bad=1; }
	rm -f "$d/st"
	{ run -a 'adherence>1m' -S "$d/st" alert "$d/b1"
	  run -a 'adherence>1m' -S "$d/st" alert "$d/b2"; } |
	    cmp -s - "$d/one.alerts" ||
	    { echo "cut after line $k: other alerts"; bad=1; }
	k=$((k + 1))
done
exit $bad
