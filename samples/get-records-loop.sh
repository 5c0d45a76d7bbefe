#!/bin/bash
# get-records-loop.sh: read a Kinesis data stream with `aws kinesis
# get-records` and write every page to standard output exactly as the CLI
# prints it, one page after another.  That is input agentev reads as it is:
#
#     samples/get-records-loop.sh my-agent-events | agentev acw
#
# usage: get-records-loop.sh [-fh] [-a TIME] [-c FILE] [-l LIMIT] [-s SHARD]
#                            [-t TYPE] STREAM [AWS-OPTION ...]
#
#   -a TIME   start shards at this time (AT_TIMESTAMP), e.g. 2026-11-04T00:00:00Z
#   -c FILE   checkpoint: continue each shard after the sequence number saved
#             in FILE ("SHARD SEQUENCE" lines) and save the last one read
#             after every page.  A cron job that runs the loop with the same
#             FILE reads every record once.
#   -f        follow: poll the shards round-robin for ever, like tail -f,
#             sleeping $POLL_SECONDS (default 1) after a round that found
#             no records.  It reads the shards named when it started; once they are all
#             closed (the stream was resharded) it stops, and a new run
#             (with the same -c FILE) reads the new shards.
#             Without -f each shard is read until it is caught up: a page
#             with no records and MillisBehindLatest 0 (an empty page while
#             still behind only means the next records are further on).
#   -h        print this help
#   -l LIMIT  records per page (get-records --limit; the service's default
#             is 10000)
#   -s SHARD  read only this shard (may be repeated); default: every shard
#             that list-shards names, in its order (parents before children)
#   -t TYPE   where a shard without a checkpoint starts: TRIM_HORIZON (the
#             default: the oldest record kept) or LATEST
#
# AWS-OPTIONs are given to every aws call: --region, --profile,
# --endpoint-url, ...  The command run is $AWS (default: aws), CLI v1 or v2.
# The loop always asks for `--output json`, whatever the profile's output
# setting, and reads NextShardIterator, MillisBehindLatest and the sequence
# numbers from the CLI's pretty-printed JSON (no jq needed).
#
# Throttling (ProvisionedThroughputExceededException and the like, after the
# CLI's own retries) is retried with the same iterator after 1, 2, 4 ... 32
# seconds, at most $MAX_RETRIES times in a row (default 10).  An expired
# iterator (ExpiredIteratorException, after 5 minutes, e.g. when the reader
# downstream blocked) is replaced by one AFTER_SEQUENCE_NUMBER of the last
# record written, so nothing is read twice or lost.  Other errors stop the
# loop with the CLI's message and exit status 1.  A page is written whole
# before the next call; when standard output fails the loop stops without
# saving a checkpoint beyond the pages written.

prog=get-records-loop
aws=${AWS:-aws}
max_retries=${MAX_RETRIES:-10}
poll=${POLL_SECONDS:-1}

usage() {
	sed -n 's/^# \{0,1\}//; 8,9p' "$0" >&2
	exit 2
}

help() {
	sed -n '/^[^#]/q; s/^# \{0,1\}//; 2,$p' "$0"
	exit 0
}

follow=0 at='' checkpoint='' limit=() type=TRIM_HORIZON shards=()
while getopts a:c:fl:s:t:h opt; do
	case $opt in
	a) at=$OPTARG ;;
	c) checkpoint=$OPTARG ;;
	f) follow=1 ;;
	l) limit=(--limit "$OPTARG") ;;
	s) shards+=("$OPTARG") ;;
	h) help ;;
	t)
		case $OPTARG in
		TRIM_HORIZON | LATEST) type=$OPTARG ;;
		*) echo "$prog: -t: TRIM_HORIZON or LATEST" >&2; exit 2 ;;
		esac
		;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || usage
stream=$1
shift
extra=("$@")

# The CLI must not page its output into less, whatever the profile says.
export AWS_PAGER=

