"""Exports of a chaptered script to M4B, MP3 and a folder, over the in-test engine, read back
with mutagen and PyAV; the cover checked before anything is requested; nothing half-written."""

from __future__ import annotations

import threading
from pathlib import Path

import av
import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4

from studio.cancel import Cancelled, CancelToken
from studio.core.audiobook import CoverError
from studio.core.cache import SpeechCache
from studio.core.exporter import ExportOptions, export_plan
from studio.core.script import Capabilities, RenderSettings, Script, plan_render
from tests.fixtures.images import write_image

from ..fake_backend import FakeBackend, expected_samples

RATE = 24_000
PARAGRAPHS = ["Chapter One.", "The rain kept falling on the roofs of the old town.", "Nobody came.",
              "Chapter Two — Été.", "Then, at last, a knock at the door.", "Chapter Three.", "It was the keeper."]
TITLE = "Le Phare — a title well past thirty bytes of ID3v1"
SETTINGS = RenderSettings("v", "eleven_multilingual_v2")
CAPS = Capabilities("elevenlabs", "eleven_multilingual_v2")


def _script() -> Script:
    script = Script.from_text("\n\n".join(PARAGRAPHS))
    for index in (0, 3, 5):
        script.blocks[index].chapter = PARAGRAPHS[index].rstrip(".")
    return script


