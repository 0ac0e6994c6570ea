#!/usr/bin/env bash
# The test command (README; .ci/run calls exactly this). Installs what is missing (scripts/setup.sh),
# then runs every stage in order (or only the stage functions named as arguments), stopping at the
# first failure. The last line is always
# "N passed, N failed" (CI reads it): tests counted from each tool's own summary, plus one per
# lint or build check.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

export PATH="$root/node_modules/.bin:$HOME/.cargo/bin:$PATH"
logs=target/test-logs
mkdir -p "$logs"

passed=0
failed=0
summary() { echo "$passed passed, $failed failed"; }
trap summary EXIT

# ---------------------------------------------------------------------------------------------
# Helpers. `check NAME CMD...` runs CMD, logs its output to target/test-logs/NAME.log and counts
# the tests it reports (cargo / wasm-bindgen-test "test result:" lines, node:test "ℹ pass/fail"
# lines, or 1 for a command that reports none). A failing command ends the run.
# `tests NAME CMD...` is the same but also fails when CMD ran no test at all, or when any
# wasm-bindgen-test binary in it ran none. `wasm_tests NAME N CMD...` also fails when fewer than N
# wasm-bindgen-test binaries reported passing tests (a binary with no test, or one skipped for
# another runtime, prints no summary line at all, so the checks above cannot see it).
count() { grep -aoE "$1" "$2" | grep -oE '[0-9]+$' | awk '{s += $1} END {print s + 0}' || true; }

# True when a wasm-bindgen-test binary reported "0 passed" (its summary lines, unlike libtest's
# native ones, have no "measured" field; a binary configured for another runtime prints none).
zero_wasm_binary() { grep -a 'test result: ' "$1" | grep -v measured | grep -q ' 0 passed;'; }
wasm_binaries_passed() { grep -a 'test result: ' "$1" | grep -v measured | grep -cE ' [1-9][0-9]* passed;' || true; }

run() {
  local name=$1 must_test=$2 log="$logs/$1.log" status ok bad
  shift 2
  echo "=== $name: $*"
  set +e
  "$@" 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  set -e
  ok=$(( $(count 'test result: [a-zA-Z]+\. [0-9]+' "$log") + $(count '^ℹ pass [0-9]+' "$log") ))
  bad=$(( $(count 'passed; [0-9]+ failed' "$log") + $(count '^ℹ fail [0-9]+' "$log") ))
  if [ "$must_test" != no ] && { [ "$ok" -eq 0 ] || zero_wasm_binary "$log"; }; then
    echo "=== $name: FAILED: a run executed 0 tests (a skipped browser run looks exactly like this)"
    status=1
  elif [ "$must_test" != no ] && [ "$must_test" != yes ] &&
    [ "$(wasm_binaries_passed "$log")" -lt "$must_test" ]; then
    echo "=== $name: FAILED: $(wasm_binaries_passed "$log") wasm test binaries ran tests, expected $must_test"
    status=1
  fi
  if [ "$ok" -eq 0 ] && [ "$bad" -eq 0 ]; then
    if [ "$status" -eq 0 ]; then ok=1; else bad=1; fi
  elif [ "$status" -ne 0 ] && [ "$bad" -eq 0 ]; then
    bad=1
  fi
  passed=$((passed + ok))
  failed=$((failed + bad))
  if [ "$status" -ne 0 ]; then
    echo "=== $name: FAILED (exit $status; log: $log)"
    exit 1
  fi
}
check() { run "$1" no "${@:2}"; }
# `per_file NAME CMD... -- FILE...`: one `tests` run of CMD per FILE, so that every file must run
# tests of its own (a browser file that silently ran none would hide in a stage's total).
per_file() {
  local name=$1 file
  local -a cmd=()
  shift
  while [ "$1" != -- ]; do
    cmd+=("$1")
    shift
  done
  shift
  for file in "$@"; do
    tests "$name-$(basename "$file" .test.mjs)" "${cmd[@]}" "$file"
  done
}
tests() { run "$1" yes "${@:2}"; }
wasm_tests() { run "$1" "$2" "${@:3}"; }

