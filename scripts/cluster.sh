#!/usr/bin/env bash
# A local voicebot cluster for development and tests (docs/scaling.md): PostgreSQL, Kamailio
# (deploy/kamailio/kamailio.cfg) on one SIP port, and N `voicebot serve` workers, each on its
# own SIP and HTTP ports. Loopback only.
#
#   scripts/cluster.sh up [N]     start (N workers, default 2; again: starts what is down)
#   scripts/cluster.sh status     workers (/healthz), the edge's view of them, PostgreSQL
#   scripts/cluster.sh restart    rolling restart: each worker drains, exits, starts again
#   scripts/cluster.sh down       stop everything (workers drain first); data is kept
#
# Settings (environment): CLUSTER_DIR (var/cluster), EDGE_PORT (5060), SIP_BASE (5070:
# worker i listens on SIP_BASE+i), HTTP_BASE (8100: worker i on HTTP_BASE+i), PG_PORT
# (55432), TRUNK_URI (sip:host:port: outbound calls of the workers go there through the
# edge). Any VOICEBOT_* variable is passed to the workers (e.g. VOICEBOT_DIALER=sip).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DIR=${CLUSTER_DIR:-$ROOT/var/cluster}
EDGE_PORT=${EDGE_PORT:-5060}
SIP_BASE=${SIP_BASE:-5070}
HTTP_BASE=${HTTP_BASE:-8100}
PG_PORT=${PG_PORT:-55432}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
KAMAILIO_MODULES=${KAMAILIO_MODULES:-/usr/lib/x86_64-linux-gnu/kamailio/modules}
VOICEBOT=${VOICEBOT:-$(command -v voicebot || echo "$ROOT/.venv/bin/voicebot")}
DRAIN_WAIT_S=${DRAIN_WAIT_S:-660}

