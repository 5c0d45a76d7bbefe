#!/bin/sh
# summary-connect: Amazon Connect's agent metrics, computed here from the
# raw events of a generated day by the definitions in agentev(1), equal
# every summary column for every agent and 15-minute bucket; group rows
# equal the sums of their members' rows, and under -g agent,status each
# agent's rows add up to its row without -g.
set -e
: "${AGENTEV:=$PWD/agentev}"
d=$(mktemp -d "${TMP:-/tmp}/connect.XXXXXX")
python3 samples/gen.py --seed 3 --agents 8 --hours 12 --dup-rate 0.02 \
    >"$d/day.ndjson"
for opts in "" "-i 15m"; do
	# shellcheck disable=SC2086
	$AGENTEV summary -f json $opts "$d/day.ndjson" >"$d/summary"
	$AGENTEV acw -f json "$d/day.ndjson" >"$d/acw"
	python3 - "$d" "$opts" <<'PY'
import calendar, json, sys, time
d, opts = sys.argv[1], sys.argv[2]
width = 15 * 60000 if opts else 0

def ms(text):
    secs = calendar.timegm(time.strptime(text[:19], "%Y-%m-%dT%H:%M:%S"))
    return secs * 1000 + int(text[20:23])

def bucket(t):
    return t - t % width if width else 0

def ratio(num, den):
    if den == 0:
        return None
    return (2 * num * 10000 + den) // (2 * den) / 10000

def activity(s):
    if s["AgentStatus"]["Name"] == "Error":
        return "error"
    states = [c["State"] for c in s.get("Contacts") or []]
    for names, act in ((("ERROR",), "error"), (("MISSED",), "missed"),
                       (("REJECTED",), "rejected"),
                       (("CONNECTED", "CONNECTED_ONHOLD", "PAUSED"),
                        "on_contact"), (("ENDED",), "acw"),
                       (("INCOMING", "PENDING", "CONNECTING"), "incoming")):
        if any(x in names for x in states):
            return act
    name = s["AgentStatus"]["Name"]
    return {"Available": "available", "Offline": "offline"}.get(name,
                                                                 "custom")

def status_type(s):
    st = s["AgentStatus"]
    t = st.get("Type")
    if t is None:
        return {"Available": "ROUTABLE", "Offline": "OFFLINE"}.get(
            st["Name"], "CUSTOM")
    return t if t in ("ROUTABLE", "OFFLINE") else "CUSTOM"

rows = {}       # (arn, bucket) -> totals

def row(arn, b):
    return rows.setdefault((arn, b), {"logged_in_s": 0, "online_s": 0,
        "npt_s": 0, "idle_s": 0, "on_contact_s": 0,
        "incoming_connecting_s": 0, "error_status_s": 0,
        **{"activity_%s_s" % k: 0 for k in ("available", "custom",
           "incoming", "on_contact", "acw", "missed", "rejected", "error",
           "offline", "unknown")},
        "contacts_connected": 0, "contacts_missed": 0,
        "contacts_rejected": 0, "contact_acw_count": 0,
        "contact_acw_total_s": 0, "contact_acw_max_s": 0,
        "first_event": None, "last_event": None})

def credit(arn, s, start, end):
    """Time [start, end) with snapshot s (None: status unknown)."""
    while start < end:
        stop = min(end, bucket(start) + width) if width else end
        n = stop - start
        r = row(arn, bucket(start))
        r["logged_in_s"] += n
        if s is None:
            r["activity_unknown_s"] += n
        else:
            r["activity_%s_s" % activity(s)] += n
            st = status_type(s)
            states = [c["State"] for c in s.get("Contacts") or []]
            handling = any(x in ("CONNECTED", "CONNECTED_ONHOLD", "PAUSED",
                                 "ENDED") for x in states)
            offered = any(x in ("INCOMING", "PENDING", "CONNECTING")
                          for x in states)
            r["online_s"] += n if st != "OFFLINE" else 0
            r["npt_s"] += n if st == "CUSTOM" else 0
            r["on_contact_s"] += n if handling and st == "ROUTABLE" else 0
            r["idle_s"] += n if st == "ROUTABLE" and not handling and \
                not offered else 0
            r["error_status_s"] += n if "ERROR" in states else 0
            r["incoming_connecting_s"] += n * sum(
                1 for c in s.get("Contacts") or []
                if c["State"] in ("INCOMING", "PENDING", "CONNECTING") and
                c["InitiationMethod"] == "INBOUND")
        start = stop

seen, last, session, stretch, counted = {}, {}, {}, {}, {}
clock = -1
for line in open(d + "/day.ndjson"):
    ev = json.loads(line)
    arn, t = ev["AgentARN"], ms(ev["EventTimestamp"])
    clock = max(clock, t)
    if ev["EventId"] in seen.setdefault(arn, set()):
        continue
    seen[arn].add(ev["EventId"])
    assert t >= last.get(arn, t)
    last[arn] = t
    s = ev.get("CurrentAgentSnapshot")
    kind = ev["EventType"]
    if kind in ("LOGIN", "LOGOUT"):
        if arn in stretch:
            credit(arn, stretch[arn][1], stretch[arn][0], t)
            del stretch[arn]
        if kind == "LOGIN":
            assert s is not None and ms(s["AgentStatus"]["StartTimestamp"]) <= t
            stretch[arn] = (t, s)
        session[arn] = kind
    elif s is not None and session.get(arn) != "LOGOUT":
        if arn in stretch:
            credit(arn, stretch[arn][1], stretch[arn][0], t)
        stretch[arn] = (t, s)
    r = row(arn, bucket(t))
    r["first_event"] = r["first_event"] or t
    r["last_event"] = t
    if s is not None:
        c = counted.setdefault(arn, {})
        ids = {x["ContactId"] for x in s.get("Contacts") or []}
        for k in list(c):
            if k not in ids:
                del c[k]
        for x in s.get("Contacts") or []:
            state = {"CONNECTED": "connected", "MISSED": "missed",
                     "REJECTED": "rejected"}.get(x["State"])
            if state and state not in c.setdefault(x["ContactId"], set()):
                c[x["ContactId"]].add(state)
                r["contacts_" + state] += 1
