#!/usr/bin/env bash
# Benchmark (not a test; `npm run bench` runs this): builds pkg/, installs the packed package into
# bench/out/ and runs bench/bench.mjs there (Node.js, headless Chromium, then workerd). About two minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
[ "${BENCH_SKIP_BUILD:-}" = 1 ] || ./scripts/build-pkg.sh
./scripts/pack-install.sh bench/out >/dev/null
cp bench/*.mjs bench/*.html bench/out/
exec node bench/out/bench.mjs
