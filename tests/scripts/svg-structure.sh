#!/bin/sh
# svg-structure.sh: -f svg without a browser.  Each picture is well-formed
# XML with one bar per CSV row of the same run (the bar's hover text is the
# row), bars where the row's times fall on the axis, open rows reaching
# the last event with an open end, the known names in their fixed colours
# and a custom name in the same colour in every picture; hostile usernames
# stay text, characters XML cannot hold become U+FFFD, an empty input is
# an empty picture, and past the lane limit the picture says so and the
# run exits 1.  tests/svg.py does the checking.

. tests/scripts/hostile.subr

shift=samples/shift.ndjson
py() { python3 tests/svg.py "$@"; }

# same MESSAGE ARGS...: the SVG and the CSV of the same arguments agree
# (standard input from $IN, else none)
same() {
	what=$1
	shift
	$AGENTEV -f svg "$@" <"${IN:-/dev/null}" >"$work/p.svg" 2>"$work/err" ||
	    fail "$what: -f svg exit status $?"
	$AGENTEV "$@" <"${IN:-/dev/null}" >"$work/p.csv" 2>/dev/null
	py check "$work/p.svg" "$work/p.csv" >"$work/log" ||
	    fail "$what: $(cat "$work/log")"
	[ -s "$work/err" ] && fail "$what: stderr: $(cat "$work/err")"
}

for command in activity status acw; do
	same "$command" $command $shift
	same "$command -z -i" -z America/New_York -i 15m $command $shift
	IN=$shift same "$command -i 1h, stdin" -i 1h $command
done

# a week (6.8 days): the axis steps by 12 hours of local time
python3 samples/gen.py --seed 7 --agents 3 --hours 168 >"$work/week"
same "a week of status" -z Europe/Berlin status "$work/week"
$AGENTEV -f svg -z Europe/Berlin status "$work/week" >"$work/p.svg"
ticks=$(grep -c '<line class="tick"' "$work/p.svg")
[ "$ticks" = 14 ] || fail "a week: $ticks ticks, expected 14"
grep '<line class="tick"' "$work/p.svg" | grep -v -e '>00:00<' -e '>12:00<' &&
    fail "a week: ticks off 00:00 and 12:00 local time"
# and the sample's 40 minutes by 5 minutes
$AGENTEV -f svg acw $shift >"$work/p.svg"
grep -o '>06:[0-9][0-9]<' "$work/p.svg" | tr -d '<>' | tr '\n' ' ' >"$work/ticks"
[ "$(cat "$work/ticks")" = "06:05 06:10 06:15 06:20 06:25 06:30 06:35 " ] ||
    fail "the sample shift's ticks: $(cat "$work/ticks")"

# hostile usernames stay text: the labels are the names themselves
py hostile markup <$shift >"$work/h"
same "hostile usernames" activity "$work/h"
$AGENTEV -f svg activity "$work/h" >"$work/p.svg"
py labels "$work/p.svg" >"$work/labels" || fail "labels: $(cat "$work/labels")"
python3 -c '
import json, sys
sys.path.insert(0, "tests")
import svg
got = sorted(json.loads(l) for l in open(sys.argv[1]))
if got != sorted(svg.HOSTILE):
    sys.exit("labels %r" % got)
' "$work/labels" || fail "hostile usernames are not the labels"
grep -q '<script' "$work/p.svg" && fail "a <script tag in the picture"

# control characters cannot appear in XML: they show as U+FFFD
py hostile control <$shift >"$work/c"
$AGENTEV -f svg activity "$work/c" >"$work/p.svg" || fail "control: exit $?"
py labels "$work/p.svg" >"$work/labels" || fail "control: $(cat "$work/labels")"
python3 -c '
import json, sys
want = sorted(["a\ufffdb\ufffdc", "d\ufffde\ufffd", "tab\there", "new\nline"])
got = sorted(json.loads(l) for l in open(sys.argv[1]))
if got != want:
    sys.exit("labels %r" % got)
' "$work/labels" || fail "control characters: $(cat "$work/labels")"

# a custom name has one colour, whatever else the picture holds
$AGENTEV -f svg activity $shift >"$work/all.svg"
grep priya.obrien $shift | $AGENTEV -f svg status >"$work/one.svg"
a=$(py colour "$work/all.svg" Lunch)
b=$(py colour "$work/one.svg" Lunch)
[ -n "$a" ] && [ "$a" = "$b" ] || fail "Lunch is $a in one picture, $b in another"
c=$(py colour "$work/all.svg" Training)
[ "$a" != "$c" ] || fail "Lunch and Training share the colour $a"

# times at the ends of what the validator allows: an ACW from 1970 to
# year 9999, with buckets and a zone
LC_ALL=C sed 's/"[0-9]\{4\}-[0-9-]*T[0-9:.]*Z"/"1970-01-01T00:00:00.000Z"/g' \
    "$work/seed1" >"$work/far"
LC_ALL=C sed 's/"EventTimestamp":"[^"]*"/"EventTimestamp":"9999-12-31T23:59:59.999Z"/' \
    "$work/seed2" >>"$work/far"
same "1970 to 9999" acw "$work/far"
$AGENTEV -f svg -i 1d -z Asia/Kathmandu acw "$work/far" >"$work/p.svg" \
    2>/dev/null || fail "1970 to 9999, -i -z: exit status $?"
python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' \
    "$work/p.svg" || fail "1970 to 9999, -i -z: not well-formed"
[ "$(grep -c '<rect class="bar' "$work/p.svg")" = 1 ] ||
    fail "1970 to 9999, -i -z: not one bar"

# an empty input is an empty, well-formed picture
$AGENTEV -f svg acw </dev/null >"$work/p.svg" || fail "empty: exit $?"
printf 'agent_arn,acw_start,acw_end\n' >"$work/p.csv"
py check "$work/p.svg" "$work/p.csv" >"$work/log" || fail "empty: $(cat "$work/log")"

# past the lane limit: the first 10000 agents, a message, exit status 1
LC_ALL=C awk 'NR == 1 {
	sub(/"EventId":"EventId-1"/, "\"EventId\":\"e-agent/agent-ARN\"")
	k = split($0, part, "agent/agent-ARN")
	for (i = 1; i <= 10002; i++) {
		printf "%s", part[1]
		for (j = 2; j <= k; j++)
			printf "agent/agent-%d%s", i, part[j]
		printf "\n"
	}
}' "$work/seed1" >"$work/many"
$AGENTEV -f svg acw "$work/many" >"$work/p.svg" 2>"$work/err"
rc=$?
[ $rc = 1 ] || fail "10002 agents: exit status $rc, expected 1"
grep -q '^agentev: -f svg: 2 rows not drawn: a picture holds at most 200000 intervals of 10000 agents$' \
    "$work/err" || fail "10002 agents: stderr $(cat "$work/err")"
n=$(grep -c '<text class="label"' "$work/p.svg")
[ "$n" = 10000 ] || fail "10002 agents: $n lanes"
grep -q '(2 rows not drawn: over the limits)' "$work/p.svg" ||
    fail "10002 agents: the picture does not say rows are missing"
python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' \
    "$work/p.svg" || fail "10002 agents: not well-formed"

finish
