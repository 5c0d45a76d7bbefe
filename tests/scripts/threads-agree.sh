#!/bin/sh
# threads-agree: -j changes only the speed.  Every golden case input, read
# as one stream, gives the same output, messages and exit status on one
# thread as on several.
tmp=${TMP:-/tmp}/threads-agree.$$
mkdir -p "$tmp" || exit 1
trap 'rm -rf "$tmp"' EXIT
for f in tests/cases/*/in tests/cases/*/*.ndjson tests/cases/*/*.json; do
	case $f in
	*/file-gzip*|*/input-bom-split-read/*|*/output-pipe-closed/*) ;;
	*) cat "$f"; echo ;;
	esac
done >"$tmp/all"
status=0
for command in check events acw status contacts sessions; do
	for j in 1 2 8; do
		$AGENTEV -j $j -f csv -r "$tmp/rejects.$j" $command "$tmp/all" \
		    >"$tmp/out.$j" 2>"$tmp/err.$j"
		echo $? >>"$tmp/out.$j"
		cat "$tmp/rejects.$j" >>"$tmp/out.$j"
	done
	for j in 2 8; do
		if ! cmp -s "$tmp/out.1" "$tmp/out.$j" ||
		    ! cmp -s "$tmp/err.1" "$tmp/err.$j"; then
			echo "$command: -j $j differs from -j 1"
			diff "$tmp/err.1" "$tmp/err.$j" | head -5
			diff "$tmp/out.1" "$tmp/out.$j" | head -5
			status=1
		fi
	done
done
exit $status
