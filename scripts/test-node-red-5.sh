#!/usr/bin/env bash
# The node test suite on Node-RED 5 under Node 22, both from the npm registry, installed
# into .node-red-5/ (gitignored). Run after `npm ci`. Idempotent: a second run reuses the
# install; NR5_REFRESH=1 reinstalls (e.g. to pick up a newer 5.0.x).
set -euo pipefail
cd "$(dirname "$0")/.."

DIR=.node-red-5
NODE_SPEC="${NR5_NODE_SPEC:-node@22}"
NODE_RED_SPEC="${NR5_NODE_RED_SPEC:-node-red@~5.0.0}"
STAMP="$DIR/.installed"

if [[ "${NR5_REFRESH:-}" == 1 || ! -f "$STAMP" || "$(cat "$STAMP")" != "$NODE_SPEC $NODE_RED_SPEC" ]]; then
  echo "== installing $NODE_SPEC and $NODE_RED_SPEC into $DIR"
  rm -rf "$DIR"
  mkdir -p "$DIR"
  printf '{ "name": "node-red-5-ci", "private": true }\n' > "$DIR/package.json"
  npm install --prefix "$DIR" --no-audit --no-fund --no-save "$NODE_SPEC" "$NODE_RED_SPEC"
  echo "$NODE_SPEC $NODE_RED_SPEC" > "$STAMP"
fi

NODE22="$PWD/$DIR/node_modules/.bin/node"
NODE_RED_PATH="$PWD/$DIR/node_modules/node-red"
node_version="$("$NODE22" --version)"
red_version="$("$NODE22" -p "require('$NODE_RED_PATH/package.json').version")"
echo "== node tests on Node-RED $red_version, Node $node_version"

# The build (tsc) is the same for both runtimes; only the tests run on Node 22.
npm run --silent build
set +e
NODE_RED_PATH="$NODE_RED_PATH" "$NODE22" node_modules/mocha/bin/mocha.js "$@"
status=$?
# The test helper is not Node-RED's own launcher: also run the real one, package installed.
"$NODE22" scripts/smoke-real-node-red.js "$NODE_RED_PATH" || status=1
set -e
if [[ $status -eq 0 ]]; then
  echo "Node-RED 5 compatibility: PASS (Node-RED $red_version on Node $node_version)"
else
  echo "Node-RED 5 compatibility: FAIL (Node-RED $red_version on Node $node_version)"
fi
exit $status
