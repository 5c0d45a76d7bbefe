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
# "No slower than before": the agentev of BASELINE (a416dfc, the code
# issue 25 was measured on) is built from git into .cache/baseline-REV
# and timed on the varied input beside this one, -j 1 and all cores.
# Without git history (a tarball) those lines are left out.
#
# A busy machine is no evidence: when the load average at the start is
# above 0.5 (or INSTR=1), the bench says so and also counts instructions
# (valgrind --tool=callgrind, on the first 40,000 events of each input)
# for the ratios between agentev's own runs, and every table gives the
# CPU seconds (user + system) beside the wall seconds.
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
BASELINE=${BASELINE:-a416dfc}
load0=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)
busy=$(awk -v l="$load0" 'BEGIN { print (l > 0.5) }')
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

# one timed run: NAME COMMAND...; appends "NAME seconds maxrss_kb
# cpu_seconds" to $out
out=$results
timed() {
	name=$1
	shift
	/usr/bin/time -f "$name %e %M %U %S" -o "$results.one" "$@" >/dev/null \
	    2>>"$results.stderr" ||
	    { echo "bench: $name failed" >&2; exit 1; }
	awk '{ print $1, $2, $3, $4 + $5 }' "$results.one" >>"$out"
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
no_duckdb=
pkg=@duckdb/node-api@$DUCKDB_VERSION
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	no_duckdb="no node and npm"
elif [ ! -f "$duckdb_module/package.json" ] && ! { mkdir -p "$cache" &&
    timeout 600 npm install --prefix "$cache" --no-audit --no-fund \
    --loglevel=error "$pkg" >"$results.npm" \
    2>&1; }; then
	no_duckdb="cannot install $pkg from the npm registry"
	tail -n 3 "$results.npm" | sed 's/^/  /'
elif ! ddv=$(node bench/duckdb-acw.js "$duckdb_module" version \
    2>"$results.npm") || [ -z "$ddv" ]; then
	# a cache left half installed, or built for another node
	no_duckdb="DuckDB in $cache does not run (rm -rf $cache installs it again)"
	tail -n 3 "$results.npm" | sed 's/^/  /'
else
	duckdb="node bench/duckdb-acw.js $duckdb_module"
	echo "DuckDB baseline: DuckDB $ddv, @duckdb/node-api" \
	    "$(node -p "require('$duckdb_module/package.json').version")," \
	    "node $(node --version)"
fi
[ -z "$no_duckdb" ] || echo "bench: $no_duckdb: DuckDB is left out"
echo
ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)

# the agentev of $BASELINE, for the varied input's "no slower than before"
base=
base_dir=.cache/baseline-$BASELINE
if [ -x "$base_dir/agentev" ]; then
	base=$base_dir/agentev
elif git rev-parse -q --verify "$BASELINE^{commit}" >/dev/null 2>&1; then
	rm -rf "$base_dir" && mkdir -p "$base_dir" &&
	    git archive "$BASELINE" | tar -x -C "$base_dir" &&
	    make -s -C "$base_dir" agentev >"$results.base" 2>&1 &&
	    base=$base_dir/agentev ||
	    { echo "bench: cannot build agentev $BASELINE:" \
	    "the baseline is left out"; tail -n 3 "$results.base"; }
else
	echo "bench: no git history with $BASELINE: the baseline is left out"
fi
if [ -n "$base" ]; then
	echo "baseline: agentev $BASELINE ($($base -V 2>&1 | head -n 1))," \
	    "built into $base_dir"
	"$base" acw "$varied" >"$results.b1" 2>&1 || true
	./agentev acw "$varied" >"$results.b2" 2>&1 || true
	cmp -s "$results.b1" "$results.b2" &&
	    echo "baseline on $(basename "$varied"): the same acw rows, byte" \
	    "for byte" ||
	    echo "bench: agentev $BASELINE writes other acw rows on" \
	    "$(basename "$varied") than this one"
