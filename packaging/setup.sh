#!/usr/bin/env bash
# Installs everything Narration Studio needs on a fresh Debian/Ubuntu machine:
# the system libraries Qt and QtMultimedia load at run time, a virtual environment
# in .venv, and the package with its offline voice. Safe to run again: it skips
# what is already there.
#
#   packaging/setup.sh          the app
#   packaging/setup.sh --test   the app plus test tools and the sound server the tests use
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

# library file -> Debian package that provides it
declare -A LIBS=(
  [libpulse.so.0]=libpulse0
  [libGL.so.1]=libgl1
  [libEGL.so.1]=libegl1
  [libxkbcommon.so.0]=libxkbcommon0
  [libfontconfig.so.1]=libfontconfig1
  [libglib-2.0.so.0]=libglib2.0-0
  [libdbus-1.so.3]=libdbus-1-3
  [libXrandr.so.2]=libxrandr2
  [libxcb-cursor.so.0]=libxcb-cursor0
  [libxcb-icccm.so.4]=libxcb-icccm4
  [libxcb-keysyms.so.1]=libxcb-keysyms1
  [libxkbcommon-x11.so.0]=libxkbcommon-x11-0
)
missing=()
for lib in "${!LIBS[@]}"; do
  ldconfig -p 2>/dev/null | grep -q "$lib" || missing+=("${LIBS[$lib]}")
done
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
if [ "$want_test" = 1 ]; then
  command -v pulseaudio >/dev/null || missing+=(pulseaudio)
  command -v pacat >/dev/null || missing+=(pulseaudio-utils)
  # desktop-file and AppStream validators, and a virtual screen for the real-window test
  command -v desktop-file-validate >/dev/null || missing+=(desktop-file-utils)
  command -v appstreamcli >/dev/null || missing+=(appstream)
  command -v xvfb-run >/dev/null || missing+=(xvfb xauth)
  # EPUBCheck validates the read-along EPUBs the export writes (it runs on Java)
  [ -e /usr/share/java/epubcheck.jar ] || missing+=(epubcheck)
  command -v java >/dev/null || missing+=(default-jre-headless)
fi

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing system libraries: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends --no-upgrade "${missing[@]}" >/dev/null
  else
    echo "Narration Studio needs these system packages, which are not installed:" >&2
    echo "  sudo apt-get install --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi

py="${PYTHON:-python3}"
if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "Narration Studio needs Python 3.11 or newer; $("$py" --version 2>&1) was found." >&2
  exit 1
fi
[ -x .venv/bin/python ] || "$py" -m venv .venv

# Both modes get the listen-check's speech recogniser (the `listen` extra, ~38 MB with its model).
extras="[listen]"
[ "$want_test" = 1 ] && extras="[listen,test]"
stamp=".venv/.installed-listen"
[ "$want_test" = 1 ] && stamp=".venv/.installed-listen-test"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".${extras}"
  touch "$stamp"
fi
