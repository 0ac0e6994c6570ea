#!/usr/bin/env bash
# Builds the publishable npm package `cognito-wasm` into pkg/ (build output: never edit it by hand).
#
#   1. wasm-pack (release, --target web) builds one .wasm and one JS glue into target/pkg-staging/;
#      wasm-opt comes from node_modules/.bin (npm binaryen), never from Debian.
#   2. pkg/ is assembled from that output plus the hand-written wrapper in js/: entry points per
#      runtime (node.js / node.cjs, web.js, workerd.js), the wrapper, the .d.ts and package.json.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PATH="$root/node_modules/.bin:$HOME/.cargo/bin:$PATH"

command -v wasm-opt >/dev/null && [ "$(command -v wasm-opt)" = "$root/node_modules/.bin/wasm-opt" ] \
  || { echo "build-pkg: wasm-opt must come from node_modules/.bin (run scripts/setup.sh)" >&2; exit 1; }

staging=target/pkg-staging
rm -rf "$staging" pkg
wasm-pack --quiet build --release --target web --no-pack --out-dir "$root/$staging" --out-name cognito_wasm .

mkdir -p pkg
cp "$staging/cognito_wasm_bg.wasm" "$staging/cognito_wasm.js" pkg/
cp js/*.js js/*.d.ts pkg/
cp js/entry/*.js pkg/
node js/make-cjs.mjs pkg
cp README.md pkg/README.md
[ -f LICENSE ] && cp LICENSE pkg/

# package.json: the template in js/ plus the crate's version and description.
node --input-type=module - <<'EOF'
import { readFileSync, writeFileSync } from "node:fs";
const cargo = readFileSync("Cargo.toml", "utf8");
const field = (k) => cargo.match(new RegExp(`^${k} = "(.*)"$`, "m"))[1];
const pkg = JSON.parse(readFileSync("js/package.json", "utf8"));
pkg.version = field("version");
pkg.description = field("description");
pkg.license = field("license");
writeFileSync("pkg/package.json", JSON.stringify(pkg, null, 2) + "\n");
EOF
echo "build-pkg: pkg/ ready ($(du -k pkg/cognito_wasm_bg.wasm | cut -f1) KB wasm)"
