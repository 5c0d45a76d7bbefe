#!/bin/sh
# lambda.sh: a day of agent events as a Lambda function's Kinesis trigger
# receives it ({"Records": [{"kinesis": {"data": base64, ...}}]} payloads,
# one after another) gives the same acw, status and events rows as the
# NDJSON file: all in one sequence of payloads (the same rows in the same
# order), and in payloads per shard of a two-shard stream (agents split by
# partition key, shard after shard: the same rows, sorted).  No network.

: "${AGENTEV:=$(pwd)/agentev}"
export LC_ALL=C
dir=$(mktemp -d "${TMPDIR:-/tmp}/agentev-lambda.XXXXXX") || exit 2
trap 'rm -rf "$dir"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
	echo "lambda: $*" >&2
	exit 1
}

python3 samples/gen.py --seed 12 --agents 4 --hours 4 >"$dir/day.ndjson" ||
	fail "gen.py"
python3 samples/reshape.py --page-size 100 lambda <"$dir/day.ndjson" >"$dir/lambda.json" ||
	fail "reshape.py"

# Two shards: an agent's events all go to the shard of its ARN.
python3 - "$dir/day.ndjson" "$dir/shard" <<'PY' || fail "splitting shards"
import hashlib, json, sys
day, prefix = sys.argv[1:]
shards = [open("%s-%d.ndjson" % (prefix, i), "wb") for i in range(2)]
with open(day, "rb") as f:
    for line in f:
        if line.strip():
            key = json.loads(line)["AgentARN"].encode()
            shards[int(hashlib.md5(key).hexdigest(), 16) % 2].write(line)
PY
for i in 0 1; do
	[ -s "$dir/shard-$i.ndjson" ] || fail "shard $i is empty"
	python3 samples/reshape.py --page-size 50 lambda <"$dir/shard-$i.ndjson" ||
		fail "reshape.py"
done >"$dir/shards.json"
grep -q '"eventSource": "aws:kinesis"' "$dir/shards.json" || fail "not Lambda payloads"

for command in acw status events; do
	$AGENTEV $command "$dir/day.ndjson" >"$dir/want" 2>"$dir/want.err"
	want_rc=$?
	[ "$(wc -l <"$dir/want")" -gt 5 ] || fail "$command: few rows from the NDJSON"

	$AGENTEV $command "$dir/lambda.json" >"$dir/got" 2>"$dir/got.err"
	rc=$?
	[ $rc = $want_rc ] || fail "$command: exit status $rc, from NDJSON $want_rc"
	if [ ! -s "$dir/want.err" ] && [ -s "$dir/got.err" ]; then
		cat "$dir/got.err" >&2
		fail "$command: messages that the NDJSON does not give"
	fi
	cmp -s "$dir/want" "$dir/got" || { diff "$dir/want" "$dir/got" | head >&2; fail "$command: rows differ"; }

	$AGENTEV $command <"$dir/shards.json" >"$dir/got" 2>"$dir/got.err"
	rc=$?
	[ $rc = $want_rc ] || fail "$command, per shard: exit status $rc, from NDJSON $want_rc"
	sort "$dir/want" >"$dir/want.sorted"
	sort "$dir/got" >"$dir/got.sorted"
	cmp -s "$dir/want.sorted" "$dir/got.sorted" ||
		{ diff "$dir/want.sorted" "$dir/got.sorted" | head >&2; fail "$command, per shard: rows differ"; }
done
exit 0
