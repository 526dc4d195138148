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
own is the recogniser's commonest slip and is not flagged either; two or more are. A written
number ("1987", "$1,200") may be read in more than one way, so its words may come in another
order or form (:data:`LOOSE_DEL`).
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
#: A written number's token left out, or a number word heard beside one ("$1,200" read as
#: "twelve hundred dollars" or "dollar one thousand two hundred"): readings differ by engine.
LOOSE_DEL, ABSORBED = "loose-del", "absorbed"
_LOOSE_COST = 0.3
Loose = frozenset[str] | None


#: Words any reading of a number may add: "nineteen *hundred* eighty-seven", "a hundred".
_NUMBER_GLUE = frozenset("hundred thousand and oh a".split())


def number_reading(spoken: Sequence[str]) -> frozenset[str]:
    """The words a reading of a written number (spoken by our reader as ``spoken``) may use.

    Its own words in any order and form, plus :data:`_NUMBER_GLUE`: "$1,200" may come back
    as "dollar one thousand two hundred", "1987" as "nineteen hundred eighty seven"; a
    different number ("nine thousand …") brings a word outside the set and is a misread.
    """
    return frozenset(spoken) | frozenset(w.rstrip("s") for w in spoken) | _NUMBER_GLUE


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


def _search(
    s: Sequence[str], h: Sequence[str], near_fn: Callable[[str, str], bool], loose: Sequence[Loose],
    loose_before: Loose = None, loose_after: Loose = None,
) -> list[Step]:
    """The cheapest pairing of one stretch; ``loose_before/after``: its neighbours' readings."""
    n, m = len(s), len(h)

    def reads(reading: Loose, word: str) -> bool:
        return reading is not None and (word in reading or word.rstrip("s") in reading)

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
                elif near_fn(s[i], h[j]) or reads(loose[i], h[j]):
                    relax(i + 1, j + 1, _NEAR_COST, NEAR)
                else:
                    relax(i + 1, j + 1, 1.0, SUB)
            if i < n:
                soft = loose[i] is not None
                relax(i + 1, j, _LOOSE_COST if soft else _GAP_COST, LOOSE_DEL if soft else DEL)
            if j < m:
                before = loose[i - 1] if i > 0 else loose_before
                after = loose[i] if i < n else loose_after
                if reads(before, h[j]) or reads(after, h[j]):
                    relax(i, j + 1, _LOOSE_COST, ABSORBED)
                else:
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
    script: Sequence[str], heard: Sequence[str], near_fn: Callable[[str, str], bool] = near,
    loose: Sequence[Loose] | None = None,
) -> list[Step]:
    """Pair script tokens with heard tokens, in order (every index appears exactly once).

    ``loose[i]``: when script token ``i`` is part of a written number, the words a reading
    of that number may use (:func:`number_reading`; see :data:`LOOSE_DEL`), else None.
    """
    loose = list(loose) if loose is not None else [None] * len(script)
    steps: list[Step] = []
    matcher = SequenceMatcher(None, list(script), list(heard), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            steps += [Step(OK, (i1 + k,), (j1 + k,)) for k in range(i2 - i1)]
            continue
        before = loose[i1 - 1] if i1 > 0 else None
        after = loose[i2] if i2 < len(loose) else None
        for step in _search(script[i1:i2], heard[j1:j2], near_fn, loose[i1:i2], before, after):
            steps.append(Step(step.op, tuple(i1 + i for i in step.s), tuple(j1 + j for j in step.h)))
    return steps
