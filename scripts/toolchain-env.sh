# The Pulumi toolchain for this checkout, sourced by scripts/setup.sh (from the checkout's root):
# exports PULUMI_HOME (the plugin cache the tests and the demo use, where the random plugin is
# installed), PULUMI_REKKO_TOOLCHAIN (the toolchain directory, built once and cached by
# toolchain/install.sh) and PATH with the toolchain first. A PULUMI_REKKO_TOOLCHAIN already set
# is kept and skips the toolchain's check, but a PULUMI_HOME without the random plugin (a fresh
# clone's) still gets it.
export PULUMI_HOME="${PULUMI_HOME:-$PWD/.work/pulumi-home}"
random_version="$(sed -n 's/^RANDOM_VERSION=//p' toolchain/versions.env)"
if [[ -z "${PULUMI_REKKO_TOOLCHAIN:-}" || ! -x "$PULUMI_HOME/plugins/resource-random-v$random_version/pulumi-resource-random" ]]; then
  printf '\n==> %s\n' "Pulumi toolchain (cached after the first build)" >&2
  toolchain="$(bash toolchain/install.sh | tail -n 1)"
  export PULUMI_REKKO_TOOLCHAIN="${PULUMI_REKKO_TOOLCHAIN:-$toolchain}"
fi
export PATH="$PULUMI_REKKO_TOOLCHAIN:$PATH"
unset random_version toolchain
