#!/bin/sh
# memo-differential: the memo of validated subtrees changes only the speed.
# Every command (as agentev -h lists them) over every input form (the
# samples, generated days and a hostile day made from one, reshaped into
# get-records pages, Lambda payloads, Firehose, pretty-printed and CRLF),
# with -j 1 and the default threads (and check and acw with -s), gives
# the same standard output, standard error, rejects file and exit status with the
# memo on as with AGENTEV_MEMO=0.  Then the memo must be doing something:
# on a generated day, -j 1 acw takes at most 0.8x the CPU time it takes
# with AGENTEV_MEMO=0 (about 0.4x measured).
: "${AGENTEV:=$(pwd)/agentev}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memo-differential.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
status=0

# A generated day, and a hostile one: the same events with, here and there,
# what must send a record down the path without the memo while its
# snapshots are ones the memo knows (a problem elsewhere, a duplicate or
# escaped key, bad UTF-8, a syntax error), or snapshots that differ from
# known ones by one byte, or carry a warning.
python3 samples/gen.py --seed 16 --agents 6 --hours 2 --dup-rate 0.02 \
    >"$tmp/day.ndjson" || exit 2
python3 - "$tmp/day.ndjson" >"$tmp/hostile.ndjson" <<'EOF' || exit 2
import random
import sys

rng = random.Random(16)
C, P = b'"CurrentAgentSnapshot":', b'"PreviousAgentSnapshot":'


def bump_digit(line, at):
    i = line.find(b"StartTimestamp", at)
    if i < 0:
        return line
    i = line.find(b":", i + 17)
    return line[:i + 2] + bytes([48 + (line[i + 2] - 47) % 10]) + \
        line[i + 3:]


def mutate(line, kind):
    if kind == 0:       # a problem outside the snapshots (an error)
        return line.replace(b'"AWSAccountId":"123456789012"',
                            b'"AWSAccountId":"12345678901"')
    if kind == 1:       # a warning outside them (an error under -s)
        return line.replace(b'"EventType":"', b'"EventType":"X', 1)
    if kind == 2:       # a duplicate key
        return line[:-1] + b',' + C + b'{}}'
    if kind == 3:       # an escaped key that means the same
        return line.replace(P, b'"Previous\\u0041gentSnapshot":')
    if kind == 4:       # an escaped duplicate
        return line[:-1] + b',"Current\\u0041gentSnapshot":null}'
    if kind == 5:       # a duplicate Configuration inside a snapshot
        return line.replace(C + b'{', C + b'{"Configuration":{},', 1)
    if kind == 6:       # an escaped Configuration key
        return line.replace(b'"Configuration":', b'"Configur\\u0061tion":')
    if kind == 7:       # bad UTF-8 outside the snapshots
        return line.replace(b'"EventId":"', b'"EventId":"\xff', 1)
    if kind == 8:       # a syntax error after them
        return line[:-1]
    if kind == 9:       # one byte changed in the previous snapshot
        return bump_digit(line, max(line.find(P), 0))
    if kind == 10:      # a warning inside the previous snapshot
        i = line.find(P)
        if i < 0:
            return line
        return line[:i] + line[i:].replace(b'"Type":"', b'"Type":"Q', 1)
    if kind == 11:      # the current snapshot given as previous too
        i, j = line.find(C), line.find(P)
        if i < 0 or j < 0 or line[j + len(P):j + len(P) + 4] == b"null":
            return line
        cur = line[i + len(C):line.find(b',"EventId"', i)]
        end = line.rfind(b',"Version"')
        return line[:j + len(P)] + cur + line[end:]
    if kind == 12:      # spaces around the structure
        return line.replace(b'":{', b'" : {').replace(b'},"', b'} , "')
    if kind == 13:      # an error inside a snapshot (NUL in a name)
        return line.replace(b'"Username":"', b'"Username":"\\u0000', 1)
    if kind == 14:      # the snapshot not an object
        return line.replace(P + b'{', P + b'"x",{', 1)
    if kind == 15:      # a warning inside the current snapshot, twice
        line = line.replace(b'"Type":"', b'"Type":"Q', 1)
        return line + b"\n" + line
    if kind == 16:      # an error inside the current snapshot, twice
        line = line.replace(b'"StartTimestamp":"2026-', b'"StartTimestamp":"2026-x', 1)
        return line + b"\n" + line.replace(b"EventId", b"Ev\\u0065ntId")
    return line


