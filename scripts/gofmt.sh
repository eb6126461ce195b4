#!/usr/bin/env bash
# gofmt over every .go file of the work tree, tracked or not (nothing excluded but .git and
# git-ignored files).
#   scripts/gofmt.sh       fail, listing the files that gofmt would change
#   scripts/gofmt.sh -w    rewrite them
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

list=$(mktemp)
trap 'rm -f "$list"' EXIT
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	# -c: tracked, -o: untracked; a tracked file deleted in the work tree is left out.
	git ls-files -z -c -o --exclude-standard -- '*.go' |
		while IFS= read -r -d '' f; do [ -f "$f" ] && printf '%s\0' "$f"; done |
		sort -zu >"$list"
else
	find . -path ./.git -prune -o -type f -name '*.go' -print0 | sort -z >"$list"
fi

if [ "${1:-}" = -w ]; then
	xargs -0 -r gofmt -l -w <"$list"
	exit 0
fi

if ! bad=$(xargs -0 -r gofmt -l <"$list"); then
	echo "gofmt: some files do not parse (errors above)" >&2
	exit 1
fi
if [ -n "$bad" ]; then
	echo "gofmt: these files are not formatted (run 'make fmt'):" >&2
	sed 's/^/  /' <<<"$bad" >&2
	exit 1
fi
echo "gofmt: $(tr -cd '\0' <"$list" | wc -c) files ok"
