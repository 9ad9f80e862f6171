#!/usr/bin/env bash
# Installs what the local run and the tests need on Debian/Ubuntu: PostgreSQL and Redis servers, jq (run.sh),
# Chromium for the browser tests, nginx for the gateway benchmark (and kubectl for the deployment tests, when the package source has it).
# Node.js >= 20.19 with npm builds the web app (services/Web); it is checked, not installed (Debian's is older).
# Only missing packages are installed; nothing is started here (the AppHost and the test fixtures
# start throwaway instances of their own).
set -euo pipefail

missing=()
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
# run.sh applies the AppHost's launch profile (Properties/launchSettings.json) with jq; scripts/measure-run.sh reads answers with it.
command -v jq >/dev/null 2>&1 || missing+=(jq)
# The browser tests drive Debian's Chromium at /usr/bin/chromium (Playwright never downloads a browser here).
[ -x /usr/bin/chromium ] || missing+=(chromium)
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' 2>/dev/null || ! command -v npm >/dev/null 2>&1; then
  echo "The web app needs Node.js >= 20.19 and npm (https://nodejs.org or NodeSource packages)." >&2
  exit 1
fi
# The gateway benchmark measures the gateway against Debian's nginx proxying the same request (tools/CreatorChat.Benchmarks).
[ -x /usr/sbin/nginx ] || missing+=(nginx-light)
# kubectl renders the kustomize overlays in the deployment tests (they skip, saying so, without it).
if ! command -v kubectl >/dev/null 2>&1 && apt-cache show kubectl >/dev/null 2>&1; then missing+=(kubectl); fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "Installing ${missing[*]}…"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "Need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The Debian packages start system-wide servers; CreatorChat uses its own instances, so stop them
# (only when this run installed them: other redis-servers, such as test fixtures', are not ours to stop).
if [[ " ${missing[*]} " == *" nginx-light "* ]]; then $sudo systemctl disable --now nginx >/dev/null 2>&1 || true; fi
if [[ " ${missing[*]} " == *" postgresql "* ]]; then $sudo systemctl disable --now postgresql >/dev/null 2>&1 || true; fi
if [[ " ${missing[*]} " == *" redis-server "* ]]; then
  $sudo systemctl disable --now redis-server >/dev/null 2>&1 || true
  $sudo pkill -x redis-server >/dev/null 2>&1 || true
fi
