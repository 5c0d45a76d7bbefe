#!/bin/sh
# firehose.sh: a day of agent events as Kinesis Data Firehose writes it to
# S3 gives the same acw, status and events rows as the NDJSON file.
#
# The objects hold compact events concatenated with no delimiter, one object
# per hour of event time under YYYY/MM/DD/HH/ keys as Firehose names them,
# and are read in key order with a glob, as the README's recipe does after
# `aws s3 cp --recursive`.  Then the same objects gzip-compressed (Firehose's
# GZIP option), read through zcat; agentev itself must refuse gzip input
# with a message that names zcat.  No network.

: "${AGENTEV:=$(pwd)/agentev}"
export LC_ALL=C
dir=$(mktemp -d "${TMPDIR:-/tmp}/agentev-firehose.XXXXXX") || exit 2
trap 'rm -rf "$dir"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
	echo "firehose: $*" >&2
	exit 1
}

python3 samples/gen.py --seed 11 --agents 3 --hours 6 >"$dir/day.ndjson" ||
	fail "gen.py"

# One object a hour: s3/2026/11/04/06/agent-events-1-2026-11-04-06-00-00-<id>
python3 - "$dir/day.ndjson" "$dir/s3" <<'EOF' || fail "making the objects"
import hashlib, json, os, sys
day, top = sys.argv[1:]
hours = {}
with open(day, "rb") as f:
    for line in f:
        line = line.strip()
        if line:
            t = json.loads(line)["EventTimestamp"]
            hours.setdefault(t[:13], []).append(line)
for hour, events in hours.items():
    y, m, d, h = hour[0:4], hour[5:7], hour[8:10], hour[11:13]
    path = os.path.join(top, y, m, d, h)
    os.makedirs(path, exist_ok=True)
    body = b"".join(events)
    name = "agent-events-1-%s-%s-%s-%s-00-00-%s" % (
        y, m, d, h, hashlib.md5(body).hexdigest()[:8])
    with open(os.path.join(path, name), "wb") as f:
        f.write(body)
EOF
set -- "$dir"/s3/*/*/*/*/*
[ $# -ge 6 ] || fail "only $# objects"
# No delimiter at all between events.
[ "$(wc -l <"$1")" = 0 ] || fail "$1: has newlines"

for command in acw status events; do
	$AGENTEV $command "$dir/day.ndjson" >"$dir/want" 2>"$dir/want.err"
	want_rc=$?
	[ "$(wc -l <"$dir/want")" -gt 20 ] || fail "$command: few rows from the NDJSON"

	# The objects in key order, as file arguments: the same rows in the
	# same order (the keys sort by hour, the events in them by time).
	$AGENTEV $command "$dir"/s3/*/*/*/*/* >"$dir/got" 2>"$dir/got.err"
	rc=$?
	[ $rc = $want_rc ] || fail "$command: exit status $rc, from NDJSON $want_rc"
	if [ ! -s "$dir/want.err" ] && [ -s "$dir/got.err" ]; then
		cat "$dir/got.err" >&2
		fail "$command: messages that the NDJSON does not give"
	fi
	cmp -s "$dir/want" "$dir/got" || { diff "$dir/want" "$dir/got" | head >&2; fail "$command: rows differ"; }

	# The same objects on standard input.
	cat "$dir"/s3/*/*/*/*/* | $AGENTEV $command >"$dir/got" 2>"$dir/got.err"
	cmp -s "$dir/want" "$dir/got" || fail "$command: rows from stdin differ"
done

# Gzip objects (Firehose adds .gz), through zcat.
for object in "$dir"/s3/*/*/*/*/*; do
	gzip -n "$object" || fail "gzip"
done
set -- "$dir"/s3/*/*/*/*/*.gz
[ $# -ge 6 ] || fail "only $# gzip objects"
for command in acw status events; do
	$AGENTEV $command "$dir/day.ndjson" >"$dir/want" 2>/dev/null
	zcat "$dir"/s3/*/*/*/*/*.gz | $AGENTEV $command >"$dir/got" 2>"$dir/got.err"
	cmp -s "$dir/want" "$dir/got" || fail "$command: rows through zcat differ"
done

# A gzip object given to agentev as it is: refused, and the message says
# what to do.
$AGENTEV acw "$1" >"$dir/got" 2>"$dir/got.err"
rc=$?
[ $rc = 1 ] || fail "gzip input: exit status $rc, expected 1"
grep -q zcat "$dir/got.err" || { cat "$dir/got.err" >&2; fail "gzip input: no word of zcat"; }
exit 0
