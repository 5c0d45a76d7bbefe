#!/bin/sh
# text-output: -f text is, for every table, the -f json rows laid out by
# a reference written here: a header, columns as wide as their widest
# cell (in code points) two spaces apart, numbers to the right, durations
# as H:MM:SS, times to the second in the -z zone, without the date when
# every time in the table is on one day, an agent's ARN as its last part.
# On a live pipe, `now -f text`:
#  - into a pipe writes no escape codes, only the final table;
#  - on a terminal (a pseudo-terminal from script(1)) redraws the table
#    from the top of the screen at each pause, the table as it stands,
#    cut to the terminal's size.
set -e
d=$(mktemp -d "${TMP:-/tmp}/text-output.XXXXXX")
trap 'rm -rf "$d"' EXIT
python3 samples/gen.py --seed 4 --agents 3 --hours 2 \
    --start 2026-11-05T22:30:00Z >"$d/late"
AGENTEV="$AGENTEV" D="$d" python3 - <<'EOF'
import datetime, json, os, re, subprocess, sys, time
from zoneinfo import ZoneInfo

agentev = os.environ["AGENTEV"].split() + ["-j", "1"]
d = os.environ["D"]
failures = []

def fail(msg):
    failures.append(msg)
    print(msg)

def run(args, stdin=None):
    return subprocess.run(agentev + args, stdin=stdin, capture_output=True)

def width(s):
    return len(s)       # code points

def reference(args, zone):
    """The text table, from the same run's JSON rows."""
    p = run(["-f", "json"] + args)
    rows = [json.loads(l, object_pairs_hook=list)
            for l in p.stdout.decode().splitlines()]
    p = run(["-f", "csv"] + args)
    header = p.stdout.decode().splitlines()[0].split(",")
    tz = ZoneInfo(zone) if zone else datetime.timezone.utc
    def local(v):
        t = datetime.datetime.strptime(v[:19], "%Y-%m-%dT%H:%M:%S")
        off = v[23:]
        if off != "Z":
            sign = -1 if off[0] == "-" else 1
            t -= sign * datetime.timedelta(hours=int(off[1:3]),
                                           minutes=int(off[4:6]))
        return t.replace(tzinfo=datetime.timezone.utc).astimezone(tz)
    is_time = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}"
                         r"(Z|[+-]\d\d:\d\d)$")
    days = {local(v).date() for r in rows for k, v in r
            if isinstance(v, str) and is_time.match(v)}
    def cell(k, v):
        if v is None:
            return "", False
        if isinstance(v, bool):
            raise ValueError(v)
        if isinstance(v, int):
            return str(v), True
        if k in ("occupancy", "answer_rate"):	# ratios, four places
            return "%.4f" % v, True
        if isinstance(v, float):
            s = round(v * 1000) // 1000
            return "%d:%02d:%02d" % (s // 3600, s // 60 % 60, s % 60), True
        if is_time.match(v):
            t = local(v)
            return t.strftime("%H:%M:%S" if len(days) <= 1 else
                              "%Y-%m-%d %H:%M:%S"), False
        if k.endswith("_arn") and v.startswith("arn:") and "/" in v:
            v = v.rsplit("/", 1)[1]
        return v, False
    table = [[(h, False) for h in header]]
    table += [[cell(k, v) for k, v in r] for r in rows]
    w = [max(width(row[i][0]) for row in table) for i in range(len(header))]
    out = []
    for row in table:
        parts = []
        for i, (s, num) in enumerate(row):
            if num:
                s = " " * (w[i] - width(s)) + s
            elif i + 1 < len(row):
                s = s + " " * (w[i] - width(s))
            parts.append(s)
        out.append("  ".join(parts) + "\n")
    return "".join(out)

shift = "samples/shift.ndjson"
late = d + "/late"
cases = []
for table in ("events", "acw", "status", "activity", "summary", "now",
              "check"):
    cases.append(([table, shift], None))
    cases.append((["-z", "America/New_York", table, shift, late],
                   "America/New_York"))
cases.append((["check", "samples/broken.ndjson"], None))
cases.append((["-i", "30m", "-z", "Asia/Kolkata", "status", shift],
               "Asia/Kolkata"))
cases.append((["-t", "2026-11-04T06:30:00Z", "activity", shift], None))
for args, zone in cases:
    got = run(["-f", "text"] + args).stdout.decode()
    want = reference(args, zone)
    if got != want:
        fail("-f text %s differs from the reference:\n%s\n---\n%s" % (
            " ".join(args), got[:600], want[:600]))
    if "\033" in got:
        fail("-f text %s: escape codes" % " ".join(args))
got = run(["-f", "text", "-z", "America/New_York", "acw", shift,
           late]).stdout.decode()
if not re.search(r"\n\S+ +\S+ .* 2026-11-0[45] \d\d:\d\d:\d\d ", got):
    fail("a table over two days shows no dates")
got = run(["-f", "text", "acw", shift]).stdout.decode()
if re.search(r"2026-11", got) or not re.search(r" 06:\d\d:\d\d ", got):
    fail("a table of one day shows dates")
if run(["-f", "text", "-H", "acw", "/dev/null"]).stdout != b"":
    fail("-H with no rows writes something")

# a live pipe: two parts with a pause between them
lines = open(shift).read().splitlines(True)
first, rest = "".join(lines[:60]), "".join(lines[60:])
with open(d + "/first", "w") as f:
    f.write(first)

def live(cmd, log=None):
    fifo = d + "/fifo"
    if os.path.exists(fifo):
        os.remove(fifo)
    os.mkfifo(fifo)
    with open(os.devnull) as null, open(d + "/out", "wb") as out:
        if log is None:
            p = subprocess.Popen(["sh", "-c", cmd + ' <"$0"', fifo],
                                 stdin=null, stdout=out)
        else:
            p = subprocess.Popen(["script", "-qfec", cmd + " <" + fifo,
                                  log], stdin=null, stdout=out)
        with open(fifo, "w") as w:
            w.write(first)
            w.flush()
            time.sleep(2)
            w.write(rest)
            w.flush()
            time.sleep(2)
        p.wait()
    return open(log or d + "/out", "rb").read().decode()

prog = " ".join(agentev)
whole = run(["-f", "text", "now", shift]).stdout.decode()
part = run(["-f", "text", "now", d + "/first"]).stdout.decode()
got = live(prog + " -f text now")
if got != whole:
    fail("now -f text into a pipe: not just the final table:\n" + got)

def frames(log):
    out = []
    for f in log.split("\033[H")[1:]:
        f = f.split("\033[J")[0]
        out.append(f.replace("\r", "").replace("\033[K", ""))
    return out

got = frames(live("stty cols 300 rows 40; exec " + prog + " -f text now",
                  d + "/log"))
if len(got) < 3:
    fail("now -f text on a terminal: %d frames, expected at least 3" %
         len(got))
elif got[-1] != whole or part not in got:
    fail("now -f text on a terminal: the frames are not the tables "
         "as they stood:\n%s" % "\n~~~\n".join(got))
# a small terminal: the frame is cut to its height and width
got = frames(live("stty cols 50 rows 4; exec " + prog + " -f text now",
                  d + "/log"))
want = [l[:50] for l in whole.splitlines()[:2]] + ["(3 more rows)"]
if not got or got[-1].splitlines() != want:
    fail("now -f text on a 50x4 terminal: %r, expected %r" % (
         got[-1:] , want))
sys.exit(1 if failures else 0)
EOF