# ---------------------------------------------------------------------------------------------
# Stages.
stage_lint() {
  check fmt cargo fmt --all -- --check
  # every copy of the error catalogue (Rust, errors.js, .d.ts, README) is current with errors/catalog.json
  check errors-catalog node scripts/gen-errors.mjs --check
  # the wrapper's JSDoc types (the package's .d.ts is generated from them) hold: tsc --checkJs, no emit
  check types-jsdoc node node_modules/typescript/bin/tsc -p js/tsconfig.json --pretty false
  check clippy cargo clippy --workspace --all-targets -- -D warnings
  check clippy-wasm cargo clippy --lib --target wasm32-unknown-unknown -- -D warnings
  # the verify-only module of cognito-wasm/verify (scripts/build-pkg.sh)
  check clippy-wasm-verify cargo clippy --lib --target wasm32-unknown-unknown --no-default-features -- -D warnings
  # each feature alone gates its own core modules (src/protocol/signin, src/protocol/edge)
  check clippy-wasm-sign-in cargo clippy --lib --target wasm32-unknown-unknown --no-default-features --features sign-in -- -D warnings
  check clippy-wasm-edge cargo clippy --lib --target wasm32-unknown-unknown --no-default-features --features edge -- -D warnings
}

stage_cargo_tests() {
  tests cargo-test cargo test --workspace
}

stage_wasm_tests() {
  # webdriver.json (crate root) carries the browser flags and binaries; root needs --no-sandbox.
  # Node runs tests/node.rs (web.rs and worker.rs skip); browsers run node.rs, web.rs, worker.rs.
  wasm_tests wasm-node 1 wasm-pack test --node
  wasm_tests wasm-chromium 3 env WASM_BINDGEN_USE_BROWSER=1 \
    wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver
  wasm_tests wasm-chromium-worker 3 env WASM_BINDGEN_USE_DEDICATED_WORKER=1 \
    wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver
  wasm_tests wasm-firefox 3 env WASM_BINDGEN_USE_BROWSER=1 \
    wasm-pack test --headless --firefox --geckodriver "$(command -v geckodriver)"
}

