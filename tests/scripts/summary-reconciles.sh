#!/bin/sh
# summary-reconciles: on a generated day, summary totals equal the sums of
# the activity and acw rows (an OPEN activity counting up to the clock,
# the newest EventTimestamp), and bucketed totals (-i 30m in New York,
# over a DST change) equal the unbucketed ones.
set -e
d=$(mktemp -d "${TMP:-/tmp}/reconcile.XXXXXX")
python3 samples/gen.py --seed 11 --agents 8 --hours 30 \
    --start 2026-10-31T20:00:00Z --dup-rate 0.02 >"$d/day.ndjson"
for opts in "" "-i 30m -z America/New_York" "-i 1d -z America/New_York"; do
	# shellcheck disable=SC2086
	$AGENTEV activity -f json $opts "$d/day.ndjson" >"$d/activity"
	$AGENTEV acw -f json $opts "$d/day.ndjson" >"$d/acw"
	$AGENTEV summary -f json $opts "$d/day.ndjson" >"$d/summary"
	cp "$d/summary" "$d/summary.${opts:+bucketed}${opts:-plain}" 2>/dev/null || true
	python3 - "$d" "$opts" <<'PY'
import calendar, json, sys, time
d, opts = sys.argv[1], sys.argv[2]
ms = lambda x: round(x * 1000)
kind = {"Available": "available", "Incoming": "incoming",
        "On contact": "on_contact", "After contact work": "acw",
        "Offline": "offline", "Error": "error", "Missed": "missed",
        "Rejected": "rejected"}
def stamp(s):
    t = calendar.timegm(time.strptime(s[:19], "%Y-%m-%dT%H:%M:%S")) * 1000
    t += int(s[20:23])
    if s[23] != "Z":
        off = int(s[24:26]) * 3600000 + int(s[27:29]) * 60000
        t -= off if s[23] == "+" else -off
    return t
clock = max(stamp(json.loads(l)["EventTimestamp"]) for l in open(d + "/day.ndjson"))
want = {}
for line in open(d + "/activity"):
    r = json.loads(line)
    n = ms(r["duration_s"]) if r["duration_s"] is not None else \
        clock - stamp(r["start"])
    t = want.setdefault(r["agent_arn"], {})
    k = "activity_%s_s" % kind.get(r["activity"], "custom")
    t[k] = t.get(k, 0) + n
    t["logged_in_s"] = t.get("logged_in_s", 0) + n
acw = {}
for line in open(d + "/acw"):
    r = json.loads(line)
    if r["ended_by"] == "OPEN":
        continue
    # with -i the acw table is split; rebuild whole intervals per contact
    key = (r["agent_arn"], r["contact_id"])
    acw[key] = acw.get(key, 0) + ms(r["duration_s"])
for (arn, _), v in acw.items():
    t = want.setdefault(arn, {})
    t["contact_acw_count"] = t.get("contact_acw_count", 0) + 1
    t["contact_acw_total_s"] = t.get("contact_acw_total_s", 0) + v
    t["contact_acw_max_s"] = max(t.get("contact_acw_max_s", 0), v)
got = {}
for line in open(d + "/summary"):
    r = json.loads(line)
    t = got.setdefault(r["agent_arn"], {})
    for k, v in r.items():
        if v is None or not (k.startswith("activity_") or
                             k.startswith("contact_acw_") or
                             k == "logged_in_s"):
            continue
        if k == "contact_acw_max_s":
            t[k] = max(t.get(k, 0), ms(v))
        elif k == "contact_acw_count":
            t[k] = t.get(k, 0) + v
        elif k != "contact_acw_mean_s":
            t[k] = t.get(k, 0) + ms(v)
bad = 0
for arn in set(want) | set(got):
    for k in set(want.get(arn, {})) | {k for k, v in got.get(arn, {}).items() if v}:
        if want.get(arn, {}).get(k, 0) != got.get(arn, {}).get(k, 0):
            print(opts, arn[-12:], k, "rows:", want.get(arn, {}).get(k, 0),
                  "summary:", got.get(arn, {}).get(k, 0))
            bad = 1
if not got:
    print(opts, "empty summary"); bad = 1
sys.exit(bad)
PY
done
# contact counts: bucketed rows add up to the unbucketed ones
$AGENTEV summary -f tsv -H "$d/day.ndjson" | cut -f 1,24-27 | sort >"$d/plain"
$AGENTEV summary -f tsv -H -i 30m -z America/New_York "$d/day.ndjson" |
    awk -F '\t' '{ for (i = 24; i <= 27; i++) s[$1, i] += $i; a[$1] = 1 }
	END { for (k in a) print k "\t" s[k, 24] "\t" s[k, 25] "\t" s[k, 26] "\t" s[k, 27] }' |
    sort >"$d/bucketed"
cmp "$d/plain" "$d/bucketed"
rm -rf "$d"
