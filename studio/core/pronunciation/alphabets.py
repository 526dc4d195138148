"""Which phoneme strings the two alphabets accept: IPA characters and CMU (ARPAbet) symbols.

ElevenLabs accepts a phoneme rule whatever it holds and then speaks nonsense, so we refuse a
string that cannot be IPA or ARPAbet before it is saved or uploaded, naming the offending
characters. The IPA set is the 2020 IPA chart (letters, suprasegmentals, diacritics, tone
letters) plus the delimiters people paste with it (``/…/`` and ``[…]``, as in the API's own
example ``/ˈtaɪ.lænd/``). Plain ASCII capitals and digits are not IPA: they almost always mean
an ARPAbet string pasted into the wrong alphabet, which the remedy says.
"""

from __future__ import annotations

import unicodedata

#: The alphabet ids of our rules, and the names the API and PLS files use for them.
ALPHABETS = ("ipa", "cmu")
API_ALPHABET = {"ipa": "ipa", "cmu": "cmu-arpabet"}
#: Names seen in the wild (API, PLS ``alphabet=`` attributes) → our id.
ALPHABET_ALIASES = {"ipa": "ipa", "cmu": "cmu", "cmu-arpabet": "cmu", "arpabet": "cmu",
                    "x-cmu": "cmu", "x-arpabet": "cmu"}

_IPA_LETTERS = (
    "abcdefghijklmnopqrstuvwxyz"
    "æɐɑɒʙβɓçɕðɖɗəɘɚɛɜɝɞɟʄɡɠɢʛɦɧħɥʜɨɪʝɭɬɫɮʟɱɯɰŋɳɲɴøɵɸœɶɹɺɾɻʀʁɽʂʃʈʧʉʊʋⱱʌɣɤʍχʎʏʑʐʒʔʡʕʢ"
    "ǀǁǂǃʘθʤʦʣʨʥɚɝᵻᵿɩɷ"
)
_IPA_MARKS = (
    "ˈˌːˑ.|‖‿"          # stress, length, syllable and group boundaries, linking
    "ʰʷʲˠˤⁿˡʼ˞ˀᵊᶿˣ"        # modifier letters (aspiration, labialisation, rhoticity, ...)
    "˥˦˧˨˩↓↑↗↘"            # tone letters and intonation
    "/[]() -"              # delimiters people paste with a transcription, and spaces
    "'"                    # the ASCII stress mark of ElevenLabs' own PLS example (/tə'meɪtoʊ/)
)
IPA_CHARACTERS = frozenset(_IPA_LETTERS + _IPA_MARKS)

#: The 39 ARPAbet phonemes of the CMU Pronouncing Dictionary. Vowels take a stress digit.
ARPABET_VOWELS = frozenset("AA AE AH AO AW AY EH ER EY IH IY OW OY UH UW".split())
ARPABET_CONSONANTS = frozenset(
    "B CH D DH F G HH JH K L M N NG P R S SH T TH V W Y Z ZH".split())


def ipa_rejects(phoneme: str) -> list[str]:
    """The characters of ``phoneme`` that are not IPA (empty list: it is acceptable)."""
    bad: list[str] = []
    for char in unicodedata.normalize("NFD", phoneme):
        if char in IPA_CHARACTERS or unicodedata.category(char) == "Mn":  # combining diacritics
            continue
        if char not in bad:
            bad.append(char)
    return bad


def arpabet_rejects(phoneme: str) -> list[str]:
    """The symbols of a space-separated ARPAbet string that are not ARPAbet."""
    bad: list[str] = []
    for symbol in phoneme.split():
        upper = symbol.upper()
        base, stress = (upper[:-1], upper[-1]) if upper[-1:].isdigit() else (upper, "")
        ok = (base in ARPABET_CONSONANTS and not stress) or (
            base in ARPABET_VOWELS and stress in ("", "0", "1", "2"))
        if not ok and symbol not in bad:
            bad.append(symbol)
    return bad
