#!/bin/sh
# hostile-deep-nesting.sh: values nested 200,000 levels deep are cut by the
# framer at 1024 levels (no recursion, no stack overflow), and inside a
# base64 Data jansson's own limit (2048) rejects them; a deep but legal
# unknown field is accepted.

. tests/scripts/hostile.subr

depth=200000
repeat() {
	yes "$1" | head -n "$2" | tr -d '\n'
}

# arrays and objects, one record each; the column is the bracket that
# goes past 1024 levels (the first '[' is a top-level array around them)
{ repeat '[' $depth; repeat ']' $depth; echo; } | wrap >"$work/in"
run acw <"$work/in"
expect_rejected "200,000 nested arrays" \
    "agentev: <stdin>:2:1026: nesting deeper than 1024 levels"
expect_err_count 2 "200,000 nested arrays"

{ repeat '{"a":' $depth; printf 1; repeat '}' $depth; echo; } | wrap >"$work/in"
run acw <"$work/in"
expect_rejected "200,000 nested objects" \
    "agentev: <stdin>:2:$((1024 * 5 + 1)): nesting deeper than 1024 levels"

# unclosed: the input ends 200,000 levels deep
{ cat "$work/seed1" "$work/seed2"; repeat '{"a":[' $depth; } >"$work/in"
run acw <"$work/in"
expect_rejected "200,000 levels, never closed" \
    "agentev: <stdin>:3:$((512 * 6 + 1)): nesting deeper than 1024 levels"

# inside a get-records page, where only jansson sees the nesting
data=$({ repeat '[' $depth; repeat ']' $depth; } | base64 | tr -d '\n')
printf '{"Records":[{"Data":"%s"}]}\n' "$data" | wrap >"$work/in"
run acw <"$work/in"
expect_rejected "200,000 nested arrays in a Data" \
    "agentev: <stdin>:2: Records[0].Data: invalid JSON: maximum parsing depth reached near '[' (line 1, column 2049 of the data)"

# 1000 levels in a field the model does not know: a good event
seed_with "s/^{/{\"Deep\":$(repeat '[' 1000)$(repeat ']' 1000),/" |
    wrap >"$work/in"
run acw <"$work/in"
expect_rc 0 "1000 levels in an unknown field"
expect_err_count 0 "1000 levels in an unknown field"
expect_seed_row "1000 levels in an unknown field"
finish
