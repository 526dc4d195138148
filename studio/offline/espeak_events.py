"""Which phonemes espeak-ng says for which word of the text (word events with offsets).

Piper's phonemes carry no text positions. espeak-ng itself knows them: synthesising with
phoneme events on, it reports a WORD event (character offset and length in the input) before
the PHONEME events of that word. We call the espeak-ng library that piper already loaded
(its ``espeakbridge`` extension links espeak-ng statically and exports the C API) through
ctypes, under piper's own espeak lock, because espeak-ng is one global state per process.
"""

from __future__ import annotations

import ctypes
import threading
import unicodedata
from dataclasses import dataclass

from studio.offline.errors import OfflineEngineError

# espeak-ng's speak_lib.h (API revision 12).
_EVENT_LIST_TERMINATED = 0
_EVENT_WORD = 1
_EVENT_PHONEME = 7
_CHARS_UTF8 = 1
_POS_CHARACTER = 1
_PARAM_RATE = 1
# Faster espeak speech means fewer of espeak's own (discarded) samples to compute: the
# events and phonemes do not depend on the rate.
_FAST_RATE = 450


class _EventId(ctypes.Union):
    _fields_ = [("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8)]


class _Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _EventId),
    ]


_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))


@dataclass
class WordEvent:
    """One word as espeak spoke it: ``text[start:start + length]`` → ``phonemes`` (IPA, NFD)."""

    start: int
    length: int
    phonemes: str


class _Espeak:
    def __init__(self) -> None:
        from piper import espeakbridge

        self.lib = ctypes.CDLL(espeakbridge.__file__)
        self.lib.espeak_Synth.argtypes = [
            ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
            ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
        ]
        self.lib.espeak_GetParameter.argtypes = [ctypes.c_int, ctypes.c_int]
        self.lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        self.events: list[tuple[int, int, int, str]] = []
        # Keep a reference: ctypes callbacks die with their Python object.
        self.callback = _CALLBACK(self._on_events)

    def _on_events(self, wav: object, count: int, events: ctypes.Array) -> int:  # type: ignore[type-arg]
        index = 0
        while True:
            event = events[index]
            if event.type == _EVENT_LIST_TERMINATED:
                break
            if event.type == _EVENT_WORD:
                self.events.append((_EVENT_WORD, event.text_position, event.length, ""))
            elif event.type == _EVENT_PHONEME:
                name = bytes(event.id.string).split(b"\0", 1)[0].decode("utf-8", "replace")
                self.events.append((_EVENT_PHONEME, event.text_position, 0, name))
            index += 1
        return 0


_espeak: _Espeak | None = None
_init_lock = threading.Lock()


def _get_espeak() -> _Espeak:
    global _espeak
    with _init_lock:
        if _espeak is None:
            _espeak = _Espeak()
        return _espeak


def word_events(text: str, espeak_voice: str) -> list[WordEvent]:
    """espeak-ng's words for ``text`` with 0-based character offsets into ``text``.

    ``text`` must not contain NUL (the engine cleans text first). Offsets count code points.
    """
    from piper import espeakbridge
    from piper import voice as piper_voice

    espeak = _get_espeak()
    data = text.encode("utf-8")
    with piper_voice._ESPEAK_PHONEMIZER_LOCK:
        if piper_voice._ESPEAK_PHONEMIZER is None:
            from piper.phonemize_espeak import ESPEAK_DATA_DIR, EspeakPhonemizer

            piper_voice._ESPEAK_PHONEMIZER = EspeakPhonemizer(ESPEAK_DATA_DIR)
        espeakbridge.set_voice(espeak_voice)
        lib = espeak.lib
        espeak.events = []
        old_rate = lib.espeak_GetParameter(_PARAM_RATE, 1)
        lib.espeak_SetSynthCallback(espeak.callback)
        lib.espeak_ng_SetPhonemeEvents(1, 1)
        lib.espeak_SetParameter(_PARAM_RATE, _FAST_RATE, 0)
        try:
            status = lib.espeak_Synth(data, len(data) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
        finally:
            lib.espeak_SetParameter(_PARAM_RATE, old_rate, 0)
            lib.espeak_ng_SetPhonemeEvents(0, 0)
        raw, espeak.events = espeak.events, []
    if status != 0:
        raise OfflineEngineError(
            f"The offline voice's text reader failed (espeak-ng status {status})",
            "Try rephrasing the sentence; if it keeps failing, restart the app.",
        )
    return _words_from_events(raw)


def _words_from_events(raw: list[tuple[int, int, int, str]]) -> list[WordEvent]:
    words: list[WordEvent] = []
    for kind, position, length, name in raw:
        if kind == _EVENT_WORD:
            # espeak counts from 1.
            words.append(WordEvent(start=max(0, position - 1), length=max(0, length), phonemes=""))
        elif words and name:
            words[-1].phonemes += unicodedata.normalize("NFD", name)
    return words
