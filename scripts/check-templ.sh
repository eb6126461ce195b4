#!/usr/bin/env bash
# Fails if the committed-or-not *_templ.go files are not what `templ generate` makes from the
# .templ files: checksums of every *_templ.go file (new and removed ones included) before and
# after generating. Works on a work tree with uncommitted changes; does not use git.
# The regenerated files are left in place.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
GO=${GO:-go}

sums() {
	find . -path ./.git -prune -o -type f -name '*_templ.go' -print0 |
		LC_ALL=C sort -z | xargs -0 -r sha256sum
}

before=$(mktemp)
after=$(mktemp)
trap 'rm -f "$before" "$after"' EXIT
sums >"$before"
"$GO" tool templ generate -path . >/dev/null
sums >"$after"

if ! diff -u --label 'before templ generate' --label 'after templ generate' "$before" "$after" >&2; then
	echo "templ: the *_templ.go files above were stale, missing or orphaned; 'templ generate' has now" >&2
	echo "       rewritten (or deleted) them in the work tree: review and commit them (next time: make generate)." >&2
	exit 1
fi
orphans=0
while IFS= read -r -d '' f; do
	if [ ! -e "${f%_templ.go}.templ" ]; then
		echo "templ: $f has no ${f%_templ.go}.templ any more: delete it" >&2
		orphans=1
	fi
done < <(find . -path ./.git -prune -o -type f -name '*_templ.go' -print0)
[ "$orphans" = 0 ] || exit 1
echo "templ: $(wc -l <"$after") generated files up to date"
