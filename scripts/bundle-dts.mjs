#!/usr/bin/env node
// Build step (scripts/build-pkg.sh): bundles the declaration files tsc emitted from the wrapper's
// checked JSDoc (plus the hand-written js/*.d.ts copied next to them) into the package's one
// declaration file per entry, so that pkg/ keeps its layout (index.d.ts, verify/index.d.ts):
//
//   node scripts/bundle-dts.mjs DIR SRC index.d.ts OUT.d.ts
//       every declaration the entry DIR/index.d.ts exports, and those they reference, in one
//       module: the values the entry exports (what its index.js exports) and every type the files
//       export (a JSDoc @typedef is exported from its file; SRC/*.js are the sources, for the
//       typedefs marked @internal, which stay unexported) as `export …`, the rest unexported;
//       imports between the files are resolved to the bundled names (a name declared twice is an
//       error). The JSDoc comments lose the tags that only carry types.
//   node scripts/bundle-dts.mjs DIR SRC verify/index.d.ts OUT.d.ts --reexport ../index.js
//       `export type * from` the package root plus `export { …the entry's values… } from` it: the
//       entry exports the same declarations as the root (its modules are copies of the root's).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

const [dirArg, srcArg, entryArg, outArg, flag, reexportFrom] = process.argv.slice(2);
if (!outArg || (flag !== undefined && (flag !== "--reexport" || !reexportFrom))) {
  console.error("usage: bundle-dts.mjs DIR SRC ENTRY.d.ts OUT.d.ts [--reexport SPECIFIER]");
  process.exit(2);
}
const root = resolve(dirArg);
const sources = resolve(srcArg);
const fail = (message) => {
  console.error(`bundle-dts: ${message}`);
  process.exit(1);
};

/** `./x.js` from the file `from`: x.d.ts beside it, else (tsc's rootDirs: verify/ over js/) in DIR. */
function resolveSpecifier(from, specifier) {
  if (!specifier.startsWith(".")) fail(`${relative(root, from)}: non-relative import ${specifier}`);
  const name = specifier.replace(/\.js$/, ".d.ts");
  for (const candidate of [resolve(dirname(from), name), resolve(root, name)]) if (existsSync(candidate)) return candidate;
  fail(`${relative(root, from)}: cannot resolve ${specifier}`);
}

const modules = new Map();
/** The top-level names, imports and exports of one declaration file. */
function load(path) {
  if (modules.has(path)) return modules.get(path);
  const sf = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, true);
  const mod = { path, sf, decls: new Map(), exported: new Map(), imports: new Map(), stars: [] };
  modules.set(path, mod);
  const hasExport = (node) => (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  for (const stmt of sf.statements) {
    if (ts.isImportDeclaration(stmt)) {
      const from = resolveSpecifier(path, stmt.moduleSpecifier.text);
      const clause = stmt.importClause;
      if (clause?.name) fail(`${relative(root, path)}: default import`);
      if (clause?.namedBindings && !ts.isNamedImports(clause.namedBindings)) fail(`${relative(root, path)}: namespace import`);
      for (const el of clause?.namedBindings?.elements ?? []) mod.imports.set(el.name.text, { from, name: (el.propertyName ?? el.name).text });
    } else if (ts.isExportDeclaration(stmt)) {
      const from = stmt.moduleSpecifier ? resolveSpecifier(path, stmt.moduleSpecifier.text) : undefined;
      if (!stmt.exportClause) {
        if (!from) fail(`${relative(root, path)}: export * without a module`);
        mod.stars.push(from);
      } else if (ts.isNamedExports(stmt.exportClause)) {
        for (const el of stmt.exportClause.elements) {
          const local = (el.propertyName ?? el.name).text;
          mod.exported.set(el.name.text, from ? { from, name: local } : { local });
        }
      } else fail(`${relative(root, path)}: export * as`);
    } else if (ts.isExportAssignment(stmt)) {
      fail(`${relative(root, path)}: export default / export =`);
    } else {
      const names = ts.isVariableStatement(stmt)
        ? stmt.declarationList.declarations.map((d) => (ts.isIdentifier(d.name) ? d.name.text : fail("destructuring declaration")))
        : stmt.name && ts.isIdentifier(stmt.name)
          ? [stmt.name.text]
          : fail(`${relative(root, path)}: unsupported statement: ${stmt.getText().slice(0, 60)}`);
      if (names.length !== 1) fail(`${relative(root, path)}: one name per declaration (${names.join(", ")})`);
      const [name] = names;
      if (!mod.decls.has(name)) mod.decls.set(name, []);
      mod.decls.get(name).push(stmt);
      if (hasExport(stmt)) mod.exported.set(name, { local: name });
    }
  }
  // every file this one names (so that the types they export are known before the bundle is made)
  for (const { from } of mod.imports.values()) load(from);
  for (const { from } of mod.exported.values()) if (from) load(from);
  for (const from of mod.stars) load(from);
  const importTypes = (node) => {
    if (ts.isImportTypeNode(node)) load(resolveSpecifier(path, node.argument.literal.text));
    ts.forEachChild(node, importTypes);
  };
  importTypes(sf);
  return mod;
}

