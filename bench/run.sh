#!/bin/sh
# bench/run.sh: agentev's benchmark (make bench).  Generates the input
# with samples/gen.py (deterministic, not committed), then times, in
# interleaved rounds: the parse-only baseline (json_loadb on each line),
# jq computing the same ACW rows, DuckDB computing them too (below), and
# every agentev command with -j 1 and with the default threads.  Prints
# medians, MB/s, events/s, peak RSS and the ratios the performance issues
# set as targets.  ROUNDS=N sets the number of rounds (5); BIG=1 adds a 2
# GB stream for peak memory; QUICK=1 leaves out the commands other than
# acw and summary, and the 2x and 4x inputs.
#
# DuckDB: bench/duckdb-acw.js runs one SQL query (read_json with the
# columns declared) that gives bench/acw.jq's rows, in node with the
# @duckdb/node-api package, which ships DuckDB's own binary; it is
# installed from the npm registry into .cache/duckdb when missing (bench
# only: nothing builds or tests with it).  Its rows must be jq's.  It runs
# with one thread (SET threads = 1) against -j 1 acw, pinned as -j 1 is
# (below), and with a thread per CPU against acw.  Its time is the node
# process's, start and loading included, as agentev's is; the time of the
# query alone, as the script measures it inside node, is printed beside
# it.  Without node and npm, or the registry, those lines are left out.
#
# A second input, varied.ndjson (gen.py --varied: every agent has routing
# profiles of its own, from 48 queues, up to five hierarchy levels and
# eight proficiencies), is timed too, with the memo of validated subtrees
# on and off (AGENTEV_MEMO=0): the memo must not make it slower.  On the
# day the memo is timed off as well, to show what it saves.
#
# adherence -A (gen.py --schedule, the bench day's schedule) is timed
# beside status: the schedule may not cost more than 10%; and the time to
# read a schedule of 100,000 segments.
#
# CPUs of a virtual machine need not be equally fast (on the machine this
# was written on one ran the baseline 1.5x slower than the other), which
# makes an unpinned single-threaded run land on either and its time
# bimodal, and which CPU is the slow one changed within minutes.  So every
# single-threaded run (parse-only, jq, -j 1) is made once pinned to each
# CPU in every round, and the faster of the two counts: the ratios compare
# the threaded runs with the best one core does, which flatters nothing.
# Set PIN=no to run everything unpinned, once.
set -e
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}
data=bench/data
mkdir -p "$data"
gen() {	# gen FILE HOURS [AGENTS [OPTIONS]]
	[ -s "$1" ] || python3 samples/gen.py --seed 42 --agents "${3:-75}" \
	    --hours "$2" --dup-rate 0 $4 >"$1"
}
gen "$data/day.ndjson" 24
[ -n "$QUICK" ] || gen "$data/2day.ndjson" 48
[ -n "$QUICK" ] || gen "$data/4day.ndjson" 96
gen "$data/varied.ndjson" 6 120 --varied
# the bench day's schedule (gen.py --schedule: the same events), for
# adherence -A beside status; and 100,000 segments, for the load alone
sched=$data/day.schedule.csv
[ -s "$sched" ] || python3 samples/gen.py --seed 42 --agents 75 --hours 24 \
    --dup-rate 0 --schedule "$sched" >/dev/null
[ -s "$data/sched100k.csv" ] || python3 -c '
print("username,start,end,activity")
for a in range(5000):
    for k in range(20):
        print("agent%04d,2026-11-04T%02d:%02d:00Z,2026-11-04T%02d:%02d:00Z,%s"
              % (a, k, 0, k, 45, ("Work", "Break", "Lunch")[k % 3]))
' >"$data/sched100k.csv"
[ -n "$BIG" ] && gen "$data/big.ndjson" 256
in=$data/day.ndjson
varied=$data/varied.ndjson
bytes=$(wc -c <"$in")
events=$(wc -l <"$in")
results=$(mktemp)
trap 'rm -f "$results" "$results".*' EXIT
: >"$results.percpu"

