"""Turn a pairing of script and heard tokens into flags on script words, and a score.

* A script word whose tokens were all heard (exactly or nearly) is fine.
* All of its tokens unheard: **skipped**. Neighbouring skipped words make one flag, cut at
  sentence ends by the studio's one sentence rule (:func:`studio.text_rules.sentence_ends`),
  and a flag covering a whole sentence says so.
* Some heard as something else: **misread** (the tooltip shows what was heard).
* Heard words with no script word: **repeated** when they say again the script words just
  before (or just after) them, otherwise **inserted** (marked on the word they follow) —
  unless they sit right beside a misread word: then they are part of what was heard for it
  (one word misread as two, "seven" heard as "said them", is one misread, not a misread and
  an insertion marked on the innocent word before it).

Score = script words heard as written / (script words + extra words heard).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from studio.core.listen_check.compare import DEL, FUNCTION_WORDS, INS, LOOSE_DEL, NEAR, OK, Step, align_tokens, near, number_reading
from studio.core.listen_check.result import ListenCheck, ListenFlag
from studio.core.listen_check.words import Aliases, ScriptWord, heard_tokens, script_words, tokens_of
from studio.offline.recognizer import HeardWord
from studio.text_rules import sentence_ends

#: Share of an extra run that must match the script beside it to count as a repeat.
_REPEAT_SHARE = 0.6


@dataclass(frozen=True)
class _Heard:
    text: str
    start: float
    end: float


def _expand(heard: Sequence[HeardWord], aliases: Aliases | None) -> list[_Heard]:
    out: list[_Heard] = []
    for word in heard:
        parts = heard_tokens(word.text, aliases)
        step = (word.end - word.start) / len(parts)
        out += [_Heard(p, word.start + k * step, word.start + (k + 1) * step) for k, p in enumerate(parts)]
    return out


def _is_function(words: Sequence[str]) -> bool:
    return len(words) == 1 and words[0] in FUNCTION_WORDS


def check_text(text: str, heard: Sequence[HeardWord], aliases: Aliases | None = None) -> ListenCheck:
    """The listen-check of ``text`` against the words heard saying it."""
    return check_parts(text, heard, [(0, len(text))], aliases)[0]


def check_parts(
    text: str, heard: Sequence[HeardWord], spans: Sequence[tuple[int, int]], aliases: Aliases | None = None
) -> list[ListenCheck]:
    """One listen-check per span of ``text`` (paragraphs of a recording of all of it).

    The whole text is compared with the whole recording at once (a skip may cross a
    paragraph end); flags and scores are then shared out by span. Offsets stay in ``text``.
    """
    words = script_words(text, aliases)
    tokens = tokens_of(words)
    heard_list = _expand(heard, aliases)
    readings = [number_reading(w.spoken) if any(c.isdigit() for c in w.written) else None for w in words]
    loose = [readings[t.word] for t in tokens]
    steps = align_tokens([t.text for t in tokens], [h.text for h in heard_list], loose=loose)
    classifier = _Classifier(text, words, [t.text for t in tokens], [t.word for t in tokens], heard_list, steps)
    return classifier.run(spans)


class _Classifier:
    def __init__(
        self, text: str, words: list[ScriptWord], token_text: list[str], token_word: list[int],
        heard: list[_Heard], steps: list[Step],
    ) -> None:
        self.text, self.words, self.heard, self.steps = text, words, heard, steps
        self.token_text, self.token_word = token_text, token_word
        # Per script token: its step's op and heard indices; and the heard index before it.
        self.op: list[str] = [OK] * len(token_text)
        self.paired: list[tuple[int, ...]] = [()] * len(token_text)
        self.heard_before: list[int] = [-1] * len(token_text)
        self.word_tokens: list[list[int]] = [[] for _ in words]
        for i, w in enumerate(token_word):
            self.word_tokens[w].append(i)
        last_heard = -1
        for step in steps:
            for i in step.s:
                self.op[i] = step.op
                self.paired[i] = step.h
                self.heard_before[i] = last_heard
            if step.h:
                last_heard = step.h[-1]

    def run(self, spans: Sequence[tuple[int, int]]) -> list[ListenCheck]:
        word_state = self._word_states()
        extras, folded = self._extras(word_state)
        flags = self._skips(word_state) + self._misreads(word_state, folded)
        flags += [flag for flag, _n in extras]
        flags.sort(key=lambda f: (f.start, f.time_start))
        checks = []
        for start, end in spans:
            inside = [k for k, w in enumerate(self.words) if start <= w.start < end]
            ok = sum(1 for k in inside if word_state[k] == "ok")
            extra = sum(n for flag, n in extras if start <= flag.start < end)
            score = ok / max(1, len(inside) + extra) if inside else 1.0
            mine = tuple(f for f in flags if start <= f.start < end)
            checks.append(ListenCheck(round(score, 4), len(inside), mine))
        return checks

    # -- per script word ------------------------------------------------------------------------

    def _word_states(self) -> list[str]:
        ops_by_word: list[list[str]] = [[] for _ in self.words]
        for i, op in enumerate(self.op):
            ops_by_word[self.token_word[i]].append(op)
        states = []
        for word, ops in zip(self.words, ops_by_word, strict=True):
            if all(op in (OK, NEAR, LOOSE_DEL) for op in ops) and any(op != LOOSE_DEL for op in ops):
                states.append("ok")
            elif all(op in (DEL, LOOSE_DEL) for op in ops):
                states.append("skipped")
            elif self._function_swap(word):
                states.append("ok")
            else:
                states.append("misread")
        # A lone skipped function word between heard words is the recogniser's slip.
        for k, state in enumerate(states):
            lone = (k == 0 or states[k - 1] != "skipped") and (k + 1 == len(states) or states[k + 1] != "skipped")
            if state == "skipped" and lone and _is_function(self.words[k].spoken):
                states[k] = "ok"
        return states

    def _function_swap(self, word: ScriptWord) -> bool:
        heard = self._heard_for(word.index)
        return _is_function(word.spoken) and len(heard) == 1 and heard[0].text in FUNCTION_WORDS

    def _tokens_of_word(self, index: int) -> list[int]:
        return self.word_tokens[index]

    def _heard_for(self, index: int) -> list[_Heard]:
        return [self.heard[h] for i in self._tokens_of_word(index) for h in self.paired[i]]

    def _gap_times(self, first_word: int, last_word: int) -> tuple[float, float]:
        first_token = self._tokens_of_word(first_word)[0]
        before = self.heard_before[first_token]
        after = before + 1
        start = self.heard[before].end if before >= 0 else 0.0
        end = self.heard[after].start if after < len(self.heard) else start
        return start, max(start, end)

    def _skips(self, states: list[str]) -> list[ListenFlag]:
        cuts = set(sentence_ends(self.text))
        sentence_of: list[int] = []
        sentence = 0
        sorted_cuts = sorted(cuts)
        for word in self.words:
            while sentence < len(sorted_cuts) and sorted_cuts[sentence] <= word.start:
                sentence += 1
            sentence_of.append(sentence)
        flags: list[ListenFlag] = []
        k = 0
        while k < len(states):
            if states[k] != "skipped":
                k += 1
                continue
            j = k
            while j + 1 < len(states) and states[j + 1] == "skipped" and sentence_of[j + 1] == sentence_of[k]:
                j += 1
            first_of_sentence = k == 0 or sentence_of[k - 1] != sentence_of[k]
            last_of_sentence = j + 1 == len(states) or sentence_of[j + 1] != sentence_of[j]
            whole = first_of_sentence and last_of_sentence and j > k
            start, end = self._gap_times(k, j)
            flags.append(ListenFlag(
                "skipped", self.words[k].start, self.words[j].end,
                self.text[self.words[k].start : self.words[j].end], "", start, end, whole,
            ))
            k = j + 1
        return flags

    def _misreads(self, states: list[str], folded: dict[int, list[int]]) -> list[ListenFlag]:
        flags = []
        for word, state in zip(self.words, states, strict=True):
            if state != "misread":
                continue
            own = [h for i in self._tokens_of_word(word.index) for h in self.paired[i]]
            heard = [self.heard[h] for h in sorted({*own, *folded.get(word.index, [])})]
            if heard:
                start, end = heard[0].start, heard[-1].end
            else:
                start, end = self._gap_times(word.index, word.index)
            flags.append(ListenFlag(
                "misread", word.start, word.end, self.text[word.start : word.end],
                " ".join(h.text for h in heard), start, end,
            ))
        return flags

    # -- heard words with no script word -------------------------------------------------------------

    def _extras(self, states: list[str]) -> tuple[list[tuple[ListenFlag, int]], dict[int, list[int]]]:
        """Flags for heard words with no script word, each with how many words it holds; and
        the runs folded into a misread word beside them (script word index → heard indices)."""
        flags: list[tuple[ListenFlag, int]] = []
        folded: dict[int, list[int]] = {}
        next_token = 0
        run: list[int] = []
        for step in [*self.steps, Step("end", (), ())]:
            if step.op == INS:
                run += step.h
                continue
            if run:
                flag = self._extra_flag(run, next_token)
                beside = self._misread_beside(next_token, states)
                if flag is not None and flag.kind == "inserted" and beside is not None:
                    folded.setdefault(beside, []).extend(run)
                elif flag is not None:
                    flags.append((flag, len(run)))
                run = []
            if step.s:
                next_token = step.s[-1] + 1
        return flags, folded

    def _misread_beside(self, position: int, states: list[str]) -> int | None:
        """The misread script word just after or just before the gap at token ``position``."""
        for token in (position, position - 1):
            if 0 <= token < len(self.token_word) and states[self.token_word[token]] == "misread":
                return self.token_word[token]
        return None

    def _extra_flag(self, run: list[int], position: int) -> ListenFlag | None:
        said = [self.heard[h].text for h in run]
        if _is_function(said) or not self.words:
            return None
        start_t, end_t = self.heard[run[0]].start, self.heard[run[-1]].end
        n = len(said)
        for lo in (position - n, position):
            window = self.token_text[max(0, lo) : lo + n] if lo >= 0 else []
            if len(window) == n and sum(near(a, b) for a, b in zip(window, said, strict=True)) >= _REPEAT_SHARE * n:
                first = self.words[self.token_word[lo]]
                last = self.words[self.token_word[lo + n - 1]]
                return ListenFlag("repeated", first.start, last.end, self.text[first.start : last.end],
                                  " ".join(said), start_t, end_t)
        anchor = self.words[self.token_word[position - 1]] if position > 0 else self.words[0]
        return ListenFlag("inserted", anchor.start, anchor.end, "", " ".join(said), start_t, end_t)
