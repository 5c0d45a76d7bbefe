#!/bin/sh
# adherence-reference: `adherence -A` on generated days against a
# reference computed here, in Python, from the `status` table of the same
# day and a schedule written here: for some agents, segments that follow
# their own statuses (shifted, in any case, some left out or named
# Meeting), for others random segments of Work, work, Break, Lunch,
# Training, Meeting and 'Coaching "1:1"' with gaps; two agents are not
# scheduled, and two scheduled usernames never log in:
#  - every row to the millisecond, without and with -i 1h, and with
#    -a 'adherence>5m' (exceptions over 5 minutes only);
#  - with -S over random splits into batches: with -i 1h the batches'
#    rows are byte for byte the one run's complete buckets; without -i
#    each agent's sums over the batches are the one run's; the alert
#    rows of the batches are the one run's; the last batch's now rows
#    are the one run's.
# The reference: an agent counts from its first event; before it, and
# outside the status rows, it is logged out (with -i, its buckets that
# end before then are rows of its username alone, as for a scheduled
# agent with no events).  In a segment it adheres
# while its status type is ROUTABLE (Work, any case) or its status name
# is the activity (any case); a stretch out of adherence is a run within
# one segment, counted in the bucket where it passes the threshold.
set -e
: "${AGENTEV:=$PWD/agentev}"
d=$(mktemp -d "${TMP:-/tmp}/adherence-ref.XXXXXX")
trap 'rm -rf "$d"' EXIT
for seed in 3 8; do
	python3 samples/gen.py --seed $seed --agents 8 --hours 10 \
	    --dup-rate 0.03 >"$d/day.$seed"
done
AGENTEV="$AGENTEV" D="$d" python3 - <<'EOF'
import calendar, csv, io, json, os, random, re, subprocess, sys, time

agentev = os.environ["AGENTEV"].split()
d = os.environ["D"]
MIN, HOUR = 60000, 3600000
failures = []

def fail(msg):
    failures.append(msg)
    print(msg)

def ms(text):
    m = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{3})Z", text)
    return calendar.timegm(time.strptime(m.group(1),
                                         "%Y-%m-%dT%H:%M:%S")) * 1000 + \
        int(m.group(2))

def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t // 1000)) + \
        ".%03dZ" % (t % 1000)

def run(args, stdin=None):
    p = subprocess.run(agentev + args, stdin=stdin, capture_output=True,
                       text=True)
    if p.returncode != 0:
        fail("%s: exit %d: %s" % (args, p.returncode, p.stderr))
    return p.stdout

