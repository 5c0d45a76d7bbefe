#!/bin/sh
# recipes.sh: the README's recipes for agentev's tables: loading the CSV into
# SQLite (.import --csv) and PostgreSQL (\copy ... CSV HEADER), and the jq
# and awk follow-ups, checked against the CSV read by Python's csv module.
# Each part is skipped (with a note) when its tool is not installed;
# PostgreSQL runs in a throw-away cluster on a Unix socket in a temporary
# directory (as user postgres when run as root).  Keep the commands in step
# with the README.

: "${AGENTEV:=$(pwd)/agentev}"
export LC_ALL=C
top=$(pwd)
dir=$(mktemp -d "${TMPDIR:-/tmp}/agentev-recipes.XXXXXX") || exit 2
pgctl='' pgdata='' pguser=''
# shellcheck disable=SC2317
cleanup() {
	if [ -n "$pgctl" ]; then
		as_pg "$pgctl" -D "$pgdata" -m immediate -w stop >/dev/null 2>&1
	fi
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
	echo "recipes: $*" >&2
	exit 1
}

note() {
	echo "recipes: $*"
}

# as_pg COMMAND...: run COMMAND as the PostgreSQL server's user.
as_pg() {
	if [ -n "$pguser" ]; then
		runuser -u "$pguser" -- "$@"
	else
		"$@"
	fi
}

python3 samples/gen.py --seed 16 --agents 4 --hours 6 >"$dir/day.ndjson" || fail "gen.py"
cd "$dir" || exit 2
$AGENTEV acw day.ndjson >acw.csv || fail "agentev acw"
$AGENTEV status day.ndjson >status.csv || fail "agentev status"

# What the tables hold, from Python's csv module: rows, open ACWs, ACW count
# and total (ms) of closed ones per agent, rows per status, queue names with
# a comma.
python3 - <<'EOF' >want || fail "reading the CSV"
import csv
from collections import Counter, defaultdict
with open("acw.csv", newline="") as f:
    acw = list(csv.DictReader(f))
with open("status.csv", newline="") as f:
    status = list(csv.DictReader(f))
closed = [r for r in acw if r["ended_by"] != "OPEN"]
print("rows", len(acw))
print("open", len(acw) - len(closed))
print("comma", sum("," in r["queue"] for r in acw))
per = defaultdict(lambda: [0, 0])
for r in closed:
    per[r["username"]][0] += 1
    per[r["username"]][1] += round(float(r["duration_s"]) * 1000)
for user in sorted(per):
    print("agent", user, per[user][0], per[user][1])
for name, n in sorted(Counter(r["status"] for r in status).items()):
    print("status", name, n)
long = sorted((r["username"], r["contact_id"], r["duration_s"]) for r in closed
              if float(r["duration_s"]) > 120)
for row in long:
    print("long", *row)
EOF
grep -q '^status Coaching "1:1" ' want || fail "no quoted status name in the sample"
[ "$(sed -n 's/^comma //p' want)" -gt 0 ] || fail "no queue name with a comma in the sample"
[ "$(sed -n 's/^open //p' want)" -gt 0 ] || fail "no open ACW in the sample"
grep '^long ' want >want.long
[ -s want.long ] || fail "no ACW over 120 s in the sample"

# SQLite
if command -v sqlite3 >/dev/null 2>&1; then
	# --- README ---
	sqlite3 agentev.db <<'EOF' >sqlite.out || fail "sqlite3: the README's commands failed"
CREATE TABLE IF NOT EXISTS acw (
    agent_arn TEXT, username TEXT, contact_id TEXT, channel TEXT,
    initiation_method TEXT, queue TEXT, acw_start TEXT, acw_end TEXT,
    duration_s REAL, ended_by TEXT);
.import --csv --skip 1 acw.csv acw
UPDATE acw SET acw_end = NULL, duration_s = NULL WHERE ended_by = 'OPEN';
SELECT username, count(*) AS contacts, round(avg(duration_s), 1) AS mean_acw_s
FROM acw WHERE ended_by <> 'OPEN' GROUP BY username ORDER BY mean_acw_s DESC;
EOF
	sqlite3 agentev.db '.import --csv status.csv status' || fail "sqlite3: .import into a new table"
	# --- end ---
	sqlite3 -separator ' ' agentev.db >got <<'EOF' || fail "sqlite3 queries"
SELECT 'rows', count(*) FROM acw;
SELECT 'open', count(*) FROM acw WHERE acw_end IS NULL AND duration_s IS NULL;
SELECT 'comma', count(*) FROM acw WHERE queue LIKE '%,%';
SELECT 'agent', username, count(*), CAST(round(sum(duration_s) * 1000) AS INTEGER)
FROM acw WHERE ended_by <> 'OPEN' GROUP BY username ORDER BY username;
SELECT 'status', status, count(*) FROM status GROUP BY status ORDER BY status;
SELECT 'long', username, contact_id, printf('%.3f', duration_s) FROM acw
WHERE duration_s > 120 ORDER BY 2, 3, 4;
EOF
	diff want got >&2 || fail "sqlite3: the tables differ from the CSV"
	note "sqlite3 $(sqlite3 --version | cut -d' ' -f1): ok"
else
	note "no sqlite3: SQLite recipe not tested"
fi

# PostgreSQL: initdb and pg_ctl from the server package, psql.
bindir=
if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
	bindir=$(pg_config --bindir)
