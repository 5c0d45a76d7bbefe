#!/bin/sh
# error-columns.sh: the column of a syntax error on a line megabytes long
# (events concatenated with no delimiter, as Firehose writes them, with
# two-byte characters in them), so the column is counted across reads of
# the input; python3 computes the expected column in characters.
set -e
d=$(mktemp -d "${TMP:-/tmp}/columns.XXXXXX")
trap 'rm -rf "$d"' EXIT
python3 - "$d/in" <<'PY' >"$d/want"
import json, sys
seed = [json.loads(l) for l in open("samples/seed-acw.ndjson")]
parts = []
for i in range(3000):
    e = dict(seed[i % 2])
    e["EventId"] = "e-%d" % i
    e["Note"] = "Zoë Ünal ✓"    # 1, 2 and 3 bytes a character
    parts.append(json.dumps(e, ensure_ascii=False, separators=(",", ":")))
line = "".join(parts)
bad = '{"EventId" "x"}'     # the ':' is missing
# jansson reports the error at the closing quote of "x"
column = len(line) + bad.index('"x"') + 3
open(sys.argv[1], "w", encoding="utf-8").write(line + bad + "\n")
print("agentev: %s:1:%d: invalid JSON: ':' expected near '\"x\"'" %
      (sys.argv[1], column))
PY
for j in 1 2; do
	$AGENTEV -j $j check "$d/in" 2>"$d/err" && { echo "exit 0"; exit 1; }
	grep -qxF "$(cat "$d/want")" "$d/err" ||
	    { echo "-j $j: expected"; cat "$d/want"; echo "got"; grep -v duplicates "$d/err" | head -3; exit 1; }
done
echo "ok: $(wc -c <"$d/in") bytes on one line"
