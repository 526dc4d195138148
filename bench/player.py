"""Benchmark of streaming playback with a live highlight. Prints ONE JSON line.

Everything is real: the local ElevenLabs-compatible server (``narration-studio serve --faults``
in its own process, speaking with Piper, as a remote service would be), the HTTP client, the
player controller with its worker, a QPlainTextEdit and the transport bar, and a QAudioSink
playing into a PulseAudio null sink. If no sound server is reachable, a private PulseAudio
with a null sink is started for the run (like tests/run.sh) and stopped by its PID.

Keys (targets from the issue):

* Measured at the sound output, end to end (bench/sink_sync.py): the real main window on the
  server's tone test voice (letters are tones, spaces and punctuation silence), the null
  sink's monitor recorded, signed (positive = late):
  ``highlight_minus_heard_ms_median`` / ``_p95`` / ``_max`` / ``_min`` / ``_abs_p95`` (targets
  |median| ≤ 5, p95 of |error| ≤ 15): each word's first *painted* highlight minus its first
  heard tone, over a narration of ``--sink-paragraphs`` distinct paragraphs;
  ``subtitle_minus_heard_ms_*``: JSON word and SRT cue starts of an export minus the onsets
  in the exported WAV (read back with soundfile); ``first_sound_over_first_byte_ms_p50`` (≤ 15)
  / ``_max``: the server's first response byte (``/_test/first-bytes``) to the first audible
  sample at the monitor, over ``--sink-runs`` plays of distinct sentences. Context:
  ``first_write_over_first_byte_ms_p50`` and ``first_sound_over_first_write_ms_p50`` split
  that into the studio's part and the sound server's; ``heard_minus_clock_ms_*`` is the
  player's audio clock against the sound (to tell the clock from the paint path).
* ``stop_to_worker_end_ms_max``: from Stop until the stream worker has ended, over ``--runs``
  plays with an injected server delay.
* ``gui_stall_ms_p99`` / ``_max`` (≤ 16 / ≤ 50): a 5 ms heartbeat timer on the GUI thread
  while streaming and playing a ~2-minute narration (Piper speech from the server); a stall is the lateness of a beat.
  ``control_stall_ms_*`` is the same heartbeat in a bare Qt process running at the same
  time (no player at all): on a shared machine, stalls that show there too are the
  machine's, not the player's. ``stalls_over_20ms`` / ``control_stalls_over_20ms`` list them.
* ``offline_first_audio_ms`` (≤ 400, median of runs): from Play to the first sample in the
  sink with the offline engine, its voice already loaded.
* ``offline_engine_first_chunk_ms`` (context): from Play until the engine yielded its first
  chunk, i.e. the part of ``offline_first_audio_ms`` spent synthesizing.
* ``offline_gui_stall_ms_*`` (no target; for information): the same measurement on a shorter narration by the offline engine running in this process,
  where synthesis competes with the GUI thread for the interpreter.
* ``gc_pause_ms_max`` / ``gc_full_collections`` (context for the stall figures): the longest
  pause of Python's cyclic garbage collector (it holds the interpreter, so it stalls the GUI
  thread whichever thread triggered it) and the number of full (generation 2) collections
  during the ~2-minute narration, timed with ``gc.callbacks``; ``…_1h`` the same over the hour
  below. The player changes no interpreter-wide setting (no ``gc.freeze()``, no switch
  interval): these figures show whether it would need to.
* ``peak_rss_mb_1h``: peak resident memory (``VmHWM``, read by this script from
  ``/proc/<pid>/status`` of a separate process, not by the code under test) of a studio
  process that plays an hour of narration: distinct paragraphs of real sentences, streamed
  from the local server over HTTP (real speech, with timings) into the player with its
  speech cache on, through the real feed path to the sink. It plays faster than real time
  by *seeking*: every 0.5 s, while more than 3 s have arrived beyond the play position, it
  seeks to 1 s before the newest audio — so the whole hour is generated, received, stored
  and fed to the sink in minutes, and the bound on unplayed audio lets the worker go on.
  ``rss_before_play_mb`` is the same process just before Play, ``audio_mb_1h`` the size of
  one copy of the hour's audio, ``memory_audio_s`` / ``memory_wall_s`` what was played and
  how long it took. ``--memory-hours 0`` skips it.

Usage: ``.venv/bin/python bench/player.py [--runs N] [--narration-chars N] [--memory-hours H]
[--sink-runs N] [--sink-paragraphs N]``.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
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
sys.path.insert(0, str(ROOT / "bench"))

from sink_sync import percentile  # noqa: E402 - bench/sink_sync.py, also run from main()

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


#: More real sentences, so an hour of narration needs no paragraph twice.
MORE_SENTENCES = [
    "The ferry came twice a week, weather permitting, and the weather rarely permitted.",
    "Her brother had left for the city at nineteen and written every Christmas since.",
    "The radio in the kitchen could pick up three stations, and two of them were French.",
    "On clear nights she could count the lights of the fishing fleet far out on the bank.",
    "The stairs had been painted white once, then grey, then white again over the grey.",
    "A storm in the spring had taken the roof off the boathouse and most of the fence.",
    "She mended nets for the harbour master, who paid her in diesel and gossip.",
    "Every second Sunday the doctor rowed over from the mainland to check on her knee.",
    "The lens of the lamp was older than the tower and had come from a wreck.",
    "Children from the school wrote to ask whether she was ever lonely out there.",
    "She answered every letter, and told them that the sea was never the same twice.",
    "In winter the spray froze on the railings and the gulls stood on the ice.",
    "The keeper before her had planted a rose by the door, and it still flowered in June.",
    "Once a whale had come so close to the rocks that she could hear it breathe.",
    "The log books filled a whole shelf, each one bound in oilcloth against the damp.",
    "At the end of every season she walked the island's edge to see what the tide had left.",
]


def hour_paragraphs(chars: int) -> str:
    """Distinct paragraphs of real sentences, at least ``chars`` long."""
    import random

    pool = SENTENCES + MORE_SENTENCES
    pick = random.Random(1)  # the same hour every run
    paragraphs: list[str] = []
    seen: set[str] = set()
    total = 0
    while total < chars:
        paragraph = " ".join(pick.sample(pool, 4))
        if paragraph in seen:
            continue
        seen.add(paragraph)
        paragraphs.append(paragraph)
        total += len(paragraph) + 2
    return "\n\n".join(paragraphs)


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
        # KEEPALIVE_MS changes its request, to show a figure is the studio's and not the rig's.
        keepalive_ms = os.environ.get("KEEPALIVE_MS", "30")
        keepalive = subprocess.Popen(
            ["pacat", "--raw", "--format=s16le", "--rate=48000", "--channels=2", f"--latency-msec={keepalive_ms}",
             "/dev/zero"]
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
    """``narration-studio serve --faults --tone-voice`` in its own process, as a remote service would be."""
    import httpx

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "studio", "serve", "--port", str(port), "--faults", "--tone-voice"],
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


class GcPauses:
    """Times every run of the cyclic garbage collector (``gc.callbacks``) between start and stop."""

    def __init__(self) -> None:
        self.pauses: list[tuple[int, float]] = []  # (generation, ms)
        self._began = 0.0

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.pauses.append((info["generation"], (time.perf_counter() - self._began) * 1000))

    def start(self) -> None:
        gc.callbacks.append(self._on_gc)

    def stop(self) -> None:
        if self._on_gc in gc.callbacks:
            gc.callbacks.remove(self._on_gc)

    def figures(self, suffix: str = "") -> dict[str, float]:
        return {
            f"gc_pause_ms_max{suffix}": round(max((ms for _g, ms in self.pauses), default=0.0), 2),
            f"gc_full_collections{suffix}": sum(1 for g, _ms in self.pauses if g == 2),
        }


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

    def __init__(self, backend: Any, voice_id: str, model_id: str | None = None, cache: Any = None) -> None:
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
        # How the window speaks (render_inputs, as RenderSource builds them). No cache unless
        # given: every play must really stream (the cache has its own tests).
        self.controller = PlayerController(
            self.editor, self.transport, self.pool,
            lambda: render_inputs(backend, voice_id=voice_id, model_id=model_id), self.document, cache,
        )
        self.controller.error.connect(self.errors.append)

    def close(self) -> None:
        self.controller.shutdown()
        self.pool.shutdown(5000)
        self.window.close()


def stop_runs(app: Any, base: str, runs: int, delay: float) -> list[float]:
    """Stop while the server is still making speech: how long until the stream worker has ended."""
    import httpx

    from studio.api.client import ElevenLabsClient
    from studio.api.requests import VoiceSearch
    from studio.core.backends.elevenlabs import ElevenLabsBackend

    client = ElevenLabsClient(None, base, max_retries=0)  # type: ignore[arg-type]
    backend = ElevenLabsBackend(client)
    voice = backend.search_voices(VoiceSearch()).voices[0]
    studio = Studio(backend, voice.voice_id)
    stops: list[float] = []
    try:
        for run in range(runs + 1):  # the first run warms up the server's engine; not counted
            httpx.post(f"{base}/_test/faults", json=[{"kind": "delay", "delay": delay,
                                                      "endpoint": "tts_stream_with_timestamps"}])
            studio.editor.setPlainText(f"Take {run}. {SENTENCES[run % len(SENTENCES)]}")
            studio.controller.play()
            ok = wait_until(app, lambda: studio.controller.player.first_write_at is not None, 60)
            if not ok or studio.errors:
                raise RuntimeError(f"no audio on run {run}: {studio.errors}")
            worker = studio.controller.session_worker
            started = time.monotonic()
            studio.controller.stop()
            if worker is not None and run > 0:
                worker.wait(5)
                stops.append((time.monotonic() - started) * 1000)
            wait_until(app, lambda: studio.pool.active_count == 0, 5)
    finally:
        studio.close()
        client.close()
    return stops


def narration_run(app: Any, backend: Any, voice_id: str, model_id: str | None, text: str) -> dict[str, Any]:
    from PySide6.QtCore import QElapsedTimer, Qt, QTimer

    studio = Studio(backend, voice_id, model_id)
    studio.editor.setPlainText(text)
    controller = studio.controller
    beats: list[float] = []
    big_stalls: list[tuple[float, float]] = []  # (time.monotonic(), ms) for diagnosis
    clock_timer = QElapsedTimer()

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
    gc_pauses = GcPauses()
    finished: list[bool] = []
    controller.player.finished.connect(lambda: finished.append(True))
    # The same heartbeat in a bare process alongside: stalls the machine causes by itself.
    expected = len(text) / 15.0 + 30
    control = subprocess.Popen([sys.executable, __file__, "--control-heartbeat", str(expected)],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        clock_timer.start()
        heartbeat.start()
        gc_pauses.start()
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
        gc_pauses.stop()
        heartbeat.stop()
        studio.close()
    out, _ = control.communicate(timeout=expected + 60)
    control_stalls = [ms for t, ms in json.loads(out) if started <= t <= ended]
    return {
        "stalls_ms": beats,
        "control_stalls_ms": control_stalls,
        "big_stalls": big_stalls,
        "audio_s": audio,
        "wall_s": wall,
        "gc_pauses": gc_pauses.figures(),
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


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory of process ``pid`` (VmHWM), read from outside it."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc")


def memory_child(base: str, hours: float) -> None:
    """The measured process: play an hour of narration, seeking to keep up; report; wait for 'quit'."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    import studio.playback  # noqa: F401 - applies the PySide emit() workaround
    from studio.api.client import ElevenLabsClient
    from studio.api.requests import TextToSpeechRequest, VoiceSearch
    from studio.core.backends.elevenlabs import ElevenLabsBackend
    from studio.core.cache import SpeechCache

    app = QApplication.instance() or QApplication([])
    client = ElevenLabsClient(None, base, max_retries=0)  # type: ignore[arg-type]
    backend = ElevenLabsBackend(client)
    voice = backend.search_voices(VoiceSearch()).voices[0]
    text = hour_paragraphs(int(hours * 3600 * 20))  # the server's voice speaks ≈ 19 characters a second
    with tempfile.TemporaryDirectory(prefix="bench-player-cache-") as cache_dir:
        cache = SpeechCache(cache_dir, max_bytes=20 * 1024**3)
        studio = Studio(backend, voice.voice_id, None, cache)
        studio.editor.setPlainText(text)
        controller, player = studio.controller, studio.controller.player
        seeks = [0]

        def keep_up() -> None:
            played, received = player.played_seconds(), player.received_seconds()
            if player.state.value == "playing" and received - played > 3.0:
                controller.seek(received - 1.0)
                seeks[0] += 1

        ticker = QTimer()
        ticker.setInterval(500)
        ticker.timeout.connect(keep_up)
        finished: list[bool] = []
        player.finished.connect(lambda: finished.append(True))
        app.processEvents()
        rss_before = int(next(line for line in Path("/proc/self/status").read_text().splitlines()
                              if line.startswith("VmRSS:")).split()[1]) / 1024
        gc_pauses = GcPauses()
        gc_pauses.start()
        started = time.monotonic()
        ticker.start()
        controller.play()
        ok = wait_until(app, lambda: bool(finished) or bool(studio.errors), hours * 3600)
        ticker.stop()
        gc_pauses.stop()
        result = {
            "ok": ok and not studio.errors,
            "errors": [str(e) for e in studio.errors],
            "audio_s": round(player.received_seconds(), 1),
            "wall_s": round(time.monotonic() - started, 1),
            "seeks": seeks[0],
            "chars": len(text),
            "rss_before_play_mb": round(rss_before, 1),
            **gc_pauses.figures("_1h"),
        }
        studio.close()
    client.close()
    print(json.dumps(result), flush=True)
    sys.stdin.readline()  # the parent reads this process's VmHWM now


