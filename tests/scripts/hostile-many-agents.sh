#!/bin/sh
# hostile-many-agents.sh: many distinct agents, one full-size event each
# (3.2 kB, generated into a pipe), between the seed events.  Memory grows
# with agents, as designed; this measures by how much, and checks that
# the seed's row and every agent's open ACW still come out.
#
# By default 10,000 agents (2,000 under valgrind or sanitizers);
# HOSTILE_AGENTS=N sets the number.  A million agents is about 3.2 GB of
# input and, at the time of writing, needs about 23 GB of memory.

. tests/scripts/hostile.subr

n=${HOSTILE_AGENTS:-10000}
[ $heavy = 1 ] || n=${HOSTILE_AGENTS:-2000}

# the seed's first event once per agent: each is left in ACW
agents() {
	LC_ALL=C awk -v n="$n" 'NR == 1 {
		# EventId "e-agent/agent-N" is unique too: one split does both
		sub(/"EventId":"EventId-1"/, "\"EventId\":\"e-agent/agent-ARN\"")
		k = split($0, part, "agent/agent-ARN")
	}
	END {
		for (i = 1; i <= n; i++) {
			printf "%s", part[1]
			for (j = 2; j <= k; j++)
				printf "agent/agent-%d%s", i, part[j]
			printf "\n"
		}
	}' "$work/seed1"
}

for command in acw summary; do
	agents | wrap | {
		run $command
		echo "$rc ${rss:-?} $secs ${cpu:-?}" >"$work/result"
	}
	read rc rss secs cpu <"$work/result"
	expect_rc 0 "$n agents, $command"
	expect_err_count 0 "$n agents, $command"
	rows=$(($(wc -l <"$work/out") - 1))
	if [ $command = acw ]; then
		expect_seed_row "$n agents"
		[ "$(grep -c ',OPEN$' "$work/out")" = "$n" ] ||
		    fail "$n agents: not one OPEN ACW row per agent"
	else
		[ "$rows" = $((n + 1)) ] ||
		    fail "$n agents, summary: $rows rows, expected $((n + 1))"
	fi
	[ "$rss" = "?" ] && rss=0
	note "$n agents, $command: $secs s (agentev: $cpu s CPU)," \
	    "peak RSS $rss kB ($((rss * 1024 / (n + 1))) bytes per agent)"
done
finish
