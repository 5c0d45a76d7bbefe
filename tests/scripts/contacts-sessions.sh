#!/bin/sh
# contacts-sessions: on generated days with calls held several times,
# tasks paused several times, calls abandoned while ringing and calls
# failing after connecting (gen.py --rich-contacts), the contacts and
# sessions tables equal the simulation, and a reference in python3 finds
# them consistent with the acw and status tables: acw_s is the contact's
# acw row, talk + hold + acw = handle, a handled contact's state times
# add up to ended - offered, a session's duration is the sum of its
# status rows and contacts_handled counts its connected contacts.  With
# -i 30m a contact keeps its row in the bucket it was offered in and a
# session is cut at the bucket boundaries; -S batches give the rows of
# one run; threads change nothing.
set -e
: "${AGENTEV:=$PWD/agentev}"
d=$(mktemp -d "${TMP:-/tmp}/contacts.XXXXXX")
sorted() { { IFS= read -r header; echo "$header"; LC_ALL=C sort; } }
for seed in 4 5; do
	python3 samples/gen.py --rich-contacts --seed $seed --agents 10 \
	    --hours 12 --dup-rate 0.03 --expect-dir "$d/expect" >"$d/day"
	for table in contacts sessions; do
		$AGENTEV $table "$d/day" | sorted >"$d/$table.csv"
		if ! cmp -s "$d/expect/$table.csv" "$d/$table.csv"; then
			echo "seed $seed: $table differs from the simulation"
			diff "$d/expect/$table.csv" "$d/$table.csv" | head -10
			exit 1
		fi
	done
	for table in contacts sessions acw status; do
		$AGENTEV -f json $table "$d/day" >"$d/$table.json"
		$AGENTEV -f json -i 30m $table "$d/day" >"$d/$table.30m.json"
		$AGENTEV -j 1 -f json $table "$d/day" | cmp - "$d/$table.json"
	done
	python3 - "$d" <<'EOF'
import calendar, json, sys, time
d = sys.argv[1]
def rows(name):
    return [json.loads(l) for l in open("%s/%s.json" % (d, name))]
def ms(text):
    if text is None:
        return None
    t = calendar.timegm(time.strptime(text[:19], "%Y-%m-%dT%H:%M:%S"))
    return t * 1000 + int(text[20:23])
def dur(x):
    return None if x is None else round(x * 1000)
def fail(*what):
    print(*what)
    sys.exit(1)
contacts, sessions = rows("contacts"), rows("sessions")
acw, status = rows("acw"), rows("status")
acw_of = {(r["agent_arn"], r["contact_id"]): r for r in acw}
outcomes = set()
most_holds = 0
for c in contacts:
    key = (c["agent_arn"], c["contact_id"])
    outcomes.add(c["outcome"])
    most_holds = max(most_holds, c["holds"])
    w = acw_of.pop(key, None)
    if c["outcome"] == "OPEN":
        if c["ended"] is not None or c["acw_s"] is not None or \
                c["handle_s"] is not None:
            fail("OPEN contact with ended, acw_s or handle_s:", c)
        if w is not None and w["ended_by"] != "OPEN":
            fail("OPEN contact whose acw row ended:", c, w)
        continue
    want = 0 if w is None else dur(w["duration_s"])
    if w is not None and w["ended_by"] == "OPEN":
        fail("contact ended, its acw row is OPEN:", c, w)
    if dur(c["acw_s"]) != want:
        fail("acw_s is not the acw row's duration:", c, w)
    if dur(c["talk_s"]) + dur(c["hold_s"]) + dur(c["acw_s"]) != \
            dur(c["handle_s"]):
        fail("talk + hold + acw != handle:", c)
    parts = dur(c["ring_s"]) + dur(c["talk_s"]) + dur(c["hold_s"]) + \
        dur(c["acw_s"])
    if c["outcome"] == "HANDLED" and parts != ms(c["ended"]) - ms(c["offered"]):
        fail("state times do not add up to ended - offered:", c)
    if (c["holds"] > 0) != (dur(c["hold_s"]) > 0):
        fail("holds and hold_s disagree:", c)
if acw_of:
    fail("acw rows without a contact:", list(acw_of.values())[:2])
need = {"HANDLED", "MISSED", "REJECTED", "ERROR", "ABANDONED", "OPEN"}
if not need <= outcomes or most_holds < 3:
    fail("the day lacks outcomes or holds:", outcomes, most_holds)
