#!/bin/sh
# hostile-random-binary.sh: a megabyte of random bytes between the seed
# events, in every command and thread count: agentev rejects the garbage
# piece by piece, never crashes or hangs, and still uses the seed events.
# A failing input is kept as ${TMPDIR:-/tmp}/agentev-random.*.bin.

. tests/scripts/hostile.subr

size=1048576
[ $heavy = 1 ] || size=65536
head -c $size /dev/urandom >"$work/random"
{ cat "$work/seed1" "$work/random"; echo; cat "$work/seed2"; } >"$work/in"

keep() {
	kept=$(mktemp "${TMPDIR:-/tmp}/agentev-random.XXXXXX") &&
	    mv "$kept" "$kept.bin" && cp "$work/in" "$kept.bin" &&
	    echo "the input is kept as $kept.bin"
}

for command in check events acw status activity summary; do
	for threads in 1 2; do
		what="random bytes, $command -j $threads"
		run -j $threads $command <"$work/in"
		if [ "$rc" != 1 ]; then
			fail "$what: exit status $rc, expected 1"
			keep
			continue
		fi
		# every line is a message about <stdin> (LINE: or
		# LINE:COLUMN:), then the summary
		if grep -v '^agentev: <stdin>:[0-9][0-9]*:\([0-9][0-9]*:\)\{0,1\} ' "$work/err" |
		    grep -Evq '^agentev: [0-9]+ records read, [0-9]+ rejected, 0 duplicates, 0 warnings, 0 out of order$'; then
			fail "$what: unexpected lines on stderr:"
			grep -v '^agentev: <stdin>:[0-9][0-9]*:\([0-9][0-9]*:\)\{0,1\} ' "$work/err" |
			    head -5 | cat -v | sed 's/^/    /'
			keep
		fi
		[ $command = acw ] && expect_seed_row "$what"
	done
done

# random bytes as the whole input, and as a file operand
run acw "$work/random"
[ "$rc" = 1 ] || [ "$rc" = 0 ] || fail "random file: exit status $rc"
finish
