#!/bin/sh
# kinesis.sh: agentev against real `aws kinesis get-records` pages.
#
# Starts kinesalite (a Kinesis-compatible server, from npm, kept in
# .cache/kinesalite and installed there when missing) on a free loopback
# port, creates a stream of two shards, puts a generated day of agent events
# into it with `aws kinesis put-records` (partition key: the agent ARN), reads
# every shard back with samples/get-records-loop.sh (the README's recipe),
# and checks that agentev gives the same acw, status and events rows from the
# pages as from the NDJSON file.  The stream is read three times: in two
# halves by the README's cron job (a checkpoint file, agentev -S), through
# a wrapper that makes the CLI fail once with throttling and once with an
# expired iterator; whole, with the README's shorter loop (jq); and whole,
# with the CLI's other timestamp format (v2: cli_timestamp_format = wire,
# epoch arrival times; v1: iso8601).
#
# Needs node and npm, the AWS CLI (v1 or v2; $AWS, default aws), python3,
# bash and jq; .ci/kinesis-deps installs them on Debian.  Run by `make
# check-kinesis`, from the top of the tree; $AGENTEV is the program.
#
# usage: sh tests/kinesis.sh [--install]
#   --install: only install kinesalite into .cache/kinesalite when missing

KINESALITE_VERSION=3.3.3
STREAM=agent-events

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
: "${AGENTEV:=$top/agentev}"
: "${AWS:=aws}"
export AWS
export LC_ALL=C
cache=$top/.cache/kinesalite
started=$(date +%s)

say() {
	echo "kinesis: [$(($(date +%s) - started)) s] $*"
}

fail() {
	echo "kinesis: FAIL: $*" >&2
	exit 1
}

install_only=0
case ${1-} in
--install) install_only=1 ;;
'') ;;
*) echo "usage: sh tests/kinesis.sh [--install]" >&2; exit 2 ;;
esac

if [ $install_only = 1 ]; then
	tools="node npm"
else
	tools="node npm python3 bash jq $AWS"
	command -v "${AGENTEV%% *}" >/dev/null 2>&1 || fail "$AGENTEV: no such program (run make)"
fi
for tool in $tools; do
	command -v "$tool" >/dev/null 2>&1 ||
		fail "$tool not found (on Debian, run .ci/kinesis-deps as root)"
done

server='' step=''
tmp=$(mktemp -d "${TMPDIR:-/tmp}/agentev-kinesis.XXXXXX") || exit 2
cleanup() {
	[ -z "$step" ] || kill "$step" 2>/dev/null
	if [ -n "$server" ]; then
		kill "$server" 2>/dev/null
		wait "$server" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# bg COMMAND...: run COMMAND in the background and wait for it, so that a
# signal to this shell stops the test at once, not when COMMAND ends.
bg() {
	"$@" &
	step=$!
	wait $step
	set -- $?
	step=
	return "$1"
}

# kinesalite, installed into the git-ignored .cache when missing.  Its
# optional LevelDB back end (a native module) is not needed: the store is
# in memory.
if [ ! -f "$cache/node_modules/kinesalite/package.json" ]; then
	say "installing kinesalite $KINESALITE_VERSION into .cache/kinesalite"
	mkdir -p "$cache" || exit 1
	if ! bg npm install --prefix "$cache" --omit=optional --no-audit --no-fund \
		--loglevel=error "kinesalite@$KINESALITE_VERSION" >"$tmp/npm.log" 2>&1; then
		cat "$tmp/npm.log" >&2
		fail "npm install kinesalite"
	fi
fi
[ $install_only = 0 ] || exit 0

# Listen on port 0 of 127.0.0.1 so that the system picks a free port, and
# print it.  The server also stops by itself when this shell is gone, even
# after a kill -9 that skips the trap.
cat >"$tmp/server.js" <<'EOF'
var kinesalite = require(process.argv[2]), parent = +process.argv[3]
var server = kinesalite({createStreamMs: 10, deleteStreamMs: 10, updateStreamMs: 10})
server.listen(0, '127.0.0.1', function () {
  console.log(server.address().port)
})
setInterval(function () {
  try { process.kill(parent, 0) } catch (e) { process.exit(0) }
}, 1000)
EOF
node "$tmp/server.js" "$cache/node_modules/kinesalite" $$ >"$tmp/port" 2>"$tmp/server.log" &
server=$!
i=0
while [ ! -s "$tmp/port" ]; do
	kill -0 "$server" 2>/dev/null || { cat "$tmp/server.log" >&2; fail "kinesalite did not start"; }
	i=$((i + 1))
	[ $i -lt 300 ] || fail "kinesalite did not start within 30 s"
	sleep 0.1
done
port=$(cat "$tmp/port")
endpoint=http://127.0.0.1:$port

# Dummy credentials, no profile, and our own config file, so that nothing
# of the user's ~/.aws takes part.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN \
	AWS_CA_BUNDLE AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE AWS_DEFAULT_OUTPUT \
	AWS_ENDPOINT_URL AWS_ENDPOINT_URL_KINESIS
export AWS_ACCESS_KEY_ID=AKIAAGENTEVTEST00000
export AWS_SECRET_ACCESS_KEY=agentev-test-secret
export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
export AWS_CONFIG_FILE="$tmp/config"
export AWS_SHARED_CREDENTIALS_FILE="$tmp/credentials"
export AWS_EC2_METADATA_DISABLED=true AWS_PAGER=
printf '[default]\nregion = us-east-1\n' >"$AWS_CONFIG_FILE"

version=$("$AWS" --version 2>&1) || fail "$AWS --version: $version"
case $version in
aws-cli/1.*) major=1 other_format=iso8601 ;;
aws-cli/2.*) major=2 other_format=wire ;;
*) fail "unknown AWS CLI: $version" ;;
esac
say "kinesalite $KINESALITE_VERSION on $endpoint; $version"

