#!/usr/bin/env bash
# The fuzz command: runs each cargo-fuzz target (fuzz/fuzz_targets/) for SECONDS (default 60),
# starting from the committed seeds (fuzz/seeds/TARGET/) plus the local working corpus
# (fuzz/corpus/TARGET/, not committed), then prints one line per target:
#   fuzz TARGET: N executions in S s, 0 crashes
# A crash stops the run with libFuzzer's report and the input under fuzz/artifacts/TARGET/.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     e.g. scripts/fuzz.sh 600 token
#
# Needs the nightly toolchain and cargo-fuzz (scripts/setup.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

seconds=${1:-60}
shift || true
mapfile -t targets < <(if [ $# -gt 0 ]; then printf '%s\n' "$@"; else cargo +nightly fuzz list; fi)

cargo +nightly fuzz build
mkdir -p fuzz/artifacts
summary=()
for target in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$target"
  log="fuzz/artifacts/$target.log"
  echo "=== fuzz $target for ${seconds}s"
  if ! cargo +nightly fuzz run "$target" "fuzz/corpus/$target" "fuzz/seeds/$target" -- \
      -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=1024 >"$log" 2>&1; then
    tail -n 40 "$log"
    echo "fuzz $target: CRASH (log: $log, input: fuzz/artifacts/$target/)"
    exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
  took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n1)
  summary+=("fuzz $target: ${runs:-?} executions in ${took:-?} s, 0 crashes")
done
printf '%s\n' "${summary[@]}"
