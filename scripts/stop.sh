#!/usr/bin/env bash
# Stop what scripts/run.sh started: the API, beat, the workers, Elasticsearch and Redis.
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
. "$here/lib.sh"
run="$VB_VAR/run"

for name in api beat worker ocr-worker; do
    pidfile="$run/$name.pid"
    [[ -f "$pidfile" ]] || continue
    pid="$(cat "$pidfile")"
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid"
        for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    fi
    rm -f "$pidfile"
    log "$name stopped"
done
"$here/stop_services.sh"
