#!/usr/bin/env bash
# Builds the web console (src/console, React + Vite) into dist/console when the build is missing
# or older than its sources, so `npm start` and `npm test` on a fresh clone serve a current
# console. `--force` rebuilds regardless. Runs Vite on the project's pinned Node.
set -euo pipefail
cd "$(dirname "$0")/.."
out=dist/console/index.html
if [ "${1:-}" != "--force" ] && [ -f "$out" ] &&
   [ -z "$(find src/console src/api package.json package-lock.json -newer "$out" -print -quit 2>/dev/null)" ]; then
  exit 0
fi
node_bin=node_modules/.bin/node
[ -x "$node_bin" ] || node_bin=node
if [ ! -f node_modules/vite/bin/vite.js ]; then
  echo "ferry: cannot build the console: Vite is not installed; run 'npm install' in the Ferry checkout" >&2
  exit 1
fi
"$node_bin" node_modules/vite/bin/vite.js build --config src/console/vite.config.ts --logLevel warn
# Vite keeps index.html's old time when unchanged; mark the build as newer than its sources.
touch "$out"