if not any(c["outcome"] == "ERROR" and c["connected"] and c["talk_s"] > 0
           for c in contacts):
    fail("no contact in ERROR after connecting")
for s in sessions:
    login, logout = ms(s["login"]), ms(s["logout"])
    if login is None:
        fail("a generated day has no session entered mid-way:", s)
    end = logout if logout is not None else float("inf")
    mine = [r for r in status if r["agent_arn"] == s["agent_arn"] and
            login <= ms(r["start"]) < end]
    if not mine or mine[0]["start"] != s["login"] or \
            mine[0]["status"] != s["first_status"]:
        fail("session's first status row:", s, mine[:1])
    if s["ended_by"] == "LOGOUT":
        if sum(dur(r["duration_s"]) for r in mine) != dur(s["duration_s"]) \
                or dur(s["duration_s"]) != logout - login:
            fail("duration is not the sum of the status rows:", s)
    elif s["ended_by"] != "OPEN" or mine[-1]["ended_by"] != "OPEN":
        fail("open session, status not open:", s)
    handled = [c for c in contacts if c["agent_arn"] == s["agent_arn"] and
               c["connected"] and login <= ms(c["offered"]) <= end]
    if len(handled) != s["contacts_handled"]:
        fail("contacts_handled", s["contacts_handled"], "counted",
             len(handled), s)
# -i 30m: contacts the same, in the bucket of their offered time
B = 30 * 60 * 1000
def bucket(t):
    return t - t % B
split = rows("contacts.30m")
if len(split) != len(contacts):
    fail("-i changes the number of contacts")
for a, b in zip(contacts, split):
    bs = b.pop("bucket_start")
    if a.pop("bucket_start") is not None or a != b or \
            ms(bs) != bucket(ms(a["offered"])):
        fail("-i 30m contact:", a, b, bs)
# sessions: pieces at the bucket boundaries add up to the session
pieces = {}
for p in rows("sessions.30m"):
    pieces.setdefault((p["agent_arn"], p["login"]), []).append(p)
for s in sessions:
    ps = pieces.pop((s["agent_arn"], s["login"]))
    login = ms(s["login"])
    if s["ended_by"] == "OPEN":
        if len(ps) != 1 or ps[0]["duration_s"] is not None:
            fail("open session under -i:", ps)
        continue
    if [p["bucket_start"] for p in ps] != sorted(p["bucket_start"] for p in ps):
        fail("pieces out of order", ps)
    if sum(dur(p["duration_s"]) for p in ps) != dur(s["duration_s"]) or \
            len(ps) != (bucket(ms(s["logout"]) - 1) - bucket(login)) // B + 1:
        fail("pieces do not add up to the session:", s, ps)
    for p in ps:
        for k in ("login", "logout", "ended_by", "first_status"):
            if p[k] != s[k]:
                fail("a piece changes", k, p, s)
        n = sum(1 for c in contacts if c["agent_arn"] == s["agent_arn"] and
                c["connected"] and login <= ms(c["offered"]) <=
                ms(s["logout"]) and bucket(ms(c["offered"])) ==
                ms(p["bucket_start"]))
        if n != p["contacts_handled"]:
            fail("contacts_handled in a piece:", p, n)
if pieces:
    fail("pieces of no session:", pieces)
EOF
done
# -S in batches with -i: the rows of one run, its OPEN rows aside
lines=$(wc -l <"$d/day")
for table in contacts sessions; do
	$AGENTEV -H -i 30m $table "$d/day" | grep -Ev ',OPEN,' \
	    >"$d/$table.whole" || true
done
for cuts in "1000 2000 3000" "17 9000" "4321"; do
	rm -f "$d/state" "$d"/batch.*
	prev=0
	n=0
	for c in $cuts $lines; do
		n=$((n + 1))
		sed -n "$((prev + 1)),${c}p" "$d/day" >"$d/batch.$n"
		prev=$c
	done
	for table in contacts sessions; do
		rm -f "$d/state" "$d/parts"
		k=1
		while [ $k -le $n ]; do
			$AGENTEV -H -i 30m -S "$d/state" $table "$d/batch.$k" \
			    >>"$d/parts"
			k=$((k + 1))
		done
		if ! cmp -s "$d/$table.whole" "$d/parts"; then
			echo "cuts $cuts: $table in batches differs"
			diff "$d/$table.whole" "$d/parts" | head -6
			exit 1
		fi
	done
done
rm -rf "$d"
