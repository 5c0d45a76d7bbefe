#!/bin/sh
# alert-truth: on generated days, every alert rule kind gives exactly the
# rows computed here from the generator's own truth (status.csv for
# Break and Lunch, acw.csv for acw) or from a plain reading of the raw
# events (silent: each agent's event times; missed: the first event
# showing each contact MISSED or REJECTED), with the clock as the newest
# EventTimestamp read; and batches cut anywhere, run one after another
# with -S, give byte for byte the rows of one run.
set -e
: "${AGENTEV:=$PWD/agentev}"
d=$(mktemp -d "${TMP:-/tmp}/alert.XXXXXX")
rules="-a Break>11m -a lunch>35m -a acw>60s -a silent>100s -a missed>=2/30m"
for seed in 1 2 3; do
	python3 samples/gen.py --seed $seed --agents 8 --hours 10 \
	    --dup-rate 0.03 --expect-dir "$d/expect" >"$d/day.ndjson"
	# shellcheck disable=SC2086
	$AGENTEV alert $rules -f json "$d/day.ndjson" >"$d/alert.json"
	python3 - "$d/day.ndjson" "$d/expect" "$d/alert.json" <<'EOF'
import bisect, calendar, csv, json, sys, time

def ms(text):
    base, frac = text.rstrip("Z").split(".")
    return calendar.timegm(time.strptime(base, "%Y-%m-%dT%H:%M:%S")) * 1000 + int(frac)

def iso(t):
    s, m = divmod(t, 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(s)) + ".%03dZ" % m

events = [json.loads(line) for line in open(sys.argv[1])]
expect = sys.argv[2]
clocks = []               # the clock after each record: the newest time read
for ev in events:
    t = ms(ev["EventTimestamp"])
    clocks.append(max(t, clocks[-1]) if clocks else t)
final = clocks[-1]
def first_past(x):        # the first clock value above x
    i = bisect.bisect_right(clocks, x)
    return clocks[i] if i < len(clocks) else None

users = {}
times = {}                # agent: its event times, duplicates left out
seen = set()
unique = []
for ev in events:
    if ev["EventId"] in seen:
        unique.append(None)
        continue
    seen.add(ev["EventId"])
    unique.append(ev)
    a = ev["AgentARN"]
    users[a] = ev["CurrentAgentSnapshot"]["Configuration"]["Username"]
    times.setdefault(a, []).append(ms(ev["EventTimestamp"]))

rows = set()
def interval(a, rule, subject, start, end, limit):
    """Rows of a duration rule over [start, end) (end None: still open)."""
    if end is not None and end - start <= limit:
        return
    t = first_past(start + limit)
    if t is None:
        return
    rows.add((iso(t), a, users[a], rule, "RAISED", subject, iso(start),
              "%.3f" % ((t - start) / 1000)))
    if end is not None:
        rows.add((iso(end), a, users[a], rule, "CLEARED", subject,
                  iso(start), "%.3f" % ((end - start) / 1000)))

# Break and Lunch: the generator's status intervals; an activity interval
# starts and ends at the agent's first event at or after the status
# boundary (a status change the service did not send at once shows with
# the next heartbeat)
def shown(a, t):
    ts = times[a]
    return ts[bisect.bisect_left(ts, t)]
for r in csv.DictReader(open(expect + "/status.csv")):
    for name, rule, limit in (("Break", "Break>11m", 660000),
                              ("Lunch", "lunch>35m", 2100000)):
        if r["status"] == name:
            a = r["agent_arn"]
            end = shown(a, ms(r["end"])) if r["end"] else None
            interval(a, rule, name, shown(a, ms(r["start"])), end, limit)
for r in csv.DictReader(open(expect + "/acw.csv")):
    interval(r["agent_arn"], "acw>60s", r["contact_id"], ms(r["acw_start"]),
             ms(r["acw_end"]) if r["acw_end"] else None, 60000)

# silent: the gaps between one agent's events while it is logged in
# (from LOGIN, or from the first event when the day begins logged in, to
# LOGOUT; heartbeats after a LOGOUT do not count)
last = {}
out = set()
for ev in unique:
    if ev is None:
        continue
    a, t = ev["AgentARN"], ms(ev["EventTimestamp"])
    if a in last:
        interval(a, "silent>100s", None, last[a], t, 100000)
        del last[a]
    if ev["EventType"] == "LOGIN":
        out.discard(a)
    elif ev["EventType"] == "LOGOUT":
        out.add(a)
    if a not in out:
        last[a] = t
for a, t in last.items():
    interval(a, "silent>100s", None, t, None, 100000)

# missed>=2/30m: misses at the first event showing the contact so
N, W = 2, 30 * 60000
misses = {}
counted = set()
raised = {}
clock = None
for ev, c in zip(unique + [None], clocks + [final]):
    if clock is None or c > clock:
        clock = c
        for a in sorted(raised):
            n = sum(1 for m in misses[a] if m > clock - W)
            if n < N:
                rows.add((iso(clock), a, users[a], "missed>=2/30m",
                          "CLEARED", None, iso(raised.pop(a)), str(n)))
    if ev is None:
        continue
    a = ev["AgentARN"]
    new = False
    for x in ev["CurrentAgentSnapshot"].get("Contacts") or []:
        if x["State"] in ("MISSED", "REJECTED") and x["ContactId"] not in counted:
            counted.add(x["ContactId"])
            misses.setdefault(a, []).append(ms(ev["EventTimestamp"]))
            new = True
    if new and a not in raised:
        inside = sorted(m for m in misses[a] if m > clock - W)
        if len(inside) >= N:
            raised[a] = inside[0]
            rows.add((iso(clock), a, users[a], "missed>=2/30m", "RAISED",
                      None, iso(inside[0]), str(len(inside))))

got = set()
order = []
for line in open(sys.argv[3]):
    r = json.loads(line)
    v = r["value"]
    v = "%.3f" % v if isinstance(v, float) else str(v)
    got.add((r["time"], r["agent_arn"], r["username"], r["rule"],
             r["state"], r["subject"], r["since"], v))
    order.append(r["time"])
kinds = {}
for r in rows:
    kinds[r[3]] = kinds.get(r[3], 0) + 1
if got != rows:
    for r in sorted(rows - got)[:5]:
        print("missing:", r)
    for r in sorted(got - rows)[:5]:
        print("extra:  ", r)
    sys.exit(1)
if order != sorted(order):
    sys.exit("rows are not in clock order")
if len(kinds) != 5 or min(kinds.values()) < 2:
    sys.exit("too few rows of some rule to test it: %r" % kinds)
EOF
done
# batches with -S are one run
lines=$(wc -l <"$d/day.ndjson")
# shellcheck disable=SC2086
$AGENTEV alert -H $rules "$d/day.ndjson" >"$d/whole"
i=0
while [ $i -lt 6 ]; do
	i=$((i + 1))
	cuts=$(python3 -c "
import random; r = random.Random($i)
print(' '.join(str(c) for c in sorted(r.sample(range(1, $lines), r.randint(1, 5)))))")
	rm -f "$d/state" "$d/parts"
	prev=0
	for c in $cuts $lines; do
		sed -n "$((prev + 1)),${c}p" "$d/day.ndjson" >"$d/batch"
		# shellcheck disable=SC2086
		$AGENTEV alert -H $rules -S "$d/state" "$d/batch" >>"$d/parts"
		prev=$c
	done
	if ! cmp -s "$d/whole" "$d/parts"; then
		echo "cuts $cuts: batches differ from one run"
		diff "$d/whole" "$d/parts" | head -10
		exit 1
	fi
done
rm -rf "$d"
