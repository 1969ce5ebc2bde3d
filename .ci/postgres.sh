# Sourced by .ci/run: installs (Debian's package) and starts PostgreSQL and
# exports PERDIEM_TEST_POSTGRES, so the store's and the server's tests run
# on PostgreSQL as well as SQLite. Needs root; otherwise, or when
# PERDIEM_TEST_POSTGRES is already set, it leaves things as they are and
# those tests run against what is set, or skip saying so.
if [ -z "${PERDIEM_TEST_POSTGRES:-}" ] && [ "$(id -u)" = 0 ]; then
  if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  pg_version=$(ls /usr/lib/postgresql | sort -n | tail -1)
  if ! pg_lsclusters -h | grep -q "^$pg_version main "; then
    pg_createcluster "$pg_version" main >/dev/null
  fi
  if ! pg_lsclusters -h | grep -q "^$pg_version main .* online "; then
    pg_ctlcluster "$pg_version" main start
  fi
  pg_port=$(pg_lsclusters -h | awk -v v="$pg_version" '$1 == v && $2 == "main" {print $3}')
  su postgres -c "psql -q -p $pg_port" <<'SQL'
SELECT 'CREATE ROLE perdiem_test LOGIN CREATEDB PASSWORD ''perdiem_test'''
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'perdiem_test') \gexec
SELECT 'CREATE DATABASE perdiem_test OWNER perdiem_test'
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'perdiem_test') \gexec
SQL
  export PERDIEM_TEST_POSTGRES="postgres://perdiem_test:perdiem_test@127.0.0.1:$pg_port/perdiem_test?sslmode=disable"
  echo "PostgreSQL $pg_version on port $pg_port for the tests"
fi
