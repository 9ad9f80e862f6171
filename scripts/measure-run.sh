#!/usr/bin/env bash
# Measures ./run.sh the way a user lives it: time until the gateway answers and until it answers a chat from the
# videos (the admin asks the demo creator kitchen-lab), memory of the whole process tree
# (AppHost, DCP, dashboard, Postgres, Redis, every service replica), then Ctrl+C (SIGINT to the foreground process
# group, as a terminal sends it) and the time until every one of those processes is gone. Prints what is left
# behind, if anything. Usage: scripts/measure-run.sh [--signal TERM] [--stop-budget 10] [run.sh arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."

signal=INT
budget=10
while [[ $# -gt 0 ]]; do
  case "$1" in
    --signal) signal="$2"; shift 2 ;;
    --stop-budget) budget="$2"; shift 2 ;;
    *) break ;;
  esac
done

gateway="${GATEWAY_URL:-http://localhost:5300}"
log="$(mktemp -t creatorchat-run.XXXXXX)"

# Every descendant of a pid, found through /proc (DCP and Postgres start their own sessions, so a process group
# does not hold them all).
descendants() {
  local children
  children="$(cat /proc/"$1"/task/*/children 2>/dev/null || true)"
  for child in $children; do
    echo "$child"
    descendants "$child"
  done
}

alive() {
  local pid
  for pid in "$@"; do
    if [[ -d /proc/$pid ]]; then echo "$pid"; fi
  done
}

start=$(date +%s.%N)
start_uptime=$(cut -d' ' -f1 /proc/uptime) # process start times are counted from boot
# Job control on: the run gets its own process group with SIGINT at its default (a script's background jobs
# otherwise start with SIGINT ignored, and no Ctrl+C could reach them).
set -m
./run.sh "$@" >"$log" 2>&1 &
root=$!
set +m

until curl -sf -o /dev/null "$gateway/api/v1/creators"; do
  if ! kill -0 "$root" 2>/dev/null; then
    echo "run.sh exited before the gateway answered; its output: $log" >&2
    tail -20 "$log" >&2
    exit 1
  fi
  sleep 0.5
done
ready=$(date +%s.%N)
printf 'gateway answers after %.1f s\n' "$(echo "$ready - $start" | bc)"

# A chat through gateway → chat → creator/retrieval, answered from the videos (not degraded), as the admin the
# AppHost bootstraps (its generated password is in the AppHost's user secrets, where ./run.sh keeps it).
secrets="${HOME}/.microsoft/usersecrets/$(sed -n 's:.*<UserSecretsId>\(.*\)</UserSecretsId>.*:\1:p' CreatorChat.AppHost/CreatorChat.AppHost.csproj)/secrets.json"
chat_deadline=$(echo "$ready + 120" | bc)
answered=""
question="Why knead bread dough? (run $(date +%s%N))" # new each run: a cached answer would not reach retrieval
while (( $(echo "$(date +%s.%N) < $chat_deadline" | bc) )) && kill -0 "$root" 2>/dev/null; do
  if [[ -z "${token:-}" ]]; then
    password="$(jq -r '."Parameters:admin-password" // empty' "$secrets" 2>/dev/null || true)"
    token="$(curl -sf -H 'Content-Type: application/json' \
      -d "$(jq -n --arg p "$password" '{email: "admin@creatorchat.local", password: $p}')" \
      "$gateway/api/v1/auth/login" | jq -r '.access_token // empty' 2>/dev/null || true)"
  fi
  if [[ -n "$token" ]] && curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -H 'Accept: application/json' \
      -d "$(jq -n --arg q "$question" '{creator_id: "kitchen-lab", message: $q}')" "$gateway/api/v1/chat" \
      | jq -e '.degraded == false and .cached == false and (.citations | length) > 0' >/dev/null 2>&1; then
    answered=$(date +%s.%N)
    break
  fi
  sleep 0.5
done
if [[ -n "$answered" ]]; then
  printf 'chat answered from the videos after %.1f s\n' "$(echo "$answered - $start" | bc)"
else
  echo "no chat answered from the videos within 120 s of the gateway answering" >&2
fi

