"""``narration-studio export BOOK OUT.epub`` (issue 13, points 5, 7 and 8): a read-along EPUB 3
made over loopback by the local server with real Piper speech, read back with other code
(zipfile, ElementTree, PyAV) and, when it is installed, checked by EPUBCheck.

The clip of every sentence is compared with the same export's own word timings, written by
the subtitle path (``--subtitles json`` of the same script, from the cache)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from tests.fixtures.local_server import LocalServer
from tests.fixtures.readalong import Book, epubcheck, epubcheck_command, read_book, seconds

from .conftest import run_cli, tts_requests

ONE = ["The keeper climbed the stairs at dusk. He lit the lamp!",
       "Dr. Jones watched from the shore, as he always did. Was the beam turning?"]
TWO = ["Morning came over the bay.", "The gulls were quiet; the wind had turned. A bell answered."]
#: The sentences as the one splitter cuts them ("Dr." does not end one), headings included.
SENTENCES = [["Chapter One", "The keeper climbed the stairs at dusk.", "He lit the lamp!",
              "Dr. Jones watched from the shore, as he always did.", "Was the beam turning?"],
             ["Chapter Two", "Morning came over the bay.", "The gulls were quiet; the wind had turned.",
              "A bell answered."]]
MS = 0.0015  # clip times are written to the millisecond


def _book(tmp_path: Path) -> Path:
    path = tmp_path / "keeper.md"
    path.write_text("# Chapter One\n\n" + "\n\n".join(ONE) + "\n\n# Chapter Two\n\n" + "\n\n".join(TWO) + "\n",
                    encoding="utf-8")
    return path


def _check_structure(book: Book, words: list[dict]) -> None:  # type: ignore[type-arg]
    """Every structural promise of the read-along book, against the export's own word timings."""
    assert book.names[0] == "mimetype" and book.first_entry.compress_type == zipfile.ZIP_STORED
    assert book.nav_titles == ["Chapter One", "Chapter Two"]
    assert [[s.text for s in c.sentences] for c in book.chapters] == SENTENCES
    timed = iter(words)
    chapter_start = 0.0
    total = 0.0
    for chapter in book.chapters:
        rate = chapter.audio_rate
        duration = chapter.audio_samples / rate
        assert chapter.duration_meta is not None and abs(chapter.duration_meta - duration) < MS
        total += chapter.duration_meta
        # Every fragment the overlay points at is in the document.
        assert {p.text for p in chapter.pars} <= chapter.ids
        # The clips run forward and tile the chapter's whole audio: no gap, no overlap.
        assert chapter.pars[0].begin == 0.0 and abs(chapter.pars[-1].end - duration) < MS
        for par, after in zip(chapter.pars, chapter.pars[1:]):
            assert par.begin < par.end and after.begin == par.end
        # Sentence N's clip holds sentence N's audio as our alignment timed it.
        by_id = {p.text: p for p in chapter.pars}
        for sentence in chapter.sentences:
            clip = by_id[sentence.id]
            mine = [next(timed) for _ in sentence.words]
            assert [w["text"] for w in mine] == [text for _id, text in sentence.words]
            start, end = mine[0]["start"] - chapter_start, mine[-1]["end"] - chapter_start
            assert clip.begin - MS <= start < end <= clip.end + MS, (sentence.text, clip, start, end)
        chapter_start += duration
    assert next(timed, None) is None  # every timed word is in the book
    assert abs(seconds(book.metadata["media:duration"][0]) - total) < MS  # the total is the sum


