#!/bin/sh
# adherence-truth: on generated days, agentev's adherence table and its
# adherence>5m alert rule against the generator's own truth (samples/gen.py
# --schedule with --expect-dir: worked out from what it simulated, never by
# running agentev):
#  - `-A S adherence` is E/adherence.csv byte for byte (exceptions: every
#    stretch), `-A S -a 'adherence>5m' adherence` is E5/adherence.csv (the
#    truth written with --adherence-alert 5m: only stretches over 5m);
#  - `-A S alert -a 'adherence>5m'` gives exactly the rows of
#    E5/adherence-alert.csv (compared as sets).
# The truth must hold a skipped break (a Break segment out of adherence
# from its start to its end, while the agent stays logged in and Available:
# no event of that agent at its boundaries, none inside that shows another
# status, a login or a logout), a scheduled agent who never logs in, raised
# as a no-show, an agent with events and no schedule, and a RAISED row,
# and one of the days an agent raised before its first event, so that the
# test cannot pass on days that lack them.  A last day, with a limit just
# under its segments' length, must hold stretches raised at their end.
# Skipped (exit 0) only when agentev has no -A or no adherence command.
set -e
: "${AGENTEV:=$PWD/agentev}"
d=$(mktemp -d "${TMP:-/tmp}/adherence-truth.XXXXXX")
trap 'rm -rf "$d"' EXIT
fail() {
	echo "adherence-truth: $*"
	exit 1
}
if ! $AGENTEV -A /dev/null adherence </dev/null >"$d/probe" 2>&1 &&
    grep -Eq 'unknown command|unknown option|invalid option' "$d/probe"
then
	echo "adherence-truth: skipped, agentev has no schedules:" \
	    "$(head -1 "$d/probe")"
	exit 0
fi
for seed in 3 5 8 21; do
	gen="python3 samples/gen.py --seed $seed --agents 8 --hours 12
	    --dup-rate 0.03"
	$gen --schedule "$d/s.$seed.csv" --expect-dir "$d/e.$seed" \
	    >"$d/day.$seed"
	$gen --schedule "$d/s5.$seed.csv" --expect-dir "$d/e5.$seed" \
	    --adherence-alert 5m >"$d/day5.$seed"
	cmp -s "$d/day.$seed" "$d/day5.$seed" &&
	    cmp -s "$d/s.$seed.csv" "$d/s5.$seed.csv" ||
	    fail "seed $seed: --adherence-alert changed the day or schedule"
	s=$d/s.$seed.csv
	day=$d/day.$seed

	rc=0
	$AGENTEV -A "$s" adherence "$day" >"$d/got" || rc=$?
	[ $rc = 0 ] || fail "seed $seed: adherence: exit $rc"
	cmp -s "$d/got" "$d/e.$seed/adherence.csv" ||
	    fail "seed $seed: adherence differs from the truth (< truth):
$(diff "$d/e.$seed/adherence.csv" "$d/got" | head -8)"

	$AGENTEV -A "$s" -a 'adherence>5m' adherence "$day" >"$d/got" ||
	    rc=$?
	[ $rc = 0 ] || fail "seed $seed: adherence -a: exit $rc"
	cmp -s "$d/got" "$d/e5.$seed/adherence.csv" ||
	    fail "seed $seed: adherence -a 'adherence>5m' differs (< truth):
$(diff "$d/e5.$seed/adherence.csv" "$d/got" | head -8)"

	$AGENTEV -A "$s" alert -a 'adherence>5m' "$day" >"$d/got" || rc=$?
	[ $rc = 0 ] || fail "seed $seed: alert: exit $rc"
	head -1 "$d/got" >"$d/got.h"
	head -1 "$d/e5.$seed/adherence-alert.csv" >"$d/want.h"
	cmp -s "$d/got.h" "$d/want.h" ||
	    fail "seed $seed: alert header: $(cat "$d/got.h")"
	tail -n +2 "$d/got" | LC_ALL=C sort >"$d/got.rows"
	tail -n +2 "$d/e5.$seed/adherence-alert.csv" | LC_ALL=C sort \
	    >"$d/want.rows"
	cmp -s "$d/got.rows" "$d/want.rows" ||
	    fail "seed $seed: alert rows differ from the truth (< truth):
$(diff "$d/want.rows" "$d/got.rows" | head -8)"

	# what the truth must hold
	python3 - "$day" "$s" "$d/e.$seed" "$d/e5.$seed" "$d/late" <<'EOF' ||
import calendar, csv, json, re, sys, time

day, sched, exp, exp5, late = sys.argv[1:6]

