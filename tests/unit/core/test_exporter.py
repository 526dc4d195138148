"""Export over the in-test engine: files, pauses, subtitles beside the audio, loudness, no partial files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from studio.api.errors import AuthenticationError
from studio.core.audio_export import ExportError
from studio.core.cache import SpeechCache
from studio.core.exporter import ExportOptions, export_script
from studio.core.longform import GenerationError, LongformGenerator, LongformSettings
from studio.core.loudness import LoudnessMeter

from .fake_backend import FakeBackend, expected_samples
from .subtitle_rules import check_srt_rules

SCRIPT = "\n\n".join(
    f"Chapter {i}. The rain kept falling on the roofs of the old town, and nobody came. Then, at last, a knock." for i in range(6)
)


def _generator(backend: FakeBackend, cache: SpeechCache | None, **changes: object) -> LongformGenerator:
    settings = LongformSettings(voice_id="v", model_id="eleven_multilingual_v2", concurrency=3, **changes)  # type: ignore[arg-type]
    return LongformGenerator(backend, settings, cache=cache)


def test_export_wav_with_pauses_and_every_subtitle_format(tmp_path: Path) -> None:
    out = tmp_path / "book.wav"
    generator = _generator(FakeBackend(), SpeechCache(tmp_path / "cache"))
    result = export_script(generator, SCRIPT, ExportOptions(out, ("srt", "vtt", "karaoke", "lrc", "json"), title="Rain",
                                                            pause_ms=750))
    paragraphs = SCRIPT.split("\n\n")
    pause = 750 * 24_000 // 1000
    expected = sum(expected_samples(p, 24_000) for p in paragraphs) + pause * (len(paragraphs) - 1)
    assert result.total_samples == expected
    with sf.SoundFile(out) as f:
        assert f.frames == expected and f.title == "Rain"
        audio = f.read(dtype="int16")
    # The pause is real silence at the exact place.
    first_end = expected_samples(paragraphs[0], 24_000)
    assert not audio[first_end : first_end + pause].any()
    assert audio[first_end + pause : first_end + pause + 2000].any()
    names = sorted(p.name for p in tmp_path.iterdir() if p.is_file())
    assert names == ["book.karaoke.vtt", "book.lrc", "book.srt", "book.timings.json", "book.vtt", "book.wav"]
    check_srt_rules((tmp_path / "book.srt").read_text())
    timings = json.loads((tmp_path / "book.timings.json").read_text())
    second = [w for w in timings["words"] if w["text"] == "Chapter"][1]
    assert second["start_sample"] == first_end + pause  # the fake speaks from sample 0 of its segment
    assert SCRIPT[second["script_start"] : second["script_end"]] == "Chapter"


@pytest.mark.parametrize("target", [-16.0, -23.0])
def test_loudness_normalisation_reaches_the_target(tmp_path: Path, target: float) -> None:
    out = tmp_path / f"loud{int(target)}.flac"
    result = export_script(_generator(FakeBackend(), None), SCRIPT, ExportOptions(out, loudness_target=target))
    with sf.SoundFile(out) as f:
        data = f.read(dtype="float64")
    meter = LoudnessMeter(24_000)
    meter.add(data)
    assert meter.integrated_lufs() == pytest.approx(target, abs=0.3)
    assert result.loudness_measured is not None and result.loudness_result == pytest.approx(target, abs=0.1)
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]  # the spool is gone


def test_refuses_before_spending_when_the_file_exists(tmp_path: Path) -> None:
    out = tmp_path / "taken.mp3"
    out.write_bytes(b"precious")
    backend = FakeBackend()
    with pytest.raises(ExportError, match="already exists"):
        export_script(_generator(backend, None), SCRIPT, ExportOptions(out))
    assert backend.requests == [] and out.read_bytes() == b"precious"
    (tmp_path / "taken.srt").write_text("old")
    with pytest.raises(ExportError, match="taken.srt"):
        export_script(_generator(backend, None), SCRIPT, ExportOptions(tmp_path / "taken.ogg", ("srt",)))
    assert backend.requests == []


def test_failed_segment_leaves_no_files_and_resume_finishes(tmp_path: Path) -> None:
    cache = SpeechCache(tmp_path / "cache")
    target = SCRIPT.split("\n\n")[4]

    def fail(text: str):  # type: ignore[no-untyped-def]
        return AuthenticationError("The API key was rejected", "Paste a new key.") if text == target else None

    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "book.ogg"
    with pytest.raises(GenerationError, match="Paragraph 5"):
        export_script(_generator(FakeBackend(fail_texts=fail), cache), SCRIPT, ExportOptions(out, ("srt",)))
    assert list(out_dir.iterdir()) == []
    good, damaged = cache.verify()
    # Paragraphs 1-4 finished before the failure; paragraph 6 too if it was already running.
    assert damaged == 0 and good in (4, 5)
    resumed = FakeBackend()
    result = export_script(_generator(resumed, cache), SCRIPT, ExportOptions(out, ("srt",)))
    requested = [r.text for r in resumed.requests]
    assert target in requested and len(requested) == 6 - good
    assert set(requested) <= {target, SCRIPT.split("\n\n")[5]}
    assert result.generation.segments_from_cache == good and out.exists() and (out_dir / "book.srt").exists()


def test_unknown_subtitle_format_and_loudness_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="subtitle format"):
        export_script(_generator(FakeBackend(), None), SCRIPT, ExportOptions(tmp_path / "a.wav", ("ass",)))
    with pytest.raises(ExportError, match="LUFS"):
        export_script(_generator(FakeBackend(), None), SCRIPT, ExportOptions(tmp_path / "a.wav", loudness_target=-14))


def test_streams_in_order_without_holding_the_whole_book(tmp_path: Path) -> None:
    """The writer receives audio while generation is still running (not all at the end)."""
    out = tmp_path / "stream.wav"
    backend = FakeBackend(latency=0.02)
    seen: list[int] = []
    from studio.core import audio_export

    original = audio_export.AudioFileWriter.write

    def spy(self, samples):  # type: ignore[no-untyped-def]
        seen.append(len(backend.requests))
        return original(self, samples)

    audio_export.AudioFileWriter.write = spy  # type: ignore[method-assign]
    try:
        script = "\n\n".join(f"Part {i} of the story." for i in range(40))
        export_script(_generator(backend, None), script, ExportOptions(out))
    finally:
        audio_export.AudioFileWriter.write = original  # type: ignore[method-assign]
    assert seen[0] < 40  # writing began before the last request was sent
    assert np.count_nonzero(sf.read(out, dtype="int16")[0]) > 0


def test_cancel_leaves_no_files(tmp_path: Path) -> None:
    import threading

    from studio.cancel import Cancelled, CancelToken

    out_dir = tmp_path / "out"
    out_dir.mkdir()
    cache = SpeechCache(tmp_path / "cache")
    cancel = CancelToken()
    backend = FakeBackend(latency=0.05)
    stages: list[str] = []
    original = backend.stream_with_timestamps

    def cancel_on_fifth(request):  # type: ignore[no-untyped-def]
        if len(backend.requests) == 4:
            threading.Timer(0.01, cancel.cancel).start()
        return original(request)

    backend.stream_with_timestamps = cancel_on_fifth  # type: ignore[method-assign]
    script = "\n\n".join(f"Part {i} of a long story." for i in range(30))
    with pytest.raises(Cancelled):
        export_script(_generator(backend, cache), script, ExportOptions(out_dir / "c.mp3", ("srt", "json"),
                      loudness_target=-16), cancel=cancel, on_stage=stages.append)
    assert list(out_dir.iterdir()) == []
    good, damaged = cache.verify()
    assert damaged == 0 and 0 < good < 30
    assert stages == []  # stopped before normalising or writing subtitles


def test_terminal_progress_plain_lines() -> None:
    import io

    from studio.commands.export import TerminalProgress

    stream = io.StringIO()
    script = "\n\n".join(f"Line {i} here." for i in range(3))
    generator = LongformGenerator(FakeBackend(), LongformSettings(voice_id="v", model_id="m", concurrency=1),
                                  on_progress=TerminalProgress(stream))
    generator.run(generator.plan(script), lambda s, p: None)
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("0/3 segments") and lines[-1].startswith("3/3 segments (0 from cache)")
    assert "credits spent" in lines[-1] and "\r" not in stream.getvalue()
    assert len(lines) == 4


def test_normalized_alignment_is_the_fallback_for_timings(tmp_path: Path) -> None:
    from studio.api.streaming import SpeechStream

    class NormalisedOnly(FakeBackend):
        def stream_with_timestamps(self, request):  # type: ignore[no-untyped-def]
            stream = super().stream_with_timestamps(request)
            chunks = ((c.model_copy(update={"alignment": None, "normalized_alignment": c.alignment})) for c in stream)
            return SpeechStream(chunks, stream.info, stream.close)

    out = tmp_path / "n.wav"
    result = export_script(_generator(NormalisedOnly(), None), "One two three.\n\nFour five.", ExportOptions(out, ("json",)))
    words = json.loads((tmp_path / "n.timings.json").read_text())["words"]
    assert [w["text"] for w in words] == ["One", "two", "three.", "Four", "five."]
    assert result.warnings == []


def test_no_timings_at_all_gives_a_warning(tmp_path: Path) -> None:
    from studio.api.streaming import SpeechStream

    class Silent(FakeBackend):
        def stream_with_timestamps(self, request):  # type: ignore[no-untyped-def]
            stream = super().stream_with_timestamps(request)
            return SpeechStream((c.model_copy(update={"alignment": None}) for c in stream), stream.info, stream.close)

    result = export_script(_generator(Silent(), None), "One two three.", ExportOptions(tmp_path / "s.wav", ("srt",)))
    assert any("no timings" in w for w in result.warnings)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_spool_full_at_close_is_explained(tmp_path: Path) -> None:
    """Loudness spooling: a disk that fills while the last buffered audio is written out at
    close (not at the write before it) is explained like any other full disk."""
    from studio.core.exporter import _Spool

    spool = _Spool(tmp_path, 24_000)
    spool.handle.close()
    spool.handle = open("/dev/full", "wb")  # noqa: SIM115 - a real device that is always full
    spool.write(np.zeros(100, dtype=np.int16))  # small: held in the buffer, not written yet
    with pytest.raises(ExportError, match="not enough room"):
        next(spool.blocks(1024))
    spool.remove()
    assert list(tmp_path.iterdir()) == []


def test_a_subtitle_file_that_appears_while_exporting_is_not_replaced(tmp_path: Path) -> None:
    out = tmp_path / "late.wav"
    theirs = tmp_path / "late.srt"

    def someone_saves_a_file(stage: str) -> None:
        if stage == "Writing subtitles":
            theirs.write_text("their subtitles")

    with pytest.raises(ExportError, match="appeared while exporting"):
        export_script(_generator(FakeBackend(), None), "A short line.", ExportOptions(out, ("srt",)),
                      on_stage=someone_saves_a_file)
    assert theirs.read_text() == "their subtitles"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["late.srt"]  # no audio, no temporary files


def test_export_plan_records_takes_and_a_locked_paragraph_is_heard_from_its_take(tmp_path: Path) -> None:
    from studio.core.exporter import export_plan
    from studio.core.script import Capabilities, RenderSettings, Script, plan_render

    texts = ["The rain kept falling.", "Nobody came to the door.", "Then, at last, a knock."]
    source = "\n\n".join(texts)
    script = Script.from_text(source)
    cache = SpeechCache(tmp_path / "cache")
    settings = RenderSettings("v", "eleven_multilingual_v2")
    caps = Capabilities("elevenlabs", "eleven_multilingual_v2")
    backend = FakeBackend()
    first = export_plan(plan_render(script, settings, caps, cache), backend, ExportOptions(tmp_path / "a.wav", ("json",)),
                        script=script, source=source, cache=cache)
    assert len(backend.requests) == 3 and set(first.new_takes) == {b.id for b in script}
    assert all(b.chosen_take is first.new_takes[b.id] for b in script)  # recorded in the Script given

    # Paragraph 2 locked, then edited: its take (the old words) is heard, nothing is requested,
    # and the timings point into the script as heard, since the text no longer says it.
    script.blocks[1].locked = True
    edited = source.replace("Nobody came", "Somebody came")
    script.reconcile(edited)
    second = export_plan(plan_render(script, settings, caps, cache), backend, ExportOptions(tmp_path / "b.wav", ("json",)),
                         script=script, source=edited, cache=cache)
    assert len(backend.requests) == 3 and second.new_takes == {}
    assert second.total_samples == first.total_samples
    words = [w["text"] for w in json.loads((tmp_path / "b.timings.json").read_text())["words"]]
    assert "Nobody" in words and "Somebody" not in words

    # Unlocked, the edit is made: one request, for that paragraph only.
    script.blocks[1].locked = False
    third = export_plan(plan_render(script, settings, caps, cache), backend, ExportOptions(tmp_path / "c.wav", ("json",)),
                        script=script, source=edited, cache=cache)
    assert [r.text for r in backend.requests[3:]] == ["Somebody came to the door."]
    assert set(third.new_takes) == {script.blocks[1].id} and len(script.blocks[1].takes) == 2
    timings = json.loads((tmp_path / "c.timings.json").read_text())["words"]
    assert all(edited[w["script_start"] : w["script_end"]] == w["text"] for w in timings)  # offsets into the text given
