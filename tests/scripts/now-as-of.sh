#!/bin/sh
# now-as-of: on generated days (samples/gen.py), with references computed
# here in Python from the events and from the interval tables:
#  - `now` is, per agent in first-seen order, its OPEN status and activity
#    rows, as_of the newest EventTimestamp, and the session, contacts,
#    ACW count, next status, routing profile and last event of its events;
#  - with -t T in the middle of the day: events later than T are not used
#    (counted on stderr); acw, status and activity are the rows of the
#    events up to T, their OPEN rows measured up to T; activity is the
#    whole day's rows clipped at T, and with -i 1h those rows cut at the
#    hours, OPEN ones up to T; summary (with and without -i 1h) adds
#    up exactly those rows, open ones included; now is as above at T;
#  - `now -S STATE </dev/null` after batches is `now` over the whole, and
#    leaves the file as it was; after batches with -t T it is `now -t T`
#    over the events up to T: nothing later is carried.
set -e
d=$(mktemp -d "${TMP:-/tmp}/now-as-of.XXXXXX")
trap 'rm -rf "$d"' EXIT
for seed in 1 2 3; do
	python3 samples/gen.py --seed $seed --agents 6 --hours 8 \
	    --dup-rate 0.03 >"$d/day.$seed"
done
AGENTEV="$AGENTEV" D="$d" python3 - <<'EOF'
import calendar, json, os, re, subprocess, sys, time

agentev = os.environ["AGENTEV"].split()
d = os.environ["D"]
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
    s, f = divmod(t, 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(s)) + \
        ".%03dZ" % f

def run(args, stdin=None, rc=0):
    p = subprocess.run(agentev + ["-j", "1"] + args, stdin=stdin,
                       capture_output=True)
    if p.returncode != rc:
        fail("%s: exit %d, expected %d: %s" % (" ".join(args),
             p.returncode, rc, p.stderr.decode()[:300]))
    return p

def rows(args, **kw):
    p = run(["-f", "json"] + args, **kw)
    return [json.loads(l) for l in p.stdout.decode().splitlines()]

def dur(x):
    return None if x is None else round(x * 1000)

def norm(r):
    r = dict(r)
    for k in ("duration_s", "activity_s"):
        if k in r:
            r[k] = dur(r[k])
    return r

def key(r):
    return json.dumps(r, sort_keys=True)

def same_rows(what, got, want):
    g = sorted(map(key, map(norm, got)))
    w = sorted(map(key, map(norm, want)))
    if g != w:
        extra = [x for x in g if x not in w][:2]
        missing = [x for x in w if x not in g][:2]
        fail("%s: %d rows, expected %d; extra %s; missing %s" % (
            what, len(g), len(w), extra, missing))

def events_of(path):
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip()]

def now_reference(evs, status, activity, as_of):
    """now from the events (in input order) and the OPEN interval rows."""
    agents, order = {}, []
    for ev in evs:
        arn, t = ev["AgentARN"], ms(ev["EventTimestamp"])
        a = agents.get(arn)
        if a is None:
            a = agents[arn] = {"last": None, "time": None, "out": False,
                               "user": None, "ids": set()}
            order.append(arn)
        if ev["EventId"] in a["ids"]:
            continue
        a["ids"].add(ev["EventId"])
        if a["time"] is not None and t < a["time"]:
            continue            # out of order: used only for itself
        a["time"] = t
        if ev["EventType"] == "LOGIN":
            a["out"] = False
        elif ev["EventType"] == "LOGOUT":
            a["out"] = True
        snap = ev.get("CurrentAgentSnapshot")
        if snap:
            a["last"] = snap
            a["user"] = snap["Configuration"]["Username"]
    open_status = {r["agent_arn"]: r for r in status
                   if r["ended_by"] == "OPEN"}
    open_activity = {r["agent_arn"]: r for r in activity
                     if r["ended_by"] == "OPEN"}
    out = []
    for arn in order:
        a = agents[arn]
        s, st, ac = a["last"], open_status.get(arn), open_activity.get(arn)
        inside = not a["out"]
        contacts = s["Contacts"] or [] if s else None
        out.append({
            "as_of": iso(as_of), "agent_arn": arn, "username": a["user"],
            "routing_profile": s["Configuration"]["RoutingProfile"]["Name"]
            if s else None,
            "session": "LOGGED_IN" if inside else "LOGGED_OUT",
            "status": st["status"] if inside and st else None,
            "status_type": st["status_type"] if inside and st else None,
            "status_since": st["start"] if inside and st else None,
            "activity": ac["activity"] if inside and ac else None,
            "activity_since": ac["start"] if inside and ac else None,
            "activity_s": (as_of - ms(ac["start"])) / 1000
            if inside and ac else None,
            "next_status": (s.get("NextAgentStatus") or {}).get("Name")
            if s else None,
            "contacts": len(contacts) if s else None,
            "in_acw": sum(c["State"] == "ENDED" for c in contacts)
            if s else None,
            "last_event": iso(a["time"]),
            # without -A the adherence columns are empty
            "scheduled_activity": None, "in_adherence": None,
            "out_of_adherence_since": None,
        })
        if inside and (st is None or ac is None):
            fail("%s: logged in without an OPEN status and activity" % arn)
    return out

