#!/usr/bin/env bash
# Runs every test that can run on this machine: unit, integration (real PostgreSQL and Redis,
# started by the fixtures) and end-to-end (all services as real processes).
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-prerequisites.sh
dotnet test CreatorChat.Local.slnf --nologo "$@"
