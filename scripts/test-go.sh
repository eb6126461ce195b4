#!/usr/bin/env bash
# go test for `make test-go`: the packages of TEST_PKGS, with the longest
# of them (internal/web, about 7 minutes on 2 cores: the browser journeys,
# the sign-in timing test and the hostile-value sweep) in a go test
# of its own started first. One `go test ./...` runs packages in import
# path order two at a time, so internal/web, last in that order, started
# only once the others were done: make test took about 19 minutes of
# which web alone was 13.
# usage: GO=go TEST_TIMEOUT=25m GO_TEST_FLAGS=… scripts/test-go.sh PKG…
set -euo pipefail
GO=${GO:-go}
list=$("$GO" list "$@") # a bad pattern stops here
mapfile -t pkgs <<<"$list"
long=() rest=()
for p in "${pkgs[@]}"; do
	if [[ $p == */internal/web ]]; then long+=("$p"); else rest+=("$p"); fi
done
# shellcheck disable=SC2086 # GO_TEST_FLAGS is a list of flags
run() { "$GO" test -count=1 -timeout "${TEST_TIMEOUT:-25m}" ${GO_TEST_FLAGS:-} "$@"; }
status=0
if ((${#long[@]})); then
	run "${long[@]}" &
	longpid=$!
fi
if ((${#rest[@]})); then
	run "${rest[@]}" || status=$?
fi
if ((${#long[@]})); then
	wait "$longpid" || status=$?
fi
exit "$status"
