#!/bin/sh
# summary-reconciles: on a generated day, summary totals equal the sums of
# the activity and acw rows, and bucketed totals (-i 30m in New York, over
# a DST change) equal the unbucketed ones.
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
import json, sys
d, opts = sys.argv[1], sys.argv[2]
ms = lambda x: round(x * 1000)
kind = {"Available": "available_s", "Incoming": "incoming_s",
        "On contact": "on_contact_s", "After contact work": "acw_s",
        "Offline": "offline_s", "Error": "error_s", "Missed": "error_s",
        "Rejected": "error_s"}
want = {}
for line in open(d + "/activity"):
    r = json.loads(line)
    if r["duration_s"] is None:
        continue
    t = want.setdefault(r["agent_arn"], {})
    k = kind.get(r["activity"], "custom_s")
    t[k] = t.get(k, 0) + ms(r["duration_s"])
    t["logged_in_s"] = t.get("logged_in_s", 0) + ms(r["duration_s"])
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
    t["acw_count"] = t.get("acw_count", 0) + 1
    t["acw_total_s"] = t.get("acw_total_s", 0) + v
    t["acw_max_s"] = max(t.get("acw_max_s", 0), v)
got = {}
for line in open(d + "/summary"):
    r = json.loads(line)
    t = got.setdefault(r["agent_arn"], {})
    for k, v in r.items():
        if k.endswith("_s") and v is not None:
            if k == "acw_max_s":
                t[k] = max(t.get(k, 0), ms(v))
            elif k != "acw_mean_s":
                t[k] = t.get(k, 0) + ms(v)
        elif k == "acw_count":
            t[k] = t.get(k, 0) + v
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
$AGENTEV summary -f tsv -H "$d/day.ndjson" | cut -f 1,14-17 | sort >"$d/plain"
$AGENTEV summary -f tsv -H -i 30m -z America/New_York "$d/day.ndjson" |
    awk -F '\t' '{ for (i = 14; i <= 17; i++) s[$1, i] += $i; a[$1] = 1 }
	END { for (k in a) print k "\t" s[k, 14] "\t" s[k, 15] "\t" s[k, 16] "\t" s[k, 17] }' |
    sort >"$d/bucketed"
cmp "$d/plain" "$d/bucketed"
rm -rf "$d"
