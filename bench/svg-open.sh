#!/bin/sh
# svg-open.sh: how long headless Chromium takes to open agentev's -f svg
# pictures of generated days (not part of make check).
#
# For each size it prints the bars, the file's bytes, the time from
# navigation start until the page holding the picture inline is parsed,
# styled and laid out (measured by the page itself), and the wall time of
# a whole `chromium --screenshot` run of the SVG file (browser start
# included; the first line, the sample shift, shows what that start costs).
#
# usage: sh bench/svg-open.sh [AGENTS:HOURS:COMMAND | FILE.svg ...]
#        (default: 200:24:status 200:24:activity 50:168:activity)

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
: "${AGENTEV:=$top/agentev}"
: "${CHROMIUM:=/usr/bin/chromium}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/agentev-svgopen.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
[ $# -gt 0 ] || set -- 200:24:status 200:24:activity 50:168:activity

chromium() {
	profile=$(mktemp -d "$tmp/profile.XXXXXX")
	timeout 600 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
	    --disable-quic --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync --hide-scrollbars \
	    --user-data-dir="$profile" "$@" 2>/dev/null
	rm -rf "$profile"
}

# measure LABEL SVG
measure() {
	{
		printf '<!DOCTYPE html><html><head><meta charset="utf-8">'
		printf '</head><body>'
		sed 1d "$2"
		printf '<script>document.documentElement.offsetHeight;'
		printf 'document.title = "layout " + '
		printf 'Math.round(performance.now()) + " ms";</script>'
		printf '</body></html>\n'
	} >"$tmp/page.html"
	layout=$(chromium --dump-dom "file://$tmp/page.html" |
	    sed -n 's/.*<title>layout \([0-9]*\) ms<.*/\1/p' | head -1)
	start=$(date +%s.%N)
	chromium --screenshot="$tmp/shot.png" --window-size=1224,800 \
	    "file://$2" >/dev/null
	end=$(date +%s.%N)
	printf '%-22s %7d bars %10d bytes  layout %6s ms  screenshot run %5.1f s\n' \
	    "$1" "$(grep -c '<rect class="bar' "$2")" "$(wc -c <"$2")" \
	    "$layout" "$(echo "$end - $start" | bc)"
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$AGENTEV" -f svg activity samples/shift.ndjson >"$tmp/p.svg"
measure "sample shift" "$tmp/p.svg"
for size; do
	case $size in
	*.svg)	measure "$(basename "$size")" "$size"; continue ;;
	esac
	IFS=: read -r agents hours command <<EOF
$size
EOF
	python3 samples/gen.py --seed 1 --agents "$agents" --hours "$hours" |
	    "$AGENTEV" -f svg "$command" >"$tmp/p.svg"
	measure "$agents agents ${hours}h $command" "$tmp/p.svg"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
