"""The offline speech engine: Piper on a local voice, sentence by sentence, with timings.

``OfflineEngine(voice).stream(text)`` yields one :class:`SpeechChunk` per sentence: s16le
mono PCM at the voice's sample rate, plus ``alignment`` (every character of ``text`` with
start/end seconds, ABSOLUTE from the start of ``text``) and ``normalized_alignment`` (the
text as spoken: numbers and abbreviations written out). The same chunk type as the API.

Voice settings, honestly mapped (see :meth:`OfflineEngine.unsupported_settings`):

* ``speed`` 0.7–1.2 → Piper's length scale = voice default / speed (1.2 = 20 % faster).
* ``stability`` 0–1 → sampling noise: both noise scales × (1.5 − stability), so 0.5 is the
  voice's own default, 1.0 halves the noise (flatter, steadier), 0.0 raises it by half
  (livelier, less predictable).
* ``seed`` → the noise the model samples (see :mod:`studio.offline.model`): the same text,
  voice, settings and seed give the same audio, sample for sample, in this process or the
  next (tested), on this machine with this onnxruntime and numpy. Not promised: identical
  bits on another CPU or library version (float maths may differ in the last bits; the
  words, timing and sound stay the same), or for the same sentence inside different text
  (each sentence's noise comes from the seed and its position). Without a seed every take
  differs a little, as Piper normally does.
"""

from __future__ import annotations

import logging
import threading
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from studio.api.models import CharacterAlignment, SpeechChunk, VoiceSettings
from studio.cancel import CancelToken
from studio.offline import alignment as align
from studio.offline.derived import shift_pitch
from studio.offline.errors import EmptyTextError, OfflineEngineError
from studio.offline.espeak_events import word_events
from studio.offline.model import LoadedModel, load_model, run_model
from studio.offline.pauses import pause_runs, silence_chunk
from studio.offline.normalize import normalize_span
from studio.offline.sentences import Sentence, split_sentences
from studio.offline.voices import OfflineVoice, bundled_voice, discover_voices
from studio.markup import Markup, blank, find_markup
from studio.text_rules import ABBREVIATIONS, is_speakable

log = logging.getLogger(__name__)

SPEED_RANGE = (0.7, 1.2)
DEFAULT_STABILITY = 0.5
#: The first chunk is cut short (at a clause, else a space) so playback starts quickly.
FIRST_CHUNK_MAX_CHARS = 50
MAX_CHUNK_CHARS = 400
#: Peak level of each sentence (Piper normalises each sentence to full scale; leave headroom
#: so resampling never clips).
PEAK = 0.9
_SILENCE_S = 0.25

UNSUPPORTED_SETTINGS: dict[str, str] = {
    "similarity_boost": "The offline voice is a single fixed voice model; there is no "
    "reference voice to stay similar to.",
    "style": "Piper voices have no style control; use speed and stability instead.",
    "use_speaker_boost": "Speaker boost is an ElevenLabs feature; the offline voice has no "
    "equivalent.",
}


@dataclass
class SynthesisParams:
    length_scale: float
    noise_scale: float
    noise_w: float


def clean_for_speech(text: str) -> str:
    """``text`` with characters that upset espeak/Piper replaced, keeping every offset.

    Control characters (NUL would cut espeak's C string), lone surrogates, private-use and
    unassigned code points become spaces; square brackets become parentheses because Piper
    reads ``[[ … ]]`` as raw phonemes. Each replacement is one character for one, so offsets
    into the cleaned text are offsets into the original.
    """
    out: list[str] = []
    for char in text:
        if char in "[]":
            out.append("(" if char == "[" else ")")
            continue
        category = unicodedata.category(char)
        if char in "\n\t" or category[0] != "C" or category == "Cf" and char in "\u200d\ufe0f":
            out.append(char)
        else:
            out.append(" ")
    return "".join(out)


