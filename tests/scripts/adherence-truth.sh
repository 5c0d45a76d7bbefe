#!/bin/sh
# adherence-truth: on generated days, `adherence -A` and `alert -a
# 'adherence>5m' -A` against the generator's own truth (samples/gen.py
# --schedule with --expect-dir: worked out from what it simulated, not
# from the events): the table byte for byte, with and without the 5m
# threshold for exceptions, and exactly the alert rows.  The truth must
# hold a scheduled break that an agent skipped (raised from the break's
# start, where the agent has no event, while its events show it
# Available), a scheduled agent who never logs in, and an agent with
# events and no schedule, so the test cannot pass on days that lack them.
set -e
: "${AGENTEV:=$PWD/agentev}"
d=$(mktemp -d "${TMP:-/tmp}/adherence-truth.XXXXXX")
trap 'rm -rf "$d"' EXIT
fail() {
	echo "adherence-truth: $*"
	exit 1
}
skipped=0
for seed in 3 8 21; do
	gen="python3 samples/gen.py --seed $seed --agents 8 --hours 12 \
	    --dup-rate 0.03 --schedule $d/s.$seed.csv"
	$gen --expect-dir "$d/e.$seed" >"$d/day.$seed"
	$gen --expect-dir "$d/e5.$seed" --adherence-alert 5m >/dev/null
	$AGENTEV -A "$d/s.$seed.csv" adherence "$d/day.$seed" >"$d/got" ||
	    fail "seed $seed: adherence exit $?"
	cmp -s "$d/got" "$d/e.$seed/adherence.csv" ||
	    fail "seed $seed: adherence differs from the truth:
$(diff "$d/e.$seed/adherence.csv" "$d/got" | head -6)"
	$AGENTEV -A "$d/s.$seed.csv" -a 'adherence>5m' adherence \
	    "$d/day.$seed" >"$d/got"
	cmp -s "$d/got" "$d/e5.$seed/adherence.csv" ||
	    fail "seed $seed: adherence -a adherence>5m differs:
$(diff "$d/e5.$seed/adherence.csv" "$d/got" | head -6)"
	$AGENTEV -A "$d/s.$seed.csv" -a 'adherence>5m' -H alert \
	    "$d/day.$seed" | LC_ALL=C sort >"$d/got"
	tail -n +2 "$d/e.$seed/adherence-alert.csv" | LC_ALL=C sort >"$d/want"
	cmp -s "$d/got" "$d/want" ||
	    fail "seed $seed: alert rows differ from the truth:
$(diff "$d/want" "$d/got" | head -6)"
	# what the day must hold
	rc=0
	python3 - "$d/day.$seed" "$d/e.$seed" "$d/s.$seed.csv" <<'EOF' || rc=$?
import csv, json, sys
day, exp, sched = sys.argv[1:4]
events = {}
for line in open(day):
    j = json.loads(line)
    status = ((j.get("CurrentAgentSnapshot") or {}).get("AgentStatus")
              or {}).get("Name")
    events.setdefault(j["AgentARN"], []).append((j["EventTimestamp"],
                                                 status))
alerts = list(csv.DictReader(open(exp + "/adherence-alert.csv")))
rows = list(csv.DictReader(open(exp + "/adherence.csv")))
scheduled = {r["username"] for r in csv.DictReader(open(sched))}
if not any(r["agent_arn"] == "" and float(r["scheduled_s"]) > 0 and
           r["conformance"] == "0.0000" for r in rows):
    sys.exit("no scheduled agent who never logs in")
if not any(r["agent_arn"] and r["username"] not in scheduled and
           r["adherence"] == "" for r in rows):
    sys.exit("no agent with events and no schedule")
if not [r for r in alerts if r["state"] == "RAISED"]:
    sys.exit("no RAISED alert")
# a break never taken: the stretch began at the segment's start, where
# the agent has no event, and its events until the alert (heartbeats,
# contacts) all show it Available
quiet = [r for r in alerts if r["state"] == "RAISED" and
         r["subject"].lower() == "break" and
         all(t != r["since"] for t, _ in events[r["agent_arn"]]) and
         all(st == "Available" for t, st in events[r["agent_arn"]]
             if r["since"] <= t <= r["time"])]
sys.exit(0 if quiet else 2)
EOF
	case $rc in
	0) skipped=$((skipped + 1)) ;;
	2) ;;
	*) fail "seed $seed: the truth lacks a case (see above)" ;;
	esac
done
[ $skipped -gt 0 ] ||
    fail "no day has a skipped break raised from its start"
