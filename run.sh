#!/usr/bin/env bash
# Runs the whole platform locally without Docker: installs PostgreSQL and Redis if missing, builds,
# then starts Postgres, Redis and the four services (see tools/CreatorChat.DevHost) and seeds a demo
# creator. Data lives in .localrun/ and survives restarts. Ctrl+C stops everything.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-prerequisites.sh
dotnet build CreatorChat.Local.slnf -c Release --nologo -v quiet -clp:ErrorsOnly
exec dotnet tools/CreatorChat.DevHost/bin/Release/net10.0/CreatorChat.DevHost.dll "$@"
