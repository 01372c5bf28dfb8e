# shellcheck shell=bash
# Shared defaults and helpers for the Vidensbank service scripts.
# Source it, do not execute it:  . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Every VB_* default below can be overridden from the environment.

# Repository root (the parent of scripts/), resolved to an absolute path.
VB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"

# Runtime directory for data, logs and pid files (git-ignored).
: "${VB_VAR:=$VB_ROOT/var}"
# Elasticsearch distribution version (integ-test-zip from Maven Central).
: "${VB_ES_VERSION:=8.19.21}"
: "${VB_ES_PORT:=9200}"
: "${VB_REDIS_PORT:=6379}"
# PostgreSQL for the tests that check the schema and queries on it (5433: a system one may
# hold 5432).
: "${VB_PG_PORT:=5433}"
# Unpacked Elasticsearch lives outside the checkout, shared by all worktrees.
: "${VB_ES_HOME:=$HOME/.cache/vidensbank/elasticsearch-$VB_ES_VERSION}"
# JVM heap for Elasticsearch (used for both -Xms and -Xmx).
: "${VB_ES_HEAP:=1g}"
# Unprivileged system user that runs Elasticsearch (it refuses to run as root).
: "${VB_ES_USER:=vidensbank-es}"
# Local Maven repository that holds the downloaded distribution zip.
: "${VB_M2_REPO:=$HOME/.m2/repository}"
# Space-separated paths of extra Elasticsearch plugin zips to install.
: "${VB_ES_PLUGINS:=}"
# Det Fælles Designsystem (npm package dkfds), vendored into web/static/dkfds/ by
# install_dkfds.sh; the SHA-512 (base64, as npm's "integrity") pins the package's bytes.
: "${VB_DKFDS_VERSION:=11.2.0}"
: "${VB_DKFDS_SHA512:=JuVf8NjEOeF+TKIhEFXa3BfZvk1ulQM8+XN+6QhgDo6kiwwvupyBY34YU4FglBeyFWHbE5mYDmnrcYTWOSKkEA==}"
# The downloaded package, kept outside the checkout.
: "${VB_DKFDS_CACHE:=$HOME/.cache/vidensbank/npm}"
# Seconds to wait for a service to become healthy.
: "${VB_ES_START_TIMEOUT:=120}"
# Extra Elasticsearch settings, space-separated key=value pairs (passed as -E).
: "${VB_ES_SETTINGS:=}"
# Extra JVM options for Elasticsearch, appended to the heap options.
: "${VB_ES_JAVA_OPTS:=}"
# A node of a cluster on loopback (set by scripts/cluster.sh; empty: a single node):
# VB_ES_NODE_NAME, VB_ES_TRANSPORT_PORT, VB_ES_SEED_HOSTS (host:transport port, comma-separated),
# VB_ES_MASTER_NODES (the first master-eligible node names), and VB_ES_WAIT=0 to start the node
# without waiting for the cluster to answer.

export VB_ROOT VB_VAR VB_ES_VERSION VB_ES_PORT VB_REDIS_PORT VB_ES_HOME VB_ES_HEAP \
    VB_ES_USER VB_M2_REPO VB_ES_PLUGINS VB_ES_START_TIMEOUT VB_ES_SETTINGS VB_ES_JAVA_OPTS \
    VB_DKFDS_VERSION VB_DKFDS_SHA512 VB_DKFDS_CACHE

# Per-instance runtime directories (data, logs, pid files).
VB_ES_RUN="$VB_VAR/elasticsearch/$VB_ES_PORT"
VB_REDIS_RUN="$VB_VAR/redis/$VB_REDIS_PORT"
VB_PG_RUN="$VB_VAR/postgres/$VB_PG_PORT"
export VB_ES_RUN VB_REDIS_RUN VB_PG_RUN VB_PG_PORT

# log MESSAGE...: print a prefixed message to stderr.
log() {
    printf '[%s] %s\n' "$(basename "$0")" "$*" >&2
}

# die MESSAGE...: log and exit non-zero.
die() {
    log "ERROR: $*"
    exit 1
}

