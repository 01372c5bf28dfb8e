#!/usr/bin/env bash
# Install Citation.js (npm, versions and hashes pinned by tests/citation_js/package-lock.json)
# into tests/citation_js/node_modules: the tests read Vidensbank's RIS and BibTeX back with it,
# a reader other than the libraries that wrote them. Only the tests need it.
# Idempotent: does nothing when the installed packages match the lock file.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

dir="$VB_ROOT/tests/citation_js"
stamp="$dir/node_modules/.vidensbank-lock"
want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    exit 0
fi
command -v npm >/dev/null 2>&1 || die "npm not found (scripts/install_system.sh installs it)"
log "installing Citation.js for the tests"
run_quiet npm ci --prefix "$dir" --no-audit --no-fund || die "npm ci in $dir failed"
echo "$want" >"$stamp"
