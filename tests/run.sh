#!/bin/sh
# run.sh: run agentev's test suite and print TAP.
#
# Golden cases live in tests/cases/NAME/: `cmd` is a shell command run
# from the top of the tree with $AGENTEV set to the program (a wrapper such
# as valgrind may be prepended), `in` is its standard input (else
# /dev/null), and `out`, `err` and `rc` are the expected standard output,
# standard error and exit status.  Scripts in tests/scripts/*.sh pass by
# exiting 0.  tests/unit is the C unit test program, which prints TAP.
#
# usage: sh tests/run.sh [-u] [NAME ...]   (-u rewrites expectations)

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
: "${AGENTEV:=$top/agentev}"
export AGENTEV
update=0
if [ "$1" = -u ]; then
	update=1
	shift
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/agentev-test.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
export TMP="$tmp"

n=0
failed=0

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}

not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
}

run_case() {
	dir=tests/cases/$1
	input=/dev/null
	[ -f "$dir/in" ] && input=$dir/in
	(
		CASE=$dir
		export CASE
		sh -c "$(cat "$dir/cmd")" <"$input" >"$tmp/out" 2>"$tmp/err"
		echo $? >"$tmp/rc"
	)
	if [ $update = 1 ]; then
		cp "$tmp/out" "$dir/out"
		cp "$tmp/err" "$dir/err"
		cp "$tmp/rc" "$dir/rc"
	fi
	why=
	cmp -s "$tmp/rc" "$dir/rc" || why="exit status $(cat "$tmp/rc"), expected $(cat "$dir/rc")"
	cmp -s "$tmp/err" "$dir/err" || why="$why${why:+; }stderr differs"
	cmp -s "$tmp/out" "$dir/out" || why="$why${why:+; }stdout differs"
	if [ -z "$why" ]; then
		ok "$1"
	else
		not_ok "$1: $why"
		diff -u "$dir/err" "$tmp/err" | sed 's/^/# /' | head -20
		diff -u "$dir/out" "$tmp/out" | sed 's/^/# /' | head -20
	fi
}

if [ $# -gt 0 ]; then
	for name; do
		run_case "$name"
	done
else
	for dir in tests/cases/*/; do
		run_case "$(basename "$dir")"
	done
	for script in tests/scripts/*.sh; do
		[ -f "$script" ] || continue
		if sh "$script" >"$tmp/log" 2>&1; then
			ok "$(basename "$script" .sh)"
		else
			not_ok "$(basename "$script" .sh)"
			sed 's/^/# /' "$tmp/log" | head -40
		fi
	done
	if [ -x tests/unit ]; then
		tests/unit >"$tmp/unit" 2>&1
		rc=$?
		sed 's/^/# /' "$tmp/unit" | grep -v '^# ok' | head -40
		if [ $rc = 0 ]; then
			ok "unit tests ($(grep -c '^ok' "$tmp/unit") checks)"
		else
			not_ok "unit tests"
		fi
	fi
fi
echo "1..$n"
[ $failed = 0 ]