fi

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
	for t in 1 "$ncpu"; do
		$duckdb "$t" "$f" 2>"$results.dderr" | LC_ALL=C sort \
		    >"$results.dd"
		cmp -s "$results.jq" "$results.dd" || {
			cat "$results.dderr" >&2
			echo "bench: DuckDB ($t threads) and jq disagree on" \
			    "ACW rows" >&2
			exit 1
		}
	done
	echo "DuckDB baseline on $(basename "$f"): the same $(wc -l \
	    <"$results.dd") rows as jq, with 1 and $ncpu threads"
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
	awk -v n="$duck_name-query" '$1 == "query" { print n, $2, 0, 0 }' \
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
	[ -z "$base" ] || timed1 v-acw-j1-base "$base" -j 1 acw "$varied"
	[ -z "$base" ] || timed v-acw-base "$base" acw "$varied"
	[ -n "$BIG" ] && timed acw-big ./agentev acw "$data/big.ndjson"
	r=$((r + 1))
done

size() { [ -s "$1" ] && echo "$(wc -c <"$1") $(wc -l <"$1")" || echo "0 0"; }
awk -v rounds="$ROUNDS" -v day="$(size "$in")" -v ncpu="$ncpu" \
    -v twoday="$(size "$data/2day.ndjson")" -v big="$(size "$data/big.ndjson")" \
    -v fourday="$(size "$data/4day.ndjson")" -v load="$(cut -d' ' -f1-3 \
    /proc/loadavg 2>/dev/null)" -v load0="$load0" -v busy="$busy" \
    -v noduck="$no_duckdb" -v baseline="$BASELINE" \
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
function cpu_median(name,   n, i, v) {
	n = count[name]
	for (i = 1; i <= n; i++) v[i] = cpu[name, i]
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
	cpu[$1, count[$1]] = $4
	if (!($1 in seen)) { seen[$1] = 1; order[++names] = $1 }
}
END {
	split(day, d, " "); split(twoday, d2, " "); split(big, db, " ")
	split(var, dv, " "); split(fourday, d4, " ")
	printf "input: %.1f MB, %d events (2x: %.1f MB; 4x: %.1f MB; " \
	    "big: %.1f MB; v- rows: varied, %.1f MB, %d events); medians " \
	    "of %d interleaved runs; load average at the start %s, at the " \
	    "end: %s\n\n", d[1] / 1e6, d[2], d2[1] / 1e6, d4[1] / 1e6,
	    db[1] / 1e6, dv[1] / 1e6, dv[2], rounds, load0, load
	if (busy)
		printf "THE MACHINE IS BUSY (load average %s at the start): " \
		    "wall times are no evidence;\nsee the CPU seconds and " \
		    "the instruction counts below.\n\n", load0
	printf "%-14s %8s %8s %10s %9s %8s\n", "run", "seconds", "MB/s",
	    "events/s", "peak MiB", "CPU s"
	for (i = 1; i <= names; i++) {
		n = order[i]; m = median(n)
		b = n == "acw-2x" ? d2[1] : n == "acw-big" ? db[1] : d[1]
		e = n == "acw-2x" ? d2[2] : n == "acw-big" ? db[2] : d[2]
		if (n == "acw-4x") { b = d4[1]; e = d4[2] }
		if (n ~ /^v-/) { b = dv[1]; e = dv[2] }
		if (n ~ /-query$/)
			printf "%-14s %8.2f %8.1f %10.0f %9s %8s\n", n, m,
			    b / m / 1e6, e / m, "-", "-"
		else
			printf "%-14s %8.2f %8.1f %10.0f %9.1f %8.2f\n", n, m,
			    b / m / 1e6, e / m, rss[n] / 1024, cpu_median(n)
		if (n !~ /^(duckdb|jq|parse|v-)/ && n !~ /-(2x|4x|big)$/ &&
		    rss[n] > dayrss)
			dayrss = rss[n]
	}
	printf "\nratios, medians of the ratios within each round (target):\n"
	if ("duckdb" in seen) {
		target("acw -j1 / DuckDB 1 thread", ratio("acw-j1",
		    "duckdb-j1"), 0.8)
		target(sprintf("acw / DuckDB %d threads", ncpu),
		    ratio("acw", "duckdb"), 0.8)
		printf "  the query alone, timed inside node (no start of " \
		    "node, no loading of DuckDB):\n"
		target("acw -j1 / DuckDB 1 thread, query", ratio("acw-j1",
		    "duckdb-j1-query"), 0.8)
		target(sprintf("acw / DuckDB %d threads, query", ncpu),
		    ratio("acw", "duckdb-query"), 0.8)
		printf "  CPU seconds (user + system), medians:\n"
		x = cpu_median("acw-j1") / cpu_median("duckdb-j1")
		target("acw -j1 / DuckDB 1 thread, CPU", x, 0.8)
		x = cpu_median("acw") / cpu_median("duckdb")
		target(sprintf("acw / DuckDB %d threads, CPU", ncpu), x, 0.8)
		printf "  %-34s %5.1f MiB against DuckDB %.1f MiB\n",
		    "peak RSS, acw", rss["acw"] / 1024, rss["duckdb"] / 1024
	} else
		printf "  (no DuckDB lines: %s)\n", noduck
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
	printf "  %-34s %5.1f MiB (<= 32; the most of any agentev run on " \
	    "the day)  %s\n", "peak RSS on the day", dayrss / 1024,
	    dayrss <= 32 * 1024 ? "met" : "NOT met"
	printf "varied input:\n"
	if ("v-acw-j1-base" in seen) {
		target(sprintf("acw -j1 / agentev %s -j1", baseline),
		    ratio("v-acw-j1", "v-acw-j1-base"), 1.00)
		target(sprintf("acw / agentev %s", baseline),
		    ratio("v-acw", "v-acw-base"), 1.00)
	} else
		printf "  (no baseline %s: no line against it)\n", baseline
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
	if ("acw-2x" in seen || "acw-4x" in seen)
		printf "longer inputs (the day generated for 2 and 4 days):\n"
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
}' "$results" | tee "$results.report"
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

