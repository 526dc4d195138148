"""Check one chapter file against ACX's rules: the figures, a verdict per rule, what to change.

The audio is decoded by the studio's decoder (libsndfile, :func:`studio.core.audio_decode.stream_file`)
and streamed through the meter, so a two-hour chapter never sits in memory. The MP3's bit rate
and mode are read with a second library, mutagen (from the Xing/Info/LAME header and the
frames), not trusted from the encoder that wrote them. A file over 120 minutes is reported
without measuring its levels: it has to be split first, and each part checked.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from studio.core.acx import rules
from studio.core.acx.measure import AcxMeter
from studio.core.audio_decode import UndecodableAudioError, file_info, stream_file
from studio.errors import StudioError


class AcxInputError(StudioError):
    """The file cannot be checked at all (missing, unreadable, not audio)."""


@dataclass(frozen=True)
class ChapterReport:
    path: Path
    figures: rules.Figures
    results: list[rules.RuleResult]

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)

    def failures(self) -> list[rules.RuleResult]:
        return [r for r in self.results if not r.passed]

    def to_json(self) -> dict[str, object]:
        figures = {k: (None if isinstance(v, float) and v == float("-inf") else v) for k, v in asdict(self.figures).items()}
        return {
            "file": str(self.path),
            "passed": self.passed,
            "figures": figures,
            "rules": [asdict(r) for r in self.results],
        }


def _mp3_header(path: Path) -> tuple[int | None, str | None]:
    """(kbps, "CBR"/"VBR"/"ABR"/"unknown") from mutagen; (None, None) if it is no MP3."""
    from mutagen import MutagenError
    from mutagen.mp3 import MP3, BitrateMode, HeaderNotFoundError

    try:
        info = MP3(str(path)).info
    except (HeaderNotFoundError, MutagenError):
        return None, None
    mode = {BitrateMode.CBR: "CBR", BitrateMode.VBR: "VBR", BitrateMode.ABR: "ABR"}.get(info.bitrate_mode, "unknown")
    return round(info.bitrate / 1000), mode


def check_file(path: Path) -> ChapterReport:
    """The report for one file; AcxInputError when it is missing, unreadable or not audio."""
    path = Path(path)
    name = path.name
    if path.is_dir():
        raise AcxInputError(f"“{path}” is a folder", "Give the chapter files themselves (for example folder/*.mp3).")
    try:
        with open(path, "rb") as handle:
            empty = not handle.read(1)
    except OSError as error:
        raise AcxInputError(f"“{path}” cannot be read ({error.strerror or error})",
                            "Check the file name and that you may read it.") from None
    if empty:
        raise AcxInputError(f"“{name}” is empty", "Export the chapter again.")
    try:
        info = file_info(path)
    except UndecodableAudioError as error:
        raise AcxInputError(error.cause, error.remedy) from None
    container = "MP3" if info.container.upper() == "MP3" else info.container.upper()
    kbps, mode = _mp3_header(path) if container == "MP3" else (None, None)
    base = dict(duration_s=info.seconds, sample_rate=info.sample_rate, channels=info.channels,
                container=container, bitrate_kbps=kbps, bitrate_mode=mode)
    if info.seconds / 60 > rules.MAX_MINUTES:
        figures = rules.Figures(**base)  # type: ignore[arg-type]
        return ChapterReport(path, figures, rules.evaluate(figures))
    meter = AcxMeter(info.sample_rate, info.channels)
    try:
        for block in stream_file(path):
            meter.add(block)
    except UndecodableAudioError as error:
        raise AcxInputError(error.cause, error.remedy) from None
    if meter.frames == 0:
        raise AcxInputError(f"“{name}” holds no audio", "Export the chapter again.")
    measured = {**base, "duration_s": meter.frames / info.sample_rate, **meter.figures()}
    figures = rules.Figures(**measured)  # type: ignore[arg-type]
    return ChapterReport(path, figures, rules.evaluate(figures))
