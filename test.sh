#!/usr/bin/env bash
# Runs every test of CreatorChat.sln: unit, integration (real PostgreSQL and Redis, started by the
# fixtures), the AppHost's (model and a real start), end-to-end (the whole platform started through the
# AppHost with Aspire.Hosting.Testing), deployment (Helm chart and kustomize renders validated against
# the Kubernetes schemas), browser (the web app in Chromium) and the web app's Vitest unit tests.
# Extra arguments go to dotnet test,
# e.g. ./test.sh --filter "FullyQualifiedName~Creator".
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-prerequisites.sh

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test CreatorChat.sln --nologo "$@" 2>&1 | tee "$log" || status=$?

# The web app's own unit tests (Vitest), reported in dotnet test's summary format so they count below.
scripts/test-web.sh 2>&1 | tee -a "$log" || status=$?

# One closing line for the whole run, summed over the test assemblies.
awk '/(Passed|Failed)!  - Failed:/ {
       for (i = 1; i <= NF; i++) { gsub(",", "", $(i + 1)); if ($i == "Failed:") f += $(i + 1); if ($i == "Passed:") p += $(i + 1); if ($i == "Skipped:") s += $(i + 1) }
     }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit $status
