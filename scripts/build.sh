#!/usr/bin/env bash
# `npm run build`: the CommonJS library with types (dist/provider), and the receiver's web
# entry as ES modules (dist/esm) for bundlers targeting browsers, workers and edge runtimes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# From scratch: a file whose source was moved or deleted must not stay behind (npm pack ships
# dist/provider, and a stale emulator.d.ts would shadow emulator/index.d.ts).
rm -rf dist/provider dist/esm
npx tsc -p tsconfig.build.json
npx tsc -p tsconfig.esm.json
printf '{ "type": "module" }\n' >dist/esm/package.json
