"""Who speaks each cue (issue 11): the speaker of its paragraph, for WebVTT voice spans, SRT
``NAME:`` labels and the JSON timings' ``speaker`` field (:mod:`studio.core.subtitles.writers`).

A cue never spans a paragraph break (:func:`~studio.core.subtitles.cues.build_cues`), so every
cue has exactly one speaker: its paragraph's (None: the narrator, who is never labelled).
"""

from __future__ import annotations

from collections.abc import Sequence

from studio.core.subtitles.cues import Cue

__all__ = ["label_cues", "srt_labels", "vtt_voice"]


def label_cues(cues: list[Cue], speakers: Sequence[str | None]) -> list[Cue]:
    """Give each cue its paragraph's speaker (``speakers[i]``: paragraph ``i``'s); in place."""
    if speakers:
        for cue in cues:
            index = cue.paragraph_index
            cue.speaker = speakers[index] if 0 <= index < len(speakers) else None
    return cues


def srt_labels(cues: list[Cue]) -> list[str | None]:
    """The ``NAME: `` label each SRT cue starts with: only where a new speaker starts talking
    (the first cue of a run by the same speaker), never for the narrator."""
    labels: list[str | None] = []
    previous: str | None = None
    for index, cue in enumerate(cues):
        new = index == 0 or cue.speaker != previous
        labels.append(f"{cue.speaker}: " if cue.speaker and new else None)
        previous = cue.speaker
    return labels


def vtt_voice(cue: Cue) -> str:
    """The WebVTT voice span opening a cue's text (``<v Alice>``), or "" for the narrator."""
    if not cue.speaker:
        return ""
    # An annotation runs to ">": the prefix grammar allows no "<>&", escape anyway (names from a project file).
    name = cue.speaker.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"<v {name}>"
