#!/bin/sh
# install.sh: `make install` and `make uninstall` into a DESTDIR, with the
# default PREFIX and with PREFIX and MANPREFIX given: the program and the
# man page land where they should with the right modes, the installed
# program runs, man(1) finds and renders the page (and mandoc(1), when
# present), and uninstall leaves no file behind.

: "${MAKE:=make}"
export LC_ALL=C
dir=$(mktemp -d "${TMPDIR:-/tmp}/agentev-install.XXXXXX") || exit 2
trap 'rm -rf "$dir"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
	echo "install: $*" >&2
	exit 1
}

# rendered FILE: FILE is the page formatted for a terminal (bold and
# underline as overstrikes or not): its sections and no roff requests.
bs=$(printf '\b')
rendered() {
	sed "s/.$bs//g" "$1" >"$1.plain"
	grep -q '^SYNOPSIS' "$1.plain" && grep -q '^ *agentev ' "$1.plain" &&
		! grep -q '^\.S[hH] ' "$1.plain"
}

# check DESTDIR BINDIR MANDIR [MAKE-ARG ...]
check() {
	dest=$1 bin=$1$2 man=$1$3
	shift 3
	$MAKE -s install DESTDIR="$dest" "$@" >"$dir/log" 2>&1 ||
		{ cat "$dir/log" >&2; fail "make install $*"; }
	[ -f "$bin/agentev" ] || fail "no $bin/agentev"
	[ -f "$man/man1/agentev.1" ] || fail "no $man/man1/agentev.1"
	[ "$(stat -c %a "$bin/agentev")" = 755 ] || fail "$bin/agentev: mode $(stat -c %a "$bin/agentev")"
	[ "$(stat -c %a "$man/man1/agentev.1")" = 644 ] || fail "agentev.1: mode $(stat -c %a "$man/man1/agentev.1")"
	cmp -s man/agentev.1 "$man/man1/agentev.1" || fail "the installed man page differs"
	"$bin/agentev" -V >"$dir/version" 2>&1 || fail "$bin/agentev -V failed"
	grep -q '^agentev ' "$dir/version" || fail "agentev -V: $(cat "$dir/version")"
	"$bin/agentev" acw samples/seed-acw.ndjson >"$dir/acw" 2>&1 ||
		fail "installed agentev acw: $(cat "$dir/acw")"
	rendered=0
	if command -v man >/dev/null 2>&1; then
		[ "$(man -M "$man" -w agentev 2>/dev/null)" = "$man/man1/agentev.1" ] ||
			fail "man -M $man -w agentev: $(man -M "$man" -w agentev 2>&1)"
		MANWIDTH=80 man -l "$man/man1/agentev.1" >"$dir/page" 2>/dev/null ||
			fail "man -l failed"
		rendered "$dir/page" || fail "man -l: not a rendered page"
		rendered=1
	fi
	if command -v mandoc >/dev/null 2>&1; then
		mandoc -T ascii "$man/man1/agentev.1" >"$dir/page" 2>/dev/null ||
			fail "mandoc failed"
		rendered "$dir/page" || fail "mandoc: not a rendered page"
		rendered=1
	fi
	[ $rendered = 1 ] || echo "install: neither man nor mandoc: page not rendered"

	# Installing again over the installed files works.
	$MAKE -s install DESTDIR="$dest" "$@" >"$dir/log" 2>&1 ||
		{ cat "$dir/log" >&2; fail "make install $* (again)"; }

	$MAKE -s uninstall DESTDIR="$dest" "$@" >"$dir/log" 2>&1 ||
		{ cat "$dir/log" >&2; fail "make uninstall $*"; }
	[ ! -e "$bin/agentev" ] || fail "uninstall left $bin/agentev"
	[ ! -e "$man/man1/agentev.1" ] || fail "uninstall left agentev.1"
	left=$(find "$dest" ! -type d)
	[ -z "$left" ] || fail "uninstall left: $left"
}

check "$dir/a" /usr/local/bin /usr/local/share/man
check "$dir/b" /opt/agentev/bin /opt/agentev/man PREFIX=/opt/agentev MANPREFIX=/opt/agentev/man
check "$dir/c" /usr/bin /usr/share/man PREFIX=/usr
exit 0
