#!/usr/bin/env node
// Runs the example worker locally in workerd (Miniflare) over HTTP on 127.0.0.1, with the
// [vars] and KV namespaces of wrangler.toml (KV in memory, or on disk with --kv-persist DIR).
//
//   node examples/cloudflare-worker/dev.mjs [--emulator URL] [--port N] [--kv-persist DIR] [--env bff] [--var NAME=VALUE]... [--secret NAME]...
//
// --secret NAME sets the var NAME from the environment variable of that name, so that a secret is
// not in the command line (which every local user can read in `ps`).
// --emulator points JWKS_URI and USER_INFO_ENDPOINT at a running Cognito emulator
// (`cargo run -p cognito-emulator`). The package comes from $COGNITO_WASM_PKG, else an installed
// `cognito-wasm` next to this file, else the repository's build output pkg/ (scripts/build-pkg.sh).
// Prints the worker's URL as the first line of stdout. As a module: `startWorker(options)`.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { Miniflare } from "miniflare";

const here = dirname(fileURLToPath(import.meta.url));

/** The flat subset of TOML wrangler.toml uses: `[vars]` strings and `[[kv_namespaces]]` bindings,
 * or with `env` the `[env.<env>]` `main` and `[env.<env>.vars]` (wrangler does not inherit them). */
export function readWranglerToml(path = join(here, "wrangler.toml"), env) {
  const vars = {};
  const kvNamespaces = [];
  let main;
  const prefix = env === undefined ? "" : `env.${env}.`;
  let section = "";
  for (const raw of readFileSync(path, "utf8").split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const header = line.match(/^\[\[?([^\]]+)\]\]?$/);
    if (header) {
      section = header[1];
      continue;
    }
    const pair = line.match(/^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?:"([^"]*)"|'([^']*)')$/);
    if (!pair) continue;
    const value = pair[2] ?? pair[3];
    if (section === `${prefix}vars`) vars[pair[1]] = value;
    if (section === `${prefix}kv_namespaces` && pair[1] === "binding") kvNamespaces.push(value);
    if (env !== undefined && section === `env.${env}` && pair[1] === "main") main = value;
  }
  return { vars, kvNamespaces, main };
}

function packageDir() {
  const candidates = [process.env.COGNITO_WASM_PKG, join(here, "node_modules/cognito-wasm"), resolve(here, "../../pkg")];
  const dir = candidates.find((d) => d && existsSync(join(d, "workerd.js")));
  if (!dir) throw new Error("cognito-wasm not found: run scripts/build-pkg.sh or set COGNITO_WASM_PKG");
  return dir;
}

/**
 * Starts the worker (`env`: a wrangler environment, e.g. "bff"). `vars` override wrangler.toml's;
 * `emulator` (a base URL) sets JWKS_URI and USER_INFO_ENDPOINT (and COGNITO_DOMAIN, for the hosted
 * UI of the bff environment); `script` replaces the main module and `also` adds modules beside it (both
 * by file name, e.g. a wrapper that imports "./worker.js"). Returns {url, mf, dispose()}.
 */
/**
 * The package in `pkgDir` as Miniflare modules under `dir`: its workerd entry registered as
 * `dir/cognito-wasm`, its other files beside it (what wrangler's bundler does with the `workerd`
 * export condition), each `.wasm` compiled by the runtime.
 */
export function packageModules(pkgDir, dir) {
  return readdirSync(pkgDir)
    .filter((f) => /\.(js|wasm)$/.test(f))
    .map((f) => ({
      type: f.endsWith(".wasm") ? "CompiledWasm" : "ESModule",
      path: join(dir, f === "workerd.js" ? "cognito-wasm" : f),
      contents: readFileSync(join(pkgDir, f)),
    }));
}

export async function startWorker({
  vars = {},
  emulator,
  port = 0,
  kvPersist,
  env,
  script,
  also = [],
  pkgDir = packageDir(),
} = {}) {
  const toml = readWranglerToml(undefined, env);
  script ??= join(here, toml.main ?? "src/worker.js");
  const bindings = { ...toml.vars };
  if (emulator) {
    bindings.JWKS_URI = `${emulator}/${vars.USER_POOL_ID ?? bindings.USER_POOL_ID}/.well-known/jwks.json`;
    bindings.USER_INFO_ENDPOINT = `${emulator}/oauth2/userInfo`;
    if ("COGNITO_DOMAIN" in bindings) bindings.COGNITO_DOMAIN = emulator;
  }
  Object.assign(bindings, vars);
  // workerd resolves a bare specifier beside the importing module: the package goes beside src/'s.
  const src = join(here, "src");
  const pkgModules = packageModules(pkgDir, src);
  const own = [script, ...also].map((p) => ({ type: "ESModule", path: join(src, basename(p)), contents: readFileSync(p) }));
  const mf = new Miniflare({
    modulesRoot: here,
    modules: [...own, ...pkgModules],
    compatibilityDate: "2025-01-01",
    bindings,
    kvNamespaces: toml.kvNamespaces,
    ...(kvPersist ? { kvPersist } : {}),
    host: "127.0.0.1",
    port,
  });
  const url = (await mf.ready).origin;
  let disposed;
  return { url, mf, dispose: () => (disposed ??= mf.dispose()) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: { emulator: { type: "string" }, port: { type: "string" }, "kv-persist": { type: "string" }, env: { type: "string" }, var: { type: "string", multiple: true }, secret: { type: "string", multiple: true } },
  });
  const vars = Object.fromEntries((values.var ?? []).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
  for (const name of values.secret ?? []) {
    if (process.env[name] === undefined) throw new Error(`dev.mjs: --secret ${name}: no environment variable ${name}`);
    vars[name] = process.env[name];
  }
  const { url } = await startWorker({ emulator: values.emulator, env: values.env, vars, port: Number(values.port ?? 8787), kvPersist: values["kv-persist"] });
  console.log(url);
}
