#!/usr/bin/env bash
# `npm run demo`: all set-up (npm ci when needed, build, Pulumi toolchain), then the demo.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
exec node --import tsx "$root/scripts/demo.ts" "$@"
