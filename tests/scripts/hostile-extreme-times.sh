#!/bin/sh
# hostile-extreme-times.sh: timestamps at the ends of what ISO 8601 and
# the validator allow (years 0000 and 9999).  Each after-contact work below
# lasts 10,000 years (3.2e14 ms); 30,000 of them for one agent add up to
# more than an int64 of milliseconds holds, so the summary's acw_total_s
# (and acw_mean_s) must not wrap around to a negative number.

. tests/scripts/hostile.subr

# events N: N events of the seed's second kind, each clearing 256
# contacts that have been in ACW since year 0000, at the end of year 9999
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
				    "\"StateStartTimestamp\":\"0000-01-01T00:00:00.000Z\"}"
			x = head list tail
			sub(/"EventId":"[^"]*"/, "\"EventId\":\"x-" e "\"", x)
			print x
		}
	}' "$work/seed2"
}

events 120 >"$work/in"
run summary <"$work/in"
expect_rc 0 "30,720 ACWs of 10,000 years"
expect_err_count 0 "30,720 ACWs of 10,000 years"
if grep -q ',-' "$work/out"; then
	fail "30,720 ACWs of 10,000 years: a negative total in the summary:"
	cut -d, -f17-20 "$work/out" | sed 's/^/    /'
fi
finish
