#!/usr/bin/env bash
# The demo (README): the Cognito emulator with emulator/config/demo.json, oidc-provider as the
# external IdP, the www/ SPA and the example worker's edge sign-in (bff) mode in workerd, all on
# loopback; prints the URLs and the demo users. Ctrl-C stops everything.
#
#   ./scripts/demo.sh               # install what is missing, build, start (fixed ports below)
#   ./scripts/demo.sh --build-only  # install + build only (what the tests run first)
#   ./scripts/demo.sh --no-build    # start from the current build (pkg/, www/deps/, the emulator)
#
# Ports (env): DEMO_PORT [5173] for the app, DEMO_EMULATOR_PORT [9090], DEMO_IDP_PORT [4000],
# DEMO_EDGE_PORT [8788] for the worker. Logs of the four servers: target/demo/*.log.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PATH="$root/node_modules/.bin:$HOME/.cargo/bin:$PATH"

mode=${1:-run}
case "$mode" in
  run | --build-only | --no-build) ;;
  *) echo "usage: scripts/demo.sh [--build-only | --no-build]" >&2; exit 2 ;;
esac

www_port=${DEMO_PORT:-5173}
emulator_port=${DEMO_EMULATOR_PORT:-9090}
idp_port=${DEMO_IDP_PORT:-4000}
edge_port=${DEMO_EDGE_PORT:-8788}
emulator_bin=${COGNITO_EMULATOR_BIN:-${CARGO_TARGET_DIR:-target}/debug/cognito-emulator}

if [ "$mode" != --no-build ]; then
  ./scripts/setup.sh
  ./scripts/build-pkg.sh
  # www/ imports the package from its own dependency folder, installed from the packed tarball.
  ./scripts/pack-install.sh www/deps
  cargo build --quiet -p cognito-emulator
fi
[ "$mode" = --build-only ] && exit 0
[ -f www/deps/node_modules/cognito-wasm/package.json ] \
  || { echo "demo: no package in www/deps (run scripts/demo.sh without --no-build)" >&2; exit 1; }

state=target/demo
mkdir -p "$state"
www_url=http://127.0.0.1:$www_port
emulator_url=http://127.0.0.1:$emulator_port
idp_url=http://127.0.0.1:$idp_port
edge_url=http://127.0.0.1:$edge_port
# The demo config names the default app, worker and IdP origins; point them at the ports in use.
sed -e "s#http://127.0.0.1:5173#$www_url#g" -e "s#http://127.0.0.1:4000#$idp_url#g" \
  -e "s#http://127.0.0.1:8788#$edge_url#g" emulator/config/demo.json >"$state/config.json"

pids=()
stop_all() {
  trap - EXIT INT TERM
  [ ${#pids[@]} -eq 0 ] || kill -TERM "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start NAME CMD...: runs CMD in the background, logging to $state/NAME.log, and waits until it
# prints its URL (the first stdout line of all four servers).
start() {
  local name=$1 log="$state/$1.log"
  shift
  "$@" >"$log" 2>&1 &
  pids+=($!)
  for _ in $(seq 300); do
    grep -q '^http://' "$log" 2>/dev/null && return 0
    kill -0 "${pids[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  echo "demo: $name did not start (log: $log):" >&2
  tail -n 20 "$log" >&2
  exit 1
}

start idp node tests/idp/server.mjs --port "$idp_port" --any-loopback-port
start emulator "$emulator_bin" --config "$state/config.json" --port "$emulator_port"
start www node www/serve.mjs --port "$www_port" --config "$state/config.json" \
  --emulator "$emulator_url" --idp "$idp_url"
# Sign-in at the edge: the example worker's bff mode (examples/cloudflare-worker/src/bff.js) with
# the demo config's confidential client; the cookie secret is made afresh per run. The secrets go
# through the environment (--secret), not the command line that `ps` shows every local user.
CLIENT_SECRET="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).UserPoolClients.find((c) => c.ClientId === "demo4edge0client000000000c").ClientSecret)' "$state/config.json")" \
COOKIE_SECRETS="$(node -e 'console.log(require("crypto").randomBytes(32).toString("base64url"))')" \
COGNITO_WASM_PKG=$root/www/deps/node_modules/cognito-wasm start edge \
  node examples/cloudflare-worker/dev.mjs --env bff --emulator "$emulator_url" --port "$edge_port" \
  --var USER_POOL_ID=us-east-1_DemoPool1 --var CLIENT_ID=demo4edge0client000000000c \
  --secret CLIENT_SECRET --secret COOKIE_SECRETS

cat <<BANNER

  cognito-wasm demo

  App:       $www_url/
  Emulator:  $emulator_url  (user pool us-east-1_DemoPool1, hosted UI, JWKS)
  IdP:       $idp_url  (oidc-provider, "Corp")
  Edge:      $edge_url/app  (sign-in at the edge: the page's JavaScript never sees a token)

  Local user:       jdoe / Passw0rd!   (groups admins, readers)
  Federated users:  alice or bob at Corp (pick the account on the IdP page; no password)

  Ctrl-C stops everything. Logs: $state/

BANNER

# Serve until Ctrl-C, or until one of the servers exits.
wait -n "${pids[@]}"
echo "demo: a server stopped; stopping the others (logs: $state/)" >&2
exit 1
