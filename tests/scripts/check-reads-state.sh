#!/bin/sh
# check-reads-state.sh: check -S reads the state (to count duplicates of
# the last batch) but never writes it, nor makes it or its lock file: the
# next acw -S on the same batch gets the rows it gets without the check.
set -e
d=$(mktemp -d "${TMP:-/tmp}/check-state.XXXXXX")
trap 'rm -rf "$d"' EXIT
python3 samples/gen.py --seed 5 --agents 5 --hours 6 >"$d/day.ndjson"
n=$(wc -l <"$d/day.ndjson")
half=$((n / 2))
head -n $half "$d/day.ndjson" >"$d/first"
tail -n +$((half + 1)) "$d/day.ndjson" >"$d/second"

# no state file: check makes none
$AGENTEV check -S "$d/none" "$d/first" 2>/dev/null
[ ! -e "$d/none" ] && [ ! -e "$d/none.lock" ] ||
    { echo "check -S made a state or lock file"; exit 1; }

# the first batch saved; check on the second leaves the state as it was
$AGENTEV acw -S "$d/state" "$d/first" >/dev/null
cp "$d/state" "$d/saved"
$AGENTEV check -S "$d/state" "$d/second" 2>"$d/err"
cmp -s "$d/state" "$d/saved" || { echo "check -S wrote the state"; exit 1; }

# check on the first batch again: the state has seen every EventId in it,
# so each of its records is a duplicate
$AGENTEV check -S "$d/state" "$d/first" 2>"$d/err" || true
grep -q "^agentev: $half records read, 0 rejected, $half duplicates" "$d/err" ||
    { echo "expected $half duplicates:"; cat "$d/err"; exit 1; }
cmp -s "$d/state" "$d/saved" || { echo "check -S wrote the state"; exit 1; }

# so acw -S on the second batch gives the rows it gives with no check run
cp "$d/saved" "$d/plain"
$AGENTEV acw -S "$d/plain" "$d/second" >"$d/want"
$AGENTEV acw -S "$d/state" "$d/second" >"$d/got"
cmp -s "$d/want" "$d/got" || { echo "acw after check differs"; exit 1; }
[ "$(wc -l <"$d/got")" -gt 1 ] || { echo "no rows in the second batch"; exit 1; }
echo "ok: check -S left the state as it was"
