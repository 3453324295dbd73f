#!/usr/bin/env bash
# Fetches small real-world test videos from Debian packages (no other downloads):
#   python3-mecavideo: physics-class clips (cyclist g1.avi/g2.avi, thrown ball balle-jbart.mp4, …)
#   python3-imageio:   cockatoo.mp4 (h264 + mp3) and realshort.mp4
# into a flat folder, default .tmp/footage (gitignored). Idempotent: does nothing when the files are
# already there. Usage: scripts/fetch-footage.sh [dest-dir]   (or FRAMEWISE_FOOTAGE_DIR=...)
# Needs apt-get (apt lists present: run `apt-get update` once if the download fails) and dpkg-deb.
# `npm test` (scripts/test-all.js) runs it and reads the exit status: 0 the files are there,
# 2 a command is missing (not Debian/Ubuntu), 3 apt could not download the packages (no or stale
# package lists, no network: `apt-get update` may help), 1 anything else.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${1:-${FRAMEWISE_FOOTAGE_DIR:-$repo_root/.tmp/footage}}"
packages=(python3-mecavideo python3-imageio)
# Must match test/fixtures/footage.ts.
wanted=(g1.avi g2.avi balle-jbart.mp4 balle1-vp9.avi Effet_force_magnetique.ogv cockatoo.mp4 realshort.mp4)

have_all() {
  local f
  for f in "${wanted[@]}"; do [[ -s "$dest/$f" ]] || return 1; done
}

if have_all; then
  echo "fetch-footage: already present in $dest"
  exit 0
fi

for tool in apt-get apt-cache dpkg-deb; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    cat >&2 <<EOF
fetch-footage: '$tool' is missing: this script takes the clips from Debian packages and needs
  Debian or Ubuntu (apt-get, apt-cache, dpkg-deb). Elsewhere, put these files
  (${wanted[*]})
  from the Debian packages ${packages[*]} (packages.debian.org; a .deb is an
  ar archive: \`ar x file.deb && tar xf data.tar.*\`) into one folder and set FRAMEWISE_FOOTAGE_DIR to it.
EOF
    exit 2
  fi
done

sudo_hint() { if [[ "$(id -u)" == 0 ]]; then echo "apt-get update"; else echo "sudo apt-get update"; fi; }

for pkg in "${packages[@]}"; do
  if ! apt-cache show "$pkg" >/dev/null 2>&1; then
    echo "fetch-footage: apt knows no package '$pkg': its package lists are missing or do not include it. Run '$(sudo_hint)' and try again (Ubuntu: it is in 'universe')." >&2
    exit 3
  fi
done

mkdir -p "$dest"
work="$(mktemp -d "${TMPDIR:-/tmp}/framewise-footage.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# As root, apt downloads as its sandbox user _apt, which must be able to write here.
if [[ "$(id -u)" == 0 ]] && id _apt >/dev/null 2>&1; then chown _apt "$work"; fi

(
  cd "$work"
  if ! apt-get download "${packages[@]}"; then
    echo "fetch-footage: 'apt-get download ${packages[*]}' failed (no network, or package lists older than the mirror). Run '$(sudo_hint)' and try again." >&2
    exit 3
  fi
)

mkdir -p "$work/root"
for deb in "$work"/*.deb; do
  dpkg-deb -x "$deb" "$work/root"
done

for f in "${wanted[@]}"; do
  found="$(find "$work/root" -type f -name "$f" -print -quit)"
  if [[ -z "$found" ]]; then
    echo "fetch-footage: $f is not in ${packages[*]} any more; update scripts/fetch-footage.sh and test/fixtures/footage.ts." >&2
    exit 1
  fi
  cp "$found" "$dest/$f.partial"
  mv "$dest/$f.partial" "$dest/$f"
done

echo "fetch-footage: ${#wanted[@]} videos in $dest"
