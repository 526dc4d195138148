"""Subtitles from speech timings: cues by the rules people expect, and the file formats.

``build_cues`` turns timed words into cues (DESIGN.md "Subtitles people expect");
``writers`` renders cues and timings as SRT, WebVTT, karaoke WebVTT, enhanced LRC and JSON.
"""

from studio.core.subtitles.cues import Cue, CueRules, build_cues, break_lines
from studio.core.subtitles.writers import (
    FORMATS,
    render,
    to_json,
    to_karaoke_vtt,
    to_lrc,
    to_srt,
    to_vtt,
    write,
)

__all__ = [
    "Cue",
    "CueRules",
    "FORMATS",
    "break_lines",
    "build_cues",
    "render",
    "to_json",
    "to_karaoke_vtt",
    "to_lrc",
    "to_srt",
    "to_vtt",
    "write",
]
