#!/usr/bin/env bash
# `npm test`: all set-up, then type-check, lint, and every test (unit, emulator, provider,
# engine-level with the real Pulumi CLI). Exits non-zero on any failure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

step "type-check (tsc --noEmit)"
npx tsc -p tsconfig.json

step "lint and format check (biome)"
npx biome check .

step "tests (mocha)"
npx mocha "test/core/**/*.spec.ts" "test/dynamic/**/*.spec.ts" "test/native/**/*.spec.ts" "test/receiver/**/*.spec.ts" "test/testing/**/*.spec.ts" "test/cli/**/*.spec.ts" "test/scripts/**/*.spec.ts" "test/reliability/**/*.spec.ts" "test/engine/**/*.spec.ts" "test/release/**/*.spec.ts" "$@"
