#!/usr/bin/env bash
# go test for `make test-go`: the packages of TEST_PKGS, with the longest
# of them (internal/web, about 7 minutes on 2 cores: the browser journeys,
# the sign-in timing test and the hostile-value sweep) in go tests
# of their own started first. One `go test ./...` runs packages in import
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
# internal/web itself runs as two go tests, its browser journeys in one
# and the rest in the other: once the other packages are done (about 8
# minutes) web alone left a core idle (load average under 2), its long
# tests (the page sweep, the sign-in timing test) running one after the
# other. A -run or -skip of the caller's keeps it one.
# The tests that compare times (quiet) run last, alone: beside the other
# runs, at load average 9, the sign-in timing test saw one refusal 15 %
# faster than another once.
quiet='^TestSignInTimingIsEven$'
pids=()
split=''
if ((${#long[@]})); then
	if [[ " ${GO_TEST_FLAGS:-} " == *" -run"* || " ${GO_TEST_FLAGS:-} " == *" -skip"* ]]; then
		run "${long[@]}" &
		pids+=($!)
	else
		split=1
		run -run '^TestBrowser' "${long[@]}" &
		pids+=($!)
		run -skip "^TestBrowser|$quiet" "${long[@]}" &
		pids+=($!)
	fi
fi
if ((${#rest[@]})); then
	run "${rest[@]}" || status=$?
fi
for pid in "${pids[@]}"; do
	wait "$pid" || status=$?
done
if [[ -n $split ]]; then
	run -run "$quiet" "${long[@]}" || status=$?
fi
exit "$status"
