#!/bin/sh
# state-safety: -S never loses or corrupts the previous state.  A corrupt,
# truncated, foreign or newer state file is refused with exit 2 and left
# byte for byte (an empty one is a fresh start); a second run on a locked state fails at once; runs killed
# with SIGKILL at random moments leave the previous state as it was; a
# state reached by symbolic links (also to a file not made yet) stays
# behind them, with its mode.
set -e
d=$(mktemp -d "${TMP:-/tmp}/safety.XXXXXX")
trap 'rm -rf "$d"' EXIT
python3 samples/gen.py --seed 9 --agents 40 --hours 12 >"$d/day.ndjson"
head -n 200 "$d/day.ndjson" >"$d/first"
$AGENTEV acw -S "$d/state" "$d/first" >/dev/null
cp "$d/state" "$d/good"

refused() {	# refused NAME: the state file $d/state is refused, untouched
	cp "$d/state" "$d/before"
	set +e
	$AGENTEV acw -S "$d/state" samples/seed-acw.ndjson >"$d/out" 2>"$d/err"
	rc=$?
	set -e
	[ $rc = 2 ] || { echo "$1: exit $rc, expected 2"; exit 1; }
	grep -q "state file left as it was" "$d/err" ||
	    { echo "$1: no message"; cat "$d/err"; exit 1; }
	cmp -s "$d/state" "$d/before" || { echo "$1: state changed"; exit 1; }
	[ ! -s "$d/out" ] || { echo "$1: wrote output"; exit 1; }
}
printf 'garbage' >"$d/state"; refused garbage
head -c 300 "$d/good" >"$d/state"; refused truncated
echo '{"agents": []}' >"$d/state"; refused foreign
echo '{"agentev_state": 99, "agents": []}' >"$d/state"; refused newer
sed 's/"session": "[a-z]*"/"session": "maybe"/' "$d/good" >"$d/state"
refused bad-session

# an empty state file (made by touch or mktemp) is no state: a fresh start
: >"$d/empty"
$AGENTEV acw -S "$d/empty" samples/seed-acw.ndjson >"$d/out"
$AGENTEV acw samples/seed-acw.ndjson | cmp -s - "$d/out" ||
    { echo "empty: not a fresh start"; exit 1; }
grep -q '"agentev_state"' "$d/empty" || { echo "empty: no state saved"; exit 1; }

# a run holding the lock (blocked opening a FIFO) keeps a second one out
cp "$d/good" "$d/state"
mkfifo "$d/fifo"
$AGENTEV acw -S "$d/state" "$d/fifo" >/dev/null 2>&1 &
holder=$!
sleep 0.5
set +e
$AGENTEV acw -S "$d/state" samples/seed-acw.ndjson >/dev/null 2>"$d/err"
rc=$?
set -e
cat samples/seed-acw.ndjson >"$d/fifo"
wait $holder
[ $rc = 2 ] && grep -q "in use by another agentev" "$d/err" ||
    { echo "concurrent run: exit $rc"; cat "$d/err"; exit 1; }

# SIGKILL at random moments: the state is the old one or a complete new one
cp "$d/good" "$d/state"
$AGENTEV acw -S "$d/state" "$d/day.ndjson" >/dev/null
cp "$d/state" "$d/complete"
for delay in 0.01 0.05 0.1 0.2 0.3 0.5 0.8; do
	cp "$d/good" "$d/state"
	$AGENTEV acw -S "$d/state" "$d/day.ndjson" >/dev/null &
	pid=$!
	sleep $delay
	kill -KILL $pid 2>/dev/null || true
	wait $pid 2>/dev/null || true
	if ! cmp -s "$d/state" "$d/good" && ! cmp -s "$d/state" "$d/complete"
	then
		echo "killed after ${delay}s: the state is neither old nor new"
		exit 1
	fi
	rm -f "$d"/.state.*	# the temporary file a killed run leaves
done

# a state path that is a symbolic link: the file it names is replaced and
# keeps its mode, the link stays a link, and the lock is the file's
mkdir "$d/real"
cp "$d/good" "$d/real/state"
chmod 640 "$d/real/state"
ln -s real/state "$d/link"
$AGENTEV acw -S "$d/link" "$d/day.ndjson" >/dev/null
[ -L "$d/link" ] || { echo "the link to the state was replaced"; exit 1; }
cmp -s "$d/real/state" "$d/complete" ||
    { echo "the state behind the link was not saved"; exit 1; }
[ "$(stat -c %a "$d/real/state")" = 640 ] ||
    { echo "the state's mode became $(stat -c %a "$d/real/state")"; exit 1; }
[ ! -e "$d/link.lock" ] && [ -e "$d/real/state.lock" ] ||
    { echo "the lock is not the file's"; ls "$d" "$d/real"; exit 1; }

# a link to a file not made yet (a first run), through a link in another
# directory whose target is relative to it: the file is made where the
# links lead and both links stay; links in a loop are refused, exit 2
mkdir "$d/sub"
ln -s ../real/new "$d/sub/hop"
ln -s sub/hop "$d/fresh"
$AGENTEV acw -S "$d/fresh" "$d/day.ndjson" >/dev/null
[ -L "$d/fresh" ] && [ -L "$d/sub/hop" ] ||
    { echo "a link to a state not made yet was replaced"; exit 1; }
cmp -s "$d/real/new" "$d/complete" ||
    { echo "the state was not made where the links lead"; exit 1; }
ln -s loop2 "$d/loop1"
ln -s loop1 "$d/loop2"
set +e
$AGENTEV acw -S "$d/loop1" "$d/day.ndjson" >"$d/out" 2>"$d/err"
rc=$?
set -e
[ $rc = 2 ] && [ -L "$d/loop1" ] && [ ! -s "$d/out" ] &&
    grep -q "loop1: Too many levels of symbolic links; state file left" \
    "$d/err" || { echo "links in a loop: exit $rc"; cat "$d/err"; exit 1; }