# run_quiet CMD...: run a command with its output captured; print the output
# only if the command fails, and return its exit status.
run_quiet() {
    local out rc=0
    out="$(mktemp)"
    "$@" >"$out" 2>&1 || rc=$?
    if [[ $rc -ne 0 ]]; then
        log "command failed (exit $rc): $*"
        tail -n 50 "$out" >&2
    fi
    rm -f "$out"
    return "$rc"
}

# java_major JAVA_BIN: print the major version of a java binary (e.g. 17).
java_major() {
    local spec
    spec="$("$1" -XshowSettings:properties -version 2>&1 |
        sed -n 's/^ *java\.specification\.version = //p')" || return 1
    # "1.8" style versions are older than 9.
    case "$spec" in
        1.*) echo "${spec#1.}" ;;
        "") return 1 ;;
        *) echo "$spec" ;;
    esac
}

# find_java_home: print the home of a Java 17+ runtime, or return 1.
# Order: $ES_JAVA_HOME, $JAVA_HOME, the java on PATH, /usr/lib/jvm/*.
find_java_home() {
    local candidates=() c major onpath
    [[ -n "${ES_JAVA_HOME:-}" ]] && candidates+=("$ES_JAVA_HOME")
    [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME")
    if onpath="$(command -v java 2>/dev/null)"; then
        onpath="$(readlink -f "$onpath")"
        candidates+=("${onpath%/bin/java}")
    fi
    for c in /usr/lib/jvm/*/; do
        [[ -d "$c" ]] && candidates+=("${c%/}")
    done
    for c in "${candidates[@]}"; do
        [[ -x "$c/bin/java" ]] || continue
        major="$(java_major "$c/bin/java")" || continue
        if [[ "$major" =~ ^[0-9]+$ ]] && ((major >= 17)); then
            echo "$c"
            return 0
        fi
    done
    return 1
}

# port_open PORT: true if something accepts TCP connections on 127.0.0.1:PORT.
port_open() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# pid_alive PIDFILE PATTERN: print the pid and succeed if PIDFILE names a
# running process whose command line contains PATTERN (guards against reuse
# of a stale pid by an unrelated process).
pid_alive() {
    local pidfile="$1" pattern="$2" pid
    [[ -s "$pidfile" ]] || return 1
    pid="$(tr -dc '0-9' <"$pidfile")"
    [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$pattern" || return 1
    echo "$pid"
}

# es_healthy: true if the local Elasticsearch answers with status yellow/green.
es_healthy() {
    curl -fsS --max-time 5 \
        "http://127.0.0.1:$VB_ES_PORT/_cluster/health?wait_for_status=yellow&timeout=1s" \
        2>/dev/null | grep -Eq '"status":"(yellow|green)"'
}

# redis_healthy: true if the local redis answers PING.
redis_healthy() {
    [[ "$(redis-cli -h 127.0.0.1 -p "$VB_REDIS_PORT" ping 2>/dev/null)" == "PONG" ]]
}

# grant_traverse USER PATH: make every directory on PATH searchable by USER
# (needed when it lies under a private home such as /root, mode 700). Only
# directories USER cannot search yet are touched: with setfacl a per-user ACL
# entry (x, or rx where USER could already read), otherwise o+x.
grant_traverse() {
    local user="$1" path="$2" dir="" part perm
    local -a parts
    IFS=/ read -ra parts <<<"${path#/}"
    # Walk from / downwards so each check sees the grants made above it.
    for part in "${parts[@]}"; do
        [[ -n "$part" ]] || continue
        dir="$dir/$part"
        [[ -d "$dir" ]] || break
        runuser -u "$user" -- test -x "$dir" && continue
        if command -v setfacl >/dev/null 2>&1; then
            # A named-user ACL entry replaces the "other" bits for that user,
            # so keep read access where it already had it.
            perm=x
            if runuser -u "$user" -- test -r "$dir"; then perm=rx; fi
            setfacl -m "u:$user:$perm" "$dir"
        else
            log "setfacl missing; adding o+x to $dir"
            chmod o+x "$dir"
        fi
    done
}

# The app's own processes (workers, beat), started by run.sh and cluster.sh with a pid file in
# RUN and a log in LOGS.

# alive PIDFILE: true if the pid file names a running process.
alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# code_stamp: the code the app's processes run, as its files' names, sizes and times and the
# packages installed beside it. A process keeps the code it started with: after a git pull or
# an upgrade, one started before runs the old code on a database the new code migrated.
code_stamp() {
    (
        cd "$VB_ROOT" &&
            find vidensbank ingest nlp_models search_api web -type f -not -path '*/__pycache__/*' \
                -not -path '*/es_plugin/target/*' -printf '%p %s %T@\n' 2>/dev/null
        ls "$VB_ROOT"/.venv/lib/python*/site-packages 2>/dev/null | grep -F .dist-info
    ) | sort | sha256sum | cut -c1-16
}

