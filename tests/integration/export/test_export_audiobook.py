"""``narration-studio export SCRIPT out.m4b|out.mp3|outdir/`` (issue 13, points 3, 7 and 8): the
output's suffix chooses the container; tags and cover from the command line; chapters from the
book. Real speech (the local server over loopback, or the offline Piper voice), every file
read back with a second library (mutagen for what PyAV wrote, PyAV for what mutagen tagged)."""

from __future__ import annotations

from pathlib import Path

import av
import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4

from tests.fixtures.books import write_epub
from tests.fixtures.images import write_image
from tests.fixtures.local_server import LocalServer

from .conftest import run_cli, tts_requests

ONE = ["The keeper climbed the stairs.", "The lamp was lit at last."]
TWO = ["Morning came over the bay, grey and quiet."]
TAGS = ("--title", "Le Phare — the lighthouse book", "--author", "Åsa Öberg", "--narrator", "Nóra Reader",
        "--year", "2025", "--description", "A keeper, a lamp, a long night.")


def test_an_epub_becomes_an_m4b_with_chapters_tags_and_cover(server: LocalServer, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    book = write_epub(tmp_path / "book.epub", [("Chapter One", ONE), ("Chapter Two", TWO)])
    cover = write_image(tmp_path / "cover.jpg", "mjpeg", 120, 120)
    out = tmp_path / "book.m4b"
    code = run_cli(str(book), str(out), "--cover", str(cover), *TAGS, "--subtitles", "srt")
    assert code == 0, capsys.readouterr().err
    mp4 = MP4(out)  # mutagen reads PyAV's chapter list and duration
    assert [c.title for c in mp4.chapters] == ["Chapter One", "Chapter Two"]
    assert mp4.chapters[0].start == 0 and 0 < mp4.chapters[1].start < mp4.info.length
    assert bytes(mp4.tags["covr"][0]) == cover.read_bytes()  # type: ignore[index]
    with av.open(str(out)) as container:  # PyAV reads mutagen's tags
        meta = container.metadata
        assert meta["title"] == "Le Phare — the lighthouse book" and meta["artist"] == "Åsa Öberg"
        assert meta["composer"] == "Nóra Reader" and meta["date"] == "2025"
        assert meta["description"] == "A keeper, a lamp, a long night."
        assert container.duration / 1e6 == pytest.approx(mp4.info.length, abs=0.1)
        assert [s.type for s in container.streams].count("audio") == 1
    assert (tmp_path / "book.srt").read_text(encoding="utf-8").count("-->") >= 3


def test_offline_mp3_has_id3v24_chapters(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "book.txt"
    script.write_text("Chapter One\n\n" + "\n\n".join(ONE) + "\n\nChapter Two\n\n" + TWO[0], encoding="utf-8")
    out = tmp_path / "book.mp3"
    code = run_cli(str(script), "--out", str(out), "--offline", *TAGS)
    assert code == 0, capsys.readouterr().err
    assert ID3(out).version == (2, 4, 0)
    with av.open(str(out)) as container:  # FFmpeg's ID3 reader: chapters with times, full UTF-8 tags
        chapters = sorted(container.chapters(), key=lambda c: c["start"])
        assert [c["metadata"]["title"] for c in chapters] == ["Chapter One", "Chapter Two"]
        assert container.metadata["title"] == "Le Phare — the lighthouse book"
        assert container.metadata["NARRATOR"] == "Nóra Reader"
    end = chapters[-1]["end"] * chapters[-1]["time_base"]
    assert float(end) == pytest.approx(MP3(out).info.length, abs=0.1)


def test_a_folder_gets_one_numbered_file_per_chapter(server: LocalServer, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    book = write_epub(tmp_path / "book.epub", [("Chapter One", ONE), ("Chapter Two", TWO)])
    out = tmp_path / "book"
    code = run_cli(str(book), f"{out}/", "--author", "Ann", "--title", "The Lamp", "--subtitles", "vtt")
    assert code == 0, capsys.readouterr().err
    names = sorted(p.name for p in out.iterdir())
    assert names == ["01 Chapter One.mp3", "01 Chapter One.vtt", "02 Chapter Two.mp3", "02 Chapter Two.vtt"]
    with av.open(str(out / "02 Chapter Two.mp3")) as container:
        assert container.metadata["track"] == "2/2" and container.metadata["album"] == "The Lamp"


def test_a_cover_that_is_not_a_picture_is_refused_before_anything_is_sent(
        server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = write_epub(tmp_path / "book.epub", [("Chapter One", ONE)])
    cover = tmp_path / "cover.png"
    cover.write_text("not a picture")
    existing = tmp_path / "book.m4b"
    existing.write_bytes(b"the audiobook made yesterday")
    assert run_cli(str(book), str(existing), "--cover", str(cover), "--overwrite") == 1
    err = capsys.readouterr().err
    assert "cover.png" in err and "JPEG or PNG" in err
    assert tts_requests(server) == 0
    assert existing.read_bytes() == b"the audiobook made yesterday"  # nothing already made is lost


def test_two_different_outputs_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "s.txt"
    script.write_text("Hello.", encoding="utf-8")
    assert run_cli(str(script), str(tmp_path / "a.m4b"), "--out", str(tmp_path / "b.mp3"), "--offline") == 1
    assert "Give only one" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["book.m4b", "book.mp3", "book"])
def test_a_full_disk_says_so_and_leaves_nothing_behind(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                      name: str) -> None:
    from .conftest import tiny_disk

    script = tmp_path / "long.txt"
    script.write_text("Chapter One\n\n" + "\n\n".join(f"Paragraph {n} of a story that goes on and on." for n in range(12)),
                      encoding="utf-8")
    with tiny_disk(tmp_path / "disk", "64k") as disk:
        assert run_cli(str(script), str(disk / name), "--offline") == 1
        err = capsys.readouterr().err
        assert "not enough room" in err and "Free some disk space" in err
        assert list(disk.iterdir()) == []  # no partial file, no staging folder
