"""The ACX preset: what it makes passes the check (read back from the MP3 on disk)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from studio.core.acx.check import check_file
from studio.core.acx import rules
from studio.core.acx.export import ACX_MP3, export_acx_chapters, master_spool
from studio.core.acx.master import AcxMasteringError, master_pcm
from studio.core.audio import float_to_int16
from studio.core.audiobook.tags import BookTags
from studio.core.audiobook.writer import BookFileWriter
from studio.core.timeline import Timeline
from tests.unit.core.acx.audio_files import chapter, write_wav


def pcm(samples: np.ndarray) -> bytes:
    return float_to_int16(samples).tobytes()


def preset_file(path: Path, samples: np.ndarray, rate: int) -> Path:
    """What ``export --preset acx`` does with its speech, into the audiobook MP3 writer."""
    writer = BookFileWriter(path, rules.SAMPLE_RATE, "mp3", ACX_MP3, BookTags(title="Chapter 1"))
    data = pcm(samples)
    master_spool(lambda a, b: data[2 * a : None if b is None else 2 * b], len(data) // 2, rate, writer,
                 Timeline(rate), per_chapter=False, name=path.name)
    return writer.commit()


@pytest.mark.parametrize(
    ("name", "rate", "make", "problems"),
    [
        # Quiet offline speech at 22.05 kHz, no lead-in, a clipped plosive, dead silence.
        ("quiet", 22050, lambda: _spike(chapter(22050, rms_dbfs=-32, head=0.0, tail=0.3, floor_dbfs=None)),
         {"rms", "true_peak", "head_room_tone", "tail_room_tone", "noise_floor", "sample_rate", "format"}),
        # Too loud and clipping at 24 kHz, three seconds of lead-in and eight of tail.
        ("loud", 24000, lambda: np.clip(chapter(24000, rms_dbfs=-12, head=3.0, tail=8.0), -1, 1),
         {"rms", "true_peak", "head_room_tone", "tail_room_tone", "sample_rate", "format"}),
        # Already 44.1 kHz and fine except for the container.
        ("fine", 44100, lambda: chapter(), {"format"}),
    ],
)
def test_the_preset_makes_files_that_pass(tmp_path: Path, name: str, rate: int, make, problems: set[str]) -> None:  # type: ignore[no-untyped-def]
    source = make()
    before = check_file(write_wav(tmp_path / f"{name}.wav", source, rate))
    assert {r.rule for r in before.failures()} == problems  # the input really had those faults

    report = check_file(preset_file(tmp_path / f"{name}.mp3", source, rate))
    assert report.passed, [(r.rule, r.value) for r in report.failures()]
    f = report.figures
    assert abs(f.rms_dbfs - (-20)) < 0.8 and f.true_peak_dbfs <= -3.5
    assert abs(f.head_s - 0.75) <= 0.06 and abs(f.tail_s - 2.5) <= 0.1
    assert -75 < f.noise_floor_dbfs < -65  # the room tone, not digital zero
    assert (f.sample_rate, f.bitrate_kbps, f.bitrate_mode, f.container) == (44100, 192, "CBR", "MP3")


def _spike(samples: np.ndarray) -> np.ndarray:
    out = samples.copy()
    out[len(out) // 2 : len(out) // 2 + 40] = 0.999
    return out


def test_room_tone_moves_the_words_by_the_reported_shift() -> None:
    rate = 22050
    source = chapter(rate, head=2.0, tail=0.5)  # two seconds of lead-in: 1.25 s is trimmed
    mastered = master_pcm(pcm(source), rate)
    assert mastered.shift_s == pytest.approx(-1.25, abs=0.05)
    lead = int(2.0 * rate)
    first_in = np.flatnonzero(np.abs(source[lead:]) > 0.01)[0] + lead
    first_out = np.flatnonzero(np.abs(mastered.samples / 32768) > 0.01 * 10 ** (8 / 20))[0]
    assert first_out / 44100 == pytest.approx(first_in / rate + mastered.shift_s, abs=0.02)


def test_over_120_minutes_or_silent_is_refused_naming_the_chapter() -> None:
    rate = 1000  # 121 minutes of it is small
    with pytest.raises(AcxMasteringError) as error:
        master_pcm(bytes(2 * rate * 60 * 121), rate, name="Chapter 7 (“The Long Night”)")
    assert "Chapter 7 (“The Long Night”) is 121 minutes long" in error.value.cause
    assert "Split the chapter" in error.value.remedy and "kept" in error.value.remedy
    with pytest.raises(AcxMasteringError, match="is silent"):
        master_pcm(bytes(2 * 22050), 22050, name="Chapter 2")


def test_a_folder_of_chapter_files_each_passes(tmp_path: Path) -> None:
    rate = 22050
    chapters = [(f"Part {n}", pcm(chapter(rate, rms_dbfs=-30 + 4 * n, head=0.1 * n, tail=0.2, seed=n)))
                for n in range(1, 4)]
    reports = export_acx_chapters(chapters, rate, tmp_path / "book")
    assert [r.path.name for r in reports] == ["01 Part 1.mp3", "02 Part 2.mp3", "03 Part 3.mp3"]
    assert all(r.passed for r in reports), [[(x.rule, x.value) for x in r.failures()] for r in reports]
    zipped = export_acx_chapters(chapters, rate, tmp_path / "book.zip")
    assert [r.passed for r in zipped] == [True, True, True]


def test_a_folder_with_a_chapter_over_120_minutes_writes_nothing(tmp_path: Path) -> None:
    rate = 1000  # 125 minutes of it is small
    chapters = [("Short", pcm(chapter(rate, seconds=3))), ("Endless", bytes(2 * rate * 60 * 125))]
    with pytest.raises(AcxMasteringError, match="Chapter 2 \\(“Endless”\\) is 125 minutes long"):
        export_acx_chapters(chapters, rate, tmp_path / "book")
    assert not (tmp_path / "book").exists() and list(tmp_path.iterdir()) == []


def test_the_preset_resamples_in_pieces_exactly_as_in_one_go() -> None:
    from studio.core.acx.master import _at_rate
    from studio.core.audio import int16_to_float, resample

    speech = pcm(chapter(22050, seconds=60, head=0.1, tail=0.1))  # more than one piece
    assert np.array_equal(_at_rate(speech, 22050, 44100), int16_to_float(resample(speech, 22050, 44100)))
