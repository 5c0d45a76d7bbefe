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
	# the field is the element's Data (or kinesis.data)
	field=Data
	[ $key = Data ] || field=kinesis.data
	for line in \
	    "1: not base64: length is not a multiple of 4" \
	    "2: not base64: length is not a multiple of 4" \
	    "3: not base64: padding before the end" \
	    "4: not base64: padding before the end" \
	    "5: not base64: padding before the end" \
	    "6: not base64: padding before the end" \
	    "7: not base64: invalid character" \
	    "8: not base64: invalid character" \
	    "9: not base64: padding before the end" \
	    "10: not base64: length is not a multiple of 4" \
	    ; do
		expect_err "agentev: <stdin>:1: Records[${line%%:*}].$field:${line#*:}" \
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
	# JSON errors name the Data and say where in the decoded data
	for line in \
	    "1.$field: invalid JSON: invalid token near 'hello' (line 1, column 5 of the data)" \
	    "2.$field: invalid UTF-8 (byte 0xff) (line 1, column 1 of the data)" \
	    "3: record is a number, not an event object" \
	    "4: record is an array, not an event object" \
	    "5.$field: invalid JSON: unexpected token near end of file (line 1, column 11 of the data)" \
	    "6.$field: invalid JSON: unexpected token near end of file" \
	    "7.$field: invalid JSON: end of file expected near '{' (line 1, column 9 of the data)" \
	    ; do
		n=${line%%[.:]*}
		expect_err "agentev: <stdin>:1: Records[$n]${line#$n}" "$what"
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
