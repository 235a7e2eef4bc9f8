#!/usr/bin/env bash
# Shared set-up for `npm test` and `npm run demo`: installs npm dependencies when missing or
# stale (npm ci), builds the package, and makes sure the Pulumi toolchain exists.
# Exports PULUMI_REKKO_TOOLCHAIN (the toolchain directory) and puts Node 22 first on PATH.
# Source it: `source scripts/setup.sh`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

step() { printf '\n==> %s\n' "$*" >&2; }

stamp="node_modules/.pulumi-rekko-lock"
lock_hash="$(sha256sum package-lock.json | cut -c1-64)"
if [[ ! -x node_modules/.bin/node || ! -f "$stamp" || "$(cat "$stamp")" != "$lock_hash" ]]; then
  step "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error >&2
  printf '%s' "$lock_hash" >"$stamp"
  built_by_install=1
fi
export PATH="$root/node_modules/.bin:$PATH"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if (( node_major < 22 )); then
  echo "setup: node_modules/.bin/node is Node $node_major; expected the node@22 devDependency" >&2
  exit 1
fi

# An interrupted `npm pack` leaves the packed manifest and PulumiPlugin.yaml; put them back.
node scripts/pack.js after

# npm ci runs the package's `prepare` script, which is this build: once is enough.
if [[ -z "${built_by_install:-}" ]]; then
  step "building the package (tsc)"
  bash scripts/build.sh
fi

source scripts/toolchain-env.sh
