#!/usr/bin/env bash
# Start the local backing services on loopback, if not already running:
#   redis          127.0.0.1:$VB_REDIS_PORT, state in $VB_VAR/redis/<port>/
#   elasticsearch  127.0.0.1:$VB_ES_PORT,    state in $VB_VAR/elasticsearch/<port>/
#   postgres       127.0.0.1:$VB_PG_PORT,    state in $VB_VAR/postgres/<port>/ (database
#                  "vidensbank", user "vidensbank", trust on loopback: for tests only)
# Usage: start_services.sh [redis] [es] [pg]     (default: all three)
# A second run while both are up and healthy is a quick no-op.
# Prerequisites: scripts/install_system.sh and scripts/install_elasticsearch.sh.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

services=("$@")
[[ ${#services[@]} -gt 0 ]] || services=(redis es pg)

# Serialize concurrent start/stop runs on the same $VB_VAR (e.g. parallel
# test workers); the lock is released when the script exits.
mkdir -p "$VB_VAR"
exec 9>"$VB_VAR/.services.lock"
flock 9
# The daemons started below must not inherit fd 9, or they would hold the
# lock for their whole lifetime: each launch closes it with 9>&-.

start_redis() {
    local run="$VB_REDIS_RUN" pidfile="$VB_REDIS_RUN/redis.pid" i
    if pid_alive "$pidfile" redis-server >/dev/null && redis_healthy; then
        return 0
    fi
    command -v redis-server >/dev/null 2>&1 || die "redis-server missing: run scripts/install_system.sh"
    if ! pid_alive "$pidfile" redis-server >/dev/null; then
        port_open "$VB_REDIS_PORT" &&
            die "127.0.0.1:$VB_REDIS_PORT is taken by a process not started from $VB_VAR (set VB_REDIS_PORT or stop it)"
        mkdir -p "$run"
        rm -f "$pidfile"
        # No persistence: dev/test data is disposable.
        redis-server --bind 127.0.0.1 --port "$VB_REDIS_PORT" --protected-mode yes \
            --daemonize yes --pidfile "$pidfile" --dir "$run" \
            --logfile "$run/redis.log" --save '' --appendonly no >/dev/null 9>&- ||
            die "redis-server failed to start; see $run/redis.log"
    fi
    for ((i = 0; i < 100; i++)); do
        redis_healthy && return 0
        sleep 0.1
    done
    tail -n 30 "$run/redis.log" >&2 || true
    die "redis did not answer PING on 127.0.0.1:$VB_REDIS_PORT"
}

# Elasticsearch settings, passed as -E options. Only settings that this
# distribution knows are passed: unknown settings make Elasticsearch refuse
# to start. The integ-test-zip ships only the modules apm, transport-netty4,
# x-pack-core and x-pack-security (no analysis-common, no ML, no ingest-geoip).
es_settings() {
    local run="$1"
    printf '%s\n' \
        "cluster.name=vidensbank" \
        "node.name=${VB_ES_NODE_NAME:-vidensbank-$VB_ES_PORT}" \
        "network.host=127.0.0.1" \
        "http.port=$VB_ES_PORT" \
        "path.data=$run/data" \
        "path.logs=$run/logs" \
        "cluster.routing.allocation.disk.threshold_enabled=false"
    # One node of a cluster on loopback (scripts/cluster.sh), or a node of its own. A cluster's
    # node starts without waiting for the others (they start after it): the script waits.
    if [[ -n "${VB_ES_SEED_HOSTS:-}" ]]; then
        printf '%s\n' \
            "transport.port=$VB_ES_TRANSPORT_PORT" \
            "discovery.seed_hosts=$VB_ES_SEED_HOSTS" \
            "cluster.initial_master_nodes=$VB_ES_MASTER_NODES" \
            "discovery.initial_state_timeout=1s"
    else
        echo "discovery.type=single-node"
    fi
    # Local dev/test only: plain HTTP without authentication. The
    # docker-compose deployment turns security on.
    [[ ! -d "$VB_ES_HOME/modules/x-pack-security" ]] || echo "xpack.security.enabled=false"
    [[ ! -d "$VB_ES_HOME/modules/x-pack-ml" ]] || echo "xpack.ml.enabled=false"
    # No network access here: do not try to download GeoIP databases.
    [[ ! -d "$VB_ES_HOME/modules/ingest-geoip" ]] || echo "ingest.geoip.downloader.enabled=false"
    # Extra settings from the environment, e.g. VB_ES_SETTINGS="a.b=1 c.d=x".
    local extra
    for extra in ${VB_ES_SETTINGS:-}; do
        echo "$extra"
    done
}

es_fail() {
    local run="$1"
    shift
    log "ERROR: $*"
    if [[ -s "$run/startup.out" ]]; then
        log "--- $run/startup.out"
        tail -n 20 "$run/startup.out" >&2
    fi
    if [[ -s "$run/logs/vidensbank.log" ]]; then
        log "--- $run/logs/vidensbank.log"
        tail -n 40 "$run/logs/vidensbank.log" >&2
    fi
    exit 1
}

start_es() {
    local run="$VB_ES_RUN" pidfile="$VB_ES_RUN/elasticsearch.pid"
    local pattern="org.elasticsearch.bootstrap.Elasticsearch"
    local java_home deadline="" pid setting rc
    local -a args=() as_user=()

    if ! pid_alive "$pidfile" "$pattern" >/dev/null; then
        [[ -f "$VB_ES_HOME/.vidensbank-installed" ]] ||
            die "Elasticsearch is not installed in $VB_ES_HOME: run scripts/install_elasticsearch.sh"
        port_open "$VB_ES_PORT" &&
            die "127.0.0.1:$VB_ES_PORT is taken by a process not started from $VB_VAR (set VB_ES_PORT or stop it)"
        java_home="$(find_java_home)" || die "no Java 17+ found: run scripts/install_system.sh"

        mkdir -p "$run/data" "$run/logs" "$run/tmp"
        rm -f "$pidfile" "$run/startup.out"
        if [[ $EUID -eq 0 ]]; then
            # Elasticsearch refuses to run as root.
            id -u "$VB_ES_USER" >/dev/null 2>&1 ||
                die "user $VB_ES_USER missing: run scripts/install_elasticsearch.sh"
            chown "$VB_ES_USER:$VB_ES_USER" "$run" "$run/data" "$run/logs" "$run/tmp"
            grant_traverse "$VB_ES_USER" "$run"
            as_user=(runuser -u "$VB_ES_USER" --)
        fi
        while IFS= read -r setting; do
            args+=("-E" "$setting")
        done < <(es_settings "$run")

        # Bootstrap checks are not enforced while transport binds loopback only (one node
        # or a cluster on 127.0.0.1), so vm.max_map_count etc. need not be raised.
        # -d daemonizes; the launcher returns once the node has started.
        # The server runs in path.logs (gc.log, hs_err files land there); cd to
        # $run first so the launcher never starts in a directory the user cannot read.
        deadline=$((SECONDS + VB_ES_START_TIMEOUT))
        rc=0
        (cd "$run" && timeout "$VB_ES_START_TIMEOUT" "${as_user[@]}" env \
            ES_JAVA_HOME="$java_home" \
            ES_JAVA_OPTS="-Xms$VB_ES_HEAP -Xmx$VB_ES_HEAP $VB_ES_JAVA_OPTS" \
            ES_TMPDIR="$run/tmp" \
            ES_PATH_CONF="$VB_ES_HOME/config" \
            "$VB_ES_HOME/bin/elasticsearch" -d -p "$pidfile" "${args[@]}" \
            >"$run/startup.out" 2>&1 </dev/null 9>&-) || rc=$?
        if [[ $rc -ne 0 ]]; then
            if pid="$(pid_alive "$pidfile" "$pattern")"; then
                kill "$pid" 2>/dev/null || true
            fi
            [[ $rc -ne 124 ]] ||
                es_fail "$run" "Elasticsearch did not start within ${VB_ES_START_TIMEOUT}s"
            es_fail "$run" "Elasticsearch failed to start (exit $rc)"
        fi
    fi

    # A cluster's node answers only once enough nodes have joined: scripts/cluster.sh waits.
    [[ "${VB_ES_WAIT:-1}" == 1 ]] || return 0
    # Already running (e.g. still starting up): give it the full timeout.
    [[ -n "$deadline" ]] || deadline=$((SECONDS + VB_ES_START_TIMEOUT))
    until es_healthy; do
        pid_alive "$pidfile" "$pattern" >/dev/null ||
            es_fail "$run" "Elasticsearch exited during startup"
        ((SECONDS < deadline)) ||
            es_fail "$run" "Elasticsearch not yellow/green on 127.0.0.1:$VB_ES_PORT after ${VB_ES_START_TIMEOUT}s"
        sleep 1
    done
}

pg_bin() {
    local bin
    bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    [[ -n "$bin" ]] || die "PostgreSQL server missing: run scripts/install_system.sh"
    echo "$bin"
}

start_pg() {
    local run="$VB_PG_RUN" bin i
    bin="$(pg_bin)"
    as_pg=(runuser -u postgres --)
    if [[ -f "$run/data/postmaster.pid" ]] &&
        "$bin/pg_isready" -q -h 127.0.0.1 -p "$VB_PG_PORT"; then
        return 0
    fi
    if [[ ! -f "$run/data/PG_VERSION" ]]; then
        install -d -o postgres -g postgres -m 0700 "$run" "$run/data"
        # The checkout may lie below a private home directory.
        grant_traverse postgres "$run"
        "${as_pg[@]}" "$bin/initdb" -D "$run/data" -U vidensbank --auth=trust \
            --encoding=UTF8 --locale=C.UTF-8 >"$run/initdb.log" 2>&1 ||
            { tail -n 20 "$run/initdb.log" >&2; die "initdb failed"; }
    fi
    port_open "$VB_PG_PORT" &&
        die "127.0.0.1:$VB_PG_PORT is taken by a process not started from $VB_VAR (set VB_PG_PORT or stop it)"
    "${as_pg[@]}" "$bin/pg_ctl" -D "$run/data" -l "$run/postgres.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $VB_PG_PORT -k $run" start >/dev/null 9>&- ||
        { tail -n 20 "$run/postgres.log" >&2; die "PostgreSQL failed to start"; }
    for ((i = 0; i < 100; i++)); do
        "$bin/pg_isready" -q -h 127.0.0.1 -p "$VB_PG_PORT" && break
        sleep 0.1
    done
    if ! "$bin/psql" -h 127.0.0.1 -p "$VB_PG_PORT" -U vidensbank -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = 'vidensbank'" | grep -q 1; then
        "$bin/createdb" -h 127.0.0.1 -p "$VB_PG_PORT" -U vidensbank vidensbank
    fi
}

for svc in "${services[@]}"; do
    case "$svc" in
        redis) start_redis ;;
        es | elasticsearch) start_es ;;
        pg | postgres) start_pg ;;
        *) die "unknown service '$svc' (expected: redis, es, pg)" ;;
    esac
done
