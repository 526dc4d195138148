"""Render cues and timings as text files: SRT, WebVTT, karaoke WebVTT, enhanced LRC, JSON.

Every function returns the whole file as a string; export writes it atomically. Times come
from integer milliseconds (cues) or integer samples (JSON), so they never drift.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from typing import Any, TextIO

from studio.core.subtitles.cues import Cue
from studio.core.subtitles.speakers import srt_labels, vtt_voice
from studio.core.timeline import Timeline

#: Subtitle format name → file suffix (karaoke WebVTT gets its own so it sits beside the plain one).
FORMATS: dict[str, str] = {
    "srt": ".srt",
    "vtt": ".vtt",
    "karaoke": ".karaoke.vtt",
    "lrc": ".lrc",
    "json": ".timings.json",
}


def _clock(ms: int, separator: str) -> str:
    hours, rest = divmod(max(ms, 0), 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"


def _lrc_clock(ms: int) -> str:
    centis = (max(ms, 0) + 5) // 10
    minutes, rest = divmod(centis, 6000)
    seconds, hundredths = divmod(rest, 100)
    return f"{minutes:02d}:{seconds:02d}.{hundredths:02d}"


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_srt(cues: list[Cue], *, speaker_names: bool = False) -> str:
    """SRT; ``speaker_names``: ``NAME:`` before the first line of each new speaker's cue."""
    blocks = []
    labels = srt_labels(cues) if speaker_names else [None] * len(cues)
    for number, (cue, label) in enumerate(zip(cues, labels, strict=True), start=1):
        # A blank line ends an SRT block: a cue line must never be empty.
        text = (label or "") + ("\n".join(line for line in cue.lines if line.strip()) or "…")
        blocks.append(f"{number}\n{_clock(cue.start_ms, ',')} --> {_clock(cue.end_ms, ',')}\n{text}\n")
    return "\n".join(blocks)


def to_vtt(cues: list[Cue]) -> str:
    parts = ["WEBVTT\n"]
    for cue in cues:
        text = vtt_voice(cue) + ("\n".join(_vtt_escape(line) for line in cue.lines if line.strip()) or "…")
        parts.append(f"{_clock(cue.start_ms, '.')} --> {_clock(cue.end_ms, '.')}\n{text}\n")
    return "\n".join(parts)


def to_karaoke_vtt(cues: list[Cue]) -> str:
    """WebVTT with a ``<hh:mm:ss.ttt>`` tag before each word after the first: word highlighting."""
    parts = ["WEBVTT\n"]
    for cue in cues:
        tagged_lines = []
        word_index = 0
        previous = cue.start_ms
        for line in cue.lines:
            pieces = []
            for token in line.split(" "):
                if not token:
                    continue
                if word_index > 0:
                    # Tags must lie strictly inside the cue and never go backwards.
                    at = cue.word_starts_ms[word_index] if word_index < len(cue.word_starts_ms) else previous
                    at = min(max(at, previous, cue.start_ms + 1), cue.end_ms - 1)
                    previous = at
                    pieces.append(f"<{_clock(at, '.')}>{_vtt_escape(token)}")
                else:
                    pieces.append(_vtt_escape(token))
                word_index += 1
            tagged_lines.append(" ".join(pieces))
        text = vtt_voice(cue) + ("\n".join(line for line in tagged_lines if line) or "…")
        parts.append(f"{_clock(cue.start_ms, '.')} --> {_clock(cue.end_ms, '.')}\n{text}\n")
    return "\n".join(parts)


def to_lrc(cues: list[Cue], *, title: str | None = None, artist: str | None = None, length_ms: int = 0) -> str:
    """Enhanced (A2) LRC: one line a cue, ``<mm:ss.xx>`` before every word, a blank line after."""
    lines = []
    if title:
        lines.append(f"[ti:{title}]")
    if artist:
        lines.append(f"[ar:{artist}]")
    if length_ms:
        lines.append(f"[length:{_lrc_clock(length_ms)[:5]}]")
    lines.append("[re:Narration Studio]")
    for index, cue in enumerate(cues):
        words = " ".join(cue.lines).split(" ")
        tokens = []
        for word_index, word in enumerate(w for w in words if w):
            at = cue.word_starts_ms[word_index] if word_index < len(cue.word_starts_ms) else cue.start_ms
            tokens.append(f"<{_lrc_clock(at)}>{word}")
        lines.append(f"[{_lrc_clock(cue.start_ms)}]" + " ".join(tokens))
        next_start = cues[index + 1].start_ms if index + 1 < len(cues) else None
        if next_start is None or next_start > cue.end_ms:
            lines.append(f"[{_lrc_clock(cue.end_ms)}]")  # clears the line in players
    return "\n".join(lines) + "\n"


