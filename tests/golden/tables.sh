#!/bin/sh
# tables.sh: write every table agentev makes from a fixed set of inputs
# (the samples and a generated day; whole and in -S batches) into DIR, one
# file per run holding its stdout, stderr and exit status.  The golden
# checksums in tests/golden/SHA256SUMS were made with the binary before
# the engine was split into views (commit babf4d8), and changed since
# only where a change was meant (a LOGIN's row in `events` names its
# status, issue 12; messages give columns, name fields and count in
# number, and check -S no longer carries the state between batches, issue
# 12 parts 2, 5 and 10; the summary lines when summary took Connect's
# metrics, issue 14); views-golden.sh runs this again and compares, so
# a refactor that changes any byte shows.
#
# usage: AGENTEV=./agentev sh tests/golden/tables.sh DIR
set -e
out=$1
mkdir -p "$out"
python3 samples/gen.py --seed 7 --agents 8 --hours 10 --dup-rate 0.03 \
    >"$out/day7.ndjson"
run() {
	name=$1
	shift
	{
		$AGENTEV "$@" 2>"$out/stderr" || echo "exit $?"
		cat "$out/stderr"
	} >"$out/$name" 2>&1
	rm -f "$out/stderr"
}
for cmd in check events acw status activity summary; do
	for input in samples/shift.ndjson samples/broken.ndjson \
	    samples/shift.getrecords.json "$out/day7.ndjson"; do
		base=$(basename "$input")
		run "$cmd.$base" -j 2 "$cmd" "$input"
		run "$cmd.$base.json-zone" -j 1 -f json -z Europe/Berlin \
		    "$cmd" "$input"
		case $cmd in
		acw|status|activity|summary)
			run "$cmd.$base.buckets" -i 30m -z America/New_York \
			    "$cmd" "$input"
			;;
		esac
	done
	# in three -S batches: the rows of each batch, one after another
	rm -f "$out/state"
	split -l 2000 "$out/day7.ndjson" "$out/part."
	for part in "$out"/part.*; do
		# on standard input, so messages do not name the directory
		run "batch" -S "$out/state" "$cmd" <"$part"
		cat "$out/batch" >>"$out/$cmd.batches"
	done
	rm -f "$out"/part.* "$out/batch" "$out/state" "$out/state.lock"
done
rm -f "$out/day7.ndjson"