tmp=$(mktemp -d "${TMPDIR:-/tmp}/$prog.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# kinesis OUT ARG...: run `aws kinesis ARG...` with its stdout in OUT,
# waiting out throttling.  Returns 0, 3 for an expired iterator, else 1.
kinesis() {
	local out=$1 delay=1 tries=0
	shift
	while :; do
		if "$aws" kinesis "$@" --output json "${extra[@]}" >"$out" 2>"$tmp/err"; then
			return 0
		fi
		if grep -Eq 'ProvisionedThroughputExceeded|LimitExceeded|Throttl' "$tmp/err"; then
			tries=$((tries + 1))
			if [ "$tries" -gt "$max_retries" ]; then
				cat "$tmp/err" >&2
				echo "$prog: still throttled after $max_retries retries" >&2
				return 1
			fi
			echo "$prog: throttled, retrying in ${delay}s" >&2
			sleep "$delay"
			[ "$delay" -ge 32 ] || delay=$((delay * 2))
			continue
		fi
		if grep -q ExpiredIteratorException "$tmp/err"; then
			return 3
		fi
		cat "$tmp/err" >&2
		return 1
	done
}

# Checkpoint: last sequence number written, per shard.
declare -A last
if [ -n "$checkpoint" ] && [ -f "$checkpoint" ]; then
	while read -r shard seq; do
		[ -n "$shard" ] && last[$shard]=$seq
	done <"$checkpoint"
fi

save_checkpoint() {
	[ -n "$checkpoint" ] || return 0
	local shard
	for shard in "${!last[@]}"; do
		printf '%s %s\n' "$shard" "${last[$shard]}"
	done | sort >"$checkpoint.tmp" && mv -f "$checkpoint.tmp" "$checkpoint"
}

# iterator SHARD: print a fresh shard iterator for SHARD.
iterator() {
	local shard=$1 start
	if [ -n "${last[$shard]}" ]; then
		start=(--shard-iterator-type AFTER_SEQUENCE_NUMBER
			--starting-sequence-number "${last[$shard]}")
	elif [ -n "$at" ]; then
		start=(--shard-iterator-type AT_TIMESTAMP --timestamp "$at")
	else
		start=(--shard-iterator-type "$type")
	fi
	kinesis "$tmp/iterator" get-shard-iterator --stream-name "$stream" \
		--shard-id "$shard" "${start[@]}" || return 1
	sed -n 's/^    "ShardIterator": "\(.*\)",\{0,1\}$/\1/p' "$tmp/iterator"
}

# page SHARD: one get-records call with iterator ${it[SHARD]}; writes the
# page to stdout and sets records, behind and it[SHARD] ("" once the shard
# is closed and read to its end).
declare -A it
page() {
	local shard=$1 rc seq
	while :; do
		kinesis "$tmp/page" get-records --shard-iterator "${it[$shard]}" \
			"${limit[@]}"
		rc=$?
		[ $rc = 3 ] || break
		echo "$prog: $shard: iterator expired, asking for a new one" >&2
		it[$shard]=$(iterator "$shard") && [ -n "${it[$shard]}" ] || return 1
	done
	[ $rc = 0 ] || return 1
	records=$(grep -c '^            "SequenceNumber": "' "$tmp/page")
	if [ "$records" = 0 ] && ! grep -q '^    "Records": \[\],\{0,1\}$' "$tmp/page"; then
		echo "$prog: cannot read the CLI's output (not --output json?):" >&2
		head -c 300 "$tmp/page" >&2
		return 1
	fi
	behind=$(sed -n 's/^    "MillisBehindLatest": \([0-9]*\).*/\1/p' "$tmp/page")
	it[$shard]=$(sed -n 's/^    "NextShardIterator": "\(.*\)",\{0,1\}$/\1/p' "$tmp/page")
	cat "$tmp/page" || exit 1
	if [ "$records" -gt 0 ]; then
		seq=$(sed -n 's/^            "SequenceNumber": "\([0-9]*\)",\{0,1\}$/\1/p' "$tmp/page" | tail -n 1)
		last[$shard]=$seq
		save_checkpoint || { echo "$prog: cannot save $checkpoint" >&2; exit 1; }
	fi
	return 0
}

if [ ${#shards[@]} = 0 ]; then
	kinesis "$tmp/shards" list-shards --stream-name "$stream" || exit 1
	mapfile -t shards < <(sed -n 's/^            "ShardId": "\(.*\)",\{0,1\}$/\1/p' "$tmp/shards")
	if [ ${#shards[@]} = 0 ]; then
		echo "$prog: $stream: no shards" >&2
		exit 1
	fi
fi

for shard in "${shards[@]}"; do
	it[$shard]=$(iterator "$shard") && [ -n "${it[$shard]}" ] || exit 1
done

if [ $follow = 0 ]; then
	for shard in "${shards[@]}"; do
		while [ -n "${it[$shard]}" ]; do
			page "$shard" || exit 1
			[ "$records" = 0 ] && [ "${behind:-0}" = 0 ] && break
		done
	done
	exit 0
fi

while :; do
	seen=0 open=0
	for shard in "${shards[@]}"; do
		[ -n "${it[$shard]}" ] || continue
		page "$shard" || exit 1
		seen=$((seen + records))
		[ -z "${it[$shard]}" ] || open=$((open + 1))
	done
	if [ $open = 0 ]; then
		echo "$prog: every shard read is closed (resharded?): run again for the new ones" >&2
		exit 0
	fi
	[ $seen -gt 0 ] || sleep "$poll"
done
