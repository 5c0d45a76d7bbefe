#!/bin/sh
# hostile-types-numbers.sh: numbers where the model wants strings (and
# other wrong types), numbers too big for a double or an int64, and
# duplicate keys.

. tests/scripts/hostile.subr

# try WHAT SED-SCRIPT MESSAGE: seed event 1 edited is rejected as line 2
try() {
	seed_with "$2" | wrap >"$work/in"
	run acw <"$work/in"
	case $3 in
	[0-9]*)	expect_rejected "$1" "agentev: <stdin>:2:$3" ;;	# LINE:COLUMN
	*)	expect_rejected "$1" "agentev: <stdin>:2: $3" ;;
	esac
	expect_err_count 2 "$1"
}

# accept WHAT SED-SCRIPT: seed event 1 edited is still a good event
accept() {
	seed_with "$2" | wrap >"$work/in"
	run acw <"$work/in"
	expect_rc 0 "$1"
	expect_err_count 0 "$1"
	expect_seed_row "$1"
}

# column NEEDLE: jansson's column of the byte after NEEDLE in line 2
column() {
	LC_ALL=C awk -v s="$1" 'NR == 2 { print index($0, s) + length(s) - 1 }' \
	    "$work/in"
}

# numbers, and other types, where strings belong
try "number for EventId" 's/"EventId":"EventId-hostile"/"EventId":12345/' \
    "EventId: expected a string, found a number"
try "huge integer for EventTimestamp" \
    's/"EventTimestamp":"[^"]*"/"EventTimestamp":99999999999999999999999/' \
    "EventTimestamp: expected a string, found a number"
try "number for AWSAccountId" \
    's/"AWSAccountId":"012345678901"/"AWSAccountId":012345678901/' \
    "17: invalid JSON: invalid token near '0'"
try "number for Username" \
    's/"Username":"(Removed)"/"Username":7/' \
    "CurrentAgentSnapshot.Configuration.Username: expected a string, found a number"
try "boolean for AgentStatus" \
    's/"AgentStatus":{[^}]*}/"AgentStatus":true/' \
    "CurrentAgentSnapshot.AgentStatus: expected an object, found a boolean"
try "object for Contacts" \
    's/"Contacts":\[/"Contacts":{"x":[/; s/\]},"EventId"/]}},"EventId"/' \
    "CurrentAgentSnapshot.Contacts: expected an array, found an object"

# numbers out of range: an overflowing real anywhere is a JSON error;
# a huge integer in an unknown field is a number like any other
seed_with 's/^{/{"Extra":1e999,/' | wrap >"$work/in"
run acw <"$work/in"
expect_rejected "1e999 in an unknown field" \
    "agentev: <stdin>:2:14: invalid JSON: real number overflow near '1e999'"
seed_with 's/^{/{"Extra":-1e999,/' | wrap >"$work/in"
run acw <"$work/in"
expect_rejected "-1e999 in an unknown field" \
    "agentev: <stdin>:2:15: invalid JSON: real number overflow near '-1e999'"
accept "99999999999999999999999 in an unknown field" \
    's/^{/{"Extra":99999999999999999999999,/'
accept "1e-999 in an unknown field" 's/^{/{"Extra":1e-999,/'
accept "-0 in an unknown field" 's/^{/{"Extra":-0,/'

# duplicate keys, at the top and deep inside
seed_with 's/"EventId":"EventId-hostile"/"EventId":"a","EventId":"b"/' |
    wrap >"$work/in"
run acw <"$work/in"
expect_rejected "duplicate EventId" \
    "agentev: <stdin>:2:$(column '"EventId":"a","EventId"'): invalid JSON: duplicate object key near '\"EventId\"'"
seed_with 's/"Username":"(Removed)"/"Username":"x","Username":"(Removed)"/' |
    wrap >"$work/in"
run acw <"$work/in"
expect_rejected "duplicate Username" \
    "agentev: <stdin>:2:$(column '"Username":"x","Username"'): invalid JSON: duplicate object key near '\"Username\"'"
finish
