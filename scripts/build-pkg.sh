#!/usr/bin/env bash
# Builds the publishable npm package `cognito-wasm` into pkg/ (build output: never edit it by hand).
#
#   1. wasm-pack (release, --target web) builds one .wasm and one JS glue into target/pkg-staging/;
#      wasm-opt comes from node_modules/.bin (npm binaryen), never from Debian.
#   2. pkg/ is assembled from that output plus the hand-written wrapper in js/: entry points per
#      runtime (node.js / node.cjs, web.js, workerd.js), the wrapper and package.json. The types
#      come from the wrapper itself: tsc emits declarations from the checked JSDoc of js/*.js (with
#      js/*.d.ts for what has no JS implementation: the data shapes, the error classes generated
#      from errors/catalog.json, the wasm glue), and scripts/bundle-dts.mjs joins them into
#      pkg/index.d.ts and pkg/verify/index.d.ts.
#   3. pkg/verify/ (`cognito-wasm/verify`): a second .wasm and glue built without the `sign-in`
#      and `edge` features, with the same entry points over the verifier and errors only; its
#      error classes are the package's own (errors.js / errors.cjs at the root, one copy).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PATH="$root/node_modules/.bin:$HOME/.cargo/bin:$PATH"

command -v wasm-opt >/dev/null && [ "$(command -v wasm-opt)" = "$root/node_modules/.bin/wasm-opt" ] \
  || { echo "build-pkg: wasm-opt must come from node_modules/.bin (run scripts/setup.sh)" >&2; exit 1; }

staging=target/pkg-staging
verify_staging=target/pkg-staging-verify
declarations=target/pkg-declarations
rm -rf "$staging" "$verify_staging" "$declarations" pkg
# First the declarations (seconds, and a JSDoc type error stops the build before the wasm does).
node node_modules/typescript/bin/tsc -p js/tsconfig.json --noEmit false --declaration --emitDeclarationOnly --outDir "$declarations"
cp js/*.d.ts "$declarations/"
wasm-pack --quiet build --release --target web --no-pack --out-dir "$root/$staging" --out-name cognito_wasm .
wasm-pack --quiet build --release --target web --no-pack --out-dir "$root/$verify_staging" --out-name cognito_wasm . \
  -- --no-default-features

# js/cognito_wasm.d.ts (the wasm glue as the wrapper's JSDoc sees it, hand-written) must hold for the
# glue wasm-pack just wrote: the built glue's declarations are assigned to the hand-written ones.
glue_check=target/pkg-glue-check
rm -rf "$glue_check" && mkdir -p "$glue_check"
cp "$staging/cognito_wasm.d.ts" "$glue_check/glue.d.ts"
cp js/cognito_wasm.d.ts js/types.d.ts js/errors.d.ts "$glue_check/"
echo '{ "type": "module" }' >"$glue_check/package.json"
printf '%s\n' \
  'import type * as built from "./glue.js";' \
  'import type * as declared from "./cognito_wasm.js";' \
  'declare const glue: typeof built;' \
  'export const wrapperSees: Omit<typeof declared, "default"> = glue;' >"$glue_check/check.ts"
printf '%s\n' '{ "compilerOptions": { "strict": true, "noEmit": true, "target": "es2022", "module": "nodenext",' \
  '  "lib": ["es2022", "dom", "esnext.disposable"], "types": [] }, "files": ["check.ts"] }' >"$glue_check/tsconfig.json"
node node_modules/typescript/bin/tsc -p "$glue_check" \
  || { echo "build-pkg: js/cognito_wasm.d.ts does not match the glue wasm-pack wrote ($staging/cognito_wasm.d.ts)" >&2; exit 1; }

mkdir -p pkg
cp "$staging/cognito_wasm_bg.wasm" "$staging/cognito_wasm.js" pkg/
cp js/*.js pkg/
node scripts/bundle-dts.mjs "$declarations" js index.d.ts pkg/index.d.ts
cp js/entry/*.js pkg/
node js/make-cjs.mjs pkg

mkdir -p pkg/verify
cp "$verify_staging/cognito_wasm_bg.wasm" "$verify_staging/cognito_wasm.js" pkg/verify/
# verify/errors.js re-exports ../errors.js (verify/node.cjs requires ../errors.cjs): one set of
# error classes for both entries.
cp js/verifier.js js/driver.js js/node-crypto.js js/verify/errors.js js/verify/index.js js/entry/*.js pkg/verify/
# its types: the package root's declarations, the values limited to what verify/index.js exports
node scripts/bundle-dts.mjs "$declarations" js verify/index.d.ts pkg/verify/index.d.ts --reexport ../index.js
node js/make-cjs.mjs pkg/verify
# The ES modules the entries load are shipped minified (esbuild: whitespace, syntax and local
# names; exported and class names kept), after node.cjs was made from the readable ones: a page
# loads less than half the JS (docs/decisions/0009-minified-modules.md). The entry files, the
# re-exports and node-crypto.js stay as written.
for dir in pkg pkg/verify; do
  for f in cognito_wasm.js verifier.js driver.js errors.js edge.js auth.js edge-auth.js; do
    [ -f "$dir/$f" ] && ! grep -q '^export \* from "\.\./errors\.js";$' "$dir/$f" || continue
    esbuild "$dir/$f" --minify --keep-names --format=esm --legal-comments=none --log-level=warning \
      --allow-overwrite --outfile="$dir/$f"
  done
done
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
echo "build-pkg: pkg/ ready ($(du -k pkg/cognito_wasm_bg.wasm | cut -f1) KB wasm, verify-only $(du -k pkg/verify/cognito_wasm_bg.wasm | cut -f1) KB)"
