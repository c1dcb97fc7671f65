#!/usr/bin/env bash
# Builds the AppImage: an AppDir around the bundle, squashed reproducibly, behind the runtime.
#   build_appimage.sh <bundle dir> <icons dir> <version> <out .AppImage> <AppDir to stage>
# The AppImage type-2 runtime (the ELF that mounts the image) comes from $CERCLE_APPIMAGE_RUNTIME:
# no registry this project may use ships it, so IT provides it (checked against its own sum).
# Without it the AppDir and its squashfs are still built, so everything but the runtime is tested.
set -euo pipefail
bundle="$1" icons="$2" version="$3" out="$4" appdir="$5"
here="$(cd "$(dirname "$0")" && pwd)"
: "${SOURCE_DATE_EPOCH:?build.sh sets SOURCE_DATE_EPOCH}"
rm -rf "$appdir"; mkdir -p "$appdir/usr/lib" "$appdir/usr/share/applications"
cp -a "$bundle" "$appdir/usr/lib/cercle"
install -m 0755 "$here/AppRun" "$appdir/AppRun"
sed "s/^Exec=cercle %u/Exec=cercle %u\nX-AppImage-Version=$version/" \
  "$here/org.cercle.Cercle.desktop" > "$appdir/org.cercle.Cercle.desktop"
cp "$appdir/org.cercle.Cercle.desktop" "$appdir/usr/share/applications/"
cp "$icons/cercle-256.png" "$appdir/org.cercle.Cercle.png"
ln -s org.cercle.Cercle.png "$appdir/.DirIcon"
python3 "$here/reproducible.py" "$appdir" >/dev/null
squash="$appdir.squashfs"
rm -f "$squash"
# -all-root: owners are root whoever builds; mksquashfs takes every time from SOURCE_DATE_EPOCH,
# and sorted entries with a fixed fragment order are its default (-reproducible) since 4.4.
mksquashfs "$appdir" "$squash" -quiet -no-progress -noappend -all-root -no-xattrs -comp zstd \
  >/dev/null
runtime="${CERCLE_APPIMAGE_RUNTIME:-}"
if [ -z "$runtime" ]; then
  echo "build_appimage: BLOCKED: no AppImage runtime (set CERCLE_APPIMAGE_RUNTIME); built" \
       "$appdir and $squash only, not $out" >&2
  exit 0
fi
head -c 4 "$runtime" | grep -q "ELF" || { echo "build_appimage: $runtime is not an ELF" >&2; exit 1; }
cat "$runtime" "$squash" > "$out"
chmod 0755 "$out"
touch -d "@$SOURCE_DATE_EPOCH" "$out"
echo "build_appimage: $out ($(( $(stat -c %s "$out") / 1024 )) KiB)"
