#!/usr/bin/env bash
# Builds the Pulumi random resource provider plugin `pulumi-resource-random`
# from Go modules only (no github.com, no release downloads).
#
#   usage: build-random.sh VERSION OUTDIR      e.g. build-random.sh 4.21.2 ./bin
#
# The sources in toolchain/random/ stand in for github.com/pulumi/pulumi-random/provider/v4,
# which the Go module proxy does not serve. Steps: copy them to a temp dir, `go mod tidy`,
# build pulumi-tfgen-random, generate the Pulumi schema with it, build the plugin embedding
# that schema, with VERSION stamped in via -ldflags. Progress goes to stderr; the path of the
# built plugin is printed on stdout. Set KEEP_WORKDIR=1 to keep the temp dir.
set -euo pipefail

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'build-random: error: %s\n' "$*" >&2; exit 1; }

[[ $# -eq 2 ]] || die "usage: $(basename "$0") VERSION OUTDIR"
version="${1#v}"
outdir="$2"
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]*)?$ ]] || die "VERSION must look like 4.21.2, got '$1'"
command -v go >/dev/null 2>&1 || die "go is not on PATH"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$here/random"
[[ -f "$src/go.mod" ]] || die "missing sources in $src"

# The bridge's schema generator looks for the Go module in ./provider (it runs
# `go mod download` there to find the upstream docs), so the wrapper lives in a dir of that name.
tmp="$(mktemp -d "${TMPDIR:-/tmp}/build-random.XXXXXX")"
if [[ -z "${KEEP_WORKDIR:-}" ]]; then trap 'rm -rf "$tmp"' EXIT; else say "work dir: $tmp"; fi
work="$tmp/provider"
mkdir -p "$work"
cp -R "$src/." "$work/"

export GOFLAGS="${GOFLAGS:--buildvcs=false}"
ldflags="-X github.com/pulumi/pulumi-random/provider/v4/pkg/version.Version=$version"
run() { nice -n 10 "$@" >&2; }
t0=$SECONDS

say "random $version: resolving Go modules (go mod tidy)"
(cd "$work" && run go mod tidy) || die "go mod tidy failed (is the Go module proxy reachable?)"

say "building pulumi-tfgen-random (first build compiles the bridge and Pulumi SDK; can take 10+ minutes)"
(cd "$work" && run go build -trimpath -ldflags "$ldflags" -o "$tmp/bin/pulumi-tfgen-random" ./cmd/pulumi-tfgen-random) \
  || die "building pulumi-tfgen-random failed"

say "generating the Pulumi schema"
# --skip-examples: converting the HCL examples needs `pulumi convert` and plugin downloads.
(cd "$work" && PWD="$work" "$tmp/bin/pulumi-tfgen-random" schema --skip-examples --out "$tmp/schema" >"$tmp/tfgen.log" 2>&1) \
  || { cat "$tmp/tfgen.log" >&2; die "schema generation failed"; }
[[ -s "$tmp/schema/schema.json" && -s "$tmp/schema/bridge-metadata.json" ]] \
  || { cat "$tmp/tfgen.log" >&2; die "tfgen did not write schema.json and bridge-metadata.json"; }
grep -q '"random:index/randomPassword:RandomPassword"' "$tmp/schema/schema.json" \
  || die "schema lacks random:index/randomPassword:RandomPassword; tokens do not match @pulumi/random"
cp "$tmp/schema/schema.json" "$work/cmd/pulumi-resource-random/schema-embed.json"
cp "$tmp/schema/bridge-metadata.json" "$work/cmd/pulumi-resource-random/bridge-metadata.json"

say "building pulumi-resource-random"
(cd "$work" && run go build -trimpath -ldflags "$ldflags" -o "$tmp/bin/pulumi-resource-random" ./cmd/pulumi-resource-random) \
  || die "building pulumi-resource-random failed"

got="$("$tmp/bin/pulumi-resource-random" -version 2>/dev/null || true)"
[[ "$got" == "$version" ]] || die "built plugin reports version '$got', expected '$version'"

mkdir -p "$outdir"
cp "$tmp/bin/pulumi-resource-random" "$outdir/pulumi-resource-random.tmp"
mv -f "$outdir/pulumi-resource-random.tmp" "$outdir/pulumi-resource-random"
say "done in $((SECONDS - t0))s: $outdir/pulumi-resource-random (version $got)"
printf '%s\n' "$(cd "$outdir" && pwd)/pulumi-resource-random"