kinesis() {
	"$AWS" kinesis "$@" --endpoint-url "$endpoint"
}

bg kinesis create-stream --stream-name $STREAM --shard-count 2 ||
	fail "create-stream"
bg kinesis wait stream-exists --stream-name $STREAM || fail "wait stream-exists"

bg python3 samples/gen.py --seed 8 --agents 20 --hours 8 >"$tmp/day.ndjson" ||
	fail "gen.py"
events=$(grep -c . "$tmp/day.ndjson")

# put-records batches: at most 500 records and 4.5 MB.  The day goes in in
# two halves (a, b), each agent's events in order.  CLI v2 takes blob
# arguments as base64 unless told --cli-binary-format raw-in-base64-out:
# half of the batches go each way.  CLI v1 takes raw text only (it does not
# know the option).
python3 - "$tmp/day.ndjson" "$tmp/batch" "$major" <<'EOF' || fail "making batches"
import base64, json, sys
path, prefix, major = sys.argv[1:]
with open(path, "rb") as f:
    lines = [l for l in f.read().split(b"\n") if l.strip()]
half = len(lines) // 2
number = 0
for part, chunk in (("a", lines[:half]), ("b", lines[half:])):
    batches, batch, size = [], [], 0
    for line in chunk:
        key = json.loads(line)["AgentARN"]
        n = len(line) + len(key)
        if batch and (len(batch) == 500 or size + n > 4500000):
            batches.append(batch)
            batch, size = [], 0
        batch.append((line, key))
        size += n
    batches.append(batch)
    for batch in batches:
        raw = major == "1" or number % 2 == 1
        records = [{"Data": line.decode("utf-8") if raw else
                    base64.b64encode(line).decode("ascii"),
                    "PartitionKey": key} for line, key in batch]
        name = "%s-%s-%03d-%s.json" % (prefix, part, number,
                                       "raw" if raw else "base64")
        with open(name, "w", encoding="utf-8") as f:
            json.dump(records, f, ensure_ascii=False)
        number += 1
EOF

put() {
	for batch in "$tmp"/batch-"$1"-*.json; do
		case $major:$batch in
		2:*-raw.json) set -- --cli-binary-format raw-in-base64-out ;;
		*) set -- ;;
		esac
		failed=$(kinesis put-records --stream-name $STREAM \
			--records "file://$batch" "$@" \
			--query FailedRecordCount --output text) ||
			fail "put-records $(basename "$batch")"
		[ "$failed" = 0 ] || fail "put-records $(basename "$batch"): $failed records failed"
	done
}

