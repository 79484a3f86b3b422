# scripts/dev/stack.sh - start, stop and probe each part of the local stack.
# Sourced by up, down, status and nginx after scripts/lib.sh.

CR_LIGHTTPD_CONF="$CRUDDUR_ROOT/etc/lighttpd.conf"
CR_NGINX_TEMPLATE="$CRUDDUR_ROOT/etc/nginx.conf"
CR_DDB_DIR="$CRUDDUR_CACHE/emulator"
CR_COGNITO_JS="$CRUDDUR_CACHE/cognito-local/node_modules/cognito-local/lib/bin/start.js"

# What each part's command line contains (see cr_alive).
CR_TEXT_postgres="$CR_PG_BIN/postgres"
CR_TEXT_dynamodb=DynamoDBLocal.jar
CR_TEXT_cognito=cognito-local
CR_TEXT_lighttpd=lighttpd
CR_TEXT_stream=cruddur-stream
CR_TEXT_nginx=nginx
cr_text() { local v="CR_TEXT_$1"; printf '%s\n' "${!v}"; }

# ---- probes: succeed when the part answers ----

cr_probe_postgres() { "$CR_PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$CRUDDUR_PG_PORT" -U postgres -d postgres; }
# Any HTTP answer will do: DynamoDB Local's Jetty is up.
cr_probe_dynamodb() { curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$CRUDDUR_DDB_PORT/"; }
cr_probe_cognito() { curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$CRUDDUR_COGNITO_PORT/health"; }
cr_probe_lighttpd() { curl -fs -o /dev/null --max-time 5 "http://127.0.0.1:$CRUDDUR_PORT/api/health-check"; }
cr_probe_stream() { cr_running stream "$CR_TEXT_stream" >/dev/null; }
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
    local dir="$CRUDDUR_STATE/cognito"
    mkdir -p "$dir/.cognito"
    printf '{"TokenConfig":{"IssuerDomain":"http://localhost:%s"}}\n' "$CRUDDUR_COGNITO_PORT" \
        >"$dir/.cognito/config.json"
    cr_start cognito "$dir" env PORT="$CRUDDUR_COGNITO_PORT" HOST=127.0.0.1 node "$CR_COGNITO_JS"
    CR_FRESH_cognito=1
    cr_wait cognito "$CR_TEXT_cognito" "cognito-local on 127.0.0.1:$CRUDDUR_COGNITO_PORT" cr_probe_cognito
}

cr_start_lighttpd() {
    CR_FRESH_lighttpd=0
    if cr_running lighttpd "$CR_TEXT_lighttpd" >/dev/null; then return 0; fi
    [[ -x $CRUDDUR_WORKER_BIN ]] || cr_die "no worker $CRUDDUR_WORKER_BIN: run make"
    cr_need_port_free "$CRUDDUR_PORT" lighttpd CRUDDUR_PORT
    mkdir -p "$CRUDDUR_STATE/www" "$CRUDDUR_STATE/tmp"
    rm -f "$CRUDDUR_STATE"/fcgi.sock*
    lighttpd -tt -f "$CR_LIGHTTPD_CONF" >/dev/null || cr_die "etc/lighttpd.conf does not load"
    # -D: in the foreground of its own session; the workers inherit its
    # stderr, so their log lines land in lighttpd.log.
    cr_start lighttpd "$CRUDDUR_STATE" lighttpd -D -f "$CR_LIGHTTPD_CONF"
    CR_FRESH_lighttpd=1
    cr_wait lighttpd "$CR_TEXT_lighttpd" "GET /api/health-check on port $CRUDDUR_PORT" cr_probe_lighttpd
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

# The pids of lighttpd's children that run the worker binary.
cr_lighttpd_workers() {
    local lpid=$1 pid
    for pid in $(pgrep -P "$lpid" 2>/dev/null || true); do
        cr_alive "$pid" "${CRUDDUR_WORKER_BIN##*/}" && printf '%s\n' "$pid"
    done
    return 0
}

cr_stop_lighttpd() {
    local lpid wpids=() pid rc=0
    if lpid=$(cr_running lighttpd "$CR_TEXT_lighttpd"); then
        mapfile -t wpids < <(cr_lighttpd_workers "$lpid")
    fi
    cr_stop lighttpd "$CR_TEXT_lighttpd" || rc=1
    # lighttpd ends its workers on the way out; make sure of it.
    for pid in "${wpids[@]}"; do
        if cr_alive "$pid" "${CRUDDUR_WORKER_BIN##*/}"; then
            cr_note "worker $pid outlived lighttpd; stopping it"
            cr_kill_pid "$pid" "${CRUDDUR_WORKER_BIN##*/}" || rc=1
        fi
    done
    rm -f "$CRUDDUR_STATE"/fcgi.sock*
    return "$rc"
}

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
