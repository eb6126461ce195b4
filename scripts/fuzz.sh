#!/usr/bin/env bash
# Short fuzz runs: scripts/fuzz.sh ./pkg:FuzzName[:BUDGET]… each for its BUDGET, or FUZZTIME when
# set, or 10s.
# A budget is best a count (200000x): Go's fuzz coordinator can fail a duration run with a bare
# "context deadline exceeded" when its workers are slow to stop under load (go.dev/issue/75804,
# fixed in Go 1.27); a count has no wall-clock deadline, so load only makes it slower.
# A package directory or fuzz test that does not exist is an error with CI=true (or 1) and a
# warning otherwise (for code still being written).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
GO=${GO:-go}
FUZZTIME=${FUZZTIME:-}

case "${CI:-}" in true | TRUE | True | 1) strict=1 ;; *) strict='' ;; esac
missing() {
	if [ -n "$strict" ]; then
		echo "fuzz: ERROR: $1 (fatal with CI=$CI)" >&2
		exit 1
	fi
	echo "fuzz: WARNING: skipping: $1" >&2
}

for t in "$@"; do
	IFS=: read -r pkg name budget extra <<<"$t"
	if [ -z "$pkg" ] || [ -z "${name:-}" ] || [ -n "${extra:-}" ]; then
		echo "fuzz: ERROR: '$t' is not package:FuzzName[:BUDGET]" >&2
		exit 1
	fi
	budget=${FUZZTIME:-${budget:-10s}}
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
	echo "fuzz: $name in $pkg for $budget"
	"$GO" test -run='^$' -fuzz="^${name}\$" -fuzztime="$budget" "$pkg"
done