/** The declaration `name` is in module `mod`'s scope: `{mod, name}` of the file that declares it. */
function resolveLocal(mod, name, seen = new Set()) {
  if (mod.decls.has(name)) return { mod, name };
  const imported = mod.imports.get(name);
  if (imported) return resolveExport(load(imported.from), imported.name, seen);
  return undefined;
}
function resolveExport(mod, name, seen = new Set()) {
  const key = `${mod.path}#${name}`;
  if (seen.has(key)) fail(`export cycle at ${key}`);
  seen.add(key);
  const exported = mod.exported.get(name);
  if (exported) {
    const found = exported.from ? resolveExport(load(exported.from), exported.name, seen) : resolveLocal(mod, exported.local, seen);
    return found ?? fail(`${relative(root, mod.path)}: exports ${name}, which it does not declare`);
  }
  const found = mod.stars.map((from) => resolveExport(load(from), name, new Set(seen))).filter(Boolean);
  return found[0];
}
/** Every name `mod` exports, resolved. */
function exportsOf(mod, seen = new Set()) {
  if (seen.has(mod.path)) return new Map();
  seen.add(mod.path);
  const out = new Map();
  for (const from of mod.stars) for (const [name, target] of exportsOf(load(from), seen)) out.set(name, target);
  for (const name of mod.exported.keys()) out.set(name, resolveExport(mod, name));
  return out;
}

const keyOf = ({ mod, name }) => `${mod.path}#${name}`;
const isValue = (stmt) =>
  ts.isClassDeclaration(stmt) || ts.isFunctionDeclaration(stmt) || ts.isVariableStatement(stmt) || ts.isEnumDeclaration(stmt);

const isType = (stmt) => ts.isTypeAliasDeclaration(stmt) || ts.isInterfaceDeclaration(stmt);
/** The JSDoc comment right before `stmt`, or "". */
function docOf(mod, stmt) {
  const text = mod.sf.text;
  const comments = (ts.getLeadingCommentRanges(text, stmt.pos) ?? []).filter((c) => text.startsWith("/**", c.pos));
  return comments.length ? text.slice(comments.at(-1).pos, comments.at(-1).end) : "";
}

const entry = load(resolve(root, entryArg));
// The values are what the entry exports (what the runtime module exports); the types are every
// type the wrapper's files export (a JSDoc @typedef is exported from its file, while index.js
// re-exports values only), except those whose comment says @internal.
const publicNames = exportsOf(entry);
for (const [name, target] of publicNames) {
  if (target.name !== name) fail(`${name} is exported under another name (${target.name})`);
}
/** The names of the @typedefs of `mod` whose JSDoc says @internal (tsc keeps the JSDoc blocks of
 * a JS file in its declarations, but not the tag on the type alias it emits). */
function internalTypedefs(mod) {
  const names = new Set();
  const source = join(sources, relative(root, mod.path).replace(/\.d\.ts$/, ".js"));
  const text = existsSync(source) ? readFileSync(source, "utf8") : "";
  for (const [block] of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    if (!/@internal\b/.test(block)) continue;
    const at = block.search(/@typedef\b/);
    if (at < 0) continue;
    let rest = block.slice(at + "@typedef".length).replace(/^\s*/, "");
    if (rest.startsWith("{")) {
      let depth = 0;
      let end = 0;
      for (; end < rest.length; end++) {
        if (rest[end] === "{") depth++;
        else if (rest[end] === "}" && --depth === 0) break;
      }
      rest = rest.slice(end + 1);
    }
    const name = rest.match(/^[\s*]*([A-Za-z_$][\w$]*)/)?.[1];
    if (name) names.add(name);
  }
  return names;
}
for (const mod of [...modules.values()]) {
  const internal = internalTypedefs(mod);
  for (const [name, { local, from }] of mod.exported) {
    if (internal.has(local)) continue;
    if (from || !mod.decls.has(local) || !mod.decls.get(local).every(isType)) continue; // re-exports: where declared
    if (mod.decls.get(local).some((stmt) => /@internal\b/.test(docOf(mod, stmt)))) continue;
    const other = publicNames.get(name);
    if (other && keyOf(other) !== `${mod.path}#${local}`) fail(`type ${name} is declared in ${relative(root, mod.path)} and in ${relative(root, other.mod.path)}`);
    publicNames.set(name, { mod, name: local });
  }
}

