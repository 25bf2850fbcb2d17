#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests (CTest fixture "pg_cluster").
#
#   pg_cluster.sh start STATE_DIR   # initdb + start on a free loopback port (fsync=off);
#                                   # writes STATE_DIR/url (postgres://app:x@127.0.0.1:PORT/app)
#   pg_cluster.sh stop STATE_DIR    # stops the cluster and removes its files
#
# The server binaries refuse to run as root, so as root they run as `postgres` through
# runuser, in a directory it owns under a short temporary path (socket paths are limited
# to ~107 bytes). As any other user they run as that user.
set -euo pipefail

cmd=${1:?usage: pg_cluster.sh start|stop STATE_DIR}
state=${2:?usage: pg_cluster.sh start|stop STATE_DIR}
bin=${GATEHOUSE_PG_BIN:-/usr/lib/postgresql/15/bin}

as_owner() {
  if [ "$(id -u)" = 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

stop() {
  if [ -f "$state/cluster" ]; then
    dir=$(cat "$state/cluster")
    if [ -d "$dir/data" ]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
  fi
  rm -f "$state/cluster" "$state/url"
}

case "$cmd" in
  start)
    if [ ! -x "$bin/initdb" ]; then
      echo "pg_cluster.sh: $bin/initdb not found (apt-get install postgresql)" >&2
      exit 1
    fi
    mkdir -p "$state"
    stop  # a cluster left behind by an interrupted run
    dir=$(mktemp -d /tmp/ghpg.XXXXXX)
    echo "$dir" >"$state/cluster"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale --no-sync \
      >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    for attempt in 1 2 3 4 5; do
      port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
      if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 30 \
          -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
          start >/dev/null; then
        break
      fi
      [ "$attempt" = 5 ] && { cat "$dir/log" >&2; exit 1; }
    done
    psql_() { "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres "$@"; }
    psql_ -d postgres -c "CREATE ROLE app LOGIN PASSWORD 'x'" -c "CREATE DATABASE app OWNER app"
    echo "postgres://app:x@127.0.0.1:$port/app" >"$state/url"
    ;;
  stop)
    stop
    ;;
  *)
    echo "usage: pg_cluster.sh start|stop STATE_DIR" >&2
    exit 2
    ;;
esac
