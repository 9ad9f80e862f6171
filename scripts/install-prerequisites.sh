#!/usr/bin/env bash
# Installs what the local run and the tests need on Debian/Ubuntu: PostgreSQL and Redis servers
# (and kubectl for the deployment tests, when the package source has it).
# Only missing packages are installed; nothing is started here (the AppHost and the test fixtures
# start throwaway instances of their own).
set -euo pipefail

missing=()
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
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
# The Debian packages start system-wide servers; CreatorChat uses its own instances, so stop them.
$sudo systemctl disable --now postgresql redis-server >/dev/null 2>&1 || true
$sudo pkill -x redis-server >/dev/null 2>&1 || true
