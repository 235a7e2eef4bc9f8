#!/usr/bin/env bash
# `npm run reliability`: the reliability suites of issue 7 at full size (see docs/RELIABILITY.md).
# Builds the package and finds the Pulumi toolchain (scripts/setup.sh), then runs
# scripts/reliability/main.ts with the given arguments, e.g. `npm run reliability -- --suite faults`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../setup.sh"
step "reliability suites"
exec tsx scripts/reliability/main.ts "$@"
