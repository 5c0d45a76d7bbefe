#!/bin/sh
# generated-day: on days from samples/gen.py (voice and chat agents, with
# duplicates and every edge case it simulates), every acw, status, contacts
# and sessions row equals what the generator simulated, to the
# millisecond, nothing missing or extra; cutting the day into several
# files, or rewriting it in another input form, changes nothing in any
# table.
set -e
d=$(mktemp -d "${TMP:-/tmp}/genday.XXXXXX")
sorted() { { IFS= read -r header; echo "$header"; LC_ALL=C sort; } }
for seed in 1 2 3; do
	python3 samples/gen.py --seed $seed --agents 8 --hours 10 \
	    --dup-rate 0.03 --expect-dir "$d/expect" >"$d/day.ndjson"
	for table in acw status contacts sessions; do
		$AGENTEV $table "$d/day.ndjson" | sorted >"$d/$table.csv"
		if ! cmp -s "$d/expect/$table.csv" "$d/$table.csv"; then
			echo "seed $seed: $table differs from the simulation"
			diff "$d/expect/$table.csv" "$d/$table.csv" | head -10
			exit 1
		fi
	done
done
# several files are one stream: cut the last day at arbitrary lines
lines=$(wc -l <"$d/day.ndjson")
split -l $((lines / 5 + 1)) "$d/day.ndjson" "$d/part."
for table in events acw status activity summary contacts sessions; do
	$AGENTEV $table "$d/day.ndjson" >"$d/whole" 2>&1
	$AGENTEV $table "$d"/part.* >"$d/parts" 2>&1
	cmp "$d/whole" "$d/parts"
	for form in pretty firehose array getrecords lambda crlf bom; do
		[ -f "$d/day.$form" ] ||
		    python3 samples/reshape.py $form <"$d/day.ndjson" >"$d/day.$form"
		$AGENTEV $table "$d/day.$form" >"$d/form" 2>&1
		if ! cmp -s "$d/whole" "$d/form"; then
			echo "$table: input form $form gives other output"
			exit 1
		fi
	done
done
rm -rf "$d"
