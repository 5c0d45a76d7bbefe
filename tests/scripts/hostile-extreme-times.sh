#!/bin/sh
# hostile-extreme-times.sh: timestamps at the ends of what the validator
# allows (1970-01-01 and 9999-12-31; earlier is refused, see the end).
# Each after-contact work below lasts 8,030 years (2.5e14 ms); 38,400 of
# them for one agent add up to more than an int64 of milliseconds holds,
# so the summary's acw_total_s (and acw_mean_s) must not wrap around to a
# negative number.

. tests/scripts/hostile.subr

# events N: N events of the seed's second kind, each clearing 256
# contacts that have been in ACW since 1970, at the end of year 9999
events() {
	LC_ALL=C awk -v n="$1" 'NR == 1 {
		sub(/"EventTimestamp":"[^"]*"/,
		    "\"EventTimestamp\":\"9999-12-31T23:59:59.999Z\"")
		i = index($0, "\"PreviousAgentSnapshot\"")
		prev = substr($0, i)
		j = index(prev, "\"Contacts\":[")
		rest = substr(prev, j)
		k = index(rest, "]},\"Version\"")
		head = substr($0, 1, i - 1) substr(prev, 1, j + 11)
		tail = substr(rest, k)
		for (e = 1; e <= n; e++) {
			list = ""
			for (c = 1; c <= 256; c++)
				list = list (c > 1 ? "," : "") \
				    "{\"ContactId\":\"c" e "-" c "\"," \
				    "\"Channel\":\"VOICE\"," \
				    "\"InitiationMethod\":\"INBOUND\"," \
				    "\"State\":\"ENDED\"," \
				    "\"StateStartTimestamp\":\"1970-01-01T00:00:00.000Z\"}"
			x = head list tail
			sub(/"EventId":"[^"]*"/, "\"EventId\":\"x-" e "\"", x)
			print x
		}
	}' "$work/seed2"
}

events 150 >"$work/in"
run summary <"$work/in"
expect_rc 0 "38,400 ACWs of 8,030 years"
expect_err_count 0 "38,400 ACWs of 8,030 years"
if grep -q ',-' "$work/out"; then
	fail "38,400 ACWs of 8,030 years: a negative total in the summary:"
	cut -d, -f17-20 "$work/out" | sed 's/^/    /'
fi

# a time before 1970 is refused, in the fast path and the full one: the
# engine takes negative times for "none"; 1970-01-01 itself is good
seed_with 's/"EventTimestamp":"[^"]*"/"EventTimestamp":"1969-12-31T23:59:59.999Z"/' |
    wrap >"$work/in"
run acw <"$work/in"
expect_rejected "an EventTimestamp in 1969" \
    'agentev: <stdin>:2: EventTimestamp: before 1970-01-01T00:00:00Z: "1969-12-31T23:59:59.999Z"'
seed_with 's/"EventTimestamp":"[^"]*"/"EventTimestamp":"1970-01-01T00:00:00.000Z"/' |
    wrap >"$work/in"
run acw <"$work/in"
expect_rc 1 "an EventTimestamp of 1970-01-01, before the seed's (out of order)"
grep -q 'before 1970' "$work/err" && fail "1970-01-01 refused as before 1970"
finish
