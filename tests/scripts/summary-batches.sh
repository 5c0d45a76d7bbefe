#!/bin/sh
# summary-batches: random splits of a generated day into consecutive
# batches, run one after another with -S -i 15m, write each bucket's rows
# once, when the clock has passed its end; their output is byte for byte
# the rows one run over the whole day writes for those buckets (the one
# run also writes the bucket the input ends in; the batches carry it).
set -e
: "${AGENTEV:=$PWD/agentev}"
d=$(mktemp -d "${TMP:-/tmp}/sbatch.XXXXXX")
python3 samples/gen.py --seed 9 --agents 7 --hours 11 --dup-rate 0.04 \
    >"$d/day.ndjson"
lines=$(wc -l <"$d/day.ndjson")
for g in agent routing_profile,status; do
	$AGENTEV summary -H -i 15m -g $g "$d/day.ndjson" >"$d/whole"
	# the rows of the last bucket come at the end of the one run only
	last=$(tail -n 1 "$d/whole" | python3 -c '
import csv, sys
r = next(csv.reader(sys.stdin)); print([f for f in r if f.endswith(":00.000Z")][0])')
	grep -v ",$last," "$d/whole" >"$d/complete"
	[ "$(wc -l <"$d/complete")" -gt 100 ]
	i=0
	while [ $i -lt 6 ]; do
		i=$((i + 1))
		cuts=$(python3 -c "
import random; r = random.Random($i)
print(' '.join(str(c) for c in sorted(r.sample(range(1, $lines), r.randint(1, 6)))))")
		rm -f "$d/state" "$d/parts"
		prev=0
		for c in $cuts $lines; do
			sed -n "$((prev + 1)),${c}p" "$d/day.ndjson" >"$d/batch"
			$AGENTEV summary -H -i 15m -g $g -S "$d/state" \
			    "$d/batch" >>"$d/parts"
			prev=$c
		done
		cmp "$d/complete" "$d/parts" || {
			echo "-g $g, split $i ($cuts): rows differ"
			diff "$d/complete" "$d/parts" | head -5
			exit 1
		}
	done
	# the state carries the last bucket: its rows are not lost
	grep -q '"tallies": \[$' "$d/state"
done
# without -i each batch writes its own totals, which add up to one run's
$AGENTEV summary -H -f tsv "$d/day.ndjson" | cut -f 1,6 | sort >"$d/whole"
rm -f "$d/state" "$d/parts"
split -l 700 "$d/day.ndjson" "$d/part."
for p in "$d"/part.*; do
	$AGENTEV summary -H -f tsv -S "$d/state" "$p" >>"$d/parts"
done
awk -F '\t' '{ s[$1] += $6 } END { for (a in s) printf "%s\t%.3f\n", a, s[a] }' \
    "$d/parts" | sort >"$d/summed"
cmp "$d/whole" "$d/summed"
rm -rf "$d"
