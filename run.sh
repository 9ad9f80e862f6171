#!/usr/bin/env bash
# Runs the whole platform locally through the Aspire AppHost: installs what is missing (PostgreSQL and Redis
# binaries), then `dotnet run` on CreatorChat.AppHost with its http launch profile (no developer certificate).
# Without a healthy Docker/Podman, Postgres and Redis run from this machine's binaries with their data in .localrun/
# (it survives restarts). Prints the gateway URL, the dashboard URL with its login token and the demo accounts.
# Ctrl+C (or SIGTERM) stops everything. Arguments go to the AppHost, e.g. ./run.sh Replicas:chat=3.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-prerequisites.sh
exec dotnet run --project CreatorChat.AppHost --launch-profile http -- "$@"