# Let the demo seed and the replicas settle before weighing the tree.
sleep "${SETTLE_SECONDS:-10}"
mapfile -t tree < <(echo "$root"; descendants "$root")
# DCP detaches its API server from the AppHost; it names the AppHost it serves (--monitor <pid>).
dcp=()
for pid in "${tree[@]}"; do
  mapfile -t -O "${#dcp[@]}" dcp < <(pgrep -f -- "dcp start-apiserver --monitor $pid( |$)" || true)
done
for pid in "${dcp[@]}"; do
  tree+=("$pid")
  mapfile -t -O "${#tree[@]}" tree < <(descendants "$pid")
done
mapfile -t tree < <(printf '%s\n' "${tree[@]}" | sort -un)
# RSS counts the runtime's shared pages once per process; PSS shares them out, so its sum is the tree's real cost.
rss=0
pss=0
declare -A by_kind cpu_by_kind started_by_kind
ticks=$(getconf CLK_TCK)
for pid in "${tree[@]}"; do
  [[ -r /proc/$pid/cmdline ]] || continue # ended while the tree was being listed
  kb=$(awk '/^VmRSS:/ {print $2}' /proc/"$pid"/status 2>/dev/null || echo 0)
  p=$(awk '/^Pss:/ {print $2}' /proc/"$pid"/smaps_rollup 2>/dev/null || echo 0)
  # CPU time the process has used so far (user + system, with its waited-for children): what starting it cost.
  cpu=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 + $14 + $15 }' /proc/"$pid"/stat 2>/dev/null || echo 0)
  began=$(awk '{ sub(/^.*\) /, ""); print $20 }' /proc/"$pid"/stat 2>/dev/null || echo 0)
  rss=$((rss + ${kb:-0}))
  pss=$((pss + ${p:-0}))
  args="$(tr '\0' ' ' < /proc/"$pid"/cmdline 2>/dev/null || true)"
  case "$args" in
    *"dotnet run --project"*) kind="dotnet run launchers" ;;
    */services/*/bin/*) kind="services: $(basename "${args%% *}")" ;;
    *dcp*) kind="DCP" ;;
    *Aspire.Dashboard*) kind="dashboard" ;;
    *postgres*) kind="postgres" ;;
    *redis-server*) kind="redis" ;;
    *CreatorChat.AppHost*) kind="AppHost" ;;
    *) kind="other" ;;
  esac
  by_kind[$kind]=$(( ${by_kind[$kind]:-0} + ${p:-0} ))
  cpu_by_kind[$kind]=$(( ${cpu_by_kind[$kind]:-0} + ${cpu:-0} ))
  if [[ -z "${started_by_kind[$kind]:-}" ]] || (( ${began:-0} < started_by_kind[$kind] )); then started_by_kind[$kind]=${began:-0}; fi
done
printf 'process tree: %d processes, %d MiB resident (RSS), %d MiB proportional (PSS)\n' "${#tree[@]}" "$((rss / 1024))" "$((pss / 1024))"
for kind in "${!by_kind[@]}"; do
  printf '  %5d MiB PSS  %6.1f s CPU  started at %5.1f s  %s\n' "$((by_kind[$kind] / 1024))" "$(echo "${cpu_by_kind[$kind]} / $ticks" | bc -l)" \
    "$(echo "${started_by_kind[$kind]} / $ticks - $start_uptime" | bc -l)" "$kind"
done | sort -rn

stop=$(date +%s.%N)
kill -"$signal" -- -"$root"
deadline=$(echo "$stop + 60" | bc)
while :; do
  mapfile -t left < <(alive "${tree[@]}")
  if [[ ${#left[@]} -eq 0 ]]; then break; fi
  if (( $(echo "$(date +%s.%N) > $deadline" | bc) )); then break; fi
  sleep 0.2
done
elapsed=$(echo "$(date +%s.%N) - $stop" | bc)
if [[ ${#left[@]} -eq 0 ]]; then
  printf 'SIG%s: every process gone after %.1f s (budget %s s)\n' "$signal" "$elapsed" "$budget"
else
  printf 'SIG%s: %d processes still running after %.1f s:\n' "$signal" "${#left[@]}" "$elapsed"
  for pid in "${left[@]}"; do ps -o pid=,args= -p "$pid" | cut -c1-160; done
  kill -KILL "${left[@]}" 2>/dev/null || true
fi
echo "run.sh output: $log"
if [[ ${#left[@]} -ne 0 ]] || (( $(echo "$elapsed > $budget" | bc) )); then exit 1; fi
