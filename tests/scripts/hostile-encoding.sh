#!/bin/sh
# hostile-encoding.sh: invalid UTF-8, NUL bytes raw and as \u0000, and
# lone surrogates in \u escapes are rejected with a message naming the
# problem, and the events around them are still used.

. tests/scripts/hostile.subr

# try WHAT PRINTF-FORMAT MESSAGE: the record printf makes is line 2
try() {
	printf "$2" | wrap >"$work/in"
	run acw <"$work/in"
	case $3 in
	[0-9]*)	expect_rejected "$1" "agentev: <stdin>:2:$3" ;;	# LINE:COLUMN
	*)	expect_rejected "$1" "agentev: <stdin>:2: $3" ;;
	esac
	expect_err_count 2 "$1"
}

# invalid UTF-8: a stray byte, an overlong NUL, a UTF-8 surrogate, a
# sequence cut short, a 5-byte form, a stray continuation byte
try "invalid UTF-8 0xff" '{"EventId":"\377"}\n' \
    "13: EventId: invalid UTF-8 (byte 0xff)"
try "overlong UTF-8" '{"EventId":"\300\200"}\n' \
    "13: EventId: invalid UTF-8 (byte 0xc0)"
try "UTF-8 surrogate" '{"EventId":"\355\240\200"}\n' \
    "13: EventId: invalid UTF-8 (byte 0xed)"
try "cut UTF-8 sequence" '{"EventId":"\342\202"}\n' \
    "13: EventId: invalid UTF-8 (byte 0xe2)"
try "5-byte UTF-8" '{"EventId":"\370\210\200\200\200"}\n' \
    "13: EventId: invalid UTF-8 (byte 0xf8)"
try "stray continuation byte" '{"EventId":"a\200"}\n' \
    "14: EventId: invalid UTF-8 (byte 0x80)"

# invalid UTF-8 in an event's field, not only in a small record
ff=$(printf '\377')
LC_ALL=C seed_with "s/\"Username\":\"(Removed)\"/\"Username\":\"Me${ff}i\"/" |
    wrap >"$work/in"
run acw <"$work/in"
col=$(LC_ALL=C awk 'NR == 2 { print index($0, "Me") + 2 }' "$work/in")
expect_rejected "invalid UTF-8 in Username" \
    "agentev: <stdin>:2:$col: CurrentAgentSnapshot.Configuration.Username: invalid UTF-8 (byte 0xff)"

# NUL: raw in a string, raw between values, escaped in a field
try "raw NUL in a string" '{"EventId":"a\000b"}\n' \
    "13: invalid JSON: control character 0x0 near '\"a'"
printf '\000\n' | wrap >"$work/in"
run acw <"$work/in"
expect_rc 1 "raw NUL between values"
expect_seed_row "raw NUL between values"
expect_err_count 2 "raw NUL between values"
seed_with 's/"Username":"(Removed)"/"Username":"an\\u0000a"/' |
    wrap >"$work/in"
run acw <"$work/in"
expect_rejected "\\u0000 in Username" \
    "agentev: <stdin>:2: CurrentAgentSnapshot.Configuration.Username: contains a NUL character"

# lone surrogates: high alone, low alone, high followed by a non-low,
# high at the very end of the string
try "lone high surrogate" '{"EventId":"\\ud800"}\n' \
    "19: invalid JSON: invalid Unicode '\\uD800' near '\"\\ud800\"'"
try "lone low surrogate" '{"EventId":"\\udc00"}\n' \
    "19: invalid JSON: invalid Unicode '\\uDC00' near '\"\\udc00\"'"
try "high surrogate then a letter" '{"EventId":"\\ud800\\u0041"}\n' \
    "25: invalid JSON: invalid Unicode '\\uD800\\u0041' near '\"\\ud800\\u0041\"'"
try "high surrogate then text" '{"EventId":"\\ud83dx"}\n' \
    "20: invalid JSON: invalid Unicode '\\uD83D' near '\"\\ud83dx\"'"

# a proper pair and other escapes are fine in a field
seed_with 's/"FirstName":"(Removed)"/"FirstName":"\\ud83d\\ude00 \\u00e9\\t\\"q\\""/' |
    wrap >"$work/in"
run acw <"$work/in"
expect_rc 0 "escaped pair in FirstName"
expect_err_count 0 "escaped pair in FirstName"
expect_seed_row "escaped pair in FirstName"
finish