class OfflineEngine:
    def __init__(self, voice: OfflineVoice | None = None) -> None:
        self.voice = voice or bundled_voice()
        self._load_lock = threading.Lock()
        self._model: LoadedModel | None = None
        self._phonemizer: object | None = None
        #: Seconds spent aligning (espeak word events + mapping) since load: for the benchmark.
        self.alignment_seconds = 0.0

    @property
    def sample_rate(self) -> int:
        return self.voice.sample_rate

    @property
    def is_loaded(self) -> bool:
        return self._model is not None

    def load(self) -> None:
        """Load the voice model (≈ 2 s). Blocking, idempotent, thread-safe: call from a worker."""
        if self._model is not None:
            return
        with self._load_lock:
            if self._model is not None:
                return
            started = time.perf_counter()
            self._model, self._phonemizer = _shared_model(self.voice)
            # Warm up espeak and onnxruntime so the first real sentence is fast.
            for _chunk in self._stream_checked("Ready.", None, 0, None):
                pass
            log.info("Loaded offline voice %s in %.2f s", self.voice.voice_id, time.perf_counter() - started)

    def unsupported_settings(self) -> dict[str, str]:
        return dict(UNSUPPORTED_SETTINGS)

    def synthesis_params(self, settings: VoiceSettings | None) -> SynthesisParams:
        if self._model is None:
            self.load()
        config = self._model.config  # type: ignore[union-attr]
        speed = 1.0
        stability = DEFAULT_STABILITY
        if settings is not None:
            if settings.speed is not None:
                speed = min(max(settings.speed, SPEED_RANGE[0]), SPEED_RANGE[1])
            if settings.stability is not None:
                stability = min(max(settings.stability, 0.0), 1.0)
        noise_factor = (1.5 - stability) * self.voice.noise
        voice = self.voice
        return SynthesisParams(
            # A derived voice speaks pitch × slower, then its audio is shortened back (derived.py).
            length_scale=config.length_scale / speed / voice.tempo * voice.pitch,
            noise_scale=config.noise_scale * noise_factor,
            noise_w=config.noise_w_scale * noise_factor,
        )

    def stream(
        self,
        text: str,
        *,
        settings: VoiceSettings | None = None,
        seed: int | None = None,
        cancel: CancelToken | None = None,
        v3_tags: bool = False,
    ) -> Iterator[SpeechChunk]:
        """Speak ``text`` sentence by sentence, its pause tags as silence (module notes).

        Raises EmptyTextError at once when there is nothing to speak (the studio's one rule,
        :func:`studio.text_rules.is_speakable`: blank text, or only punctuation and symbols),
        and :class:`~studio.markup.MarkupError` for a malformed or too long pause tag.
        """
        if not isinstance(text, str):
            raise EmptyTextError()
        # Audio tags are made as 0 s "pauses": never read aloud, still in the alignment.
        markup = [m for m in find_markup(text, v3_tags=v3_tags) if m.unspoken]
        if not is_speakable(blank(text, [(m.start, m.end) for m in markup])):
            raise EmptyTextError()
        if seed is not None and not (0 <= int(seed) <= 4_294_967_295):
            raise OfflineEngineError(
                f"The seed {seed} is out of range", "Use a whole number from 0 to 4294967295."
            )
        return self._stream_checked(text, settings, seed, cancel, markup)

    def _stream_checked(
        self,
        text: str,
        settings: VoiceSettings | None,
        seed: int | None,
        cancel: CancelToken | None,
        markup: list[Markup] | None = None,
    ) -> Iterator[SpeechChunk]:
        if self._model is None:
            self.load()
        params = self.synthesis_params(settings)
        offset_samples = 0
        index = 0  # of the sentence in the whole text: the seed's noise follows it
        for run_start, run_end, pause in pause_runs(text, markup or []):
            if cancel is not None and cancel.cancelled:
                return
            if pause is not None:
                chunk = silence_chunk(text[run_start:run_end], pause.seconds, offset_samples, self.sample_rate)
                yield chunk
                offset_samples += len(chunk.audio) // 2
                continue
            speak_text = clean_for_speech(text[run_start:run_end])
            if not speak_text.strip():
                continue
            # Only the very first chunk is cut short (playback starts quickly).
            sentences = split_sentences(speak_text, max_chars=MAX_CHUNK_CHARS,
                                        first_max_chars=FIRST_CHUNK_MAX_CHARS if index == 0 else None)
            for sentence in sentences:
                if cancel is not None and cancel.cancelled:
                    return
                chunk = self._sentence_chunk(text, run_start, sentence, params, seed, index, offset_samples, cancel)
                index += 1
                if chunk is None:  # cancelled in the middle of the sentence
                    return
                yield chunk
                offset_samples += len(chunk.audio) // 2

    def _sentence_chunk(self, text: str, run_start: int, sentence: Sentence, params: SynthesisParams, seed: int | None,
                        index: int, offset_samples: int, cancel: CancelToken | None) -> SpeechChunk | None:
        rng = np.random.default_rng([seed, index]) if seed is not None else np.random.default_rng()
        pcm, starts, ends, norm_chars, norm_starts, norm_ends = self._speak_sentence(
            sentence.text, params, rng, cancel
        )
        if pcm is None:
            return None
        base = offset_samples / self.sample_rate
        original = text[run_start + sentence.start : run_start + sentence.end]
        return SpeechChunk(
            audio=pcm.tobytes(),
            alignment=CharacterAlignment(
                characters=list(original),
                character_start_times_seconds=[round(base + t, 4) for t in starts],
                character_end_times_seconds=[round(base + t, 4) for t in ends],
            ),
            normalized_alignment=CharacterAlignment(
                characters=norm_chars,
                character_start_times_seconds=[round(base + t, 4) for t in norm_starts],
                character_end_times_seconds=[round(base + t, 4) for t in norm_ends],
            ),
        )

    def _speak_sentence(
        self,
        text: str,
        params: SynthesisParams,
        rng: np.random.Generator,
        cancel: CancelToken | None,
    ) -> tuple[np.ndarray | None, list[float], list[float], list[str], list[float], list[float]]:
        model = self._model
        assert model is not None
        rate = self.sample_rate
        phonemes: list[str] = []
        if is_speakable(text):
            for part in self._phonemizer.phonemize(text):  # type: ignore[union-attr]
                if part:
                    if phonemes:
                        phonemes.append(" ")
                    phonemes.extend(part)
        id_map = model.config.phoneme_id_map  # type: ignore[attr-defined]
        if not any(p in id_map and p not in align.SEPARATORS for p in phonemes):
            # Nothing to say (only symbols espeak skips): a short pause keeps every
            # character on the timeline.
            pcm = np.zeros(int(_SILENCE_S * rate), dtype=np.int16)
            starts, ends = align.spread(len(text), 0.0, len(pcm) / rate)
            return pcm, starts, ends, list(text), list(starts), list(ends)

        ids, owners = align.phoneme_ids_with_owners(phonemes, id_map)
        run_options = None
        unregister = None
        if cancel is not None:
            import onnxruntime

            run_options = onnxruntime.RunOptions()
            unregister = cancel.on_cancel(lambda: setattr(run_options, "terminate", True))
        try:
            audio, id_samples = run_model(
                model, ids, noise_scale=params.noise_scale, length_scale=params.length_scale,
                noise_w=params.noise_w, rng=rng, run_options=run_options,
            )
        except Exception as error:  # noqa: BLE001 - onnxruntime's errors have no common base
            if cancel is not None and cancel.cancelled:
                return None, [], [], [], [], []
            raise OfflineEngineError(
                f"The offline voice failed to speak a sentence ({type(error).__name__})",
                "Try again; if it keeps failing, rephrase the sentence or restart the app.",
            ) from error
        finally:
            if unregister is not None:
                unregister()

        audio = shift_pitch(audio, self.voice.pitch)  # a derived voice's pitch (none: unchanged)
        peak = float(np.max(np.abs(audio))) if audio.size else 0.0
        if peak > 1e-8:
            audio = audio * (PEAK / peak)
        pcm = np.clip(audio * 32767.0, -32767, 32767).astype(np.int16)

        started = time.perf_counter()
        spans = self._align(text, phonemes, owners, id_samples, len(pcm))
        starts: list[float] = []
        ends: list[float] = []
        norm_chars: list[str] = []
        norm_starts: list[float] = []
        norm_ends: list[float] = []
        for span in spans:
            piece = text[span.start : span.end]
            s, e = align.spread(len(piece), span.t0, span.t1)
            starts += s
            ends += e
            spoken = normalize_span(piece) if span.spoken else piece
            s, e = align.spread(len(spoken), span.t0, span.t1)
            norm_chars += list(spoken)
            norm_starts += s
            norm_ends += e
        align.make_monotonic(starts, ends)
        align.make_monotonic(norm_starts, norm_ends)
        self.alignment_seconds += time.perf_counter() - started
        return pcm, starts, ends, norm_chars, norm_starts, norm_ends

    def _align(
        self,
        text: str,
        phonemes: list[str],
        owners: list[int],
        id_samples: np.ndarray | None,
        total_samples: int,
    ) -> list[align.TimedSpan]:
        rate = self.sample_rate
        total = total_samples / rate
        if id_samples is None or len(id_samples) != len(owners):
            # A voice without timings: spread the sentence over its audio.
            return align.spans_for_text(len(text), [], 0.0, total)
        started = time.perf_counter()
        words = word_events(text, self.voice.espeak_voice)
        self.alignment_seconds += time.perf_counter() - started  # (the rest is counted by the caller)
        ranges, lead_end, model_total = align.phoneme_sample_ranges(owners, id_samples, len(phonemes))
        # The model's hop counts sum to the audio length; scale defensively if not.
        scale = total_samples / model_total if model_total else 1.0
        word_of = align.map_phonemes_to_words(phonemes, words)
        word_times: dict[int, tuple[float, float]] = {}
        for phoneme_index, word_index in enumerate(word_of):
            sample_range = ranges[phoneme_index]
            if word_index < 0 or sample_range is None:
                continue
            t0 = sample_range[0] * scale / rate
            t1 = sample_range[1] * scale / rate
            if word_index in word_times:
                old = word_times[word_index]
                word_times[word_index] = (min(old[0], t0), max(old[1], t1))
            else:
                word_times[word_index] = (t0, t1)
        groups = align.word_groups(text, words, word_times, ABBREVIATIONS)
        return align.spans_for_text(len(text), groups, lead_end * scale / rate, total)


