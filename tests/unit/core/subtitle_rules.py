"""Checks that subtitle files follow the rules people expect (DESIGN.md), on parsed output."""

from __future__ import annotations

from studio.core.subtitles import Cue, CueRules

RULES = CueRules()


def check_srt_rules(srt_text: str, *, fps_gap_ms: int = 84) -> list:  # type: ignore[type-arg]
    """Parse with the ``srt`` library and check lines, duration and gaps. Returns the subtitles."""
    import srt

    subs = list(srt.parse(srt_text))
    assert subs, "no cues"
    for i, sub in enumerate(subs):
        lines = sub.content.split("\n")
        assert 1 <= len(lines) <= 2, sub
        for line in lines:
            assert len(line) <= 42 or " " not in line, f"line too long: {line!r}"
        duration = (sub.end - sub.start).total_seconds()
        assert 0 < duration <= 7.0 + 1e-9, sub
        if i:
            gap = (sub.start - subs[i - 1].end).total_seconds() * 1000
            assert gap >= fps_gap_ms - 1e-6, (subs[i - 1], sub)
    return subs


def check_cue_timing(cues: list[Cue], rules: CueRules = RULES, *, audio_ms: int | None = None) -> None:
    """Reading speed and minimum duration hold wherever the silence after the speech allows
    (and, given ``audio_ms``, the audio does: no cue ends after it)."""
    for i, cue in enumerate(cues):
        assert len({w.paragraph_index for w in cue.words}) == 1, "cue spans a paragraph break"
        cap = min(cue.speech_end_ms + rules.max_linger_ms, cue.start_ms + rules.max_duration_ms)
        if audio_ms is not None:
            assert cue.end_ms <= audio_ms, f"cue ends after the audio: {cue.text!r}"
            cap = min(cap, audio_ms)
        if i + 1 < len(cues):
            cap = min(cap, cues[i + 1].start_ms - rules.min_gap_ms)
        duration = cue.end_ms - cue.start_ms
        chars = len(cue.text.replace("\n", " "))
        if chars * 1000 / duration > rules.max_cps + 0.05:
            assert cue.end_ms >= cap, f"cue could be shown longer to read: {cue.text!r}"
        if duration < rules.min_duration_ms:
            assert cue.end_ms >= cap, f"cue could last 5/6 s: {cue.text!r}"
        # Never lingers more than 1.5 s after its speech; never starts before it.
        assert cue.end_ms <= cue.speech_end_ms + rules.max_linger_ms
        assert cue.start_ms >= cue.speech_start_ms
