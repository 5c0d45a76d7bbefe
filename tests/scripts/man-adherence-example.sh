#!/bin/sh
# man-adherence-example: the worked example of the man page's adherence
# section is what agentev writes (the page shows tabs as spaces).
: "${AGENTEV:=$PWD/agentev}"
want=$(sed -n '/^\$ agentev -A samples\/shift-schedule.csv -f tsv -H adherence/,/^\.Ed/p' \
    man/agentev.1 | sed '1,2d; $d' | tr -s ' ' ' ')
[ -n "$want" ] || { echo "no worked example in the man page"; exit 1; }
got=$($AGENTEV -A samples/shift-schedule.csv -f tsv -H adherence \
    samples/shift.ndjson | cut -f 2,4-11 | tr '\t' ' ')
[ "$got" = "$want" ] || {
	echo "the man page's adherence example differs:"
	printf '%s\n' "$want" >"${TMP:-/tmp}/want.$$"
	printf '%s\n' "$got" | diff "${TMP:-/tmp}/want.$$" - 
	rm -f "${TMP:-/tmp}/want.$$"
	exit 1
}
