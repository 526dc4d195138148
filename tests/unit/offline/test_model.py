"""The in-memory model patches: timings come out, noise goes in (so seeds work)."""

from __future__ import annotations

import numpy as np
import pytest

from studio.offline import model as model_module
from studio.offline.alignment import phoneme_ids_with_owners
from studio.offline.engine import get_engine

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def loaded() -> model_module.LoadedModel:
    engine = get_engine()
    assert engine._model is not None
    return engine._model


def _ids(loaded: model_module.LoadedModel, text: str) -> list[int]:
    phonemes = list(text)
    ids, _owners = phoneme_ids_with_owners(phonemes, loaded.config.phoneme_id_map)  # type: ignore[attr-defined]
    return ids


def test_patched_model_has_timings_and_noise_inputs(loaded: model_module.LoadedModel) -> None:
    assert loaded.has_timings
    assert loaded.noise_inputs == ["studio_noise_0", "studio_noise_1"]
    names = {i.name for i in loaded.session.get_inputs()}  # type: ignore[attr-defined]
    assert {"input", "input_lengths", "scales", *loaded.noise_inputs} <= names


def test_timings_sum_to_the_audio_and_seed_fixes_the_noise(loaded: model_module.LoadedModel) -> None:
    ids = _ids(loaded, "həlˈoʊ wˈɜːld.")
    kwargs = {"noise_scale": 0.667, "length_scale": 1.0, "noise_w": 0.8}
    audio, samples = model_module.run_model(loaded, ids, rng=np.random.default_rng(5), **kwargs)
    again, _ = model_module.run_model(loaded, ids, rng=np.random.default_rng(5), **kwargs)
    other, _ = model_module.run_model(loaded, ids, rng=np.random.default_rng(6), **kwargs)
    assert samples is not None and len(samples) == len(ids)
    assert int(samples.sum()) == len(audio)
    assert np.array_equal(audio, again)
    assert not np.array_equal(audio, other)


def test_a_too_short_noise_buffer_is_retried_with_the_same_result(
    loaded: model_module.LoadedModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _ids(loaded, "ə lˈɔːŋ pˈɔːz. . . . ænd mˈɔːɹ.")
    kwargs = {"noise_scale": 0.667, "length_scale": 1.2, "noise_w": 0.8}
    expected, _ = model_module.run_model(loaded, ids, rng=np.random.default_rng(9), **kwargs)
    sizes: list[int] = []
    real_run = loaded.session.run  # type: ignore[attr-defined]

    def spy(outputs, feeds, options=None):  # type: ignore[no-untyped-def]
        sizes.append(feeds["studio_noise_1"].size)
        return real_run(outputs, feeds, options)

    monkeypatch.setattr(loaded.session, "run", spy)
    monkeypatch.setattr(model_module, "_FRAMES_PER_ID", 0)
    monkeypatch.setattr(model_module, "_MIN_FRAMES", 8)
    audio, _ = model_module.run_model(loaded, ids, rng=np.random.default_rng(9), **kwargs)
    assert len(sizes) >= 2 and sizes[1] > sizes[0]  # the first try was too short
    assert np.array_equal(audio, expected)
