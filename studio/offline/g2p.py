"""Pronunciations for words the recogniser's dictionary lacks, from the offline voice's reader.

CMUdict has no "Okafor" or "Lindqvist"; without a pronunciation such a word can be neither
heard nor aligned, and the listen-check would flag every name. espeak-ng (inside Piper,
already loaded for the offline voice) reads any word; its IPA is mapped here to the ARPAbet
phones of the en-us acoustic model. Used under Piper's espeak lock: espeak-ng is one global
state per process, shared with the voice.
"""

from __future__ import annotations

from functools import lru_cache

# Longest sequences first; length marks, stress and syllabic marks are dropped before.
_IPA = {
    "aɪ": "AY", "aʊ": "AW", "eɪ": "EY", "oʊ": "OW", "ɔɪ": "OY", "tʃ": "CH", "dʒ": "JH", "ɜɹ": "ER",
    "ɑ": "AA", "ɒ": "AA", "æ": "AE", "a": "AE", "ʌ": "AH", "ə": "AH", "ɐ": "AH", "ɔ": "AO",
    "ɛ": "EH", "e": "EH", "ɜ": "ER", "ɝ": "ER", "ɚ": "ER", "ɪ": "IH", "ᵻ": "IH", "i": "IY",
    "o": "OW", "ʊ": "UH", "u": "UW",
    "b": "B", "d": "D", "ð": "DH", "f": "F", "ɡ": "G", "g": "G", "h": "HH", "k": "K", "l": "L",
    "m": "M", "n": "N", "ŋ": "NG", "p": "P", "ɹ": "R", "r": "R", "s": "S", "ʃ": "SH", "t": "T",
    "θ": "TH", "v": "V", "w": "W", "j": "Y", "z": "Z", "ʒ": "ZH", "ɾ": "T", "ʔ": "T", "x": "K",
    "ç": "HH", "ɬ": "L",
}
_DROP = set("ˈˌː\u0329\u032f.- ")
_VOICE = "en-us"


def ipa_to_arpabet(ipa: str) -> str | None:
    """ARPAbet for an espeak IPA string ("ˈɑːkæfɚ" → "AA K AE F ER"), None if any sound is unknown."""
    sounds = "".join(c for c in ipa if c not in _DROP)
    phones: list[str] = []
    i = 0
    while i < len(sounds):
        pair = sounds[i : i + 2]
        if pair in _IPA:
            phones.append(_IPA[pair])
            i += 2
        elif sounds[i] in _IPA:
            phones.append(_IPA[sounds[i]])
            i += 1
        else:
            return None
        if phones[-1] == "R" and len(phones) > 1 and phones[-2] == "ER":
            phones.pop()  # espeak writes "ɚɹ" where CMUdict has one ER
    return " ".join(phones) or None


@lru_cache(maxsize=4096)
def arpabet(word: str) -> str | None:
    """ARPAbet phones of ``word`` as the offline voice's reader says it, or None."""
    try:
        from piper import espeakbridge
        from piper import voice as piper_voice
        from piper.phonemize_espeak import ESPEAK_DATA_DIR, EspeakPhonemizer
    except ImportError:
        return None
    with piper_voice._ESPEAK_PHONEMIZER_LOCK:
        if piper_voice._ESPEAK_PHONEMIZER is None:
            piper_voice._ESPEAK_PHONEMIZER = EspeakPhonemizer(ESPEAK_DATA_DIR)
        espeakbridge.set_voice(_VOICE)
        clauses = espeakbridge.get_phonemes(word)
    ipa = "".join(phonemes for phonemes, _terminator, _end in clauses)
    return ipa_to_arpabet(ipa)
