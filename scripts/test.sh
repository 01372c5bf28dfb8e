#!/usr/bin/env bash
# Install what the tests need, start Elasticsearch and Redis, and run lint, types and the suite.
# The tests use their own database, index names and queue, so a running dev stack is untouched.
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
. "$here/lib.sh"

# The browser tests drive Debian's Chromium (Playwright cannot download its own here).
VB_EXTRA_PACKAGES="chromium" "$here/setup.sh"
"$here/install_citation_js.sh"
"$here/start_services.sh"

bin="$VB_ROOT/.venv/bin"
cd "$VB_ROOT"
"$bin/ruff" check .
"$bin/ruff" format --check . >/dev/null || die "ruff format would change files: run .venv/bin/ruff format ."
"$bin/mypy" .
exec "$bin/pytest" "$@"