for arn, (start, s) in stretch.items():
    credit(arn, s, start, clock)       # open: up to the clock
for line in open(d + "/acw"):
    a = json.loads(line)
    if a["ended_by"] == "OPEN":
        continue
    r = row(a["agent_arn"], bucket(ms(a["acw_end"])))
    n = round(a["duration_s"] * 1000)
    r["contact_acw_count"] += 1
    r["contact_acw_total_s"] += n
    r["contact_acw_max_s"] = max(r["contact_acw_max_s"], n)

got = {}
for line in open(d + "/summary"):
    x = json.loads(line)
    key = (x["agent_arn"], ms(x["bucket_start"]) if width else 0)
    assert key not in got, key
    got[key] = x
bad = 0
assert set(got) == set(rows), (set(got) ^ set(rows))
for key, want in rows.items():
    x = got[key]
    want = dict(want)
    want["occupancy"] = ratio(want["on_contact_s"],
                              want["on_contact_s"] + want["idle_s"])
    want["non_response"] = want["contacts_missed"] + want["contacts_rejected"]
    want["answer_rate"] = ratio(want["contacts_connected"],
                                want["contacts_connected"] +
                                want["non_response"])
    n = want["contact_acw_count"]
    want["contact_acw_mean_s"] = (want["contact_acw_total_s"] * 2 + n) // \
        (2 * n) if n else None
    if not n:
        want["contact_acw_max_s"] = None
    for k, v in want.items():
        g = x[k]
        if k in ("first_event", "last_event"):
            g = ms(g)
        elif k.endswith("_s") and g is not None:
            g = round(g * 1000)
        if g != v:
            print(opts, key[0][-12:], key[1], k, "want", v, "got", g)
            bad = 1
print("# %s: %d rows, every column checked" % (opts or "no -i", len(rows)))
sys.exit(bad)
PY
done

# groups: -g routing_profile rows are the sums of the agents' rows per
# routing profile; -g agent,status rows add up to each agent's row
$AGENTEV summary -f json -i 30m -g routing_profile,hierarchy1 \
    "$d/day.ndjson" >"$d/groups"
$AGENTEV summary -f json -i 30m -g agent,routing_profile,hierarchy1 \
    "$d/day.ndjson" >"$d/members"
$AGENTEV summary -f json -i 30m -g agent,status "$d/day.ndjson" \
    >"$d/statuses"
$AGENTEV summary -f json -i 30m "$d/day.ndjson" >"$d/agents"
python3 - "$d" <<'PY'
import json, sys
d = sys.argv[1]
load = lambda f: [json.loads(l) for l in open(d + "/" + f)]
skip = {"agent_arn", "username", "routing_profile", "hierarchy1", "status",
        "bucket_start", "occupancy", "answer_rate", "contact_acw_mean_s"}

def sums(rows, key):
    out = {}
    for r in rows:
        t = out.setdefault(key(r), {})
        for k, v in r.items():
            if k in skip or v is None:
                continue
            if k == "first_event":
                t[k] = min(t.get(k, v), v)
            elif k in ("last_event", "contact_acw_max_s"):
                t[k] = max(t.get(k, v), v)
            else:
                t[k] = round(t.get(k, 0) + (v * 1000 if k.endswith("_s")
                                            else v))
    return out

def compare(name, want, got_rows, key):
    got = sums(got_rows, key)
    assert len(got) == len(got_rows), name + ": a key twice"
    bad = 0
    if set(want) != set(got):
        print(name, "keys differ", set(want) ^ set(got))
        return 1
    for k in want:
        for c in set(want[k]) | set(got[k]):
            if want[k].get(c) != got[k].get(c):
                print(name, k, c, want[k].get(c), got[k].get(c))
                bad = 1
    return bad

members = load("members")
assert members, "no rows"
bad = compare("groups", sums(members, lambda r: (r["bucket_start"],
              r["routing_profile"], r["hierarchy1"])), load("groups"),
              lambda r: (r["bucket_start"], r["routing_profile"],
                         r["hierarchy1"]))
statuses = load("statuses")
assert len({r["status"] for r in statuses}) > 3
bad |= compare("agent,status", sums(statuses, lambda r: (r["bucket_start"],
               r["agent_arn"])), load("agents"),
               lambda r: (r["bucket_start"], r["agent_arn"]))
# under agent,status a row's logged_in_s is the time in that status
for r in statuses:
    if r["status"] == "Offline" and r["online_s"] != 0:
        print("Offline row with online time", r); bad = 1
    if r["status"] not in ("Available", "Offline") and \
            r["npt_s"] != r["logged_in_s"]:
        print("custom status row: npt_s != logged_in_s", r); bad = 1
for r in load("groups"):
    if r["occupancy"] is not None:
        want = round(r["on_contact_s"] / (r["on_contact_s"] + r["idle_s"]), 4)
        if abs(r["occupancy"] - want) > 0.00005:
            print("occupancy", r); bad = 1
sys.exit(bad)
PY
rm -rf "$d"
