#!/usr/bin/env bash
# make openapi: rewrite openapi.yaml from the API (no database needed) and regenerate the client's types.
source "$(dirname "$0")/common.sh"
ensure_dotnet
dotnet build api -c Release -nologo -v quiet -clp:ErrorsOnly
(cd api/bin/Release/net10.0 && dotnet Feedback.Api.dll openapi "$ROOT/openapi.yaml" >/dev/null)
log "Wrote openapi.yaml"
if [ -d web-client/node_modules ]; then (cd web-client && npm run --silent gen:api) && log "Regenerated web-client/src/api/schema.d.ts"; fi
