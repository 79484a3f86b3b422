# scripts/lib.sh - settings and helpers shared by every Cruddur script.
# Sourced (never run). Every setting can be overridden from the environment:
#
#   CRUDDUR_STATE         state folder: pid files, logs, sockets     <repo>/.state/run
#   CRUDDUR_BUILD         build folder holding the programs            <repo>/build
#   CRUDDUR_WORKER_BIN    the FastCGI worker                           $CRUDDUR_BUILD/cruddur
#   CRUDDUR_WORKERS       number of workers (lighttpd and spawn-fcgi)  4
#   CRUDDUR_PORT          lighttpd                                     4567
#   CRUDDUR_NGINX_PORT    nginx + spawn-fcgi (scripts/dev/nginx)       4568
#   CRUDDUR_PG_PORT       PostgreSQL                                   5432
#   CRUDDUR_DDB_PORT      DynamoDB Local                               8000
#   CRUDDUR_COGNITO_PORT  cognito-local                                9229
#   CRUDDUR_INVOKE_PORT   the local Lambda Invoke endpoint (triggers)  9230
#   CRUDDUR_CACHE         DynamoDB Local and cognito-local             ~/.cache/cruddur
#   CRUDDUR_WAIT          seconds to wait for a part to answer         60
#
# It then exports the worker's configuration (README, "Configuration") aimed
# at the local stack. Scripts that accept `prod` call cr_prod_arg to aim at AWS.

CRUDDUR_ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
export CRUDDUR_ROOT

cr_die() { printf '%s: %s\n' "${0##*/}" "$*" >&2; exit 1; }
cr_note() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }

# A relative path is taken from the repo root, so scripts work from any cwd.
cr_abs() {
    case $1 in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s\n' "$CRUDDUR_ROOT/$1" ;;
    esac
}

cr_home() {
    if [[ -n ${HOME:-} ]]; then printf '%s\n' "$HOME"; else getent passwd "$(id -u)" | cut -d: -f6; fi
}

CRUDDUR_STATE=$(cr_abs "${CRUDDUR_STATE:-.state/run}")
CRUDDUR_BUILD=$(cr_abs "${CRUDDUR_BUILD:-build}")
CRUDDUR_WORKER_BIN=$(cr_abs "${CRUDDUR_WORKER_BIN:-$CRUDDUR_BUILD/cruddur}")
CRUDDUR_WORKERS=${CRUDDUR_WORKERS:-4}
CRUDDUR_PORT=${CRUDDUR_PORT:-4567}
CRUDDUR_NGINX_PORT=${CRUDDUR_NGINX_PORT:-4568}
CRUDDUR_PG_PORT=${CRUDDUR_PG_PORT:-5432}
CRUDDUR_DDB_PORT=${CRUDDUR_DDB_PORT:-8000}
CRUDDUR_COGNITO_PORT=${CRUDDUR_COGNITO_PORT:-9229}
CRUDDUR_INVOKE_PORT=${CRUDDUR_INVOKE_PORT:-9230}
CRUDDUR_CACHE=${CRUDDUR_CACHE:-$(cr_home)/.cache/cruddur}
CRUDDUR_WAIT=${CRUDDUR_WAIT:-60}
export CRUDDUR_STATE CRUDDUR_BUILD CRUDDUR_WORKER_BIN CRUDDUR_WORKERS CRUDDUR_PORT \
    CRUDDUR_NGINX_PORT CRUDDUR_PG_PORT CRUDDUR_DDB_PORT CRUDDUR_COGNITO_PORT \
    CRUDDUR_INVOKE_PORT CRUDDUR_CACHE CRUDDUR_WAIT

for _cr_v in CRUDDUR_WORKERS CRUDDUR_PORT CRUDDUR_NGINX_PORT CRUDDUR_PG_PORT \
    CRUDDUR_DDB_PORT CRUDDUR_COGNITO_PORT CRUDDUR_INVOKE_PORT CRUDDUR_WAIT; do
    [[ ${!_cr_v} =~ ^[1-9][0-9]*$ ]] || cr_die "$_cr_v must be a positive integer, not '${!_cr_v}'"
done
((CRUDDUR_WORKERS <= 256)) || cr_die "CRUDDUR_WORKERS must be at most 256"

CR_PG_BIN=${CRUDDUR_PG_BIN:-/usr/lib/postgresql/15/bin}
CR_DB_NAME=cruddur
# Placeholder credentials: DynamoDB Local and cognito-local check no signature.
CR_LOCAL_KEY_ID=cruddurlocal
CR_LOCAL_SECRET=cruddurlocalsecret

