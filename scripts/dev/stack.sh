# scripts/dev/stack.sh - start, stop and probe each part of the local stack.
# Sourced by up, down, status and nginx after scripts/lib.sh.

CR_LIGHTTPD_CONF="$CRUDDUR_ROOT/etc/lighttpd.conf"
CR_INVOKE_CONF="$CRUDDUR_ROOT/etc/lighttpd-invoke.conf"
export CRUDDUR_INVOKE_BIN="$CRUDDUR_BUILD/cruddur-invoke"
CR_NGINX_TEMPLATE="$CRUDDUR_ROOT/etc/nginx.conf"
CR_DDB_DIR="$CRUDDUR_CACHE/emulator"
CR_COGNITO_JS="$CRUDDUR_CACHE/cognito-local/node_modules/cognito-local/lib/bin/start.js"

# What each part's command line contains (see cr_alive).
CR_TEXT_postgres="$CR_PG_BIN/postgres"
CR_TEXT_dynamodb=DynamoDBLocal.jar
CR_TEXT_cognito=cognito-local
CR_TEXT_lighttpd=lighttpd
CR_TEXT_stream=cruddur-stream
CR_TEXT_invoke=lighttpd-invoke.conf
CR_TEXT_nginx=nginx
cr_text() { local v="CR_TEXT_$1"; printf '%s\n' "${!v}"; }

# ---- probes: succeed when the part answers ----

