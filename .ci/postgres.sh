# Sourced by .ci/run: builds the libpq addon the PostgreSQL tests use and makes sure a PostgreSQL server answers.
# Uses the machine's server on 127.0.0.1:5432 when it is up; otherwise starts a private cluster in a temporary
# folder (initdb / pg_ctl as a non-root user) and stops it when .ci/run exits. Exports THREADORM_TEST_PG_URL.

if ! command -v pg_config >/dev/null && [ "$(id -u)" = 0 ]; then
  apt-get update -qq && apt-get install -y -qq libpq-dev >/dev/null
fi
pg_build_log=$(mktemp)
npm run build:pg-native >"$pg_build_log" 2>&1 ||
  { cat "$pg_build_log"; echo "building the libpq addon (packages/threadorm-pg-native) failed"; return 1; }
rm -f "$pg_build_log"

if [ -z "${THREADORM_CI_PRIVATE_PG:-}" ] && pg_isready -q -h 127.0.0.1 -p 5432; then
  export THREADORM_TEST_PG_URL="postgresql://postgres@127.0.0.1:5432/postgres"
else
  pg_bin=$(dirname "$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb | tail -n 1)")
  pg_dir=$(mktemp -d /tmp/threadorm-pg.XXXXXX)
  pg_port=55432
  as_owner=()
  if [ "$(id -u)" = 0 ]; then
    id threadorm-ci >/dev/null 2>&1 || useradd --system --no-create-home threadorm-ci
    chown threadorm-ci "$pg_dir"
    as_owner=(runuser -u threadorm-ci --)
  fi
  echo "No PostgreSQL on 127.0.0.1:5432: starting a private cluster in $pg_dir on port $pg_port"
  "${as_owner[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U postgres >/dev/null &&
    "${as_owner[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w \
      -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null ||
    { echo "could not start a private PostgreSQL cluster (see $pg_dir/log)"; return 1; }
  trap '"${as_owner[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null; rm -rf "$pg_dir"' EXIT
  export THREADORM_TEST_PG_URL="postgresql://postgres@127.0.0.1:$pg_port/postgres"
fi