_engines: dict[str, OfflineEngine] = {}
_engines_lock = threading.Lock()
#: Loaded models by file: the voices derived from Joe run Joe's model, loaded once.
_models: dict[tuple[str, str], tuple[LoadedModel, object]] = {}
_models_lock = threading.Lock()


def _shared_model(voice: OfflineVoice) -> tuple[LoadedModel, object]:
    from piper import PiperVoice

    files = (str(voice.onnx_path), str(voice.config_path))
    with _models_lock:
        if files not in _models:
            model = load_model(voice.onnx_path, voice.config_path)
            _models[files] = (model, PiperVoice(session=model.session, config=model.config))  # type: ignore[arg-type]
        return _models[files]


def find_voice(voice_id: str | None) -> OfflineVoice:
    """The offline voice with ``voice_id`` (None: the bundled one)."""
    bundled = bundled_voice()
    if voice_id is None or voice_id == bundled.voice_id:
        return bundled
    voices, _problems = discover_voices()
    for voice in voices:
        if voice.voice_id == voice_id:
            return voice
    raise OfflineEngineError(
        f"The offline voice {voice_id!r} was not found",
        "Pick another voice, or put its .onnx and .onnx.json files back in the voices folder.",
    )


def get_engine(voice_id: str | None = None, *, voice: OfflineVoice | None = None) -> OfflineEngine:
    """The loaded engine for ``voice_id`` (None: the bundled voice), one per voice, cached.

    ``voice`` skips the lookup (a caller that scanned its own folder passes what it found).
    Blocks while the voice loads the first time: call from a worker, never the GUI thread.
    """
    if voice is None:
        voice = find_voice(voice_id)
    with _engines_lock:
        engine = _engines.get(voice.voice_id)
        if engine is None or engine.voice != voice:
            engine = OfflineEngine(voice)
            _engines[voice.voice_id] = engine
    engine.load()  # per-engine lock: two voices can load at the same time
    return engine
