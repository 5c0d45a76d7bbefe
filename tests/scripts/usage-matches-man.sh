#!/bin/sh
# usage-matches-man: the usage line is the man page SYNOPSIS word for word.
command -v mandoc >/dev/null 2>&1 || {
	echo "mandoc is not installed; not checked"
	exit 0
}
bs=$(printf '\b')
usage=$($AGENTEV 2>&1 | sed -n 's/^usage: //p')
synopsis=$(mandoc -Tascii -O width=500 man/agentev.1 2>/dev/null |
    sed "s/.$bs//g" | sed -n '/^SYNOPSIS/{n;p;}' | sed 's/^ *//')
if [ "$usage" != "$synopsis" ]; then
	echo "usage:    $usage"
	echo "SYNOPSIS: $synopsis"
	exit 1
fi
