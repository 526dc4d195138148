"""Markup a narrator writes in the script that is not spoken: the one grammar of pause tags.

A pause is written ``<break time="1.5s" />`` (ElevenLabs' break tag; docs controls.mdx:
"natural pauses up to 3 seconds"). Eleven v3 does not honour break tags; it has its own
bracketed pause tags ``[short pause]``, ``[pause]``, ``[long pause]`` (help-center article
"Do pauses and SSML phoneme tags work with the API?": "All of our models, with the exception
of Eleven V3, support SSML break tags … If you are using Eleven V3, you can instead
incorporate expressive pause tags such as [pause], [short pause], and [long pause]").

One copy, used by the render plan (what each model is sent: :mod:`studio.core.script.spoken`),
the offline engine (which makes a pause as real silence) and the local server (which honours
break tags like the real API). It lives at the top of the package and imports nothing from the
studio but :mod:`studio.errors`, so every layer may use it (like :mod:`studio.text_rules`).

Decisions:

* A break tag is ``<break time="N s|ms" />``: quotes single or double, ``/`` optional,
  case-insensitive, time a plain decimal followed by ``s`` or ``ms``. Anything else that starts
  with ``<break`` is malformed and refused with a message naming the tag (never sent, never
  read aloud as "less-than break"). A pause must be longer than 0 and at most
  :data:`MAX_PAUSE_SECONDS`.
* Bracketed tags: the three pause tags and the documented audio tags (:data:`AUDIO_TAGS`,
  kind ``"audio_tag"``, issue 11) are markup when the caller asks (``v3_tags=True``: the
  model is v3, or a server speaking for v3; ``audio_tags=True``: the render plan, which
  removes them for every other model). ``[sic]`` and ``[1]`` stay ordinary text for other
  models; going to v3 (``refuse_unknown_tags``) a bracketed word that is not a documented tag is refused with
  a message (:func:`find_markup`), since v3 would act it out instead of reading it.
* v3's pause tags have no documented length; :data:`V3_PAUSE_SECONDS` is what the offline
  engine and the local server make of them, and :func:`v3_pause_tag` picks the nearest one
  for a break tag sent to v3.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from studio.errors import StudioError

__all__ = [
    "AUDIO_TAGS",
    "MAX_PAUSE_SECONDS",
    "MIN_PAUSE_SECONDS",
    "V3_PAUSE_SECONDS",
    "Markup",
    "MarkupError",
    "blank",
    "audio_tag_name",
    "break_tag",
    "tag_spans",
    "find_markup",
    "speaker_name",
    "speaker_prefix",
    "v3_pause_tag",
]

#: ElevenLabs honours pauses "up to 3 seconds" (docs controls.mdx).
MAX_PAUSE_SECONDS = 3.0
#: The shortest pause Insert ▸ Pause… offers (a script may hold any positive length up to the max).
MIN_PAUSE_SECONDS = 0.1
#: What the offline voice and the local server make of v3's pause tags (v3 itself decides).
V3_PAUSE_SECONDS = {"short pause": 0.5, "pause": 1.0, "long pause": 2.0}

_BREAK_START = re.compile(r"<\s*break\b", re.IGNORECASE)
_BREAK = re.compile(
    r"""<break\s+time\s*=\s*(?P<q>["'])\s*(?P<value>[0-9]*\.?[0-9]+)\s*(?P<unit>ms|s)\s*(?P=q)\s*/?\s*>""",
    re.IGNORECASE,
)
_V3_PAUSE = re.compile(r"\[(?P<name>short pause|long pause|pause)\]", re.IGNORECASE)
#: Eleven v3's documented audio tags besides the pause tags (docs@3557f0b
#: fern/docs/pages/best-practices/prompting/eleven-v3.mdx: voice-related, sound effects and
#: "unique and special" tags; ``[strong X accent]`` takes any accent word, see
#: :data:`_ACCENT_TAG`). What Insert ▸ Audio Tag offers, in this order.
AUDIO_TAGS: tuple[str, ...] = (
    "whispers", "laughs", "laughs harder", "starts laughing", "wheezing", "sighs", "exhales",
    "sarcastic", "curious", "excited", "crying", "snorts", "mischievously", "shouts", "sings",
    "gunshot", "applause", "clapping", "explosion", "swallows", "gulps", "woo", "strong French accent",
)
_ACCENT_TAG = re.compile(r"strong [^\W\d_][\w\-]* accent", re.IGNORECASE)
#: A bracketed run of words: what v3 would take as a tag (``[1]``, ``[12:30]`` are not).
_BRACKET_WORDS = re.compile(r"\[(?P<name>[^\W\d_][^\W\d]*(?:[ \-][^\W\d_][^\W\d]*){0,3})\]")
_KNOWN_TAGS = frozenset(t.lower() for t in AUDIO_TAGS if not t.startswith("strong "))
#: How far a malformed tag is quoted in a message (to its ``>``, else this many characters).
_QUOTE_CHARS = 40


class MarkupError(StudioError):
    """A tag in the script that cannot be sent: names the tag and the remedy."""

    def __init__(self, cause: str, remedy: str, tag: str = "", offset: int = 0) -> None:
        super().__init__(cause, remedy)
        self.tag = tag
        #: Where the tag starts in the text that was checked.
        self.offset = offset


@dataclass(frozen=True, slots=True)
class Markup:
    """One tag in a text: ``text[start:end]``; ``kind`` is ``"break"`` or ``"v3_pause"``."""

    start: int
    end: int
    kind: str
    seconds: float

    @property
    def is_pause(self) -> bool:
        return self.kind in ("break", "v3_pause")

    @property
    def unspoken(self) -> bool:
        """A tag an engine must never read aloud: a pause, or an audio tag (v3 acts it out)."""
        return self.kind in ("break", "v3_pause", "audio_tag")


def break_tag(seconds: float) -> str:
    """The break tag for a pause of ``seconds`` (what Insert ▸ Pause… writes): ``<break time="1.5s" />``."""
    return f'<break time="{_format_seconds(seconds)}s" />'


def v3_pause_tag(seconds: float) -> str:
    """The v3 pause tag nearest to ``seconds`` (ties go to the longer one)."""
    name = min(V3_PAUSE_SECONDS, key=lambda n: (abs(V3_PAUSE_SECONDS[n] - seconds), -V3_PAUSE_SECONDS[n]))
    return f"[{name}]"


def _format_seconds(seconds: float) -> str:
    text = f"{round(seconds, 2):.2f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def audio_tag_name(name: str) -> bool:
    """Whether ``name`` (inside the brackets) is a documented v3 audio tag or pause tag."""
    lowered = name.strip().lower()
    return lowered in _KNOWN_TAGS or lowered in V3_PAUSE_SECONDS or _ACCENT_TAG.fullmatch(lowered) is not None


def find_markup(text: str, *, v3_tags: bool = False, audio_tags: bool = False,
                refuse_unknown_tags: bool = False) -> list[Markup]:
    """Every tag in ``text`` in order; raises :class:`MarkupError` for a malformed or too
    long break tag (checked before anything is sent, so nothing is spent), and with
    ``refuse_unknown_tags`` (a script going to v3) for a bracketed word v3 would take as an
    unknown tag. The local server does not refuse them: the real API does not either."""
    found: list[Markup] = []
    position = 0
    while True:
        start = _BREAK_START.search(text, position)
        if start is None:
            break
        match = _BREAK.match(text, start.start())
        if match is None:
            raise _malformed(text, start.start())
        seconds = float(match["value"]) / (1000.0 if match["unit"].lower() == "ms" else 1.0)
        tag = match.group(0)
        if seconds > MAX_PAUSE_SECONDS + 1e-9:
            raise MarkupError(
                f"The pause {tag} is longer than {MAX_PAUSE_SECONDS:g} seconds",
                f"Shorten it to {MAX_PAUSE_SECONDS:g} s or less; for a longer silence put two pauses "
                "with a word between them.",
                tag, start.start(),
            )
        if seconds <= 0:
            raise MarkupError(f"The pause {tag} has no length", "Give it a time such as 0.5s, or delete it.",
                              tag, start.start())
        found.append(Markup(match.start(), match.end(), "break", seconds))
        position = match.end()
    if v3_tags or audio_tags:
        for match in _BRACKET_WORDS.finditer(text):
            name = match["name"].lower()
            if name in V3_PAUSE_SECONDS:
                found.append(Markup(match.start(), match.end(), "v3_pause", V3_PAUSE_SECONDS[name]))
            elif audio_tag_name(name):
                found.append(Markup(match.start(), match.end(), "audio_tag", 0.0))
            elif refuse_unknown_tags:
                raise MarkupError(
                    f"The audio tag {match.group(0)} is not one Eleven v3 documents",
                    "Pick a tag from Insert ▸ Audio Tag, or remove the square brackets if the "
                    "words are meant to be read.",
                    match.group(0), match.start(),
                )
        found.sort(key=lambda m: m.start)
    return found


#: ``NAME: line`` at a paragraph's start (issue 11): a name of one to three words (letters,
#: digits, ``'`` ``.`` ``-``; starting with a letter; at most 32 characters), a colon, a space,
#: then the line. Kept narrow on purpose: ``10:30``, ``http://`` and ``Note:`` at a line's end
#: are not speakers; a project where ``Note: …`` is prose turns the convention off.
_SPEAKER_PREFIX = re.compile(r"(?P<name>[^\W\d_][\w'.\-]*(?: [^\W\d_][\w'.\-]*){0,2}):[ \t]+(?=\S)")
_SPEAKER_NAME_CHARS = 32


def speaker_prefix(text: str) -> Markup | None:
    """The ``NAME: `` prefix that starts ``text`` (kind ``"speaker"``), or None.

    The one grammar of the speaker convention: the cast parser takes the name from it and
    :class:`~studio.core.script.spoken.SpokenText` leaves its span out of what is sent (never
    spoken, never lit, never a subtitle). The name is ``text[m.start:m.end].split(":")[0]``;
    :func:`speaker_name` gives it.
    """
    match = _SPEAKER_PREFIX.match(text)
    if match is None or len(match["name"]) > _SPEAKER_NAME_CHARS:
        return None
    return Markup(0, match.end(), "speaker", 0.0)


def speaker_name(text: str) -> str | None:
    """The speaker named by the prefix of ``text`` (``"ALICE: Hi"`` → ``"ALICE"``), or None."""
    found = speaker_prefix(text)
    return text[: found.end].split(":", 1)[0] if found is not None else None


def tag_spans(text: str) -> list[tuple[int, int]]:
    """Where anything that looks like a break tag is, well formed or not (never raises): for
    code that must not cut inside a tag or count its letters as words."""
    spans = []
    for start in _BREAK_START.finditer(text):
        close = text.find(">", start.start())
        spans.append((start.start(), close + 1 if close >= 0 else len(text)))
    return spans


def blank(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with each ``(start, end)`` span (its tags) turned to spaces, keeping every
    offset: what is read aloud, for "is there anything to speak"."""
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _malformed(text: str, at: int) -> MarkupError:
    close = text.find(">", at, at + _QUOTE_CHARS)
    tag = text[at : close + 1] if close >= 0 else text[at : at + _QUOTE_CHARS].split("\n")[0] + "…"
    return MarkupError(
        f"The pause tag {tag} is not written correctly",
        'Write a pause as <break time="1.5s" /> (seconds up to 3, or milliseconds such as 500ms), '
        "or use Insert ▸ Pause….",
        tag, at,
    )
