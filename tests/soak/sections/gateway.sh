#!/usr/bin/env bash
# Gateway soak: 30,000 connect/close cycles (peak RSS ≤ 300 MB, accept loop alive, /health ready) and ≥ 1M malformed
# frames (no crash, no hang, no wrong reply, no state change) against a real daemon under a 512 MB GC heap limit.
# Then SOAK_SIGTERMS (10) SIGTERMs under load with restart and resume: no acked input lost, no event lost or repeated.
# Sizes: SOAK_CYCLES, SOAK_FRAMES, SOAK_SIGTERMS. Bounded: each phase has its own deadline inside the tool.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../../.." && pwd)"
out="$repo/tests/soak/GatewaySoak/bin/Release/net10.0"
flock /tmp/liq-cpu.lock dotnet build "$repo/engine/LiquidationEngine.Host" -c Release -v q -nologo >/dev/null
flock /tmp/liq-cpu.lock dotnet build "$repo/tests/soak/GatewaySoak" -c Release -v q -nologo >/dev/null
flock /tmp/liq-cpu.lock timeout 1800 dotnet "$out/GatewaySoak.dll" "$repo/engine/LiquidationEngine.Host/bin/Release/net10.0/liqengine.dll" \
  "$repo/config/instruments.json" "${SOAK_CYCLES:-30000}" "${SOAK_FRAMES:-1000000}" "${SOAK_SIGTERMS:-10}"
