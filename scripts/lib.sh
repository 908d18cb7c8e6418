# Shared helpers for the scripts in this folder; sourced, not run.

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# apt_install PKG... installs Debian packages when missing (needs root).
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] || die "missing packages ${missing[*]}: install them (as root: apt-get install ${missing[*]})"
  say "installing ${missing[*]}"
  if [ -z "${PARLEY_APT_UPDATED:-}" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || die "apt-get update failed"
    export PARLEY_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
}

# pg_bin NAME prints the path of a PostgreSQL server program.
pg_bin() {
  command -v "$1" 2>/dev/null && return 0
  ls -1d /usr/lib/postgresql/*/bin/"$1" 2>/dev/null | sort -V | tail -n 1
}

# ensure_postgres makes sure a PostgreSQL answers on 127.0.0.1:5432,
# starting the machine's cluster or installing one when needed.
ensure_postgres() {
  pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && return 0
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    apt_install postgresql postgresql-client
  fi
  say "starting PostgreSQL"
  local v
  v=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
  [ -n "$v" ] || die "no PostgreSQL cluster under /etc/postgresql"
  pg_ctlcluster --skip-systemctl-redirect "$v" main start || true
  for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
  pg_isready -q -h 127.0.0.1 -p 5432 || die "PostgreSQL did not start on 127.0.0.1:5432"
  # Tests connect as postgres over TCP without a password, as on the
  # machines this project is developed and tested on.
  if ! psql -h 127.0.0.1 -U postgres -Atc 'select 1' >/dev/null 2>&1; then
    local hba
    hba=$(su postgres -c "psql -Atc 'show hba_file'" 2>/dev/null)
    [ -n "$hba" ] && sed -i 's/^\(host.*\)\(scram-sha-256\|md5\)$/\1trust/' "$hba" \
      && su postgres -c "psql -Atc 'select pg_reload_conf()'" >/dev/null
  fi
}

# ensure_redis makes sure Redis (or Valkey) answers on 127.0.0.1:6379.
ensure_redis() {
  redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && return 0
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  say "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 40); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && return 0; sleep 0.25; done
  die "Redis did not start on 127.0.0.1:6379"
}
