#!/bin/sh
# split-by-agent: all of one agent's events live in one shard, so runs per
# shard compose: the day split by agent into four files, one agentev per
# file run in parallel (xargs -P, as GNU parallel would), outputs
# concatenated, gives the rows of one run (sorted: agents interleave).
# Not summary: the time of an agent still logged in at the end counts up
# to the clock, the newest EventTimestamp, which is each run's own.
set -e
d=$(mktemp -d "${TMP:-/tmp}/byagent.XXXXXX")
python3 samples/gen.py --seed 21 --agents 10 --hours 8 >"$d/day.ndjson"
# the shard of an event: a hash of its AgentARN, like a partition key
awk -v dir="$d" '{
	match($0, /"AgentARN":"[^"]*"/)
	key = substr($0, RSTART, RLENGTH); h = 0
	for (i = 1; i <= length(key); i++)
		h = (h * 31 + index("0123456789abcdef-/:", substr(key, i, 1))) % 4
	print > (dir "/shard-" h ".ndjson")
}' "$d/day.ndjson"
[ "$(ls "$d"/shard-*.ndjson | wc -l)" -gt 1 ]
for table in acw status activity events; do
	$AGENTEV $table -H "$d/day.ndjson" | LC_ALL=C sort >"$d/one"
	ls "$d"/shard-*.ndjson |
	    xargs -P 4 -I {} sh -c "$AGENTEV $table -H {} >{}.$table"
	cat "$d"/shard-*.ndjson.$table | LC_ALL=C sort >"$d/many"
	cmp "$d/one" "$d/many" || { echo "$table differs"; exit 1; }
done
rm -rf "$d"
