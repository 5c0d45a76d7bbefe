#!/bin/sh
# hostile-truncated-empty.sh: an input cut off inside its last record
# (inside an object, a string, an escape, a page), in the middle of a run
# of files; and inputs with nothing in them.

. tests/scripts/hostile.subr

truncated="truncated: input ends inside the record"

# cut N: the seed events, then the first N bytes of seed event 1
cut_after() {
	cat "$work/seed1" "$work/seed2"
	head -c "$1" "$work/seed1"
}
for n in 1 500 1129 1131 3000; do
	cut_after $n >"$work/in"
	run acw <"$work/in"
	expect_rejected "cut after $n bytes" "agentev: <stdin>:3: $truncated"
done
# inside an escape, and inside a page
{ cat "$work/seed1" "$work/seed2"; printf '{"EventId":"a\\'; } >"$work/in"
run acw <"$work/in"
expect_rejected "cut after a backslash" "agentev: <stdin>:3: $truncated"
{
	cat "$work/seed1" "$work/seed2"
	printf '{"Records":[{"Data":"%s"},{"Da' "$(base64 <"$work/seed1" |
	    tr -d '\n')"
} >"$work/in"
run acw <"$work/in"
expect_rejected "cut inside a page" "agentev: <stdin>:3: $truncated"

# one file of a run cut short: the next file starts afresh
head -c 1000 "$work/seed1" >"$work/cut.ndjson"
run acw "$work/seed1" "$work/cut.ndjson" "$work/seed2"
expect_rejected "a file cut short between two others" \
    "agentev: $work/cut.ndjson:1: $truncated"

# nothing: no bytes, blank lines, a BOM alone, empty files around
for input in '' '\n\n  \t\r\n' '\357\273\277' '\357\273\277\n'; do
	printf "$input" >"$work/in"
	what="empty input '$input'"
	run acw <"$work/in"
	expect_rc 0 "$what"
	expect_err_count 0 "$what"
	[ "$(cat "$work/out")" = \
	    "agent_arn,username,contact_id,channel,initiation_method,queue,acw_start,acw_end,duration_s,ended_by" ] ||
	    fail "$what: not the header alone"
	run check <"$work/in"
	expect_rc 0 "$what, check"
	expect_err "$(summary 0 0)" "$what, check"
	run -f json acw <"$work/in"
	expect_rc 0 "$what, -f json"
	[ -s "$work/out" ] && fail "$what, -f json: output"
done
: >"$work/empty"
run acw "$work/empty" "$work/seed1" "$work/empty" "$work/seed2" "$work/empty"
expect_rc 0 "empty files around the seed events"
expect_err_count 0 "empty files around the seed events"
expect_seed_row "empty files around the seed events"
finish
