#!/usr/bin/env bash
# Installs a Cercle .deb into a fresh Debian root (debootstrap minbase: no Python there) with apt,
# so its declared Depends are what gets installed, then runs cercle-cli and the GUI offscreen.
#   sudo packaging/linux/chroot_test.sh dist/cercle_<v>_amd64.deb [root dir]
# Needs debootstrap and the Debian mirror (DEBIAN_MIRROR, default deb.debian.org); the root dir
# is kept and reused on the next run (a first debootstrap takes about 2 minutes).
set -euo pipefail
deb="$(readlink -f "$1")" root="${2:-/tmp/cercle-chroot}"
suite="$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
if [ ! -x "$root/usr/bin/apt-get" ]; then
  echo "chroot_test: debootstrap $suite into $root"
  debootstrap --variant=minbase "$suite" "$root" "$mirror" >/dev/null
fi
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
mount -t proc proc "$root/proc"
trap 'umount "$root/proc"' EXIT
cp "$deb" "$root/tmp/"
in_root apt-get update -q >/dev/null
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
  "/tmp/$(basename "$deb")" >/dev/null
if in_root sh -c 'command -v python3 || ls /usr/bin/python3*' >/dev/null 2>&1; then
  echo "chroot_test: FAILED: installing Cercle brought a system Python along" >&2; exit 1
fi
echo "chroot_test: no Python in the root; $(in_root dpkg-query -W -f='${Package} ${Version}' cercle) installed"
in_root cercle-cli --version
in_root env QT_QPA_PLATFORM=offscreen cercle --version
# The GUI must still be running after 5 s (timeout's 124), not crash on a missing library.
status=0 log="$(mktemp)"
in_root env QT_QPA_PLATFORM=offscreen XDG_RUNTIME_DIR=/tmp timeout 5 cercle >"$log" 2>&1 || status=$?
if [ "$status" -ne 124 ]; then
  echo "chroot_test: FAILED: the GUI exited with $status" >&2; tail -20 "$log" >&2; exit 1
fi
echo "chroot_test: OK: the GUI ran offscreen for 5 s"
in_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q cercle >/dev/null
echo "chroot_test: removed cleanly"
