#!/usr/bin/env bash
# `npm run bench`: all set-up as for the demo (npm ci when needed, build, Pulumi toolchain), then
# the benchmark (scripts/bench/main.ts) with the given arguments, e.g. `npm run bench -- --quick`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../setup.sh"
step "benchmark"
exec node --import tsx "$root/scripts/bench/main.ts" "$@"
