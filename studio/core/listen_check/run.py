"""The blocking listen-check entry points: a take (audio from the speech cache), a recording.

Both hear the audio with the script as the recogniser's expectation (see
:func:`studio.offline.recognizer.transcribe`) and compare with :mod:`.check`; the GUI (per
take, in a worker) and ``narration-studio check`` (a whole recording) share them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from studio.cancel import CancelToken
from studio.core.audio import resample
from studio.core.cache import SpeechCache
from studio.core.listen_check.check import check_parts, check_text
from studio.core.listen_check.result import ListenCheck
from studio.core.listen_check.words import Aliases, script_words
from studio.core.script.document import Take, paragraph_spans
from studio.errors import StudioError
from studio.offline import recognizer


class TakeAudioMissing(StudioError):
    def __init__(self) -> None:
        super().__init__(
            "The take's audio is no longer in the speech cache, so it cannot be listened to",
            "Regenerate the paragraph to make the take again.",
        )


def spoken_text(text: str, aliases: Aliases | None = None) -> str:
    """``text`` as the recogniser's expected words (numbers and abbreviations written out)."""
    return " ".join(token for word in script_words(text, aliases) for token in word.spoken)


def take_pcm(take: Take, cache: SpeechCache) -> tuple[bytes, int]:
    """The take's audio, its parts joined at the first part's sample rate."""
    pieces: list[bytes] = []
    rate: int | None = None
    for key in take.cache_keys:
        speech = cache.get(key)
        if speech is None:
            raise TakeAudioMissing()
        if rate is None:
            rate = speech.sample_rate
        pieces.append(speech.pcm if speech.sample_rate == rate else resample(speech.pcm, speech.sample_rate, rate))
    if rate is None:
        raise TakeAudioMissing()
    return b"".join(pieces), rate


def _hearable(pcm: bytes, sample_rate: int) -> tuple[bytes, int]:
    """Audio below the recogniser's lowest rate (a phone recording at 8 kHz) raised to it."""
    if sample_rate < recognizer.MIN_SAMPLE_RATE:
        return resample(pcm, sample_rate, recognizer.MIN_SAMPLE_RATE), recognizer.MIN_SAMPLE_RATE
    return pcm, sample_rate


def check_audio(
    pcm: bytes, sample_rate: int, text: str, *, aliases: Aliases | None = None, cancel: CancelToken | None = None
) -> ListenCheck:
    pcm, sample_rate = _hearable(pcm, sample_rate)
    heard = recognizer.transcribe(pcm, sample_rate, cancel=cancel, expected=spoken_text(text, aliases))
    return check_text(text, heard, aliases)


def check_take(
    take: Take, cache: SpeechCache, *, aliases: Aliases | None = None, cancel: CancelToken | None = None
) -> ListenCheck:
    """Listen to ``take`` and compare it with the text it was made from (``take.text``)."""
    pcm, rate = take_pcm(take, cache)
    return check_audio(pcm, rate, take.text, aliases=aliases, cancel=cancel)


@dataclass(frozen=True)
class ParagraphReport:
    index: int
    start: int
    end: int
    text: str
    check: ListenCheck


def check_recording(
    pcm: bytes, sample_rate: int, script: str, *, aliases: Aliases | None = None,
    cancel: CancelToken | None = None,
) -> list[ParagraphReport]:
    """A recording of the whole ``script``: one report per paragraph (the studio's paragraph rule)."""
    spans: Sequence[tuple[int, int]] = paragraph_spans(script)
    pcm, sample_rate = _hearable(pcm, sample_rate)
    heard = recognizer.transcribe(pcm, sample_rate, cancel=cancel, expected=spoken_text(script, aliases))
    checks = check_parts(script, heard, spans, aliases)
    return [
        ParagraphReport(i, start, end, script[start:end], check)
        for i, ((start, end), check) in enumerate(zip(spans, checks, strict=True))
    ]
