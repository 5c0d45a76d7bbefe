#!/bin/sh
# Every example in the man page (but those that need AWS itself) is also a
# golden case: its command line appears in some tests/cases/*/cmd.
status=0
sed -n 's/^\.Dl \$ //p' man/agentev.1 |
sed -e 's/\\e/\\/g' -e 's/\\(dq/"/g' |
while IFS= read -r example; do
	case $example in
	aws*|*"| agentev"*) continue ;;	# needs AWS; see tests/kinesis.sh
	esac
	args=${example#agentev }
	if ! cat tests/cases/*/cmd | grep -F -q -e "\$AGENTEV $args"; then
		echo "man page example without a test: $example"
		exit 1
	fi
done || status=1
exit $status
