#!/bin/sh
# hostile-pages.sh: get-records pages and Lambda payloads whose Data is
# not base64 (bad length, bad padding, garbage), or decodes to something
# that is not an event; the seed events in the same page still count.

. tests/scripts/hostile.subr

b1=$(base64 <"$work/seed1" | tr -d '\n')
b2=$(base64 <"$work/seed2" | tr -d '\n')
b64() {
	printf '%s' "$1" | base64 | tr -d '\n'
}

# page KEY DATA...: a get-records page (KEY Data) or a Lambda payload
# (KEY kinesis) of the seed events around the given Data strings
page() {
	key=$1
	shift
	printf '{"Records":['
	for data in "$b1" "$@" "$b2"; do
		[ "$data" = "$b1" ] || printf ','
		if [ "$key" = Data ]; then
			printf '{"SequenceNumber":"1","Data":"%s"}' "$data"
		else
			printf '{"kinesis":{"data":"%s"}}' "$data"
		fi
	done
	printf ']}\n'
}

for key in Data kinesis; do
	what="bad base64 ($key)"
	page $key 'e30' 'e3===' 'e===' '=e30' 'e3=0' '====' 'e30*' '!!!!' \
	    'e30=e30=' "$b1 " >"$work/in"
	run acw <"$work/in"
	expect_rc 1 "$what"
	expect_seed_row "$what"
	for line in \
	    "1: Data is not base64: length is not a multiple of 4" \
	    "2: Data is not base64: length is not a multiple of 4" \
	    "3: Data is not base64: padding before the end" \
	    "4: Data is not base64: padding before the end" \
	    "5: Data is not base64: padding before the end" \
	    "6: Data is not base64: padding before the end" \
	    "7: Data is not base64: invalid character" \
	    "8: Data is not base64: invalid character" \
	    "9: Data is not base64: padding before the end" \
	    "10: Data is not base64: length is not a multiple of 4" \
	    ; do
		expect_err "agentev: <stdin>:1: Records[${line%%:*}]:${line#*:}" \
		    "$what"
	done
	expect_err "$(summary 12 10)" \
	    "$what"
	expect_err_count 11 "$what"

	what="Data that is not an event ($key)"
	page $key "$(b64 'hello world')" "$(printf '\377\376\000x' | base64)" \
	    "$(b64 42)" "$(b64 '[1,2]')" "$(b64 '{"EventId":')" "" \
	    "$(b64 '{"a":1} {"b":2}')" >"$work/in"
	run acw <"$work/in"
	expect_rc 1 "$what"
	expect_seed_row "$what"
	for line in \
	    "1: invalid JSON at column 5: invalid token near 'hello'" \
	    "2: invalid UTF-8 at column 0: unable to decode byte 0xff" \
	    "3: record is a number, not an event object" \
	    "4: record is an array, not an event object" \
	    "5: invalid JSON at column 11: unexpected token near end of file" \
	    "6: invalid JSON at column 0: unexpected token near end of file" \
	    "7: invalid JSON at column 9: end of file expected near '{'" \
	    ; do
		expect_err "agentev: <stdin>:1: Records[${line%%:*}]:${line#*:}" \
		    "$what"
	done
	expect_err "$(summary 9 7)" \
	    "$what"
	expect_err_count 8 "$what"
done

# records without any Data, and a Records that is not an array
printf '{"Records":[{"Data":"%s"},{},{"Data":42},{"kinesis":{}},7,{"Data":"%s"}]}\n' \
    "$b1" "$b2" >"$work/in"
run acw <"$work/in"
expect_rc 1 "records without Data"
expect_seed_row "records without Data"
for i in 1 2 3 4; do
	expect_err "agentev: <stdin>:1: Records[$i]: no base64 Data (get-records) or kinesis.data (Lambda) string" \
	    "records without Data"
done
finish
