"""Refusals for ``preset="acx"`` that need no work (run before any speech is requested)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from studio.core.audio_export import ExportError

if TYPE_CHECKING:
    from studio.core.exporter import ExportOptions


def check_preset(options: ExportOptions) -> None:
    from studio.core.acx.export import PRESETS

    if options.preset not in PRESETS:
        raise ExportError(f"Unknown preset “{options.preset}”", "Use --preset acx, or leave the preset out.")
    from studio.core.audiobook.formats import book_kind

    if book_kind(options.destination) not in ("mp3", "folder", "zip"):
        raise ExportError(
            f"The ACX preset writes MP3, so “{options.destination.name}” cannot be its file",
            "End the file name with .mp3, or give a folder (or .zip) for one file per chapter, which is what "
            "ACX asks for (192 kbps constant-bit-rate MP3 only).",
        )
    if options.loudness_target is not None:
        raise ExportError("The ACX preset sets its own level (RMS −20 dBFS), so --loudness cannot be used with it",
                          "Leave out --loudness, or the preset.")
