"""The highlight, the subtitles and the first sound, measured at the sound output (bench/player.py).

Everything real: the studio's main window (its editor, player and QAudioSink) on the local
ElevenLabs-compatible server in its own process (``serve --faults --tone-voice``), speaking
with the tone test voice (letters are tones, spaces and punctuation silence:
studio/server/tone_voice.py), into a PulseAudio null sink whose monitor is recorded
(tests/fixtures/sink_monitor.py). Three figures, signed, in milliseconds:

* ``highlight_minus_heard_ms``: for every word, when the editor first *painted* the
  highlight on it (a Paint event filter on the editor's viewport, reading the highlight the
  editor was given, stamped with ``time.monotonic()``) minus when its first tone was heard
  at the monitor. Positive = the highlight is late. Never the player's own clock.
* ``subtitle_minus_heard_ms``: the same voice exported by ``narration-studio export`` (WAV
  with JSON timings and SRT), the file read back with soundfile: each word's start in the
  JSON, and each SRT cue's start, minus the onset found in the file.
* ``first_sound_over_first_byte_ms``: from the first body byte of the speech response (as the
  server notes it, ``GET /_test/first-bytes``) to the first audible sample at the monitor.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fixtures.sink_monitor import MonitorRecorder, detect_onsets, match_onsets  # noqa: E402
from tests.unit.core.script.prose import paragraphs  # noqa: E402 - distinct book-like paragraphs

from tests.fixtures.sink_monitor import MATCH_S  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def signed_figures(name: str, values: list[float]) -> dict[str, Any]:
    return {
        f"{name}_median": round(statistics.median(values), 2) if values else None,
        f"{name}_p95": round(percentile(values, 0.95), 2) if values else None,
        f"{name}_max": round(max(values), 2) if values else None,
        f"{name}_min": round(min(values), 2) if values else None,
        f"{name}_abs_p95": round(percentile([abs(v) for v in values], 0.95), 2) if values else None,
        f"{name}_count": len(values),
    }


def word_starts(text: str) -> list[int]:
    """Text indices where a tone run (a word's first letter) begins."""
    from studio.server.tone_voice import sounds

    return [i for i, ch in enumerate(text) if sounds(ch) and (i == 0 or not sounds(text[i - 1]))]


class PaintLog:
    """Every paint of the editor's viewport: (time.monotonic(), start of the highlighted character)."""

    def __init__(self, editor: Any, highlighter: Any, clock: Callable[[], float]) -> None:
        from PySide6.QtCore import QEvent, QObject

        log = self

        class Filter(QObject):
            def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
                if event.type() == QEvent.Type.Paint:
                    char_range, _word = highlighter.current
                    log.paints.append((time.monotonic(), None if char_range is None else char_range[0]))
                    log.clock.append((time.monotonic(), clock()))
                return False

        self.paints: list[tuple[float, int | None]] = []
        #: (time.monotonic(), the player's audio clock) at each paint: to tell the clock's
        #: error from the paint path's delay (context, not the figure).
        self.clock: list[tuple[float, float]] = []
        self._filter = Filter()
        self._viewport = editor.viewport()
        self._viewport.installEventFilter(self._filter)

    def first_shown(self, span_start: int, span_end: int, after: float) -> float | None:
        """When the highlight was first painted inside [span_start, span_end) after ``after``."""
        for at, position in self.paints:
            if at >= after and position is not None and span_start <= position < span_end:
                return at
        return None

    def close(self) -> None:
        self._viewport.removeEventFilter(self._filter)


def wait_until(app: Any, predicate: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        app.processEvents()
        time.sleep(0.001)
    return True


def pump(app: Any, seconds: float) -> None:
    wait_until(app, lambda: False, seconds)


def open_window(app: Any, base: str, home: Path) -> Any:
    from studio.core.preferences import PreferencesStore
    from studio.core.project import RecoveryStore
    from studio.server.tone_voice import TONE_VOICE_ID
    from studio.ui.app import build_main_window

    window = build_main_window(PreferencesStore(home / "preferences.json"), RecoveryStore(home / "state"))
    window.show()
    window.session.start("elevenlabs", base, api_key="sk_bench_local")
    model = window.voices.model
    if not wait_until(app, lambda: window.session.backend is not None and not model.is_loading
                      and any(v.voice_id == TONE_VOICE_ID for v in model.voices), 60):
        raise RuntimeError("the window did not list the tone voice")
    row = next(i for i, v in enumerate(model.voices) if v.voice_id == TONE_VOICE_ID)
    window.browser.list.setCurrentIndex(model.index(row))
    if not wait_until(app, lambda: getattr(window.voices.current_voice, "voice_id", None) == TONE_VOICE_ID, 10):
        raise RuntimeError("the tone voice could not be chosen")
    wait_until(app, lambda: window.settings_panel.model.isEnabled(), 10)
    return window


def close_window(app: Any, window: Any) -> None:
    window._closing = True  # never ask about unsaved work
    window.player.stop()
    window.close()
    window.pool.shutdown(10000)
    window.session.shutdown()
    app.processEvents()


def first_bytes(base: str) -> list[float]:
    import httpx

    return [item["monotonic"] for item in httpx.get(f"{base}/_test/first-bytes", timeout=10).json()["first_bytes"]]


def first_sound_runs(app: Any, window: Any, base: str, texts: list[str]) -> dict[str, list[float]]:
    """Play each text; first sound at the monitor minus the server's first byte (and the parts)."""
    player = window.player
    marks: list[tuple[float, float | None, float | None]] = []  # (first byte, first write, first push)
    with MonitorRecorder() as recorder:
        for text in texts:
            window.script.editor.setPlainText(text)
            wait_until(app, lambda: not window.document.pending, 5)
            before = len(first_bytes(base))
            player.play()
            if not wait_until(app, lambda: player.player.first_write_at is not None, 30):
                raise RuntimeError(f"no sound for {text[:30]!r}")
            pump(app, 0.5)
            player.stop()
            pump(app, 0.4)  # silence between runs
            got = first_bytes(base)
            if len(got) > before:
                marks.append((got[before], player.player.first_write_at, player.player.first_push_at))
    recording = recorder.recording
    assert recording is not None
    onsets = [recording.time_of(n) for n in detect_onsets(recording.samples, recording.rate)]
    sound, write, sound_after_write, push = [], [], [], []
    import bisect

    for first_byte, first_write, first_push in marks:
        pos = bisect.bisect_left(onsets, first_byte)
        if pos < len(onsets) and onsets[pos] - first_byte < 1.0:
            sound.append((onsets[pos] - first_byte) * 1000)
            if first_write is not None:
                write.append((first_write - first_byte) * 1000)
                sound_after_write.append((onsets[pos] - first_write) * 1000)
            if first_push is not None:
                push.append((first_push - first_byte) * 1000)
    return {"sound": sound, "write": write, "sound_after_write": sound_after_write, "push": push}


def narration_run(app: Any, window: Any, text: str, timeout: float) -> dict[str, Any]:
    """Play ``text`` to the end; each word's first painted highlight minus its first heard tone."""
    player = window.player
    paints = PaintLog(window.script.editor, player.highlighter, player.player.played_seconds)
    finished: list[bool] = []
    player.player.finished.connect(lambda: finished.append(True))
    window.script.editor.setPlainText(text)
    wait_until(app, lambda: not window.document.pending, 5)
    try:
        with MonitorRecorder() as recorder:
            started = time.monotonic()
            player.play()
            if not wait_until(app, lambda: bool(finished), timeout):
                raise RuntimeError("the narration did not finish")
            pump(app, 0.2)
    finally:
        paints.close()
    recording = recorder.recording
    assert recording is not None and player.clock is not None
    session_text = player.session.text
    clock = player.clock
    starts = word_starts(session_text)
    track = [clock.start_of(i) for i in starts]
    pairs = [(i, t) for i, t in zip(starts, track, strict=True) if t is not None]
    onsets = [recording.time_of(n) for n in detect_onsets(recording.samples, recording.rate)]
    # Nothing of this take can be heard before its first byte reached the sound output, so
    # whatever sounded before that (the end of a previous run still draining) is not a word.
    first_write = player.player.first_write_at
    heard = match_onsets([t for _i, t in pairs], onsets, first_write if first_write is not None else started)
    if os.environ.get("BENCH_SINK_DUMP"):  # for looking into a run by hand
        Path(os.environ["BENCH_SINK_DUMP"]).write_text(json.dumps(
            {"pairs": pairs, "onsets": onsets, "heard": heard, "paints": paints.paints, "clock": paints.clock,
             "started": started}))
    # The clock against the sound: the track time heard at each paint (between two heard word
    # starts the sound moves with wall time) minus what the clock said then. Positive = behind.
    known = [(at, t) for (_i, t), at in zip(pairs, heard, strict=True) if at is not None]
    clock_errors = []
    for at, said in paints.clock:
        k = next((j for j in range(len(known) - 1) if known[j][0] <= at < known[j + 1][0]), None)
        if k is not None and known[k + 1][1] - known[k][1] >= known[k + 1][0] - known[k][0] - 0.002:
            clock_errors.append((known[k][1] + (at - known[k][0]) - said) * 1000)
    errors: list[float] = []
    for (index, _t), at in zip(pairs, heard, strict=True):
        if at is None:
            continue
        end = index
        while end < len(session_text) and (session_text[end].isalnum() or session_text[end] in "'’"):
            end += 1
        shown = paints.first_shown(index, end, at - 1.0)
        if shown is not None:
            errors.append((shown - at) * 1000)
    return {"errors": errors, "clock_errors": clock_errors, "words": len(pairs), "matched": sum(h is not None for h in heard),
            "audio_s": player.player.received_seconds(), "paints": len(paints.paints)}


def export_run(base: str, text: str, out_dir: Path) -> list[float]:
    """``narration-studio export`` with the tone voice; JSON word and SRT cue starts minus onsets in the file."""
    import soundfile as sf

    from studio.server.tone_voice import TONE_VOICE_ID

    script = out_dir / "script.txt"
    script.write_text(text, encoding="utf-8")
    out = out_dir / "export.wav"
    env = dict(os.environ, ELEVENLABS_API_KEY="sk_bench_local", ELEVENLABS_BASE_URL=base, PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "-m", "studio", "export", str(script), "--out", str(out), "--voice", TONE_VOICE_ID,
                    "--subtitles", "json,srt", "--overwrite"], check=True, env=env, cwd=ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    audio, rate = sf.read(str(out), dtype="int16")  # a second library, not the studio's writer
    if audio.ndim > 1:
        audio = audio[:, 0]
    onsets = [n / rate for n in detect_onsets(audio, rate)]
    timings = json.loads(next(out_dir.glob("export*.json")).read_text(encoding="utf-8"))
    starts = [w["start"] for w in timings["words"]]
    srt = next(out_dir.glob("export*.srt")).read_text(encoding="utf-8")
    for line in srt.splitlines():
        if "-->" in line:
            h, m, rest = line.split(" --> ")[0].split(":")
            s, ms = rest.split(",")
            starts.append(int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000)
    errors = []
    import bisect

    for start in starts:
        pos = bisect.bisect_left(onsets, start - MATCH_S)
        if pos < len(onsets) and abs(onsets[pos] - start) <= MATCH_S:
            errors.append((start - onsets[pos]) * 1000)
    return errors


def measure(base: str, *, first_sound_runs_n: int = 12, narration_paragraphs: int = 4) -> dict[str, Any]:
    """The three figures (needs the sound server and ``base`` serving the tone voice)."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    texts = paragraphs(first_sound_runs_n + narration_paragraphs + 8, seed=23)
    short = [t.split(". ")[0] + "." for t in texts[:first_sound_runs_n]]
    narration = "\n\n".join(texts[first_sound_runs_n:first_sound_runs_n + narration_paragraphs])
    with tempfile.TemporaryDirectory(prefix="bench-sink-") as tmp:
        home = Path(tmp)
        # No real settings, cache or keyring: every play really streams.
        for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
            os.environ[name] = str(home / name.lower())
        os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
        window = open_window(app, base, home)
        try:
            first = first_sound_runs(app, window, base, ["Warm up."] + short)
            # The warm-up (the first request of the connection) is not counted.
            for key in first:
                first[key] = first[key][1:]
            sync = narration_run(app, window, narration, timeout=240)
        finally:
            close_window(app, window)
        subtitle = export_run(base, "\n\n".join(texts[-8:-4]), home)
    return {
        **signed_figures("highlight_minus_heard_ms", sync["errors"]),
        **signed_figures("subtitle_minus_heard_ms", subtitle),
        "heard_minus_clock_ms_median": (round(statistics.median(sync["clock_errors"]), 2)
                                        if sync["clock_errors"] else None),
        "heard_minus_clock_ms_abs_p95": (round(percentile([abs(v) for v in sync["clock_errors"]], 0.95), 2)
                                         if sync["clock_errors"] else None),
        "first_sound_over_first_byte_ms_p50": round(statistics.median(first["sound"]), 2) if first["sound"] else None,
        "first_sound_over_first_byte_ms_max": round(max(first["sound"]), 2) if first["sound"] else None,
        "first_write_over_first_byte_ms_p50": round(statistics.median(first["write"]), 2) if first["write"] else None,
        "first_push_over_first_byte_ms_p50": round(statistics.median(first["push"]), 2) if first["push"] else None,
        "first_sound_over_first_write_ms_p50": (round(statistics.median(first["sound_after_write"]), 2)
                                                if first["sound_after_write"] else None),
        "first_sound_runs": len(first["sound"]),
        "sync_words": sync["words"],
        "sync_words_heard": sync["matched"],
        "sync_audio_s": round(sync["audio_s"], 1),
        "sync_paints": sync["paints"],
    }


def main() -> None:
    """Only the three sink figures (bench/player.py runs them among the rest): one JSON line."""
    import argparse

    sys.path.insert(0, str(ROOT / "bench"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.symbolsresolver=false;qt.multimedia.ffmpeg=false")
    from player import sound_server, speech_server

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=12, help="plays of distinct sentences for first sound")
    parser.add_argument("--paragraphs", type=int, default=4, help="paragraphs (about 15 s each) for the highlight")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]  # the machine is shared: context for the numbers
    with sound_server() as sound, speech_server() as base:
        import studio.playback  # noqa: F401 - applies the PySide emit() workaround

        out = measure(base, first_sound_runs_n=args.runs, narration_paragraphs=args.paragraphs)
    print(json.dumps({**out, "sound": sound, "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)]}))


if __name__ == "__main__":
    main()
