#!/usr/bin/env bash
# Builds Cercle's Linux release from one commit: bundle → .deb → AppImage → SHA256SUMS → signatures.
#
#   packaging/build.sh [--commit REV] [--src DIR] [--out DIR] [--unsigned]
#
# Source: `git archive REV` (default HEAD; uncommitted changes are never shipped), and the
#         packaging scripts of that same commit; --src builds a given tree instead.
# Key:    CERCLE_SIGNING_KEY_FILE=<PEM Ed25519 private key> or CERCLE_SIGNING_KEY=<the PEM text>,
#         from IT, never from the repo. Without either, only --unsigned builds (for development).
# AppImage: needs CERCLE_APPIMAGE_RUNTIME=<the AppImage type-2 runtime ELF> (see README: no package
#         registry this project reaches ships one); without it the AppDir is built and checked only.
# Output: <out>/cercle_<version>_amd64.deb, Cercle-<version>-x86_64.AppImage, SHA256SUMS, *.sig
set -euo pipefail
# All in a function: bash then reads the whole file before running it, so editing or checking
# out another commit during a build cannot change the running script.
main() {
  here="$(cd "$(dirname "$0")" && pwd)"
  repo="$(cd "$here/.." && pwd)"
  src="" out="$repo/dist" unsigned=0 commit=HEAD
  while (($#)); do
    case "$1" in
      --commit) commit="$2"; shift 2 ;;
      --src) src="$(cd "$2" && pwd)"; shift 2 ;;
      --out) out="$2"; shift 2 ;;
      --unsigned) unsigned=1; shift ;;
      *) echo "build: unknown argument $1" >&2; exit 2 ;;
    esac
  done
  if ((!unsigned)) && [ -z "${CERCLE_SIGNING_KEY_FILE:-}" ] && [ -z "${CERCLE_SIGNING_KEY:-}" ]; then
    echo "build: no signing key: set CERCLE_SIGNING_KEY_FILE (from IT) or pass --unsigned" >&2
    exit 2
  fi
  for tool in git dpkg-deb readelf mksquashfs; do
    command -v "$tool" >/dev/null || {
      echo "build: $tool is missing: apt-get install git dpkg binutils squashfs-tools" >&2; exit 2; }
  done
  started=$(date +%s)
  build="${CERCLE_BUILD_DIR:-$repo/build/packaging}"
  rm -rf "$build/src" "$build/work" "$build/dist" "$build/stage"
  mkdir -p "$build" "$out"
  out="$(cd "$out" && pwd)"

  # 1. The source tree, and the time every file in the outputs will carry.
  if [ -z "$src" ]; then
    commit="$(git -C "$repo" rev-parse --verify "$commit^{commit}")"
    echo "build: commit $commit"
    src="$build/src"; mkdir -p "$src"
    git -C "$repo" archive --format=tar "$commit" | tar -x -C "$src"
    : "${SOURCE_DATE_EPOCH:=$(git -C "$repo" log -1 --format=%ct "$commit")}"
    here="$src/packaging"  # the commit's own spec, lock and scripts
  else
    : "${SOURCE_DATE_EPOCH:=$(git -C "$src" log -1 --format=%ct HEAD 2>/dev/null || git -C "$repo" log -1 --format=%ct HEAD)}"
  fi
  export SOURCE_DATE_EPOCH
  # Same hash seed and locale on every build: set/dict orders in the analysis and in marshalled
  # constants depend on them.
  export PYTHONHASHSEED=0 LC_ALL=C.UTF-8 TZ=UTC PYTHONDONTWRITEBYTECODE=1
  umask 022

  # 2. A build venv made only from the hash-pinned lock (--require-hashes), kept between builds.
  venv="$build/venv"
  stamp="$venv/.lock-$(sha256sum "$here/requirements.lock" | cut -c1-16)"
  if [ ! -e "$stamp" ]; then
    echo "build: creating the build venv from packaging/requirements.lock"
    rm -rf "$venv"
    "${PYTHON:-python3}" -m venv "$venv"
    "$venv/bin/pip" install -q --require-hashes --no-deps -r "$here/requirements.lock" 2>&1 \
      | { grep -v "^WARNING: Location" || true; }
    touch "$stamp"
  fi
  py="$venv/bin/python"
  # The import tree the bundle is made from: cercle.<layer> is the folder <layer> (pyproject's
  # package-dir), with a minimal dist-info so importlib.metadata.version("cercle") answers.
  pysrc="$build/work/pysrc"
  version="$("$py" "$here/linux/pysrc.py" "$src" "$pysrc")"

  # 3. Icons, then the one-dir bundle.
  "$py" "$here/icons.py" "$src/resources/icons/cercle.svg" "$build/work/icons"
  echo "build: PyInstaller bundle"
  t0=$(date +%s)
  CERCLE_SRC="$src" CERCLE_PYSRC="$pysrc" CERCLE_ICONS="$build/work/icons" "$py" -m PyInstaller --noconfirm --clean \
    --log-level WARN --distpath "$build/dist" --workpath "$build/work" "$here/cercle.spec"
  "$py" "$here/linux/reproducible.py" "$build/dist/cercle"
  echo "build: bundle done in $(( $(date +%s) - t0 )) s, $(du -sm "$build/dist/cercle" | cut -f1) MiB"

  # 4. The .deb and the AppImage.
  deb="$out/cercle_${version}_amd64.deb"
  "$py" "$here/linux/build_deb.py" --bundle "$build/dist/cercle" --icons "$build/work/icons" \
    --svg "$src/resources/icons/cercle.svg" --version "$version" --out "$deb"
  appimage="$out/Cercle-${version}-x86_64.AppImage"
  bash "$here/linux/build_appimage.sh" "$build/dist/cercle" "$build/work/icons" "$version" \
    "$appimage" "$build/stage/AppDir"

  # 5. Checksums and detached signatures.
  cd "$out"
  files=()
  for f in "$(basename "$deb")" "$(basename "$appimage")"; do [ -e "$f" ] && files+=("$f"); done
  sha256sum "${files[@]}" > SHA256SUMS
  if ((!unsigned)); then
    "$py" "$here/sign.py" "${files[@]}" SHA256SUMS
  fi
  echo "build: done in $(( $(date +%s) - started )) s → $out"
  ls -l "$out"
}
main "$@"
