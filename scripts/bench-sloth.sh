#!/usr/bin/env bash
# The A/B of BENCHMARKS.md: svcgen against Sloth v0.16.0 on the same 1,000
# services × 3 SLOs, run alternately by scripts/benchsloth. Installs Sloth
# with the Go toolchain into ~/.cache/svcgen/bin. N and RUNS override the
# size and the number of runs.
set -euo pipefail
cd "$(dirname "$0")/.."
SLOTH=github.com/slok/sloth/cmd/sloth@v0.16.0
bin=${SVCGEN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/svcgen}/bin
if [ ! -x "$bin/sloth" ] || ! "$bin/sloth" version 2>/dev/null | grep -q 'v0.16.0'; then
	echo "bench-sloth: installing $SLOTH"
	GOBIN=$bin go install "$SLOTH"
fi
exec go run -tags devtools ./scripts/benchsloth -svcgen bin/svcgen -sloth "$bin/sloth" -n "${N:-1000}" -runs "${RUNS:-5}"
