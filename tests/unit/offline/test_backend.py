"""OfflineBackend: the SynthesisBackend seam over real Piper synthesis."""

from __future__ import annotations

import io
import json
import math
import os
import threading
import time
import wave
from pathlib import Path

import numpy as np
import pytest

from studio.offline.derived import DERIVED
from studio.api.errors import InvalidRequestError, VoiceNotFoundError
from studio.api.models import VoiceSettings
from studio.api.pages import iter_all_voices
from studio.api.requests import TextToSpeechRequest, VoiceSearch
from studio.core.backend import SynthesisBackend
from studio.core.backends.offline import MODEL_ID, OfflineBackend
from studio.offline.engine import get_engine
from studio.offline.errors import OfflineEngineError
from studio.offline.voices import bundled_voice

pytestmark = pytest.mark.slow
BUNDLED = "offline-en_US-joe-medium"


@pytest.fixture
def voices_dir(tmp_path: Path) -> Path:
    """Two extra voices (the bundled model under other names) and one broken file."""
    bundled = bundled_voice()
    config = json.loads(bundled.config_path.read_text())
    for stem, dataset, gender in (("en_US-amy-medium", "amy", "female"), ("en_GB-alan-low", "alan", "male")):
        os.symlink(bundled.onnx_path, tmp_path / f"{stem}.onnx")
        (tmp_path / f"{stem}.onnx.json").write_text(json.dumps({**config, "dataset": dataset, "gender": gender}))
    (tmp_path / "broken.onnx").write_bytes(b"garbage" * 500)
    return tmp_path


def request(text: str, **kwargs: object) -> TextToSpeechRequest:
    fields: dict[str, object] = {"voice_id": BUNDLED, "text": text, "model_id": MODEL_ID, "seed": 4}
    fields.update(kwargs)
    return TextToSpeechRequest(**fields)  # type: ignore[arg-type]


def test_it_is_a_synthesis_backend() -> None:
    backend = OfflineBackend()
    assert isinstance(backend, SynthesisBackend)
    assert backend.engine_id == "offline" and backend.display_name == "Offline voice"


def test_voices_page_filter_and_report_broken_files(voices_dir: Path) -> None:
    backend = OfflineBackend(voices_dir)
    first = backend.search_voices(VoiceSearch(page_size=1))
    assert first.total_count == 3 + len(DERIVED) and first.has_next_page()  # and those derived from Joe
    names = [v.name for v in iter_all_voices(first) if "derived" not in v.name]
    assert names == ["Alan", "Amy", "Joe (offline)"]  # sorted by name, each once
    assert any("broken.onnx" in problem for problem in backend.voice_problems)
    assert [v.name for v in backend.search_voices(VoiceSearch(search="AMY")).voices] == ["Amy"]
    assert [v.name for v in backend.search_voices(VoiceSearch(gender="female")).voices] == ["Amy"]
    assert backend.search_voices(VoiceSearch(category="cloned")).voices == []
    desc = backend.search_voices(VoiceSearch(sort="name", sort_direction="desc"))
    assert [v.name for v in desc.voices if "derived" not in v.name] == ["Joe (offline)", "Amy", "Alan"]
    assert backend.get_voice("offline-en_US-amy-medium").labels["gender"] == "female"


def test_unknown_voice_is_voice_not_found() -> None:
    with pytest.raises(VoiceNotFoundError) as caught:
        OfflineBackend().get_voice("offline-nobody")
    assert "offline-nobody" in str(caught.value) and caught.value.remedy


def test_model_account_and_settings() -> None:
    backend = OfflineBackend()
    [model] = backend.list_models()
    assert model.model_id == MODEL_ID and model.can_do_text_to_speech
    assert model.credits_per_character() == 0.0
    assert model.character_limit(subscribed=False) == 100_000
    assert backend.get_subscription() is None
    assert set(backend.unsupported_settings(MODEL_ID)) == {"similarity_boost", "style", "use_speaker_boost"}
    defaults = backend.get_default_voice_settings()
    assert defaults.stability == 0.5 and defaults.speed == 1.0
    assert backend.get_voice_settings(BUNDLED) == defaults


@pytest.mark.parametrize("rate", [16000, 22050, 24000, 44100])
def test_stream_is_pcm_at_the_requested_rate_with_full_alignment(rate: int) -> None:
    text = "The offline voice speaks. It streams with timings!"
    with OfflineBackend().stream_with_timestamps(request(text, output_format=f"pcm_{rate}")) as stream:
        chunks = list(stream)
        assert stream.completed
    assert stream.info.character_cost == 0
    audio = b"".join(c.audio for c in chunks)
    timed = [c for c in chunks if c.alignment is not None]
    assert len(timed) == 2  # one chunk per sentence (plus an audio-only tail when resampling)
    characters = [ch for c in timed for ch in c.alignment.characters]  # type: ignore[union-attr]
    assert "".join(characters) == text
    # The engine's own take at 22,050 Hz, same seed: the resampled one has exactly its length.
    engine_pcm = b"".join(c.audio for c in get_engine().stream(text, seed=4))
    engine_samples = len(engine_pcm) // 2
    assert len(audio) // 2 == math.ceil(engine_samples * rate / 22050)
    if rate == 22050:
        assert audio == engine_pcm
    seconds = len(audio) / 2 / rate
    last_end = timed[-1].alignment.character_end_times_seconds[-1]  # type: ignore[union-attr]
    assert last_end == pytest.approx(seconds, abs=0.01)
    assert np.abs(np.frombuffer(audio, dtype="<i2")).max() > 5000


