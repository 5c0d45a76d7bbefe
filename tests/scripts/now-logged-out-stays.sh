#!/bin/sh
# now-logged-out-stays: an agent seen once stays in the -S state, so that
# `now -S` lists it as LOGGED_OUT with what its last snapshot showed, even
# when a later batch comes two days after its LOGOUT; the state then
# leaves out its EventIds (a few hundred bytes per agent), and keeps
# those of the agents still active.
set -e
d=$(mktemp -d "${TMP:-/tmp}/logged-out.XXXXXX")
trap 'rm -rf "$d"' EXIT
# batch 2: one event of mei.chen two days after the shift
python3 - samples/shift.ndjson >"$d/later" <<'EOF'
import json, sys
last = [json.loads(l) for l in open(sys.argv[1]) if "mei.chen" in l][-1]
last["EventId"] = "00000000-0000-4000-8000-000000000001"
last["EventTimestamp"] = "2026-11-06T06:00:00.000Z"
last["EventType"] = "HEART_BEAT"
print(json.dumps(last))
EOF
$AGENTEV -S "$d/state" acw samples/shift.ndjson >/dev/null
$AGENTEV -S "$d/state" acw "$d/later" >/dev/null
$AGENTEV -f json -S "$d/state" now </dev/null >"$d/now"
D="$d" python3 - <<'EOF'
import json, os, sys
d = os.environ["D"]
rows = {r["username"]: r for r in map(json.loads, open(d + "/now"))}
state = {a["username"]: a for a in json.load(open(d + "/state"))["agents"]}
bad = []
c = rows.get("chloe.haddad")
if c is None:
    bad.append("chloe.haddad, logged out two days before, is not listed")
elif (c["session"], c["routing_profile"], c["last_event"], c["contacts"],
      c["status"], c["as_of"]) != ("LOGGED_OUT", "Voice Sales",
                                   "2026-11-04T06:32:55.401Z", 0, None,
                                   "2026-11-06T06:00:00.000Z"):
    bad.append("chloe.haddad: %s" % c)
if list(rows) != ["mei.chen", "jose.nguyen", "chloe.haddad",
                  "priya.obrien"]:
    bad.append("agents in another order: %s" % list(rows))
if state["chloe.haddad"]["ids"] != [[], []]:
    bad.append("chloe.haddad's EventIds are still kept")
if not any(state["mei.chen"]["ids"]):
    bad.append("mei.chen's EventIds were dropped")
print("\n".join(bad))
sys.exit(1 if bad else 0)
EOF
