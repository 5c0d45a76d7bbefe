#!/bin/sh
# one-pass-outputs: every table written with -o TABLE=FILE beside another
# command is byte for byte what that table's own command writes, with
# -f, -H, -z, -i and -t, in one run and in -S batches (one state file for
# all of them); a write error on an -o file exits 1 and leaves the state
# as it was; an -o file that is an input or another output is refused.
set -e
d=$(mktemp -d "${TMP:-/tmp}/onepass.XXXXXX")
trap 'rm -rf "$d"' EXIT
python3 samples/gen.py --seed 11 --agents 5 --hours 6 --dup-rate 0.02 \
    >"$d/day.ndjson"
all="events acw status activity summary now contacts sessions"
one() {	# one OPTIONS...: every table alone, then all of them from acw
	for t in $all; do
		$AGENTEV "$@" $t "$d/day.ndjson" >"$d/want.$t" 2>/dev/null ||
		    true
	done
	o=
	for t in $all; do
		[ $t = acw ] || o="$o -o $t=$d/got.$t"
	done
	$AGENTEV "$@" $o acw "$d/day.ndjson" >"$d/got.acw" 2>/dev/null || true
	for t in $all; do
		if ! cmp -s "$d/want.$t" "$d/got.$t"; then
			echo "$t with $*: -o differs from the table alone"
			diff "$d/want.$t" "$d/got.$t" | head -5
			exit 1
		fi
	done
}
one
one -f json -z Europe/Berlin -j 1
one -H -f tsv
one -t 2026-11-04T10:30:00Z
# -i: only the tables that take it
for t in acw status activity summary contacts sessions; do
	$AGENTEV -i 30m $t "$d/day.ndjson" >"$d/want.$t"
done
$AGENTEV -i 30m -o status=$d/got.status -o activity=$d/got.activity \
    -o summary=$d/got.summary -o contacts=$d/got.contacts \
    -o sessions=$d/got.sessions acw "$d/day.ndjson" >"$d/got.acw"
for t in acw status activity summary contacts sessions; do
	cmp "$d/want.$t" "$d/got.$t"
done
if $AGENTEV -i 30m -o events=$d/x acw "$d/day.ndjson" >/dev/null 2>&1; then
	echo "-i with -o events was accepted"; exit 1
fi
# -S batches: one state serves every table, as if each ran alone
split -l 700 "$d/day.ndjson" "$d/part."
for t in status summary sessions; do
	rm -f "$d/state.$t"
	for p in "$d"/part.*; do
		$AGENTEV -H -S "$d/state.$t" $t "$p"
	done >"$d/want.$t"
done
rm -f "$d/state"
: >"$d/got.status.all"; : >"$d/got.summary.all"; : >"$d/got.sessions.all"
for p in "$d"/part.*; do
	$AGENTEV -H -S "$d/state" -o summary=$d/s1 -o sessions=$d/s2 status \
	    "$p" >>"$d/got.status.all"
	cat "$d/s1" >>"$d/got.summary.all"
	cat "$d/s2" >>"$d/got.sessions.all"
done
for t in status summary sessions; do
	if ! cmp -s "$d/want.$t" "$d/got.$t.all"; then
		echo "$t: -o in -S batches differs from $t alone"
		diff "$d/want.$t" "$d/got.$t.all" | head -5
		exit 1
	fi
done
# a write error on an -o file: exit 1, and the state is left as it was
if [ -w /dev/full ]; then
	cp "$d/state" "$d/state.before"
	set +e
	$AGENTEV -S "$d/state" -o status=/dev/full acw "$d/day.ndjson" \
	    >/dev/null 2>"$d/err"
	rc=$?
	set -e
	[ $rc = 1 ] || { echo "/dev/full: exit $rc"; exit 1; }
	grep -q '/dev/full' "$d/err" || { cat "$d/err"; exit 1; }
	cmp "$d/state" "$d/state.before"
fi
# refused: an input, a file given twice, the command's own table, check
refused() {
	set +e
	$AGENTEV "$@" >/dev/null 2>"$d/err"
	rc=$?
	set -e
	[ $rc = 2 ] || { echo "$*: exit $rc, expected 2"; exit 1; }
}
cp "$d/day.ndjson" "$d/copy"
refused -o status="$d/copy" acw "$d/copy"
refused -o status="$d/copy" acw - <"$d/copy"
cmp -s "$d/copy" "$d/day.ndjson" || { echo "an input was overwritten"; exit 1; }
refused -o status="$d/a" -o activity="$d/a" acw "$d/copy"
refused -o acw="$d/a" acw "$d/copy"
refused -o check="$d/a" acw "$d/copy"
refused -o nosuch="$d/a" acw "$d/copy"
refused -o status acw "$d/copy"
refused -o status="$d/a" -o status="$d/b" acw "$d/copy"
