#!/bin/sh
# adherence-recipe: the README's real-time adherence job (the block under
# "Real-time adherence from cron", taken from README.md as it is), run
# once a minute of event time over a generated day whose batches come as
# get-records-loop.sh writes them: shard after shard, so each batch is in
# order by agent, not by time.  Its alerts and its adherence.part rows,
# added up, are those of one run over the day in time order (with the
# job's -w and a state, which hold the last two minutes); without -w
# the same batches are reported out of order (exit 1).  wfm-export,
# get-records-loop.sh and mail are stubs.
set -e
: "${AGENTEV:=$PWD/agentev}"
d=$(mktemp -d "${TMP:-/tmp}/adhrecipe.XXXXXX")
trap 'rm -rf "$d"' EXIT
mkdir "$d/bin" "$d/srv" "$d/srv/samples"
python3 samples/gen.py --seed 11 --agents 8 --hours 4 --dup-rate 0 \
    --schedule "$d/schedule.csv" >"$d/day.ndjson"
# batches: a minute of event time each, the two shards (agents by the
# parity of their ARN's last hex digit) one after the other
python3 - "$d" <<'PY'
import json, sys
d = sys.argv[1]
batches = {}
for line in open(d + "/day.ndjson"):
    ev = json.loads(line)
    minute = ev["EventTimestamp"][:16]
    shard = int(ev["AgentARN"][-1], 16) % 2
    batches.setdefault(minute, ([], []))[shard].append(line)
for i, minute in enumerate(sorted(batches)):
    with open("%s/batch.%05d" % (d, i), "w") as f:
        for shard in batches[minute]:
            f.writelines(shard)
PY
cat >"$d/bin/wfm-export" <<STUB
#!/bin/sh
cat "$d/schedule.csv"
STUB
# the loop's stub hands out the next batch and keeps its place in the
# checkpoint, as the loop does with -c
cat >"$d/srv/samples/get-records-loop.sh" <<STUB
#!/bin/sh
n=\$(cat "\$2" 2>/dev/null || echo 0)
next=\$(printf '%s/batch.%05d' "$d" "\$n")
[ -f "\$next" ] || exit 1
cat "\$next"
echo \$((n + 1)) >"\$2"
STUB
cat >"$d/bin/mail" <<'STUB'
#!/bin/sh
cat >>"$STUBLOG"
STUB
printf '#!/bin/sh\nexec %s "$@"\n' "$AGENTEV" >"$d/bin/agentev"
chmod +x "$d/bin/"* "$d/srv/samples/get-records-loop.sh"
sed -n '/^### Real-time adherence from cron/,/^### /p' README.md |
    sed -n '/^#!\/bin\/sh/,/^```/p' | sed '$d' >"$d/recipe"
grep -q "agentev alert -A schedule.csv" "$d/recipe" ||
    { echo "README.md: no real-time adherence job"; exit 1; }
sed 's|^cd /srv/agentev|cd "$SRV"|' "$d/recipe" >"$d/recipe.sh"
n=$(ls "$d"/batch.* | wc -l)
i=0
while [ $i -lt "$n" ]; do
	PATH="$d/bin:$PATH" SRV="$d/srv" STUBLOG="$d/mailed" sh "$d/recipe.sh"
	cat "$d/srv/alerts.json" >>"$d/alerts.all"
	cat "$d/srv/adherence.part" >>"$d/parts.all"
	i=$((i + 1))
done
[ "$(cat "$d/srv/kinesis.ckpt")" = "$n" ] ||
    { echo "the checkpoint did not move with every batch"; exit 1; }
# one run over the day in time order, with -w 2m and a state as the job
# has: what -w holds at the end waits in the state in both
$AGENTEV alert -A "$d/schedule.csv" -a 'adherence>5m' -w 2m -f json \
    -S "$d/one.state" -o adherence="$d/adherence.one" "$d/day.ndjson" \
    >"$d/alerts.one"
[ "$(grep -c RAISED "$d/alerts.one")" -gt 5 ] ||
    { echo "too few alerts to compare"; exit 1; }
sort "$d/alerts.all" >"$d/a1"
sort "$d/alerts.one" >"$d/a2"
cmp -s "$d/a1" "$d/a2" ||
    { echo "batches: alerts differ from one run"; diff "$d/a1" "$d/a2" | head; exit 1; }
grep RAISED "$d/alerts.one" | cmp -s - "$d/mailed" ||
    { echo "the mail is not every RAISED row"; exit 1; }
# the parts, added up by username, are the one run's totals (ms)
python3 - "$d/parts.all" "$d/adherence.one" <<'PY'
import json, sys
def sums(path):
    t = {}
    for line in open(path):
        r = json.loads(line)
        s = t.setdefault(r["username"], [0] * 5)
        for i, k in enumerate(("scheduled_s", "in_adherence_s",
                "out_of_adherence_s", "logged_in_scheduled_s",
                "unscheduled_s")):
            s[i] += round(float(r[k] or 0) * 1000)
    return t
a, b = sums(sys.argv[1]), sums(sys.argv[2])
if a != b:
    for u in sorted(set(a) | set(b)):
        if a.get(u) != b.get(u):
            print("parts of", u, a.get(u), "one run", b.get(u))
    sys.exit(1)
PY
# the same batches without -w: events of the second shard are older than
# the first's, which adherence reports, with exit 1
rm -f "$d/state"
set +e
$AGENTEV alert -A "$d/schedule.csv" -a 'adherence>5m' -S "$d/state" \
    "$d/batch.00030" >/dev/null 2>"$d/err"
rc=$?
set -e
[ $rc = 1 ] && grep -q "is older than the clock" "$d/err" ||
    { echo "shard order without -w: exit $rc"; cat "$d/err"; exit 1; }