cr_probe_postgres() { "$CR_PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$CRUDDUR_PG_PORT" -U postgres -d postgres; }
# Any HTTP answer will do: DynamoDB Local's Jetty is up.
cr_probe_dynamodb() { curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$CRUDDUR_DDB_PORT/"; }
cr_probe_cognito() { curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$CRUDDUR_COGNITO_PORT/health"; }
cr_probe_lighttpd() { curl -fs -o /dev/null --max-time 5 "http://127.0.0.1:$CRUDDUR_PORT/api/health-check"; }
cr_probe_stream() { cr_running stream "$CR_TEXT_stream" >/dev/null; }
# The function's own 404 for an unknown function: lighttpd and cruddur-invoke answer.
cr_probe_invoke() {
    curl -s -o /dev/null -D - --max-time 5 -X POST -d '{}' \
        "http://127.0.0.1:$CRUDDUR_INVOKE_PORT/2015-03-31/functions/-/invocations" |
        grep -qi '^X-Amzn-ErrorType: ResourceNotFoundException'
}
cr_probe_nginx() { curl -fs -o /dev/null --max-time 5 "http://127.0.0.1:$CRUDDUR_NGINX_PORT/api/health-check"; }

# ---- starts: each returns 0 when the part answers; CR_FRESH_<part>=1 when
# this call started it (0 when it was already running) ----

cr_start_postgres() {
    CR_FRESH_postgres=0
    if cr_running postgres "$CR_TEXT_postgres" >/dev/null; then return 0; fi
    cr_need_port_free "$CRUDDUR_PG_PORT" postgres CRUDDUR_PG_PORT
    local base
    base=$(cr_pg_prepare)
    # Only TCP on loopback, and a socket folder of its own; pg_hba is trust.
    # Each worker holds two connections (queries, LISTEN): room for 128
    # workers, the bench's largest count, and the tools besides.
    cr_start postgres "$base" "${CR_AS_PG[@]}" "$CR_PG_BIN/postgres" -D "$base/data" \
        -h 127.0.0.1 -p "$CRUDDUR_PG_PORT" -k "$base/sock" -c logging_collector=off \
        -c max_connections=300
    CR_FRESH_postgres=1
    cr_wait postgres "$CR_TEXT_postgres" "PostgreSQL on 127.0.0.1:$CRUDDUR_PG_PORT" cr_probe_postgres
}

cr_start_dynamodb() {
    CR_FRESH_dynamodb=0
    if cr_running dynamodb "$CR_TEXT_dynamodb" >/dev/null; then return 0; fi
    [[ -f $CR_DDB_DIR/DynamoDBLocal.jar ]] || cr_die "no DynamoDB Local in $CR_DDB_DIR: run scripts/install"
    cr_need_port_free "$CRUDDUR_DDB_PORT" dynamodb CRUDDUR_DDB_PORT
    # DynamoDB Local has no option to bind one address; it listens on all.
    # -sharedDb: one set of tables whatever the credentials and region.
    cr_start dynamodb "$CRUDDUR_STATE" java -Djava.library.path="$CR_DDB_DIR/DynamoDBLocal_lib" \
        -jar "$CR_DDB_DIR/DynamoDBLocal.jar" -inMemory -sharedDb -port "$CRUDDUR_DDB_PORT" \
        -disableTelemetry
    CR_FRESH_dynamodb=1
    cr_wait dynamodb "$CR_TEXT_dynamodb" "DynamoDB Local on port $CRUDDUR_DDB_PORT" cr_probe_dynamodb
}

cr_start_cognito() {
    CR_FRESH_cognito=0
    if cr_running cognito "$CR_TEXT_cognito" >/dev/null; then return 0; fi
    [[ -f $CR_COGNITO_JS ]] || cr_die "no cognito-local in $CRUDDUR_CACHE: run scripts/install"
    cr_need_port_free "$CRUDDUR_COGNITO_PORT" cognito CRUDDUR_COGNITO_PORT
    # cognito-local keeps its pools and users in ./.cognito of its cwd.
    # HOST binds it to loopback; the issuer it writes into tokens must stay
    # http://localhost:PORT (AWS_COGNITO_ENDPOINT), so it is set apart.
    # Its triggers go to the local Lambda Invoke endpoint (cr_start_invoke):
    # PostConfirmation makes a confirmed sign-up a users row.
    local dir="$CRUDDUR_STATE/cognito"
    mkdir -p "$dir/.cognito"
    printf '{"TokenConfig":{"IssuerDomain":"http://localhost:%s"},%s,%s}\n' "$CRUDDUR_COGNITO_PORT" \
        "\"LambdaClient\":{\"endpoint\":\"http://127.0.0.1:$CRUDDUR_INVOKE_PORT\",\"region\":\"local\"}" \
        '"TriggerFunctions":{"PostConfirmation":"cruddur-post-confirmation"}' \
        >"$dir/.cognito/config.json"
    cr_start cognito "$dir" env PORT="$CRUDDUR_COGNITO_PORT" HOST=127.0.0.1 node "$CR_COGNITO_JS"
    CR_FRESH_cognito=1
    cr_wait cognito "$CR_TEXT_cognito" "cognito-local on 127.0.0.1:$CRUDDUR_COGNITO_PORT" cr_probe_cognito
}

# cr_start_lighttpd_as NAME CONF BIN PORTVAR SOCK WHAT: part NAME, a
# lighttpd of configuration CONF spawning BIN on socket SOCK, on the port
# named by PORTVAR; WHAT is what answers (cr_probe_NAME) once it is up.
cr_start_lighttpd_as() {
    local name=$1 conf=$2 bin=$3 portvar=$4 sock=$5 what=$6 text
    text=$(cr_text "$name")
    printf -v "CR_FRESH_$name" 0
    if cr_running "$name" "$text" >/dev/null; then return 0; fi
    [[ -x $bin ]] || cr_die "no $bin: run make"
    cr_need_port_free "${!portvar}" "$name" "$portvar"
    mkdir -p "$CRUDDUR_STATE/www" "$CRUDDUR_STATE/tmp"
    rm -f "$CRUDDUR_STATE/$sock"*
    lighttpd -tt -f "$conf" >/dev/null || cr_die "${conf#"$CRUDDUR_ROOT/"} does not load"
    # -D: in the foreground of its own session; what it spawns inherits its
    # stderr, so their log lines land in NAME.log.
    cr_start "$name" "$CRUDDUR_STATE" lighttpd -D -f "$conf"
    printf -v "CR_FRESH_$name" 1
    cr_wait "$name" "$text" "$what" "cr_probe_$name"
}

cr_start_lighttpd() {
    cr_start_lighttpd_as lighttpd "$CR_LIGHTTPD_CONF" "$CRUDDUR_WORKER_BIN" CRUDDUR_PORT \
        fcgi.sock "GET /api/health-check on port $CRUDDUR_PORT"
}

# The local Lambda Invoke endpoint: lighttpd spawning build/cruddur-invoke.
cr_start_invoke() {
    cr_start_lighttpd_as invoke "$CR_INVOKE_CONF" "$CRUDDUR_INVOKE_BIN" CRUDDUR_INVOKE_PORT \
        invoke.sock "the Lambda Invoke endpoint on port $CRUDDUR_INVOKE_PORT"
}

cr_start_stream() {
    CR_FRESH_stream=0
    if cr_running stream "$CR_TEXT_stream" >/dev/null; then return 0; fi
    if [[ ! -x $CRUDDUR_BUILD/cruddur-stream ]]; then
        echo "no $CRUDDUR_BUILD/cruddur-stream yet: stream poller not started"
        return 0
    fi
    cr_start stream "$CRUDDUR_STATE" "$CRUDDUR_BUILD/cruddur-stream"
    CR_FRESH_stream=1
    sleep 0.5
    cr_probe_stream || { cr_note "the stream poller exited at once"; cr_log_tail stream; return 1; }
}

# ---- lighttpd's workers ----

# The pids of lighttpd's children that run the program BIN (default: the
# worker).
cr_lighttpd_workers() {
    local lpid=$1 bin=${2:-${CRUDDUR_WORKER_BIN##*/}} pid
    for pid in $(pgrep -P "$lpid" 2>/dev/null || true); do
        cr_alive "$pid" "$bin" && printf '%s\n' "$pid"
    done
    return 0
}

# cr_stop_lighttpd [NAME TEXT BIN SOCKET]: the API's lighttpd, or another
# one (the Invoke endpoint's).
cr_stop_lighttpd() {
    local name=${1:-lighttpd} text=${2:-$CR_TEXT_lighttpd} bin=${3:-${CRUDDUR_WORKER_BIN##*/}}
    local sock=${4:-fcgi.sock} lpid wpids=() pid rc=0
    if lpid=$(cr_running "$name" "$text"); then
        mapfile -t wpids < <(cr_lighttpd_workers "$lpid" "$bin")
    fi
    cr_stop "$name" "$text" || rc=1
    # lighttpd ends its workers on the way out; make sure of it.
    for pid in "${wpids[@]}"; do
        if cr_alive "$pid" "$bin"; then
            cr_note "worker $pid outlived lighttpd; stopping it"
            cr_kill_pid "$pid" "$bin" || rc=1
        fi
    done
    rm -f "$CRUDDUR_STATE/$sock"*
    return "$rc"
}

cr_stop_invoke() { cr_stop_lighttpd invoke "$CR_TEXT_invoke" cruddur-invoke invoke.sock; }

# ---- nginx + spawn-fcgi ----

cr_nginx_sock() { printf '%s/nginx/fcgi.sock\n' "$CRUDDUR_STATE"; }

cr_spawn_fcgi_pids() {
    local f="$CRUDDUR_STATE/spawn-fcgi.pid" pid
    [[ -f $f ]] || return 0
    while read -r pid || [[ -n $pid ]]; do
        cr_alive "$pid" "${CRUDDUR_WORKER_BIN##*/}" && printf '%s\n' "$pid"
    done <"$f"
    return 0
}

cr_stop_nginx() {
    local rc=0 pid
    cr_stop nginx "$CR_TEXT_nginx" || rc=1
    for pid in $(cr_spawn_fcgi_pids); do
        cr_kill_pid "$pid" "${CRUDDUR_WORKER_BIN##*/}" || rc=1
    done
    if [[ -f $CRUDDUR_STATE/spawn-fcgi.pid ]] && ((rc == 0)); then
        echo "spawn-fcgi workers stopped"
        rm -f "$CRUDDUR_STATE/spawn-fcgi.pid"
    fi
    rm -f "$(cr_nginx_sock)"
    return "$rc"
}

# ---- the whole stack ----

# Stops everything this state folder runs, newest first. Fails if anything
# survives.
cr_stack_down() {
    local rc=0
    cr_stop_nginx || rc=1
    cr_stop stream "$CR_TEXT_stream" || rc=1
    cr_stop_invoke || rc=1
    cr_stop_lighttpd || rc=1
    cr_stop cognito "$CR_TEXT_cognito" || rc=1
    cr_stop dynamodb "$CR_TEXT_dynamodb" || rc=1
    # SIGINT = PostgreSQL's fast shutdown: it does not wait for clients.
    cr_stop postgres "$CR_TEXT_postgres" INT || rc=1
    rm -f "$CRUDDUR_STATE/db.loaded"
    return "$rc"
}

# Removes the PostgreSQL cluster (the next up runs initdb again), including
# a cluster kept under TMPDIR. Only when PostgreSQL is stopped.
cr_pg_purge() {
    local base
    if cr_running postgres "$CR_TEXT_postgres" >/dev/null; then
        cr_note "PostgreSQL still runs: cluster kept"
        return 1
    fi
    base=$(cr_pg_base)
    rm -rf "$base"
    rm -f "$CRUDDUR_STATE/pg.dir"
    echo "removed the PostgreSQL cluster in $base"
}

# Removes what the workers share in memory, which outlives them: their write
# counter (app/core/shm_gen.c) and their breakers (app/core/breaker_shm.c,
# named after the FastCGI socket: lighttpd's, and scripts/dev/nginx's); the
# worker itself names them (--*-path, --remove-*). Each only when no process maps it: workers of another stack
# on the same CONNECTION_URL share the counter, and new ones of theirs
# would make another.
cr_counter_purge() {
    local rc=0
    if [[ ! -x $CRUDDUR_WORKER_BIN ]]; then
        cr_note "no $CRUDDUR_WORKER_BIN: write counter and breakers left"
        return 0
    fi
    cr_shm_purge --write-counter-path --remove-write-counter || rc=1
    cr_shm_purge --breakers-path --remove-breakers "$CRUDDUR_STATE/fcgi.sock" || rc=1
    cr_shm_purge --breakers-path --remove-breakers "$(cr_nginx_sock)" || rc=1
    return "$rc"
}

# cr_shm_purge PATH_FLAG REMOVE_FLAG [ARG]: one of them.
cr_shm_purge() {
    local path
    path=$("$CRUDDUR_WORKER_BIN" "$1" ${3:+"$3"}) || return 1
    if grep -qsF "$path" /proc/[0-9]*/maps; then
        cr_note "workers still use $path: kept"
        return 1
    fi
    "$CRUDDUR_WORKER_BIN" "$2" ${3:+"$3"}
}