def test_settings_reach_the_engine() -> None:
    backend = OfflineBackend()
    text = "Faster speech is shorter."

    def seconds(speed: float) -> float:
        with backend.stream_with_timestamps(request(text, voice_settings=VoiceSettings(speed=speed))) as stream:
            return sum(len(c.audio) for c in stream) / 2 / 24000

    assert seconds(1.2) < seconds(0.7) * 0.8


def test_non_pcm_format_and_bad_values_are_refused_clearly() -> None:
    backend = OfflineBackend()
    with pytest.raises(OfflineEngineError, match="PCM"):
        backend.stream_with_timestamps(request("Hello.", output_format="mp3_44100_128"))
    with pytest.raises(InvalidRequestError):
        request("Hello.", output_format="pcm_12345")
    with pytest.raises(OfflineEngineError, match="too long"):
        backend.stream_with_timestamps(request("a" * 100_001))


def test_close_from_another_thread_stops_the_stream() -> None:
    backend = OfflineBackend()
    text = " ".join(f"This is sentence {n}, which is long enough to take a moment." for n in range(80))
    stream = backend.stream_with_timestamps(request(text))
    received = [next(stream)]
    closer = threading.Timer(0.05, stream.close)
    closer.start()
    started = time.perf_counter()
    received += list(stream)
    closer.join()
    assert stream.closed and not stream.completed
    assert len(received) < 40
    assert time.perf_counter() - started < 5.0


def test_a_stream_closed_before_any_read_is_forgotten() -> None:
    backend = OfflineBackend()
    streams = [backend.stream_with_timestamps(request("Never read at all.")) for _ in range(3)]
    for stream in streams:
        stream.close()
    assert backend._active == set()  # no bookkeeping left behind for streams nobody read


@pytest.mark.parametrize("timed", [True, False])
def test_backend_close_ends_active_streams_as_cut_short(timed: bool) -> None:
    """An engine switch closes the backend: its streams stop and never claim to be complete."""
    backend = OfflineBackend()
    open_stream = backend.stream_with_timestamps if timed else backend.stream
    stream = open_stream(request("One. Two. Three. Four. Five. Six. Seven. Eight."))
    next(stream)
    backend.close()
    assert len(list(stream)) <= 1  # at most the sentence already being made
    assert stream.closed and not stream.completed
    assert backend._active == set()


def test_convert_cut_short_by_backend_close_is_an_error_not_a_take() -> None:
    backend = OfflineBackend()
    text = " ".join(f"This is sentence {n}, which is long enough to take a moment." for n in range(80))
    closer = threading.Timer(0.3, backend.close)
    closer.start()
    with pytest.raises(OfflineEngineError, match="stopped before it finished"):
        backend.convert(request(text, output_format="pcm_24000"))
    closer.join()


def test_preview_is_a_playable_wav_and_is_kept() -> None:
    backend = OfflineBackend()
    voice = backend.get_voice(BUNDLED)
    data = backend.preview_audio(voice)
    with wave.open(io.BytesIO(data)) as wav:
        assert wav.getframerate() == 22050 and wav.getnchannels() == 1
        assert 1.5 < wav.getnframes() / 22050 < 15
    assert backend.preview_audio(voice) is data


def test_convert_returns_the_whole_take_with_one_alignment() -> None:
    text = "Convert gives everything at once. Like this."
    result = OfflineBackend().convert(request(text, output_format="pcm_24000"))
    assert result.alignment is not None and "".join(result.alignment.characters) == text
    assert result.normalized_alignment is not None
    assert result.alignment.character_end_times_seconds[-1] == pytest.approx(len(result.audio) / 2 / 24000, abs=0.01)


def test_a_dropped_in_voice_speaks(voices_dir: Path) -> None:
    backend = OfflineBackend(voices_dir)
    text = "A voice from the voices folder."
    with backend.stream_with_timestamps(request(text, voice_id="offline-en_US-amy-medium")) as stream:
        chunks = list(stream)
    assert "".join(ch for c in chunks if c.alignment for ch in c.alignment.characters) == text
    assert sum(len(c.audio) for c in chunks) > 24000  # more than half a second of speech
    assert get_engine("offline-en_US-amy-medium", voice=backend._find("offline-en_US-amy-medium")).is_loaded
