#!/bin/sh
# input-forms-agree: every input form of the seed's two events expects the
# same acw table, byte for byte, as the plain NDJSON case.
status=0
for name in input-ndjson-file input-pretty input-concatenated input-array \
    input-crlf input-bom input-get-records input-lambda \
    input-mixed-files-and-stdin input-mixed-one-file \
    input-mid-acw-seed-second-only out-of-order-seed-swapped \
    input-bom-split-read input-get-records-query; do
	if ! cmp -s tests/cases/acw-seed/out "tests/cases/$name/out"; then
		echo "tests/cases/$name/out differs from tests/cases/acw-seed/out"
		status=1
	fi
done
exit $status
