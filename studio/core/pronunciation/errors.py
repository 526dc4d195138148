"""The one error type of pronunciation dictionaries: it names the rule (or file line) and the remedy."""

from __future__ import annotations

from studio.errors import StudioError


class DictionaryError(StudioError):
    """A dictionary, rule or file the studio cannot use. Raised before anything is sent or spent."""

    def __init__(self, cause: str, remedy: str = "", *, line: int | None = None,
                 grapheme: str | None = None) -> None:
        self.line = line
        self.grapheme = grapheme
        super().__init__(cause, remedy)

    def at(self, source: str, line: int | None) -> DictionaryError:
        """The same complaint, saying which file and line it came from."""
        where = f"{source}, line {line}" if line else source
        return DictionaryError(f"{where}: {self.cause}", self.remedy, line=line, grapheme=self.grapheme)
