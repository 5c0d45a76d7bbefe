#!/bin/sh
# now-state-batches: `now -S` carries what it reads, like every table.
#  - For random splits of generated days into consecutive batches, the
#    last of `agentev -S st now batch.K` run in turn is `agentev now` over
#    the whole input, byte for byte.
#  - The README's wallboard loop (now -f html -S st batch >board.new, mv)
#    over 10 batches: the final page is the whole input's page, and
#    tests/wallboard.py finds in it the rows of `now` over the whole input.
#    Batch 4 has a rejected record too: every batch still saves.
#  - Without events (</dev/null), with and without -t, the state file
#    stays byte for byte as it was (cmp), and none (nor a lock) is
#    created; such a run works while a batch holds the lock, and a now
#    that another run's save overtook while it read does not save.
#  - A table and `now` given the same batch on one state count no event
#    twice: events -S b1, now -S b1, events -S b2 gives the events rows of
#    one run, and that now run shows what b1 alone shows.
set -e
: "${AGENTEV:=$PWD/agentev}"
d=$(mktemp -d "${TMP:-/tmp}/now-batches.XXXXXX")
trap 'rm -rf "$d"' EXIT

fail() {
	echo "now-state-batches: $*"
	exit 1
}

# split FILE N SEED: FILE's lines cut at N-1 random places into
# $d/batch.1 ... $d/batch.N
split() {
	rm -f "$d"/batch.*
	python3 - "$1" "$2" "$3" "$d" <<'EOF'
import random, sys
lines = open(sys.argv[1]).read().splitlines(True)
n, r = int(sys.argv[2]), random.Random(int(sys.argv[3]))
cuts = sorted(r.sample(range(1, len(lines)), n - 1)) + [len(lines)]
prev = 0
for k, c in enumerate(cuts, 1):
    with open("%s/batch.%d" % (sys.argv[4], k), "w") as f:
        f.writelines(lines[prev:c])
    prev = c
EOF
}

for seed in 1 2 3; do
	day=$d/day.$seed
	python3 samples/gen.py --seed $seed --agents 7 --hours 9 \
	    --dup-rate 0.03 >"$day"
	$AGENTEV now "$day" >"$d/whole.csv"
	for round in 1 2 3 4; do
		n=$((round + 1))
		split "$day" $n $((seed * 10 + round))
		rm -f "$d/st"
		k=1
		while [ $k -le $n ]; do
			$AGENTEV -S "$d/st" now "$d/batch.$k" >"$d/last.csv"
			k=$((k + 1))
		done
		cmp -s "$d/whole.csv" "$d/last.csv" ||
		    fail "seed $seed, $n batches: the last now differs from now" \
		    "over the whole day: $(diff "$d/whole.csv" "$d/last.csv" |
		    head -5)"
	done
done

# the README's wallboard loop over 10 batches, pages replaced by a
# rename; batch 4 also has a record that breaks the model, which exits 1
# but is kept in the -r file, and every batch is saved (a new inode)
day=$d/day.1
split "$day" 10 99
echo '{"EventType": "LOGIN"}' >>"$d/batch.4"
rm -f "$d/st" "$d/board.html"
k=1
while [ $k -le 10 ]; do
	was=$(ls -i "$d/st" 2>/dev/null) || true
	rc=0
	$AGENTEV now -f html -r "$d/rejected.new" -S "$d/st" "$d/batch.$k" \
	    >"$d/board.html.new" 2>"$d/err" || rc=$?
	[ $rc -gt 1 ] || mv "$d/board.html.new" "$d/board.html"
	cat "$d/rejected.new" >>"$d/rejected"
	[ "$(ls -i "$d/st" 2>/dev/null || true)" != "$was" ] ||
	    fail "batch $k (exit $rc) did not save the state"
	[ $rc = $((k == 4)) ] || fail "batch $k: exit $rc: $(cat "$d/err")"
	k=$((k + 1))
done
[ "$(cat "$d/rejected")" = '{"EventType": "LOGIN"}' ] ||
    fail "the rejected record is not in the -r file: $(cat "$d/rejected")"
$AGENTEV now "$day" >"$d/whole.csv"
python3 tests/wallboard.py check "$d/board.html" "$d/whole.csv" ||
    fail "the loop's last page does not show now over the whole day"
$AGENTEV now -f html "$day" >"$d/whole.html"
cmp -s "$d/whole.html" "$d/board.html" ||
    fail "the loop's last page differs from the whole day's page"

# no events: the file is left as it was, with -t too, and none is made
cp "$d/st" "$d/st.before"
$AGENTEV now -f html -S "$d/st" </dev/null >"$d/empty.html"
cmp "$d/st.before" "$d/st" || fail "now -S </dev/null changed the state"
cmp -s "$d/whole.html" "$d/empty.html" ||
    fail "now -S </dev/null does not show the state the loop left"
$AGENTEV now -t now -S "$d/st" </dev/null >/dev/null
cmp "$d/st.before" "$d/st" || fail "now -t now -S </dev/null changed the state"
$AGENTEV now -S "$d/fresh" </dev/null >/dev/null
[ ! -e "$d/fresh" ] && [ ! -e "$d/fresh.lock" ] ||
    fail "now -S </dev/null made a state or lock file"
# now reads the state unlocked: a page made while a batch holds the lock
# works and leaves it; a now whose read a save overtook does not save
(sleep 1; cat "$d/batch.10") | $AGENTEV status -S "$d/st" >/dev/null 2>&1 &
sleep 0.3
$AGENTEV now -S "$d/st" </dev/null >"$d/during.csv" 2>"$d/err" ||
    fail "now -S </dev/null while a batch holds the lock: $(cat "$d/err")"
wait $!
cp "$d/st" "$d/st.before"
(sleep 1; cat "$d/batch.9") | $AGENTEV now -S "$d/st" >/dev/null \
    2>"$d/err" &
sleep 0.3
cp "$d/st.before" "$d/st.copy" && mv "$d/st.copy" "$d/st"  # a save's rename
cp "$d/st" "$d/st.saved"
! wait $! || fail "now saved over a state another run saved while it read"
grep -q 'another agentev saved it' "$d/err" ||
    fail "now overtaken by a save says: $(cat "$d/err")"
cmp -s "$d/st.saved" "$d/st" || fail "now overtaken by a save wrote it"
cp "$d/st.before" "$d/st"
# a record rejected is not an event read either
echo '{"not": "an event"}' >"$d/junk"
$AGENTEV now -S "$d/st" "$d/junk" >/dev/null 2>&1 && fail "junk accepted"
cmp "$d/st.before" "$d/st" || fail "now -S on rejected records changed the state"

# a table and now on one state, each given the same batch
split "$day" 2 7
$AGENTEV events -H "$day" >"$d/events.whole"
rm -f "$d/st"
$AGENTEV events -H -S "$d/st" "$d/batch.1" >"$d/events.parts"
$AGENTEV now -S "$d/st" "$d/batch.1" >"$d/now.dup"
$AGENTEV events -H -S "$d/st" "$d/batch.2" >>"$d/events.parts"
cmp -s "$d/events.whole" "$d/events.parts" ||
    fail "events, now, events on one state: an event counted twice"
$AGENTEV now "$d/batch.1" >"$d/now.b1"
cmp -s "$d/now.b1" "$d/now.dup" ||
    fail "now given the batch events -S had read shows something else"
