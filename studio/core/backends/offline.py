"""The offline (Piper) engine behind the one backend seam (:mod:`studio.core.backend`).

Voices are the bundled voice plus any Piper voice in the user's voices folder (re-read on
every search, so a dropped-in voice appears without a restart). Speech comes from
:class:`studio.offline.engine.OfflineEngine`, resampled chunk by chunk (one streaming
resampler per request, so chunk edges stay seamless) to the ``pcm_*`` rate the request
asks for. Nothing here costs credits or touches the network.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from studio.api.errors import VoiceNotFoundError
from studio.api.formats import parse_output_format
from studio.api.models import CharacterAlignment, Language, Model, ModelRates, SpeechChunk, Subscription, Voice, VoiceSettings
from studio.api.pages import VoicePage
from studio.api.requests import TextToSpeechRequest, VoiceSearch
from studio.api.streaming import ResponseInfo, SpeechResult, SpeechStream
from studio.core.audio import Resampler, wav_bytes
from studio.cancel import CancelToken
from studio.offline.engine import UNSUPPORTED_SETTINGS, OfflineEngine, get_engine
from studio.offline.errors import OfflineEngineError
from studio.offline.voices import OfflineVoice, discover_voices

MODEL_ID = "offline_piper"
#: Piper has no hard limit; this keeps one request to a few minutes of synthesis.
MAX_CHARACTERS = 100_000
PREVIEW_SEED = 1


def preview_sentence(voice_name: str) -> str:
    name = voice_name.replace("(offline)", "").strip() or "an offline voice"
    return f"Hello, I'm {name}. This is how I sound reading your script, right here on this computer."


class OfflineBackend:
    engine_id = "offline"
    display_name = "Offline voice"

    def __init__(
        self,
        voices_dir: Path | None = None,
        engine_provider: Callable[[str | None], OfflineEngine] | None = None,
    ) -> None:
        self._voices_dir = voices_dir
        self._engine_provider = engine_provider
        self._lock = threading.Lock()
        #: Streams still running: close() ends each through its own close(), so a stream cut
        #: short by an engine switch knows it was closed and never reports ``completed``.
        self._active: set[SpeechStream] = set()
        self._previews: dict[str, bytes] = {}
        #: Why voice files were skipped at the last scan (each names its file), for the UI.
        self.voice_problems: list[str] = []

    def __repr__(self) -> str:
        return "OfflineBackend()"

    # --- voices ------------------------------------------------------------------------

    def _offline_voices(self) -> list[OfflineVoice]:
        voices, problems = discover_voices(self._voices_dir)
        self.voice_problems = problems
        return voices

    def _find(self, voice_id: str) -> OfflineVoice:
        for voice in self._offline_voices():
            if voice.voice_id == voice_id:
                return voice
        raise VoiceNotFoundError(
            f"The offline voice '{voice_id}' was not found",
            "Pick another voice, or put its .onnx and .onnx.json files back in the voices folder.",
            voice_id=voice_id,
        )

    def search_voices(self, search: VoiceSearch) -> VoicePage:
        matches = [Voice.model_validate(v.to_api_dict()) for v in self._offline_voices()]
        matches = [v for v in matches if _matches(v, search)]
        if search.sort == "name" or search.sort is None:
            matches.sort(key=lambda v: v.name.casefold())
        if search.sort_direction == "desc":
            matches.reverse()
        return self._page(matches, search, _offset(search.next_page_token))

    def _page(self, matches: list[Voice], search: VoiceSearch, offset: int) -> VoicePage:
        end = offset + search.page_size
        has_more = end < len(matches)
        return VoicePage(
            voices=matches[offset:end],
            has_more=has_more,
            total_count=len(matches),
            next_page_token=str(end) if has_more else None,
            fetch_next=lambda token: self.search_voices(search.with_token(token)),
        )

    def get_voice(self, voice_id: str) -> Voice:
        return Voice.model_validate(self._find(voice_id).to_api_dict())

    def get_voice_settings(self, voice_id: str) -> VoiceSettings:
        self._find(voice_id)
        return self.get_default_voice_settings()

    def get_default_voice_settings(self) -> VoiceSettings:
        # The API's defaults; the three the offline voice ignores are named by
        # unsupported_settings() so the UI disables them.
        return VoiceSettings(stability=0.5, similarity_boost=0.75, style=0.0, use_speaker_boost=True, speed=1.0)

    def preview_audio(self, voice: Voice) -> bytes:
        """WAV of a short sample sentence in ``voice`` (rendered once, then kept)."""
        with self._lock:
            cached = self._previews.get(voice.voice_id)
        if cached is not None:
            return cached
        engine = self._engine_for(voice.voice_id)
        chunks = engine.stream(preview_sentence(voice.name), seed=PREVIEW_SEED)
        audio = wav_bytes(b"".join(chunk.audio for chunk in chunks), engine.sample_rate)
        with self._lock:
            self._previews[voice.voice_id] = audio
        return audio

    # --- models and account ------------------------------------------------------------

    def list_models(self) -> list[Model]:
        languages: dict[str, Language] = {}
        for voice in self._offline_voices():
            languages.setdefault(voice.language, Language(language_id=voice.language, name=voice.language))
        return [
            Model(
                model_id=MODEL_ID,
                name="Offline Piper voice",
                description="Speech made on this computer by Piper: no account, no network, no credits.",
                can_do_text_to_speech=True,
                can_use_style=False,
                can_use_speaker_boost=False,
                maximum_text_length_per_request=MAX_CHARACTERS,
                max_characters_request_free_user=MAX_CHARACTERS,
                max_characters_request_subscribed_user=MAX_CHARACTERS,
                languages=list(languages.values()),
                model_rates=ModelRates(character_cost_multiplier=0.0, cost_discount_multiplier=1.0),
                concurrency_group="offline",
            )
        ]

    def get_subscription(self) -> Subscription | None:
        return None

    def unsupported_settings(self, model_id: str) -> dict[str, str]:
        return dict(UNSUPPORTED_SETTINGS)

    # --- speech --------------------------------------------------------------------------

    def _engine_for(self, voice_id: str) -> OfflineEngine:
        voice = self._find(voice_id)  # a clear "not found" before any loading
        if self._engine_provider is not None:
            return self._engine_provider(voice_id)
        return get_engine(voice.voice_id, voice=voice)

    def stream_with_timestamps(self, request: TextToSpeechRequest) -> SpeechStream:
        """Speak ``request``: chunks of s16le PCM at the requested rate, with alignment.

        Blocks while the voice loads the first time (≈ 2 s): call from a worker.
        """
        return self._open(request, with_alignment=True)

    def stream(self, request: TextToSpeechRequest) -> SpeechStream:
        """Audio only (alignment dropped), like the API's plain stream endpoint."""
        return self._open(request, with_alignment=False)

    def _open(self, request: TextToSpeechRequest, *, with_alignment: bool) -> SpeechStream:
        fmt = parse_output_format(request.output_format)
        if not fmt.is_pcm:
            raise OfflineEngineError(
                f"The offline voice streams raw PCM audio only, not {request.output_format}",
                "Choose a pcm_ output format (for example pcm_24000); export converts to other formats.",
            )
        if len(request.text) > MAX_CHARACTERS:
            raise OfflineEngineError(
                f"The text is too long for one request ({len(request.text):,} characters; "
                f"the offline voice takes up to {MAX_CHARACTERS:,})",
                "Split the script into parts, or export it as a long-form project.",
            )
        engine = self._engine_for(request.voice_id)
        # The token is the stream's own: only its close() cancels it (backend.close() goes
        # through that too), so the engine stopping early always means "closed", never "done".
        token = CancelToken()
        chunks = engine.stream(request.text, settings=request.voice_settings, seed=request.seed, cancel=token)
        info = ResponseInfo(character_cost=0)
        resampled = self._resampled(chunks, engine.sample_rate, fmt.sample_rate, token, with_alignment)
        stream = SpeechStream(resampled, info, token.cancel)
        with self._lock:
            self._active.add(stream)
        # Cancelling (which close() does) forgets the stream, even one closed before any read.
        token.on_cancel(lambda: self._forget(stream))
        return stream

    def _resampled(
        self, chunks: Iterator[SpeechChunk], in_rate: int, out_rate: int, token: CancelToken, with_alignment: bool
    ) -> Iterator[SpeechChunk]:
        resampler = Resampler(in_rate, out_rate)
        try:
            for chunk in chunks:
                if not with_alignment:
                    yield SpeechChunk(audio=resampler.push(chunk.audio))
                    continue
                yield SpeechChunk(
                    audio=resampler.push(chunk.audio),
                    alignment=chunk.alignment,
                    normalized_alignment=chunk.normalized_alignment,
                )
            tail = resampler.flush()
            if tail and not token.cancelled:
                # The resampler's last few milliseconds (its look-ahead), as the API sends
                # audio-only chunks: no alignment.
                yield SpeechChunk(audio=tail)
        finally:
            token.cancel()  # stops the engine if the consumer left early

    def _forget(self, stream: SpeechStream) -> None:
        with self._lock:
            self._active.discard(stream)

    def convert(self, request: TextToSpeechRequest) -> SpeechResult:
        """The whole take at once: PCM plus one alignment covering the whole text."""
        audio = bytearray()
        merged = {"chars": [], "starts": [], "ends": []}
        normalized = {"chars": [], "starts": [], "ends": []}
        with self.stream_with_timestamps(request) as stream:
            for chunk in stream:
                audio += chunk.audio
                for target, source in ((merged, chunk.alignment), (normalized, chunk.normalized_alignment)):
                    if source is not None:
                        target["chars"] += source.characters
                        target["starts"] += source.character_start_times_seconds
                        target["ends"] += source.character_end_times_seconds
        if not stream.completed:
            # Closed part way (an engine switch): a partial take is never handed out as whole.
            raise OfflineEngineError(
                "The offline voice was stopped before it finished the text",
                "Generate it again; nothing partial was kept.",
            )
        return SpeechResult(
            audio=bytes(audio),
            info=stream.info,
            alignment=_alignment(merged),
            normalized_alignment=_alignment(normalized),
        )

    def close(self) -> None:
        """Stop every stream this backend started (the engines stay loaded for reuse).

        Each is ended by its own ``close()``, so none of them reports ``completed``.
        """
        with self._lock:
            active = list(self._active)
        for stream in active:
            stream.close()


def _alignment(parts: dict[str, list]) -> CharacterAlignment:  # type: ignore[type-arg]
    return CharacterAlignment(
        characters=parts["chars"],
        character_start_times_seconds=parts["starts"],
        character_end_times_seconds=parts["ends"],
    )


def _offset(token: str | None) -> int:
    try:
        return max(0, int(token)) if token else 0
    except ValueError:
        return 0


def _matches(voice: Voice, search: VoiceSearch) -> bool:
    labels = {k: v.casefold() for k, v in voice.labels.items()}
    if search.search:
        needle = search.search.casefold().strip()
        haystack = " ".join([voice.name, voice.voice_id, voice.description or "", *voice.labels.values()]).casefold()
        if needle not in haystack:
            return False
    if search.category and search.category.casefold() != (voice.category or "").casefold():
        return False
    if search.voice_ids and voice.voice_id not in search.voice_ids:
        return False
    for key in ("gender", "age", "accent"):
        wanted = getattr(search, key)
        if wanted and labels.get(key) != wanted.casefold():
            return False
    if search.language and labels.get("language") not in {code.casefold() for code in search.language}:
        return False
    if search.use_cases and labels.get("use_case") not in {case.casefold() for case in search.use_cases}:
        return False
    return True
