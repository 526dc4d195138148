"""A language model for hearing one known script: its own n-grams over common English.

The general en-us model mishears a clean take often enough ("since Tuesday" → "sense to
stay") that comparing its transcript with the script would flag good words. Narrowing it to
the script alone would hide real faults (a swapped word would be heard as a script word). So
the model built here is a trigram model of the script's words (a repeat or a skip is still
possible through back-off to unigrams) plus the most common words of the general model at a
small share of the probability, so a word the narrator should not have said can still be
heard as itself.

Written as ARPA text to a temporary file (pocketsphinx loads LMs from files) and cached as a
decoder search per script text.
"""

from __future__ import annotations

import itertools
import math
import os
import tempfile
from collections import Counter
from functools import lru_cache
from typing import Any

#: How many of the general model's most likely words stay hearable besides the script's.
BACKGROUND_WORDS = 3000
#: Share of unigram probability given to those background words.
BACKGROUND_SHARE = 0.15
#: Absolute discount taken from every seen bigram/trigram for back-off.
DISCOUNT = 0.5
#: Searches (one per script text) kept on a decoder before the oldest is dropped.
_MAX_SEARCHES = 8
_search_numbers = itertools.count(1)
# log base of pocketsphinx's LogMath (default 1.0001) → log10.
_LOG10_PER_UNIT = math.log10(1.0001)


def _model_dir() -> str:
    from pocketsphinx import get_model_path

    return os.path.join(get_model_path(), "en-us")


@lru_cache(maxsize=1)
def background_words() -> tuple[tuple[str, float], ...]:
    """The general model's most likely words with their unigram probabilities (~0.15 s, once)."""
    from pocketsphinx import NGramModel

    model_dir = _model_dir()
    general = NGramModel.readfile(os.path.join(model_dir, "en-us.lm.bin"))
    scored: list[tuple[float, str]] = []
    with open(os.path.join(model_dir, "cmudict-en-us.dict"), encoding="utf-8") as dictionary:
        for line in dictionary:
            word = line.split(" ", 1)[0]
            if "(" in word:
                continue
            scored.append((general.prob([word]) * _LOG10_PER_UNIT, word))
    scored.sort(reverse=True)
    top = scored[:BACKGROUND_WORDS]
    total = sum(10**log10 for log10, _ in top)
    return tuple((word, 10**log10 / total) for log10, word in top)


def _ngrams(tokens: list[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def arpa_text(tokens: list[str]) -> str:
    """An ARPA trigram model of ``tokens`` (dictionary words) over the background words."""
    sequence = ["<s>", *tokens, "</s>"]
    unigram_counts = Counter(tokens)
    script_total = sum(unigram_counts.values())
    unigram: dict[str, float] = {}
    for word, count in unigram_counts.items():
        unigram[word] = (1 - BACKGROUND_SHARE) * count / script_total
    for word, share in background_words():
        unigram[word] = unigram.get(word, 0.0) + BACKGROUND_SHARE * share
    unigram["</s>"] = 1 / (script_total + 1)
    norm = sum(unigram.values())
    unigram = {word: p / norm for word, p in unigram.items()}
    unigram["<s>"] = 0.0  # never predicted; ARPA convention is -99

    bigrams = _ngrams(sequence, 2)
    trigrams = _ngrams(sequence, 3)
    history1 = Counter(w for (w, _nxt) in bigrams.elements())
    history2 = Counter(h for h in (t[:2] for t in trigrams.elements()))

    def backoff(history_count: Counter, seen: dict, lower) -> dict:
        by_history: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        for gram in seen:
            by_history.setdefault(gram[:-1], []).append(gram)
        weights = {}
        for history in history_count:
            following = by_history.get(history, [])
            mass_high = sum(seen[g] for g in following)
            mass_low = sum(lower(g[1:]) for g in following)
            weights[history] = max(1e-9, 1 - mass_high) / max(1e-9, 1 - mass_low)
        return weights

    bigram_p = {g: max(c - DISCOUNT, 0.1) / history1[g[0]] for g, c in bigrams.items()}
    bigram_bo = backoff(Counter({(h,): c for h, c in history1.items()}), bigram_p, lambda g: unigram[g[0]])

    def p_bigram(g: tuple[str, ...]) -> float:
        if g in bigram_p:
            return bigram_p[g]
        return bigram_bo.get((g[0],), 1.0) * unigram[g[1]]

    trigram_p = {g: max(c - DISCOUNT, 0.1) / history2[g[:2]] for g, c in trigrams.items()}
    trigram_bo = backoff(history2, trigram_p, p_bigram)

    def log(p: float) -> str:
        return f"{math.log10(p):.4f}" if p > 0 else "-99"

    lines = ["\\data\\", f"ngram 1={len(unigram)}", f"ngram 2={len(bigram_p)}", f"ngram 3={len(trigram_p)}", ""]
    lines.append("\\1-grams:")
    for word, p in unigram.items():
        bo = bigram_bo.get((word,))
        lines.append(f"{log(p)} {word}" + (f" {math.log10(bo):.4f}" if bo is not None else ""))
    lines += ["", "\\2-grams:"]
    for gram, p in bigram_p.items():
        bo = trigram_bo.get(gram)
        lines.append(f"{log(p)} {' '.join(gram)}" + (f" {math.log10(bo):.4f}" if bo is not None else ""))
    lines += ["", "\\3-grams:"]
    for gram, p in trigram_p.items():
        lines.append(f"{log(p)} {' '.join(gram)}")
    lines += ["", "\\end\\", ""]
    return "\n".join(lines)


def activate_script_lm(cached: Any, expected: str) -> None:
    """Make the search for ``expected`` the decoder's current one (built on first use)."""
    from studio.offline.recognizer import known_words, words_of

    decoder = cached.decoder
    name = cached.lm_searches.get(expected)
    if name is None:
        tokens = known_words(cached, words_of(expected))
        name = f"script{next(_search_numbers)}"
        handle, path = tempfile.mkstemp(prefix="narration-lm-", suffix=".arpa")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(arpa_text(tokens))
            decoder.add_lm_file(name, path)
        finally:
            os.unlink(path)
        if len(cached.lm_searches) >= _MAX_SEARCHES:
            oldest_text = next(iter(cached.lm_searches))
            decoder.remove_search(cached.lm_searches.pop(oldest_text))
        cached.lm_searches[expected] = name
    decoder.activate_search(name)
