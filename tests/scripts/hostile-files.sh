#!/bin/sh
# hostile-files.sh: operands that cannot be read as events (gzip, a
# missing file, a directory, an unreadable file) between the files that
# hold the seed events: one message each, exit status 1, and the stream
# goes on across them, so the seed's ACW row still comes out.

. tests/scripts/hostile.subr

# between FILE MESSAGE WHAT
between() {
	run acw "$work/seed1" "$1" "$work/seed2"
	expect_rc 1 "$3"
	expect_err "$2" "$3"
	expect_err_count 1 "$3"
	expect_seed_row "$3"
}

gzip -c "$work/seed1" >"$work/events.gz"
between "$work/events.gz" \
    "agentev: $work/events.gz: gzip-compressed input; decompress it first, e.g. zcat $work/events.gz | agentev ..." \
    "gzip file"
run acw "$work/seed1" - "$work/seed2" <"$work/events.gz"
expect_rc 1 "gzip on standard input"
expect_err_count 1 "gzip on standard input"
expect_seed_row "gzip on standard input"
grep -q '^agentev: <stdin>: gzip-compressed input' "$work/err" ||
    fail "gzip on standard input: no message"

between "$work/no-such-file" \
    "agentev: $work/no-such-file: No such file or directory" "missing file"
mkdir "$work/dir"
between "$work/dir" "agentev: $work/dir: Is a directory" "directory"

if [ "$(id -u)" = 0 ]; then
	echo "skipped the unreadable file: running as root, whom chmod 000" \
	    "does not stop"
else
	cp "$work/seed1" "$work/unreadable"
	chmod 000 "$work/unreadable"
	between "$work/unreadable" \
	    "agentev: $work/unreadable: Permission denied" "unreadable file"
fi

# all of them at once, and a file named like an option after --
run acw "$work/seed1" "$work/events.gz" "$work/no-such-file" "$work/dir" \
    "$work/seed2"
expect_rc 1 "all at once"
expect_err_count 3 "all at once"
expect_seed_row "all at once"
finish
