#!/bin/sh
# version-matches-changelog: the version `agentev -V` prints (AGENTEV_VERSION
# in agentev.h) is the Debian package's version in debian/changelog, less
# any Debian revision.
[ -f debian/changelog ] || {
	echo "no debian/changelog"
	exit 1
}
package=$(sed -n '1s/^agentev (\([^)]*\)).*/\1/p' debian/changelog)
[ -n "$package" ] || {
	echo "debian/changelog: first line is not an agentev entry"
	exit 1
}
program=$($AGENTEV -V | sed -n '1s/^agentev \([^ ]*\).*/\1/p')
if [ "$program" != "${package%-*}" ]; then
	echo "agentev -V says '$program', debian/changelog says '$package'"
	exit 1
fi
