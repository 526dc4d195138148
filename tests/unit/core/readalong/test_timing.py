"""The read-along book's clock (studio.core.readalong.timing): sentences from the one splitter,
times from the export's timeline, clips that tile each chapter and hold their sentence's audio."""

from __future__ import annotations

from studio.api.models import CharacterAlignment
from studio.core.readalong.package import assign_ids, chapter_smil, chapter_xhtml, clock
from studio.core.readalong.timing import ChapterCut, build_chapters, sentence_ranges
from studio.core.segmenter import Segment
from studio.core.timeline import Timeline

RATE = 1000  # one sample a millisecond keeps the arithmetic readable


def _alignment(text: str, seconds_per_char: float = 0.05, lead: float = 0.2) -> CharacterAlignment:
    """Every character spoken in turn, after ``lead`` seconds of silence."""
    starts = [lead + i * seconds_per_char for i in range(len(text))]
    return CharacterAlignment(characters=list(text), character_start_times_seconds=starts,
                              character_end_times_seconds=[s + seconds_per_char for s in starts])


def _timeline(texts: list[str], *, timed: bool = True, tail: float = 0.3) -> Timeline:
    script = "\n\n".join(texts)
    timeline = Timeline(RATE, script)
    at = 0
    for i, text in enumerate(texts):
        alignment = _alignment(text) if timed else None
        samples = round((0.2 + len(text) * 0.05 + tail) * RATE)
        timeline.add_segment(Segment(i, at, at + len(text), text, i), samples, alignment)
        at += len(text) + 2
    return timeline


def test_sentences_come_from_the_one_splitter() -> None:
    text = "Dr. Jones left at 5 p.m. sharp. Did he?  “Yes!” she said.\nA new line."
    assert [text[a:b] for a, b in sentence_ranges(text)] == [
        "Dr. Jones left at 5 p.m. sharp.", "Did he?", "“Yes!”", "she said.", "A new line."]


def test_clips_tile_each_chapter_and_hold_their_sentence() -> None:
    texts = ["One", "The first sentence. The second one!", "Two", "Last words here."]
    timeline = _timeline(texts)
    ends = [p.end_sample for p in timeline.placements]
    cuts = [ChapterCut("One", 0, 1, 0, ends[1]), ChapterCut("Two", 2, 3, ends[1], ends[3])]
    chapters = build_chapters(timeline, texts, cuts)
    assert [p.heading for p in chapters[0].paragraphs] == [True, False]
    for chapter, cut in zip(chapters, cuts):
        assert chapter.samples == cut.end_sample - cut.start_sample
        clips = [s.clip for s in chapter.timed_sentences]
        assert clips[0][0] == 0 and clips[-1][1] == chapter.samples
        assert all(a[1] == b[0] and a[0] < a[1] for a, b in zip(clips, clips[1:]))
        for sentence in chapter.timed_sentences:
            begin, end = sentence.audio
            assert sentence.clip[0] <= begin < end <= sentence.clip[1]
            word_clips = [w.clip for w in sentence.words]
            assert word_clips[0][0] == sentence.clip[0] and word_clips[-1][1] == sentence.clip[1]
    first, second = chapters[0].paragraphs[1].sentences
    assert texts[1][first.start:first.end] == "The first sentence."
    # The second sentence is timed from its own first letter ("T" of "The second"), relative to
    # the chapter: paragraph 0 is 0.2 + 3 × 0.05 + 0.3 s long, then 0.2 s lead, then 20 letters.
    assert second.audio[0] == round((0.65 + 0.2 + 20 * 0.05) * RATE)
    # The cut between them is halfway through the silence between "sentence." and "The".
    assert first.clip[1] == (first.audio[1] + second.audio[0]) // 2


def test_the_clips_reach_the_end_of_the_file_as_a_player_decodes_it() -> None:
    """An MP3 can decode a few dozen samples longer than was written (the encoder's padding):
    the last clip runs to the file's real end, so a reader's overlay never stops short of it."""
    texts = ["First words. Then more."]
    timeline = _timeline(texts)
    written = timeline.total_samples
    (chapter,) = build_chapters(timeline, texts, [ChapterCut("", 0, 0, 0, written, written + 47)])
    assert chapter.samples == written + 47
    clips = [s.clip for s in chapter.timed_sentences]
    assert clips[0][0] == 0 and clips[-1][1] == written + 47
    # The words keep the times they were spoken at: only the tiling's end moved.
    (same,) = build_chapters(timeline, texts, [ChapterCut("", 0, 0, 0, written)])
    assert [s.audio for s in chapter.timed_sentences] == [s.audio for s in same.timed_sentences]
    assert clips[:-1] == [s.clip for s in same.timed_sentences][:-1]


def test_without_timings_the_chapter_is_estimated_and_still_tiled() -> None:
    texts = ["Short one. A much longer second sentence here."]
    timeline = _timeline(texts, timed=False)
    total = timeline.total_samples
    (chapter,) = build_chapters(timeline, texts, [ChapterCut("", 0, 0, 0, total)])
    assert chapter.estimated and chapter.voiced
    clips = [s.clip for s in chapter.timed_sentences]
    assert len(clips) == 2 and clips[0][0] == 0 and clips[-1][1] == total and clips[0][1] == clips[1][0]
    assert clips[0][1] - clips[0][0] < clips[1][1] - clips[1][0]  # by length


def test_xhtml_spans_and_smil_pars_agree() -> None:
    import xml.etree.ElementTree as ET

    texts = ["Café & crème <b>. Fin."]
    timeline = _timeline(texts)
    (chapter,) = build_chapters(timeline, texts, [ChapterCut("", 0, 0, 0, timeline.total_samples)])
    assign_ids([chapter])
    document = ET.fromstring(chapter_xhtml(chapter, 0, "Start", "fr"))
    spans = {e.get("id"): "".join(e.itertext()) for e in document.iter("{http://www.w3.org/1999/xhtml}span")}
    # Escaped and whole; "&" has nothing to say, so it is no word of its own.
    assert spans == {"s1": "Café & crème <b>.", "s1w1": "Café", "s1w2": "crème", "s1w3": "<b>.",
                     "s2": "Fin.", "s2w1": "Fin."}
    smil = chapter_smil(chapter, 0, RATE)
    assert smil.count("<par ") == 2 and 'src="chapter_001.xhtml#s1"' in smil and "#s2" in smil
    assert f'clipEnd="{clock(timeline.total_samples, RATE)}"' in smil
    assert clock(3_723_456, 1000) == "1:02:03.456"
