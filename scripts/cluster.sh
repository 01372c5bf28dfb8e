#!/usr/bin/env bash
# Vidensbank as a cluster on this machine's loopback, in the shape docker-compose.yml describes:
# VB_ES_NODES Elasticsearch nodes of the same distribution (own data folders, ports and names,
# discovery on 127.0.0.1), PostgreSQL, Redis, VB_WORKER_POOLS worker pools, an OCR worker, beat,
# and VB_API_PROCESSES API processes behind nginx on one port. The shape and the settings come
# from deploy/cluster.env, which docker-compose.yml reads too.
#
#   cluster.sh start     start what is not running yet, wait until the cluster is green
#   cluster.sh stop      stop everything this script started
#   cluster.sh env       print the settings the cluster's processes get, as shell exports
#                        (eval "$(scripts/cluster.sh env)"; vidensbank ingest --wait DIR)
#
# Ports (defaults): API and web UI on VB_API_PORT (8000) through nginx, API processes on the
# ports after it; Elasticsearch HTTP from VB_CLUSTER_ES_PORT (9201), transport from
# VB_CLUSTER_TRANSPORT_PORT (9301); Redis VB_REDIS_PORT; PostgreSQL VB_PG_PORT.
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
. "$here/lib.sh"
# deploy/cluster.env gives the defaults; a variable already set in the environment wins.
while IFS='=' read -r key value; do
    [[ "$key" =~ ^VB_[A-Z0-9_]+$ ]] || continue
    [[ -v "$key" ]] || export "$key=$value"
done <"$VB_ROOT/deploy/cluster.env"
: "${VB_CLUSTER_ES_PORT:=9201}"
: "${VB_CLUSTER_TRANSPORT_PORT:=9301}"
: "${VB_API_PORT:=8000}"

bin="$VB_ROOT/.venv/bin"
run="$VB_VAR/cluster"
logs="$VB_VAR/log/cluster"

node_name() { printf 'es%02d' "$1"; }
es_port() { echo $((VB_CLUSTER_ES_PORT + $1 - 1)); }
api_port() { echo $((VB_API_PORT + $1)); }

# The settings every process of the cluster gets (beside those of deploy/cluster.env).
cluster_env() {
    local i urls=()
    for ((i = 1; i <= VB_ES_NODES; i++)); do
        urls+=("http://127.0.0.1:$(es_port "$i")")
    done
    VB_ELASTICSEARCH_URL="$(
        IFS=,
        echo "${urls[*]}"
    )"
    VB_DATABASE_URL="postgresql+psycopg://vidensbank@127.0.0.1:$VB_PG_PORT/vidensbank"
    export VB_ELASTICSEARCH_URL VB_DATABASE_URL VB_REDIS_PORT VB_VAR
}

start_elasticsearch() {
    local i seeds=() masters=() deadline
    for ((i = 1; i <= VB_ES_NODES; i++)); do
        seeds+=("127.0.0.1:$((VB_CLUSTER_TRANSPORT_PORT + i - 1))")
        masters+=("$(node_name "$i")")
    done
    for ((i = 1; i <= VB_ES_NODES; i++)); do
        VB_ES_PORT="$(es_port "$i")" VB_ES_NODE_NAME="$(node_name "$i")" \
            VB_ES_TRANSPORT_PORT="$((VB_CLUSTER_TRANSPORT_PORT + i - 1))" \
            VB_ES_SEED_HOSTS="$(
                IFS=,
                echo "${seeds[*]}"
            )" \
            VB_ES_MASTER_NODES="$(
                IFS=,
                echo "${masters[*]}"
            )" \
            VB_ES_WAIT=0 "$here/start_services.sh" es
    done
    deadline=$((SECONDS + VB_ES_START_TIMEOUT))
    until curl -fsS --max-time 10 "http://127.0.0.1:$(es_port 1)/_cluster/health?wait_for_nodes=$VB_ES_NODES&wait_for_status=green&timeout=5s" 2>/dev/null |
        grep -q '"timed_out":false'; do
        ((SECONDS < deadline)) || die "the Elasticsearch cluster was not green with $VB_ES_NODES nodes after ${VB_ES_START_TIMEOUT}s (logs: $VB_VAR/elasticsearch/*/logs)"
        sleep 1
    done
    log "Elasticsearch: $VB_ES_NODES nodes, green (HTTP ports $(es_port 1)–$(es_port "$VB_ES_NODES"))"
}

