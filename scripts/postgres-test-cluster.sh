#!/usr/bin/env bash
# A private PostgreSQL server for the test suites: `start` makes a cluster in a new directory under /tmp
# (initdb), starts it on a free loopback port with its socket there, TLS offered with a self-signed
# certificate for 127.0.0.1, creates the database `hfa`, and prints its URL, the certificate (the CA a
# client checks the server against), then the directory; `stop DIR` stops it and removes the directory. As root, the server runs as
# the `postgres` user (it refuses root), through runuser; /tmp is a place that user can reach.
set -euo pipefail
command=${1:?start or stop}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "PostgreSQL's server is not installed (apt-get install postgresql)" >&2; exit 1; }
# From /: the postgres user may not be allowed into the folder make runs in (a clone under a private /tmp dir).
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}
case "$command" in
  start)
    directory=$(mktemp -d /tmp/hfa-postgres.XXXXXX)
    chmod 755 "$directory"
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$directory"; fi
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    if ! as_owner "$bin/initdb" -D "$directory/data" -U hfa --auth=trust --no-sync -E UTF8 >"$directory/initdb.log" 2>&1; then
      cat "$directory/initdb.log" >&2
      exit 1
    fi
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
      -keyout "$directory/server.key" -out "$directory/server.crt" >/dev/null 2>&1
    chmod 600 "$directory/server.key"
    chmod 644 "$directory/server.crt"
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$directory/server.key" "$directory/server.crt"; fi
    as_owner "$bin/pg_ctl" -D "$directory/data" -l "$directory/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $directory -c fsync=off -c max_connections=200 -c ssl=on -c ssl_cert_file=$directory/server.crt -c ssl_key_file=$directory/server.key" start >/dev/null
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U hfa hfa
    echo "postgres://hfa@127.0.0.1:$port/hfa"
    echo "$directory/server.crt"
    echo "$directory"
    ;;
  stop)
    directory=${2:?the directory start printed}
    [ -d "$directory/data" ] && as_owner "$bin/pg_ctl" -D "$directory/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$directory"
    ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
