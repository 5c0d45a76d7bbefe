#!/bin/sh
# mkstate.sh: seed the fuzz_state corpus with state files that the agentev
# in the tree writes from samples/ (so they follow its current format).
#
# usage: sh fuzz/mkstate.sh OUTDIR
# Each file is a mode byte (the command, fuzz_state.c's table: 0 events,
# 1 acw, 2 status, 3 activity, 4 summary, 5 alert, 6 now, 7 contacts,
# 8 sessions, 9 adherence) and a state file.

out=${1:?usage: mkstate.sh OUTDIR}
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out" || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mkstate.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# seed NAME MODE COMMAND INPUT [OPTIONS]
seed() {
	rm -f "$tmp/state"
	"$top/agentev" -S "$tmp/state" $5 "$3" "$4" >/dev/null 2>&1
	[ -s "$tmp/state" ] || return 0
	{ printf "\\$(printf '%03o' "$2")"; cat "$tmp/state"; } >"$out/$1"
}

sed -n 1p "$top/samples/seed-acw.ndjson" >"$tmp/first"
seed seed-first-acw 1 acw "$tmp/first"
seed shift-status 2 status "$top/samples/shift.ndjson"
seed shift-activity 3 activity "$top/samples/shift.ndjson"
seed broken-summary 4 summary "$top/samples/broken.ndjson"
head -n 60 "$top/samples/shift.ndjson" >"$tmp/part"
seed shift-part-events 0 events "$tmp/part"
seed shift-part-contacts 7 contacts "$tmp/part"
seed shift-part-sessions 8 sessions "$tmp/part"
seed shift-part-adherence 9 adherence "$tmp/part" \
    "-A $top/samples/shift-schedule.csv -i 15m"
echo "mkstate: $(ls "$out" | wc -l) state files in $out"
