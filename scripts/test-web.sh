#!/usr/bin/env bash
# Runs the web app's Vitest unit tests (services/Web) and ends with one line in dotnet test's summary
# format ("Passed!  - Failed: …, Passed: …, Skipped: …"), so ./test.sh counts them with the rest.
set -euo pipefail
cd "$(dirname "$0")/../services/Web"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
report=$(mktemp)
trap 'rm -f "$report"' EXIT
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const skipped = (r.numPendingTests || 0) + (r.numTodoTests || 0);
  const verdict = r.numFailedTests > 0 || !r.success ? "Failed!" : "Passed!";
  console.log(`${verdict}  - Failed: ${r.numFailedTests}, Passed: ${r.numPassedTests}, Skipped: ${skipped}, Total: ${r.numTotalTests} - services/Web (vitest)`);
' "$report" || { echo "Failed!  - Failed: 1, Passed: 0, Skipped: 0, Total: 1 - services/Web (vitest did not report)"; exit 1; }
exit $status
