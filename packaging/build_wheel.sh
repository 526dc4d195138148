#!/usr/bin/env bash
# Builds the narration-studio wheel (what `pip install .` and pipx install) from a clean copy
# of the tree: the files a fresh clone has, never build/ leftovers or a stale *.egg-info,
# which setuptools would otherwise pack into the wheel.
#
#   packaging/build_wheel.sh OUTDIR [more `pip wheel` options]
#
# PYTHON names the interpreter whose pip builds it (default: python3). Progress goes to
# stderr; stdout gets the path of the wheel alone. Used by packaging/check_wheel.sh and by
# tests/unit/packaging/test_wheel.py (which builds offline: --no-build-isolation --no-index).
set -euo pipefail
if [ $# -lt 1 ]; then
  echo "usage: packaging/build_wheel.sh OUTDIR [pip wheel options]" >&2
  exit 2
fi
mkdir -p "$1"
out=$(cd "$1" && pwd)
shift
cd "$(dirname "$0")/.."
py="${PYTHON:-python3}"

copy=$(mktemp -d "${TMPDIR:-/tmp}/studio-source.XXXXXX")
trap 'rm -rf "$copy"' EXIT
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  # Tracked files and new ones not yet added (so a new icon is checked before its commit),
  # minus what .gitignore leaves out; .venv may be a symlink, which ".venv/" does not match.
  git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' file; do
      case $file in .venv | .venv/*) continue ;; esac
      if [ -e "$file" ]; then printf '%s\0' "$file"; fi  # a deleted file is still in the index
    done |
    tar --null -T - -cf - | tar -xf - -C "$copy"
else
  tar --exclude=./.git --exclude=./.venv --exclude=./build --exclude=./dist \
    --exclude='*.egg-info' --exclude=__pycache__ -cf - . | tar -xf - -C "$copy"
fi

"$py" -m pip wheel --no-deps -q -w "$out" "$@" "$copy" >&2
version=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' studio/__init__.py)
wheel="$out/narration_studio-$version-py3-none-any.whl"
if [ ! -f "$wheel" ]; then
  echo "packaging/build_wheel.sh: pip made no $wheel" >&2
  exit 1
fi
echo "$wheel"
