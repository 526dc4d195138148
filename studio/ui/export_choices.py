"""Where the export dialog starts: the studio's Quality choice, then the last export's choices.

Rules, in order:

1. First export: the format and quality that match the main window's Quality (MP3 · 128 kbps
   there means MP3 here), SRT subtitles ticked, loudness off, the project's folder.
2. Later exports: the last export's format, quality, subtitles, loudness and folder, kept in the
   preferences (so they survive a restart) —
3. — except that once the main window's Quality has changed since, the format and quality
   follow the window again: the dialog never contradicts a choice the person made after it.
"""

from __future__ import annotations

from collections.abc import Callable

from studio.api.formats import parse_output_format
from studio.core.preferences import ExportChoices, Preferences

#: The window's codec → the export format that sounds like it.
_FORMAT_FOR_CODEC = {"mp3": "mp3", "opus": "ogg", "pcm": "wav", "wav": "wav"}


def format_for_window_quality(output_format: str | None) -> tuple[str, str]:
    """(export format, quality preset) matching the main window's Quality, e.g. mp3_44100_128 → mp3, high."""
    try:
        parsed = parse_output_format(output_format or "")
    except ValueError:
        return "wav", "high"
    fmt = _FORMAT_FOR_CODEC.get(parsed.codec, "wav")
    bitrate = parsed.bitrate
    if fmt == "wav" or bitrate is None:
        return fmt, "high"
    quality = "best" if bitrate >= 192 else "high" if bitrate >= 128 else "medium" if bitrate >= 64 else "low"
    return fmt, quality


class RememberedExport:
    """Reads the choices an export dialog starts with and keeps the ones it exported with."""

    def __init__(self, preferences: Preferences, window_quality: str | None,
                 on_change: Callable[[], None] = lambda: None) -> None:
        self._preferences = preferences
        self._window_quality = window_quality
        self._on_change = on_change

    def starting(self) -> ExportChoices:
        fmt, quality = format_for_window_quality(self._window_quality)
        saved = self._preferences.export
        if saved is None:
            return ExportChoices(audio_format=fmt, quality=quality, window_quality=self._window_quality)  # type: ignore[arg-type]
        if saved.window_quality != self._window_quality:
            return saved.model_copy(update={"audio_format": fmt, "quality": quality})
        return saved

    def remember(self, choices: ExportChoices) -> None:
        self._preferences.export = choices.model_copy(update={"window_quality": self._window_quality})
        self._on_change()
