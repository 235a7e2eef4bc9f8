#!/usr/bin/env bash
# `npm test`: all set-up, then lint, and every test (unit, emulator, provider, engine-level with
# the real Pulumi CLI) with the type-check beside them. Exits non-zero on any failure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
# Every Node process of the run (tsc, mocha's workers, and the programs, plugins and emulators the
# tests start) compiles many of the same modules: V8's compile cache on disk saves part of that.
# It changes no behaviour. Set here only: `npm run bench` and the demo run as a user's machine
# does, without it.
export NODE_COMPILE_CACHE="${NODE_COMPILE_CACHE:-$PWD/.work/node-compile-cache}"

step "lint and format check (biome)"
npx biome check .

# The type-check runs beside the tests: before them it kept one core busy and the other idle.
# Its errors print as soon as it ends; the run then fails after the tests.
step "type-check (tsc --noEmit), beside the tests"
typecheck_log="$PWD/.work/typecheck.log"
mkdir -p .work
npx tsc -p tsconfig.json >"$typecheck_log" 2>&1 &
typecheck=$!

# Spec files run in parallel worker processes (each file in one worker; workers take the next
# file as they finish). Most engine specs wait on the CLI, the engine and their plugins as much
# as they compute, so more workers than cores pays: REKKO_TEST_JOBS (default 4) sets how many.
# The engine-level files come first, so that the long ones do not start last.
jobs="${REKKO_TEST_JOBS:-4}"
# One id for this run: the spec files that need the release build it once between them (test/release/release.ts).
export REKKO_TEST_RUN="run-$$-$(date +%s%N)"
step "tests (mocha, $jobs spec files at a time)"
npx mocha --parallel --jobs "$jobs" \
  "test/engine/**/*.spec.ts" "test/native/**/*.spec.ts" "test/release/**/*.spec.ts" "test/reliability/**/*.spec.ts" \
  "test/core/**/*.spec.ts" "test/dynamic/**/*.spec.ts" "test/pulumi/**/*.spec.ts" "test/receiver/**/*.spec.ts" \
  "test/testing/**/*.spec.ts" "test/cli/**/*.spec.ts" "test/scripts/**/*.spec.ts" "$@" &
tests=$!
# A TERM to this script ends both (an interrupt from the terminal reaches them directly).
trap 'kill -TERM "$tests" "$typecheck" 2>/dev/null' TERM
typecheck_status=0
wait "$typecheck" || typecheck_status=$?
if ((typecheck_status)); then
  cat "$typecheck_log" >&2
  echo "npm test: the type-check failed (above); the tests go on, and npm test fails after them" >&2
fi
tests_status=0
wait "$tests" || tests_status=$?
if ((typecheck_status)); then
  step "type-check (tsc --noEmit) failed"
  cat "$typecheck_log" >&2
  exit "$typecheck_status"
fi
exit "$tests_status"