def write_json(handle: TextIO, timeline: Timeline, cues: list[Cue] | None = None) -> None:
    """Word and character timings (seconds and exact samples) with script offsets.

    Written row by row: a two-hour book has ~100,000 characters, and building the whole
    document in memory first would cost hundreds of megabytes.
    """
    rate = timeline.sample_rate
    dumps = json.dumps
    # Paragraph → speaker, from the cues (each cue is one paragraph's): only when someone is named.
    speakers = {c.paragraph_index: c.speaker for c in cues or () if c.speaker}

    def spoken_by(row: dict[str, Any], paragraph: int) -> dict[str, Any]:
        if speakers:
            row["speaker"] = speakers.get(paragraph)
        return row

    def rows(name: str, items: Iterable[dict[str, Any]], last: bool = False) -> None:
        handle.write(f' "{name}": [')
        first = True
        for item in items:
            handle.write("\n  " if first else ",\n  ")
            handle.write(dumps(item, ensure_ascii=False))
            first = False
        handle.write("\n ]" + ("\n" if last else ",\n"))

    handle.write("{\n")
    for key, value in (
        ("format", "narration-studio-timings"),
        ("version", 1),
        ("sample_rate", rate),
        ("duration", timeline.total_samples / rate),
        ("total_samples", timeline.total_samples),
    ):
        handle.write(f" {dumps(key)}: {dumps(value)},\n")
    rows("segments", (
        {
            "index": p.segment.index,
            "paragraph": p.segment.paragraph_index,
            "script_start": p.segment.start,
            "script_end": p.segment.end,
            "start_sample": p.start_sample,
            "end_sample": p.end_sample,
        }
        for p in timeline.placements
    ))
    rows("words", (
        spoken_by({
            "text": w.text,
            "start": w.start_sample / rate,
            "end": w.end_sample / rate,
            "start_sample": w.start_sample,
            "end_sample": w.end_sample,
            "script_start": w.script_start,
            "script_end": w.script_end,
            "paragraph": w.paragraph_index,
        }, w.paragraph_index)
        for w in timeline.words()
    ))
    rows("characters", (
        {
            "char": c.char,
            "start": c.start_sample / rate,
            "end": c.end_sample / rate,
            "start_sample": c.start_sample,
            "end_sample": c.end_sample,
            "script_offset": c.script_offset,
        }
        for c in timeline.chars
    ), last=cues is None)
    if cues is not None:
        rows("cues", (spoken_by({"start": c.start_ms / 1000, "end": c.end_ms / 1000, "text": c.text}, c.paragraph_index)
                      for c in cues), last=True)
    handle.write("}\n")


def to_json(timeline: Timeline, cues: list[Cue] | None = None) -> str:
    buffer = io.StringIO()
    write_json(buffer, timeline, cues)
    return buffer.getvalue()


def write(
    fmt: str, handle: TextIO, timeline: Timeline, cues: list[Cue], *, title: str | None = None, artist: str | None = None,
    srt_speakers: bool = False,
) -> None:
    """Write subtitle format ``fmt`` to ``handle`` (JSON streams; the others are small)."""
    if fmt == "json":
        write_json(handle, timeline, cues)
    else:
        handle.write(render(fmt, timeline, cues, title=title, artist=artist, srt_speakers=srt_speakers))


def render(
    fmt: str, timeline: Timeline, cues: list[Cue], *, title: str | None = None, artist: str | None = None,
    srt_speakers: bool = False,
) -> str:
    renderers: dict[str, Callable[[], str]] = {
        "srt": lambda: to_srt(cues, speaker_names=srt_speakers),
        "vtt": lambda: to_vtt(cues),
        "karaoke": lambda: to_karaoke_vtt(cues),
        "lrc": lambda: to_lrc(cues, title=title, artist=artist, length_ms=timeline.total_samples * 1000 // timeline.sample_rate),
        "json": lambda: to_json(timeline, cues),
    }
    if fmt not in renderers:
        raise ValueError(f"unknown subtitle format {fmt!r}")
    return renderers[fmt]()
