#!/usr/bin/env bash
# Short fuzz runs: scripts/fuzz.sh ./pkg:FuzzName… (FUZZTIME, default 10s, per target).
# A package directory or fuzz test that does not exist is an error with CI=true (or 1) and a
# warning otherwise (for code still being written).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
GO=${GO:-go}
FUZZTIME=${FUZZTIME:-10s}

case "${CI:-}" in true | TRUE | True | 1) strict=1 ;; *) strict='' ;; esac
missing() {
	if [ -n "$strict" ]; then
		echo "fuzz: ERROR: $1 (fatal with CI=$CI)" >&2
		exit 1
	fi
	echo "fuzz: WARNING: skipping: $1" >&2
}

for t in "$@"; do
	pkg=${t%:*} name=${t##*:}
	if [ "$pkg" = "$t" ] || [ -z "$name" ]; then
		echo "fuzz: ERROR: '$t' is not package:FuzzName" >&2
		exit 1
	fi
	if [ ! -d "$pkg" ]; then
		missing "$t: package directory $pkg does not exist"
		continue
	fi
	# go test -fuzz passes quietly when the fuzz test does not exist: look for it first.
	if ! list=$("$GO" test -run='^$' -list="^${name}\$" "$pkg"); then
		echo "fuzz: ERROR: cannot list the tests of $pkg" >&2
		exit 1
	fi
	if ! grep -qx "$name" <<<"$list"; then
		missing "$t: no fuzz test $name in $pkg"
		continue
	fi
	echo "fuzz: $name in $pkg for $FUZZTIME"
	"$GO" test -run='^$' -fuzz="^${name}\$" -fuzztime="$FUZZTIME" "$pkg"
done
