#!/usr/bin/env bash
# Usage: scripts/pack-install.sh DIR
# Packs pkg/ (npm pack) and installs the tarball into a fresh scratch project DIR, exactly as a
# user would install the published package (offline: the package has no dependencies).
set -euo pipefail
cd "$(dirname "$0")/.."
dest=${1:?usage: scripts/pack-install.sh DIR}
[ -f pkg/package.json ] || { echo "pack-install: no pkg/ (run scripts/build-pkg.sh)" >&2; exit 1; }
rm -rf "$dest"
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
npm pack --silent --pack-destination "$dest" ./pkg >/dev/null
printf '{ "name": "scratch", "private": true, "type": "module" }\n' >"$dest/package.json"
npm install --prefix "$dest" --offline --no-audit --no-fund --loglevel=error "$dest"/cognito-wasm-*.tgz
echo "pack-install: $(cd "$dest" && ls cognito-wasm-*.tgz) installed into $dest"
