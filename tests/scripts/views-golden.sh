#!/bin/sh
# views-golden: every table on the samples and a generated day, whole and
# in -S batches, is byte for byte what the binary before the engine was
# split into views wrote (tests/golden/SHA256SUMS; see tables.sh).
set -e
d=$(mktemp -d "${TMP:-/tmp}/golden.XXXXXX")
sh tests/golden/tables.sh "$d"
cd "$d"
if ! sha256sum --quiet -c "$OLDPWD/tests/golden/SHA256SUMS"; then
	echo "tables differ from the golden checksums"
	exit 1
fi
n=$(ls | wc -l)
m=$(wc -l <"$OLDPWD/tests/golden/SHA256SUMS")
[ "$n" -eq "$m" ] || { echo "$n runs, $m golden"; exit 1; }
cd / && rm -rf "$d"