def memory_hour(base: str, hours: float) -> dict[str, Any]:
    child = subprocess.Popen([sys.executable, __file__, "--memory-child", base, str(hours)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert child.stdout is not None and child.stdin is not None
        line = child.stdout.readline()
        if not line:
            raise RuntimeError(f"the memory run ended without a result (exit {child.wait()})")
        result = json.loads(line)
        peak = peak_rss_mb(child.pid)
        child.stdin.write("quit\n")
        child.stdin.flush()
        child.wait(60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    if not result["ok"]:
        raise RuntimeError(f"the hour of narration failed: {result['errors']}")
    return {
        "peak_rss_mb_1h": round(peak, 1),
        "rss_before_play_mb": result["rss_before_play_mb"],
        "audio_mb_1h": round(result["audio_s"] * 48000 / 1024**2, 1),
        "memory_audio_s": result["audio_s"],
        "memory_wall_s": result["wall_s"],
        "memory_seeks": result["seeks"],
        "memory_chars": result["chars"],
        "gc_pause_ms_max_1h": result["gc_pause_ms_max_1h"],
        "gc_full_collections_1h": result["gc_full_collections_1h"],
    }


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
    if len(sys.argv) == 4 and sys.argv[1] == "--memory-child":
        memory_child(sys.argv[2], float(sys.argv[3]))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--server-delay", type=float, default=0.3)
    parser.add_argument("--narration-chars", type=int, default=2250, help="about 2 minutes of speech")
    parser.add_argument("--offline-narration-chars", type=int, default=600,
                        help="the same sync/stall measurement with the offline engine in-process (0: skip)")
    parser.add_argument("--sink-runs", type=int, default=12,
                        help="plays of distinct sentences for first_sound_over_first_byte_ms")
    parser.add_argument("--sink-paragraphs", type=int, default=5,
                        help="distinct paragraphs (about 15 s each) for highlight_minus_heard_ms")
    parser.add_argument("--memory-hours", type=float, default=1.0,
                        help="hours of narration for peak_rss_mb_1h (0: skip)")
    args = parser.parse_args()
    import sink_sync  # the figures measured at the sound output

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
        stops = stop_runs(app, base, args.runs, args.server_delay)
        sink = sink_sync.measure(base, first_sound_runs_n=args.sink_runs, narration_paragraphs=args.sink_paragraphs)

        client = ElevenLabsClient(None, base, max_retries=0)
        backend = ElevenLabsBackend(client)
        voice = backend.search_voices(VoiceSearch()).voices[0]
        text = narration(args.narration_chars)
        result = narration_run(app, backend, voice.voice_id, None, text)
        client.close()
        offline, offline_engine, offline_narration = offline_runs(app, max(5, args.runs // 2),
                                                                  args.offline_narration_chars)
        memory = memory_hour(base, args.memory_hours) if args.memory_hours > 0 else {}

    out = {
        **sink,
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
        **result["gc_pauses"],
        "offline_gui_stall_ms_p99": round(percentile(offline_narration["stalls_ms"], 0.99), 2) if offline_narration else None,
        "offline_gui_stall_ms_max": round(max(offline_narration["stalls_ms"]), 2) if offline_narration else None,
        "runs": len(stops),
        "server_delay_s": args.server_delay,
        "narration_audio_s": round(result["audio_s"], 1),
        "narration_wall_s": round(result["wall_s"], 1),
        "heartbeats": len(result["stalls_ms"]),
        "sound": sound,
        "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        **memory,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
