#!/usr/bin/env bash
# Generates SDKs of a Pulumi package from its schema with the toolchain's generators, one folder
# per language under OUTDIR (OUTDIR/go, OUTDIR/python, ...), picking the generator program that
# holds each language's code generator:
#   go, nodejs, python: pulumi-rekko-sdkgen-go-nodejs-python (pkg/v3 at the CLI's version)
#   dotnet, java:       pulumi-rekko-sdkgen-dotnet-java (the last pkg/v3 holding codegen/dotnet;
#                       pulumi-java's codegen/java)
#
#   usage: toolchain/sdkgen.sh SCHEMA.json OUTDIR LANGUAGE...
# The toolchain is $PULUMI_REKKO_TOOLCHAIN, or what toolchain/install.sh prints.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
(($# >= 3)) || { echo "usage: toolchain/sdkgen.sh SCHEMA.json OUTDIR LANGUAGE..." >&2; exit 2; }
schema="$1" out="$2"
shift 2
bin="${PULUMI_REKKO_TOOLCHAIN:-$(bash "$here/install.sh" | tail -n 1)}"
for lang in "$@"; do
  case "$lang" in
    go | nodejs | python) "$bin/pulumi-rekko-sdkgen-go-nodejs-python" "$schema" "$out" "$lang" ;;
    dotnet | java) "$bin/pulumi-rekko-sdkgen-dotnet-java" "$schema" "$out" "$lang" ;;
    *) echo "toolchain/sdkgen.sh: no generator for language '$lang' (go, nodejs, python, dotnet, java)" >&2; exit 2 ;;
  esac
done