def _starts_ms(pause_ms: int = 0) -> list[int]:
    """Where each chapter should start: right after the speech before it (the pause between
    paragraphs opens the new chapter: room tone at the head of a chapter file)."""
    starts, samples = [], 0
    pause = pause_ms * RATE // 1000
    for index, text in enumerate(PARAGRAPHS):
        if index in (0, 3, 5):
            starts.append(samples * 1000 // RATE)
        samples += (pause if index else 0) + expected_samples(text, RATE)
    return starts


def _export(tmp_path: Path, out: Path, backend: FakeBackend | None = None, **options: object):  # type: ignore[no-untyped-def]
    cache = SpeechCache(tmp_path / "cache")
    plan = plan_render(_script(), SETTINGS, CAPS, cache)
    return export_plan(plan, backend or FakeBackend(), ExportOptions(out, **options), cache=cache)  # type: ignore[arg-type]


def test_m4b_export_marks_each_chapter_where_the_speech_before_it_ends(tmp_path: Path) -> None:
    cover = write_image(tmp_path / "cover.png")
    result = _export(tmp_path, tmp_path / "book.m4b", title=TITLE, author="Ann Author", narrator="Nora", year="2025",
                     description="A lighthouse.", cover=cover, pause_ms=400, subtitle_formats=("srt",))
    mp4 = MP4(result.audio_path)
    assert [c.title for c in mp4.chapters] == ["Chapter One", "Chapter Two — Été", "Chapter Three"]
    assert [round(c.start * 1000) for c in mp4.chapters] == pytest.approx(_starts_ms(400), abs=2)
    assert mp4.info.length == pytest.approx(result.duration_seconds, abs=0.1)
    with av.open(str(result.audio_path)) as container:
        assert container.metadata["title"] == TITLE and container.metadata["composer"] == "Nora"
        assert container.metadata["artist"] == "Ann Author" and container.metadata["date"] == "2025"
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["book.m4b", "book.srt", "cover.png"]


def test_mp3_export_has_full_utf8_id3v24_and_chapter_frames(tmp_path: Path) -> None:
    """Was: an ID3v1 tag, titles cut at 30 bytes and no chapters."""
    result = _export(tmp_path, tmp_path / "book.mp3", title=TITLE, artist="Åsa Öberg")
    id3 = ID3(result.audio_path)
    assert id3.version == (2, 4, 0) and str(id3["TIT2"]) == TITLE and str(id3["TPE1"]) == "Åsa Öberg"
    chaps = sorted(id3.getall("CHAP"), key=lambda c: c.start_time)
    assert [str(c.sub_frames["TIT2"]) for c in chaps] == ["Chapter One", "Chapter Two — Été", "Chapter Three"]
    assert [c.start_time for c in chaps] == pytest.approx(_starts_ms(), abs=2)
    assert id3.getall("CTOC")[0].child_element_ids == [c.element_id for c in chaps]
    with av.open(str(result.audio_path)) as container:
        assert container.metadata["title"] == TITLE
        assert len(container.chapters()) == 3
    assert MP3(result.audio_path).info.length == pytest.approx(result.duration_seconds, abs=0.1)


def test_folder_export_has_a_file_and_subtitles_per_chapter_timed_from_its_start(tmp_path: Path) -> None:
    out = tmp_path / "book"
    _export(tmp_path, out, title="Le Phare", author="Ann", subtitle_formats=("srt", "json"))
    names = sorted(p.name for p in out.iterdir())
    assert names == ["01 Chapter One.mp3", "01 Chapter One.srt", "02 Chapter Two — Été.mp3", "02 Chapter Two — Été.srt",
                     "03 Chapter Three.mp3", "03 Chapter Three.srt", "timings.json"]
    starts = _starts_ms() + [None]
    for n, name in enumerate(["01 Chapter One", "02 Chapter Two — Été", "03 Chapter Three"]):
        id3 = ID3(out / f"{name}.mp3")
        assert str(id3["TRCK"]) == f"{n + 1}/3" and str(id3["TALB"]) == "Le Phare"
        srt = (out / f"{name}.srt").read_text()
        assert srt.startswith("1\n00:00:00,")  # each chapter's subtitles start at its own zero
        assert PARAGRAPHS[{0: 0, 1: 3, 2: 5}[n]].split()[0] in srt
        if starts[n + 1] is not None:
            length = (starts[n + 1] - starts[n]) / 1000  # type: ignore[operator]
            assert MP3(out / f"{name}.mp3").info.length == pytest.approx(length, abs=0.1)


def test_a_cover_that_is_not_an_image_is_refused_before_anything_is_requested(tmp_path: Path) -> None:
    bad = tmp_path / "cover.jpg"
    bad.write_text("these are words, not a picture")
    backend = FakeBackend()
    with pytest.raises(CoverError) as caught:
        _export(tmp_path, tmp_path / "book.m4b", backend, cover=bad)
    assert "cover.jpg" in caught.value.cause and "JPEG or PNG" in caught.value.remedy
    assert backend.requests == [] and sorted(p.name for p in tmp_path.iterdir()) == ["cover.jpg"]


@pytest.mark.parametrize("damage, says", [("cut", "stops part way"), ("missing", "does not exist"),
                                          ("folder", "is a folder")])
def test_a_damaged_or_missing_cover_is_refused_too(tmp_path: Path, damage: str, says: str) -> None:
    cover = write_image(tmp_path / "cover.jpg", "mjpeg")
    if damage == "cut":  # a download that stopped part way
        cover.write_bytes(cover.read_bytes()[: cover.stat().st_size // 2])
    elif damage == "missing":
        cover.unlink()
    else:
        cover.unlink()
        cover.mkdir()
    backend = FakeBackend()
    with pytest.raises(CoverError, match=says):
        _export(tmp_path, tmp_path / "book.mp3", backend, cover=cover)
    assert backend.requests == []
    assert not (tmp_path / "book.mp3").exists()


def test_cancel_part_way_leaves_no_file_and_keeps_the_made_speech(tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    for out in (out_dir / "book.m4b", out_dir / "book"):
        backend = FakeBackend()
        cancel = CancelToken()
        original = backend.stream_with_timestamps

        def cancel_on_third(request, original=original, backend=backend, cancel=cancel):  # type: ignore[no-untyped-def]
            if len(backend.requests) == 2:
                threading.Timer(0.01, cancel.cancel).start()
            return original(request)

        backend.stream_with_timestamps = cancel_on_third  # type: ignore[method-assign]
        cache = SpeechCache(tmp_path / f"cache-{out.name}")
        plan = plan_render(_script(), SETTINGS, CAPS, cache)
        from studio.core.exporter import RunTuning

        with pytest.raises(Cancelled):
            export_plan(plan, backend, ExportOptions(out, subtitle_formats=("srt",)), cache=cache,
                        cancel=cancel, tuning=RunTuning(concurrency=1))
        assert list(out_dir.iterdir()) == []
        good, damaged = cache.verify()
        assert damaged == 0 and 0 < good < len(PARAGRAPHS)


def test_loudness_normalised_folder_is_cut_at_the_same_places(tmp_path: Path) -> None:
    out = tmp_path / "loud"
    _export(tmp_path, out, loudness_target=-16.0)
    files = sorted(out.iterdir())
    starts = _starts_ms()
    lengths = [(b - a) / 1000 for a, b in zip(starts, starts[1:])]
    assert [MP3(p).info.length for p in files[:2]] == pytest.approx(lengths, abs=0.1)
