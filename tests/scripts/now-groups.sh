#!/bin/sh
# now-groups.sh: `now -g KEYS`, one row per group and activity with the
# number of agents logged in, against counts made here from the input
# itself: each agent's last snapshot (routing profile, hierarchy levels,
# status) and its activity and session from the per-agent `now` rows of
# the same run.  The counts add up to the agents logged in; the rows are
# in the order of the keys, then of the activities; -t moves them; -f
# text and -o now=FILE give the same rows; -f html with -g is refused.

. tests/scripts/hostile.subr

python3 samples/gen.py --seed 5 --agents 30 --hours 3 --varied \
    --rich-contacts >"$work/day"

# reference IN NOWCSV KEYS: the rows now -g KEYS must write
reference() {
	python3 - "$@" <<'EOF'
import csv, datetime, json, sys
events, nowcsv, keys = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
def ms(t):
    return datetime.datetime.fromisoformat(t.replace("Z", "+00:00"))
LEGEND = ["Available", "Incoming", "On contact", "After contact work",
          "Missed", "Rejected", "Error", "Offline", "Unknown"]
rows = list(csv.DictReader(open(nowcsv, newline="")))
cutoff = ms(rows[0]["as_of"]) if rows else None
last, seen = {}, set()
for line in open(events):
    ev = json.loads(line)
    if ev["EventId"] in seen or ms(ev["EventTimestamp"]) > cutoff:
        continue
    seen.add(ev["EventId"])
    if ev.get("CurrentAgentSnapshot"):
        last[ev["AgentARN"]] = ev["CurrentAgentSnapshot"]
def value(key, row):
    snap = last.get(row["agent_arn"])
    if key == "status":
        return snap["AgentStatus"]["Name"]
    conf = snap["Configuration"]
    if key == "routing_profile":
        return conf["RoutingProfile"]["Name"]
    level = (conf.get("AgentHierarchyGroups") or {}).get(
        "Level" + key[-1]) or {}
    return level.get("Name")
order = {r["agent_arn"]: i for i, r in enumerate(rows)}
count = {}
for r in rows:
    if r["session"] != "LOGGED_IN":
        continue
    k = []
    for key in keys:
        if key == "agent":
            k.append((order[r["agent_arn"]], r["agent_arn"], r["username"]))
        else:
            k.append(value(key, r))
    act = r["activity"] or None
    k = tuple(k) + (act,)
    count[k] = count.get(k, 0) + 1
def sortkey(k):
    out = []
    for key, v in zip(keys, k):
        out.append(v[0] if key == "agent" else
                   (v is not None, (v or "").encode()))
    act = k[-1]
    out.append((act is None, LEGEND.index(act) if act in LEGEND else
                len(LEGEND), (act or "").encode()))
    return out
w = csv.writer(sys.stdout, lineterminator="\n")
head = ["as_of"]
for key in keys:
    head += ["agent_arn", "username"] if key == "agent" else [key]
w.writerow(head + ["activity", "agents"])
asof = rows[0]["as_of"] if rows else ""
for k in sorted(count, key=sortkey):
    cells = [asof]
    for key, v in zip(keys, k):
        cells += [v[1], v[2]] if key == "agent" else [v or ""]
    w.writerow(cells + [k[-1] or "", count[k]])
EOF
}

# same KEYS ARGS...: now -g KEYS ARGS against the reference
same() {
	keys=$1
	shift
	$AGENTEV now "$@" "$work/day" >"$work/now.csv" 2>/dev/null
	$AGENTEV now -g "$keys" "$@" "$work/day" >"$work/got" 2>"$work/err" ||
	    { fail "-g $keys $*: exit status $?"; return; }
	reference "$work/day" "$work/now.csv" "$keys" >"$work/want"
	cmp -s "$work/got" "$work/want" || {
		fail "-g $keys $*: the rows differ from the reference"
		diff "$work/want" "$work/got" | head -5
	}
	# the counts add up to the agents logged in
	total=$(awk -F, 'NR > 1 { n += $NF } END { print n + 0 }' "$work/got")
	in=$(grep -c ',LOGGED_IN,' "$work/now.csv")
	[ "$total" = "$in" ] ||
	    fail "-g $keys $*: $total agents counted, $in logged in"
}

for keys in routing_profile status hierarchy1 hierarchy3,routing_profile \
    routing_profile,status hierarchy5 agent; do
	same $keys
	[ $keys = routing_profile,status ] && [ "$(wc -l <"$work/got")" -lt 10 ] &&
	    fail "-g $keys: too few groups to be a test"
done
same routing_profile -t 2026-11-04T07:00:00Z
same hierarchy2,status -t 2026-11-04T06:10:00Z

# the same rows as text (aligned) and from -o
$AGENTEV now -g routing_profile "$work/day" >"$work/a" 2>/dev/null
$AGENTEV status -g routing_profile -o now="$work/o" "$work/day" \
    >/dev/null 2>&1
cmp -s "$work/a" "$work/o" || fail "-o now= with -g differs from now -g"
$AGENTEV now -g routing_profile -f text "$work/day" >"$work/t" 2>/dev/null
[ "$(wc -l <"$work/t")" = "$(wc -l <"$work/a")" ] ||
    fail "-f text has another number of rows"

# an empty input: the header only
$AGENTEV now -g routing_profile </dev/null >"$work/e" ||
    fail "empty: exit status $?"
[ "$(cat "$work/e")" = "as_of,routing_profile,activity,agents" ] ||
    fail "empty: $(cat "$work/e")"

# -g goes with summary, adherence and now only, and not with -f html
$AGENTEV -f html now -g routing_profile "$work/day" >/dev/null 2>"$work/err"
[ $? = 2 ] && grep -q 'without -g' "$work/err" ||
    fail "-f html -g: $(cat "$work/err")"
$AGENTEV status -g routing_profile "$work/day" >/dev/null 2>"$work/err"
[ $? = 2 ] && grep -q '^agentev: -g applies to summary, adherence and now only$' \
    "$work/err" || fail "status -g: $(cat "$work/err")"

finish
