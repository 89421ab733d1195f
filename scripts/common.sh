# Shared set-up for the Makefile's verbs. Sourced, not run.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# The newest installed PostgreSQL server binaries (pg_ctl, initdb, pg_basebackup…).
pg_bin_dir() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$found" ] && command -v pg_ctl >/dev/null 2>&1; then found=$(dirname "$(readlink -f "$(command -v pg_ctl)")"); fi
  [ -n "$found" ] || { echo "PostgreSQL server binaries not found (install the 'postgresql' package)" >&2; exit 1; }
  echo "$found"
}

# The archive_command that copies a finished WAL segment into DIR, gzip-compressed (a segment closed
# early by archive_timeout is mostly zeros): written under a temporary name, flushed to the disk,
# renamed, and the folder flushed, so the archive never holds half a segment. A segment already in
# the archive counts as archived only when it is the same (PostgreSQL offers one again after a crash
# between archiving it and noting so); a different one fails, and PostgreSQL keeps retrying.
wal_archive_command() {
  local archived="\"$1/%f.gz\"" part="\"$1/%f.gz.part\""
  echo "if test -f $archived; then gunzip -c $archived | cmp -s - %p; else gzip -c %p > $part && sync $part && mv $part $archived && sync \"$1\"; fi"
}

# The restore_command that reads WAL segments back from DIR; one that is missing is not an error,
# it is where the archive ends.
wal_restore_command() {
  echo "test -f \"$1/%f.gz\" && gunzip -c \"$1/%f.gz\" > %p"
}

# Runs a command as the owner of the local clusters: PostgreSQL refuses root, so root runs it as "postgres".
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Installs the Debian packages that are missing. Usage: ensure_packages postgresql chromium python3-aiosmtpd wrk
ensure_packages() {
  local missing=()
  for package in "$@"; do
    case "$package" in
      postgresql) ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql) ;;
      chromium)   [ -x /usr/bin/chromium ] || missing+=(chromium) ;;
      nodejs)     command -v node >/dev/null 2>&1 || missing+=(nodejs npm) ;;
      # The tests' SMTP server; Debian's Python modules live under /usr/bin/python3.
      python3-aiosmtpd) /usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1 || missing+=(python3-aiosmtpd) ;;
      etcd-server) command -v etcd >/dev/null 2>&1 || missing+=(etcd-server) ;;
      haproxy)    [ -x /usr/sbin/haproxy ] || missing+=(haproxy) ;;
      linux-perf) command -v perf >/dev/null 2>&1 || missing+=(linux-perf) ;;
      imagemagick) [ -x /usr/bin/convert ] || missing+=(imagemagick) ;;
      *)          command -v "$package" >/dev/null 2>&1 || missing+=("$package") ;;
    esac
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] || { echo "Missing packages: ${missing[*]}. Install them (sudo apt-get install ${missing[*]}) and retry." >&2; exit 1; }
  log "Installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_dotnet() {
  command -v dotnet >/dev/null 2>&1 || { echo "The .NET 10 SDK is required (dotnet not found)." >&2; exit 1; }
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
}

# The local database of `make run`, and the archive of its WAL that `make backup` rolls forward from.
LOCAL_PG_DATA=.data/pg
LOCAL_PG_PORT=${FEEDBACK_DB_PORT:-55432}
LOCAL_WAL_ARCHIVE=.data/wal-archive

# Uses FEEDBACK_DB when set; otherwise starts (or reuses) the project-local cluster in .data/.
ensure_database() {
  if [ -n "${FEEDBACK_DB:-}" ]; then return 0; fi
  ensure_packages postgresql
  log "Starting the local PostgreSQL in $LOCAL_PG_DATA on port $LOCAL_PG_PORT"
  local settings
  settings=$(bash scripts/pg-cluster.sh start "$LOCAL_PG_DATA" "$LOCAL_PG_PORT" "$LOCAL_WAL_ARCHIVE")
  FEEDBACK_DB=$(printf '%s\n' "$settings" | sed -n 's/^FEEDBACK_DB=//p')
  FEEDBACK_DB_MIGRATE=$(printf '%s\n' "$settings" | sed -n 's/^FEEDBACK_DB_MIGRATE=//p')
  export FEEDBACK_DB FEEDBACK_DB_MIGRATE
}

build_api() {
  log "Building the API"
  dotnet build api -c Release -nologo -v quiet -clp:ErrorsOnly
}

# Demo accounts and an Open311 key for trying the service, on unless FEEDBACK_DEMO=0 (`make run`, `make cluster`).
export_demo_settings() {
  export FEEDBACK_DEMO=${FEEDBACK_DEMO:-1}
  export FEEDBACK_DEMO_PASSWORD=${FEEDBACK_DEMO_PASSWORD:-demo-2026}
  export FEEDBACK_OPEN311_DEMO_KEY=${FEEDBACK_OPEN311_DEMO_KEY:-demo-open311-key-2026}
}

log_demo_settings() {
  if [ "$FEEDBACK_DEMO" = 1 ]; then
    log "Demo mode: staff accounts admin, leader, enforcement, enforcement.staff, … with password '$FEEDBACK_DEMO_PASSWORD', Open311 API key '$FEEDBACK_OPEN311_DEMO_KEY' (FEEDBACK_DEMO=0 turns this off)"
  fi
}

# Installs the client's locked dependencies and builds it into web-client/dist.
build_client() {
  ensure_packages nodejs
  log "Building the web client"
  (cd web-client && { [ -d node_modules ] && npm ls --depth=0 >/dev/null 2>&1 || npm ci --no-audit --no-fund --loglevel=error; } && npm run --silent build)
}