def same_list(what, got, want):
    got = [norm(r) for r in got]
    want = [norm(r) for r in want]
    if got != want:
        for i, (g, w) in enumerate(zip(got, want)):
            if g != w:
                fail("%s: row %d: got %s, expected %s" % (what, i, g, w))
                return
        fail("%s: %d rows, expected %d" % (what, len(got), len(want)))

def clip(rows_, T, start="start", end="end"):
    """Rows of a whole day as they stand at T."""
    out = []
    for r in rows_:
        s = ms(r[start])
        e = ms(r[end]) if r[end] is not None else None
        if s > T:
            continue
        if e is not None and e <= T:
            out.append(r)
            continue
        r = dict(r)
        r[end] = None
        r["duration_s"] = (T - s) / 1000
        r["ended_by"] = "OPEN"
        out.append(r)
    return out

KIND = {"Available": "activity_available_s",
        "Incoming": "activity_incoming_s",
        "On contact": "activity_on_contact_s",
        "After contact work": "activity_acw_s",
        "Offline": "activity_offline_s", "Error": "activity_error_s",
        "Missed": "activity_missed_s", "Rejected": "activity_rejected_s",
        "Unknown": "activity_unknown_s"}
COLS = sorted(set(KIND.values())) + ["activity_custom_s"]
HOUR = 3600 * 1000

