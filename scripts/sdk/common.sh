# Sourced by scripts/sdk/<language>.sh with the script's arguments, `OUTDIR [SCHEMA.json]`. Sets
# root (the repository), out (OUTDIR, made, absolute), work (a temporary directory removed on
# exit), bin (the toolchain: $PULUMI_REKKO_TOOLCHAIN or what toolchain/install.sh prints) and
# schema (SCHEMA.json, absolute; without it, the schema the built plugin serves, read with
# `pulumi package get-schema` as `pulumi package gen-sdk` reads it), loads toolchain/versions.env,
# and defines say (progress on stderr) and generate LANGUAGE (the SDK into $work/sdk/LANGUAGE).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../../toolchain/versions.env
source "$root/toolchain/versions.env"
script="scripts/sdk/$(basename "${BASH_SOURCE[1]}")"
(($# >= 1 && $# <= 2)) || { echo "usage: $script OUTDIR [SCHEMA.json]" >&2; exit 2; }
mkdir -p "$1"
out="$(cd "$1" && pwd)"
schema="${2:-}"
[[ -z "$schema" ]] || schema="$(cd "$(dirname "$schema")" && pwd)/$(basename "$schema")"
say() { printf '==> %s\n' "$*" >&2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
bin="${PULUMI_REKKO_TOOLCHAIN:-$(bash "$root/toolchain/install.sh" | tail -n 1)}"
if [[ -z "$schema" ]]; then
  say "reading the schema the plugin serves"
  plugin="$root/dist/provider/native/main.js"
  [[ -f "$plugin" ]] || { echo "$script: $plugin is missing: run npm run build" >&2; exit 1; }
  chmod +x "$plugin"
  schema="$work/schema.json"
  # The plugin needs Node >= 22.12: the node devDependency first on PATH.
  PATH="$bin:$root/node_modules/.bin:$PATH" PULUMI_SKIP_UPDATE_CHECK=true "$bin/pulumi" package get-schema "$plugin" >"$schema"
fi
generate() {
  say "generating the $1 SDK"
  PULUMI_REKKO_TOOLCHAIN="$bin" bash "$root/toolchain/sdkgen.sh" "$schema" "$work/sdk" "$1" >&2
}