as_pg() {  # PostgreSQL refuses to run as root: as the postgres user then
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

workers_count() { cat "$DIR/workers" 2>/dev/null || echo 2; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
db_url() { echo "postgresql+asyncpg://postgres@127.0.0.1:$PG_PORT/voicebot"; }

pg_up() {
    mkdir -p "$DIR"
    if [ ! -d "$DIR/pg/data" ]; then
        mkdir -p "$DIR/pg"
        [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$DIR/pg"
        as_pg "$PG_BIN/initdb" -D "$DIR/pg/data" -U postgres --auth=trust -E UTF8 >/dev/null
    fi
    if ! as_pg "$PG_BIN/pg_ctl" -D "$DIR/pg/data" status >/dev/null 2>&1; then
        as_pg "$PG_BIN/pg_ctl" -D "$DIR/pg/data" -l "$DIR/pg/log" -w -t 60 \
            -o "-p $PG_PORT -k $DIR/pg -c listen_addresses=127.0.0.1 -c max_connections=200" \
            start >/dev/null
    fi
    if ! as_pg "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc \
            "SELECT 1 FROM pg_database WHERE datname = 'voicebot'" | grep -q 1; then
        as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres voicebot
    fi
    echo "postgresql: $(db_url)"
}

secrets_up() {  # one encryption key and one signing key, the same in every worker
    [ -s "$DIR/encryption_key" ] || "$VOICEBOT" keys new-encryption-key >"$DIR/encryption_key"
    [ -s "$DIR/secret_key" ] || head -c 32 /dev/urandom | base64 | tr -d '\n/+=' >"$DIR/secret_key"
    chmod 600 "$DIR/encryption_key" "$DIR/secret_key"
}

worker_env() {
    local i=$1
    export VOICEBOT_DATABASE_URL
    VOICEBOT_DATABASE_URL=$(db_url)
    export VOICEBOT_ENCRYPTION_KEY
    VOICEBOT_ENCRYPTION_KEY=$(tr -d '\n' <"$DIR/encryption_key")
    export VOICEBOT_SECRET_KEY
    VOICEBOT_SECRET_KEY=$(cat "$DIR/secret_key")
    export VOICEBOT_DATA_DIR="$DIR/w$i"
    export VOICEBOT_SIP_HOST=127.0.0.1
    export VOICEBOT_SIP_PROXY="127.0.0.1:$EDGE_PORT"
    export VOICEBOT_AUDIOSOCKET_ENABLED=false
}

worker_up() {
    local i=$1 http=$((HTTP_BASE + $1)) sip=$((SIP_BASE + $1))
    alive "$DIR/w$i.pid" && return 0
    mkdir -p "$DIR/w$i" && chmod 700 "$DIR/w$i"
    (
        worker_env "$i"
        exec nohup "$VOICEBOT" serve --host 127.0.0.1 --port "$http" --sip-port "$sip" \
            >>"$DIR/w$i.log" 2>&1
    ) &
    echo $! >"$DIR/w$i.pid"
}

worker_ready() {
    local i=$1 http=$((HTTP_BASE + $1))
    for _ in $(seq 1 900); do
        if curl -fs "http://127.0.0.1:$http/healthz" >/dev/null 2>&1; then
            echo "worker w$i: http://127.0.0.1:$http sip:127.0.0.1:$((SIP_BASE + i))"
            return 0
        fi
        alive "$DIR/w$i.pid" || { echo "worker w$i did not start:" >&2; tail -20 "$DIR/w$i.log" >&2; return 1; }
        sleep 0.2
    done
    echo "worker w$i: no answer on http://127.0.0.1:$http/healthz" >&2
    return 1
}

worker_drain() {  # SIGTERM: no new calls, calls in progress finish, then it exits
    local i=$1
    alive "$DIR/w$i.pid" || return 0
    kill -TERM "$(cat "$DIR/w$i.pid")"
    for _ in $(seq 1 $((DRAIN_WAIT_S * 5))); do
        alive "$DIR/w$i.pid" || { rm -f "$DIR/w$i.pid"; return 0; }
        sleep 0.2
    done
    echo "worker w$i still running after ${DRAIN_WAIT_S}s: killed" >&2
    kill -KILL "$(cat "$DIR/w$i.pid")" 2>/dev/null || true
    rm -f "$DIR/w$i.pid"
}

edge_up() {
    alive "$DIR/kamailio.pid" && return 0
    local n i defines
    n=$(workers_count)
    : >"$DIR/dispatcher.list"
    for i in $(seq 0 $((n - 1))); do
        echo "1 sip:127.0.0.1:$((SIP_BASE + i)) 0 0 name=w$i" >>"$DIR/dispatcher.list"
    done
    defines=(-A "SIP_LISTEN_UDP=udp:127.0.0.1:$EDGE_PORT" -A "SIP_LISTEN_TCP=tcp:127.0.0.1:$EDGE_PORT"
             -A "SIP_ALIAS=\"127.0.0.1:$EDGE_PORT\"" -A "DISPATCHER_LIST=\"$DIR/dispatcher.list\""
             -A "MODULES_DIR=\"$KAMAILIO_MODULES/\"" -A "CTL_SOCKET=\"unix:$DIR/kamailio_ctl\""
             -A "PING_FROM=\"sip:edge@127.0.0.1:$EDGE_PORT\"")
    if [ -n "${TRUNK_URI:-}" ]; then
        defines+=(-A WITH_TRUNK -A "TRUNK_URI=\"$TRUNK_URI\"")
    fi
    nohup kamailio -f "$ROOT/deploy/kamailio/kamailio.cfg" "${defines[@]}" -DD -E -m 64 -M 8 \
        -Y "$DIR" >>"$DIR/kamailio.log" 2>&1 &
    echo $! >"$DIR/kamailio.pid"
    for _ in $(seq 1 100); do
        if kamcmd -s "unix:$DIR/kamailio_ctl" core.version >/dev/null 2>&1; then
            echo "edge: sip:127.0.0.1:$EDGE_PORT (kamailio, $n workers)"
            return 0
        fi
        alive "$DIR/kamailio.pid" || { tail -20 "$DIR/kamailio.log" >&2; return 1; }
        sleep 0.1
    done
    echo "kamailio did not start: see $DIR/kamailio.log" >&2
    return 1
}

up() {
    local n=${1:-$(workers_count)} i
    mkdir -p "$DIR" && chmod 711 "$DIR"  # PostgreSQL (its own user) reaches its folder
    echo "$n" >"$DIR/workers"
    pg_up
    secrets_up
    for i in $(seq 0 $((n - 1))); do worker_up "$i"; done
    for i in $(seq 0 $((n - 1))); do worker_ready "$i"; done
    edge_up
}

status() {
    local n i rc=0
    n=$(workers_count)
    if as_pg "$PG_BIN/pg_ctl" -D "$DIR/pg/data" status >/dev/null 2>&1; then
        echo "postgresql: up ($(db_url))"
    else
        echo "postgresql: down"; rc=1
    fi
    for i in $(seq 0 $((n - 1))); do
        local http=$((HTTP_BASE + i))
        if body=$(curl -s "http://127.0.0.1:$http/healthz" 2>/dev/null) && [ -n "$body" ]; then
            echo "worker w$i (http $http, sip $((SIP_BASE + i))): $(echo "$body" | \
                python3 -c 'import json,sys; b=json.load(sys.stdin); me=[w for w in b.get("workers",[]) if w["id"]==b.get("worker")]; print(b["status"], "active_calls=%s" % (me[0]["active_calls"] if me else "?"))')"
        else
            echo "worker w$i (http $http, sip $((SIP_BASE + i))): down"; rc=1
        fi
    done
    if alive "$DIR/kamailio.pid"; then
        echo "edge: sip:127.0.0.1:$EDGE_PORT"
        kamcmd -s "unix:$DIR/kamailio_ctl" dispatcher.list 2>/dev/null \
            | awk '/URI:/ {uri=$2} /FLAGS:/ {print "  " uri " " ($2 ~ /^A/ ? "active" : "inactive") " (" $2 ")"}'
    else
        echo "edge: down"; rc=1
    fi
    return $rc
}

restart() {  # one worker at a time, waiting until the edge sends it calls again
    local n i
    n=$(workers_count)
    for i in $(seq 0 $((n - 1))); do
        echo "draining w$i"
        worker_drain "$i"
        worker_up "$i"
        worker_ready "$i"
        for _ in $(seq 1 300); do
            kamcmd -s "unix:$DIR/kamailio_ctl" dispatcher.list 2>/dev/null | \
                grep -A1 "sip:127.0.0.1:$((SIP_BASE + i))\$" | grep -q "FLAGS: A" && break
            sleep 0.2
        done
    done
}

down() {
    local n i
    n=$(workers_count)
    for i in $(seq 0 $((n - 1))); do worker_drain "$i" & done
    wait
    if alive "$DIR/kamailio.pid"; then
        kill -TERM "$(cat "$DIR/kamailio.pid")"
        for _ in $(seq 1 100); do alive "$DIR/kamailio.pid" || break; sleep 0.1; done
    fi
    rm -f "$DIR/kamailio.pid"
    if [ -d "$DIR/pg/data" ]; then
        as_pg "$PG_BIN/pg_ctl" -D "$DIR/pg/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    echo "cluster stopped (data kept in $DIR)"
}

case "${1:-}" in
    up) shift; up "$@" ;;
    status) status ;;
    restart) restart ;;
    down) down ;;
    *) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