# one timed run: NAME COMMAND...; appends "NAME seconds maxrss_kb" to $out
out=$results
timed() {
	name=$1
	shift
	/usr/bin/time -f "$name %e %M" -o "$results.one" "$@" >/dev/null \
	    2>>"$results.stderr" ||
	    { echo "bench: $name failed" >&2; exit 1; }
	cat "$results.one" >>"$out"
}

# A single-threaded run, once pinned to each CPU, keeping the faster (and
# noting parse-only's time on each CPU); unpinned when that cannot be done.
cpus=$(awk '/^processor/ { print $3 }' /proc/cpuinfo 2>/dev/null || true)
if [ "${PIN:-yes}" = no ] || ! command -v taskset >/dev/null ||
    [ "$(echo "$cpus" | wc -w)" -lt 2 ]; then
	cpus=
fi
timed1() {
	label=$1	# sh has no local variables: timed sets name
	shift
	[ -n "$cpus" ] || { timed "$label" "$@"; return; }
	: >"$results.cpus"
	out=$results.cpus
	for cpu in $cpus; do
		timed "cpu$cpu" taskset -c "$cpu" "$@"
	done
	out=$results
	[ "$label" != parse-only ] || cat "$results.cpus" >>"$results.percpu"
	sort -k2n "$results.cpus" | head -n 1 | sed "s/^[^ ]*/$label/" \
	    >>"$results"
}

# DuckDB, from npm into the git-ignored .cache when missing
DUCKDB_VERSION=${DUCKDB_VERSION:-1.5.6-r.1}
cache=.cache/duckdb
duckdb_module=$(pwd)/$cache/node_modules/@duckdb/node-api
duckdb=
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	echo "bench: no node and npm: DuckDB is left out"
elif [ ! -f "$duckdb_module/package.json" ] && ! { mkdir -p "$cache" &&
    npm install --prefix "$cache" --no-audit --no-fund --loglevel=error \
    "@duckdb/node-api@$DUCKDB_VERSION" >"$results.npm" 2>&1; }; then
	echo "bench: cannot install @duckdb/node-api@$DUCKDB_VERSION from" \
	    "the npm registry: DuckDB is left out"
	tail -n 3 "$results.npm" | sed 's/^/  /'
else
	duckdb="node bench/duckdb-acw.js $duckdb_module"
	echo "DuckDB baseline: DuckDB $($duckdb version), @duckdb/node-api" \
	    "$(node -p "require('$duckdb_module/package.json').version")," \
	    "node $(node --version)"
fi
ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)

# the jq baseline must give agentev's ACW rows (it cannot see ACWs ended
# by a LOGOUT without a previous snapshot, so it may give fewer)
for f in "$in" "$varied"; do
	jq -r -f bench/acw.jq "$f" | LC_ALL=C sort >"$results.jq"
	./agentev acw -f tsv -H "$f" | grep -v 'OPEN$' | LC_ALL=C sort \
	    >"$results.ag"
	missing=$(LC_ALL=C comm -23 "$results.jq" "$results.ag" | wc -l)
	extra=$(LC_ALL=C comm -13 "$results.jq" "$results.ag" |
	    grep -vc 'LOGOUT$' || true)
	[ "$missing" = 0 ] && [ "$extra" = 0 ] ||
	    { echo "bench: jq and agentev disagree on ACW rows" >&2; exit 1; }
	echo "jq baseline on $(basename "$f"): $(wc -l <"$results.jq") ACW" \
	    "rows, all equal to agentev's ($(wc -l <"$results.ag") rows;" \
	    "the rest are ended by LOGOUT)"
	[ -n "$duckdb" ] || continue
	$duckdb "$ncpu" "$f" 2>/dev/null | LC_ALL=C sort >"$results.dd"
	cmp -s "$results.jq" "$results.dd" ||
	    { echo "bench: DuckDB and jq disagree on ACW rows" >&2; exit 1; }
	echo "DuckDB baseline on $(basename "$f"): the same $(wc -l \
	    <"$results.dd") rows as jq"
