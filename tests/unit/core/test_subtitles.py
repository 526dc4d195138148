"""Subtitles: cue rules, line breaks, SRT/WebVTT parse with real parsers, karaoke, LRC, JSON."""

from __future__ import annotations

import io
import json
import re

import pytest

from studio.core.segmenter import split_script
from studio.core.subtitles import break_lines, build_cues, to_json, to_karaoke_vtt, to_lrc, to_srt, to_vtt
from studio.core.timeline import Timeline

from .helpers import paced_alignment
from .subtitle_rules import check_cue_timing, check_srt_rules

RATE = 22_050
SCRIPT = (
    "It was a bright cold day in April, and the clocks were striking thirteen. Winston Smith, his chin "
    "nuzzled into his breast in an effort to escape the vile wind, slipped quickly through the glass doors "
    "of Victory Mansions, though not quickly enough to prevent a swirl of gritty dust from entering along "
    "with him.\n\n"
    "The hallway smelt of boiled cabbage and old rag mats. At one end of it a coloured poster, too large for "
    "indoor display, had been tacked to the wall. It depicted simply an enormous face, more than a metre wide: "
    "the face of a man of about forty-five, with a heavy black moustache and ruggedly handsome features.\n\n"
    "Hi.\n\n"
    "Supercalifragilisticexpialidocious-and-then-some-extra-long-compound-word ends it."
)


