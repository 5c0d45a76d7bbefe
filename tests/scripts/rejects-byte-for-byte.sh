#!/bin/sh
# rejects-byte-for-byte.sh: the rejects file holds each rejected record's
# exact bytes and a newline: a pretty-printed record keeps its line
# breaks, CRLF line ends and trailing spaces stay, a junk run is one entry,
# and a record cut off by the end of the input runs to its end.  Here the
# good events are whole lines, so the rejects file must be the input
# without them; agentev reads it back as the same rejected records.
set -e
d=$(mktemp -d "${TMP:-/tmp}/rejects.XXXXXX")
trap 'rm -rf "$d"' EXIT
seed=samples/seed-acw.ndjson
{
	sed -n 1p $seed
	printf '{\r\n  "EventType": "LOGIN",  \r\n  "EventId": "x"\r\n}\n'
	printf 'hello world  \n// a comment\n'
	sed -n 2p $seed
	printf '{"EventType": "STATE_CHANGE", "EventId": "cut",  '
} >"$d/in"
# the expected file: every line but the two seed events, then a newline
{ sed '1d; 8d' "$d/in"; echo; } >"$d/want"
for j in 1 2; do
	set +e
	$AGENTEV -j $j -r "$d/rejects" acw "$d/in" >"$d/out" 2>"$d/err"
	rc=$?
	set -e
	[ $rc = 1 ] || { echo "-j $j: exit $rc"; cat "$d/err"; exit 1; }
	grep -q ',5.005,CLEARED$' "$d/out" || { echo "-j $j: no seed row"; exit 1; }
	cmp "$d/want" "$d/rejects" ||
	    { echo "-j $j: rejects file differs:"; od -c "$d/rejects" | head; exit 1; }
	grep -q '^agentev: 5 records read, 3 rejected' "$d/err" ||
	    { echo "-j $j:"; cat "$d/err"; exit 1; }
done
# read back: the same three records, rejected again
set +e
$AGENTEV check "$d/rejects" 2>"$d/err2"
set -e
grep -q '^agentev: 3 records read, 3 rejected' "$d/err2" ||
    { echo "read back:"; cat "$d/err2"; exit 1; }
echo "ok: $(wc -c <"$d/rejects") bytes kept as they were"
