#!/usr/bin/env bash
# Fails if internal/api/api.gen.go is not what oapi-codegen (pinned in go.mod as a tool) makes
# from internal/api/openapi.yaml, like check-templ.sh does for templ. The regenerated file is
# left in place. Works on a work tree with uncommitted changes; does not use git.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
GO=${GO:-go}
f=internal/api/api.gen.go
before=$(sha256sum "$f" 2>/dev/null || echo missing)
(cd internal/api && "$GO" generate .)
after=$(sha256sum "$f")
if [ "$before" != "$after" ]; then
	echo "oapi-codegen: $f was stale or missing; 'go generate ./internal/api' has now rewritten it:" >&2
	echo "              review and commit it (next time: make generate)." >&2
	exit 1
fi
echo "oapi-codegen: $f up to date"