def ms(text):
    """Milliseconds of 2026-11-04T08:00:00Z, ...+01:00 or ...00.123Z."""
    m = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{3}))?"
                     r"(Z|([+-])(\d\d):(\d\d))", text)
    t = calendar.timegm(time.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S"))
    if m.group(3) != "Z":
        off = int(m.group(5)) * 3600 + int(m.group(6)) * 60
        t -= off if m.group(4) == "+" else -off
    return t * 1000 + int(m.group(2) or 0)

events = {}                     # username: [(time, type, status)]
for line in open(day, encoding="utf-8"):
    j = json.loads(line)
    snap = j["CurrentAgentSnapshot"]
    events.setdefault(snap["Configuration"]["Username"], []).append(
        (ms(j["EventTimestamp"]), j["EventType"],
         (snap.get("AgentStatus") or {}).get("Name")))
segments = {}                   # (username, start, end): activity
for r in csv.DictReader(open(sched, encoding="utf-8")):
    segments[(r["username"], ms(r["start"]), ms(r["end"]))] = r["activity"]
scheduled = {u for u, _, _ in segments}
rows = list(csv.DictReader(open(exp + "/adherence.csv", encoding="utf-8")))
stretches = list(csv.DictReader(open(exp + "/adherence-stretches.csv",
                                     encoding="utf-8")))
alerts = list(csv.DictReader(open(exp5 + "/adherence-alert.csv",
                                  encoding="utf-8")))
missing = []
if not any(r["agent_arn"] == "" and r["username"] not in events and
           float(r["scheduled_s"]) > 0 and r["conformance"] == "0.0000"
           for r in rows):
    missing.append("a scheduled agent who never logs in")
if not any(r["agent_arn"] and r["username"] not in scheduled and
           r["scheduled_s"] == "0.000" and r["adherence"] == "" and
           float(r["unscheduled_s"]) > 0 for r in rows):
    missing.append("an agent with events and no schedule")
if not any(r["state"] == "RAISED" for r in alerts):
    missing.append("a RAISED row")
if not any(r["state"] == "RAISED" and r["agent_arn"] == "" and
           r["username"] not in events for r in alerts):
    missing.append("a no-show RAISED (a scheduled agent with no events)")
if any(r["state"] == "RAISED" and r["agent_arn"] == "" and
       r["username"] in events for r in alerts):
    open(late, "w").close()     # one of the days has it
skipped = []
for st in stretches:
    if st["activity"].lower() != "break" or not st["end"]:
        continue
    user, a, b = st["username"], ms(st["start"]), ms(st["end"])
    if segments.get((user, a, b)) is None:
        continue                # not the whole segment
    inside = [e for e in events[user] if a <= e[0] <= b]
    if inside and all(a < t < b and kind not in ("LOGIN", "LOGOUT") and
                      status == "Available" for t, kind, status in inside):
        skipped.append(st)
raised = {(r["username"], r["since"]) for r in alerts
          if r["state"] == "RAISED"}
if not any((st["username"], st["start"]) in raised for st in skipped):
    missing.append("a skipped break, RAISED from its start")
if missing:
    sys.exit("the truth lacks " + "; ".join(missing))
EOF
	    fail "seed $seed: the day does not exercise every rule"
done
[ -e "$d/late" ] ||
    fail "no day has an agent raised before its first event (late login)"

# Stretches the clock passes only after they ended, with a limit just
# under the 15-minute segments: on this sparser day a few end between two
# clock values after passing it (raised at the segment's end, where they
# clear), and some end before the first event (every agent is logged out
# until its first event): the truth's rows and exceptions, and the day
# must hold both kinds.
seed=6
gen="python3 samples/gen.py --seed $seed --agents 3 --hours 12 --dup-rate 0.03"
$gen --schedule "$d/sl.csv" --expect-dir "$d/el" --adherence-alert 14m50s \
    >"$d/dayl"
$AGENTEV -A "$d/sl.csv" -a 'adherence>14m50s' adherence "$d/dayl" \
    >"$d/got" || fail "seed $seed: adherence -a 14m50s: exit $?"
cmp -s "$d/got" "$d/el/adherence.csv" ||
    fail "seed $seed: adherence -a 'adherence>14m50s' differs (< truth):
$(diff "$d/el/adherence.csv" "$d/got" | head -8)"
$AGENTEV -A "$d/sl.csv" -a 'adherence>14m50s' alert "$d/dayl" |
    tail -n +2 | LC_ALL=C sort >"$d/got.rows"
tail -n +2 "$d/el/adherence-alert.csv" | LC_ALL=C sort >"$d/want.rows"
cmp -s "$d/got.rows" "$d/want.rows" ||
    fail "seed $seed: adherence>14m50s rows differ from the truth (< truth):
$(diff "$d/want.rows" "$d/got.rows" | head -8)"
# the event times: a pair at one of them may be an event's doing
sed 's/.*"EventTimestamp": *"\([^"]*\)".*/\1/' "$d/dayl" >"$d/times"
t0=$(head -1 "$d/times")
awk -F, -v t0="$t0" '
	FNR == NR { event[$1] = 1; next }
	$5 == "RAISED" && $1 < t0 { before++ }
	$1 >= t0 && !($1 in event) { n[$1 FS $3 FS $7 FS $8]++ }
	END {
		for (k in n)
			if (n[k] == 2)
				ended++
		if (!before)
			print "no stretch raised before the first event"
		if (!ended)
			print "no stretch raised and cleared at its segment'"'"'s end"
		exit !(before && ended)
	}' "$d/times" "$d/want.rows" >"$d/why" ||
    fail "seed $seed: the day lacks what it is for: $(cat "$d/why")"
exit 0
