#!/bin/sh
# html-structure.sh: `now -f html` without a browser.  Each page is
# well-formed XML with no script and nothing to fetch, a refresh, the
# as-of time, one section per routing profile and one tile per CSV row of
# the same run, in the attention order the man page gives, with the right
# counts, texts and colours (tests/wallboard.py works all of that out from
# the CSV).  The inputs put agents in every rank: Error, Missed, Rejected,
# ACW, silent, the rest, logged out; hostile usernames, profiles and
# statuses stay text; an empty input is an empty board; tables other than
# now cannot be drawn as a page.

. tests/scripts/hostile.subr

shift=samples/shift.ndjson
py() { python3 tests/wallboard.py "$@"; }

# same MESSAGE ARGS...: the page and the CSV of the same arguments agree;
# the ranks on the page are added to $work/ranks
same() {
	what=$1
	shift
	$AGENTEV -f html "$@" >"$work/p.html" 2>"$work/err" ||
	    { fail "$what: -f html exit status $?"; return; }
	$AGENTEV "$@" >"$work/p.csv" 2>/dev/null
	py check "$work/p.html" "$work/p.csv" >"$work/log" ||
	    fail "$what: $(cat "$work/log")"
	py ranks "$work/p.html" >>"$work/ranks"
}

: >"$work/ranks"
same "the sample shift" now $shift
same "the sample shift at 06:20" -t 2026-11-04T06:20:00Z now $shift
same "the sample shift in Chicago" -z America/Chicago now $shift
grep -q '>last event 00:32:55<' "$work/p.html" ||
    fail "-z: the logged-out agent's last event is not in local time"

