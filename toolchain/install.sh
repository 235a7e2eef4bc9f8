#!/usr/bin/env bash
# Installs the Pulumi toolchain this project needs, builds what is missing from Go modules,
# caches it outside the repo keyed by version, and prints the directory holding `pulumi`,
# `pulumi-language-nodejs`, `pulumi-resource-pulumi-nodejs` (and `pulumi-resource-random`)
# as its LAST line. Progress goes to stderr.
#   Cache: ${PULUMI_REKKO_CACHE:-$HOME/.cache/pulumi-rekko}/toolchain
#   PULUMI_REKKO_NO_AMBIENT=1 ignores a pulumi found on PATH.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'toolchain: %s\n' "$*" >&2; exit 1; }

cache="${PULUMI_REKKO_CACHE:-$HOME/.cache/pulumi-rekko}/toolchain"
mkdir -p "$cache"

# The installed @pulumi/random decides which random plugin is needed.
random_pkg="$root/node_modules/@pulumi/random/package.json"
if [[ -f "$random_pkg" ]]; then
  wanted_random="$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$random_pkg" | head -n1)"
  [[ "$wanted_random" == "$RANDOM_VERSION" ]] || die "@pulumi/random is $wanted_random but toolchain/versions.env pins RANDOM_VERSION=$RANDOM_VERSION; update the pin."
fi

ver_ge() { [[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" == "$2" ]]; }

# Only one install at a time per cache.
exec 9>"$cache/.lock"
flock 9

hash_dir() { (cd "$1" && find . -type f \( -name '*.go' -o -name 'go.mod' -o -name 'go.sum' \) -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12); }
langhost_key="$(hash_dir "$here/langhost")"
bin="$cache/pulumi-v$PULUMI_VERSION-host-$langhost_key/bin"

ambient=""
if [[ -z "${PULUMI_REKKO_NO_AMBIENT:-}" ]] && command -v pulumi >/dev/null 2>&1; then
  dir="$(dirname "$(command -v pulumi)")"
  v="$(pulumi version 2>/dev/null | sed 's/^v//')"
  if [[ -n "$v" ]] && ver_ge "$v" "$MIN_PULUMI_ON_PATH" && [[ -x "$dir/pulumi-language-nodejs" ]] && [[ "$dir" != "$bin" ]]; then
    say "using pulumi v$v already on PATH ($dir)"
    ambient="$dir"
  fi
fi

gobuild_progress() {
  # Prints a progress line every 40 compiled packages (go build -v lists them).
  local label="$1" n=0 line
  while IFS= read -r line; do
    n=$((n + 1))
    if [[ "$line" == *": "* || "$line" == *"error"* || "$line" == "#"* ]]; then printf '%s\n' "$line" >&2; fi
    if (( n % 40 == 0 )); then printf '    %s: %d packages compiled (%s)\n' "$label" "$n" "$line" >&2; fi
  done
}

need_go() {
  command -v go >/dev/null 2>&1 || die "Go >= 1.25 is needed to build the Pulumi toolchain (no pulumi >= $MIN_PULUMI_ON_PATH with pulumi-language-nodejs was found on PATH). Install Go, or put a Pulumi CLI on PATH."
}

build_cli() {
  local out="$1" src="$cache/src/cli-v$PULUMI_VERSION"
  need_go
  say "building the pulumi CLI v$PULUMI_VERSION from Go modules (first time: 10-25 minutes on 2 cores)"
  mkdir -p "$src"
  cat >"$src/go.mod" <<GOMOD
module pulumi-rekko/toolchain/cli

go 1.25

require (
	github.com/pulumi/pulumi/pkg/v3 v$PULUMI_VERSION
	github.com/pulumi/pulumi/sdk/v3 v$PULUMI_VERSION
)
GOMOD
  cat >"$src/tools.go" <<'GOSRC'
//go:build tools

package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
GOSRC
  say "resolving modules (go mod tidy)"
  (cd "$src" && GOFLAGS=-mod=mod go mod tidy) >&2
  say "compiling (progress every 40 packages)"
  (cd "$src" && go build -v -trimpath -tags osusergo,grpcnotrace \
    -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
    -o "$out.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi) 2>&1 | gobuild_progress cli
  [[ -x "$out.tmp" ]] || die "building the pulumi CLI failed (see above)"
  mv "$out.tmp" "$out"
}

build_langhost() {
  local out="$1"
  need_go
  say "building pulumi-language-nodejs (toolchain/langhost)"
  (cd "$here/langhost" && go build -v -trimpath \
    -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
    -o "$out.tmp" .) 2>&1 | gobuild_progress langhost
  [[ -x "$out.tmp" ]] || die "building pulumi-language-nodejs failed (see above)"
  mv "$out.tmp" "$out"
}

if [[ -n "$ambient" ]]; then
  bin="$ambient"
else
  mkdir -p "$bin"
  cli_cache="$cache/pulumi-v$PULUMI_VERSION/pulumi"
  if [[ ! -x "$cli_cache" ]]; then
    mkdir -p "$(dirname "$cli_cache")"
    build_cli "$cli_cache"
  fi
  # A real file (hard link or copy), not a symlink: the CLI treats plugins beside its own
  # resolved path as bundled, and warns about ones it only finds on PATH.
  [[ "$bin/pulumi" -ef "$cli_cache" ]] || ln -f "$cli_cache" "$bin/pulumi" 2>/dev/null || cp "$cli_cache" "$bin/pulumi"
  [[ -x "$bin/pulumi-language-nodejs" ]] || build_langhost "$bin/pulumi-language-nodejs"
  install -m 0755 "$here/pulumi-resource-pulumi-nodejs" "$bin/pulumi-resource-pulumi-nodejs"
  got="$("$bin/pulumi" version)"
  [[ "$got" == "v$PULUMI_VERSION" ]] || die "built pulumi reports version '$got', expected v$PULUMI_VERSION"
fi

# The random provider plugin, at the version @pulumi/random asks for, installed into the
# plugin cache of $PULUMI_HOME (default ~/.pulumi) like a downloaded plugin.
random_bin="$cache/random-v$RANDOM_VERSION/pulumi-resource-random"
if [[ ! -x "$random_bin" && -x "$here/build-random.sh" ]]; then
  need_go
  say "building pulumi-resource-random v$RANDOM_VERSION from Go modules"
  mkdir -p "$(dirname "$random_bin")"
  "$here/build-random.sh" "$RANDOM_VERSION" "$(dirname "$random_bin")" >&2 || die "building pulumi-resource-random failed (see above)"
fi
plugins="${PULUMI_HOME:-$HOME/.pulumi}/plugins"
if [[ -x "$random_bin" && ! -x "$plugins/resource-random-v$RANDOM_VERSION/pulumi-resource-random" ]]; then
  say "installing the random plugin v$RANDOM_VERSION into $plugins"
  PULUMI_SKIP_UPDATE_CHECK=true "$bin/pulumi" plugin install resource random "$RANDOM_VERSION" -f "$random_bin" >&2
fi
[[ -n "$ambient" ]] || rm -f "$bin/pulumi-resource-random"

say "toolchain ready"
printf '%s\n' "$bin"