else
	for d in /usr/lib/postgresql/*/bin; do
		[ -x "$d/initdb" ] && bindir=$d
	done
fi
if [ -z "$bindir" ] || ! command -v psql >/dev/null 2>&1; then
	note "no PostgreSQL server or psql: PostgreSQL recipe not tested"
elif [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
	note "root without a postgres user: PostgreSQL recipe not tested"
else
	[ "$(id -u)" = 0 ] && pguser=postgres
	pgdata=$dir/pg
	mkdir "$pgdata" "$dir/sock" || exit 1
	if [ -n "$pguser" ]; then
		chmod 755 "$dir" && chown "$pguser" "$pgdata" "$dir/sock" || exit 1
	fi
	as_pg "$bindir/initdb" -D "$pgdata" -U agentev --auth=trust -E UTF8 \
		--no-locale --no-sync >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; fail "initdb"; }
	pgctl=$bindir/pg_ctl
	as_pg "$pgctl" -D "$pgdata" -l "$dir/sock/log" -w \
		-o "-c listen_addresses= -k $dir/sock -c fsync=off" start >/dev/null ||
		{ cat "$dir/sock/log" >&2; fail "pg_ctl start"; }
	PGHOST=$dir/sock PGUSER=agentev PGDATABASE=postgres
	export PGHOST PGUSER PGDATABASE
	unset PGPORT PGPASSWORD PGSERVICE
	# --- README ---
	psql -q -v ON_ERROR_STOP=1 >/dev/null <<'EOF' || fail "psql: the README's commands failed"
CREATE TABLE IF NOT EXISTS acw (
    agent_arn text, username text, contact_id text, channel text,
    initiation_method text, queue text, acw_start timestamptz,
    acw_end timestamptz, duration_s numeric(12,3), ended_by text);
\copy acw FROM 'acw.csv' CSV HEADER
SELECT channel, count(*), avg(duration_s)::numeric(8,1) AS mean_acw_s
FROM acw GROUP BY channel;
EOF
	# --- end ---
	psql -q -v ON_ERROR_STOP=1 -c 'CREATE TABLE acw2 (LIKE acw)' || fail "psql"
	# --- README ---
	$AGENTEV acw day.ndjson | psql -q -c '\copy acw2 FROM pstdin CSV HEADER' ||
		fail "psql: \\copy from a pipe"
	# --- end ---
	psql -q -v ON_ERROR_STOP=1 -c 'CREATE TABLE status (agent_arn text, username text, status text, status_type text, start timestamptz, "end" timestamptz, duration_s numeric(12,3), ended_by text)' \
		-c "\\copy status FROM 'status.csv' CSV HEADER" || fail "psql: status"
	psql -At -F ' ' -v ON_ERROR_STOP=1 >got <<'EOF' || fail "psql queries"
SELECT 'rows', count(*) FROM acw;
SELECT 'open', count(*) FROM acw WHERE acw_end IS NULL AND duration_s IS NULL;
SELECT 'comma', count(*) FROM acw WHERE queue LIKE '%,%';
SELECT 'agent', username, count(*), sum(duration_s * 1000)::bigint
FROM acw WHERE ended_by <> 'OPEN' GROUP BY username ORDER BY username COLLATE "C";
SELECT 'status', status, count(*) FROM status GROUP BY status ORDER BY status COLLATE "C";
SELECT 'long', username, contact_id, duration_s FROM acw WHERE duration_s > 120
ORDER BY username COLLATE "C", contact_id COLLATE "C", duration_s;
EOF
	diff want got >&2 || fail "psql: the tables differ from the CSV"
	# The times are real timestamps: ACW end - start = duration.
	bad=$(psql -At -c "SELECT count(*) FROM acw WHERE ended_by <> 'OPEN' AND extract(epoch FROM acw_end - acw_start)::numeric(12,3) <> duration_s")
	[ "$bad" = 0 ] || fail "psql: $bad rows where end - start is not duration_s"
	same=$(psql -At -c "SELECT count(*) FROM (SELECT * FROM acw EXCEPT ALL SELECT * FROM acw2) d")
	[ "$same" = 0 ] || fail "psql: \\copy from a pipe gives other rows"
	note "$(psql -At -c 'SHOW server_version' | cut -d' ' -f1): ok"
fi

# jq and awk follow-ups
if command -v jq >/dev/null 2>&1; then
	# --- README ---
	$AGENTEV acw -f json day.ndjson | jq -r 'select(.duration_s > 120) | [.username, .contact_id, .duration_s] | @tsv' >long.tsv ||
		fail "jq: ACW over two minutes"
	$AGENTEV acw -f json day.ndjson | jq -c 'select(.ended_by == "OPEN")' >open.json ||
		fail "jq: open ACW"
	# --- end ---
	# jq prints 93.070 as 93.07: compare numbers as numbers.
	awk -F '\t' '{ printf "long %s %s %.3f\n", $1, $2, $3 }' long.tsv | sort >got
	diff want.long got >&2 || fail "jq: ACW over two minutes differ"
	[ "$(wc -l <open.json)" = "$(sed -n 's/^open //p' want)" ] || fail "jq: open ACW differ"
	note "jq: ok"
else
	note "no jq: jq recipes not tested"
fi
# --- README ---
$AGENTEV acw -f tsv -H day.ndjson |
    awk -F '\t' '$10 != "OPEN" { n[$2]++; t[$2] += $9 }
        END { for (u in n) printf "%s\t%d\t%.1f\n", u, n[u], t[u] / n[u] }' >mean.tsv
# --- end ---
python3 - <<'EOF' || fail "awk: mean ACW per agent differs"
import csv, sys
rows = {}
for line in open("want"):
    f = line.split()
    if f[0] == "agent":
        rows[f[1]] = "%d\t%.1f" % (int(f[2]), int(f[3]) / 1000 / int(f[2]))
got = {}
for line in open("mean.tsv"):
    user, n, mean = line.rstrip("\n").split("\t")
    got[user] = n + "\t" + mean
sys.exit(got != rows)
EOF
cd "$top" || exit 1
exit 0
