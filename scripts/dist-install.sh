#!/usr/bin/env bash
# Installs a rekko plugin archive into Pulumi's plugin cache, after checking that it is one:
#
#   pulumi-resource-rekko-install.sh pulumi-resource-rekko-v<version>-<os>-<arch>.tar.gz
#
# `pulumi plugin install resource rekko <version> --file <archive>` alone installs an archive
# built for another platform without a word (the plugin then fails at its first use with
# "exec format error"), and says "untarring ...: unexpected EOF" for a damaged download. This
# script refuses both first, in one line saying what is wrong and what to download instead:
#   - the name must be the release's: pulumi-resource-rekko-v<version>-<os>-<arch>.tar.gz;
#   - <os>-<arch> must be this machine's;
#   - with SHA256SUMS beside the archive (as in the release), the archive must match its line;
#   - the archive must be a complete gzip'd tar holding the plugin executable,
#   - and that executable must be built for this machine (ELF/Mach-O/PE header and CPU).
# Then it runs the `pulumi plugin install` above. Needs bash, tar, gzip, od and pulumi; not node.
set -euo pipefail

die() {
  printf 'pulumi-resource-rekko-install: %s\n' "$*" >&2
  exit 1
}

[[ $# -eq 1 ]] || die "usage: $(basename "$0") pulumi-resource-rekko-v<version>-<os>-<arch>.tar.gz"
archive="$1"
[[ -f "$archive" ]] || die "$archive: no such file"
name="$(basename "$archive")"

if [[ ! "$name" =~ ^pulumi-resource-rekko-v([0-9]+\.[0-9]+\.[0-9]+[^/]*)-(linux|darwin|windows)-(amd64|arm64)\.tar\.gz$ ]]; then
  die "$name is not a rekko plugin archive (expected pulumi-resource-rekko-v<version>-<os>-<arch>.tar.gz)"
fi
version="${BASH_REMATCH[1]}"
os="${BASH_REMATCH[2]}"
arch="${BASH_REMATCH[3]}"

case "$(uname -s)" in
  Linux) here_os=linux ;;
  Darwin) here_os=darwin ;;
  MINGW* | MSYS* | CYGWIN*) here_os=windows ;;
  *) here_os="$(uname -s)" ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) here_arch=amd64 ;;
  aarch64 | arm64) here_arch=arm64 ;;
  *) here_arch="$(uname -m)" ;;
esac
wanted="pulumi-resource-rekko-v$version-$here_os-$here_arch.tar.gz"
if [[ "$os-$arch" != "$here_os-$here_arch" ]]; then
  die "$name is the rekko plugin for $os-$arch; this machine is $here_os-$here_arch: use $wanted"
fi

sums="$(dirname "$archive")/SHA256SUMS"
if [[ -f "$sums" ]]; then
  expected="$(awk -v f="$name" '$2 == f || $2 == "*" f { print $1 }' "$sums")"
  [[ -n "$expected" ]] || die "$name is not listed in $sums"
  if command -v sha256sum >/dev/null 2>&1; then actual="$(sha256sum "$archive" | cut -d' ' -f1)"; else actual="$(shasum -a 256 "$archive" | cut -d' ' -f1)"; fi
  [[ "$actual" == "$expected" ]] || die "$name does not match its checksum in SHA256SUMS (a damaged or incomplete download): download it again"
fi

exe=pulumi-resource-rekko
[[ "$os" == windows ]] && exe=pulumi-resource-rekko.exe
if ! listing="$(tar -tzf "$archive" 2>&1)"; then
  die "$name is not a complete .tar.gz archive (a damaged or incomplete download: ${listing//$'\n'/; }): download it again"
fi
grep -qx "$exe" <<<"$listing" || die "$name holds no $exe (it holds: ${listing//$'\n'/, })"

# The executable's header: ELF (e_machine), Mach-O 64 (cputype) or PE ("MZ").
# (od stops reading after 20 bytes: tar's broken pipe is expected.)
head_hex="$( (tar -xzOf "$archive" "$exe" 2>/dev/null || true) | od -An -tx1 -N20 | tr -d ' \n')"
case "$head_hex" in
  7f454c46*)
    case "${head_hex:36:4}" in
      3e00) built=linux-amd64 ;;
      b700) built=linux-arm64 ;;
      *) built="linux-(e_machine ${head_hex:36:4})" ;;
    esac
    ;;
  cffaedfe*)
    case "${head_hex:8:8}" in
      07000001) built=darwin-amd64 ;;
      0c000001) built=darwin-arm64 ;;
      *) built="darwin-(cputype ${head_hex:8:8})" ;;
    esac
    ;;
  4d5a*) built=windows-amd64 ;;
  *) built="an unknown format" ;;
esac
if [[ "$built" != "$os-$arch" ]]; then
  die "$name holds an executable for $built, not $os-$arch as its name says: use the release's $wanted"
fi

exec pulumi plugin install resource rekko "$version" --file "$archive"
