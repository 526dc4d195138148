"""Audio files: four formats, tags, quality presets, incremental writes, nothing partial on failure."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from studio.core.audio_export import AudioFileWriter, ExportError, check_destination, write_error

RATE = 24_000


def _tone(seconds: float = 1.0) -> np.ndarray:
    t = np.arange(int(RATE * seconds)) / RATE
    return (np.sin(2 * np.pi * 440 * t) * 0.3 * 32767).astype(np.int16)


@pytest.mark.parametrize("suffix", [".wav", ".flac", ".ogg"])  # MP3: tests/unit/core/audiobook
def test_each_format_written_in_pieces_with_tags(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"out{suffix}"
    with AudioFileWriter(path, RATE, title="Chapter One — Début", artist="Ann Narrator") as writer:
        for _ in range(3):
            writer.write(_tone(1.0))
        writer.write_silence(RATE // 2)
        writer.write(_tone(0.5).tobytes())
    assert writer.frames_written == 4 * RATE
    with sf.SoundFile(path) as f:
        assert f.samplerate == RATE and f.channels == 1
        assert f.title.startswith("Chapter One")
        assert f.artist == "Ann Narrator"
        if suffix in (".wav", ".flac"):
            assert f.frames == 4 * RATE
            data = f.read(dtype="int16")
            assert np.array_equal(data[:RATE], _tone(1.0))  # lossless formats are bit exact
        else:
            assert abs(f.frames - 4 * RATE) < RATE // 10  # encoder padding only
    with sf.SoundFile(path) as f:
        assert f.title == "Chapter One — Début"  # full UTF-8 in WAV INFO and Vorbis comments
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_mp3_is_no_longer_libsndfiles_id3v1_writer(tmp_path: Path) -> None:
    """MP3 went to studio.core.audiobook (ID3v2.4 in full UTF-8, chapters): not written here."""
    with pytest.raises(ExportError, match="not supported"):
        AudioFileWriter(tmp_path / "long.mp3", RATE).open()


def test_quality_changes_lossy_size(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    noise = (rng.standard_normal(RATE * 3) * 3000).astype(np.int16)
    sizes = {}
    for quality in ("low", "best"):
        path = tmp_path / f"{quality}.ogg"
        with AudioFileWriter(path, RATE, quality=quality) as writer:
            writer.write(noise)
        sizes[quality] = path.stat().st_size
    assert sizes["best"] > sizes["low"] * 1.3
    with pytest.raises(ExportError, match="Unknown quality"):
        AudioFileWriter(tmp_path / "x.ogg", RATE, quality="ultra")


def test_refuses_unknown_suffix_existing_file_and_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="not supported"):
        check_destination(tmp_path / "out.aac", overwrite=False)
    existing = tmp_path / "taken.wav"
    existing.write_bytes(b"keep me")
    with pytest.raises(ExportError, match="already exists"):
        check_destination(existing, overwrite=False)
    check_destination(existing, overwrite=True)
    with pytest.raises(ExportError, match="does not exist"):
        check_destination(tmp_path / "nope" / "out.wav", overwrite=False)


def test_overwrite_replaces_only_when_complete(tmp_path: Path) -> None:
    path = tmp_path / "out.wav"
    path.write_bytes(b"old")
    writer = AudioFileWriter(path, RATE, overwrite=True).open()
    writer.write(_tone(0.2))
    assert path.read_bytes() == b"old"  # untouched until commit
    writer.commit()
    assert sf.info(str(path)).frames == int(RATE * 0.2)


def test_abort_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "out.flac"
    with pytest.raises(RuntimeError):
        with AudioFileWriter(path, RATE) as writer:
            writer.write(_tone(0.2))
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_write_error_messages_name_the_cause() -> None:
    import errno

    full = write_error(Path("/x"), OSError(errno.ENOSPC, "No space left on device"))
    assert "not enough room" in full.cause and full.remedy
    ro = write_error(Path("/x"), OSError(errno.EROFS, "Read-only file system"))
    assert "cannot be written" in ro.cause


def test_file_size_limit_failure_is_clean(tmp_path: Path) -> None:
    """A real write failure (RLIMIT_FSIZE → EFBIG) mid-file: clear error, nothing left behind."""
    import subprocess
    import sys

    code = f"""
import resource, signal, sys
import numpy as np
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))
from studio.core.audio_export import AudioFileWriter, ExportError
try:
    with AudioFileWriter({str(tmp_path / 'big.wav')!r}, 24000) as w:
        for _ in range(20):
            w.write(np.zeros(24000, dtype=np.int16))
except ExportError as e:
    print("ERROR:", e)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         cwd=Path(__file__).resolve().parents[3])
    assert "ERROR: There is not enough room" in out.stdout, out.stdout + out.stderr
    assert list(tmp_path.iterdir()) == []
