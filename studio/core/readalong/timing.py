"""The read-along book's text and clock: chapters → paragraphs → sentences → words, each
sentence and word with its span of the chapter's audio.

Built only from what the export already knows (no second matcher, no second splitter):

* where every script character is heard: the export's :class:`~studio.core.timeline.Timeline`
  (alignment characters mapped to script offsets by :mod:`studio.core.alignment_map`, the
  matcher the subtitles and the live highlight use) and its :meth:`Timeline.words`;
* where sentences end: :func:`studio.text_rules.sentence_ends` (the one sentence splitter);
* where chapters start and end in the audio: the export records the timeline's length when
  each chapter's first segment arrives (:class:`ChapterCut`).

**Clips.** A sentence's audio is from its first word's start to its last word's end. Its clip
in the overlay reaches from the middle of the silence before it to the middle of the silence
after it (the first from the chapter's start, the last to its end), so the clips tile the
chapter's audio with no gap: the highlight moves on halfway through the pause, and a reader
that plays clip by clip plays every sample. Words tile their sentence's clip the same way.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from studio.core.script.document import paragraph_spans
from studio.core.timeline import Timeline, Word
from studio.text_rules import is_speakable, sentence_ends


@dataclass(frozen=True)
class ChapterCut:
    """Chapter ``index`` of the plan: its title and blocks, and its audio in the whole timeline."""

    title: str
    first_block: int
    last_block: int
    start_sample: int
    end_sample: int
    #: The chapter's audio file as a player decodes it (see ``decoded_samples``); None: as written.
    file_samples: int | None = None


@dataclass
class TimedWord:
    #: Offsets into the sentence's paragraph text.
    start: int
    end: int
    #: The word's audio, and its clip (samples from the chapter's start).
    audio: tuple[int, int]
    clip: tuple[int, int] = (0, 0)


@dataclass
class Sentence:
    #: Offsets into its paragraph's text.
    start: int
    end: int
    words: list[TimedWord] = field(default_factory=list)
    clip: tuple[int, int] = (0, 0)
    #: A unique id in the book (``s12``), set by the writer.
    id: str = ""

    @property
    def timed(self) -> bool:
        return bool(self.words)

    @property
    def audio(self) -> tuple[int, int]:
        """From its first word's start to its last word's end (samples from the chapter's start)."""
        return self.words[0].audio[0], max(w.audio[1] for w in self.words)


@dataclass
class Paragraph:
    text: str
    sentences: list[Sentence]
    #: The chapter's title said as its opening paragraph: written as the heading.
    heading: bool = False


@dataclass
class ReadAlongChapter:
    title: str
    paragraphs: list[Paragraph]
    samples: int
    #: The engine sent no timings for this chapter: its sentences' times are estimated from
    #: their length (the export says so in a warning).
    estimated: bool = False

    @property
    def sentences(self) -> list[Sentence]:
        return [s for p in self.paragraphs for s in p.sentences]

    @property
    def timed_sentences(self) -> list[Sentence]:
        return [s for s in self.sentences if s.timed]

    @property
    def voiced(self) -> bool:
        """Whether it has audio and an overlay (a chapter of punctuation only has neither)."""
        return self.samples > 0 and bool(self.timed_sentences)


def block_spans(script: str, blocks: int, texts: list[str]) -> list[tuple[int, int]]:
    """Where each block's text is in ``script`` (the plan's text: the editor's, or the blocks
    joined by a blank line)."""
    spans = paragraph_spans(script)
    if len(spans) == blocks and all(script[s:e] == t for (s, e), t in zip(spans, texts, strict=True)):
        return spans
    spans, at = [], 0
    for text in texts:
        spans.append((at, at + len(text)))
        at += len(text) + 2
    return spans


def sentence_ranges(text: str) -> list[tuple[int, int]]:
    """The sentences of one paragraph as trimmed ``(start, end)`` ranges (the one splitter's cuts)."""
    cuts = [0, *sentence_ends(text), len(text)]
    ranges = []
    for a, b in zip(cuts, cuts[1:]):
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            ranges.append((a, b))
    return ranges


def build_chapters(timeline: Timeline, texts: list[str], cuts: list[ChapterCut]) -> list[ReadAlongChapter]:
    """The read-along chapters: ``texts`` are the plan's block texts, ``cuts`` its chapters."""
    spans = block_spans(timeline.script, len(texts), texts)
    words = timeline.words()
    word_starts = [w.script_start for w in words]
    chapters = []
    for cut in cuts:
        paragraphs = []
        for b in range(cut.first_block, cut.last_block + 1):
            base = spans[b][0]
            text = texts[b]
            sentences = []
            for start, end in sentence_ranges(text):
                lo = bisect.bisect_left(word_starts, base + start)
                hi = bisect.bisect_left(word_starts, base + end)
                timed = [_word(w, base, cut.start_sample) for w in words[lo:hi] if w.script_end <= base + end]
                sentences.append(Sentence(start, end, [w for w in timed if w is not None]))
            heading = b == cut.first_block and bool(cut.title) and " ".join(text.split()) == cut.title
            paragraphs.append(Paragraph(text, sentences, heading))
        written = cut.end_sample - cut.start_sample
        chapter = ReadAlongChapter(cut.title, paragraphs, written if cut.file_samples is None else cut.file_samples)
        _tile(chapter)
        chapters.append(chapter)
    return chapters


def _word(word: Word, base: int, chapter_start: int) -> TimedWord | None:
    if not is_speakable(word.text):  # a lone dash or "* * *" has no sound of its own to follow
        return None
    return TimedWord(word.script_start - base, word.script_end - base,
                     (word.start_sample - chapter_start, word.end_sample - chapter_start))


def _estimate(chapter: ReadAlongChapter) -> None:
    """No timings at all (an engine without alignment): spread the chapter's audio over its
    sentences by their length, one span per sentence, so the book still reads along roughly."""
    sentences = chapter.sentences
    total = sum(s.end - s.start for s in sentences)
    if not total or chapter.samples <= 0:
        return
    at = 0
    for sentence in sentences:
        length = round(chapter.samples * (sentence.end - sentence.start) / total)
        sentence.words = [TimedWord(sentence.start, sentence.end, (at, min(at + length, chapter.samples)))]
        at += length
    chapter.estimated = True


def _tile(chapter: ReadAlongChapter) -> None:
    """Give every timed sentence, and every word in it, a clip (see the module notes)."""
    if not chapter.timed_sentences:
        _estimate(chapter)
    timed = chapter.timed_sentences
    audio = [s.audio for s in timed]
    bounds = _bounds(audio, 0, chapter.samples)
    for sentence, clip in zip(timed, bounds, strict=True):
        sentence.clip = clip
        for word, word_clip in zip(sentence.words, _bounds([w.audio for w in sentence.words], *clip), strict=True):
            word.clip = word_clip


def _bounds(audio: list[tuple[int, int]], begin: int, end: int) -> list[tuple[int, int]]:
    """Clips tiling ``begin``…``end``, cut halfway between one span's end and the next one's start."""
    cuts = [begin]
    for (_, end_before), (start_after, _) in zip(audio, audio[1:]):
        cut = (end_before + start_after) // 2
        cuts.append(min(max(cut, cuts[-1]), end))  # never backwards, never past the end
    cuts.append(max(end, cuts[-1]))
    return list(zip(cuts, cuts[1:]))