# app_process PIDFILE: true if the pid file names a Celery worker or beat, or the API, run from
# this checkout; after a reboot its pid may be another process's, which is none of ours.
app_process() {
    local cmd
    alive "$1" || return 1
    cmd="$(tr '\0' ' ' <"/proc/$(cat "$1")/cmdline" 2>/dev/null)" || return 1
    [[ "$cmd" == *"$VB_ROOT/.venv/bin/"* ]] || return 1
    [[ "$cmd" == *"vidensbank.celery_app"* || "$cmd" == *"vidensbank serve"* ]]
}

# running_current PIDFILE: true if the pid file names an app process started from the code as
# it is now; one started from other code (or before stamps were kept) is stopped, and a pid
# file naming another process is left behind as stale.
running_current() {
    alive "$1" || return 1
    if ! app_process "$1"; then
        rm -f "$1" "$1.code"
        return 1
    fi
    [[ "$(cat "$1.code" 2>/dev/null)" == "$(code_stamp)" ]] && return 0
    log "$(basename "$1" .pid) runs older code than this checkout's: restarting it"
    stop_pidfile "$(basename "$1" .pid)" "$1"
    return 1
}

# stop_outdated RUN: stop every app process of RUN started from other code, before the
# database is migrated under it (nginx, Elasticsearch and strangers are left alone).
stop_outdated() {
    local pidfile
    for pidfile in "$1"/*.pid; do
        app_process "$pidfile" || continue
        running_current "$pidfile" || true
    done
}

# start_worker RUN LOGS NAME QUEUE CONCURRENCY: a detached Celery worker, unless it runs the
# current code.
start_worker() {
    running_current "$1/$3.pid" && return 0
    rm -f "$1/$3.pid"
    (cd "$VB_ROOT" && "$VB_ROOT/.venv/bin/celery" -A vidensbank.celery_app worker --detach \
        --hostname="$3@%h" -Q "$4" --concurrency="$5" --loglevel=INFO \
        --pidfile="$1/$3.pid" --logfile="$2/$3.log")
    code_stamp >"$1/$3.pid.code"
    log "$3 started on queue $4 (log: $2/$3.log)"
}

# start_api PIDFILE LOGFILE PORT: `vidensbank serve` on PORT, unless it runs the current code;
# waits up to 60 s for its /healthz.
start_api() {
    running_current "$1" && return 0
    nohup "$VB_ROOT/.venv/bin/vidensbank" serve --port "$3" >"$2" 2>&1 &
    echo $! >"$1"
    code_stamp >"$1.code"
    for _ in $(seq 1 120); do
        curl -fsS "http://127.0.0.1:$3/healthz" >/dev/null 2>&1 && break
        sleep 0.5
    done
    log "API and web UI started on port $3 (log: $2)"
}

# start_beat RUN LOGS: a detached Celery beat (it starts the crawls VB_CRAWL_SCHEDULE names and
# the nightly pruning of originals).
start_beat() {
    running_current "$1/beat.pid" && return 0
    rm -f "$1/beat.pid"
    (cd "$VB_ROOT" && "$VB_ROOT/.venv/bin/celery" -A vidensbank.celery_app beat --detach \
        --loglevel=INFO --schedule="$1/celerybeat-schedule" \
        --pidfile="$1/beat.pid" --logfile="$2/beat.log")
    code_stamp >"$1/beat.pid.code"
    log "beat started (log: $2/beat.log)"
}

# stop_pidfile NAME PIDFILE: SIGTERM, up to 30 s to exit, then SIGKILL.
stop_pidfile() {
    local pid
    [[ -f "$2" ]] || return 0
    pid="$(cat "$2")"
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid"
        for _ in $(seq 1 60); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.5
        done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    fi
    rm -f "$2"
    log "$1 stopped"
}
