"""What a listen-check found: plain frozen data, saved with the take in the project file.

Spans are character offsets into the text that was checked (a take's own text, which is its
paragraph's text while the take is current); times are seconds into that take's audio.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The kinds of fault, in the order the report lists them.
KINDS = ("skipped", "repeated", "inserted", "misread")


@dataclass(frozen=True)
class ListenFlag:
    #: One of :data:`KINDS`.
    kind: str
    #: The script characters the fault is about (for "inserted": the word it follows).
    start: int
    end: int
    #: The script's words there, as written ("" when nothing was expected: an insertion).
    expected: str
    #: What the recogniser heard there ("" for a skip).
    heard: str
    time_start: float
    time_end: float
    #: A skip covering a whole sentence ("skipped sentence" in the report).
    whole_sentence: bool = False

    def when(self) -> str:
        """ "0:02.10–0:02.55": where in the audio (one time for a skip with no gap)."""

        def clock(seconds: float) -> str:
            minutes, rest = divmod(seconds, 60)
            return f"{int(minutes)}:{rest:05.2f}"

        if self.time_end > self.time_start:
            return f"{clock(self.time_start)}–{clock(self.time_end)}"
        return clock(self.time_start)

    def describe(self) -> str:
        if self.kind == "skipped":
            what = "sentence" if self.whole_sentence else "word" if " " not in self.expected else "words"
            return f"Skipped {what}: “{self.expected}” was not heard"
        if self.kind == "repeated":
            return f"Repeated: “{self.heard}” was heard twice"
        if self.kind == "inserted":
            return f"Inserted: “{self.heard}” was heard here, and is not in the script"
        return f"Misread: “{self.expected}” sounded like “{self.heard}”"


@dataclass(frozen=True)
class ListenCheck:
    """The listen-check of one take (or one paragraph of a recording)."""

    #: Words of the script heard as written, over all words compared (0–1).
    score: float
    #: How many script words were compared.
    words: int
    flags: tuple[ListenFlag, ...] = ()
    #: Which recogniser listened (results of another one are not comparable).
    recogniser: str = "pocketsphinx"

    @property
    def flagged(self) -> bool:
        return bool(self.flags)
