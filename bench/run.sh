#!/bin/sh
# bench/run.sh: agentev's benchmark (make bench).  Generates the input
# with samples/gen.py (deterministic, not committed), then times, in
# interleaved rounds: the parse-only baseline (json_loadb on each line),
# jq computing the same ACW rows, and every agentev command with -j 1 and
# with the default threads.  Prints medians, MB/s, events/s, peak RSS and
# the ratios the performance issue sets as targets.
set -e
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}
data=bench/data
mkdir -p "$data"
gen() {	# gen FILE HOURS
	[ -s "$1" ] || python3 samples/gen.py --seed 42 --agents 75 \
	    --hours "$2" --dup-rate 0 >"$1"
}
gen "$data/day.ndjson" 24
gen "$data/2day.ndjson" 48
[ -n "$BIG" ] && gen "$data/big.ndjson" 240
in=$data/day.ndjson
bytes=$(wc -c <"$in")
events=$(wc -l <"$in")
results=$(mktemp)
trap 'rm -f "$results"' EXIT

# one timed run: NAME COMMAND...; appends "NAME seconds maxrss_kb"
timed() {
	name=$1
	shift
	/usr/bin/time -f "$name %e %M" -o "$results.one" "$@" >/dev/null 2>&1 ||
	    { echo "bench: $name failed" >&2; exit 1; }
	cat "$results.one" >>"$results"
}

# the jq baseline must give agentev's ACW rows (it cannot see ACWs ended
# by a LOGOUT without a previous snapshot, so it may give fewer)
jq -r -f bench/acw.jq "$in" | LC_ALL=C sort >"$results.jq"
./agentev acw -f tsv -H "$in" | grep -v 'OPEN$' | LC_ALL=C sort >"$results.ag"
missing=$(LC_ALL=C comm -23 "$results.jq" "$results.ag" | wc -l)
extra=$(LC_ALL=C comm -13 "$results.jq" "$results.ag" | grep -vc 'LOGOUT$' || true)
[ "$missing" = 0 ] && [ "$extra" = 0 ] ||
    { echo "bench: jq and agentev disagree on ACW rows" >&2; exit 1; }
echo "jq baseline: $(wc -l <"$results.jq") ACW rows, all equal to agentev's" \
    "($(wc -l <"$results.ag") rows; the rest are ended by LOGOUT)"

r=1
while [ $r -le "$ROUNDS" ]; do
	timed parse-only bench/parseonly <"$in"
	timed jq-acw jq -r -f bench/acw.jq "$in"
	for c in acw status events activity summary check; do
		timed "$c-j1" ./agentev -j 1 "$c" "$in"
		timed "$c" ./agentev "$c" "$in"
	done
	timed acw-2x ./agentev acw "$data/2day.ndjson"
	[ -n "$BIG" ] && timed acw-big ./agentev acw "$data/big.ndjson"
	r=$((r + 1))
done

awk -v bytes="$bytes" -v events="$events" \
    -v bytes2="$(wc -c <"$data/2day.ndjson")" -v rounds="$ROUNDS" '
function median(name,   n, i, j, t, v) {
	n = count[name]
	for (i = 1; i <= n; i++) v[i] = secs[name, i]
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
		if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
{
	count[$1]++
	secs[$1, count[$1]] = $2
	if ($3 > rss[$1]) rss[$1] = $3
	if (!($1 in seen)) { seen[$1] = 1; order[++names] = $1 }
}
END {
	printf "input: %.1f MB, %d events; medians of %d interleaved runs\n\n",
	    bytes / 1e6, events, rounds
	printf "%-14s %8s %8s %10s %9s\n", "run", "seconds", "MB/s",
	    "events/s", "peak MiB"
	for (i = 1; i <= names; i++) {
		n = order[i]; m = median(n)
		b = n == "acw-2x" ? bytes2 : bytes
		printf "%-14s %8.2f %8.1f %10.0f %9.1f\n", n, m, b / m / 1e6,
		    (n == "acw-2x" ? 2 : 1) * events / m, rss[n] / 1024
	}
	p = median("parse-only"); j = median("jq-acw")
	a = median("acw"); a1 = median("acw-j1"); a2 = median("acw-2x")
	printf "\nratios (target):\n"
	printf "  acw / parse-only       %5.2f  (<= 0.60)\n", a / p
	printf "  acw / jq               %5.2f  (<= 0.55)\n", a / j
	printf "  acw -j1 / parse-only   %5.2f  (<= 1.15)\n", a1 / p
	printf "  acw on 2x input / acw  %5.2f  (<= 2.10; input %.2fx)\n",
	    a2 / a, bytes2 / bytes
	if ("acw-big" in seen)
		printf "  peak RSS, acw on %s    %5.1f MiB (<= 64)\n", "big",
		    rss["acw-big"] / 1024
}' "$results"
