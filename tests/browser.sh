#!/bin/sh
# browser.sh: agentev's pictures in a real browser (make check-browser).
#
# Each case renders a file agentev wrote with headless Chromium, checks the
# screenshot is not blank and shows each bar's colour where the bar is
# (tests/svg.py decodes the PNG with zlib), and reads the DOM Chromium built
# from an HTML page holding the picture inline (--dump-dom) to count the
# bars against the CSV of the same run and to see hostile usernames stay
# text.  The `now -f html` wallboard is checked the same way by
# tests/wallboard.py: each activity's colour fills its tiles' area on
# screen, the tiles on screen come in the page's order (which `make check`
# checks is the attention order), and the DOM has one tile per CSV row
# with every username as text.
#
# usage: sh tests/browser.sh [-p DIR]   (-p also writes the README's
#                                        pictures of the sample shift to
#                                        DIR: shift-activity.png, the
#                                        activity timeline, and
#                                        wallboard.png)

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
: "${AGENTEV:=$top/agentev}"
: "${CHROMIUM:=/usr/bin/chromium}"
readme_dir=
if [ "$1" = -p ]; then
	readme_dir=$2
	shift 2
fi
if ! [ -x "$CHROMIUM" ]; then
	echo "browser.sh: no $CHROMIUM (apt-get install chromium)" >&2
	exit 2
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/agentev-browser.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
n=0
failed=0

ok() {
	n=$((n + 1))
	echo "ok $n - $*"
}

not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $*"
}

# chromium ARGS...: headless, offline, a fresh profile each time
chromium() {
	profile=$(mktemp -d "$tmp/profile.XXXXXX")
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
	    --disable-quic --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync --hide-scrollbars \
	    --user-data-dir="$profile" "$@" 2>>"$tmp/chromium.log"
}

# shot FILE PNG WIDTH HEIGHT: a screenshot of FILE
shot() {
	rm -f "$2"
	chromium --screenshot="$2" --window-size="$3,$4" "file://$1" \
	    >/dev/null && [ -s "$2" ]
}

# dom FILE OUT: the DOM Chromium built from FILE, serialised
dom() {
	chromium --dump-dom "file://$1" >"$2" && [ -s "$2" ]
}

# on_screen NAME FILE WIDTH HEIGHT CHECKER: a screenshot of FILE, checked
# by tests/CHECKER pixels against FILE and $tmp/NAME.csv; 1 when there is
# no screenshot at all
on_screen() {
	if ! shot "$2" "$tmp/$1.png" "$3" "$4"; then
		not_ok "$1: no screenshot"
		tail -5 "$tmp/chromium.log" | sed 's/^/# /'
		return 1
	fi
	if python3 "tests/$5" pixels "$tmp/$1.png" "$2" "$tmp/$1.csv" \
	    >"$tmp/log"; then
		ok "$1: screenshot: $(cat "$tmp/log")"
	else
		not_ok "$1: screenshot: $(cat "$tmp/log")"
	fi
}

# height SVG: the picture's height in px
height() {
	sed -n 's/^<svg .* height="\([0-9]*\)".*/\1/p' "$1"
}

# timeline NAME INPUT ARGS...: the SVG of agentev ARGS INPUT on screen
# and in the DOM, against the CSV of the same run
timeline() {
	name=$1
	input=$2
	shift 2
	svg=$tmp/$name.svg
	"$AGENTEV" -f svg "$@" "$input" >"$svg" 2>"$tmp/err" ||
	    { not_ok "$name: agentev -f svg: $(cat "$tmp/err")"; return; }
	"$AGENTEV" "$@" "$input" >"$tmp/$name.csv" 2>/dev/null
	on_screen "$name" "$svg" 1224 "$(height "$svg")" svg.py || return
	python3 tests/svg.py wrap "$svg" >"$tmp/$name.html"
	if ! dom "$tmp/$name.html" "$tmp/$name.dom"; then
		not_ok "$name: no DOM"
		return
	fi
	if python3 tests/svg.py dom "$tmp/$name.dom" "$tmp/$name.csv" \
	    >"$tmp/log"; then
		ok "$name: DOM: $(cat "$tmp/log")"
	else
		not_ok "$name: DOM: $(cat "$tmp/log")"
	fi
	# the SVG file itself, opened directly, builds the same bars
	if dom "$svg" "$tmp/$name.svgdom" &&
	    [ "$(grep -o '<rect class="bar[ "]' "$tmp/$name.svgdom" | wc -l)" \
	    = "$(($(wc -l <"$tmp/$name.csv") - 1))" ]; then
		ok "$name: the SVG opened alone has one bar per row"
	else
		not_ok "$name: the SVG opened alone"
	fi
}

shift_in=samples/shift.ndjson
timeline activity "$shift_in" activity
timeline status-zone-buckets "$shift_in" -z America/Chicago -i 10m status
timeline acw "$shift_in" acw
python3 tests/svg.py hostile markup <"$shift_in" >"$tmp/hostile.ndjson"
timeline hostile-usernames "$tmp/hostile.ndjson" activity

# wallboard NAME INPUT ARGS...: the page of agentev -f html ARGS now
# INPUT on screen and in the DOM, against the CSV of the same run
wallboard() {
	name=$1
	input=$2
	shift 2
	page=$tmp/$name.html
	"$AGENTEV" -f html "$@" now "$input" >"$page" 2>"$tmp/err" ||
	    { not_ok "$name: agentev -f html: $(cat "$tmp/err")"; return; }
	"$AGENTEV" "$@" now "$input" >"$tmp/$name.csv" 2>/dev/null
	on_screen "$name" "$page" 1000 \
	    "$(python3 tests/wallboard.py height "$page" 1000)" wallboard.py ||
	    return
	if ! dom "$page" "$tmp/$name.dom"; then
		not_ok "$name: no DOM"
		return
	fi
	if python3 tests/wallboard.py dom "$tmp/$name.dom" "$tmp/$name.csv" \
	    >"$tmp/log"; then
		ok "$name: DOM: $(cat "$tmp/log")"
	else
		not_ok "$name: DOM: $(cat "$tmp/log")"
	fi
}

wallboard wallboard "$shift_in" -A samples/shift-schedule.csv
wallboard wallboard-adherence-break "$shift_in" -A samples/shift-schedule.csv \
    -t 2026-11-04T06:16:00Z
python3 samples/gen.py --seed 3 --agents 40 --hours 2 --rich-contacts \
    >"$tmp/day.ndjson"
# the board at the first Error of the day, and with everyone silent
t=$("$AGENTEV" activity "$tmp/day.ndjson" 2>/dev/null |
    awk -F, '$3 == "Error" { print $4; exit }')
wallboard wallboard-day-error "$tmp/day.ndjson" -t "$t"
wallboard wallboard-day-silent "$tmp/day.ndjson" -t 2026-11-04T08:10:00Z
wallboard wallboard-hostile "$tmp/hostile.ndjson"

if [ -n "$readme_dir" ]; then
	for png in activity:shift-activity wallboard:wallboard; do
		from=$tmp/${png%%:*}.png
		to=$readme_dir/${png#*:}.png
		if cp "$from" "$to"; then
			ok "wrote $to ($(wc -c <"$to") bytes)"
		else
			not_ok "cannot write $to"
		fi
	done
fi

echo "1..$n"
[ $failed = 0 ]