# A CLI that fails the 2nd get-records call with throttling and the 3rd
# with an expired iterator, as the real service can; the loop must retry
# the first and ask for a new iterator after the last record for the second.
cat >"$tmp/flaky-aws" <<EOF
#!/bin/sh
case " \$* " in
*" get-records "*)
	n=\$((\$(cat "$tmp/calls" 2>/dev/null || echo 0) + 1))
	echo \$n >"$tmp/calls"
	case \$n in
	2)
		echo "An error occurred (ProvisionedThroughputExceededException) when calling the GetRecords operation (reached max retries: 2): Rate exceeded for shard shardId-000000000000 in stream $STREAM under account 123456789012." >&2
		exit 254 ;;
	3)
		echo "An error occurred (ExpiredIteratorException) when calling the GetRecords operation: Iterator expired." >&2
		exit 254 ;;
	esac ;;
esac
exec "$AWS" "\$@"
EOF
chmod +x "$tmp/flaky-aws"

# Read 1: the first half, then the second, by the README's cron job: the
# loop's pages since the checkpoint into batch.json, that through agentev
# -S, and only then the checkpoint moves on.  Pages of at most 1000 records.
mkdir "$tmp/job" || exit 1
job() {
	cd "$tmp/job" || return 1
	# --- README (but -l 1000, the endpoint, and acw too) ---
	cp kinesis.ckpt kinesis.ckpt.new 2>/dev/null
	bash "$top/samples/get-records-loop.sh" -c kinesis.ckpt.new -l 1000 \
		$STREAM --endpoint-url "$endpoint" >batch.json 2>>"$tmp/loop.log" &&
	$AGENTEV status -H -S status.state batch.json >>status.csv &&
	$AGENTEV acw -H -S acw.state batch.json >>acw.csv &&
	mv kinesis.ckpt.new kinesis.ckpt
	# --- end ---
}
bg put a || exit 1
say "put the first half"
real_aws=$AWS
AWS=$tmp/flaky-aws
bg job || { cat "$tmp/loop.log" >&2; fail "cron job, first half"; }
AWS=$real_aws
cp "$tmp/job/batch.json" "$tmp/pages-1a"
say "read the first half"
bg put b || exit 1
say "put the second half"
bg job || { cat "$tmp/loop.log" >&2; fail "cron job, second half"; }
cat "$tmp/pages-1a" "$tmp/job/batch.json" >"$tmp/pages-1"
say "read the second half"
grep -q 'throttled, retrying' "$tmp/loop.log" || fail "the loop did not retry throttling"
grep -q 'iterator expired' "$tmp/loop.log" || fail "the loop did not renew an expired iterator"
[ "$(grep -c '^shardId-' "$tmp/job/kinesis.ckpt")" = 2 ] ||
	fail "checkpoint: $(cat "$tmp/job/kinesis.ckpt")"

# Read 3: the README's loop with jq, verbatim but for the endpoint and the
# files' directory.
aws() {
	command "$AWS" "$@" --endpoint-url "$endpoint"
}
readme_loop() {
	mkdir "$tmp/readme" && cd "$tmp/readme" || return 1
	# --- README ---
	for shard in $(aws kinesis list-shards --stream-name agent-events \
	                   --query 'Shards[].ShardId' --output text); do
	    it=$(aws kinesis get-shard-iterator --stream-name agent-events \
	            --shard-id "$shard" --shard-iterator-type TRIM_HORIZON \
	            --query ShardIterator --output text)
	    while :; do
	        aws kinesis get-records --shard-iterator "$it" --output json >page.json || break
	        cat page.json >>pages.json
	        it=$(jq -r '.NextShardIterator // empty' page.json)
	        [ -n "$it" ] || break                      # shard closed and read
	        jq -e '(.Records | length) == 0 and .MillisBehindLatest == 0' \
	            page.json >/dev/null && break          # caught up
	    done
	done
	# --- end ---
	mv pages.json "$tmp/pages-3"
}
bg readme_loop 2>"$tmp/loop-3.log" || { cat "$tmp/loop-3.log" >&2; fail "the README's loop"; }
[ ! -s "$tmp/loop-3.log" ] || { cat "$tmp/loop-3.log" >&2; fail "the README's loop: messages"; }
say "read everything with the README's loop"

# Read 2: everything at once, with the other timestamp format.
printf '[default]\nregion = us-east-1\ncli_timestamp_format = %s\n' "$other_format" >"$tmp/config-other"
AWS_CONFIG_FILE=$tmp/config-other
bg bash samples/get-records-loop.sh $STREAM --endpoint-url "$endpoint" >>"$tmp/pages-2" 2>"$tmp/loop-2.log" ||
	{ cat "$tmp/loop-2.log" >&2; fail "get-records loop, $other_format"; }

