#!/usr/bin/env bash
# Runs the whole platform locally through the Aspire AppHost: installs what is missing (PostgreSQL and Redis
# binaries), builds CreatorChat.AppHost when a source changed (scripts/build-apphost.sh), then runs it as
# `dotnet run --launch-profile http` would (the http profile's environment: no developer certificate), without the
# SDK re-checking the build. Without a healthy Docker/Podman, Postgres and Redis run from this machine's binaries with
# their data in .localrun/ (it survives restarts). Prints the gateway URL, the dashboard URL with its login token and
# the demo accounts. Ctrl+C (or SIGTERM) stops everything. Arguments go to the AppHost, e.g. ./run.sh Replicas:chat=3.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-prerequisites.sh
apphost="$(scripts/build-apphost.sh)"
cd CreatorChat.AppHost
# Built executables find the runtime through DOTNET_ROOT when .NET is not in its default place (dotnet run would know).
export DOTNET_ROOT="${DOTNET_ROOT:-$(dirname "$(readlink -f "$(command -v dotnet)")")}"
export DOTNET_LAUNCH_PROFILE=http
eval "$(jq -r --arg profile "$DOTNET_LAUNCH_PROFILE" '.profiles[$profile] | (.environmentVariables // {}) + {ASPNETCORE_URLS: .applicationUrl}
  | to_entries[] | "export \(.key)=\(.value | @sh)"' Properties/launchSettings.json)"
exec "$apphost" "$@"
