#!/usr/bin/env bash
# Runs the whole test suite the way CI does: a private PulseAudio with a null sink
# (and a silent keep-alive stream, without which the null sink stalls new streams),
# offscreen Qt, the no-Qt-in-core contract, then pytest. The sound server lives only
# for this run and is stopped by the PIDs saved here.
set -uo pipefail
cd "$(dirname "$0")/.."

export QT_QPA_PLATFORM=offscreen
export QT_LOGGING_RULES="qt.multimedia.symbolsresolver=false;qt.multimedia.ffmpeg=false"
export PYTHONDONTWRITEBYTECODE=1
# Never let a test see a real key or a real API address.
unset ELEVENLABS_API_KEY ELEVENLABS_BASE_URL

runtime=$(mktemp -d /tmp/studio-pulse.XXXXXX)
export PULSE_RUNTIME_PATH="$runtime" XDG_RUNTIME_DIR="$runtime" PULSE_STATE_PATH="$runtime/state"
export PULSE_SERVER="unix:$runtime/native"
pulse_pid="" keepalive_pid=""

stop_sound() {
  [ -n "$keepalive_pid" ] && kill "$keepalive_pid" 2>/dev/null
  [ -n "$pulse_pid" ] && kill "$pulse_pid" 2>/dev/null
  [ -n "$pulse_pid" ] && wait "$pulse_pid" 2>/dev/null
  rm -rf "$runtime"
}
trap stop_sound EXIT

pulseaudio -n --daemonize=no --exit-idle-time=-1 --disallow-exit --use-pid-file=no \
  --load="module-native-protocol-unix socket=$runtime/native auth-anonymous=1" \
  --load="module-null-sink sink_name=nullsink" >"$runtime/pulse.log" 2>&1 &
pulse_pid=$!
for _ in $(seq 1 100); do
  pactl info >/dev/null 2>&1 && break
  sleep 0.1
done
if ! pactl info >/dev/null 2>&1; then
  echo "tests/run.sh: PulseAudio did not start:" >&2
  cat "$runtime/pulse.log" >&2
  exit 1
fi
pactl set-default-sink nullsink
pacat --raw --format=s16le --rate=48000 --channels=2 --latency-msec=30 /dev/zero &
keepalive_pid=$!
export STUDIO_TEST_AUDIO=1

echo "== import contracts: studio.api, studio.core, studio.offline import no Qt; layers import only downwards"
.venv/bin/lint-imports --no-cache || exit 1

echo "== pytest"
.venv/bin/python -m pytest "$@"
