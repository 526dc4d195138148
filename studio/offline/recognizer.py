"""Offline speech recognition with word times: pocketsphinx on its bundled en-us model.

Two jobs, both on 16-bit mono PCM at any rate of 16 kHz or more:

* :func:`transcribe` — what was said, word by word, with start/end seconds (the
  listen-check compares this with the script). ``expected`` (the script) narrows the
  language model to the script's words, see :mod:`studio.offline.script_lm`.
* :func:`align` — forced alignment of a known text: when each of its words was said.

Why pocketsphinx: its wheel (~38 MB) ships the acoustic model, a general language model and
CMUdict, so nothing is downloaded at run time. It is an optional extra
(``pip install 'narration-studio[listen]'``); :func:`available` says whether it is there and
:func:`require` raises a :class:`RecognizerMissing` naming that remedy.

Audio rate: the decoder computes its features at the audio's own rate (``samprate``, FFT size
chosen by the decoder) with the model's filterbank (130–6800 Hz), which is what the model
expects from 16 kHz audio too. That spares this layer a second resampler (the studio's one
lives in ``studio.core.audio``, above this layer). Rates below 16 kHz cannot carry the top
of that filterbank and are refused with a message.

Frames become seconds through the decoder's own frame rate (``frate``, 100/s by default).
Decoding runs in the recogniser's own process (:mod:`.hearing_process`: pocketsphinx holds
Python's interpreter lock while it decodes, which would stop the studio's GUI thread). There
one decoder per sample rate is cached; a lock serialises its use (decoders are not
thread-safe) and loading (~1 s) happens on first use.
"""

from __future__ import annotations

import importlib.util
import os
import re
import threading
from collections.abc import Iterable
from difflib import SequenceMatcher
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from studio.cancel import CancelToken
from studio.errors import StudioError
from studio.offline import hearing_process
from studio.offline.g2p import arpabet

MIN_SAMPLE_RATE = 16_000
INSTALL_REMEDY = "Install the speech recogniser: pip install 'narration-studio[listen]'."
# Decoder tokens that are not words: sentence marks, silence and noise fillers.
_FILLER = re.compile(r"^(<.*>|\[.*\]|\+.*\+)$")
# Alternative pronunciations come back as "word(2)".
_VARIANT = re.compile(r"\(\d+\)$")


@dataclass(frozen=True)
class HeardWord:
    """A word the recogniser heard (or aligned), with seconds into the given audio."""

    text: str
    start: float
    end: float


class RecognizerMissing(StudioError):
    def __init__(self) -> None:
        super().__init__("The speech recogniser (pocketsphinx) is not installed", INSTALL_REMEDY)


class RecognizerError(StudioError):
    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        return type(self), (self.cause, self.remedy)  # raised in the recogniser's process


def available() -> bool:
    """Whether pocketsphinx can be imported (without importing it: that loads native code)."""
    return importlib.util.find_spec("pocketsphinx") is not None


def require() -> None:
    if not available():
        raise RecognizerMissing()


class _CachedDecoder:
    def __init__(self, decoder: Any) -> None:
        self.decoder = decoder
        self.lock = threading.Lock()
        self.frate = int(decoder.config["frate"])
        self.lm_searches: dict[str, str] = {}
        #: Words added to the dictionary with espeak's pronunciation (see :mod:`.g2p`).
        self.added: set[str] = set()


_decoders: dict[int, _CachedDecoder] = {}
_decoders_lock = threading.Lock()


def _decoder(sample_rate: int) -> _CachedDecoder:
    # Runs in the recogniser's process; the entry points checked the input before sending it.
    with _decoders_lock:
        cached = _decoders.get(sample_rate)
        if cached is None:
            from pocketsphinx import Decoder

            cached = _CachedDecoder(Decoder(samprate=float(sample_rate), loglevel="FATAL"))
            _decoders[sample_rate] = cached
        return cached


def _decode(cached: _CachedDecoder, pcm: bytes) -> None:
    # The whole take in one call (full_utt): the decoder then normalises the cepstrum over
    # the whole take, which hears clearly better than the live estimate fed block by block
    # ("the lighthouse keeper" vs "though like housekeeper" on the same take).
    decoder = cached.decoder
    decoder.start_utt()
    try:
        decoder.process_raw(pcm, no_search=False, full_utt=True)
    finally:
        decoder.end_utt()


def _words(cached: _CachedDecoder) -> list[HeardWord]:
    words: list[HeardWord] = []
    for segment in cached.decoder.seg() or ():  # None when the search found no path
        if _FILLER.match(segment.word):
            continue
        words.append(
            HeardWord(
                _VARIANT.sub("", segment.word),
                segment.start_frame / cached.frate,
                (segment.end_frame + 1) / cached.frate,
            )
        )
    return words


def transcribe(
    pcm: bytes, sample_rate: int, *, cancel: CancelToken | None = None, expected: str | None = None
) -> list[HeardWord]:
    """The words heard in ``pcm`` (s16le mono), in order, with their times.

    ``expected``: the text the audio should say. The decoder then listens with a language
    model built from that text over a background of common words (so a skipped, repeated or
    swapped word still comes out as what was said, while the script's own words are not
    misheard as look-alikes the general model prefers).
    """
    _check_input(sample_rate)
    return hearing_process.run(_transcribe_here, pcm, sample_rate, expected, cancel=cancel)


