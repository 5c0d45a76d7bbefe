#!/bin/sh
# hostile-long-line.sh: a 100 MB line (a record longer than -m) is
# rejected with one message, its bytes are dropped as they come so memory
# stays near the -m limit, and the events around it are still used.

. tests/scripts/hostile.subr

mb=100
[ $heavy = 1 ] || mb=4
big() {
	printf '{"EventId":"'
	head -c $((mb * 1048576)) /dev/zero | tr '\0' x
	printf '"}\n'
}
big | wrap >"$work/in"
limit="agentev: <stdin>:2: record longer than the limit of 64M bytes (see -m)"

# the default limit is 64M: memory stays near that
if [ $heavy = 1 ]; then
	run acw <"$work/in"
	expect_rejected "$mb MB line, default -m" "$limit"
	expect_rss_below 160000 "$mb MB line, default -m"
	note "$mb MB line, default -m 64M: peak RSS ${rss:-?} kB, $secs s ($cpu s CPU)"
fi

# with -m 1M the framer never holds more than a few MB
run -m 1M acw <"$work/in"
expect_rejected "$mb MB line, -m 1M" "${limit%% of *} of 1M bytes (see -m)"
[ $heavy = 1 ] && expect_rss_below 32000 "$mb MB line, -m 1M"
note "$mb MB line, -m 1M: peak RSS ${rss:-?} kB, $secs s ($cpu s CPU)"

# the same as a file operand, and with the input ending inside it
run -m 1M acw "$work/in"
expect_rejected "$mb MB line in a file" \
    "agentev: $work/in:2: record longer than the limit of 1M bytes (see -m)"
{ cat "$work/seed1" "$work/seed2"; big | head -c 3000000; } >"$work/cut"
run -m 1M acw "$work/cut"
expect_rejected "$mb MB line cut by the end of the input" \
    "agentev: $work/cut:3: record longer than the limit of 1M bytes (see -m)"
finish
