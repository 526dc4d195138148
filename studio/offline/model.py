"""Load a Piper voice model for the studio: timings out, noise in.

Two in-memory patches to the ONNX graph (the file on disk is never touched):

* **Timings**: piper's own ``add_alignment_output`` exposes the per-phoneme-id durations
  (in 256-sample hops) as a second output.
* **Noise as an input**: a VITS voice draws random noise twice per run (phoneme-length
  noise and voice-texture noise) with ``RandomNormalLike`` nodes whose generator is seeded
  once when the session starts, so the same text never sounds the same twice and a seed
  cannot be honoured. We replace each such node by a slice of a flat noise buffer that we
  feed in, drawn from numpy's generator: with a seed, the same text gives the same noise,
  hence the same take; without one, fresh noise gives Piper's usual natural variation.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from studio.offline.errors import VoiceLoadError

log = logging.getLogger(__name__)

NOISE_INPUT_PREFIX = "studio_noise_"
#: Channels of a VITS voice's latent (192 for Piper's x_low … high voices).
_CHANNELS = 192
_FRAMES_PER_ID = 4
_MIN_FRAMES = 64


@dataclass
class LoadedModel:
    session: object  # onnxruntime.InferenceSession
    config: object  # piper.config.PiperConfig
    has_timings: bool
    noise_inputs: list[str]


def _replace_random_nodes(model: object) -> list[str]:
    """Swap every RandomNormalLike(X) for Reshape(Slice(noise_k, 0, Size(X)), Shape(X))."""
    from onnx import TensorProto, helper

    graph = model.graph  # type: ignore[attr-defined]
    names: list[str] = []
    new_nodes = []
    zero = helper.make_tensor("studio_zero_1d", TensorProto.INT64, [1], [0])
    one_shape = helper.make_tensor("studio_shape_1", TensorProto.INT64, [1], [1])
    graph.initializer.extend([zero, one_shape])
    for node in graph.node:
        if node.op_type != "RandomNormalLike":
            new_nodes.append(node)
            continue
        k = len(names)
        noise = f"{NOISE_INPUT_PREFIX}{k}"
        names.append(noise)
        graph.input.append(helper.make_tensor_value_info(noise, TensorProto.FLOAT, [f"noise_len_{k}"]))
        like = node.input[0]
        out = node.output[0]
        p = f"studio_noise_patch_{k}"
        new_nodes.extend(
            [
                helper.make_node("Shape", [like], [f"{p}_shape"], name=f"{p}_Shape"),
                helper.make_node("Size", [like], [f"{p}_size"], name=f"{p}_Size"),
                helper.make_node("Reshape", [f"{p}_size", "studio_shape_1"], [f"{p}_end"], name=f"{p}_End"),
                helper.make_node("Slice", [noise, "studio_zero_1d", f"{p}_end"], [f"{p}_flat"], name=f"{p}_Slice"),
                helper.make_node("Reshape", [f"{p}_flat", f"{p}_shape"], [out], name=f"{p}_Reshape"),
            ]
        )
    del graph.node[:]
    graph.node.extend(new_nodes)
    return names


def load_model(onnx_path: Path, config_path: Path) -> LoadedModel:
    """Read, patch and open a voice model. Raises VoiceLoadError naming the file."""
    import onnx
    import onnxruntime
    from piper.config import PiperConfig
    from piper.patch_voice_with_alignment import add_alignment_output

    try:
        config = PiperConfig.from_dict(json.loads(Path(config_path).read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise VoiceLoadError(
            f"The voice settings file {Path(config_path).name} could not be read ({error})",
            "Download the voice again, or remove it from the voices folder.",
        ) from error
    try:
        model = onnx.load(str(onnx_path))
    except Exception as error:  # noqa: BLE001 - protobuf raises several unrelated types
        raise VoiceLoadError(
            f"The voice model {Path(onnx_path).name} is damaged and could not be opened",
            "Download the voice again, or remove it from the voices folder.",
        ) from error
    has_timings = True
    try:
        add_alignment_output(model)
    except Exception as error:  # noqa: BLE001 - ValueError normally; anything from odd graphs
        # Already patched on disk (fine), or no duration tensor (timings will be estimated).
        outputs = [output.name for output in model.graph.output]
        has_timings = len(outputs) > 1
        log.info("Voice %s: not patched for timings (%s)", Path(onnx_path).name, error)
    try:
        noise_inputs = _replace_random_nodes(model)
    except Exception as error:  # noqa: BLE001 - an unusual graph: keep the model's own noise
        log.warning("Voice %s: noise left inside the model (%s)", Path(onnx_path).name, error)
        model = onnx.load(str(onnx_path))
        try:
            add_alignment_output(model)
        except Exception:  # noqa: BLE001 - see above
            pass
        noise_inputs = []
    options = onnxruntime.SessionOptions()
    # Idle worker threads sleep instead of spinning: synthesis shares the CPU with the GUI
    # and audio playback, which a spinning thread would starve.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    try:
        session = onnxruntime.InferenceSession(
            model.SerializeToString(),
            sess_options=options,
            providers=["CPUExecutionProvider"],
        )
    except Exception as error:  # noqa: BLE001 - onnxruntime's errors have no common base
        raise VoiceLoadError(
            f"The voice model {Path(onnx_path).name} could not be started ({error})",
            "Download the voice again, or remove it from the voices folder.",
        ) from error
    if len(session.get_outputs()) < 2:
        has_timings = False
    return LoadedModel(session=session, config=config, has_timings=has_timings, noise_inputs=noise_inputs)


def run_model(
    loaded: LoadedModel,
    phoneme_ids: list[int],
    *,
    noise_scale: float,
    length_scale: float,
    noise_w: float,
    rng: np.random.Generator,
    run_options: object | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Audio (float32 in [-1, 1]) and samples per phoneme id (or None) for ``phoneme_ids``."""
    config = loaded.config
    ids = np.expand_dims(np.array(phoneme_ids, dtype=np.int64), 0)
    feeds: dict[str, np.ndarray] = {
        "input": ids,
        "input_lengths": np.array([ids.shape[1]], dtype=np.int64),
        "scales": np.array([noise_scale, length_scale, noise_w], dtype=np.float32),
    }
    if config.num_speakers > 1:  # type: ignore[attr-defined]
        feeds["sid"] = np.array([config.default_speaker_id], dtype=np.int64)  # type: ignore[attr-defined]
    # A generous estimate of the audio frames (ids average ~2 hops each, long pauses ~10);
    # if the model needs more, the run fails early at the patched Slice and is retried.
    frames_guess = _MIN_FRAMES + int(len(phoneme_ids) * _FRAMES_PER_ID * max(1.0, length_scale))
    for _attempt in range(4):
        if loaded.noise_inputs:
            # Buffer k=0 is the phoneme-length noise (2 × ids), k=1 the voice noise
            # (channels × frames). Both are drawn in a fixed order from ``rng``.
            sizes = [2 * len(phoneme_ids) + 16] + [_CHANNELS * frames_guess] * (len(loaded.noise_inputs) - 1)
            state = rng.bit_generator.state
            for name, size in zip(loaded.noise_inputs, sizes):
                feeds[name] = rng.standard_normal(size, dtype=np.float32)
        try:
            result = loaded.session.run(None, feeds, run_options)  # type: ignore[attr-defined]
            break
        except Exception as error:  # noqa: BLE001 - onnxruntime's errors have no common base
            # Only a too-short noise buffer is worth another try (with a longer one).
            if not loaded.noise_inputs or "studio_noise_patch" not in str(error):
                raise
            rng.bit_generator.state = state
            frames_guess *= 4
    else:  # pragma: no cover - four tries cover 64× the estimate
        raise RuntimeError("noise buffer retries exhausted")
    audio = np.asarray(result[0]).squeeze()
    samples = None
    if loaded.has_timings and len(result) > 1:
        samples = (np.asarray(result[1]).squeeze() * config.hop_length).astype(np.int64)  # type: ignore[attr-defined]
        samples = np.atleast_1d(samples)
    return np.atleast_1d(audio).astype(np.float32), samples
