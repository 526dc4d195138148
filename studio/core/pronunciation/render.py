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

from collections.abc import Sequence
from typing import TYPE_CHECKING

from studio.core.pronunciation.advice import phoneme_advice
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
    notes = [a.message for a in phoneme_advice(dictionaries, caps, caps.model.name if caps.model else None)]
    prepared = prepare(inputs.backend, dictionaries, state)
    if prepared.uploaded:
        notes.append("Uploaded the pronunciation dictionaries " + ", ".join(f"“{n}”" for n in prepared.uploaded)
                     + " to your account.")
    if prepared.fallback_reason:
        notes.append(f"Pronunciation rules: {prepared.fallback_reason}.")
    return with_pronunciation(inputs, prepared.pronunciation), notes
