#!/bin/sh
# man-renders-clean: man(1) formats man/agentev.1 at 80 columns without a
# warning from groff (what lintian's groff-message check and the package
# test run), in the C locale and in UTF-8 as lintian does.
command -v man >/dev/null 2>&1 || {
	echo "man is not installed; not checked"
	exit 0
}
status=0
err=$(LC_ALL=C MANWIDTH=80 man --warnings -l man/agentev.1 2>&1 >/dev/null)
if [ -n "$err" ]; then
	echo "man --warnings (C locale):"
	echo "$err"
	status=1
fi
err=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
    man --warnings -E UTF-8 -l -Tutf8 -Z man/agentev.1 2>&1 >/dev/null)
if [ -n "$err" ]; then
	echo "man --warnings -Tutf8 (as lintian runs it):"
	echo "$err"
	status=1
fi
exit $status
