#!/usr/bin/env bash
# `npm run dist [<os>-<arch> ...]`: every release artifact into dist/release/ (see scripts/dist.ts).
# Set-up as for the tests (npm ci when needed, the build, the Pulumi toolchain), then the build.
# REKKO_PLUGIN_DOWNLOAD_URL replaces the schema's pluginDownloadURL for this build.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
step "release artifacts (scripts/dist.ts)"
exec npx tsx scripts/dist.ts "$@"
