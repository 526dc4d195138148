"""The timeline: sample-exact joins, zero drift, characters mapped back to the script."""

from __future__ import annotations

import random

from studio.api.models import CharacterAlignment, SpeechChunk
from studio.core.segmenter import Segment, split_script
from studio.core.alignment_map import map_alignment_to_text
from studio.core.timeline import SegmentCollector, Timeline

from .helpers import paced_alignment

RATE = 24_000


def test_500_segments_join_with_zero_drift() -> None:
    rng = random.Random(3)
    paragraphs = [f"Paragraph {i} says hello, world. It ends here." for i in range(500)]
    script = "\n\n".join(paragraphs)
    segments = split_script(script, 10_000)
    assert len(segments) == 500
    timeline = Timeline(RATE, script)
    pause = 7_919  # an awkward number of samples
    expected_starts = []
    position = 0
    for segment in segments:
        if segment.index:
            timeline.add_pause(pause)
            position += pause
        n = rng.randint(20_000, 90_000)  # odd lengths: ~0.8-3.7 s
        alignment = paced_alignment(segment.text)
        expected_starts.append(position + round(alignment.character_start_times_seconds[0] * RATE))
        placement = timeline.add_segment(segment, n, alignment)
        assert placement.start_sample == position
        position += n
    assert timeline.total_samples == position
    words = timeline.words()
    firsts = [w for w in words if w.text == "Paragraph"]
    assert len(firsts) == 500
    drift = max(abs(w.start_sample - e) for w, e in zip(firsts, expected_starts, strict=True))
    assert drift == 0
    # Seconds derived from samples agree with the exact rational time to float precision.
    last = firsts[-1]
    assert abs(timeline.seconds(last.start_sample) * RATE - expected_starts[-1]) < 1e-6


def test_words_map_to_script_offsets_and_paragraphs() -> None:
    script = "  Hello there, friend.\n\nSecond para."
    segments = split_script(script, 100)
    timeline = Timeline(RATE, script)
    for segment in segments:
        timeline.add_segment(segment, RATE * 3, paced_alignment(segment.text))
    words = timeline.words()
    assert [w.text for w in words] == ["Hello", "there,", "friend.", "Second", "para."]
    for w in words:
        assert script[w.script_start : w.script_end] == w.text
    assert [w.paragraph_index for w in words] == [0, 0, 0, 1, 1]
    assert words[3].start_sample >= RATE * 3  # second segment starts after the first


def test_alignment_mapping_tolerates_engine_differences() -> None:
    text = "Hi, Bob."
    assert map_alignment_to_text(list(text), text) == list(range(len(text)))
    # Engine dropped the comma and inserted an extra space.
    mapped = map_alignment_to_text(list("Hi  Bob."), text)
    assert mapped[0:2] == [0, 1] and mapped[-4:] == [4, 5, 6, 7]
    assert text[mapped[2]] == " " if mapped[2] is not None else True
    # Engine dropped a letter: the rest still maps.
    mapped = map_alignment_to_text(list("Hi, Bb."), text)
    assert mapped[-2:] == [6, 7]


def test_words_are_found_again_after_a_word_the_engine_dropped() -> None:
    # The shared matcher (studio.core.alignment_map): the highlight places "world" alike.
    text = "say hello world"
    spoken = "say world"
    starts = [i * 0.1 for i in range(len(spoken))]
    alignment = CharacterAlignment(characters=list(spoken), character_start_times_seconds=starts,
                                   character_end_times_seconds=[t + 0.1 for t in starts])
    timeline = Timeline(RATE, text)
    timeline.add_segment(Segment(0, 0, len(text), text, 0), RATE, alignment)
    words = timeline.words()
    assert [w.text for w in words] == ["say", "world"]
    assert words[1].start_sample == round(0.4 * RATE)


def test_times_are_clamped_into_the_segment() -> None:
    seg = Segment(0, 0, 3, "abc", 0)
    timeline = Timeline(RATE, "abc")
    alignment = CharacterAlignment(characters=list("abc"), character_start_times_seconds=[-0.1, 0.5, 2.0],
                                   character_end_times_seconds=[0.2, 0.9, 3.0])
    timeline.add_segment(seg, RATE, alignment)  # only 1 s of audio
    assert [c.start_sample for c in timeline.chars] == [0, 12_000, 24_000]
    assert all(c.end_sample <= RATE for c in timeline.chars)


def _chunk(audio: bytes, chars: str, starts: list[float], ends: list[float]) -> SpeechChunk:
    return SpeechChunk(audio=audio, alignment=CharacterAlignment(
        characters=list(chars), character_start_times_seconds=starts, character_end_times_seconds=ends))


def test_collector_joins_split_samples_and_absolute_times() -> None:
    collector = SegmentCollector(RATE)
    pcm = bytes(range(256)) * 10  # 2560 bytes = 1280 samples
    collector.add(_chunk(pcm[:1001], "ab", [0.0, 0.01], [0.01, 0.02]))  # odd split
    collector.add(_chunk(pcm[1001:], "cd", [0.02, 0.03], [0.03, 0.04]))
    assert collector.pcm == pcm
    assert collector.result_alignment().character_start_times_seconds == [0.0, 0.01, 0.02, 0.03]


def test_collector_takes_chunk_times_as_the_absolute_times_they_are() -> None:
    """Relative times are made absolute once, at the client boundary; never again here."""
    collector = SegmentCollector(RATE)
    second = b"\x00\x00" * RATE  # 1 s
    collector.add(_chunk(second, "ab", [0.0, 0.02], [0.02, 0.04]))
    collector.add(_chunk(second, "cd", [0.03, 0.5], [0.5, 0.9]))  # an early start, still absolute
    assert collector.result_alignment().character_start_times_seconds == [0.0, 0.02, 0.03, 0.5]
