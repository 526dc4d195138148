#!/usr/bin/env bash
# Builds the one-folder bundle dist/narration-studio/ and measures it.
# Prints one JSON line: {"bundle_mb": …, "launch_to_window_s": …}.
set -euo pipefail
cd "$(dirname "$0")/.."
packaging/setup.sh
.venv/bin/python -m pip install -q "pyinstaller>=6.10,<7"
mkdir -p build
.venv/bin/narration-studio notices > build/THIRD_PARTY_NOTICES.txt
.venv/bin/pyinstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/narration-studio.spec >&2
.venv/bin/python packaging/measure_bundle.py dist/narration-studio