def secs(n):
    return "%d.%03d" % (n // 1000, n % 1000)

def ratio(num, den):
    if den == 0:
        return ""
    q = (num * 10000 * 2 + den) // (2 * den)    # half up
    return "%d.%04d" % (q // 10000, q % 10000)

def schedule_for(rng, users, start, end):
    """Random segments per user; returns [(user, s, e, activity)]."""
    acts = ["Work", "Work", "work", "WORK", "Break", "break", "Lunch",
            "Training", "Meeting", 'Coaching "1:1"']
    rows = []
    for u in users:
        t = start - rng.choice([0, 30, 60]) * MIN
        while t < end:
            t += rng.choice([0, 0, 0, 5, 20]) * MIN + rng.randrange(60) * 1000
            length = rng.randrange(5, 91) * MIN + rng.randrange(60) * 1000
            rows.append((u, t, t + length, rng.choice(acts)))
            t += length
    return rows

def schedule_near(rng, users, status):
    """Segments that follow each user's own statuses, shifted by up to
    two minutes either way, their names in any case, some left out (the
    gaps are unscheduled) and some named Meeting; never overlapping."""
    rows = []
    for u in users:
        t = None
        for r in status:
            if r["username"] != u or not r["status"] or not r["end"]:
                continue
            s = ms(r["start"]) + rng.randrange(-120, 121) * 1000
            e = ms(r["end"]) + rng.randrange(-120, 121) * 1000
            if t is not None:
                s = max(s, t)
            if e <= s or rng.random() < 0.15:
                continue
            name = r["status"]
            act = rng.choice(["Work", "work", "WORK"]) if \
                r["status_type"] in ("ROUTABLE", "OFFLINE") else \
                rng.choice([name, name.lower(), name.upper(), "Meeting"])
            rows.append((u, s, e, act))
            t = e
    return rows

def write_schedule(path, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["activity", "username", "end", "note", "start"])
        for u, s, e, a in rows:
            w.writerow([a, u, iso(e), "x,y", iso(s)])

def reference(events, status, sched, threshold, hourly):
    """The adherence rows: a list of dicts, in agentev's order."""
    clock = max(ev["time"] for ev in events)
    order, first, seen_ids, ev_buckets = [], {}, set(), {}
    for ev in events:
        a = ev["arn"]
        if a not in first:
            first[a] = ev["time"]
            order.append(a)
        if ev["id"] not in seen_ids:
            seen_ids.add(ev["id"])
            ev_buckets.setdefault(a, set()).add(
                ev["time"] // HOUR * HOUR if hourly else 0)
    user = {}
    for ev in events:
        if ev["user"]:
            user[ev["arn"]] = ev["user"]
    by_user = {}
    for u, s, e, act in sched:
        by_user.setdefault(u, []).append((s, e, act))
    for v in by_user.values():
        v.sort()
    pieces = {}     # arn: [(start, end, name, type)] logged in
    for r in status:
        e = ms(r["end"]) if r["end"] else clock
        s = max(ms(r["start"]), first[r["agent_arn"]])
        if e > s:
            pieces.setdefault(r["agent_arn"], []).append(
                (s, e, r["status"] or "", r["status_type"]))
    rows = {}       # (bucket, key) -> sums

    def add(key, t0, t1, what):
        while t0 < t1:
            b = t0 // HOUR * HOUR if hourly else 0
            end = min(t1, b + HOUR) if hourly else t1
            sums = rows.setdefault((b, key), dict.fromkeys(
                ("sch", "in", "out", "pres", "uns", "exc"), 0))
            for w in what:
                sums[w] += end - t0
            t0 = end

    def exception(key, t):
        b = t // HOUR * HOUR if hourly else 0
        rows.setdefault((b, key), dict.fromkeys(
            ("sch", "in", "out", "pres", "uns", "exc"), 0))["exc"] += 1

    keys = [("a", a) for a in order] + \
        [("u", u) for u in dict.fromkeys(x[0] for x in sched)
         if u not in user.values()]
    for key in keys:
        a = key[1] if key[0] == "a" else None
        segs = by_user.get(user.get(a) if a else key[1], [])
        mine = pieces.get(a, [])
        # the agent's state at t: (logged in, name, type)
        cuts = {first.get(a, 0) if a else 0, clock}
        for s, e, act in segs:
            cuts |= {s, e}
        for s, e, n, ty in mine:
            cuts |= {s, e}
        cuts = sorted(c for c in cuts if c <= clock)
        if a:
            for t in ev_buckets.get(a, ()):
                rows.setdefault((t, key), dict.fromkeys(
                    ("sch", "in", "out", "pres", "uns", "exc"), 0))
        stretch = None  # (segment index, start, counted)
        for t0, t1 in zip(cuts, cuts[1:]):
            st = next(((n, ty) for s, e, n, ty in mine if s <= t0 < e),
                      None)
            seg = next((i for i, (s, e, _) in enumerate(segs)
                        if s <= t0 < e), None)
            if seg is None:
                stretch = None
                if st:
                    add(key, t0, t1, ["uns"])
                continue
            act = segs[seg][2]
            ok = st is not None and st[1] != "UNKNOWN" and (
                st[1] == "ROUTABLE" if act.lower() == "work"
                else st[0].lower() == act.lower())
            add(key, t0, t1, ["sch", "in" if ok else "out"] +
                (["pres"] if st else []))
            if ok or (stretch and stretch[0] != seg):
                stretch = None
            if not ok:
                if stretch is None:
                    stretch = [seg, t0, False]
                if not stretch[2] and t1 > stretch[1] + threshold:
                    exception(key, stretch[1] + threshold)
                    stretch[2] = True
    # with -i, a bucket is written when the clock passes its end: an
    # agent first seen after that is in it as a scheduled agent with no
    # events yet (after the agents seen, in the schedule's order)
    if hourly:
        for (b, key) in list(rows):
            if key[0] == "a" and b + HOUR <= first[key[1]]:
                u = ("u", user[key[1]])
                rows[(b, u)] = rows.pop((b, key))
        sched_order = list(dict.fromkeys(x[0] for x in sched))
        keys = [("a", a) for a in order] + [("u", u) for u in sched_order]
    out = []
    for b in sorted({b for b, _ in rows}):
        for key in keys:
            if (b, key) not in rows:
                continue
            s = rows[(b, key)]
            if key[0] == "u" and hourly and s["sch"] == 0 and s["exc"] == 0:
                continue
            out.append({
                "agent_arn": key[1] if key[0] == "a" else "",
                "username": user.get(key[1], "") if key[0] == "a"
                else key[1],
                "bucket_start": iso(b) if hourly else "",
                "scheduled_s": secs(s["sch"]), "in_adherence_s": secs(s["in"]),
                "out_of_adherence_s": secs(s["out"]),
                "adherence": ratio(s["in"], s["sch"]),
                "logged_in_scheduled_s": secs(s["pres"]),
                "unscheduled_s": secs(s["uns"]),
                "conformance": ratio(s["pres"] + s["uns"], s["sch"]),
                "exceptions": str(s["exc"])})
    return out

def same(what, got, want):
    if len(got) != len(want):
        fail("%s: %d rows, expected %d" % (what, len(got), len(want)))
    for i, (g, w) in enumerate(zip(got, want)):
        if g != w:
            fail("%s: row %d: got %s\n expected %s" % (what, i, g, w))
            return

for seed in (3, 8):
    day = "%s/day.%d" % (d, seed)
    events = []
    for line in open(day):
        j = json.loads(line)
        snap = j.get("CurrentAgentSnapshot") or {}
        events.append({"arn": j["AgentARN"], "id": j["EventId"],
                       "time": ms(j["EventTimestamp"]),
                       "user": (snap.get("Configuration") or {})
                       .get("Username")})
    users = list(dict.fromkeys(e["user"] for e in events if e["user"]))
    rng = random.Random(seed)
    lo = min(e["time"] for e in events)
    hi = max(e["time"] for e in events)
    status = list(csv.DictReader(io.StringIO(run(["status", day]))))
    sched = schedule_near(rng, users[:3], status) + \
        schedule_for(rng, users[3:-2] + ["ghost.one", "ghost.two"],
                     lo // HOUR * HOUR, hi + HOUR)
    sfile = "%s/sched.%d.csv" % (d, seed)
    write_schedule(sfile, sched)
    for hourly in (False, True):
        for threshold in (0, 5 * MIN):
            args = (["-i", "1h"] if hourly else []) + \
                (["-a", "adherence>5m"] if threshold else [])
            got = list(csv.DictReader(io.StringIO(
                run(["-A", sfile, "adherence"] + args + [day]))))
            same("seed %d adherence %s" % (seed, args), got,
                 reference(events, status, sched, threshold, hourly))

    # batches with -S
    lines = open(day).read().splitlines(True)
    r = random.Random(seed * 7)
    for split in range(3):
        cuts = sorted(r.sample(range(1, len(lines)), r.randint(1, 3)))
        parts = []
        for k, (a, b) in enumerate(zip([0] + cuts, cuts + [len(lines)])):
            parts.append("%s/part.%d" % (d, k))
            with open(parts[-1], "w") as f:
                f.writelines(lines[a:b])
        for args in (["-i", "1h", "adherence"], ["adherence"],
                     ["-a", "adherence>5m", "alert"], ["now"]):
            st = "%s/state" % d
            if os.path.exists(st):
                os.remove(st)
            outs = [run(["-A", sfile, "-H", "-S", st] + args + [p])
                    for p in parts]
            whole = run(["-A", sfile, "-H"] + args + [day])
            what = "seed %d split %s: %s" % (seed, cuts, " ".join(args))
            if args[0] == "-i":
                last = iso(max(e["time"] for e in events) // HOUR * HOUR)
                want = "".join(l for l in whole.splitlines(True)
                               if ",%s," % last not in l)
                if "".join(outs) != want:
                    fail(what + ": batches differ from the one run")
            elif args[0] == "adherence":
                # a scheduled agent's time before its first event is on
                # a row of its username alone: add up by username
                tot = {}
                for o in outs:
                    for row in csv.reader(io.StringIO(o)):
                        t = tot.setdefault(row[1], [0] * 6)
                        for i, c in enumerate(row[3:6] + row[7:9]):
                            t[i] += round(float(c) * 1000)
                        t[5] += int(row[10])
                want = {}
                for row in csv.reader(io.StringIO(whole)):
                    want[row[1]] = [
                        round(float(c) * 1000)
                        for c in row[3:6] + row[7:9]] + [int(row[10])]
                if tot != want:
                    fail(what + ": batch sums differ: %s / %s" %
                         (tot, want))
            elif args[-1] == "alert":
                if "".join(outs) != whole:
                    fail(what + ": alert rows differ")
            elif outs[-1] != whole:
                fail(what + ": the last batch's now differs")

sys.exit(1 if failures else 0)
EOF