# nginx with docker-compose's deploy/nginx.conf, its upstream the API processes on loopback.
start_proxy() {
    local i servers=""
    alive "$run/nginx.pid" && return 0
    for ((i = 1; i <= VB_API_PROCESSES; i++)); do
        servers+="server 127.0.0.1:$(api_port "$i") max_fails=1 fail_timeout=5s; "
    done
    mkdir -p "$run/nginx"
    {
        echo "pid $run/nginx.pid;"
        echo "error_log $logs/nginx.error.log;"
        sed -e "s|server api:8000;|$servers|" \
            -e "s|listen 8000;|listen 127.0.0.1:$VB_API_PORT;|" \
            -e "s|^http {|http {\n    access_log $logs/nginx.access.log;\n    client_body_temp_path $run/nginx/body;\n    proxy_temp_path $run/nginx/proxy;|" \
            "$VB_ROOT/deploy/nginx.conf"
    } >"$run/nginx.conf"
    command -v nginx >/dev/null 2>&1 || die "nginx missing: run scripts/install_system.sh"
    nginx -q -c "$run/nginx.conf" -p "$run/nginx" -g "daemon on;"
    log "nginx on 127.0.0.1:$VB_API_PORT in front of $VB_API_PROCESSES API processes"
}

start() {
    local i queue ocr_queue embed_queue
    mkdir -p "$run" "$logs"
    start_elasticsearch
    "$here/start_services.sh" redis pg
    cluster_env
    stop_outdated "$run" # processes of older code stop before the database is migrated
    "$bin/vidensbank" init
    read -r queue ocr_queue embed_queue < <("$bin/python" -c \
        'from vidensbank.settings import get_settings as s; print(s().queue, s().ocr_queue, s().embed_queue)')
    for ((i = 1; i <= VB_WORKER_POOLS; i++)); do
        start_worker "$run" "$logs" "pool$i" "$queue" "$VB_WORKER_CONCURRENCY"
    done
    start_worker "$run" "$logs" ocr-worker "$ocr_queue" 1
    start_worker "$run" "$logs" embed-worker "$embed_queue" "$VB_WORKER_CONCURRENCY"
    start_beat "$run" "$logs"
    for ((i = 1; i <= VB_API_PROCESSES; i++)); do
        start_api "$run/api$i.pid" "$logs/api$i.log" "$(api_port "$i")"
    done
    start_proxy
}

stop() {
    local i
    stop_pidfile nginx "$run/nginx.pid"
    for ((i = 1; i <= VB_API_PROCESSES; i++)); do
        stop_pidfile "API process $i" "$run/api$i.pid"
    done
    stop_pidfile beat "$run/beat.pid"
    stop_pidfile ocr-worker "$run/ocr-worker.pid"
    stop_pidfile embed-worker "$run/embed-worker.pid"
    for ((i = 1; i <= VB_WORKER_POOLS; i++)); do
        stop_pidfile "pool$i" "$run/pool$i.pid"
    done
    for ((i = 1; i <= VB_ES_NODES; i++)); do
        VB_ES_PORT="$(es_port "$i")" "$here/stop_services.sh" es
    done
    "$here/stop_services.sh" redis pg
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    env)
        cluster_env
        while IFS='=' read -r key _; do
            [[ "$key" =~ ^VB_[A-Z0-9_]+$ ]] && printf 'export %s=%q\n' "$key" "${!key}"
        done <"$VB_ROOT/deploy/cluster.env"
        printf 'export %s=%q\n' VB_ELASTICSEARCH_URL "$VB_ELASTICSEARCH_URL" \
            VB_DATABASE_URL "$VB_DATABASE_URL" VB_REDIS_PORT "$VB_REDIS_PORT" VB_VAR "$VB_VAR" \
            VB_API_PORT "$VB_API_PORT"
        ;;
    *) die "usage: cluster.sh start | stop | env" ;;
esac
