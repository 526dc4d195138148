"""Benchmark of streaming playback with a live highlight. Prints ONE JSON line.

Everything is real: the local ElevenLabs-compatible server (``narration-studio serve --faults``
in its own process, speaking with Piper, as a remote service would be), the HTTP client, the
player controller with its worker, a QPlainTextEdit and the transport bar, and a QAudioSink
playing into a PulseAudio null sink. If no sound server is reachable, a private PulseAudio
with a null sink is started for the run (like tests/run.sh) and stopped by its PID.

Keys (targets from the issue):

* ``first_audio_overhead_ms_p50`` / ``_p95`` (≤ 10 / ≤ 30): from the first byte of the
  response body (timed inside the HTTP transport) to the first sample written to the sink,
  over ``--runs`` plays, each with an injected server delay before the response starts.
* ``sync_error_ms_p95`` / ``_max`` (≤ 20 / ≤ 50): every 7 ms during a ~2-minute narration,
  the distance between the audio clock (the sink's processed time) and the timing interval
  of the character the editor shows highlighted (0 when the clock is inside it). In a pause
  the timings name no character and the last one spoken stays highlighted, so a character's
  interval runs until the next character starts; ``sync_samples_in_pauses`` counts the
  samples where that made the difference.
* ``gui_stall_ms_p99`` / ``_max`` (≤ 16 / ≤ 50): a 5 ms heartbeat timer on the GUI thread
  while streaming and playing that narration; a stall is the lateness of a beat.
  ``control_stall_ms_*`` is the same heartbeat in a bare Qt process running at the same
  time (no player at all): on a shared machine, stalls that show there too are the
  machine's, not the player's. ``stalls_over_20ms`` / ``control_stalls_over_20ms`` list them.
* ``offline_first_audio_ms`` (≤ 400, median of runs): from Play to the first sample in the
  sink with the offline engine, its voice already loaded.
* ``offline_engine_first_chunk_ms`` (context): from Play until the engine yielded its first
  chunk, i.e. the part of ``offline_first_audio_ms`` spent synthesizing.
* ``offline_sync_error_ms_*`` / ``offline_gui_stall_ms_*`` (no target; for information): the
  same measurements on a shorter narration by the offline engine running in this process,
  where synthesis competes with the GUI thread for the interpreter.

Usage: ``.venv/bin/python bench/player.py [--runs N] [--narration-chars N]``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.symbolsresolver=false;qt.multimedia.ffmpeg=false")

SENTENCES = [
    "The lighthouse keeper climbed the spiral stairs an hour before dawn.",
    "Salt had crusted on the windows again, so she wiped each pane with a rag.",
    "Far below, the tide pulled back across the rocks and left the pools shining.",
    "She wrote the weather in the log: wind from the west, visibility fair, a swell building.",
    "Nobody had asked her to keep the log for years, but she kept it anyway.",
    "At six the lamp went dark, and the gulls began their arguments on the roof.",
    "Breakfast was bread, a little cheese, and coffee strong enough to stand a spoon in.",
    "In the afternoon a small boat rounded the point, its sail patched in three colours.",
    "The man at the tiller waved, and she waved back without knowing why.",
    "He tied up at the old jetty, which creaked but held, and walked up the path with a parcel.",
    "Inside were letters, forty of them, addressed to the keeper of the light.",
    "Some were from children, some from sailors, and one was from her own mother, long ago.",
    "She read them slowly by the window while the sea turned from grey to green to gold.",
    "When the lamp came on that evening, it seemed to her a little brighter than before.",
]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def narration(chars: int) -> str:
    parts: list[str] = []
    i = 0
    while sum(len(p) + 1 for p in parts) < chars:
        parts.append(SENTENCES[i % len(SENTENCES)])
        i += 1
        if i % 4 == 0:
            parts[-1] += "\n"
    return " ".join(parts).replace("\n ", "\n").strip()


# -- environment -------------------------------------------------------------------------------


@contextlib.contextmanager
def sound_server() -> Iterator[str]:
    """Use the running sound server, or start a private PulseAudio null sink for the run."""
    if os.environ.get("STUDIO_TEST_AUDIO") and os.environ.get("PULSE_SERVER"):
        yield "existing"
        return
    runtime = tempfile.mkdtemp(prefix="bench-pulse.")
    env_before = {k: os.environ.get(k) for k in ("PULSE_RUNTIME_PATH", "XDG_RUNTIME_DIR", "PULSE_STATE_PATH", "PULSE_SERVER")}
    os.environ.update(
        PULSE_RUNTIME_PATH=runtime, XDG_RUNTIME_DIR=runtime, PULSE_STATE_PATH=f"{runtime}/state",
        PULSE_SERVER=f"unix:{runtime}/native",
    )
    log = open(f"{runtime}/pulse.log", "wb")  # noqa: SIM115 - closed below
    pulse = subprocess.Popen(
        ["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--disallow-exit", "--use-pid-file=no",
         f"--load=module-native-protocol-unix socket={runtime}/native auth-anonymous=1",
         "--load=module-null-sink sink_name=nullsink"],
        stdout=log, stderr=log,
    )
    keepalive = None
    try:
        for _ in range(100):
            if subprocess.run(["pactl", "info"], capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        subprocess.run(["pactl", "set-default-sink", "nullsink"], check=True, capture_output=True)
        # A silent stream keeps the null sink running; a low latency request keeps its buffer short
        # (pacat's default asks for 2 s, which then delays every stream by 2 s).
        keepalive = subprocess.Popen(
            ["pacat", "--raw", "--format=s16le", "--rate=48000", "--channels=2", "--latency-msec=30", "/dev/zero"]
        )
        time.sleep(0.5)
        yield "private null sink"
    finally:
        if keepalive is not None:
            keepalive.terminate()
            keepalive.wait(5)
        pulse.terminate()
        pulse.wait(10)
        log.close()
        shutil.rmtree(runtime, ignore_errors=True)
        for key, value in env_before.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def speech_server() -> Iterator[str]:
    """``narration-studio serve --faults`` in its own process, as a remote service would be."""
    import httpx

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "studio", "serve", "--port", str(port), "--faults"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/v1/models", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start: {proc.stderr.read().decode() if proc.stderr else ''}")
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(15)


# -- the measured app ---------------------------------------------------------------------------


class FirstByteTransport:
    """An httpx transport that notes when the first body byte of each TTS stream arrives."""

    def __init__(self) -> None:
        import httpx

        self._inner = httpx.HTTPTransport()
        self.first_byte_at: float | None = None

    def handle_request(self, request: Any) -> Any:
        import httpx

        response = self._inner.handle_request(request)
        if request.url.path.endswith("/stream/with-timestamps"):
            inner = response.stream
            owner = self

            class Timed(httpx.SyncByteStream):
                def __iter__(self) -> Iterator[bytes]:
                    for part in inner:
                        if part and owner.first_byte_at is None:
                            owner.first_byte_at = time.monotonic()
                        yield part

                def close(self) -> None:
                    inner.close()

            response.stream = Timed()
        return response

    def close(self) -> None:
        self._inner.close()

    def __enter__(self) -> FirstByteTransport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def wait_until(app: Any, predicate: Callable[[], bool], timeout: float) -> bool:
    """Run the real Qt event loop until ``predicate`` holds (checked every millisecond)."""
    from PySide6.QtCore import QEventLoop, Qt, QTimer

    if predicate():
        return True
    loop = QEventLoop()
    deadline = time.monotonic() + timeout
    result = [False]

    def check() -> None:
        if predicate():
            result[0] = True
            loop.quit()
        elif time.monotonic() > deadline:
            loop.quit()

    poll = QTimer()
    poll.setTimerType(Qt.TimerType.PreciseTimer)
    poll.setInterval(1)
    poll.timeout.connect(check)
    poll.start()
    loop.exec()
    poll.stop()
    return result[0]


class Studio:
    """The real widgets and controller, as the main window builds them."""

    def __init__(self, backend: Any, voice_id: str, model_id: str | None = None) -> None:
        from PySide6.QtWidgets import QPlainTextEdit, QVBoxLayout, QWidget

        from studio.core.render_inputs import render_inputs
        from studio.ui.player_controller import PlayerController
        from studio.ui.script_document import ScriptDocumentController
        from studio.ui.transport_bar import TransportBar
        from studio.ui.worker import WorkerPool

        self.window = QWidget()
        layout = QVBoxLayout(self.window)
        self.editor = QPlainTextEdit()
        self.transport = TransportBar()
        layout.addWidget(self.editor)
        layout.addWidget(self.transport)
        self.window.resize(900, 600)
        self.window.show()
        self.pool = WorkerPool(max_threads=2)
        self.errors: list[Any] = []
        self.document = ScriptDocumentController(self.editor)
        # How the window speaks (render_inputs, as RenderSource builds them). No cache: every
        # play must really stream (the cache has its own tests).
        self.controller = PlayerController(
            self.editor, self.transport, self.pool,
            lambda: render_inputs(backend, voice_id=voice_id, model_id=model_id), self.document, None,
        )
        self.controller.error.connect(self.errors.append)

    def close(self) -> None:
        self.controller.shutdown()
        self.pool.shutdown(5000)
        self.window.close()


def first_audio_runs(app: Any, base: str, runs: int, delay: float) -> tuple[list[float], list[float]]:
    import httpx

    from studio.api.client import ElevenLabsClient
    from studio.core.backends.elevenlabs import ElevenLabsBackend

    transport = FirstByteTransport()
    client = ElevenLabsClient(None, base, transport=transport, max_retries=0)  # type: ignore[arg-type]
    backend = ElevenLabsBackend(client)
    voice = backend.search_voices(__import__("studio.api.requests", fromlist=["VoiceSearch"]).VoiceSearch()).voices[0]
    studio = Studio(backend, voice.voice_id)
    overheads: list[float] = []
    stops: list[float] = []
    try:
        for run in range(runs + 1):  # the first run warms up the server's engine; not counted
            httpx.post(f"{base}/_test/faults", json=[{"kind": "delay", "delay": delay,
                                                      "endpoint": "tts_stream_with_timestamps"}])
            transport.first_byte_at = None
            studio.editor.setPlainText(f"Take {run}. {SENTENCES[run % len(SENTENCES)]}")
            studio.controller.play()
            ok = wait_until(app, lambda: studio.controller.player.first_write_at is not None, 60)
            if not ok or studio.errors:
                raise RuntimeError(f"no audio on run {run}: {studio.errors}")
            if run > 0 and transport.first_byte_at is not None:
                overheads.append((studio.controller.player.first_write_at - transport.first_byte_at) * 1000)
            worker = studio.controller.session_worker
            started = time.monotonic()
            studio.controller.stop()
            if worker is not None:
                worker.wait(5)
                stops.append((time.monotonic() - started) * 1000)
            wait_until(app, lambda: studio.pool.active_count == 0, 5)
    finally:
        studio.close()
        client.close()
    return overheads, stops


def narration_run(app: Any, backend: Any, voice_id: str, model_id: str | None, text: str) -> dict[str, Any]:
    from PySide6.QtCore import QElapsedTimer, Qt, QTimer

    studio = Studio(backend, voice_id, model_id)
    studio.editor.setPlainText(text)
    controller = studio.controller
    errors_ms: list[float] = []
    in_pause: list[bool] = []
    beats: list[float] = []
    big_stalls: list[tuple[float, float]] = []  # (time.monotonic(), ms) for diagnosis
    clock_timer = QElapsedTimer()

    def sample() -> None:
        index = controller.highlighted_index
        timings = controller.clock
        if index is None or timings is None:
            return
        now = controller.player.played_seconds()
        distances = []
        strict = []
        for start, end in timings.current_spans_of(index):
            distances.append(0.0 if start <= now <= end else min(abs(now - start), abs(now - end)))
        for start, end in timings.intervals_of(index):
            strict.append(0.0 if start <= now <= end else min(abs(now - start), abs(now - end)))
        if distances:
            errors_ms.append(min(distances) * 1000)
            in_pause.append(min(strict) > 0 and min(distances) == 0)

    sampler = QTimer()
    sampler.setTimerType(Qt.TimerType.PreciseTimer)
    sampler.setInterval(7)
    sampler.timeout.connect(sample)
    heartbeat = QTimer()
    heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
    heartbeat.setInterval(5)
    last = [0.0]

    def beat() -> None:
        now = clock_timer.nsecsElapsed() / 1e6
        if last[0]:
            beats.append(max(0.0, now - last[0] - 5.0))
            if beats[-1] > 20:
                big_stalls.append((time.monotonic(), beats[-1]))
        last[0] = now

    heartbeat.timeout.connect(beat)
    finished: list[bool] = []
    controller.player.finished.connect(lambda: finished.append(True))
    # The same heartbeat in a bare process alongside: stalls the machine causes by itself.
    expected = len(text) / 15.0 + 30
    control = subprocess.Popen([sys.executable, __file__, "--control-heartbeat", str(expected)],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        clock_timer.start()
        heartbeat.start()
        sampler.start()
        started = time.monotonic()
        controller.play()
        if not wait_until(app, lambda: bool(finished) or bool(studio.errors), 600):
            raise RuntimeError("narration did not finish")
        if studio.errors:
            raise RuntimeError(f"narration failed: {studio.errors[0]}")
        wall = time.monotonic() - started
        audio = controller.player.received_seconds()
        ended = time.monotonic()
    except BaseException:
        control.kill()
        control.wait()
        raise
    finally:
        sampler.stop()
        heartbeat.stop()
        studio.close()
    out, _ = control.communicate(timeout=expected + 60)
    control_stalls = [ms for t, ms in json.loads(out) if started <= t <= ended]
    return {
        "errors_ms": errors_ms,
        "stalls_ms": beats,
        "control_stalls_ms": control_stalls,
        "big_stalls": big_stalls,
        "audio_s": audio,
        "wall_s": wall,
        "pause_samples": sum(in_pause),
    }


def offline_runs(
    app: Any, runs: int, narration_chars: int
) -> tuple[list[float], list[float], dict[str, Any] | None]:
    from studio.core.backends.offline import MODEL_ID, OfflineBackend
    from studio.offline.engine import get_engine
    from studio.offline.voices import bundled_voice

    backend = OfflineBackend()
    voice_id = bundled_voice().voice_id

    get_engine(voice_id).load()  # "with the offline voice already loaded"
    engine_first_chunk: list[float] = []

    class EngineTimer:
        """Notes when the engine hands over its first chunk, to tell engine time from player time."""

        engine_id = backend.engine_id
        display_name = backend.display_name

        def stream_with_timestamps(self, request: Any) -> Any:
            from studio.api.streaming import SpeechStream

            inner = backend.stream_with_timestamps(request)

            def chunks() -> Iterator[Any]:
                first = True
                for chunk in inner:
                    if first:
                        engine_first_chunk.append(time.monotonic())
                        first = False
                    yield chunk

            return SpeechStream(chunks(), inner.info, on_close=inner.close)

    studio = Studio(EngineTimer(), voice_id, MODEL_ID)
    times: list[float] = []
    engine_times: list[float] = []
    try:
        for run in range(runs + 1):
            studio.editor.setPlainText(SENTENCES[run % len(SENTENCES)])
            started = time.monotonic()
            studio.controller.play()
            if not wait_until(app, lambda: studio.controller.player.first_write_at is not None, 30) or studio.errors:
                raise RuntimeError(f"offline run {run} failed: {studio.errors}")
            if run > 0:
                times.append((studio.controller.player.first_write_at - started) * 1000)
                engine_times.append((engine_first_chunk[-1] - started) * 1000)
            studio.controller.stop()
            wait_until(app, lambda: studio.pool.active_count == 0, 5)
    finally:
        studio.close()
    narration_result = None
    if narration_chars > 0:
        narration_result = narration_run(app, backend, voice_id, MODEL_ID, narration(narration_chars))
    return times, engine_times, narration_result


def control_heartbeat(seconds: float) -> None:
    """A bare Qt process with the same 5 ms heartbeat and nothing else: the machine's own stalls."""
    from PySide6.QtCore import QCoreApplication, QElapsedTimer, Qt, QTimer

    app = QCoreApplication([])
    timer = QElapsedTimer()
    timer.start()
    last = [0.0]
    stalls: list[tuple[float, float]] = []

    def beat() -> None:
        now = timer.nsecsElapsed() / 1e6
        if last[0]:
            stalls.append((time.monotonic(), max(0.0, now - last[0] - 5.0)))
        last[0] = now

    heartbeat = QTimer()
    heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
    heartbeat.setInterval(5)
    heartbeat.timeout.connect(beat)
    heartbeat.start()
    QTimer.singleShot(int(seconds * 1000), app.quit)
    app.exec()
    print(json.dumps(stalls))


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--control-heartbeat":
        control_heartbeat(float(sys.argv[2]))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--server-delay", type=float, default=0.3)
    parser.add_argument("--narration-chars", type=int, default=2250, help="about 2 minutes of speech")
    parser.add_argument("--offline-narration-chars", type=int, default=600,
                        help="the same sync/stall measurement with the offline engine in-process (0: skip)")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]  # the machine is shared: context for the numbers

    with sound_server() as sound, speech_server() as base:
        from PySide6.QtWidgets import QApplication

        import studio.playback  # noqa: F401 - applies the PySide emit() workaround
        from studio.api.client import ElevenLabsClient
        from studio.api.requests import VoiceSearch
        from studio.core.backends.elevenlabs import ElevenLabsBackend
        from studio.playback.pcm_player import audio_output_available

        app = QApplication.instance() or QApplication([])
        if not audio_output_available():
            raise SystemExit("no audio output: the null sink did not appear")
        overheads, stops = first_audio_runs(app, base, args.runs, args.server_delay)

        client = ElevenLabsClient(None, base, max_retries=0)
        backend = ElevenLabsBackend(client)
        voice = backend.search_voices(VoiceSearch()).voices[0]
        text = narration(args.narration_chars)
        result = narration_run(app, backend, voice.voice_id, None, text)
        client.close()
        offline, offline_engine, offline_narration = offline_runs(app, max(5, args.runs // 2),
                                                                  args.offline_narration_chars)

    out = {
        "first_audio_overhead_ms_p50": round(percentile(overheads, 0.5), 2),
        "first_audio_overhead_ms_p95": round(percentile(overheads, 0.95), 2),
        "sync_error_ms_p95": round(percentile(result["errors_ms"], 0.95), 2),
        "sync_error_ms_max": round(max(result["errors_ms"]), 2),
        "gui_stall_ms_p99": round(percentile(result["stalls_ms"], 0.99), 2),
        "gui_stall_ms_max": round(max(result["stalls_ms"]), 2),
        "control_stall_ms_p99": round(percentile(result["control_stalls_ms"], 0.99), 2),
        "control_stall_ms_max": round(max(result["control_stalls_ms"]), 2),
        "stalls_over_20ms": [round(ms, 1) for _t, ms in result["big_stalls"]],
        "control_stalls_over_20ms": [round(ms, 1) for ms in result["control_stalls_ms"] if ms > 20],
        "offline_first_audio_ms": round(statistics.median(offline), 1) if offline else None,
        "offline_first_audio_ms_max": round(max(offline), 1) if offline else None,
        "offline_engine_first_chunk_ms": round(statistics.median(offline_engine), 1) if offline_engine else None,
        "stop_to_worker_end_ms_max": round(max(stops), 1) if stops else None,
        "offline_sync_error_ms_p95": round(percentile(offline_narration["errors_ms"], 0.95), 2) if offline_narration else None,
        "offline_sync_error_ms_max": round(max(offline_narration["errors_ms"]), 2) if offline_narration else None,
        "offline_gui_stall_ms_p99": round(percentile(offline_narration["stalls_ms"], 0.99), 2) if offline_narration else None,
        "offline_gui_stall_ms_max": round(max(offline_narration["stalls_ms"]), 2) if offline_narration else None,
        "runs": len(overheads),
        "server_delay_s": args.server_delay,
        "narration_audio_s": round(result["audio_s"], 1),
        "narration_wall_s": round(result["wall_s"], 1),
        "sync_samples": len(result["errors_ms"]),
        "sync_samples_in_pauses": result["pause_samples"],
        "heartbeats": len(result["stalls_ms"]),
        "sound": sound,
        "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
