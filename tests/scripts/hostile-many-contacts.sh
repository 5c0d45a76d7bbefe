#!/bin/sh
# hostile-many-contacts.sh: a snapshot listing a million contacts is
# rejected (more than MAX_CONTACTS) in seconds, not after quadratic work;
# one listing the most allowed, in both snapshots, is used in seconds.
# HOSTILE_HUGE=1 also tries a million full-size contacts with -m 1G
# (about 450 MB of JSON).

. tests/scripts/hostile.subr

n=1000000
[ $heavy = 1 ] || n=20000

# event CONTACTS-FILE [BOTH]: seed event 1 (fresh EventId) whose current
# snapshot (and with BOTH, its previous one too) lists the contacts in
# the file (a comma-separated list)
event() {
	seed_with '' >"$work/e"
	LC_ALL=C awk -v list="$1" -v both="$2" '
	BEGIN { while ((getline line < list) > 0) contacts = contacts line }
	# replace the array after "Contacts":[ up to the end marker
	function swap(s, marker,    i, j, rest) {
		i = index(s, "\"Contacts\":[")
		rest = substr(s, i)
		j = index(rest, marker)
		return substr(s, 1, i + 11) contacts substr(rest, j)
	}
	NR == 1 {
		line = swap($0, "]},\"EventId\"")
		if (both != "") {
			i = index(line, "\"PreviousAgentSnapshot\"")
			line = substr(line, 1, i - 1) \
			    swap(substr(line, i), "]},\"Version\"")
		}
		print line
	}' "$work/e"
}

# a million tiny contacts
awk -v n=$n 'BEGIN { for (i = 1; i <= n; i++)
	printf "%s{\"ContactId\":\"c%d\"}", (i > 1 ? "," : ""), i }' \
    >"$work/contacts"
event "$work/contacts" | wrap >"$work/in"
run acw <"$work/in"
expect_rejected "$n tiny contacts" \
    "agentev: <stdin>:2: CurrentAgentSnapshot.Contacts: $n contacts, more than 256"
expect_secs_below 10 "$n tiny contacts"
note "$n tiny contacts: $secs s ($cpu s CPU), peak RSS ${rss:-?} kB"

# full contacts, as many as allowed, in both snapshots of every event
contact=$(LC_ALL=C awk 'NR == 1 {
	i = index($0, "\"Contacts\":[")
	rest = substr($0, i + 12)
	print substr(rest, 1, index(rest, "]},\"EventId\"") - 1)
}' "$work/seed1")
full() {
	awk -v n="$1" -v c="$contact" 'BEGIN { for (i = 1; i <= n; i++) {
		x = c
		sub(/"ContactId":"[^"]*"/, "\"ContactId\":\"c" i "\"", x)
		printf "%s%s", (i > 1 ? "," : ""), x } }'
}
# c1 ... c255 and the seed's own contact, so its ACW goes on
{ full 255; printf ',%s' "$contact"; } >"$work/contacts"
event "$work/contacts" both >"$work/both"
{
	cat "$work/seed1"
	for i in 1 2 3 4 5 6 7 8 9 10; do
		sed "s/EventId-hostile/EventId-hostile-$i/" "$work/both"
	done
	cat "$work/seed2"
} >"$work/in"
for command in acw events status activity summary contacts sessions; do
	run $command <"$work/in"
	expect_rc 0 "256 contacts, $command"
	expect_err_count 0 "256 contacts, $command"
	expect_secs_below 10 "256 contacts, $command"
	[ $command = acw ] && expect_seed_row "256 contacts"
	note "10 events of 256 contacts in both snapshots, $command: $secs s ($cpu s CPU)"
done

if [ -n "$HOSTILE_HUGE" ]; then
	full 1000000 >"$work/contacts"
	event "$work/contacts" | wrap >"$work/in"
	run -m 1G acw <"$work/in"
	expect_rejected "a million full contacts" \
	    "agentev: <stdin>:2: CurrentAgentSnapshot.Contacts: 1000000 contacts, more than 256"
	note "a million full contacts ($(wc -c <"$work/in") bytes):" \
	    "$secs s, peak RSS ${rss:-?} kB"
fi
finish
