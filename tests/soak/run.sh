#!/usr/bin/env bash
# Long, bounded checks that do not belong in dotnet test. Usage: tests/soak/run.sh [section...] (default: all).
# Sections are tests/soak/sections/<name>.sh; each prints its figures and exits non-zero on a failed check.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
sections=("$@")
if [ ${#sections[@]} -eq 0 ]; then
  for f in "$here"/sections/*.sh; do sections+=("$(basename "$f" .sh)"); done
fi
status=0
for s in "${sections[@]}"; do
  echo "== soak: $s"
  if ! bash "$here/sections/$s.sh"; then status=1; echo "== soak: $s FAILED"; fi
done
exit $status