# What the caller had before we aim everything at the local stack; `prod`
# puts it back.
for _cr_v in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_COGNITO_USER_POOL_ID \
    AWS_COGNITO_USER_POOL_CLIENT_ID; do
    if [[ -v $_cr_v ]]; then printf -v "_cr_orig_$_cr_v" '%s' "${!_cr_v}"; fi
done
unset _cr_v

export CONNECTION_URL="postgresql://postgres@127.0.0.1:$CRUDDUR_PG_PORT/$CR_DB_NAME"
export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-us-east-1}
export AWS_ENDPOINT_URL="http://127.0.0.1:$CRUDDUR_DDB_PORT"
export AWS_ACCESS_KEY_ID=$CR_LOCAL_KEY_ID
export AWS_SECRET_ACCESS_KEY=$CR_LOCAL_SECRET
# cognito-local writes http://localhost:PORT/<pool> into `iss`: keep 'localhost'.
export AWS_COGNITO_ENDPOINT="http://localhost:$CRUDDUR_COGNITO_PORT"
export FRONTEND_URL=${FRONTEND_URL:-http://localhost:3000}
export BACKEND_URL="http://localhost:$CRUDDUR_PORT"
export DDB_MESSAGES_TABLE=${DDB_MESSAGES_TABLE:-cruddur-messages}

# The pool and client ids of the local stack, written by scripts/cognito/setup-local.
# Parsed, not sourced: only the two names are taken.
cr_load_cognito_env() {
    local f="$CRUDDUR_STATE/cognito.env" line name value
    [[ -f $f ]] || return 0
    while IFS= read -r line || [[ -n $line ]]; do
        [[ $line =~ ^[[:space:]]*(export[[:space:]]+)?(AWS_COGNITO_USER_POOL_ID|AWS_COGNITO_USER_POOL_CLIENT_ID)=(.*)$ ]] || continue
        name=${BASH_REMATCH[2]} value=${BASH_REMATCH[3]}
        if [[ $value =~ ^\"(.*)\"$ || $value =~ ^\'(.*)\'$ ]]; then value=${BASH_REMATCH[1]}; fi
        export "$name=$value"
    done <"$f"
}
cr_load_cognito_env

CR_PROD=0
# Usage: if cr_prod_arg "${1:-}"; then shift; fi
# With `prod`: the real AWS endpoints, the caller's own credentials and pool,
# and PostgreSQL at PROD_CONNECTION_URL.
cr_prod_arg() {
    [[ ${1:-} == prod ]] || return 1
    [[ -n ${PROD_CONNECTION_URL:-} ]] || cr_die "prod: PROD_CONNECTION_URL is not set"
    export CONNECTION_URL=$PROD_CONNECTION_URL
    unset AWS_ENDPOINT_URL AWS_COGNITO_ENDPOINT
    local v saved
    for v in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_COGNITO_USER_POOL_ID \
        AWS_COGNITO_USER_POOL_CLIENT_ID; do
        saved="_cr_orig_$v"
        if [[ -v $saved && ${!saved} != "$CR_LOCAL_KEY_ID" && ${!saved} != "$CR_LOCAL_SECRET" ]]; then
            export "$v=${!saved}"
        else
            unset "$v"
        fi
    done
    CR_PROD=1
    return 0
}

# ---- processes ---------------------------------------------------------------
# Each part NAME has $CRUDDUR_STATE/NAME.pid and NAME.log. A pid counts as
# ours only if the process is alive (not a zombie) and its command line
# contains the expected text, so a stale pid file never hits another program.

cr_pidfile() { printf '%s/%s.pid\n' "$CRUDDUR_STATE" "$1"; }
cr_logfile() { printf '%s/%s.log\n' "$CRUDDUR_STATE" "$1"; }

# cr_alive PID [TEXT]
cr_alive() {
    local pid=$1 text=${2:-} stat cmd
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [[ ${stat:0:1} != Z && ${stat:0:1} != X ]] || return 1
    [[ -z $text ]] && return 0
    cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || return 1
    [[ $cmd == *"$text"* ]]
}

# cr_running NAME TEXT: prints the pid and succeeds when NAME runs.
# PostgreSQL may have been restarted behind our back (pg_ctl restart): its
# own postmaster.pid then names the live postmaster, which is recorded.
cr_running() {
    local f pid
    f=$(cr_pidfile "$1")
    [[ -f $f ]] && { read -r pid <"$f" || true; }
    if ! cr_alive "${pid:-}" "$2"; then
        [[ $1 == postgres ]] || return 1
        pid=$(cr_pg_postmaster_pid) && cr_alive "$pid" "$2" || return 1
        printf '%s\n' "$pid" >"$f"
    fi
    printf '%s\n' "$pid"
}

# cr_start NAME DIR CMD...: CMD in the background in its own session (so a
# Ctrl-C at the terminal reaches only the scripts, which then stop it in
# order), cwd DIR, stdin /dev/null, stdout+stderr appended to NAME.log.
cr_start() {
    local name=$1 dir=$2 log pid self cmd i
    shift 2
    log=$(cr_logfile "$name")
    printf '\n==== %s start %s\n' "$(date '+%F %T')" "$name" >>"$log"
    # 9>&-: the lock of cr_lock must not outlive this script in the child.
    (cd "$dir" && exec setsid "$@" </dev/null >>"$log" 2>&1 9>&-) &
    pid=$!
    printf '%s\n' "$pid" >"$(cr_pidfile "$name")"
    # Until the child has exec'd, its command line is this script's, and
    # cr_running would take it for CMD gone (seen once: "cognito exited
    # before cognito-local answered" with nothing in its log). Wait for
    # the exec, briefly.
    self=$(tr '\0' ' ' 2>/dev/null <"/proc/$$/cmdline") || return 0
    for ((i = 0; i < 100; i++)); do
        cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || return 0
        [[ $cmd != "$self" ]] && return 0
        sleep 0.02
    done
}

# cr_kill_pid PID TEXT [SIGNAL]: signal, wait (bounded), then SIGKILL.
cr_kill_pid() {
    local pid=$1 text=$2 sig=${3:-TERM} i
    cr_alive "$pid" "$text" || return 0
    kill "-$sig" "$pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do
        cr_alive "$pid" "$text" || return 0
        sleep 0.1
    done
    cr_note "pid $pid ($text) ignored SIG$sig for 15 s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        cr_alive "$pid" "$text" || return 0
        sleep 0.1
    done
    cr_note "pid $pid ($text) is still alive"
    return 1
}

# cr_stop NAME TEXT [SIGNAL]
cr_stop() {
    local name=$1 text=$2 sig=${3:-TERM} pid rc=0
    if pid=$(cr_running "$name" "$text"); then
        cr_kill_pid "$pid" "$text" "$sig" || rc=1
        printf '%-10s stopped (pid %s)\n' "$name" "$pid"
    fi
    ((rc)) || rm -f "$(cr_pidfile "$name")"
    return "$rc"
}

cr_log_tail() {
    local log
    log=$(cr_logfile "$1")
    [[ -f $log ]] || return 0
    printf -- '---- last lines of %s\n' "$log" >&2
    tail -n "${2:-25}" "$log" >&2
    printf -- '----\n' >&2
}

# cr_wait NAME TEXT WHAT CMD...: until CMD succeeds, while NAME stays alive,
# at most CRUDDUR_WAIT seconds.
cr_wait() {
    local name=$1 text=$2 what=$3 deadline
    shift 3
    deadline=$((SECONDS + CRUDDUR_WAIT))
    while ! "$@" >/dev/null 2>&1; do
        if ! cr_running "$name" "$text" >/dev/null; then
            cr_note "$name exited before $what answered"
            cr_log_tail "$name"
            return 1
        fi
        if ((SECONDS >= deadline)); then
            cr_note "$name: $what did not answer within $CRUDDUR_WAIT s"
            cr_log_tail "$name"
            return 1
        fi
        sleep 0.2
    done
}

# cr_port_holder PORT: the listener on local TCP port PORT, with its process
# where visible; empty when there is none. Only a listener stops a server's
# bind: connections left on the port by a server just stopped do not
# (SO_REUSEADDR), and no client is given a port below the ephemeral range.
cr_port_holder() {
    local line
    if ! command -v ss >/dev/null; then
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then echo 'another program'; fi
        return 0
    fi
    line=$(ss -Hltnp "sport = :$1" 2>/dev/null | head -n 1)
    [[ -n $line ]] || return 0
    if [[ $line =~ users:\(\(\"([^\"]*)\",pid=([0-9]+) ]]; then
        printf '%s (pid %s)\n' "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
    else
        echo 'a listener whose process is not visible'
    fi
}

cr_need_port_free() {
    local holder
    holder=$(cr_port_holder "$1")
    [[ -z $holder ]] || cr_die "$2: port $1 is taken by $holder; stop it or set $3 to another port (below 32768)"
}

# One script at a time per state folder (up, down and nginx take it).
cr_lock() {
    mkdir -p "$CRUDDUR_STATE"
    exec 9>"$CRUDDUR_STATE/.lock"
    flock -w 300 9 || cr_die "another script holds $CRUDDUR_STATE/.lock"
}

# ---- PostgreSQL ---------------------------------------------------------------
# initdb refuses root: as root the cluster belongs to `postgres`.
if ((EUID == 0)); then
    CR_AS_PG=(setpriv --reuid=postgres --regid=postgres --init-groups --)
else
    CR_AS_PG=()
fi

cr_pg_can_write() {
    if ((EUID == 0)); then runuser -u postgres -- test -w "$1" 2>/dev/null; else test -w "$1"; fi
}

# The folder holding the cluster (data/ and sock/): <state>/pg, or, when the
# postgres user cannot reach the state folder (a repo under a 0700
# directory), a private folder under TMPDIR recorded in <state>/pg.dir.
cr_pg_base() {
    local rec="$CRUDDUR_STATE/pg.dir" base
    if [[ -f $rec ]]; then
        read -r base <"$rec" || true
        if [[ -n ${base:-} && -d $base ]]; then printf '%s\n' "$base"; return 0; fi
    fi
    printf '%s\n' "$CRUDDUR_STATE/pg"
}

cr_pg_prepare() {
    local base
    base=$(cr_pg_base)
    mkdir -p "$base"
    ((EUID == 0)) && chown postgres:postgres "$base"
    if ! cr_pg_can_write "$base"; then
        rmdir "$base" 2>/dev/null || true
        base=$(mktemp -d "${TMPDIR:-/tmp}/cruddur-pg.XXXXXX")
        ((EUID == 0)) && chown postgres:postgres "$base"
        cr_pg_can_write "$base" || cr_die "the postgres user can write neither the state folder nor $base"
        printf '%s\n' "$base" >"$CRUDDUR_STATE/pg.dir"
        cr_note "the postgres user cannot reach $CRUDDUR_STATE; the cluster lives in $base"
    fi
    mkdir -p "$base/sock"
    ((EUID == 0)) && chown postgres:postgres "$base/sock"
    if [[ ! -f $base/data/PG_VERSION ]]; then
        rm -rf "$base/data"
        printf 'initdb %s\n' "$base/data" >&2
        (cd "$base" && "${CR_AS_PG[@]}" "$CR_PG_BIN/initdb" -D "$base/data" -U postgres \
            -A trust -E UTF8 --locale=C.UTF-8 --no-instructions) >>"$(cr_logfile postgres)" 2>&1 ||
            { cr_log_tail postgres; cr_die "initdb failed"; }
    fi
    printf '%s\n' "$base"
}

# The pid PostgreSQL itself wrote in its data folder (first line).
cr_pg_postmaster_pid() {
    local f pid
    f="$(cr_pg_base)/data/postmaster.pid"
    [[ -r $f ]] || return 1
    read -r pid <"$f" || return 1
    [[ $pid =~ ^[0-9]+$ ]] && printf '%s\n' "$pid"
}

# psql as the local superuser against database $1 (default postgres).
cr_pg_url() { printf 'postgresql://postgres@127.0.0.1:%s/%s\n' "$CRUDDUR_PG_PORT" "${1:-postgres}"; }

# From CONNECTION_URL: CR_TARGET_DB (its database) and CR_ADMIN_URL (the same
# server, database `postgres`), for CREATE/DROP DATABASE.
cr_db_target() {
    local url=$CONNECTION_URL
    if [[ $url =~ ^(postgres(ql)?://[^/?]*)/([^?]*)(\?.*)?$ ]]; then
        CR_TARGET_DB=${BASH_REMATCH[3]}
        CR_ADMIN_URL="${BASH_REMATCH[1]}/postgres${BASH_REMATCH[4]}"
    elif [[ $url =~ (^|[[:space:]])dbname=([^[:space:]]+) ]]; then
        CR_TARGET_DB=${BASH_REMATCH[2]}
        CR_ADMIN_URL=${url/dbname=$CR_TARGET_DB/dbname=postgres}
    else
        cr_die "cannot find the database name in CONNECTION_URL"
    fi
    [[ -n $CR_TARGET_DB && $CR_TARGET_DB != postgres ]] ||
        cr_die "CONNECTION_URL must name the application's database"
}

CRUDDUR_SQL_DIR=$(cr_abs "${CRUDDUR_SQL_DIR:-sql}")
