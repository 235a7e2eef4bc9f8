#!/usr/bin/env bash
# Installs the Pulumi toolchain this project needs, builds what is missing from Go modules,
# caches it outside the repo keyed by version, and prints the directory holding `pulumi`,
# `pulumi-language-nodejs`, `pulumi-resource-pulumi-nodejs`, `pulumi-language-yaml` (the
# official YAML host), `pulumi-language-go` and `pulumi-language-python` (our minimal Go and
# Python hosts, from toolchain/langhost-go and toolchain/langhost-python, the latter with
# `pulumi-language-python-exec`) and `pulumi-rekko-sdkgen-go-nodejs-python` and
# `pulumi-rekko-sdkgen-dotnet-java` (SDK generators over pkg/v3's and pulumi-java's codegen, from
# toolchain/sdkgen-*; toolchain/sdkgen.sh picks the one for a language)
# as its LAST line. Progress goes to stderr.
# Each program of toolchain/<dir> is cached under its executable's name and the hash of its Go
# sources, so renaming a folder rebuilds nothing.
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
# A program's key: the hash of its folder, and of the local modules its go.mod replaces in
# (`=> ../langhost-shared`), when it has any.
hash_tool() {
  local dir="$1" locals
  locals="$(sed -n 's#.*=> *\.\./\([A-Za-z0-9._-]*\).*#\1#p' "$dir/go.mod")"
  if [[ -z "$locals" ]]; then hash_dir "$dir"; return; fi
  { hash_dir "$dir"; for l in $locals; do hash_dir "$here/$l"; done; } | sha256sum | cut -c1-12
}
# The directory printed: one per CLI version and set of sources of the programs built from
# toolchain/ (links to the cached builds), so checkouts with different sources never share one.
tools_key="$(for m in "$here"/*/go.mod; do d="$(dirname "$m")"; [[ "$d" == */random ]] || hash_dir "$d"; done | sha256sum | cut -c1-12)"
bin="$cache/pulumi-v$PULUMI_VERSION-tools-$tools_key/bin"

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

# Builds package PKG through a wrapper module in the cache that requires the given
# "module version" pairs (for modules the proxy serves but `go install` refuses or that must
# share the CLI's pulumi version), with the given ldflags and build tags.
wrapper_build() {
  local label="$1" src="$2" out="$3" pkg="$4" ldflags="$5" tags="$6"
  shift 6
  need_go
  mkdir -p "$src"
  { printf 'module pulumi-rekko/toolchain/%s\n\ngo 1.25\n\nrequire (\n' "$label"; printf '\t%s\n' "$@"; printf ')\n'; } >"$src/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$pkg" >"$src/tools.go"
  say "resolving modules (go mod tidy)"
  (cd "$src" && GOFLAGS=-mod=mod go mod tidy) >&2
  say "compiling (progress every 40 packages)"
  (cd "$src" && go build -v -trimpath ${tags:+-tags "$tags"} -ldflags "$ldflags" -o "$out.tmp" "$pkg") 2>&1 | gobuild_progress "$label"
  [[ -x "$out.tmp" ]] || die "building $label failed (see above)"
  mv "$out.tmp" "$out"
}

build_cli() {
  say "building the pulumi CLI v$PULUMI_VERSION from Go modules (first time: 10-25 minutes on 2 cores)"
  wrapper_build cli "$cache/src/cli-v$PULUMI_VERSION" "$1" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \
    "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" osusergo,grpcnotrace \
    "github.com/pulumi/pulumi/pkg/v3 v$PULUMI_VERSION" "github.com/pulumi/pulumi/sdk/v3 v$PULUMI_VERSION"
}

build_yaml() {
  # With the pulumi pkg/sdk versions pulumi-yaml itself requires (its plugin API need not match
  # the CLI's). v1.38.1 is the first served here that implements Link, which
  # `pulumi package add` calls; the module proxy lists only older versions but serves this one.
  say "building pulumi-language-yaml v$YAML_VERSION (github.com/pulumi/pulumi-yaml; first time: several minutes)"
  wrapper_build yaml "$cache/src/yaml-v$YAML_VERSION" "$1" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml \
    "-X github.com/pulumi/pulumi-yaml/pkg/version.Version=v$YAML_VERSION" "" "github.com/pulumi/pulumi-yaml v$YAML_VERSION"
}

