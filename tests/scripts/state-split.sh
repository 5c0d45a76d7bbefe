#!/bin/sh
# state-split: for random splits of a generated day into consecutive
# batches (cutting inside ACWs, statuses, and between duplicates), running
# the batches one after another with one -S state file and concatenating
# their output gives the rows of one run over the whole day, that run's
# OPEN rows aside (contacts and sessions too); summary totals (times and
# counts, not ratios, means or maxima) add up to the one run's.
set -e
: "${AGENTEV:=$PWD/agentev}"
d=$(mktemp -d "${TMP:-/tmp}/split.XXXXXX")
python3 samples/gen.py --seed 5 --agents 6 --hours 10 --dup-rate 0.05 \
    >"$d/day.ndjson"
lines=$(wc -l <"$d/day.ndjson")
for table in acw status activity events contacts sessions; do
	# the OPEN rows: ended_by last, or outcome and ended_by before others
	case $table in
	contacts) open=',OPEN,$' ;;
	sessions) open=',OPEN,("([^"]|"")*"|[^,]*),[0-9]+,[^,]*,$' ;;
	*) open=',OPEN$' ;;
	esac
	$AGENTEV $table -H "$d/day.ndjson" | grep -Ev "$open" >"$d/$table.whole" || true
done
grep -q ',OPEN,' "$d/contacts.whole" "$d/sessions.whole" && exit 1
$AGENTEV summary -f json "$d/day.ndjson" >"$d/summary.whole"
summed() {
	python3 -c '
import json, sys
tot = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    t = tot.setdefault(r["agent_arn"], {})
    for k, v in r.items():
        if isinstance(v, (int, float)) and k not in ("contact_acw_mean_s",
            "contact_acw_max_s", "occupancy", "answer_rate"):
            t[k] = t.get(k, 0) + round(v * 1000)
for a in sorted(tot):
    print(a, sorted(tot[a].items()))
' "$1"
}
summed "$d/summary.whole" >"$d/summary.whole.sum"
i=0
while [ $i -lt 12 ]; do
	i=$((i + 1))
	# 1 to 4 cut points, seeded by the iteration
	cuts=$(python3 -c "
import random; r = random.Random($i)
print(' '.join(str(c) for c in sorted(r.sample(range(1, $lines), r.randint(1, 4)))))")
	rm -f "$d"/batch.* "$d/state"
	prev=0
	n=0
	for c in $cuts $lines; do
		n=$((n + 1))
		sed -n "$((prev + 1)),${c}p" "$d/day.ndjson" >"$d/batch.$n"
		prev=$c
	done
	for table in acw status activity events summary contacts sessions; do
		rm -f "$d/state" "$d/$table.parts"
		k=1
		while [ $k -le $n ]; do
			if [ $table = summary ]; then
				$AGENTEV summary -f json -S "$d/state" "$d/batch.$k"
			else
				$AGENTEV $table -H -S "$d/state" "$d/batch.$k"
			fi >>"$d/$table.parts"
			k=$((k + 1))
		done
		if [ $table = summary ]; then
			summed "$d/summary.parts" >"$d/summary.parts.sum"
			cmp -s "$d/summary.whole.sum" "$d/summary.parts.sum" || {
				echo "split $i ($cuts): summary totals differ"
				diff "$d/summary.whole.sum" "$d/summary.parts.sum" | head
				exit 1
			}
		elif ! cmp -s "$d/$table.whole" "$d/$table.parts"; then
			echo "split $i ($cuts): $table differs"
			diff "$d/$table.whole" "$d/$table.parts" | head
			exit 1
		fi
	done
done
rm -rf "$d"