done

# DuckDB: NAME THREADS, timed as timed1 or timed, and the query's own time
# (the faster of the pinned runs) as NAME-query
: >"$results.stderr"
duck() {
	duck_name=$1	# timed sets name
	: >"$results.stderr"
	if [ "$2" = 1 ]; then
		timed1 "$duck_name" $duckdb 1 "$in"
	else
		timed "$duck_name" $duckdb "$2" "$in"
	fi
	awk -v n="$duck_name-query" '$1 == "query" { print n, $2, 0 }' \
	    "$results.stderr" | sort -k2n | head -n 1 >>"$results"
}

r=1
while [ $r -le "$ROUNDS" ]; do
	# the runs a ratio compares come close together
	timed1 parse-only bench/parseonly "$in"
	timed acw ./agentev acw "$in"
	[ -z "$duckdb" ] || duck duckdb "$ncpu"
	[ -n "$QUICK" ] || timed acw-2x ./agentev acw "$data/2day.ndjson"
	[ -n "$QUICK" ] || timed acw-4x ./agentev acw "$data/4day.ndjson"
	timed1 jq-acw jq -r -f bench/acw.jq "$in"
	timed1 acw-j1 ./agentev -j 1 acw "$in"
	[ -z "$duckdb" ] || duck duckdb-j1 1
	timed1 summary-j1 ./agentev -j 1 summary "$in"
	timed1 status-j1a ./agentev -j 1 status "$in"
	timed1 adherence-j1 ./agentev -j 1 -A "$sched" adherence "$in"
	timed schedule-100k ./agentev -A "$data/sched100k.csv" adherence \
	    </dev/null
	timed1 acw-j1-o3 ./agentev -j 1 acw -o status="$results.o1" \
	    -o activity="$results.o2" -o summary="$results.o3" "$in"
	timed1 acw-j1-nomemo env AGENTEV_MEMO=0 ./agentev -j 1 acw "$in"
	timed acw-nomemo env AGENTEV_MEMO=0 ./agentev acw "$in"
	# -o: three more tables from the same pass, next to acw alone
	timed acw-o3 ./agentev acw -o status="$results.o1" \
	    -o activity="$results.o2" -o summary="$results.o3" "$in"
	for c in status events activity summary check; do
		[ -z "$QUICK" ] || break
		[ "$c" = summary ] || timed1 "$c-j1" ./agentev -j 1 "$c" "$in"
		timed "$c" ./agentev "$c" "$in"
	done
	# the varied input: memo on and off next to each other
	timed1 v-parse-only bench/parseonly "$varied"
	timed1 v-jq-acw jq -r -f bench/acw.jq "$varied"
	timed1 v-acw-j1 ./agentev -j 1 acw "$varied"
	timed1 v-acw-j1-nomemo env AGENTEV_MEMO=0 ./agentev -j 1 acw "$varied"
	timed v-acw ./agentev acw "$varied"
	timed v-acw-nomemo env AGENTEV_MEMO=0 ./agentev acw "$varied"
	[ -n "$BIG" ] && timed acw-big ./agentev acw "$data/big.ndjson"
	r=$((r + 1))
done

size() { [ -s "$1" ] && echo "$(wc -c <"$1") $(wc -l <"$1")" || echo "0 0"; }
awk -v rounds="$ROUNDS" -v day="$(size "$in")" -v ncpu="$ncpu" \
    -v twoday="$(size "$data/2day.ndjson")" -v big="$(size "$data/big.ndjson")" \
    -v fourday="$(size "$data/4day.ndjson")" -v load="$(cut -d' ' -f1-3 \
    /proc/loadavg 2>/dev/null)" \
    -v var="$(size "$varied")" '
