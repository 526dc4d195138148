"""Listen-check: hear a take with the offline recogniser and compare it with its script.

* :mod:`.words` — script and heard words in one spoken form (numbers, abbreviations, aliases).
* :mod:`.compare` — the word-by-word pairing, tolerant of recogniser noise.
* :mod:`.check` — skipped / repeated / inserted / misread flags on script spans, and a score.
* :mod:`.result` — :class:`ListenCheck` / :class:`ListenFlag`, saved with the take.
* :mod:`.run` — the blocking entry points (a take from the cache; a recording of a script).

Qt-free; everything here blocks (recognition takes about a tenth of the audio's length):
call it from a worker or a CLI.
"""

from studio.core.listen_check.check import check_text
from studio.core.listen_check.result import KINDS, ListenCheck, ListenFlag

__all__ = ["KINDS", "ListenCheck", "ListenFlag", "check_text"]
