#!/usr/bin/env bash
# A plain install works: builds the wheel (packaging/build_wheel.sh), installs it with its
# dependencies into a fresh virtual environment (nothing of .venv or the system's packages),
# and uses the installed app from outside the source tree, as a new user: --version, the
# studio window (offscreen, until it reports itself shown), install-desktop and an offline export.
#
#   packaging/check_wheel.sh
#
# .ci/run runs it after the tests. It needs PyPI (or pip's cache) for the dependencies.
# Progress goes to stderr; the last line on stdout says what passed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
py="${PYTHON:-python3}"
work=$(mktemp -d "${TMPDIR:-/tmp}/studio-wheel-check.XXXXXX")
trap 'rm -rf "$work"' EXIT

say() { echo "check_wheel: $*" >&2; }
fail() {
  say "FAILED: $*"
  exit 1
}

say "a fresh virtual environment"
"$py" -m venv "$work/venv"
venv_py="$work/venv/bin/python"
app="$work/venv/bin/narration-studio"

say "building the wheel"
wheel=$(PYTHON="$venv_py" packaging/build_wheel.sh "$work/dist")
say "installing $(basename "$wheel") and its dependencies"
"$venv_py" -m pip install -q "$wheel" >&2
expected_version=$(basename "$wheel")  # narration_studio-VERSION-py3-none-any.whl
expected_version=${expected_version#narration_studio-}
expected_version=${expected_version%%-*}

# From here on: the installed app only. A folder outside the source tree, its own
# config/data/cache folders, no key, a keyring that stores nothing, nothing on PYTHONPATH.
mkdir -p "$work/user"
cd "$work/user"
unset PYTHONPATH PYTHONHOME ELEVENLABS_API_KEY ELEVENLABS_BASE_URL QT_QPA_PLATFORM
export XDG_CONFIG_HOME="$work/user/config" XDG_DATA_HOME="$work/user/data" \
  XDG_CACHE_HOME="$work/user/cache" XDG_STATE_HOME="$work/user/state" \
  PYTHON_KEYRING_BACKEND=keyring.backends.null.Keyring PYTHONDONTWRITEBYTECODE=1

imported=$("$venv_py" -c 'import studio; print(studio.__file__)')
case $imported in
  "$work/venv/"*) ;;
  *) fail "studio was imported from $imported, not from the installed wheel" ;;
esac
case $imported in
  "$root/"*) fail "studio was imported from the source tree ($imported)" ;;
esac

version=$("$app" --version)
[ "$version" = "narration-studio $expected_version" ] ||
  fail "--version printed '$version', expected 'narration-studio $expected_version'"
say "$version"

say "starting the studio offscreen"
if ! shown=$(QT_QPA_PLATFORM=offscreen NARRATION_STUDIO_REPORT_SHOWN=1 timeout 120 "$app" 2>"$work/gui.log"); then
  cat "$work/gui.log" >&2
  fail "the studio did not start (see its output above)"
fi
if ! grep -qx main-window-shown <<<"$shown"; then
  cat "$work/gui.log" >&2
  fail "the studio never reported its main window shown; it printed: $shown"
fi

say "adding it to the desktop's app menu (under the temporary data folder)"
"$app" install-desktop >&2 || fail "install-desktop failed (see its output above)"
entry="$XDG_DATA_HOME/applications/org.narrationstudio.NarrationStudio.desktop"
grep -qxF "Exec=$app %f" "$entry" || fail "$entry does not start $app"
[ -s "$XDG_DATA_HOME/icons/hicolor/256x256/apps/org.narrationstudio.NarrationStudio.png" ] ||
  fail "install-desktop rendered no 256x256 icon"

say "exporting two sentences with the offline voice"
mkdir -p out
printf 'The installed studio speaks. This is its second sentence.\n' >script.txt
timeout 300 "$app" export script.txt --offline --out out/script.wav >&2 ||
  fail "the offline export failed (see its output above)"
[ -s out/script.wav ] || fail "the export wrote no out/script.wav"
[ "$(head -c 4 out/script.wav)" = RIFF ] || fail "out/script.wav is not a WAV file"
wav_bytes=$(stat -c %s out/script.wav)

echo "check_wheel: passed in ${SECONDS}s: $(basename "$wheel") installed into a fresh virtual environment;" \
  "from outside the source tree --version, the studio window (offscreen), install-desktop and an" \
  "offline export (${wav_bytes}-byte WAV) work"