function target(what, x, limit) {
	printf "  %-34s %5.2f  (<= %.2f)  %s\n", what, x, limit,
	    x <= limit ? "met" : "NOT met"
}
function middle(v, n,   i, j, t) {
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
		if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function median(name,   n, i, v) {
	n = count[name]
	for (i = 1; i <= n; i++) v[i] = secs[name, i]
	return middle(v, n)
}
# the median over rounds of a / b within each round (the machine drifts)
function ratio(a, b,   n, i, v) {
	n = count[a] < count[b] ? count[a] : count[b]
	for (i = 1; i <= n; i++) v[i] = secs[a, i] / secs[b, i]
	return middle(v, n)
}
{
	count[$1]++
	secs[$1, count[$1]] = $2
	if ($3 > rss[$1]) rss[$1] = $3
	if (!($1 in seen)) { seen[$1] = 1; order[++names] = $1 }
}
END {
	split(day, d, " "); split(twoday, d2, " "); split(big, db, " ")
	split(var, dv, " "); split(fourday, d4, " ")
	printf "input: %.1f MB, %d events (2x: %.1f MB; 4x: %.1f MB; " \
	    "big: %.1f MB; v- rows: varied, %.1f MB, %d events); medians " \
	    "of %d interleaved runs; load average at the end: %s\n\n",
	    d[1] / 1e6, d[2], d2[1] / 1e6, d4[1] / 1e6, db[1] / 1e6,
	    dv[1] / 1e6, dv[2], rounds, load
	printf "%-14s %8s %8s %10s %9s\n", "run", "seconds", "MB/s",
	    "events/s", "peak MiB"
	for (i = 1; i <= names; i++) {
		n = order[i]; m = median(n)
		b = n == "acw-2x" ? d2[1] : n == "acw-big" ? db[1] : d[1]
		e = n == "acw-2x" ? d2[2] : n == "acw-big" ? db[2] : d[2]
		if (n == "acw-4x") { b = d4[1]; e = d4[2] }
		if (n ~ /^v-/) { b = dv[1]; e = dv[2] }
		printf "%-14s %8.2f %8.1f %10.0f %9.1f\n", n, m, b / m / 1e6,
		    e / m, rss[n] / 1024
	}
	printf "\nratios, medians of the ratios within each round (target):\n"
	if ("duckdb" in seen) {
		target("acw -j1 / DuckDB 1 thread", ratio("acw-j1",
		    "duckdb-j1"), 0.8)
		target(sprintf("acw / DuckDB %d threads", ncpu),
		    ratio("acw", "duckdb"), 0.8)
		printf "  %-34s %5.2f  (DuckDB: the query alone, inside " \
		    "node)\n", "acw -j1 / DuckDB 1 thread", ratio("acw-j1",
		    "duckdb-j1-query")
		printf "  %-34s %5.2f  (DuckDB: the query alone, inside " \
		    "node)\n", sprintf("acw / DuckDB %d threads", ncpu),
		    ratio("acw", "duckdb-query")
		printf "  %-34s %5.1f MiB against DuckDB %.1f MiB\n",
		    "peak RSS, acw", rss["acw"] / 1024, rss["duckdb"] / 1024
	}
	target("summary -j1 / acw -j1", ratio("summary-j1", "acw-j1"), 1.15)
	target("adherence -A -j1 / status -j1", ratio("adherence-j1",
	    "status-j1a"), 1.10)
	printf "  %-34s %5.2f s  (100,000 segments read, no events)\n",
	    "-A load", median("schedule-100k")
	target("acw -j1 -o status,activity,summary / acw -j1",
	    ratio("acw-j1-o3", "acw-j1"), 1.15)
	target("acw -j1 / jq", ratio("acw-j1", "jq-acw"), 0.5)
	target("acw -j1 / parse-only", ratio("acw-j1", "parse-only"), 0.4)
	target("acw / jq", ratio("acw", "jq-acw"), 0.3)
	target("acw / parse-only", ratio("acw", "parse-only"), 0.6)
	target("acw -o status,activity,summary / acw",
	    ratio("acw-o3", "acw"), 1.15)
	printf "  %-34s %5.2f  (without the memo, for comparison)\n",
	    "acw -j1, memo on / off", ratio("acw-j1", "acw-j1-nomemo")
	printf "  %-34s %5.2f  (without the memo, for comparison)\n",
	    "acw, memo on / off", ratio("acw", "acw-nomemo")
	printf "varied input:\n"
	target("acw -j1, memo on / off", ratio("v-acw-j1", "v-acw-j1-nomemo"),
	    1.02)
	target("acw, memo on / off", ratio("v-acw", "v-acw-nomemo"), 1.02)
	printf "  %-34s %5.2f\n", "acw -j1 / jq",
	    ratio("v-acw-j1", "v-jq-acw")
	printf "  %-34s %5.2f\n", "acw -j1 / parse-only",
	    ratio("v-acw-j1", "v-parse-only")
	printf "  %-34s %5.2f\n", "acw / jq", ratio("v-acw", "v-jq-acw")
	# time grows with the input: seconds per byte on the longer input
	# against the day, within 10%
	if ("acw-2x" in seen) {
		x = ratio("acw-2x", "acw") / (d2[1] / d[1])
		printf "  %-34s %5.2f  (<= 1.10; %.2fx the time for %.2fx the " \
		    "bytes)  %s\n", "acw per byte, 2x input / day", x,
		    ratio("acw-2x", "acw"), d2[1] / d[1],
		    x <= 1.10 ? "met" : "NOT met"
	}
	if ("acw-4x" in seen) {
		printf "  %-34s %5.1f MiB (<= 32; acw on the day: %.1f MiB, " \
		    "on 2x: %.1f MiB)  %s\n", "peak RSS, acw on 4x input",
		    rss["acw-4x"] / 1024, rss["acw"] / 1024,
		    rss["acw-2x"] / 1024, rss["acw-4x"] <= 32 * 1024 &&
		    rss["acw-4x"] <= rss["acw"] * 1.25 ? "met" : "NOT met"
		x = ratio("acw-4x", "acw") / (d4[1] / d[1])
		printf "  %-34s %5.2f  (<= 1.10; %.2fx the time for %.2fx the " \
		    "bytes)  %s\n", "acw per byte, 4x input / day", x,
		    ratio("acw-4x", "acw"), d4[1] / d[1],
		    x <= 1.10 ? "met" : "NOT met"
	}
	if ("acw-big" in seen)
		printf "  %-34s %5.1f MiB (<= 64; %.2f GB stream)\n",
		    "peak RSS, acw on big", rss["acw-big"] / 1024, db[1] / 1e9
}' "$results"
[ -s "$results.percpu" ] && awk -v ncpu="$(echo $cpus | wc -w)" '
{
	t[$1] = t[$1] " " $2
	r = int((NR - 1) / ncpu); secs[r, (NR - 1) % ncpu] = $2
}
END {
	printf "\nparse-only on each CPU (seconds, by round); single-threaded " \
	    "runs count the faster CPU of each round:\n"
	for (c in t) printf "  %s:%s\n", c, t[c]
	# with the work split perfectly, the threaded run could take at
	# best 1 / (the sum of each CPU speed over the fastest one)
	for (i = 0; i <= r; i++) {
		best = secs[i, 0]
		for (c = 1; c < ncpu; c++) if (secs[i, c] < best) best = secs[i, c]
		cap = 0
		for (c = 0; c < ncpu; c++) cap += best / secs[i, c]
		printf "%s%.2f", i ? " " : "  at these speeds the best a threaded " \
		    "run can do is parse-only x ", 1 / cap
	}
	printf " (by round)\n"
}' "$results.percpu"
