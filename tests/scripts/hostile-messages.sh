#!/bin/sh
# hostile-messages.sh: values quoted in messages come from the input, and
# JSON escapes can put any character in them.  Messages must stay one
# line each, start with "agentev: ", and carry no control characters (a
# terminal escape such as ESC ] 0 ; ... BEL retitles the terminal; a
# newline forges a message of its own).

. tests/scripts/hostile.subr

evil='\\u001b]0;pwned\\u0007\\u001b[31mRED\\r\\nagentev: <stdin>:9: forged'
for edit in \
    "s/\"EventTimestamp\":\"[^\"]*\"/\"EventTimestamp\":\"$evil\"/" \
    "s/\"EventType\":\"[^\"]*\"/\"EventType\":\"$evil\"/" \
    "s/\"AWSAccountId\":\"[^\"]*\"/\"AWSAccountId\":\"$evil\"/" \
    "s/\"AgentARN\":\"[^\"]*\"/\"AgentARN\":\"$evil\"/" \
    "s/\"Channel\":\"VOICE\"/\"Channel\":\"$evil\"/" \
    ; do
	seed_with "$edit" | wrap >"$work/in"
	field=$(echo "$edit" | sed 's/^s\/"\([A-Za-z]*\)".*/\1/')
	for command in acw check; do
		run $command <"$work/in"
		what="control characters in $field, $command"
		if LC_ALL=C grep -q '[[:cntrl:]]' "$work/err"; then
			fail "$what: control characters on stderr:"
			cat -v "$work/err" | head -5 | sed 's/^/    /'
		fi
		grep -v '^agentev: ' "$work/err" >"$work/odd" && {
			fail "$what: a line not from agentev:"
			cat -v "$work/odd" | head -3 | sed 's/^/    /'
		}
		# one message about line 2, and the summary
		expect_err_count 2 "$what"
		[ $command = acw ] && expect_seed_row "$what"
	done
done
finish
