"""The root of every error Narration Studio shows to a person.

Every failure that can reach a narrator is a :class:`StudioError`: it carries what went
wrong (``cause``) and what to do about it (``remedy``) in plain words. The UI and the CLI
show ``str(error)``, which joins the two; neither ever shows a transport code or a
traceback. Subsystems (the API client, the offline engine, export) subclass it.

Nothing here may hold the API key: messages are built from the server's words and our
own, never from request headers.
"""

from __future__ import annotations


class StudioError(Exception):
    """A failure with a cause and a remedy a narrator understands."""

    #: Whether trying the same thing again later may succeed (drives "Retry" buttons).
    retryable: bool = False

    def __init__(self, cause: str, remedy: str = "") -> None:
        self.cause = cause
        self.remedy = remedy
        super().__init__(self.user_message)

    @property
    def user_message(self) -> str:
        if not self.remedy:
            return self.cause
        return f"{self.cause.rstrip('.')}. {self.remedy}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.cause!r}, {self.remedy!r})"