# silent is more than 5 minutes without an event: priya.obrien's last is
# at 06:39:56.488, so 5 minutes on she is not silent yet, 1 ms later she is
same "5 minutes after the last event" -t 2026-11-04T06:44:56.488Z now $shift
[ "$(grep -c 'class="tile[^"]* quiet"' "$work/p.html")" = 2 ] ||
    fail "5 minutes without an event counted as silent"
same "5 minutes and 1 ms after" -t 2026-11-04T06:44:56.489Z now $shift
[ "$(grep -c 'class="tile[^"]* quiet"' "$work/p.html")" = 3 ] ||
    fail "5 minutes and 1 ms without an event not counted as silent"

# a day with errors, misses and rejections: the board at the start of a
# few of each (-t), at the end, and 10 minutes after the end (all silent)
python3 samples/gen.py --seed 3 --agents 40 --hours 2 --rich-contacts \
    >"$work/day"
$AGENTEV activity "$work/day" 2>/dev/null | awk -F, '
	$3 == "Error" || $3 == "Missed" || $3 == "Rejected" {
		if (n[$3]++ < 3) print $4
	}' >"$work/times"
[ "$(wc -l <"$work/times")" = 9 ] || fail "the day has too few errors"
while read -r t; do
	same "the day at $t" -t "$t" now "$work/day"
done <"$work/times"
same "the day at its end" now "$work/day"
same "the day 10 minutes on" -t 2026-11-04T08:10:00Z now "$work/day"
# one agent goes quiet half way through: silent among the others
python3 - "$work/day" >"$work/quiet" <<'EOF'
import json, sys
quiet = None
for line in open(sys.argv[1]):
    ev = json.loads(line)
    quiet = quiet or ev["AgentARN"]
    if ev["AgentARN"] == quiet and ev["EventTimestamp"] > "2026-11-04T07:30":
        continue
    sys.stdout.write(line)
EOF
same "one agent silent" now "$work/quiet"
grep -q '<p class="silent">silent 0:[23][0-9]:[0-9][0-9]</p>' "$work/p.html" ||
    fail "the quiet agent's tile does not say how long it has been silent"
for rank in error missed acw silent other out; do
	grep -qx $rank "$work/ranks" || fail "no page had a tile ranked $rank"
done

# hostile strings stay text: usernames, then profiles and next statuses
py_svg() { python3 tests/svg.py "$@"; }
py_svg hostile markup <$shift >"$work/h"
same "hostile usernames" now "$work/h"
py_svg hostile control <$shift >"$work/h"
same "control characters in usernames" now "$work/h"
python3 - $shift >"$work/h" <<'EOF'
import json, sys
names = ["<script>alert(1)</script>", "a\"b'c&d\n</div>", "Z", "\u202eRTL"]
seen = {}
for line in open(sys.argv[1]):
    ev = json.loads(line)
    i = seen.setdefault(ev["AgentARN"], len(seen))
    for k in ("CurrentAgentSnapshot", "PreviousAgentSnapshot"):
        conf = (ev.get(k) or {}).get("Configuration")
        if conf:
            conf["RoutingProfile"]["Name"] = names[i]
        if ev.get(k):
            ev[k]["NextAgentStatus"] = {"Name": "<i>" + str(i),
                                        "ARN": ev[k]["AgentStatus"]["ARN"], "EnqueuedTimestamp":
                                        ev["EventTimestamp"]}
    print(json.dumps(ev))
EOF
same "hostile profiles and next statuses" now "$work/h"
grep -q '<script' "$work/p.html" && fail "a <script> made it to the page"
[ "$(grep -c '<section class="group"' "$work/p.html")" = 4 ] ||
    fail "hostile profiles: not one section each"

# an agent seen only in a LOGIN without a snapshot: no username, no
# profile; it gets a last section of its own, and its ARN as its name
python3 - $shift >"$work/nosnap" <<'EOF'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
ev = json.loads(lines[0])
ev.update(EventType="LOGIN", EventId="login-without-snapshot",
          CurrentAgentSnapshot=None, PreviousAgentSnapshot=None,
          AgentARN=ev["AgentARN"][:-4] + "ffff")
print("\n".join(lines + [json.dumps(ev)]))
EOF
same "a LOGIN without a snapshot" now "$work/nosnap"
grep '<section' "$work/p.html" | tail -n 1 |
    grep -q 'data-profile="(no routing profile)"' ||
    fail "the agent without a profile is not in the last section"

# an empty input is an empty board that says so
$AGENTEV -f html now </dev/null >"$work/p.html" || fail "empty: exit $?"
printf 'as_of,agent_arn\n' >"$work/p.csv"
py check "$work/p.html" "$work/p.csv" >"$work/log" ||
    fail "empty: $(cat "$work/log")"
grep -q '(no events)' "$work/p.html" || fail "empty: the page does not say so"

# from a state file, as the README's cron recipe does: two batches, the
# board after each, the second one the same as the board of the whole
n=$(($(wc -l <$shift) / 2))
head -n $n $shift >"$work/b1"
tail -n +$((n + 1)) $shift >"$work/b2"
for b in b1 b2; do
	$AGENTEV status -H -S "$work/st" "$work/$b" >/dev/null 2>&1 ||
	    fail "batch $b: exit status $?"
	same "from -S after $b" -S "$work/st" now </dev/null
done
$AGENTEV -f html now $shift >"$work/whole.html"
cmp -s "$work/p.html" "$work/whole.html" ||
    fail "the board after two batches is not the board of the whole"

# 3000 agents: one well-formed page
python3 samples/gen.py --seed 9 --agents 3000 --hours 0.3 >"$work/many"
same "3000 agents" now "$work/many"

# only now has a page
for command in acw status summary events alert; do
	rule=
	[ $command = alert ] && rule=-aacw\>1m
	$AGENTEV -f html $rule $command $shift >/dev/null 2>"$work/err"
	rc=$?
	[ $rc = 2 ] || fail "-f html $command: exit status $rc, expected 2"
	grep -q "^agentev: -f html draws the now table, not $command\$" \
	    "$work/err" || fail "-f html $command: $(head -1 "$work/err")"
done

finish
