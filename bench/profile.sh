#!/bin/sh
# bench/profile.sh: where agentev's time goes (make profile).  Counts
# instructions with callgrind (exact and repeatable, unlike a stopwatch on
# a shared machine) for the parse-only loop and for `agentev -j 1 acw` on
# the first LINES events of the benchmark input, with the memo of
# validated subtrees and without it (AGENTEV_MEMO=0), and splits agentev's
# count (with the memo) into the stages of the record path.  Run `make bench` once first
# (it generates the input).
set -e
cd "$(dirname "$0")/.."
LINES=${LINES:-3000}
in=bench/data/day.ndjson
[ -s "$in" ] || { echo "profile: no $in; run make bench first" >&2; exit 1; }
command -v valgrind >/dev/null ||
    { echo "profile: needs valgrind" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
head -n "$LINES" "$in" >"$tmp/in"

valgrind -q --tool=callgrind --callgrind-out-file="$tmp/base" \
    bench/parseonly <"$tmp/in" >/dev/null
valgrind -q --tool=callgrind --callgrind-out-file="$tmp/agentev" \
    ./agentev -j 1 acw "$tmp/in" >/dev/null
AGENTEV_MEMO=0 valgrind -q --tool=callgrind \
    --callgrind-out-file="$tmp/nomemo" ./agentev -j 1 acw "$tmp/in" >/dev/null
callgrind_annotate "$tmp/base" | awk '/PROGRAM TOTALS/ { gsub(",", "", $1);
    print "parse-only", $1 }' >"$tmp/counts"
callgrind_annotate "$tmp/nomemo" | awk '/PROGRAM TOTALS/ { gsub(",", "", $1);
    print "nomemo", $1 }' >>"$tmp/counts"
callgrind_annotate --inclusive=yes --threshold=100 "$tmp/agentev" | awk '
	/PROGRAM TOTALS/ { gsub(",", "", $1); print "total", $1 }
	/:(frame_feed|on_value|json_loadb|validate_event|memo_scan|memo_keep|engine_apply|parse_value) / {
		gsub(",", "", $1)
		name = $(NF - 1)
		sub(/.*:/, "", name)
		print name, $1
	}' >>"$tmp/counts"
awk -v lines="$LINES" '
{ n[$1] = $2 }
END {
	t = n["total"]
	printf "instructions on %d events (callgrind):\n", lines
	printf "  parse-only loop              %14.0f\n", n["parse-only"]
	printf "  agentev -j 1 acw             %14.0f  (%.3fx)\n", t,
	    t / n["parse-only"]
	printf "  the same with AGENTEV_MEMO=0 %14.0f  (%.3fx)\n", n["nomemo"],
	    n["nomemo"] / n["parse-only"]
	printf "of which (with the memo):\n"
	row("jansson decode (json_loadb)", n["json_loadb"])
	row("validation (validate_event)", n["validate_event"])
	row("memo: scan and look up (memo_scan)", n["memo_scan"])
	row("memo: keep new entries (memo_keep)", n["memo_keep"])
	rest = n["parse_value"] - n["json_loadb"] - n["validate_event"]
	rest -= n["memo_scan"] + n["memo_keep"]
	row("freeing trees, the rest of records", rest - n["engine_apply"])
	row("framing (frame_feed)", n["frame_feed"] - n["on_value"])
	row("state and rows (engine_apply)", n["engine_apply"])
	row("the rest (start, output at exit)", t - n["frame_feed"])
}
function row(what, v) {
	printf "  %-36s %12.0f  %5.1f%%\n", what, v, 100 * v / t
}' "$tmp/counts"
