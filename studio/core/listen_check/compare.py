"""Word-by-word comparison of what the script says with what the recogniser heard.

1. Both sides become spoken tokens (:mod:`.words`).
2. :func:`align_tokens` pairs them: :class:`difflib.SequenceMatcher` finds the long runs that
   agree (cheap on a whole recording), and an edit-distance search fills each stretch
   between them, where a near match costs less than a substitution and one word heard as
   two ("lighthouse" / "light house") or two as one is a match.
3. :func:`classify` turns the pairing into script words heard as written, skipped, misread,
   and heard words that were inserted or repeated.

Recogniser noise is not a fault: a *near* match is one with the same stem ("climb" /
"climbed"), the same pronunciation ("there" / "their"), or pronunciations that differ only by
a final sound. A lone short function word ("a", "the", "of" …) skipped or inserted on its
own is the recogniser's commonest slip and is not flagged either; two or more are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from studio.offline.recognizer import pronunciations

#: Function words whose lone skip, insertion or swap for one another is not flagged.
FUNCTION_WORDS = frozenset(
    "a an the of and to in on at is it as or uh um ah oh".split()
)
#: Costs of the edit-distance search (a substitution is 1).
_NEAR_COST = 0.4
_SPLIT_COST = 0.1
_GAP_COST = 1.0
#: Above this many cells a stretch is paired in order instead of searched.
_MAX_CELLS = 60_000

OK, NEAR, SUB, DEL, INS = "ok", "near", "sub", "del", "ins"


@dataclass(frozen=True)
class Step:
    """One step of a pairing: script token indices ``s`` with heard token indices ``h``."""

    op: str
    s: tuple[int, ...]
    h: tuple[int, ...]


def _stem(word: str) -> str:
    for suffix in ("'s", "ing", "ed", "es", "s", "d"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=20_000)
def near(a: str, b: str) -> bool:
    """Whether heard ``b`` for script ``a`` is recogniser noise rather than a misread."""
    if a == b or _stem(a) == _stem(b):
        return True
    pa, pb = pronunciations(a), pronunciations(b)
    for x in pa:
        for y in pb:
            if x == y:
                return True
            xs, ys = x.split(), y.split()
            short, long = (xs, ys) if len(xs) <= len(ys) else (ys, xs)
            # One extra final sound ("climb" K L AY M / "climbed" K L AY M D), not a new word.
            if len(short) >= 3 and len(long) == len(short) + 1 and long[: len(short)] == short:
                return True
    return False


def _search(s: Sequence[str], h: Sequence[str], near_fn: Callable[[str, str], bool]) -> list[Step]:
    n, m = len(s), len(h)
    if n * m > _MAX_CELLS:
        steps = [Step(SUB, (i,), (i,)) for i in range(min(n, m))]
        steps += [Step(DEL, (i,), ()) for i in range(m, n)]
        steps += [Step(INS, (), (j,)) for j in range(n, m)]
        return steps
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[str, int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            here = cost[i][j]
            if here == inf:
                continue

            def relax(ni: int, nj: int, add: float, op: str) -> None:
                if here + add < cost[ni][nj]:
                    cost[ni][nj] = here + add
                    back[ni][nj] = (op, i, j)

            if i < n and j < m:
                if s[i] == h[j]:
                    relax(i + 1, j + 1, 0.0, OK)
                elif near_fn(s[i], h[j]):
                    relax(i + 1, j + 1, _NEAR_COST, NEAR)
                else:
                    relax(i + 1, j + 1, 1.0, SUB)
            if i < n:
                relax(i + 1, j, _GAP_COST, DEL)
            if j < m:
                relax(i, j + 1, _GAP_COST, INS)
            if i < n and j + 1 < m and s[i] == h[j] + h[j + 1]:
                relax(i + 1, j + 2, _SPLIT_COST, NEAR)
            if i + 1 < n and j < m and s[i] + s[i + 1] == h[j]:
                relax(i + 2, j + 1, _SPLIT_COST, NEAR)
    steps: list[Step] = []
    i, j = n, m
    while (i, j) != (0, 0):
        op, pi, pj = back[i][j]  # type: ignore[misc]
        steps.append(Step(op, tuple(range(pi, i)), tuple(range(pj, j))))
        i, j = pi, pj
    steps.reverse()
    return steps


def align_tokens(
    script: Sequence[str], heard: Sequence[str], near_fn: Callable[[str, str], bool] = near
) -> list[Step]:
    """Pair script tokens with heard tokens, in order (every index appears exactly once)."""
    steps: list[Step] = []
    matcher = SequenceMatcher(None, list(script), list(heard), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            steps += [Step(OK, (i1 + k,), (j1 + k,)) for k in range(i2 - i1)]
            continue
        for step in _search(script[i1:i2], heard[j1:j2], near_fn):
            steps.append(Step(step.op, tuple(i1 + i for i in step.s), tuple(j1 + j for j in step.h)))
    return steps