with open(sys.argv[1], "rb") as f:
    lines = f.read().split(b"\n")
out = []
forced = [15, 16, 15, 16]     # surely some, on lines with a status Type
for line in lines:
    if forced and b'"Type":"' in line:
        line = mutate(line, forced.pop())
    elif line and rng.random() < 0.25:
        line = mutate(line, rng.randrange(17))
    out.append(line)
sys.stdout.buffer.write(b"\n".join(out))
EOF
python3 samples/gen.py --seed 17 --agents 4 --hours 3 --dup-rate 0 \
    --varied >"$tmp/varied.ndjson" || exit 2
for base in day hostile; do
	for form in getrecords lambda firehose pretty crlf; do
		python3 samples/reshape.py "$form" <"$tmp/$base.ndjson" \
		    >"$tmp/$base.$form" || exit 2
	done
done

commands=$($AGENTEV -h | sed -n '/^commands:/,/^$/p' |
    awk 'NF > 1 { print $1 }')
[ -n "$commands" ] || { echo "no commands in agentev -h"; exit 1; }

# run NAME ARGS...: with the memo on and off, and compare
run() {
	name=$1
	shift
	for memo in 1 0; do
		rm -f "$tmp/rej.$memo"
		AGENTEV_MEMO=$memo $AGENTEV -r "$tmp/rej.$memo" "$@" \
		    >"$tmp/out.$memo" 2>"$tmp/err.$memo"
		echo "exit $?" >>"$tmp/out.$memo"
		[ -f "$tmp/rej.$memo" ] || : >"$tmp/rej.$memo"
	done
	for what in out err rej; do
		if ! cmp -s "$tmp/$what.1" "$tmp/$what.0"; then
			echo "FAIL: $name: $what differs with the memo"
			diff "$tmp/$what.0" "$tmp/$what.1" | head -6
			status=1
		fi
	done
	runs=$((runs + 1))
}

runs=0
for input in samples/*.ndjson samples/shift.getrecords.json \
    samples/shift.lambda.json samples/shift.firehose "$tmp"/day.* \
    "$tmp"/hostile.* "$tmp/varied.ndjson"; do
	for command in $commands; do
		for j in "-j 1" ""; do
			run "$command $j $input" $j $command "$input"
		done
	done
	# -s changes only what the record path finds, which check shows
	run "check -f csv $input" -f csv check "$input"
	run "check -s -f csv $input" -s -f csv check "$input"
	run "acw -s $input" -s acw "$input"
done
# the memo is per thread: many small batches over the threads
run "acw -j 8 on everything" -j 8 acw "$tmp"/day.* "$tmp"/hostile.*

# a record bigger than -m, and one long record
run "-m 3k" -m 3k check "$tmp/day.ndjson"

# and the memo does something: -j 1 acw on the day in CPU seconds
python3 samples/gen.py --seed 18 --agents 10 --hours 4 --dup-rate 0 \
    >"$tmp/cpu.ndjson" || exit 2
python3 - "$AGENTEV" "$tmp/cpu.ndjson" <<'EOF' || status=1
import os
import shlex
import subprocess
import sys

agentev, path = shlex.split(sys.argv[1]), sys.argv[2]


def cpu(memo):
    best = None
    for _ in range(3):
        before = os.times()
        subprocess.run(agentev + ["-j", "1", "acw", path],
                       env=dict(os.environ, AGENTEV_MEMO=memo),
                       stdout=subprocess.DEVNULL, check=True)
        after = os.times()
        t = (after.children_user - before.children_user +
             after.children_system - before.children_system)
        best = t if best is None else min(best, t)
    return best


on, off = cpu("1"), cpu("0")
print("cpu seconds, memo on %.3f, off %.3f: %.2fx" % (on, off, on / off))
if on > 0.8 * off:
    print("FAIL: the memo saves less than 20% of the CPU time")
    sys.exit(1)
EOF
echo "$runs comparisons"
exit $status
