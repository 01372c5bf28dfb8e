#!/usr/bin/env bash
# Stop what scripts/run.sh started: the API, beat, the workers, Elasticsearch and Redis.
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
. "$here/lib.sh"
run="$VB_VAR/run"

for name in api beat worker ocr-worker embed-worker; do
    stop_pidfile "$name" "$run/$name.pid"
done
"$here/stop_services.sh"