def _timeline(script: str = SCRIPT, seconds_per_char: float = 0.065, limit: int = 180) -> Timeline:
    timeline = Timeline(RATE, script)
    for segment in split_script(script, limit):
        alignment = paced_alignment(segment.text, seconds_per_char)
        n = round((alignment.character_end_times_seconds[-1] + 0.3) * RATE)
        if segment.index:
            timeline.add_pause(RATE // 2)
        timeline.add_segment(segment, n, alignment)
    return timeline


def test_break_lines() -> None:
    assert break_lines("Short line.") == ["Short line."]
    lines = break_lines("It was a bright cold day in April, and the clocks were striking.")
    assert lines == ["It was a bright cold day in April,", "and the clocks were striking."]
    assert all(len(line) <= 42 for line in lines)
    assert break_lines("x" * 50) is None
    assert break_lines(" ".join(["word"] * 30)) is None  # more than two lines' worth


def test_a_line_never_breaks_after_an_abbreviation_as_if_a_sentence_ended() -> None:
    # The shared sentence rule (studio.text_rules): "Dr." ends no sentence, so no line ends on it.
    assert break_lines("They had all been waiting for Dr. Watson to come back home") == [
        "They had all been waiting for", "Dr. Watson to come back home"
    ]


@pytest.mark.parametrize("pace", [0.045, 0.065, 0.09])
def test_cues_follow_the_rules(pace: float) -> None:
    timeline = _timeline(seconds_per_char=pace)
    cues = build_cues(timeline.words(), RATE)
    check_srt_rules(to_srt(cues))
    check_cue_timing(cues)
    # Every word appears once, in script order.
    assert " ".join(" ".join(c.lines) for c in cues).split() == SCRIPT.split()
    # Breaks fall at sentence or clause ends far more often than not.
    ends = [c.words[-1].text for c in cues]
    punctuated = sum(bool(re.search(r"[.,;:!?…]$", e)) for e in ends)
    assert punctuated / len(ends) >= 0.6, ends


def test_fast_speech_exceeds_17_cps_only_when_it_must() -> None:
    # 30 characters a second with no silence at all: nothing can be extended.
    script = " ".join(f"Word{i:02d} goes fast." for i in range(40))
    timeline = _timeline(script, seconds_per_char=1 / 30, limit=100_000)
    cues = build_cues(timeline.words(), RATE)
    check_cue_timing(cues)
    check_srt_rules(to_srt(cues))


def test_no_cue_crosses_a_paragraph() -> None:
    cues = build_cues(_timeline().words(), RATE)
    assert any(c.text == "Hi." for c in cues)  # a one-word paragraph stays alone
    for cue in cues:
        assert len({w.paragraph_index for w in cue.words}) == 1


def test_srt_and_vtt_parse_with_real_parsers() -> None:
    import srt
    import webvtt

    cues = build_cues(_timeline().words(), RATE)
    subs = list(srt.parse(to_srt(cues)))
    assert len(subs) == len(cues)
    assert subs[0].start.total_seconds() == cues[0].start_ms / 1000
    vtt = webvtt.from_buffer(io.StringIO(to_vtt(cues)))
    assert len(vtt.captions) == len(cues)
    assert vtt.captions[0].text == cues[0].text
    end = cues[-1].end_ms
    assert vtt.captions[-1].end == f"00:00:{end // 1000:02d}.{end % 1000:03d}"


def test_vtt_escapes_markup() -> None:
    script = "Tom & Jerry <3 cats > dogs."
    cues = build_cues(_timeline(script).words(), RATE)
    text = to_vtt(cues)
    assert "Tom &amp; Jerry &lt;3 cats &gt; dogs." in text


def test_karaoke_vtt_has_ordered_word_tags_inside_each_cue() -> None:
    import webvtt

    cues = build_cues(_timeline().words(), RATE)
    text = to_karaoke_vtt(cues)
    vtt = webvtt.from_buffer(io.StringIO(text))
    assert len(vtt.captions) == len(cues)
    stamp = re.compile(r"<(\d\d):(\d\d):(\d\d)\.(\d\d\d)>")
    total_tags = 0
    for caption, cue in zip(vtt.captions, cues, strict=True):
        tags = [int(h) * 3600_000 + int(m) * 60_000 + int(s) * 1000 + int(ms) for h, m, s, ms in stamp.findall(caption.raw_text)]
        assert len(tags) == len(cue.words) - 1
        assert tags == sorted(tags)
        assert all(cue.start_ms < t < cue.end_ms for t in tags)
        assert stamp.sub("", caption.raw_text).split() == " ".join(cue.lines).split()
        total_tags += len(tags)
    assert total_tags > 50
    # The first word of "the clocks" is tagged with its spoken time.
    assert "<00:00:" in text


def test_enhanced_lrc() -> None:
    timeline = _timeline()
    cues = build_cues(timeline.words(), RATE)
    text = to_lrc(cues, title="1984", artist="Orwell", length_ms=timeline.total_samples * 1000 // RATE)
    lines = text.splitlines()
    assert lines[0] == "[ti:1984]" and lines[1] == "[ar:Orwell]"
    body = [line for line in lines if re.match(r"^\[\d\d:\d\d\.\d\d\]<", line)]
    assert len(body) == len(cues)
    words = re.findall(r"<(\d\d):(\d\d)\.(\d\d)>(\S+)", "\n".join(body))
    assert [w[3] for w in words] == SCRIPT.split()
    times = [int(m) * 6000 + int(s) * 100 + int(c) for m, s, c, _ in words]
    assert times == sorted(times)


def test_json_timings() -> None:
    timeline = _timeline()
    cues = build_cues(timeline.words(), RATE)
    doc = json.loads(to_json(timeline, cues))
    assert doc["sample_rate"] == RATE
    assert [w["text"] for w in doc["words"]] == SCRIPT.split()
    for w in doc["words"]:
        assert SCRIPT[w["script_start"] : w["script_end"]] == w["text"]
        assert w["start"] == w["start_sample"] / RATE
    assert len(doc["characters"]) == sum(len(p.segment.text) for p in timeline.placements)
    assert doc["cues"][0]["text"] == cues[0].text


def test_no_cue_ends_after_the_audio() -> None:
    """Reading time is added after the last words, but never past the end of the file (a player
    would show the line over nothing, or drop it): 'Hi.' at the end needs 0.83 s on screen and
    the audio has only 0.3 s left after it."""
    script = "The keeper lit the lamp.\n\nHi."
    timeline = _timeline(script)
    audio_ms = timeline.total_samples * 1000 // RATE
    padded = build_cues(timeline.words(), RATE)
    assert padded[-1].end_ms > audio_ms  # what the reading-time rule alone asks for
    cues = build_cues(timeline.words(), RATE, audio_samples=timeline.total_samples)
    assert [c.text for c in cues] == [c.text for c in padded]
    assert all(c.end_ms <= audio_ms for c in cues)
    assert cues[-1].end_ms == audio_ms  # as long as the audio allows, not cut shorter
    assert cues[-1].start_ms == padded[-1].start_ms
    check_cue_timing(cues, audio_ms=audio_ms)
