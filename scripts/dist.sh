#!/usr/bin/env bash
# `npm run dist [<os>-<arch> ...]`: every release artifact into dist/release/ (see scripts/dist.ts),
# then the test of that set (test/release/release.spec.ts run on dist/release: every platform's
# archive, the checksums, each artifact installed or compiled where this machine can).
# Set-up as for the tests (npm ci when needed, the build, the Pulumi toolchain), then the build.
# REKKO_PLUGIN_DOWNLOAD_URL replaces the schema's pluginDownloadURL for this build.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
step "release artifacts (scripts/dist.ts)"
npx tsx scripts/dist.ts "$@"
step "the release's test (test/release/release.spec.ts on dist/release)"
REKKO_RELEASE_DIR="$root/dist/release" REKKO_RELEASE_TARGETS="$*" npx mocha test/release/release.spec.ts