if (flag === "--reexport") {
  const values = [...publicNames].filter(([, { mod, name }]) => mod.decls.get(name).some(isValue)).map(([name]) => name);
  const lines = [];
  let line = " ";
  for (const name of values) {
    if (line.length + name.length + 2 > 100) lines.push(line.trimEnd()), (line = " ");
    line += ` ${name},`;
  }
  lines.push(line);
  const text = [
    `// Types of cognito-wasm/${dirname(entryArg)}: generated by scripts/build-pkg.sh (scripts/bundle-dts.mjs; do not edit).`,
    "// Its values are the package root's (the same declarations) that its index.js exports; its types all of the root's.",
    `export type * from ${JSON.stringify(reexportFrom)};`,
    "export {",
    ...lines,
    `} from ${JSON.stringify(reexportFrom)};`,
    "",
  ];
  writeFileSync(outArg, text.join("\n"));
  process.exit(0);
}

// The bundle: the public declarations, then everything they reference (transitively).
const kept = new Map(); // key -> {mod, name}
const queue = [...publicNames.values()];
while (queue.length) {
  const target = queue.shift();
  const key = keyOf(target);
  if (kept.has(key)) continue;
  kept.set(key, target);
  const visit = (node) => {
    if (ts.isImportTypeNode(node)) {
      const from = resolveSpecifier(target.mod.path, node.argument.literal.text);
      let q = node.qualifier;
      while (q && ts.isQualifiedName(q)) q = q.left;
      if (!q) fail(`${relative(root, target.mod.path)}: import() type without a name`);
      const found = resolveExport(load(from), q.text) ?? fail(`${relative(root, from)} does not export ${q.text}`);
      if (found.name !== q.text) fail(`${q.text} is declared as ${found.name} (renamed exports are not bundled)`);
      queue.push(found);
    } else if (ts.isIdentifier(node)) {
      const found = resolveLocal(target.mod, node.text);
      if (found && found.name !== node.text) fail(`${node.text} is declared as ${found.name} (renamed imports are not bundled)`);
      if (found && keyOf(found) !== key) queue.push(found);
    }
    ts.forEachChild(node, visit);
  };
  for (const stmt of target.mod.decls.get(target.name)) ts.forEachChild(stmt, visit);
}

const byName = new Map();
for (const target of kept.values()) {
  const other = byName.get(target.name);
  if (other) fail(`${target.name} is declared in ${relative(root, other.mod.path)} and in ${relative(root, target.mod.path)}`);
  byName.set(target.name, target);
}

/** `text` (a JSDoc comment) without the type annotations that the declaration now states: the
 * tags that only carry types go, `@param {T} name text` becomes `@param name text` (and goes
 * when it has no text). `null` when nothing is left. */
function cleanDoc(text, indent = "") {
  const lines = text
    .replace(/^\/\*\*\s?/, "")
    .replace(/\s*\*\/$/, "")
    .split("\n")
    .map((line) => line.replace(/^\s*\*( |$)/, ""));
  // group into the description and one entry per tag (with its continuation lines)
  const parts = [[]];
  for (const line of lines) {
    if (/^\s*@\w+/.test(line)) parts.push([line]);
    else parts.at(-1).push(line);
  }
  const dropped = new Set(["template", "overload", "this", "type", "typedef", "property", "extends", "import", "protected", "private", "internal", "callback"]);
  const kept = [parts[0]];
  for (const part of parts.slice(1)) {
    const tag = part[0].match(/^\s*@(\w+)/)[1];
    if (dropped.has(tag)) continue;
    let joined = part.join("\n");
    if (tag === "param" || tag === "returns" || tag === "return") {
      // drop the balanced {type} after the tag
      const at = joined.indexOf("{");
      if (at >= 0 && /^\s*@\w+\s*$/.test(joined.slice(0, at))) {
        let depth = 0;
        let end = at;
        for (; end < joined.length; end++) {
          if (joined[end] === "{") depth++;
          else if (joined[end] === "}" && --depth === 0) break;
        }
        joined = `${joined.slice(0, at).trimEnd()} ${joined.slice(end + 1).trimStart()}`;
      }
      const rest = joined.replace(/^\s*@\w+\s*/, "").replace(/^\[?[\w.$]+(=[^\]]*)?\]?/, tag === "param" ? "" : "$&");
      if (rest.trim() === "" || (tag !== "param" && joined.replace(/^\s*@\w+\s*/, "").trim() === "")) continue;
    }
    kept.push(joined.split("\n"));
  }
  const body = kept.flat();
  while (body.length && body.at(-1).trim() === "") body.pop();
  while (body.length && body[0].trim() === "") body.shift();
  if (!body.length) return null;
  if (body.length === 1) return `/** ${body[0]} */`;
  return ["/**", ...body.map((line) => `${indent}${line ? ` * ${line}` : " *"}`), `${indent} */`].join("\n");
}

