#!/usr/bin/env bash
# Install and run the whole stack on this machine: Elasticsearch, Redis, a Celery worker, beat and
# the API/web UI on http://127.0.0.1:8000, then ingest the bundled sample corpus.
# Idempotent: what already runs keeps running. Stop everything with scripts/stop.sh.
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
. "$here/lib.sh"
: "${VB_API_PORT:=8000}"
: "${VB_WORKER_CONCURRENCY:=2}"

"$here/setup.sh"
"$here/start_services.sh"

bin="$VB_ROOT/.venv/bin"
run="$VB_VAR/run"
mkdir -p "$run" "$VB_VAR/log"

alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

"$bin/vidensbank" init

if ! alive "$run/worker.pid"; then
    rm -f "$run/worker.pid"
    (cd "$VB_ROOT" && "$bin/celery" -A vidensbank.celery_app worker --detach \
        --concurrency="$VB_WORKER_CONCURRENCY" --loglevel=INFO \
        --pidfile="$run/worker.pid" --logfile="$VB_VAR/log/worker.log")
    log "worker started (log: $VB_VAR/log/worker.log)"
fi

# Celery beat starts the crawls VB_CRAWL_SCHEDULE names (none by default: it then sleeps).
if ! alive "$run/beat.pid"; then
    rm -f "$run/beat.pid"
    (cd "$VB_ROOT" && "$bin/celery" -A vidensbank.celery_app beat --detach --loglevel=INFO \
        --schedule="$run/celerybeat-schedule" \
        --pidfile="$run/beat.pid" --logfile="$VB_VAR/log/beat.log")
    log "beat started (log: $VB_VAR/log/beat.log)"
fi

if ! alive "$run/api.pid"; then
    nohup "$bin/vidensbank" serve --port "$VB_API_PORT" >"$VB_VAR/log/api.log" 2>&1 &
    echo $! >"$run/api.pid"
    for _ in $(seq 1 60); do
        curl -fsS "http://127.0.0.1:$VB_API_PORT/healthz" >/dev/null 2>&1 && break
        sleep 0.5
    done
    log "API and web UI started (log: $VB_VAR/log/api.log)"
fi

corpus="$VB_VAR/sample_corpus"
"$bin/python" -m sample_corpus.render "$corpus" >/dev/null
"$bin/vidensbank" ingest --wait "$corpus"

log "Vidensbank kører på http://127.0.0.1:$VB_API_PORT  (stop: scripts/stop.sh)"
