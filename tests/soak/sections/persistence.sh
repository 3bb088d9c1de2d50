#!/usr/bin/env bash
# Persistence soak: SOAK_KILLS (20) rounds of load, kill -9, restart and resume (acked inputs lost, liquidation orders
# lost or delivered twice: all must be 0), then one flipped byte in every file kind of a data directory (journal
# headers and records: refused with exit 1 naming file and offset, then started by --Journal:Repair=true; a snapshot,
# daemon.json, daemon.lock, daemon.pid: starts with every acked deposit). Bounded by timeout.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../../.." && pwd)"
proj="$repo/tests/soak/PersistenceSoak"
flock /tmp/liq-cpu.lock dotnet build "$proj" -c Release -v q -nologo >/dev/null
flock /tmp/liq-cpu.lock timeout 1200 dotnet "$proj/bin/Release/net10.0/PersistenceSoak.dll" "${SOAK_KILLS:-20}"
