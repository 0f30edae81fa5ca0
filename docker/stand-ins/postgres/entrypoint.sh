#!/usr/bin/env bash
# The part of the official postgres image's docker-entrypoint.sh that compose.yml relies on. On an empty PGDATA:
# initdb with POSTGRES_USER and POSTGRES_PASSWORD (password logins over TCP, scram-sha-256), then a temporary
# server on the Unix socket only creates POSTGRES_DB and runs /docker-entrypoint-initdb.d/*.sql and *.sh, and
# stops. A PGDATA that already holds a cluster is started as it is: the variables no longer change anything.
set -Eeuo pipefail

if [[ ${1:0:1} == - ]]; then
  set -- postgres "$@"
fi
if [[ $1 != postgres ]]; then
  exec "$@"
fi

if [[ $(id -u) == 0 ]]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  chmod 3777 /var/run/postgresql
  exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
fi

if [[ ! -s $PGDATA/PG_VERSION ]]; then
  if [[ -z ${POSTGRES_PASSWORD:-} ]]; then
    echo "postgres stand-in: POSTGRES_PASSWORD is empty; the database would accept any password" >&2
    exit 1
  fi
  user=${POSTGRES_USER:-postgres}
  database=${POSTGRES_DB:-$user}
  initdb --username="$user" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") --auth-local=trust \
    --auth-host=scram-sha-256 -D "$PGDATA" >/dev/null
  printf '\nhost all all all scram-sha-256\n' >>"$PGDATA/pg_hba.conf"

  # listen_addresses='' : while it initialises, nobody can reach it over TCP, and pg_isready -h 127.0.0.1 fails.
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p 5432" -w start >/dev/null
  if [[ $database != postgres ]]; then
    # On stdin: psql interpolates :"db" there, and not in -c.
    psql -v ON_ERROR_STOP=1 --username "$user" --dbname postgres -q --set db="$database" <<<'CREATE DATABASE :"db"'
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    case $f in
      *.sql) psql -v ON_ERROR_STOP=1 --username "$user" --dbname "$database" -q -f "$f" ;;
      *.sh) # shellcheck source=/dev/null
        . "$f" ;;
      *) ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  echo "postgres stand-in: initialised $PGDATA: database $database, owner $user"
fi

exec "$@"
