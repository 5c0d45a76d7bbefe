#!/bin/sh
# bench/profile.sh: where agentev's time goes (make profile).  Counts
# instructions with callgrind (exact and repeatable, unlike a stopwatch on
# a shared machine) for the parse-only loop and for `agentev -j 1 acw` on
# the first LINES events of the benchmark input, with the memo of
# validated subtrees and parse.c's fast path and without them
# (AGENTEV_MEMO=0), and splits agentev's count (with them) into the
# stages of the record path; then the totals of `-j 2 acw` (all threads)
# and of `-j 1 acw` on as many events of the varied input.  Run `make
# bench` once first (it generates the inputs).
set -e
cd "$(dirname "$0")/.."
LINES=${LINES:-3000}
in=bench/data/day.ndjson
varied=bench/data/varied.ndjson
[ -s "$in" ] && [ -s "$varied" ] ||
    { echo "profile: no $in or $varied; run make bench first" >&2; exit 1; }
command -v valgrind >/dev/null ||
    { echo "profile: needs valgrind" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
head -n "$LINES" "$in" >"$tmp/in"
head -n "$LINES" "$varied" >"$tmp/varied"

valgrind -q --tool=callgrind --callgrind-out-file="$tmp/base" \
    bench/parseonly <"$tmp/in" >/dev/null
valgrind -q --tool=callgrind --callgrind-out-file="$tmp/agentev" \
    ./agentev -j 1 acw "$tmp/in" >/dev/null
AGENTEV_MEMO=0 valgrind -q --tool=callgrind \
    --callgrind-out-file="$tmp/nomemo" ./agentev -j 1 acw "$tmp/in" >/dev/null
valgrind -q --tool=callgrind --callgrind-out-file="$tmp/cg.j2" \
    ./agentev -j 2 acw "$tmp/in" >/dev/null
valgrind -q --tool=callgrind --callgrind-out-file="$tmp/cg.varied" \
    ./agentev -j 1 acw "$tmp/varied" >/dev/null
for run in j2 varied; do
	callgrind_annotate "$tmp/cg.$run" | awk -v run=$run '/PROGRAM TOTALS/ {
	    gsub(",", "", $1); print run, $1 }' >>"$tmp/counts"
done
callgrind_annotate "$tmp/base" | awk '/PROGRAM TOTALS/ { gsub(",", "", $1);
    print "parse-only", $1 }' >>"$tmp/counts"
callgrind_annotate "$tmp/nomemo" | awk '/PROGRAM TOTALS/ { gsub(",", "", $1);
    print "nomemo", $1 }' >>"$tmp/counts"
callgrind_annotate --inclusive=yes --threshold=100 "$tmp/agentev" | awk '
	/PROGRAM TOTALS/ { gsub(",", "", $1); print "total", $1 }
	/:(frame_feed|on_value|json_loadb|validate_event|memo_scan|memo_keep|engine_apply|parse_value|fast_decode) / {
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
	printf "  agentev -j 2 acw, all threads %13.0f  (%.3fx)\n", n["j2"],
	    n["j2"] / n["parse-only"]
	printf "  -j 1 acw on %d varied events  %13.0f\n", lines, n["varied"]
	printf "of -j 1 acw (with the memo and the fast path):\n"
	row("fast path (fast_decode)", n["fast_decode"])
	row("jansson decode (json_loadb)", n["json_loadb"])
	row("validation (validate_event)", n["validate_event"])
	row("memo: scan and look up (memo_scan)", n["memo_scan"])
	row("memo: keep new entries (memo_keep)", n["memo_keep"])
	rest = n["parse_value"] - n["json_loadb"] - n["validate_event"]
	rest -= n["memo_scan"] + n["memo_keep"] + n["fast_decode"]
	row("freeing trees, the rest of records", rest - n["engine_apply"])
	row("framing (frame_feed)", n["frame_feed"] - n["on_value"])
	row("state and rows (engine_apply)", n["engine_apply"])
	row("the rest (start, output at exit)", t - n["frame_feed"])
}
function row(what, v) {
	printf "  %-36s %12.0f  %5.1f%%\n", what, v, 100 * v / t
}' "$tmp/counts"