# Builds a Go program of toolchain/ (its own module, its go.mod requiring PIN, "module version")
# into the cache, keyed by the hash of its sources, with the given ldflags, and links it into $bin.
build_tool() {
  local dir="$1" name="$2" pin="$3" ldflags="${4:-}"
  grep -q "$pin\$" "$here/$dir/go.mod" \
    || die "toolchain/$dir/go.mod must require $pin (toolchain/versions.env)"
  local out="$cache/$name-$(hash_tool "$here/$dir")/$name"
  if [[ ! -x "$out" ]]; then
    need_go
    say "building $name (toolchain/$dir, ${pin#github.com/pulumi/pulumi/})"
    mkdir -p "$(dirname "$out")"
    (cd "$here/$dir" && go build -v -trimpath -ldflags "$ldflags" -o "$out.tmp" .) 2>&1 | gobuild_progress "$name"
    [[ -x "$out.tmp" ]] || die "building $name failed (see above)"
    mv "$out.tmp" "$out"
  fi
  [[ "$bin/$name" -ef "$out" ]] || ln -f "$out" "$bin/$name" 2>/dev/null || cp "$out" "$bin/$name"
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
  build_tool langhost-nodejs pulumi-language-nodejs "github.com/pulumi/pulumi/sdk/v3 v$PULUMI_VERSION" \
    "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION"
  install -m 0755 "$here/pulumi-resource-pulumi-nodejs" "$bin/pulumi-resource-pulumi-nodejs"
  yaml_cache="$cache/yaml-v$YAML_VERSION/pulumi-language-yaml"
  if [[ ! -x "$yaml_cache" ]]; then
    mkdir -p "$(dirname "$yaml_cache")"
    build_yaml "$yaml_cache"
  fi
  [[ "$bin/pulumi-language-yaml" -ef "$yaml_cache" ]] || ln -f "$yaml_cache" "$bin/pulumi-language-yaml" 2>/dev/null || cp "$yaml_cache" "$bin/pulumi-language-yaml"
  # Our own Go host: the official one (github.com/pulumi/pulumi/sdk/go/pulumi-language-go/v3) is
  # not served by the Go module proxy here.
  build_tool langhost-go pulumi-language-go "github.com/pulumi/pulumi/sdk/v3 v$PULUMI_VERSION" \
    "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION"
  # Our own Python host (the official one, github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3,
  # is not served), with the script it runs programs through beside it, as the official host has it:
  # python/cmd/pulumi-language-python-exec of github.com/pulumi/pulumi/sdk/v3 at the CLI's version.
  build_tool langhost-python pulumi-language-python "github.com/pulumi/pulumi/sdk/v3 v$PULUMI_VERSION" \
    "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION"
  py_exec="$cache/pulumi-language-python-exec-v$PULUMI_VERSION/pulumi-language-python-exec"
  if [[ ! -f "$py_exec" ]]; then
    need_go
    sdk_dir="$(cd "$here/langhost-python" && go list -m -f '{{.Dir}}' "github.com/pulumi/pulumi/sdk/v3")"
    mkdir -p "$(dirname "$py_exec")"
    install -m 0755 "$sdk_dir/python/cmd/pulumi-language-python-exec" "$py_exec"
  fi
  [[ "$bin/pulumi-language-python-exec" -ef "$py_exec" ]] || ln -f "$py_exec" "$bin/pulumi-language-python-exec" 2>/dev/null || cp "$py_exec" "$bin/pulumi-language-python-exec"
  build_tool sdkgen-go-nodejs-python pulumi-rekko-sdkgen-go-nodejs-python "github.com/pulumi/pulumi/pkg/v3 v$PULUMI_VERSION"
  grep -q "github.com/pulumi/pulumi-java/pkg v$JAVA_CODEGEN_VERSION\$" "$here/sdkgen-dotnet-java/go.mod" \
    || die "toolchain/sdkgen-dotnet-java/go.mod must require github.com/pulumi/pulumi-java/pkg v$JAVA_CODEGEN_VERSION (toolchain/versions.env)"
  build_tool sdkgen-dotnet-java pulumi-rekko-sdkgen-dotnet-java "github.com/pulumi/pulumi/pkg/v3 v$DOTNET_CODEGEN_PULUMI_VERSION"
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