def _check_input(sample_rate: int) -> None:
    """What can be refused before the audio goes to the recogniser's process."""
    require()
    if sample_rate < MIN_SAMPLE_RATE:
        raise RecognizerError(
            f"The audio's sample rate ({sample_rate} Hz) is too low to recognise speech",
            "Use audio at 16 kHz or more (for example pcm_22050 or pcm_44100).",
        )


def _transcribe_here(pcm: bytes, sample_rate: int, expected: str | None) -> list[HeardWord]:
    cached = _decoder(sample_rate)
    with cached.lock:
        decoder = cached.decoder
        if expected is None:
            decoder.activate_search("_default")
        else:
            from studio.offline.script_lm import activate_script_lm

            activate_script_lm(cached, expected)
        _decode(cached, pcm)
        return _words(cached)


@lru_cache(maxsize=1)
def _pronunciation_table() -> dict[str, tuple[str, ...]]:
    from pocketsphinx import get_model_path

    table: dict[str, list[str]] = {}
    path = os.path.join(get_model_path(), "en-us", "cmudict-en-us.dict")
    with open(path, encoding="utf-8") as dictionary:
        for line in dictionary:
            word, _, phones = line.strip().partition(" ")
            table.setdefault(_VARIANT.sub("", word), []).append(phones)
    return {word: tuple(variants) for word, variants in table.items()}


def pronunciations(word: str) -> tuple[str, ...]:
    """``word``'s pronunciations (ARPAbet, space-separated): the dictionary's, else espeak's; ()."""
    if not available():
        return ()
    known = _pronunciation_table().get(word)
    if known:
        return known
    spelled = arpabet(word)
    return (spelled,) if spelled else ()


def known_words(cached: _CachedDecoder, tokens: Iterable[str]) -> list[str]:
    """``tokens`` the decoder can hear, adding espeak's pronunciation of those it lacks.

    A token with no usable pronunciation (a symbol espeak spells in sounds we cannot map)
    is left out. Call with ``cached.lock`` held.
    """
    decoder = cached.decoder
    known: list[str] = []
    for token in tokens:
        if any(c.isdigit() for c in token):
            continue  # "7" is for the caller to write out ("seven"): a digit is not a word
        if token not in cached.added and decoder.lookup_word(token) is None:
            phones = arpabet(token)
            if phones is None:
                continue
            decoder.add_word(token, phones, True)
            cached.added.add(token)
        known.append(token)
    return known


def words_of(text: str) -> list[str]:
    """``text`` as the decoder's words: lower case, letters, digits and inner apostrophes."""
    return re.findall(r"[a-z0-9]+(?:'[a-z0-9]+)*", text.lower())


def align(
    pcm: bytes, sample_rate: int, text: str, *, cancel: CancelToken | None = None
) -> list[HeardWord]:
    """When each word of ``text`` was said in ``pcm``: one HeardWord per word, in text order.

    ``text`` should already be spoken form (numbers as words: the caller normalises, see
    ``studio.core.listen_check.words``). A word the dictionary lacks gets espeak's
    pronunciation (:mod:`.g2p`). Forced alignment needs every word to have been said; when
    it cannot reach the end (a word was left out, the recording stops early) the audio is
    heard with the text as expectation instead and the words that match get those times.
    A word with no time of its own gets a share of the gap between its timed neighbours.
    """
    if not words_of(text):
        return []
    _check_input(sample_rate)
    return hearing_process.run(_align_here, pcm, sample_rate, text, cancel=cancel)


def _align_here(pcm: bytes, sample_rate: int, text: str) -> list[HeardWord]:
    tokens = words_of(text)
    total = len(pcm) / 2 / sample_rate
    cached = _decoder(sample_rate)
    with cached.lock:
        decoder = cached.decoder
        known = known_words(cached, tokens)
        aligned: list[HeardWord] = []
        if known:
            try:
                decoder.set_align_text(" ".join(known))
            except RuntimeError as error:  # pocketsphinx's own message says which word
                raise RecognizerError(f"The text could not be aligned ({error})", "Check the script's words.") from error
            try:
                _decode(cached, pcm)
                aligned = _words(cached)
            finally:
                decoder.activate_search("_default")
    known_set = set(known)
    known_index = [i for i, token in enumerate(tokens) if token in known_set]
    if known and len(aligned) == len(known):
        return _fill(tokens, dict(zip(known_index, aligned, strict=True)), total)
    if not known:
        return _fill(tokens, {}, total)
    heard = _transcribe_here(pcm, sample_rate, text)
    matcher = SequenceMatcher(None, tokens, [w.text for w in heard], autojunk=False)
    timed = {
        block.a + k: heard[block.b + k] for block in matcher.get_matching_blocks() for k in range(block.size)
    }
    return _fill(tokens, timed, total)


def _fill(tokens: list[str], timed: dict[int, HeardWord], total: float) -> list[HeardWord]:
    """One HeardWord per token: its own time where it has one, else a share of the gap."""
    result: list[HeardWord] = []
    pending: list[str] = []
    previous_end = 0.0
    for i, token in enumerate(tokens):
        word = timed.get(i)
        if word is None:
            pending.append(token)
            continue
        if pending:
            result += _spread(pending, previous_end, max(previous_end, word.start))
            pending = []
        result.append(HeardWord(token, word.start, word.end))
        previous_end = word.end
    if pending:
        result += _spread(pending, previous_end, max(total, previous_end))
    return result


def _spread(tokens: list[str], start: float, end: float) -> list[HeardWord]:
    step = (end - start) / max(len(tokens), 1)
    return [HeardWord(t, start + i * step, start + (i + 1) * step) for i, t in enumerate(tokens)]
