#!/usr/bin/env bash
# Prints the path of a virtual environment with WHEEL and the `pulumi` Python SDK
# (PYTHON_PULUMI_VERSION in toolchain/versions.env) installed from PyPI, as a user's project venv
# would have them. Both are downloaded once into a wheelhouse and installed offline; the
# environment is cached under ${PULUMI_REKKO_CACHE:-$HOME/.cache/pulumi-rekko}/python, keyed by
# the Python version, that pulumi version and the wheel's contents, and is never changed once made
# (the newest three are kept). Progress goes to stderr.
#   usage: test/native/python-venv.sh WHEEL
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../../toolchain/versions.env
source "$root/toolchain/versions.env"
wheel="$1"
python="${PYTHON:-python3}"
pyver="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
cache="${PULUMI_REKKO_CACHE:-$HOME/.cache/pulumi-rekko}/python"
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9

# The wheel's contents (not its bytes: they hold build times) and its requirements.
contents="$("$python" - "$wheel" <<'PY'
import hashlib, sys, zipfile
h = hashlib.sha256()
with zipfile.ZipFile(sys.argv[1]) as z:
    for name in sorted(z.namelist()):
        if not name.endswith("/RECORD"):
            h.update(name.encode() + b"\0" + z.read(name))
print(h.hexdigest()[:12])
PY
)"
base="venv-py$pyver-pulumi$PYTHON_PULUMI_VERSION"
venv="$cache/$base-$contents"
if [[ ! -f "$venv/.complete" ]]; then
  wheels="$cache/wheels-py$pyver-pulumi$PYTHON_PULUMI_VERSION"
  printf '==> creating %s\n' "$venv" >&2
  rm -rf "$venv"
  "$python" -m venv "$venv" >&2
  install() {
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-index --find-links "$wheels" \
      "$wheel" "pulumi==$PYTHON_PULUMI_VERSION" >&2
  }
  # Offline from the wheelhouse; on a miss (first run, or a new requirement) fill it from PyPI first.
  if ! install 2>/dev/null; then
    printf '==> downloading pulumi %s and the SDK'"'"'s requirements from PyPI into %s\n' "$PYTHON_PULUMI_VERSION" "$wheels" >&2
    "$python" -m pip download --quiet --disable-pip-version-check -d "$wheels" "$wheel" "pulumi==$PYTHON_PULUMI_VERSION" >&2
    rm -f "$wheels/$(basename "$wheel")"
    install
  fi
  touch "$venv/.complete"
  # Keep the newest three environments of this Python and pulumi.
  # shellcheck disable=SC2012 # names are ours, without spaces
  ls -1dt "$cache/$base"-* | tail -n +4 | xargs -r rm -rf
fi
printf '%s\n' "$venv"
