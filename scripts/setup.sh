#!/usr/bin/env bash
# Installs everything the build, the tests and the demo need, skipping what is already present.
# Safe to run again and again (warm: a few seconds). Sources: rustup, crates.io, Debian apt, npm.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_PACK_VERSION=0.15.1
GECKODRIVER_VERSION=0.37.1
# wasm-bindgen-cli must equal the wasm-bindgen crate pinned (=X) in Cargo.toml / Cargo.lock.
WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = { version = "=\([0-9.]*\)".*/\1/p; s/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' Cargo.toml | head -n1)
[ -n "$WASM_BINDGEN_VERSION" ] || { echo "setup: no pinned wasm-bindgen version in Cargo.toml" >&2; exit 1; }

log() { printf '[setup] %s\n' "$*" >&2; }
export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# `ensure_component TOOLCHAIN COMPONENT`: rustup's minimal profile has neither rustfmt nor clippy.
ensure_component() {
  if ! rustup component list --toolchain "$1" --installed | grep -q "^$2"; then
    log "adding $2 to the $1 toolchain (rustup)"
    rustup component add "$2" --toolchain "$1"
  fi
}
# stage_lint runs cargo fmt and cargo clippy.
default_toolchain=$(rustup show active-toolchain | awk '{print $1}')
ensure_component "$default_toolchain" rustfmt
ensure_component "$default_toolchain" clippy

installed_version() { "$1" --version 2>/dev/null | head -n1 | awk '{print $2}' | sed 's/^v//'; }

if [ "$(installed_version wasm-pack)" != "$WASM_PACK_VERSION" ]; then
  log "installing wasm-pack $WASM_PACK_VERSION (cargo, ~3 min)"
  cargo install wasm-pack --version "$WASM_PACK_VERSION" --locked --quiet
fi
if [ "$(installed_version wasm-bindgen)" != "$WASM_BINDGEN_VERSION" ]; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (cargo, ~3 min)"
  # No --locked: its lockfile pins a crate version the registry here lacks.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force --quiet
fi

apt_missing=()
command -v chromium >/dev/null 2>&1 || apt_missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || apt_missing+=(chromium-driver)
command -v firefox-esr >/dev/null 2>&1 || command -v firefox >/dev/null 2>&1 || apt_missing+=(firefox-esr)
if [ ${#apt_missing[@]} -gt 0 ]; then
  log "installing ${apt_missing[*]} (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >/dev/null
fi
if [ "$(installed_version geckodriver)" != "$GECKODRIVER_VERSION" ]; then
  log "installing geckodriver $GECKODRIVER_VERSION (cargo, ~4 min)"
  cargo install geckodriver --version "$GECKODRIVER_VERSION" --locked --quiet
fi

# Fuzzing (scripts/fuzz.sh and the hardening stage's smoke): cargo-fuzz on the nightly toolchain.
CARGO_FUZZ_VERSION=0.13.2
if ! rustup toolchain list | grep -q '^nightly'; then
  log "installing the nightly toolchain (rustup, for cargo-fuzz)"
  rustup toolchain install nightly --profile minimal
fi
# stage_hardening lints fuzz/ with `cargo +nightly clippy`.
ensure_component nightly clippy
if [ "$(cargo fuzz --version 2>/dev/null | awk '{print $2}')" != "$CARGO_FUZZ_VERSION" ]; then
  log "installing cargo-fuzz $CARGO_FUZZ_VERSION (cargo, ~2 min)"
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked --quiet
fi

# npm dev tools (wasm-opt from the npm binaryen package, never Debian's; test and bench deps).
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm dev dependencies"
  npm ci --no-audit --no-fund --loglevel=error
fi
# Python test tools (stage_interop: moto[server]), pinned in tests/interop/requirements.txt, in a
# venv under target/ (python3 -m venv; Debian's python3-venv when the interpreter lacks it).
venv=target/venv
if [ ! -x "$venv/bin/python" ]; then
  if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    log "installing python3-venv (apt)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
  fi
  log "creating the Python venv $venv"
  python3 -m venv "$venv"
fi
if [ ! -f "$venv/.requirements" ] || ! cmp -s tests/interop/requirements.txt "$venv/.requirements"; then
  log "installing Python test dependencies (pip, tests/interop/requirements.txt)"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/interop/requirements.txt
  cp tests/interop/requirements.txt "$venv/.requirements"
fi
log "toolchain ready"