# The packed npm package, installed into a scratch project exactly as a user would.
scratch=tests/js/.scratch
stage_package_tests() {
  check build-pkg ./scripts/build-pkg.sh
  check pack-install ./scripts/pack-install.sh "$scratch"
  mkdir -p "$scratch/types"
  cp tests/js/*.mjs tests/js/*.cjs "$scratch/"
  tests node-test node --test --test-reporter=spec "$scratch"/*.test.mjs "$scratch"/*.test.cjs
}

# The packed package in $scratch as stage_package_tests installs it; built here when a stage runs
# without that one.
ensure_package() {
  if [ ! -f "$scratch/node_modules/cognito-wasm/edge.js" ]; then
    check build-pkg ./scripts/build-pkg.sh
    check pack-install ./scripts/pack-install.sh "$scratch"
  fi
}

stage_type_tests() {
  cp tests/types/*.ts tests/types/tsconfig.json "$scratch/types/"
  tests type-tests node --test-reporter=spec tests/types/check.mjs "$scratch/types"
}

stage_setup() {
  check setup ./scripts/setup.sh
}

stages=(stage_setup stage_lint stage_cargo_tests stage_wasm_tests stage_package_tests stage_type_tests)

# ---------------------------------------------------------------------------------------------
# Emulator stages (owned by the emulator work): define stage_* functions here and append them,
# e.g. stages+=(stage_emulator_e2e).

# emulator (federation + Node-side checks): the emulator binary, then node:test against it, a real
# oidc-provider IdP (tests/idp/) and independent verifiers (aws-jwt-verify, jose). The tests find
# the binary under $CARGO_TARGET_DIR (default target/), or at $COGNITO_EMULATOR_BIN.
stage_emulator_node() {
  check emulator-build cargo build -p cognito-emulator
  # A hard cap (the run takes ~5 s; ~20 s on a busy 2-core machine): a stall that no hook or test
  # timeout can see (e.g. while a test file is still importing) fails the stage instead of hanging
  # CI, after the watchdog printed what each process was doing and saved Node.js reports under
  # target/test-artifacts/emulator-node/.
  tests emulator-node tests/emulator/watchdog.sh 300 node --test --test-reporter=spec tests/emulator/
}
stages+=(stage_emulator_node)

# demo (scripts/demo.sh, www/): the demo command's build (the package packed and installed into
# www/deps), then Playwright drives its stack in Chromium (tests/demo/); PNG screenshots land in
# target/test-artifacts/demo/.
stage_demo() {
  check demo-build ./scripts/demo.sh --build-only
  per_file demo-e2e node --test --test-reporter=spec -- tests/demo/*.test.mjs
}
stages+=(stage_demo)

# e2e (CognitoAuth, tests/e2e/): the packed package installed into tests/e2e/.scratch, then
# Playwright (playwright-core + /usr/bin/chromium) drives the app page through the emulator's
# hosted UI and the oidc-provider IdP. Needs the emulator binary (stage_emulator_node builds it).
stage_e2e() {
  check e2e-emulator-build cargo build -p cognito-emulator
  check e2e-build-pkg ./scripts/build-pkg.sh
  check e2e-pack-install ./scripts/pack-install.sh tests/e2e/.scratch
  per_file e2e node --test --test-reporter=spec -- tests/e2e/*.test.mjs
}
stages+=(stage_e2e)

# edge workers (issue 5): the example worker (examples/cloudflare-worker) in workerd through
# Miniflare, over loopback against the emulator, with the packed package stage_package_tests
# installed (built here when missing); its bff mode (edge sign-in, issue 14) also in headless
# Chromium (tests/edge/bff-browser.test.mjs).
stage_edge() {
  ensure_package
  check emulator-build cargo build -p cognito-emulator
  per_file edge env COGNITO_WASM_PKG="$root/$scratch/node_modules/cognito-wasm" \
    node --test --test-reporter=spec -- tests/edge/*.test.mjs
}
stages+=(stage_edge)

# hardening (issue 7): the fuzz smoke (FUZZ_SMOKE_SECONDS per cargo-fuzz target, default 5; the
# long runs are `scripts/fuzz.sh SECONDS`), the hostile corpus natively and in wasm (Node,
# Chromium page and worker: the binaries of tests/common/mod.rs, which run it) with the property
# tests, then fault injection (JWKS; token endpoint during refresh, against the emulator) and the
# 100k-verification leak check in Node and Chromium through the packed package
# stage_package_tests installed (built here when missing).
stage_hardening() {
  check fuzz-lint bash -c 'cd fuzz && cargo fmt --check && cargo +nightly clippy --all-targets -- -D warnings'
  check fuzz-smoke ./scripts/fuzz.sh "${FUZZ_SMOKE_SECONDS:-5}"
  tests hostile-native cargo test --test hostile --test prop_claims --test prop_jwks --test prop_auth
  wasm_tests hostile-wasm-node 1 wasm-pack test --node -- --test node
  wasm_tests hostile-wasm-chromium 2 env WASM_BINDGEN_USE_BROWSER=1 \
    wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver -- --test web --test worker
  ensure_package
  check emulator-build cargo build -p cognito-emulator
  tests faults-leak env COGNITO_WASM_PKG="$root/$scratch/node_modules/cognito-wasm" \
    node --test --test-reporter=spec tests/faults/ tests/leak/
}
stages+=(stage_hardening)

# trigger kit (issue 15): the example Rust trigger (examples/pretoken-trigger) as the emulator's
# HookUrl on a V2_0 pool; hosted-UI and InitiateAuth sign-ins, their tokens checked by the packed
# package stage_package_tests installed (built here when missing), with a customJwtCheck on the
# trigger's entitlements map.
stage_trigger() {
  ensure_package
  check trigger-build cargo build -p cognito-emulator -p pretoken-trigger
  tests trigger env COGNITO_WASM_PKG="$root/$scratch/node_modules/cognito-wasm" \
    node --test --test-reporter=spec tests/trigger/
}
stages+=(stage_trigger)

# interop (issue 12): software we did not write, unmodified. Real Cognito clients against the
# emulator (the AWS SDK for JavaScript v3, openid-client, oidc-client-ts and Amplify JS v6 in
# Chromium, Amplify in Node) and the packed package against moto (PyPI moto[server] in
# target/venv, scripts/setup.sh), all on loopback.
stage_interop() {
  check interop-emulator-build cargo build -p cognito-emulator
  ensure_package
  per_file interop env COGNITO_WASM_PKG="$root/$scratch/node_modules/cognito-wasm" \
    MOTO_PYTHON="$root/target/venv/bin/python" node --test --test-reporter=spec -- tests/interop/*.test.mjs
}
stages+=(stage_interop)

# ---------------------------------------------------------------------------------------------
# `scripts/test.sh stage_package_tests stage_type_tests` runs only the stages named.
[ $# -eq 0 ] || stages=("$@")
for stage in "${stages[@]}"; do
  "$stage"
done
