#!/bin/sh
# reorder-window: a day whose events arrive up to 90 s late (each event
# delayed by a random 0-90 s, so each agent's events are out of order)
# gives, with -w 2m, exactly the rows of the day in EventTimestamp order,
# in one run and in -S batches; without -w it exits 1 and points to -w;
# with too small a window the late events are still counted.
set -e
d=$(mktemp -d "${TMP:-/tmp}/reorder.XXXXXX")
trap 'rm -rf "$d"' EXIT
python3 samples/gen.py --seed 5 --agents 6 --hours 6 --dup-rate 0.02 \
    >"$d/day.ndjson"
python3 - "$d" <<'PY'
import json, random, sys
d = sys.argv[1]
lines = open(d + "/day.ndjson", encoding="utf-8").read().splitlines()
def t(line):
    return json.loads(line)["EventTimestamp"]
# the reference: sorted on EventTimestamp (ties keep input order)
ordered = sorted(lines, key=t)
open(d + "/sorted.ndjson", "w", encoding="utf-8").write(
    "\n".join(ordered) + "\n")
# arrival order: each event delayed by up to 90 s
from datetime import datetime
def ms(line):
    s = t(line)
    return datetime.strptime(s[:23], "%Y-%m-%dT%H:%M:%S.%f").timestamp()
rng = random.Random(7)
late = sorted(ordered, key=lambda l: ms(l) + rng.uniform(0, 90))
moved = sum(1 for a, b in zip(late, ordered) if a != b)
assert moved > len(lines) // 4, moved
open(d + "/late.ndjson", "w", encoding="utf-8").write("\n".join(late) + "\n")
PY
sorted() { LC_ALL=C sort; }
for table in events acw status activity summary; do
	$AGENTEV $table "$d/sorted.ndjson" | sorted >"$d/want"
	$AGENTEV -w 2m $table "$d/late.ndjson" 2>"$d/err" | sorted >"$d/got"
	if ! cmp -s "$d/want" "$d/got"; then
		echo "$table: -w 2m on late input differs from sorted input"
		diff "$d/want" "$d/got" | head -5
		exit 1
	fi
	[ ! -s "$d/err" ] || { echo "$table: messages with -w:"; cat "$d/err"; exit 1; }
done
# in batches: the held events are carried in the state, so the batches
# give every closed row of one sorted run except those that events still
# held after the last batch (the last 2 minutes) would close
lines=$(wc -l <"$d/late.ndjson")
split -l $((lines / 4 + 1)) "$d/late.ndjson" "$d/part."
for table in acw status activity; do
	rm -f "$d/state"
	for part in "$d"/part.*; do
		$AGENTEV -w 2m -S "$d/state" -H $table "$part"
	done >"$d/batches"
	$AGENTEV -H $table "$d/sorted.ndjson" | grep -v ',OPEN$' >"$d/want"
	python3 - "$d" $table <<'PY'
import sys
from collections import Counter
from datetime import datetime
d, table = sys.argv[1], sys.argv[2]
want = Counter(open(d + "/want").read().splitlines())
got = Counter(open(d + "/batches").read().splitlines())
def secs(s):
    return datetime.strptime(s[:23], "%Y-%m-%dT%H:%M:%S.%f").timestamp()
import json
last = max(secs(json.loads(l)["EventTimestamp"])
    for l in open(d + "/sorted.ndjson"))
extra = got - want
assert not extra, (table, "rows not in the sorted run", list(extra)[:3])
end = 7 if table == "acw" else 5 if table == "status" else 4
missing = want - got
for row in missing:
    e = row.split(",")[end]
    assert secs(e) > last - 120, (table, "row missing", row)
assert len(missing) < len(want) / 20, (table, len(missing), len(want))
PY
done
# without -w: exit 1, counted, and the message points to -w
set +e
$AGENTEV status "$d/late.ndjson" >/dev/null 2>"$d/err"
rc=$?
set -e
[ $rc = 1 ] || { echo "no -w: exit $rc, expected 1"; exit 1; }
grep -q ' out of order' "$d/err" || { echo "no count"; cat "$d/err"; exit 1; }
grep -q -- '-w DURATION' "$d/err" || { echo "no hint"; cat "$d/err"; exit 1; }
# a window too small for the delays still leaves events out of order
set +e
$AGENTEV -w 5s status "$d/late.ndjson" >/dev/null 2>"$d/err"
rc=$?
set -e
[ $rc = 1 ] || { echo "-w 5s: exit $rc, expected 1"; exit 1; }
# the sorted input is clean
$AGENTEV status "$d/sorted.ndjson" >/dev/null