# Instructions, which a busy machine does not change: agentev's own ratios
# counted by callgrind on the first 40,000 events of each input.
if { [ "$busy" = 1 ] || [ -n "$INSTR" ]; } && command -v valgrind >/dev/null
then
	head -n 40000 "$in" >"$results.day"
	head -n 40000 "$varied" >"$results.var"
	count() {	# count NAME COMMAND...: "NAME instructions" to $results.ir
		n=$1
		shift
		valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" \
		    >/dev/null 2>"$results.vg" || true
		awk -v n="$n" '/Collected :/ { print n, $NF }' "$results.vg" \
		    >>"$results.ir"
	}
	: >"$results.ir"
	count acw ./agentev -j 1 acw "$results.day"
	count summary ./agentev -j 1 summary "$results.day"
	count acw-o3 ./agentev -j 1 acw -o status="$results.o1" \
	    -o activity="$results.o2" -o summary="$results.o3" "$results.day"
	count status ./agentev -j 1 status "$results.day"
	count adherence ./agentev -j 1 -A "$sched" adherence "$results.day"
	count v-acw ./agentev -j 1 acw "$results.var"
	[ -z "$base" ] || count v-acw-base "$base" -j 1 acw "$results.var"
	awk -v baseline="$BASELINE" '
	function target(what, x, limit) {
		printf "  %-34s %5.3f  (<= %.2f)  %s\n", what, x, limit,
		    x <= limit ? "met" : "NOT met"
	}
	{ ir[$1] = $2 }
	END {
		printf "\ninstructions (callgrind, -j 1, the first 40,000 " \
		    "events; DuckDB is not counted: its ratios rest on CPU " \
		    "seconds):\n"
		for (n in ir) printf "  %-12s %15.0f\n", n, ir[n]
		target("summary / acw", ir["summary"] / ir["acw"], 1.15)
		target("acw -o status,activity,summary / acw",
		    ir["acw-o3"] / ir["acw"], 1.15)
		target("adherence -A / status", ir["adherence"] / ir["status"],
		    1.10)
		if ("v-acw-base" in ir)
			target(sprintf("varied acw / agentev %s", baseline),
			    ir["v-acw"] / ir["v-acw-base"], 1.00)
	}' "$results.ir" | tee -a "$results.report"
fi
not=$(grep -c ' NOT met$' "$results.report" || true)
met=$(($(grep -c ' met$' "$results.report" || true) - not))
echo
echo "targets: $met met, $not not met$([ "$busy" = 1 ] &&
    echo " (a busy machine: the wall-clock verdicts are no evidence)")"
