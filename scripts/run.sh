#!/usr/bin/env bash
# Install and run the whole stack on this machine: Elasticsearch, Redis, Celery workers, beat and
# the API/web UI on http://127.0.0.1:8000, then ingest the bundled sample corpus.
# Idempotent: what already runs the current code keeps running; what runs older code (after a
# git pull or an upgrade) is restarted. Stop everything with scripts/stop.sh.
#
#   run.sh --cluster   the same as a cluster on loopback (scripts/cluster.sh: three
#                      Elasticsearch nodes, PostgreSQL, two worker pools, two API processes behind
#                      nginx); stop it with scripts/cluster.sh stop
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
. "$here/lib.sh"
: "${VB_API_PORT:=8000}"
: "${VB_WORKER_CONCURRENCY:=2}"
bin="$VB_ROOT/.venv/bin"
corpus="$VB_VAR/sample_corpus"

"$here/setup.sh"

if [[ "${1:-}" == --cluster ]]; then
    "$here/cluster.sh" start
    eval "$("$here/cluster.sh" env)"
    "$bin/python" -m sample_corpus.render "$corpus" >/dev/null
    "$bin/vidensbank" ingest --wait "$corpus"
    log "Vidensbank kører som klynge på http://127.0.0.1:$VB_API_PORT  (stop: scripts/cluster.sh stop)"
    exit 0
fi

# Redis and Elasticsearch only: the stack's database is SQLite (in $VB_VAR). PostgreSQL is for
# the tests (scripts/test.sh) and the cluster (scripts/cluster.sh), which start it themselves.
"$here/start_services.sh" redis es

run="$VB_VAR/run"
mkdir -p "$run" "$VB_VAR/log"

# Processes started from older code (before a git pull or an upgrade) stop before the database
# is migrated under them; the new code starts them again below.
stop_outdated "$run"
"$bin/vidensbank" init

# Three workers: one for the pipeline's queue; one process for the OCR queue, so a long scan is
# read beside the other documents instead of taking the pipeline's processes; and one for the
# embedding queue, which lowers its own CPU priority to the lowest, so documents are embedded in
# the time nothing else wants. The queue names come from the settings (VB_QUEUE, VB_OCR_QUEUE,
# VB_EMBED_QUEUE).
read -r queue ocr_queue embed_queue < <("$bin/python" -c \
    'from vidensbank.settings import get_settings as s; print(s().queue, s().ocr_queue, s().embed_queue)')
start_worker "$run" "$VB_VAR/log" worker "$queue" "$VB_WORKER_CONCURRENCY"
start_worker "$run" "$VB_VAR/log" ocr-worker "$ocr_queue" 1
start_worker "$run" "$VB_VAR/log" embed-worker "$embed_queue" "$VB_WORKER_CONCURRENCY"
# Celery beat starts the crawls VB_CRAWL_SCHEDULE names (none by default) and, every night, the
# pruning of the originals nothing refers to (ingest.prune_originals).
start_beat "$run" "$VB_VAR/log"

start_api "$run/api.pid" "$VB_VAR/log/api.log" "$VB_API_PORT"

# After an upgrade (the code is not what the last run started), the documents read, enriched,
# linked or embedded by another version go through those steps again. Only then: run again
# while documents wait to be embedded, it would queue each of them a second time.
if [[ "$(cat "$run/code" 2>/dev/null)" != "$(code_stamp)" ]]; then
    "$bin/vidensbank" reextract --stale
    "$bin/vidensbank" reenrich --stale
    "$bin/vidensbank" editions
    "$bin/vidensbank" embed
    code_stamp >"$run/code"
fi

"$bin/python" -m sample_corpus.render "$corpus" >/dev/null
"$bin/vidensbank" ingest --wait "$corpus"

log "Vidensbank kører på http://127.0.0.1:$VB_API_PORT  (stop: scripts/stop.sh)"
