#!/usr/bin/env bash
# Builds CreatorChat.AppHost (and with it every service it runs) unless nothing changed since this script last built
# it, then prints the path of the built AppHost executable. `dotnet build` re-checks the whole graph even when nothing
# changed (~10 s on 2 cores); this check takes milliseconds. "Nothing changed" means: the same source files (every file
# git does not ignore: path, size and modification time to the nanosecond, so an edit, a checkout, a new or deleted file
# all count) as when that build started, and the same build outputs as that build left (a build by anything else,
# e.g. dotnet test, counts as a change). Outside a git work tree it always builds.
set -euo pipefail
cd "$(dirname "$0")/.."

project=CreatorChat.AppHost
stamp="$project/obj/build-apphost.stamp"

sources() {
  # A tracked file that was deleted has no line (stat fails on it): that too is a change.
  git ls-files -z --cached --others --exclude-standard | { xargs -0 stat -c '%n %s %.9Y' 2>/dev/null || true; } | sha256sum
}

outputs() {
  find "$project/bin" services/*/bin -type f -printf '%p %s %T@\n' 2>/dev/null | sort | sha256sum
}

in_git() { [[ "$(git rev-parse --show-toplevel 2>/dev/null)" == "$(pwd -P)" ]]; }

if in_git && [[ -f "$stamp" ]]; then
  { read -r executable; read -r built_sources; read -r built_outputs; } < "$stamp"
  if [[ -x "$executable" && "$(sources)" == "$built_sources" && "$(outputs)" == "$built_outputs" ]]; then
    echo "$executable"
    exit 0
  fi
fi

rm -f "$stamp"
if in_git; then before="$(sources)"; fi
dotnet build "$project" --nologo >&2
if [[ "${CREATORCHAT_READYTORUN:-true}" != "false" ]]; then
  rid="$(dotnet --info | awk '/^ *RID:/ { print $2; exit }')"
  for service in services/*/CreatorChat.*.csproj; do
    dotnet publish "$service" --nologo -v quiet -c Debug -r "$rid" --self-contained false -o "$(dirname "$service")/bin/readytorun" >&2
  done
fi
target="$(dotnet msbuild "$project" --nologo -getProperty:TargetPath)"
executable="${target%.dll}"
if in_git; then
  printf '%s\n%s\n%s\n' "$executable" "$before" "$(outputs)" > "$stamp"
fi
echo "$executable"
