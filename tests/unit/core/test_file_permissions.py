"""Finished exports and projects get the user's normal file permissions, not mkstemp's 0600."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import numpy as np

from studio.core.audio_export import AudioFileWriter
from studio.core.files import current_umask
from studio.core.files import write_atomically


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_umask_is_read_without_changing_it() -> None:
    before = os.umask(0o027)
    try:
        assert current_umask() == 0o027
    finally:
        os.umask(before)


def test_project_file_gets_default_permissions(tmp_path: Path) -> None:
    before = os.umask(0o022)
    try:
        target = tmp_path / "story.narration"
        write_atomically(target, b"{}")
        assert _mode(target) == 0o644
    finally:
        os.umask(before)


def test_exported_audio_gets_default_permissions(tmp_path: Path) -> None:
    before = os.umask(0o022)
    try:
        target = tmp_path / "chapter.flac"
        with AudioFileWriter(target, 24000) as writer:
            writer.write(np.zeros(2400, dtype=np.int16))
        assert target.exists()
        assert _mode(target) == 0o644
    finally:
        os.umask(before)


def test_exported_subtitles_get_default_permissions(tmp_path: Path) -> None:
    from studio.core.exporter import ExportOptions, export_script
    from studio.core.longform import LongformGenerator, LongformSettings

    from .fake_backend import FakeBackend

    before = os.umask(0o022)
    try:
        generator = LongformGenerator(FakeBackend(), LongformSettings(voice_id="v", model_id="eleven_multilingual_v2"))
        export_script(generator, "One short line.", ExportOptions(tmp_path / "line.wav", ("srt", "json")))
        assert _mode(tmp_path / "line.srt") == 0o644
        assert _mode(tmp_path / "line.timings.json") == 0o644
    finally:
        os.umask(before)
