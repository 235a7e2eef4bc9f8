#!/usr/bin/env bash
# Builds the Python SDK of the rekko package as an sdist and a wheel.
#   usage: scripts/sdk/python.sh OUTDIR [SCHEMA.json]
# The SDK is generated from SCHEMA.json (default: the schema the built plugin serves, read with
# `pulumi package get-schema`) by the toolchain's generator (toolchain/sdkgen.sh python; the schema
# sets `pyproject.enabled`, so it is a pyproject.toml project), then built with `python -m build`
# into OUTDIR/pulumi_rekko-<version>.tar.gz and OUTDIR/pulumi_rekko-<version>-py3-none-any.whl.
# Prints the two paths on stdout, progress on stderr.
# Needs python3 >= 3.9 with its venv module. The build frontend and backend
# (PYTHON_BUILD_REQUIREMENTS in toolchain/versions.env) come from PyPI once into a virtual
# environment cached under ${PULUMI_REKKO_CACHE:-$HOME/.cache/pulumi-rekko}/python, keyed by the
# Python version and those requirements; later builds need no network.
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh" "$@"

python="${PYTHON:-python3}"
pyver="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" \
  || { echo "scripts/sdk/python.sh: $python is needed (Python >= 3.9)" >&2; exit 1; }
"$python" -c 'import sys, venv; sys.exit(sys.version_info < (3, 9))' \
  || { echo "scripts/sdk/python.sh: Python >= 3.9 with the venv module is needed; $python is $pyver" >&2; exit 1; }

# The cached build environment.
cache="${PULUMI_REKKO_CACHE:-$HOME/.cache/pulumi-rekko}/python"
key="$(printf '%s %s' "$pyver" "$PYTHON_BUILD_REQUIREMENTS" | sha256sum | cut -c1-12)"
venv="$cache/build-py$pyver-$key"
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
if [[ ! -x "$venv/bin/python" ]]; then
  say "creating the build environment ($PYTHON_BUILD_REQUIREMENTS from PyPI) in $venv"
  rm -rf "$venv.tmp"
  "$python" -m venv "$venv.tmp" >&2
  # shellcheck disable=SC2086 # the requirements are words
  "$venv.tmp/bin/python" -m pip install --quiet --disable-pip-version-check $PYTHON_BUILD_REQUIREMENTS >&2
  mv "$venv.tmp" "$venv"
fi
flock -u 9

generate python
sdk="$work/sdk/python"
# pyproject.toml names README.md beside it; the generator writes the package's README into the package.
[[ -f "$sdk/README.md" ]] || cp "$sdk/pulumi_rekko/README.md" "$sdk/README.md"
say "building the sdist and the wheel (python -m build)"
# The sdist first, then the wheel from the unpacked sdist (build's default), so the wheel proves
# the sdist is complete. No isolation: the cached environment has the backend.
"$venv/bin/python" -m build --no-isolation --outdir "$work/dist" "$sdk" >&2
for f in "$work"/dist/*.tar.gz "$work"/dist/*.whl; do
  cp "$f" "$out/"
  printf '%s\n' "$out/$(basename "$f")"
done