def summary_reference(activity, acw, T, hourly):
    """Totals from activity and acw rows (OPEN ones measured to T)."""
    tot = {}
    def tally(arn, b):
        return tot.setdefault((arn, b), dict(
            {c: 0 for c in COLS}, acw_count=0, acw_total_s=0,
            acw_max_s=None))
    for r in activity:
        s = ms(r["start"])
        e = ms(r["end"]) if r["end"] is not None else T
        while s < e or (s == e and not hourly):
            n = min(e, (s // HOUR + 1) * HOUR) if hourly else e
            tally(r["agent_arn"], s // HOUR * HOUR if hourly else 0)[
                KIND.get(r["activity"], "activity_custom_s")] += n - s
            if s == e:
                break
            s = n
    for r in acw:
        s = ms(r["acw_start"])
        e = ms(r["acw_end"]) if r["acw_end"] is not None else max(T, s)
        t = tally(r["agent_arn"], e // HOUR * HOUR if hourly else 0)
        t["acw_count"] += 1
        t["acw_total_s"] += e - s
        t["acw_max_s"] = max(t["acw_max_s"] or 0, e - s)
    return tot

def check_summary(what, got, want, hourly):
    seen = set()
    for r in got:
        b = ms(r["bucket_start"]) if hourly else 0
        k = (r["agent_arn"], b)
        seen.add(k)
        w = want.get(k, dict({c: 0 for c in COLS}, acw_count=0,
                             acw_total_s=0, acw_max_s=None))
        g = {c: dur(r[c]) for c in COLS}
        g.update(acw_count=r["contact_acw_count"],
                 acw_total_s=dur(r["contact_acw_total_s"]),
                 acw_max_s=dur(r["contact_acw_max_s"]))
        if g != w:
            fail("%s: %s: got %s, expected %s" % (what, k, g, w))
            return
        if dur(r["logged_in_s"]) != sum(w[c] for c in COLS):
            fail("%s: %s: logged_in_s" % (what, k))
        mean = r["contact_acw_mean_s"]
        if w["acw_count"] and dur(mean) != \
                (w["acw_total_s"] * 2 + w["acw_count"]) // \
                (2 * w["acw_count"]):
            fail("%s: %s: acw_mean_s %s" % (what, k, mean))
    for k, w in want.items():
        if k not in seen and any(w[c] for c in COLS):
            fail("%s: no row for %s" % (what, k))

for seed in (1, 2, 3):
    day = "%s/day.%d" % (d, seed)
    evs = events_of(day)
    times = [ms(e["EventTimestamp"]) for e in evs]
    # the whole day: now is the OPEN rows
    status, activity = rows(["status", day]), rows(["activity", day])
    same_list("seed %d: now" % seed, rows(["now", day]),
              now_reference(evs, status, activity, max(times)))

    # as of T, in the middle of the day
    # (inside an ACW, so that every table has an OPEN row at T)
    acw = [r for r in rows(["acw", day]) if r["acw_end"] is not None and
           ms(r["acw_start"]) > min(times) + 3 * HOUR and
           ms(r["acw_end"]) - ms(r["acw_start"]) > 2000]
    T = (ms(acw[0]["acw_start"]) + ms(acw[0]["acw_end"])) // 2
    later = sum(t > T for t in times)
    cut = "%s/cut.%d" % (d, seed)
    with open(day) as f, open(cut, "w") as g:
        for line, t in zip(f, times):
            if t <= T:
                g.write(line)
    cut_evs = [e for e, t in zip(evs, times) if t <= T]
    tables = {}
    for table in ("acw", "status", "activity"):
        p = run(["-f", "json", "-t", iso(T), table, day])
        got = [json.loads(l) for l in p.stdout.decode().splitlines()]
        tables[table] = got
        err = p.stderr.decode()
        m = re.fullmatch(r"agentev: (\d+) records read, 0 rejected, \d+ "
                         r"duplicates, 0 warnings, 0 out of order, (\d+) "
                         r"later than -t\n", err)
        if not m or int(m.group(1)) != len(evs) or \
                int(m.group(2)) != later:
            fail("seed %d: %s -t: stderr %r, %d later expected" % (
                seed, table, err, later))
        want = []
        start = "acw_start" if table == "acw" else "start"
        for r in rows([table, cut]):
            if r["ended_by"] == "OPEN":
                r["duration_s"] = (T - ms(r[start])) / 1000
            want.append(r)
        if not any(r["ended_by"] == "OPEN" for r in want):
            fail("seed %d: %s: no OPEN rows at T" % (seed, table))
        same_rows("seed %d: %s -t" % (seed, table), got, want)
    same_rows("seed %d: activity -t against the day clipped" % seed,
              tables["activity"], clip(activity, T))
    # with -i, OPEN rows too are split into buckets up to T
    split = []
    for r in tables["activity"]:
        s = ms(r["start"])
        e = ms(r["end"]) if r["end"] is not None else T
        while (s // HOUR + 1) * HOUR < e:
            b = (s // HOUR + 1) * HOUR
            split.append(dict(r, start=iso(s), end=iso(b),
                              duration_s=(b - s) / 1000, ended_by="SPLIT"))
            s = b
        split.append(dict(r, start=iso(s), duration_s=(e - s) / 1000))
    same_rows("seed %d: activity -t -i 1h" % seed,
              rows(["-i", "1h", "-t", iso(T), "activity", day]), split)
    for hourly in (False, True):
        args = ["-i", "1h"] if hourly else []
        check_summary("seed %d: summary -t %s" % (seed, args),
                      rows(args + ["-t", iso(T), "summary", day]),
                      summary_reference(tables["activity"], tables["acw"],
                                        T, hourly), hourly)
    same_list("seed %d: now -t" % seed, rows(["-t", iso(T), "now", day]),
              now_reference(cut_evs, tables["status"], tables["activity"],
                            T))

    # batches with -S: now -S </dev/null is now over the whole
    lines = open(day).read().splitlines(True)
    st = "%s/state.%d" % (d, seed)
    parts = []
    for i in range(4):
        parts.append("%s/part.%d.%d" % (d, seed, i))
        with open(parts[-1], "w") as f:
            f.writelines(lines[i * len(lines) // 4:
                               (i + 1) * len(lines) // 4])
        run(["-S", st, "acw", parts[-1]])
    before = open(st, "rb").read()
    with open(os.devnull) as null:
        batches = run(["-S", st, "now"], stdin=null).stdout
    if batches != run(["now", day]).stdout:
        fail("seed %d: now -S after batches differs from now" % seed)
    if open(st, "rb").read() != before:
        fail("seed %d: now -S changed the state file" % seed)
    # batches with -t: what is later than T is not carried, and the
    # clock the batches leave is T
    os.remove(st)
    for part in parts:
        run(["-S", st, "-t", iso(T), "status", part])
    with open(os.devnull) as null:
        batches = run(["-S", st, "now"], stdin=null).stdout
    if batches != run(["-t", iso(T), "now", cut]).stdout:
        fail("seed %d: batches with -t carried later events" % seed)

sys.exit(1 if failures else 0)
EOF
