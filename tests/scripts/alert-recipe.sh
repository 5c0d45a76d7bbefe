#!/bin/sh
# alert-recipe: the README's alert recipe (the `agentev alert ... | while
# read` block, taken from README.md as it is) sends one mail and one
# webhook call per RAISED row, with the row itself, while the input is
# still coming: mail and curl are stubs that log what they were given.
set -e
: "${AGENTEV:=$PWD/agentev}"
d=$(mktemp -d "${TMP:-/tmp}/alertrecipe.XXXXXX")
mkdir "$d/bin"
cat >"$d/bin/mail" <<'STUB'
#!/bin/sh
{ echo "mail $*"; cat; } >>"$STUBLOG.mail"
STUB
cat >"$d/bin/curl" <<'STUB'
#!/bin/sh
while [ $# -gt 1 ]; do
	[ "$1" = --data-binary ] && data=$2
	shift
done
echo "curl $1 $data" >>"$STUBLOG.curl"
STUB
printf '#!/bin/sh\nexec %s "$@"\n' "$AGENTEV" >"$d/bin/agentev"
chmod +x "$d/bin/mail" "$d/bin/curl" "$d/bin/agentev"
# the block from the README, from `agentev alert` to `done`
sed -n '/^### Alerts by mail or webhook/,/^### /p' README.md |
    sed -n '/^agentev alert/,/^done$/p' >"$d/recipe"
# the generator's breaks last 10 to 14 minutes: make them alert
sed "s/'Break>15m'/'Break>10m'/" "$d/recipe" >"$d/recipe.sh"
if cmp -s "$d/recipe" "$d/recipe.sh" || ! grep -q "mail -s" "$d/recipe" ||
    ! grep -q "curl " "$d/recipe"; then
	echo "README.md: no alert recipe with Break>15m, mail and curl"
	exit 1
fi
python3 samples/gen.py --seed 4 --agents 8 --hours 10 >"$d/day.ndjson"
half=$(($(wc -l <"$d/day.ndjson") / 2))
head -n $half "$d/day.ndjson" >"$d/first"
tail -n +$((half + 1)) "$d/day.ndjson" >"$d/second"
# the rows each half gives, run on files
$AGENTEV alert -a 'Break>10m' -a 'missed>=3/1h' -a 'silent>5m' -f json \
    "$d/first" | grep -c '"state":"RAISED"' >"$d/n.first"
$AGENTEV alert -a 'Break>10m' -a 'missed>=3/1h' -a 'silent>5m' -f json \
    "$d/day.ndjson" | grep '"state":"RAISED"' >"$d/raised"
[ "$(cat "$d/n.first")" -gt 2 ]
# a live pipe: the second half only after the first half's alerts came
{
	cat "$d/first"
	i=0
	while [ "$(cat "$d/log.mail" 2>/dev/null | grep -c '^{')" -lt \
	    "$(cat "$d/n.first")" ]; do
		i=$((i + 1))
		if [ $i -gt 300 ]; then
			echo "no alerts while the input was open" >"$d/late"
			break
		fi
		sleep 0.1
	done
	cat "$d/second"
} | PATH="$d/bin:$PATH" STUBLOG="$d/log" WEBHOOK_URL=https://hooks.example/x \
    sh "$d/recipe.sh"
if [ -f "$d/late" ]; then
	cat "$d/late"
	exit 1
fi
grep '^{' "$d/log.mail" >"$d/mailed"
cmp "$d/raised" "$d/mailed"
n=$(wc -l <"$d/raised")
[ "$(grep -c '^mail -s agentev alert team-lead@example.com$' "$d/log.mail")" -eq "$n" ]
sed 's|^curl https://hooks.example/x ||' "$d/log.curl" >"$d/posted"
cmp "$d/raised" "$d/posted"
rm -rf "$d"