say "read everything again, cli_timestamp_format = $other_format"
iso='^            "ApproximateArrivalTimestamp": "[0-9]{4}-[0-9]{2}-[0-9]{2}T'
epoch='^            "ApproximateArrivalTimestamp": [0-9]+(\.[0-9]+)?,$'
if [ $major = 2 ]; then
	first=$iso second=$epoch
else
	first=$epoch second=$iso
fi
grep -Eq "$first" "$tmp/pages-1" || fail "pages-1: arrival times not in the CLI's default format"
grep -Eq "$second" "$tmp/pages-2" || fail "pages-2: arrival times not $other_format"

for command in acw status events; do
	$AGENTEV $command "$tmp/day.ndjson" >"$tmp/want" 2>"$tmp/want-$command.err"
	echo $? >"$tmp/want-$command.rc"
	rows=$(($(wc -l <"$tmp/want") - 1))
	[ $rows -gt 100 ] || fail "agentev $command: only $rows rows from the NDJSON"
	sort "$tmp/want" >"$tmp/want-$command"
done

# piped PAGES COMMAND: agentev COMMAND reading PAGES from a pipe.
piped() {
	# shellcheck disable=SC2002
	cat "$1" | $AGENTEV "$2"
}

for n in 1 2 3; do
	pages=$tmp/pages-$n
	got=$(grep -c '^            "SequenceNumber": "' "$pages")
	[ "$got" = "$events" ] || fail "pages-$n: $got records, expected $events"
	empty=$(grep -c '^    "Records": \[\],$' "$pages")
	say "pages-$n: $(grep -c '^    "NextShardIterator"' "$pages") pages ($empty empty), $got records, $(wc -c <"$pages") bytes"
	# Every record's Data is one line of the day, byte for byte.
	python3 - "$pages" "$tmp/day.ndjson" <<'EOF' || fail "pages-$n: Data differ from the events put"
import base64, re, sys
pages, day = sys.argv[1:]
with open(pages, encoding="ascii") as f:
    data = re.findall(r'^            "Data": "([^"]*)"', f.read(), re.M)
got = sorted(base64.b64decode(d) for d in data)
with open(day, "rb") as f:
    want = sorted(l for l in f.read().split(b"\n") if l.strip())
sys.exit(got != want)
EOF
	for command in acw status events; do
		want_rc=$(cat "$tmp/want-$command.rc")
		# Through a pipe, as from the loop, and as a file argument.
		if [ $n = 1 ]; then
			bg piped "$pages" $command
		else
			# shellcheck disable=SC2086
			bg $AGENTEV $command "$pages"
		fi >"$tmp/got" 2>"$tmp/got.err"
		got_rc=$?
		[ "$got_rc" = "$want_rc" ] ||
			{ cat "$tmp/got.err" >&2; fail "pages-$n: agentev $command exit status $got_rc, from NDJSON $want_rc"; }
		# What the NDJSON gives without a word must give none from pages.
		if [ ! -s "$tmp/want-$command.err" ] && [ -s "$tmp/got.err" ]; then
			head -5 "$tmp/got.err" >&2
			fail "pages-$n: agentev $command: messages on stderr"
		fi
		sort "$tmp/got" >"$tmp/got.sorted"
		cmp -s "$tmp/want-$command" "$tmp/got.sorted" || {
			diff "$tmp/want-$command" "$tmp/got.sorted" | head -20 >&2
			fail "pages-$n: agentev $command rows differ from the NDJSON's"
		}
		say "pages-$n: agentev $command: $(($(wc -l <"$tmp/got") - 1)) rows, same as from NDJSON"
	done
done

# The cron job's two runs with -S give the rows of one run over the day,
# but for the intervals still open at its end.
for command in acw status; do
	$AGENTEV $command -H "$tmp/day.ndjson" | grep -v ',OPEN$' | sort >"$tmp/want"
	sort "$tmp/job/$command.csv" >"$tmp/got"
	cmp -s "$tmp/want" "$tmp/got" || {
		diff "$tmp/want" "$tmp/got" | head -20 >&2
		fail "agentev $command -S over the two cron runs: rows differ"
	}
	say "pages-1, two cron runs with -S: agentev $command: $(wc -l <"$tmp/got") rows, same as from NDJSON"
done

say ok
