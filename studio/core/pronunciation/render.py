"""Pronunciation for one render, the same for the window and the CLI: read, check, sync.

Two steps, so that everything that can be refused is refused before any engine starts:

1. :func:`studio.core.pronunciation.attached.resolve` reads the project's rules and every
   attached or ``--dictionary`` file, and refuses a malformed file, a bad rule or a fourth
   dictionary (no engine, no network).
2. :func:`for_render` (blocks on the network: a worker) syncs them for the engine
   (:func:`studio.core.pronunciation.sync.prepare`) and returns the inputs that speak with them,
   plus the notes to show: phoneme rules the model cannot use (with the alias offered
   instead), and why rules are applied on our side when the server has no dictionaries.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from studio.core.pronunciation.advice import PhonemeAdvice, phoneme_advice
from studio.core.pronunciation.rules import PronunciationDictionary
from studio.core.pronunciation.sync import prepare

if TYPE_CHECKING:
    from studio.core.pronunciation.sync_state import SyncState
    from studio.core.render_inputs import RenderInputs


def for_render(inputs: RenderInputs, dictionaries: Sequence[PronunciationDictionary],
               state: SyncState | None = None) -> tuple[RenderInputs, list[str]]:
    """``inputs`` with ``dictionaries`` applied (by the service or here), and notes for people."""
    from studio.core.render_inputs import with_pronunciation

    if not any(d.rules for d in dictionaries):
        return inputs, []
    caps = inputs.capabilities
    notes = skipped_phonemes(phoneme_advice(dictionaries, caps, caps.model.name if caps.model else None))
    prepared = prepare(inputs.backend, dictionaries, state)
    if prepared.uploaded:
        notes.append("Uploaded the pronunciation dictionaries " + ", ".join(f"“{n}”" for n in prepared.uploaded)
                     + " to your account.")
    if prepared.fallback_reason:
        notes.append(f"Pronunciation rules: {prepared.fallback_reason}.")
    return with_pronunciation(inputs, prepared.pronunciation), notes


def skipped_phonemes(advice: Sequence[PhonemeAdvice]) -> list[str]:
    """What happens to phoneme rules the model cannot use, said rather than dropped silently:
    neither the service nor our side applies them, so the words are read as written (each
    advice names the rule, the model and the alias to use instead)."""
    if not advice:
        return []
    words = ", ".join(f"“{a.rule.grapheme}”" for a in advice)
    count = f"{len(advice)} phoneme rule{'s' if len(advice) != 1 else ''}"
    return [f"Skipped {count} ({words}): {advice[0].message}"] + [a.message for a in advice[1:]]


@dataclass(frozen=True)
class PendingSync:
    """Dictionaries the window leaves for its work's worker to sync (:func:`synced`).

    The window describes the speech on the GUI thread and may not touch the network there; the
    worker of Play, Export or the counter does the sync in
    :func:`studio.core.render_inputs.ready_inputs`, exactly as the command line does."""

    dictionaries: tuple[PronunciationDictionary, ...]
    #: The window's record of what it uploaded (shared by its workers; None: the default file).
    state: SyncState | None = field(default=None, compare=False)
    #: Told the notes (uploads, skipped phoneme rules, rules applied on our side); called from
    #: the worker's thread, so the window passes something thread-safe (a Qt signal's emit).
    notify: Callable[[list[str]], None] | None = field(default=None, compare=False)


def synced(inputs: RenderInputs, *, notify: bool = True) -> RenderInputs:
    """``inputs`` with their :attr:`~studio.core.render_inputs.RenderInputs.pending_sync` done
    (blocks on the network: a worker). Inputs with nothing pending are returned as they are."""
    pending = inputs.pending_sync
    if pending is None:
        return inputs
    ready, notes = for_render(replace(inputs, pending_sync=None), pending.dictionaries, pending.state)
    if notes and notify and pending.notify is not None:
        pending.notify(notes)
    return ready
