"""The project's pronunciation rules on the GUI thread: its own dictionary and the shared ones attached.

A project speaks with an ordered list of dictionaries: its own rules first (they win: the API
and our local rewriting use the first rule that matches), then the shared dictionaries the
person attached, in their order. The API takes at most
:data:`~studio.api.requests.MAX_DICTIONARIES` per request, so a project uses at most that many,
its own rules counting as one once it has any (the model's ``check_count`` says so).

Every change (a rule added, edited or removed; a dictionary attached, detached or moved) is one
step on :attr:`PronunciationController.undo_stack`: the dictionaries are immutable values, so a
step just remembers the state before and after, and Ctrl+Z in the editor dialog puts it back.
Each change emits :attr:`~PronunciationController.changed` (the window marks the project
modified, the counter plans again) and, for a shared dictionary, :attr:`shared_edited`
(written to its file in a worker by :mod:`studio.ui.dictionary_files`). Opening a project and
reading its shared files emit :attr:`loaded` instead: that is not an edit.

No file is read or written here; rules are validated by the model (``DictionaryError``) before
they get here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from studio.core.pronunciation import (
    DictionaryError, ProjectPronunciation, PronunciationDictionary, Rule, check_count)

OWN_NAME = "This project"


@dataclass(frozen=True)
class _State:
    own: PronunciationDictionary
    shared: tuple[PronunciationDictionary, ...]


class _Step(QUndoCommand):
    def __init__(self, controller: PronunciationController, before: _State, after: _State, text: str) -> None:
        super().__init__(text)
        self._controller = controller
        self._before = before
        self._after = after

    def redo(self) -> None:
        self._controller._set_state(self._after, self._before)

    def undo(self) -> None:
        self._controller._set_state(self._before, self._after)


def empty_own() -> PronunciationDictionary:
    return ProjectPronunciation().dictionary().renamed(OWN_NAME)


def unreadable(path: str) -> PronunciationDictionary:
    """A shared file that cannot be read now: kept (by its path) so saving never drops it."""
    from pathlib import Path

    return PronunciationDictionary(id=f"file:{Path(path).resolve()}", name=f"{Path(path).stem} (cannot be read)",
                                   path=path)


class PronunciationController(QObject):
    #: The person changed the rules (the project is modified; keys of touched paragraphs change).
    changed = Signal()
    #: The rules were (re)loaded, not edited: an opened project, a shared file read. Not a modification.
    loaded = Signal()
    #: A shared dictionary's rules changed (its file is to be written): the new dictionary.
    shared_edited = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._state = _State(empty_own(), ())
        self.undo_stack = QUndoStack(self)

    # -- reading -------------------------------------------------------------------------------------

    @property
    def own(self) -> PronunciationDictionary:
        return self._state.own

    @property
    def shared(self) -> tuple[PronunciationDictionary, ...]:
        return self._state.shared

    def all(self) -> tuple[PronunciationDictionary, ...]:
        """The project's own dictionary (even empty) and the shared ones, in order: what the editor lists."""
        return (self._state.own, *self._state.shared)

    def dictionaries(self) -> tuple[PronunciationDictionary, ...]:
        """What a render uses, in order (an empty own dictionary is left out: it would change nothing)."""
        own = (self._state.own,) if self._state.own.rules else ()
        return (*own, *self._state.shared)

    def dictionary(self, dictionary_id: str) -> PronunciationDictionary:
        for dictionary in self.all():
            if dictionary.id == dictionary_id:
                return dictionary
        raise KeyError(dictionary_id)

    def is_shared(self, dictionary_id: str) -> bool:
        return any(d.id == dictionary_id for d in self._state.shared)

    # -- a project opened or saved -------------------------------------------------------------------------

    def load(self, pronunciation: ProjectPronunciation | None) -> None:
        """A project was opened (or New): its own rules now; its shared files are shown as unread
        until :meth:`refreshed` brings each one (the window reads them in a worker). Not an undo step."""
        own = pronunciation.dictionary().renamed(OWN_NAME) if pronunciation is not None else empty_own()
        shared = tuple(unreadable(path) for path in pronunciation.shared) if pronunciation is not None else ()
        self.undo_stack.clear()
        self._set_state(_State(own, shared), None)

    def project_field(self) -> ProjectPronunciation | None:
        """What the project file keeps (None: no rules and nothing attached, as an older project)."""
        if not self.own.rules and not self.shared:
            return None
        return ProjectPronunciation.from_dictionary(self.own, shared=tuple(d.path or "" for d in self.shared))

    def shared_paths(self) -> tuple[str, ...]:
        return tuple(d.path or "" for d in self.shared)

    # -- changes (each one undo step) ----------------------------------------------------------------------

    def put_rule(self, dictionary_id: str, rule: Rule, *, replacing: str | None = None) -> None:
        """Add ``rule`` to a dictionary, or replace its rule for ``replacing`` (an edited word).

        Raises DictionaryError when the project cannot take it (a fourth dictionary, see :meth:`put_dictionary`).
        """
        dictionary = self.dictionary(dictionary_id)
        if replacing is not None and replacing != rule.grapheme and dictionary.rule_for(replacing) is not None:
            # An edited word keeps its rule's place (earlier rules win); a rule it now collides with goes.
            rules = [rule if r.grapheme == replacing else r for r in dictionary.rules if r.grapheme != rule.grapheme]
            edited = replace(dictionary, rules=tuple(rules))
        else:
            edited = dictionary.with_rule(rule)
        if edited == dictionary:
            return
        was = dictionary.rule_for(replacing or rule.grapheme)
        verb = "Edit" if was is not None else "Add"
        self.put_dictionary(edited, f"{verb} rule for “{rule.grapheme}”")

    def remove_rule(self, dictionary_id: str, grapheme: str) -> None:
        dictionary = self.dictionary(dictionary_id)
        if dictionary.rule_for(grapheme) is None:
            return
        self.put_dictionary(dictionary.without(grapheme), f"Remove rule for “{grapheme}”")

    def attach(self, dictionary: PronunciationDictionary) -> None:
        """Use a shared dictionary too (after the ones already attached). Raises DictionaryError."""
        if any(d.id == dictionary.id or (d.path and d.path == dictionary.path) for d in self._state.shared):
            raise DictionaryError(f"“{dictionary.name}” is already used by this project",
                                  "Choose another shared dictionary.")
        check_count(len(self.dictionaries()) + 1, adding=dictionary.name)
        state = _State(self._state.own, (*self._state.shared, dictionary))
        self._push(state, f"Attach “{dictionary.name}”")

    def detach(self, dictionary_id: str) -> None:
        dictionary = self.dictionary(dictionary_id)
        shared = tuple(d for d in self._state.shared if d.id != dictionary_id)
        if shared != self._state.shared:
            self._push(_State(self._state.own, shared), f"Detach “{dictionary.name}”")

    def move(self, dictionary_id: str, step: int) -> None:
        """Move a shared dictionary earlier (-1) or later (+1): earlier dictionaries win."""
        shared = list(self._state.shared)
        index = next((i for i, d in enumerate(shared) if d.id == dictionary_id), None)
        if index is None or not 0 <= index + step < len(shared):
            return
        shared[index], shared[index + step] = shared[index + step], shared[index]
        self._push(_State(self._state.own, tuple(shared)), f"Move “{shared[index + step].name}”")

    def refreshed(self, dictionary: PronunciationDictionary) -> None:
        """A shared dictionary's file was read (again): its rules, without an undo step."""
        def same(d: PronunciationDictionary) -> bool:
            return d.id == dictionary.id or (d.path is not None and d.path == dictionary.path)

        shared = tuple(dictionary if same(d) else d for d in self._state.shared)
        if shared != self._state.shared:
            self._set_state(_State(self._state.own, shared), None)

    # -- internals ------------------------------------------------------------------------------------------

    def put_dictionary(self, edited: PronunciationDictionary, text: str) -> None:
        """Replace a dictionary of the project by ``edited`` (same id), as one undo step called ``text``."""
        if edited.id == self._state.own.id:
            if not self._state.own.rules and edited.rules:
                check_count(len(self._state.shared) + 1, adding="the project's own rules")
            state = _State(edited, self._state.shared)
        else:
            state = _State(self._state.own, tuple(edited if d.id == edited.id else d for d in self._state.shared))
        self._push(state, text)

    def _push(self, after: _State, text: str) -> None:
        self.undo_stack.push(_Step(self, self._state, after, text))  # push runs redo(): the change

    def _set_state(self, state: _State, previous: _State | None) -> None:
        self._state = state
        if previous is not None:
            before = {d.id: d for d in previous.shared}
            for dictionary in state.shared:
                old = before.get(dictionary.id)
                if old is not None and old.rules != dictionary.rules:
                    self.shared_edited.emit(dictionary)
        if previous is None:
            self.loaded.emit()
        else:
            self.changed.emit()
