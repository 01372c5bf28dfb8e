#!/usr/bin/env bash
# Stop the services started by start_services.sh (found by their pid files
# under $VB_VAR), cleanly, and wait for them to exit.
# Usage: stop_services.sh [es] [redis] [pg]     (default: all three)
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

services=("$@")
[[ ${#services[@]} -gt 0 ]] || services=(es redis pg)

# Serialize concurrent start/stop runs on the same $VB_VAR (e.g. parallel
# test workers); the lock is released when the script exits.
mkdir -p "$VB_VAR"
exec 9>"$VB_VAR/.services.lock"
flock 9

# stop_pid NAME PIDFILE PATTERN TIMEOUT: SIGTERM the process, wait up to
# TIMEOUT seconds, then SIGKILL as a last resort.
stop_pid() {
    local name="$1" pidfile="$2" pattern="$3" timeout="$4" pid deadline
    if ! pid="$(pid_alive "$pidfile" "$pattern")"; then
        rm -f "$pidfile"
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + timeout))
    while kill -0 "$pid" 2>/dev/null; do
        if ((SECONDS >= deadline)); then
            log "$name (pid $pid) still running after ${timeout}s; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            sleep 0.5
            break
        fi
        sleep 0.2
    done
    rm -f "$pidfile"
}

for svc in "${services[@]}"; do
    case "$svc" in
        es | elasticsearch)
            stop_pid elasticsearch "$VB_ES_RUN/elasticsearch.pid" \
                org.elasticsearch.bootstrap.Elasticsearch 60
            ;;
        redis)
            stop_pid redis "$VB_REDIS_RUN/redis.pid" redis-server 30
            ;;
        pg | postgres)
            if [[ -f "$VB_PG_RUN/data/postmaster.pid" ]]; then
                bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
                runuser -u postgres -- "$bin/pg_ctl" -D "$VB_PG_RUN/data" -m fast -w stop \
                    >/dev/null || log "PostgreSQL did not stop cleanly"
            fi
            ;;
        *) die "unknown service '$svc' (expected: es, redis, pg)" ;;
    esac
done
