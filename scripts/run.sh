#!/usr/bin/env bash
# make run: set up what is missing, then serve API and web client on http://127.0.0.1:$FEEDBACK_PORT.
# make migrate: apply migrations to FEEDBACK_DB (or the local cluster) and exit.
# make admin: create the first administrator (asks for the password, or reads FEEDBACK_ADMIN_PASSWORD).
source "$(dirname "$0")/common.sh"

ensure_dotnet
ensure_database
# A person reads this console: plain lines. The API's default, one JSON object a line, is for a log collector.
export FEEDBACK_LOG_FORMAT=${FEEDBACK_LOG_FORMAT:-text}

if [ "${1:-}" = migrate ]; then
  log "Applying migrations"
  exec dotnet run --project api -c Release -- migrate
fi
if [ "${1:-}" = admin ]; then
  log "Creating administrator '${FEEDBACK_ADMIN_USERNAME:-admin}'"
  exec dotnet run --project api -c Release -- admin "${FEEDBACK_ADMIN_USERNAME:-admin}"
fi

build_client
build_api

export FEEDBACK_WEB_ROOT=${FEEDBACK_WEB_ROOT:-$ROOT/web-client/dist}
# Photos are kept in the database; ones an older version kept as files are read in once.
if [ -d .data/uploads ]; then
  log "Reading the photos kept in .data/uploads into the database"
  dotnet api/bin/Release/net10.0/Feedback.Api.dll import-photos .data/uploads && mv .data/uploads .data/uploads.imported
fi
export_demo_settings
log_demo_settings
port=${FEEDBACK_PORT:-8080}
log "Serving on http://127.0.0.1:$port (Ctrl+C stops; the local database keeps running: 'make db-stop' stops it)"
cd api/bin/Release/net10.0
exec dotnet Feedback.Api.dll --urls "http://127.0.0.1:$port"
