#!/usr/bin/env bash
# make run: set up what is missing, then serve API and web client on http://127.0.0.1:$FEEDBACK_PORT.
# make migrate: apply migrations to FEEDBACK_DB (or the local cluster) and exit.
source "$(dirname "$0")/common.sh"

ensure_dotnet
ensure_database

if [ "${1:-}" = migrate ]; then
  log "Applying migrations"
  exec dotnet run --project api -c Release -- migrate
fi

build_client
log "Building the API"
dotnet build api -c Release -nologo -v quiet -clp:ErrorsOnly

export FEEDBACK_WEB_ROOT=${FEEDBACK_WEB_ROOT:-$ROOT/web-client/dist}
port=${FEEDBACK_PORT:-8080}
log "Serving on http://127.0.0.1:$port (Ctrl+C stops; the local database keeps running: 'make db-stop' stops it)"
cd api/bin/Release/net10.0
exec dotnet Feedback.Api.dll --urls "http://127.0.0.1:$port"
