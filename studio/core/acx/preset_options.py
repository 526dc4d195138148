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
    if options.destination.suffix.lower() != ".mp3":
        raise ExportError(
            f"The ACX preset writes MP3, so “{options.destination.name}” cannot be its file",
            "End the file name with .mp3 (ACX takes 192 kbps constant-bit-rate MP3 only).",
        )
    if options.loudness_target is not None:
        raise ExportError("The ACX preset sets its own level (RMS −20 dBFS), so --loudness cannot be used with it",
                          "Leave out --loudness, or the preset.")