/** The source of `stmt` with its JSDoc comment, its modifiers set for the bundle and its import() types resolved. */
function print(mod, stmt, exported) {
  const text = mod.sf.text;
  const start = stmt.getStart(mod.sf);
  const edits = [];
  for (const m of ts.getModifiers(stmt) ?? []) {
    if (m.kind === ts.SyntaxKind.ExportKeyword || m.kind === ts.SyntaxKind.DeclareKeyword) {
      let end = m.end;
      while (text[end] === " ") end++;
      edits.push([m.getStart(mod.sf), end, ""]);
    }
  }
  const visit = (node) => {
    if (ts.isImportTypeNode(node) && !node.isTypeOf) {
      edits.push([node.getStart(mod.sf), node.qualifier.getStart(mod.sf), ""]); // `import("./x.js").`
    } else if (ts.isImportTypeNode(node)) fail(`${relative(root, mod.path)}: typeof import()`);
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(stmt, visit);
  // the JSDoc comments of members (their leading comments inside the statement)
  const seenComments = new Set();
  const members = (node) => {
    for (const c of ts.getLeadingCommentRanges(text, node.pos) ?? []) {
      if (c.pos < start || seenComments.has(c.pos) || !text.startsWith("/**", c.pos)) continue;
      seenComments.add(c.pos);
      const indent = text.slice(text.lastIndexOf("\n", c.pos) + 1, c.pos);
      const cleaned = cleanDoc(text.slice(c.pos, c.end), /^\s*$/.test(indent) ? indent : "");
      let end = c.end;
      if (cleaned === null) while (/\s/.test(text[end] ?? "") && end < node.end) end++;
      edits.push([c.pos, end, cleaned ?? ""]);
    }
    ts.forEachChild(node, members);
  };
  ts.forEachChild(stmt, members);
  edits.sort((a, b) => b[0] - a[0]);
  let body = text.slice(start, stmt.end);
  for (const [from, to, replacement] of edits) body = body.slice(0, from - start) + replacement + body.slice(to - start);
  const doc = docOf(mod, stmt) && cleanDoc(docOf(mod, stmt));
  const prefix = `${doc ? `${doc}\n` : ""}${exported ? "export " : ""}${isValue(stmt) ? "declare " : ""}`;
  return `${prefix}${body}`;
}

const out = [
  "// Types of cognito-wasm: generated by scripts/build-pkg.sh from the checked JSDoc of js/*.js (tsc) and the",
  "// hand-written js/*.d.ts, bundled by scripts/bundle-dts.mjs. Do not edit; edit js/ instead.",
];
// By file, in the order of the entry's exports (index.js: errors, verifiers, edge, sign-in), then
// the files that only lend types; each declaration in its file's order.
const order = [...new Set([...[...publicNames.values()].map((target) => target.mod), ...modules.values()])];
for (const mod of order) {
  const here = [...mod.decls.keys()].filter((name) => kept.has(`${mod.path}#${name}`));
  if (!here.length) continue;
  out.push("", `// ${relative(root, mod.path).replace(/\.d\.ts$/, ".js")}`);
  for (const name of here) {
    const isPublic = publicNames.has(name) && keyOf(publicNames.get(name)) === `${mod.path}#${name}`;
    for (const stmt of mod.decls.get(name)) out.push(print(mod, stmt, isPublic));
  }
}
// A declaration file exports every declaration unless it says `export {}`: only the `export`s above.
out.push("", "export {};", "");
writeFileSync(outArg, out.join("\n"));
