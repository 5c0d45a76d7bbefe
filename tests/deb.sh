#!/bin/sh
# deb.sh: check the Debian package that `make deb` left in DIR (make
# check-deb; CI runs it as root on a fresh Debian 12).  lintian finds no
# error and no warning that debian/agentev.lintian-overrides does not
# explain; the package depends on libc6 and libjansson4 only and its
# version is what the program says; `apt-get install ./agentev_*.deb`
# installs it; the installed /usr/bin/agentev gives the generator's truth
# on the installed sample; man(1) finds and renders the page without
# warnings; `apt-get remove --purge` leaves none of its files under /usr.
#
# It installs and removes a package, so it must run as root, and it
# refuses to run when agentev is already installed (as a package or over
# a path the package would own), so as not to remove the user's own.
#
# usage: sh tests/deb.sh DIR

export LC_ALL=C
export DEBIAN_FRONTEND=noninteractive
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/agentev-deb.XXXXXX") || exit 2
installed=0

cleanup() {
	if [ $installed = 1 ]; then
		apt-get remove --purge -y -q agentev >/dev/null 2>&1
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
	echo "deb: $*" >&2
	exit 1
}

step() {
	echo "deb: $*"
}

[ $# = 1 ] || { echo "usage: sh tests/deb.sh DIR" >&2; exit 2; }
dir=$(cd "$1" && pwd) || exit 2
[ "$(id -u)" = 0 ] ||
	fail "must run as root: it installs and purges the agentev package"
for tool in lintian apt-get dpkg dpkg-deb man; do
	command -v $tool >/dev/null 2>&1 || fail "$tool is not installed"
done
# Minimal container images tell dpkg not to install manuals and docs.
excl=$(cat /etc/dpkg/dpkg.cfg.d/* 2>/dev/null |
    grep -E '^[[:space:]]*path-exclude[[:space:]=]+/usr/share/(man|doc)')
[ -z "$excl" ] ||
	fail "dpkg is told not to install manuals or docs here: $excl"

set -- "$dir"/agentev_*.deb
[ $# = 1 ] && [ -f "$1" ] || fail "$dir: want exactly one agentev_*.deb, found: $*"
deb=$1
set -- "$dir"/agentev_*.changes
[ $# = 1 ] && [ -f "$1" ] || fail "$dir: want exactly one agentev_*.changes, found: $*"
changes=$1

# The version: the changelog's, which is the program's (the installed
# program is checked against it below).
version=$(sed -n '1s/^agentev (\([^)]*\)).*/\1/p' "$top/debian/changelog")
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] ||
	fail "$deb: Version $(dpkg-deb -f "$deb" Version), debian/changelog says $version"

# lintian over the .changes (the package, its dbgsym and the buildinfo):
# exit 0 means no error and no warning that is not overridden.  Root gets
# a note that lintian is better run as a user; that is CI's situation.
step "lintian"
lintian --fail-on error,warning --info --display-info --pedantic \
    "$changes" >"$tmp/lintian" 2>"$tmp/lintian.err"
rc=$?
sed 's/^/deb: lintian: /' "$tmp/lintian"
grep -v '^running with root privileges is not recommended!$' \
    "$tmp/lintian.err" >&2
[ $rc = 0 ] || fail "lintian failed (exit $rc)"

# Nothing at run time but the C library and jansson; tzdata, whose zone
# files only -z reads (without them it says the zone is unknown), is
# recommended, not needed.
depends=$(dpkg-deb -f "$deb" Depends)
names=$(echo "$depends" | tr ',' '\n' | sed 's/^ *//; s/[ (].*//' |
    sort | tr '\n' ' ')
[ "$names" = "libc6 libjansson4 " ] ||
	fail "Depends: $depends (want libc6 and libjansson4 only)"
[ "$(dpkg-deb -f "$deb" Recommends)" = tzdata ] ||
	fail "Recommends: $(dpkg-deb -f "$deb" Recommends) (want tzdata)"
for field in Pre-Depends Suggests; do
	[ -z "$(dpkg-deb -f "$deb" $field)" ] ||
		fail "$field: $(dpkg-deb -f "$deb" $field)"
done

# What the package holds, and which of its directories exist already:
# those may stay after the purge, nothing else may.
dpkg-deb --fsys-tarfile "$deb" | tar -t | sed 's,^\./,/,; s,/$,,' |
    grep -v '^$' >"$tmp/contents" || fail "$deb: cannot list the contents"
: >"$tmp/before"
while read -r path; do
	if [ -d "$path" ] && [ ! -L "$path" ]; then
		echo "$path" >>"$tmp/before"
	elif [ -e "$path" ] || [ -L "$path" ]; then
		fail "$path exists already; not installing over it"
	fi
done <"$tmp/contents"
if dpkg-query -W -f '${Status}' agentev 2>/dev/null | grep -q ' installed$'; then
	fail "the agentev package is installed already; remove it first"
fi

step "apt-get install $deb"
installed=1
apt-get install -y -q "$deb" >"$tmp/apt" 2>&1 ||
	{ cat "$tmp/apt" >&2; fail "apt-get install $deb failed"; }
dpkg -L agentev >"$tmp/list" || fail "dpkg -L agentev failed"
grep -qx /usr/bin/agentev "$tmp/list" || fail "dpkg -L agentev: no /usr/bin/agentev"

# The installed program: its version, and the sample's ACW and status
# tables equal to the generator's truth installed beside it (rows in any
# order, the header first).
step "run /usr/bin/agentev"
ex=/usr/share/doc/agentev/examples
[ "$(/usr/bin/agentev -V | sed -n '1s/^agentev \([^ ]*\).*/\1/p')" = "${version%-*}" ] ||
	fail "/usr/bin/agentev -V: $(/usr/bin/agentev -V 2>&1), package $version"
for table in acw status; do
	[ -f "$ex/shift.expect/$table.csv" ] || fail "no $ex/shift.expect/$table.csv"
	/usr/bin/agentev $table "$ex/shift.ndjson" >"$tmp/$table.csv" 2>"$tmp/err" ||
		fail "/usr/bin/agentev $table $ex/shift.ndjson: exit $?: $(cat "$tmp/err")"
	[ ! -s "$tmp/err" ] || fail "agentev $table: stderr: $(cat "$tmp/err")"
	for f in "$tmp/$table.csv" "$ex/shift.expect/$table.csv"; do
		head -n 1 "$f"
		tail -n +2 "$f" | sort
	done >"$tmp/both"
	n=$(wc -l <"$tmp/$table.csv")
	[ "$n" -gt 1 ] || fail "agentev $table: $n lines"
	head -n "$n" "$tmp/both" >"$tmp/got"
	tail -n +"$((n + 1))" "$tmp/both" >"$tmp/want"
	diff "$tmp/want" "$tmp/got" >&2 ||
		fail "agentev $table on $ex/shift.ndjson differs from $ex/shift.expect/$table.csv"
done
/usr/bin/agentev check "$ex/seed-acw.ndjson" >/dev/null 2>&1 ||
	fail "/usr/bin/agentev check $ex/seed-acw.ndjson failed"
[ -x "$ex/get-records-loop.sh" ] || fail "$ex/get-records-loop.sh is not executable"
[ -f /usr/share/doc/agentev/README.md.gz ] || fail "no README.md.gz"
grep -q '^License: ISC$' /usr/share/doc/agentev/copyright ||
	fail "/usr/share/doc/agentev/copyright names no ISC licence"

# man finds the installed page and renders it without a warning.
step "man agentev"
[ "$(man -w agentev)" = /usr/share/man/man1/agentev.1.gz ] ||
	fail "man -w agentev: $(man -w agentev 2>&1)"
MANWIDTH=80 man --warnings agentev >"$tmp/page" 2>"$tmp/err" ||
	fail "man agentev: exit $?: $(cat "$tmp/err")"
[ ! -s "$tmp/err" ] || { cat "$tmp/err" >&2; fail "man --warnings agentev warned"; }
bs=$(printf '\b')
sed "s/.$bs//g" "$tmp/page" | grep -q '^SYNOPSIS' ||
	fail "man agentev: no SYNOPSIS in the page"

step "apt-get remove --purge agentev"
apt-get remove --purge -y -q agentev >"$tmp/apt" 2>&1 ||
	{ cat "$tmp/apt" >&2; fail "apt-get remove --purge agentev failed"; }
installed=0
if dpkg-query -W -f '${Status}' agentev 2>/dev/null | grep -q ' installed$'; then
	fail "agentev is still installed: $(dpkg-query -W -f '${Status}' agentev)"
fi
left=0
while read -r path; do
	[ "$path" = /. ] && continue
	ls -d "$path" >/dev/null 2>&1 || continue
	grep -qxF "$path" "$tmp/before" && continue
	echo "deb: left after the purge: $(ls -ld "$path")" >&2
	left=$((left + 1))
done <"$tmp/list"
[ $left = 0 ] || fail "$left paths left under /usr"
step "ok: $(wc -l <"$tmp/list") paths installed, none left"
exit 0
