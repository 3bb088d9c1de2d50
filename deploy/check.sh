#!/usr/bin/env bash
# Checks the deploy/ files with the tools their consumers use:
#   promtool check rules + promtool test rules (Debian's prometheus package; only promtool is extracted, no service)
#   systemd-analyze verify on the unit (with ExecStart pointed at a stand-in binary)
# The test suite separately checks every metric they use against a running daemon (Host/DeployFilesTests).
# Usage: deploy/check.sh        (installs promtool into ${PROMTOOL_DIR:-/tmp/liq-promtool} if it is missing)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

promtool="$(command -v promtool || true)"
if [[ -z "$promtool" ]]; then
  dir="${PROMTOOL_DIR:-/tmp/liq-promtool}"
  promtool="$dir/usr/bin/promtool"
  if [[ ! -x "$promtool" ]]; then
    # About 19 MB from the Debian mirror; dpkg-deb -x unpacks it without running the package's scripts.
    mkdir -p "$dir"
    (cd "$dir" && { apt-get download prometheus >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get download prometheus >/dev/null; }; } && dpkg-deb -x prometheus_*.deb . && rm -f prometheus_*.deb)
  fi
fi

echo "== promtool $("$promtool" --version 2>&1 | head -1)"
(cd "$here/prometheus" && "$promtool" check rules liqengine-alerts.yml && "$promtool" test rules liqengine-alerts.test.yml)

if command -v systemd-analyze >/dev/null; then
  echo "== systemd-analyze verify liqengine.service"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  printf '#!/bin/sh\n' > "$tmp/liqengine" && chmod +x "$tmp/liqengine"
  sed "s|/opt/liqengine/liqengine|$tmp/liqengine|" "$here/liqengine.service" > "$tmp/liqengine.service"
  out="$(systemd-analyze verify "$tmp/liqengine.service" 2>&1 || true)"
  # Lines about the host's own units (no systemd running in a container) are not ours.
  ours="$(grep -F "liqengine.service" <<<"$out" | grep -v "^$" || true)"
  if [[ -n "$ours" ]]; then
    echo "$ours"
    exit 1
  fi
  echo "OK"
else
  echo "== systemd-analyze not installed: unit not verified"
fi
