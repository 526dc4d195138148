"""The audiobook writers, each file read back with the OTHER library than the one that wrote
that part: PyAV encodes and writes M4B chapters (read back with mutagen), mutagen writes tags,
covers and ID3 chapter frames (read back with PyAV/FFmpeg)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import av
import numpy as np
import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3, BitrateMode
from mutagen.mp4 import MP4

from studio.core.audio_export import ExportError
from studio.core.audiobook import (BookFileWriter, BookTags, ChapterFolderWriter, EncoderSettings, encode_pcm,
                                   encoder_settings, read_cover)
from tests.fixtures.images import write_image

RATE = 24_000
TITLE = "Le Livre des Ünïcödé — “Quotes” ☃ and a title far longer than thirty bytes"
AUTHOR = "Åsa Öberg"
NARRATOR = "Nóra Narrátor"
DESCRIPTION = "Une histoire. " * 40


def _noise(seconds: float, seed: int) -> np.ndarray:
    return (np.random.default_rng(seed).standard_normal(int(RATE * seconds)) * 2000).astype(np.int16)


def _tags(tmp_path: Path, codec: str = "mjpeg") -> BookTags:
    cover = read_cover(write_image(tmp_path / ("cover.jpg" if codec == "mjpeg" else "cover.png"), codec))
    return BookTags(TITLE, AUTHOR, NARRATOR, "2024", DESCRIPTION, cover)


def _write(writer, parts: list[tuple[str, float]]):  # type: ignore[no-untyped-def]
    writer.open()
    for n, (title, seconds) in enumerate(parts):
        writer.mark(title, writer.frames_written)
        writer.write(_noise(seconds, n))
    return writer.commit()


def _pyav_metadata(path: Path) -> tuple[dict, list, float, list[str]]:  # type: ignore[type-arg]
    with av.open(str(path)) as container:
        streams = [s.type for s in container.streams]
        return dict(container.metadata), container.chapters(), container.duration / 1_000_000, streams


def test_m4b_has_chapters_tags_and_cover_as_other_libraries_read_them(tmp_path: Path) -> None:
    tags = _tags(tmp_path)
    path = _write(BookFileWriter(tmp_path / "book.m4b", RATE, "m4b", encoder_settings("m4b", "high"), tags),
                  [("Chapitre un — Été", 2.0), ("Two ☃", 3.0), ("Three", 1.5)])
    # mutagen reads what PyAV wrote: the chapter list and the duration.
    mp4 = MP4(path)
    assert [(round(c.start, 2), c.title) for c in mp4.chapters] == [(0.0, "Chapitre un — Été"), (2.0, "Two ☃"),
                                                                    (5.0, "Three")]
    assert mp4.info.length == pytest.approx(6.5, abs=0.1)
    assert mp4.info.codec.startswith("mp4a")
    # PyAV reads what mutagen wrote: tags and the cover (an attached picture stream).
    meta, chapters, duration, streams = _pyav_metadata(path)
    assert meta["major_brand"].strip() == "M4B"
    assert meta["title"] == TITLE and meta["album"] == TITLE
    assert meta["artist"] == AUTHOR and meta["album_artist"] == AUTHOR
    assert meta["composer"] == NARRATOR and meta["NARRATOR"] == NARRATOR
    assert meta["date"] == "2024" and meta["description"] == DESCRIPTION and meta["genre"] == "Audiobook"
    assert "video" in streams  # the cover
    assert len(chapters) == 3 and duration == pytest.approx(6.5, abs=0.1)
    assert bytes(mp4.tags["covr"][0]) == tags.cover.data  # type: ignore[index,union-attr]


def test_mp3_is_cbr_at_the_asked_rate_with_id3v24_utf8_tags_and_chap_ctoc(tmp_path: Path) -> None:
    tags = _tags(tmp_path, "png")
    settings = EncoderSettings(codec="mp3", bitrate=192_000, sample_rate=44_100)  # what ACX asks for
    path = _write(BookFileWriter(tmp_path / "book.mp3", RATE, "mp3", settings, tags),
                  [("Chapitre un — Été", 2.0), ("Two ☃", 3.0)])
    info = MP3(path).info  # mutagen reads what PyAV encoded
    assert info.sample_rate == 44_100 and info.bitrate_mode == BitrateMode.CBR
    assert info.bitrate == pytest.approx(192_000, rel=0.01)
    assert info.length == pytest.approx(5.0, abs=0.1)
    id3 = ID3(path)
    assert id3.version == (2, 4, 0)
    assert not path.read_bytes()[-128:].startswith(b"TAG")  # no ID3v1 tag any more
    # PyAV (FFmpeg's ID3 reader) reads what mutagen wrote: full titles, chapters with times, cover.
    meta, chapters, _duration, streams = _pyav_metadata(path)
    assert meta["title"] == TITLE and meta["artist"] == AUTHOR and meta["composer"] == NARRATOR
    assert meta["NARRATOR"] == NARRATOR and meta["date"] == "2024" and meta["genre"] == "Audiobook"
    assert meta["comment"] == DESCRIPTION
    # (FFmpeg lists ID3 chapters in the order it met the frames; the times say the order.)
    assert sorted((c["start"] * c["time_base"], c["end"] * c["time_base"], c["metadata"]["title"]) for c in chapters) == [
        (0, 2, "Chapitre un — Été"), (2, 5, "Two ☃")]
    assert "video" in streams
    assert id3.getall("APIC")[0].mime == "image/png"


def test_a_folder_has_one_numbered_tagged_file_per_chapter(tmp_path: Path) -> None:
    tags = _tags(tmp_path)
    folder = _write(ChapterFolderWriter(tmp_path / "out", RATE, "folder", encoder_settings("folder", "high"), tags),
                    [("Opening: the / start", 1.0), ("Two ☃", 2.0), ("Three", 1.0)])
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["01 Opening the start.mp3", "02 Two ☃.mp3", "03 Three.mp3"]
    for n, name in enumerate(names, 1):
        meta, _c, duration, _s = _pyav_metadata(folder / name)
        assert meta["track"] == f"{n}/3"
        assert meta["album"] == TITLE and meta["artist"] == AUTHOR
        assert duration == pytest.approx([1.0, 2.0, 1.0][n - 1], abs=0.1)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no staging left


def test_a_zip_holds_the_same_files(tmp_path: Path) -> None:
    archive = _write(ChapterFolderWriter(tmp_path / "book.zip", RATE, "zip", encoder_settings("zip", "high"),
                                         BookTags(title="T")), [("One", 1.0), ("Two", 1.0)])
    assert zipfile.ZipFile(archive).namelist() == ["01 One.mp3", "02 Two.mp3"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.zip"]


def test_marks_ahead_of_the_audio_cut_the_blocks(tmp_path: Path) -> None:
    """The loudness path knows every chapter start before it writes: one block is cut at each."""
    writer = ChapterFolderWriter(tmp_path / "out", RATE, "folder", encoder_settings("folder", "low"), BookTags())
    writer.mark("A", 0)
    writer.mark("B", RATE)
    writer.mark("C", 3 * RATE)
    writer.open()
    writer.write(_noise(4.0, 1))
    folder = writer.commit()
    lengths = [MP3(p).info.length for p in sorted(folder.iterdir())]
    assert lengths == pytest.approx([1.0, 2.0, 1.0], abs=0.1)


@pytest.mark.parametrize("kind, name", [("m4b", "book.m4b"), ("mp3", "book.mp3"), ("folder", "out"), ("zip", "b.zip")])
def test_abort_leaves_nothing_and_the_old_file_stays(tmp_path: Path, kind: str, name: str) -> None:
    destination = tmp_path / name
    if kind == "folder":
        destination.mkdir()
        (destination / "old.mp3").write_bytes(b"old")
    else:
        destination.write_bytes(b"old")
    cls = ChapterFolderWriter if kind in ("folder", "zip") else BookFileWriter
    writer = cls(destination, RATE, kind, encoder_settings(kind, "high"), BookTags(title="T"), overwrite=True)  # type: ignore[arg-type]
    writer.open()
    writer.mark("One", 0)
    writer.write(_noise(1.0, 1))
    writer.abort()  # a failure or a cancel part way
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]
    if kind == "folder":
        assert [p.name for p in destination.iterdir()] == ["old.mp3"]
    else:
        assert destination.read_bytes() == b"old"


def test_replacing_a_folder_keeps_only_the_new_files(tmp_path: Path) -> None:
    destination = tmp_path / "out"
    destination.mkdir()
    (destination / "stale.mp3").write_bytes(b"old")
    with pytest.raises(ExportError, match="not empty"):
        ChapterFolderWriter(destination, RATE, "folder", encoder_settings("folder", "high"), BookTags()).open()
    _write(ChapterFolderWriter(destination, RATE, "folder", encoder_settings("folder", "high"), BookTags(),
                               overwrite=True), [("One", 0.5)])
    assert [p.name for p in destination.iterdir()] == ["01 One.mp3"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_encode_pcm_is_reusable_and_atomic(tmp_path: Path) -> None:
    """PCM chunks in → a file out (the read-along EPUB and ACX files use it too)."""
    path = encode_pcm((_noise(0.5, n).tobytes() for n in range(4)), tmp_path / "a.mp3", RATE,
                      EncoderSettings("mp3", 128_000))
    assert MP3(path).info.length == pytest.approx(2.0, abs=0.1)

    def failing():  # type: ignore[no-untyped-def]
        yield _noise(0.5, 1)
        raise RuntimeError("the source broke")

    with pytest.raises(RuntimeError):
        encode_pcm(failing(), tmp_path / "b.m4a", RATE)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.mp3"]


@pytest.mark.parametrize("extra", [15, 31, 200])
def test_decoded_samples_is_what_a_player_decodes_not_what_was_written(tmp_path: Path, extra: int) -> None:
    """Lengths a few samples into a granule decode longer than written (FFmpeg keeps part of the
    LAME padding); durations for a reader must come from the file (the read-along EPUB does)."""
    from studio.core.audiobook.encoder import decoded_samples

    written = 1152 * 50 + extra
    noise = (np.random.default_rng(extra).standard_normal(written) * 3000).astype(np.int16)
    path = encode_pcm([noise], tmp_path / "a.mp3", 24_000, EncoderSettings(codec="mp3", bitrate=64_000))
    with av.open(str(path)) as container:  # played as a player plays it: every frame, resampled to s16
        resampler = av.AudioResampler(format="s16", layout="mono", rate=24_000)
        played = sum(out.samples for frame in container.decode(audio=0) for out in resampler.resample(frame))
        played += sum(out.samples for out in resampler.resample(None))
    assert decoded_samples(path) == played
    assert written <= played < written + 1152  # the start is trimmed exactly; at most some padding stays
