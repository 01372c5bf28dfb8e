#!/usr/bin/env bash
# Create the project's virtualenv in .venv and install the project (editable) with its dev tools
# and what renders the sample corpus (the extras dev and corpus in pyproject.toml).
# Fast the second time: it reinstalls only when pyproject.toml changed.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

venv="$VB_ROOT/.venv"
stamp="$venv/.vidensbank-installed"
want="$(sha256sum "$VB_ROOT/pyproject.toml" | cut -d' ' -f1)"

if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$venv/bin/vidensbank" ]]; then
    exit 0
fi
if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv" || die "could not create $venv (is python3-venv installed?)"
fi
run_quiet "$venv/bin/python" -m pip install --upgrade pip
run_quiet "$venv/bin/python" -m pip install -e "$VB_ROOT[dev,corpus]"
echo "$want" >"$stamp"
log "python environment ready in $venv"