def test_a_book_without_timings_is_generated_then_read_along_sentence_by_sentence(
        server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _book(tmp_path)
    out = tmp_path / "keeper.epub"
    code = run_cli(str(source), str(out), "--title", "The Keeper", "--author", "A. Writer", "--narrator", "Joe")
    err = capsys.readouterr().err
    assert code == 0, err
    paragraphs = 2 + len(ONE) + len(TWO)
    assert tts_requests(server) == paragraphs  # nothing was made before: every paragraph is generated
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keeper.epub", "keeper.md"]  # no work files left

    # The same export's word timings, through the subtitle path, from the cache (nothing is sent).
    server.clear_requests()
    assert run_cli(str(source), str(tmp_path / "keeper.wav"), "--subtitles", "json") == 0
    assert tts_requests(server) == 0
    words = json.loads((tmp_path / "keeper.timings.json").read_text())["words"]

    book = read_book(out)
    assert book.metadata["title"] == ["The Keeper"] and book.metadata["creator"] == ["A. Writer"]
    assert book.metadata["media:narrator"] == ["Joe"]
    assert book.metadata["media:active-class"] == ["-epub-media-overlay-active"]
    assert all(c.audio_rate == 24_000 for c in book.chapters)
    _check_structure(book, words)
    assert len(book.chapters[0].pars) == len(SENTENCES[0])  # one <par> per sentence

    # Again, replacing it: every paragraph comes from the cache.
    server.clear_requests()
    assert run_cli(str(source), str(out), "--overwrite") == 0
    assert tts_requests(server) == 0
    assert f"{paragraphs} from cache" in capsys.readouterr().out


def test_word_granularity_nests_a_par_per_word_in_each_sentence(server: LocalServer, tmp_path: Path) -> None:
    source = _book(tmp_path)
    out = tmp_path / "words.epub"
    assert run_cli(str(source), "--out", str(out), "--readalong-words") == 0
    book = read_book(out)
    for chapter in book.chapters:
        assert [p.text for p in chapter.pars] == [w for s in chapter.sentences for w, _ in s.words]
        assert {p.text for p in chapter.pars} <= chapter.ids
        for sentence in chapter.sentences:
            assert [p.text for p in chapter.seqs[sentence.id]] == [w for w, _ in sentence.words]
        duration = chapter.audio_samples / chapter.audio_rate
        assert chapter.pars[0].begin == 0.0 and abs(chapter.pars[-1].end - duration) < MS
        assert all(a.end == b.begin and a.begin < a.end for a, b in zip(chapter.pars, chapter.pars[1:]))


@pytest.mark.skipif(epubcheck_command() is None,
                    reason="EPUBCheck is not installed (Debian: apt-get install epubcheck; packaging/setup.sh --test)")
@pytest.mark.parametrize("granularity", ["sentence", "word"])
def test_epubcheck_finds_no_error_or_warning(server: LocalServer, tmp_path: Path, granularity: str) -> None:
    from tests.fixtures.images import write_image

    out = tmp_path / "checked.epub"
    extra = ["--readalong-words"] if granularity == "word" else []
    cover = write_image(tmp_path / "cover.jpg", "mjpeg")
    assert run_cli(str(_book(tmp_path)), str(out), "--author", "A. Writer", "--narrator", "Joe", "--cover", str(cover),
                   "--year", "2025", "--description", "A keeper & his lamp.", *extra) == 0
    book = read_book(out)
    assert book.metadata["date"] == ["2025"] and book.metadata["description"] == ["A keeper & his lamp."]
    with zipfile.ZipFile(out) as z:
        assert z.read("OEBPS/cover.jpg") == cover.read_bytes()
        assert b'properties="cover-image"' in z.read("OEBPS/content.opf")
    result = epubcheck(out)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No errors or warnings detected" in result.stdout + result.stderr


def test_a_failure_mid_way_leaves_no_epub_and_resume_requests_only_the_rest(
        server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _book(tmp_path)
    out = tmp_path / "keeper.epub"
    with server.faults({"kind": "disconnect", "after_bytes": 3000}):
        code = run_cli(str(source), str(out), "--concurrency", "2")
    assert code == 1
    assert "could not be made" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keeper.md"]  # no EPUB, no half, no work folder
    first = tts_requests(server)
    server.clear_requests()
    assert run_cli(str(source), str(out), "--concurrency", "2") == 0
    paragraphs = 2 + len(ONE) + len(TWO)
    assert tts_requests(server) == paragraphs - (first - 1)  # the failed one and the rest; none twice
    assert read_book(out).nav_titles == ["Chapter One", "Chapter Two"]


def test_subtitles_loudness_or_a_bad_cover_with_an_epub_are_refused_before_anything_is_sent(
        server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _book(tmp_path)
    assert run_cli(str(source), str(tmp_path / "a.epub"), "--subtitles", "srt") == 1
    assert "Untick the subtitles" in capsys.readouterr().err
    assert run_cli(str(source), str(tmp_path / "a.epub"), "--loudness", "-16") == 1
    assert "Turn loudness off" in capsys.readouterr().err
    assert run_cli(str(source), str(tmp_path / "a.epub"), "--cover", str(source)) == 1
    err = capsys.readouterr().err
    assert "keeper.md" in err and "is not a JPEG or PNG picture" in err
    assert tts_requests(server) == 0 and sorted(p.name for p in tmp_path.iterdir()) == ["keeper.md"]


def test_a_full_disk_leaves_nothing_and_keeps_the_speech(server: LocalServer, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    from .conftest import tiny_disk

    source = _book(tmp_path)
    with tiny_disk(tmp_path / "small", "48k") as folder:
        code = run_cli(str(source), str(folder / "keeper.epub"))
        err = capsys.readouterr().err
        assert code == 1, err
        assert "not enough room" in err and "Free some disk space" in err
        assert list(folder.iterdir()) == []  # no EPUB, no chapter audio, no work folder
    server.clear_requests()
    assert run_cli(str(source), str(tmp_path / "keeper.epub")) == 0
    assert tts_requests(server) == 0  # every paragraph made before the failure was kept


def test_a_cancel_mid_way_leaves_no_epub(tmp_path: Path) -> None:
    """Through the exporter the dialog runs (offline Piper voice): cancelled after the first
    paragraph, nothing is left at the destination or beside it."""
    from studio.cancel import Cancelled, CancelToken
    from studio.core.backends.offline import OfflineBackend
    from studio.core.cache import SpeechCache
    from studio.core.exporter import ExportOptions, export_plan
    from studio.core.render_inputs import render_inputs
    from studio.core.script import Script, plan_render
    from studio.offline.voices import bundled_voice

    text = "\n\n".join(ONE + TWO)
    script = Script.from_text(text)
    out = tmp_path / "out"
    out.mkdir()
    backend = OfflineBackend()
    try:
        inputs = render_inputs(backend, voice_id=bundled_voice().voice_id, model_id="offline_piper")
        cache = SpeechCache(tmp_path / "cache")
        plan = plan_render(script, inputs.settings, inputs.capabilities, cache)
        token = CancelToken()
        blocks: list[object] = []

        def on_block(audio: object) -> None:
            blocks.append(audio)
            token.cancel()

        with pytest.raises(Cancelled):
            export_plan(plan, backend, ExportOptions(destination=out / "book.epub"), source=text,
                        cache=cache, on_block=on_block, cancel=token)
    finally:
        backend.close()
    assert 1 <= len(blocks) < len(ONE + TWO)  # it was under way, and stopped before the end
    assert list(out.iterdir()) == []  # no EPUB, no chapter audio, no work folder
