#!/usr/bin/env bash
# Builds the one-folder bundle dist/narration-studio/ and measures it.
#
#   packaging/build_bundle.sh
#
# Everything it says goes to stderr; stdout gets exactly one JSON line:
#   {"bundle_mb": …, "launch_to_window_s": …, "runs_s": […]}
# (launch_to_window_s: median seconds from starting the bundle to its main window being
# exposed on a private Xvfb display; see packaging/measure_bundle.py).
set -euo pipefail
cd "$(dirname "$0")/.."
exec 3>&1 1>&2  # keep stdout for the JSON line alone

packaging/setup.sh
.venv/bin/python -m pip install -q "pyinstaller>=6.10,<7"
mkdir -p build
# The notices are computed from the environment being bundled, then shipped in the bundle.
notices=build/THIRD_PARTY_NOTICES.txt
.venv/bin/narration-studio notices > "$notices.tmp" && mv "$notices.tmp" "$notices"
STUDIO_NOTICES_FILE="$PWD/$notices" .venv/bin/pyinstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/narration-studio.spec
# Name the interpreter and the system libraries PyInstaller copied in, with their licences.
.venv/bin/python packaging/native_notices.py build/pyinstaller/narration-studio/COLLECT-00.toc \
  dist/narration-studio/_internal/THIRD_PARTY_NOTICES.txt
# …and make them easy to find beside the executable (the app reads the one in _internal).
ln -sfn _internal/THIRD_PARTY_NOTICES.txt dist/narration-studio/THIRD_PARTY_NOTICES.txt
.venv/bin/python packaging/measure_bundle.py dist/narration-studio >&3
