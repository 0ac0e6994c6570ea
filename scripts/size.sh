#!/usr/bin/env bash
# Size report (not a test): gzip -9 of each file a browser loads from pkg/ and from pkg/verify/
# (scripts/loaded-files.mjs: what web.js reaches)
# (cognito-wasm/verify; build both first with scripts/build-pkg.sh), and with --parts, what costs what inside the .wasm: a release build that
# keeps function names (target/size/, wasm-opt -Oz -g like the package's), its code bytes grouped
# by crate/module, each group's bytes gzipped on their own, and the data section.
#   ./scripts/size.sh [--parts]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
[ -f pkg/cognito_wasm_bg.wasm ] || { echo "size: no pkg/ (run scripts/build-pkg.sh)" >&2; exit 1; }

node --input-type=module - <<'EOF'
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { pathToFileURL } from "node:url";
const { loadedFiles } = await import(pathToFileURL("scripts/loaded-files.mjs").href);
for (const dir of ["pkg", "pkg/verify"]) {
  const gz = (f) => gzipSync(readFileSync(`${dir}/${f}`), { level: 9 }).length;
  const files = loadedFiles(dir);
  console.log(`gzip -9 of what a browser loads (${dir}/)`);
  let total = 0;
  for (const f of files) {
    total += gz(f);
    console.log(`  ${f.padEnd(24)} ${(gz(f) / 1024).toFixed(1).padStart(6)} KB`);
  }
  console.log(`  ${"total".padEnd(24)} ${(total / 1024).toFixed(1).padStart(6)} KB`);
}
EOF

[ "${1:-}" = --parts ] || exit 0
out=target/size
CARGO_TARGET_DIR=$out cargo build --quiet --release --target wasm32-unknown-unknown --lib ${SIZE_CARGO_FLAGS:-}
wasm-bindgen --target web --keep-debug --out-dir "$out/bindgen" --out-name cognito_wasm \
  "$out/wasm32-unknown-unknown/release/cognito_wasm.wasm"
wasm-opt -Oz -g --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$out/bindgen/cognito_wasm_bg.wasm" -o "$out/named.wasm"
node --input-type=module - "$out/named.wasm" <<'EOF'
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
const b = readFileSync(process.argv[2]);
let p = 8;
const leb = () => { let r = 0, s = 0; for (;;) { const x = b[p++]; r += (x & 127) * 2 ** s; s += 7; if (!(x & 128)) return r; } };
const skipName = () => { const l = leb(); p += l; };
let imported = 0, data = Buffer.alloc(0);
const bodies = [], names = new Map();
while (p < b.length) {
  const id = b[p++], size = leb(), end = p + size;
  if (id === 2) { // imports: count functions, to index the code section
    for (let n = leb(); n > 0; n--) {
      skipName(); skipName();
      const kind = b[p++];
      if (kind === 0) { leb(); imported++; }
      else if (kind === 1) { p++; if (b[p++] & 1) leb(); leb(); }
      else if (kind === 2) { if (b[p++] & 1) leb(); leb(); }
      else p += 2;
    }
  } else if (id === 10) {
    for (let n = leb(); n > 0; n--) { const s = leb(); bodies.push(b.subarray(p, p + s)); p += s; }
  } else if (id === 11) {
    data = b.subarray(p, end);
  } else if (id === 0) {
    const l = leb(), name = b.subarray(p, p + l).toString();
    p += l;
    while (name === "name" && p < end) {
      const sub = b[p++], len = leb(), subEnd = p + len;
      if (sub === 1) for (let n = leb(); n > 0; n--) { const i = leb(), k = leb(); names.set(i, b.subarray(p, p + k).toString()); p += k; }
      p = subEnd;
    }
  }
  p = end;
}
const part = (n) => {
  // an export's shim, with what got inlined into it: grouped by class (rawverifier_verify -> rawverifier)
  if (/ shim/.test(n)) return `exports of ${n.split(/[_ ]/)[0]} (bodies inlined)`;
  const own = n.match(/cognito_wasm::(protocol(?:::(?:codec|verify|signin|edge))?|bindings)::(\w+)/);
  if (own) return `${own[1]}::${own[2]}`;
  if (/dlmalloc|__rdl|__rust_(alloc|dealloc|realloc)/.test(n)) return "allocator (dlmalloc)";
  if (/dec2flt|flt2dec|bignum|f64 as/.test(n)) return "float parsing/printing (core)";
  if (/wasm_bindgen|js_sys|futures|externref/.test(n)) return "wasm-bindgen, js-sys, futures";
  if (/sha2/.test(n)) return "sha2";
  if (/fmt|panic|unicode|escape_debug/.test(n)) return "core::fmt, panics";
  return "core/alloc generics and other";
};
const groups = new Map();
bodies.forEach((body, i) => {
  const g = part(names.get(i + imported) ?? "");
  groups.set(g, [...(groups.get(g) ?? []), body]);
});
const kb = (n) => (n / 1024).toFixed(1).padStart(6);
const rows = [...groups].map(([g, list]) => [g, Buffer.concat(list)]).sort((x, y) => y[1].length - x[1].length);
rows.push(["data section (strings, tables)", data]);
console.log(`\n.wasm parts (release, -Oz, names kept: ${process.argv[2]}); gzip of each part alone`);
console.log(`  ${"part".padEnd(44)} ${"bytes".padStart(9)} ${"gzip".padStart(9)}`);
for (const [g, bytes] of rows) console.log(`  ${g.padEnd(44)} ${kb(bytes.length)} KB ${kb(gzipSync(bytes, { level: 9 }).length)} KB`);
EOF
