"""Fix a word in one gesture: right-click it in the script → "Pronounce “Nguyen” as…" → type how.

The entry is in the script's context menu, which opens without touching the player, so a
word can be fixed while the script plays. The answer (an alias, or IPA / CMU phonemes) becomes
a rule of the project's own dictionary (one undo step in the dictionary editor). Nothing is
spoken at once: the paragraphs whose spoken text the rule changes get new cache keys, so the
next Play or Export makes those again, and only those.

A locked paragraph keeps its take whatever changes. If the word is in a locked paragraph, the
person is asked first: "Make Them Again" keeps the lock but lets the next Play or Export make
one new take (then kept), "Leave Them" keeps their takes as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QMenu, QWidget)

from studio.core.pronunciation import AliasRule, DictionaryError, PhonemeRule, Rule, rewrites, takes_phonemes
from studio.core.pronunciation.advice import as_alias
from studio.core.script import Block
from studio.ui.inline_message import InlineMessage, Tone
from studio.ui.locked_edit_guard import ask_about_locked, which_locked
from studio.ui.pronunciation_controller import PronunciationController
from studio.ui.script_document import ScriptDocumentController
from studio.ui.script_text_edit import ScriptTextEdit

#: The longest selection offered as one "word" (a name of a few words, not a sentence).
MAX_WORD_CHARS = 60
#: (locked paragraphs with the word, as (index, block)) -> make them again?
AskLocked = Callable[[list[tuple[int, Block]], str], bool]


def word_at(editor: ScriptTextEdit, position: int) -> str | None:
    """The word at document ``position``, or the selection if ``position`` is inside it."""
    cursor = editor.textCursor()
    if cursor.hasSelection() and cursor.selectionStart() <= position <= cursor.selectionEnd():
        # A selected name ("Saoirse Ronan") is one entry; a selection across lines or a sentence is not.
        text = cursor.selectedText().strip()
        return text if text and len(text) <= MAX_WORD_CHARS and "\u2029" not in text else None
    cursor = QTextCursor(editor.document())
    cursor.setPosition(position)
    cursor.select(QTextCursor.SelectionType.WordUnderCursor)
    word = cursor.selectedText().strip(" \t.,;:!?\"“”‘’()[]{}«»—–-")
    return word if word and any(c.isalnum() for c in word) else None


def ask_to_remake(parent: QWidget, locked: list[tuple[int, Block]], word: str) -> bool:
    """The question, as a message box. True: make the locked paragraphs again."""
    return ask_about_locked(
        parent, "lockedPronunciationQuestion", f"{which_locked(locked)} and say “{word}”.",
        "A locked paragraph keeps its chosen take. Make it again with the new pronunciation on the next "
        "Play or Export (it stays locked, with the new take), or leave its take as it is?",
        "&Make Them Again", "&Leave Them")


class PronounceAsDialog(QDialog):
    """The small input: how to say the word (an alias, or IPA / CMU phonemes)."""

    def __init__(self, word: str, phonemes_usable: bool, model_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pronounceAsDialog")
        self.setWindowTitle(f"Pronounce “{word}” as")
        self.word = word
        self._phonemes_usable = phonemes_usable
        self._model_name = model_name
        self.message = InlineMessage(self)
        self.kind_combo = QComboBox(self)
        self.kind_combo.setAccessibleName("Kind of rule")
        self.kind_combo.addItem("Alias (other words)", "alias")
        self.kind_combo.addItem("IPA phonemes", "ipa")
        self.kind_combo.addItem("CMU phonemes (ARPAbet)", "cmu")
        self.say_edit = QLineEdit(self)
        self.say_edit.setAccessibleName(f"Pronounce {word} as")
        self.say_edit.setPlaceholderText("for example “win” for “Nguyen”")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout = QFormLayout(self)
        layout.addRow(self.message)
        layout.addRow(QLabel(f"How should “{word}” be said?", self))
        layout.addRow("&Say as:", self.say_edit)
        layout.addRow("&Kind:", self.kind_combo)
        layout.addRow(buttons)
        self.kind_combo.currentIndexChanged.connect(self._on_kind)
        self.rule: Rule | None = None

    def _on_kind(self) -> None:
        if self.kind_combo.currentData() == "alias" or self._phonemes_usable:
            self.message.hide()
            return
        self.message.show_message(
            f"{self._model_name} cannot use phoneme rules: the word would be spoken as written.",
            Tone.WARNING, action=("Use an Alias Instead", self.use_alias))

    def use_alias(self) -> None:
        """An alias instead: the phonemes typed, roughly respelled (to correct by ear), else empty."""
        try:
            suggested = as_alias(PhonemeRule(self.word, self.say_edit.text().strip(),
                                             self.kind_combo.currentData())).alias
        except DictionaryError:
            suggested = ""
        self.kind_combo.setCurrentIndex(0)
        self.say_edit.setText(suggested)
        self.say_edit.setFocus()
        self.say_edit.selectAll()

    def accept(self) -> None:
        """Build the rule (the model refuses what it cannot use: shown here, the dialog stays)."""
        said = self.say_edit.text().strip()
        kind = self.kind_combo.currentData()
        try:
            self.rule = AliasRule(self.word, said) if kind == "alias" else PhonemeRule(self.word, said, kind)
        except DictionaryError as error:
            self.message.show_error(error)
            return
        super().accept()


class PronounceAs(QObject):
    #: A message for the status bar.
    status = Signal(str)
    #: A problem to show in the script panel (a StudioError).
    error = Signal(object)

    def __init__(self, editor: ScriptTextEdit, document: ScriptDocumentController,
                 controller: PronunciationController, capabilities: Callable[[], tuple[Any, str]],
                 ask_locked: AskLocked | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._editor = editor
        self._document = document
        self._controller = controller
        self._capabilities = capabilities  # () -> (the model's Capabilities or None, its name)
        self._ask_locked: AskLocked = ask_locked or (lambda locked, word: ask_to_remake(editor, locked, word))
        self.dialog: PronounceAsDialog | None = None
        before = editor.extend_context_menu

        def extend(menu: QMenu) -> None:
            if before is not None:
                before(menu)
            self.add_to(menu)

        editor.extend_context_menu = extend

    def add_to(self, menu: QMenu) -> None:
        word = word_at(self._editor, self._editor.context_position)
        if word is None:
            return
        menu.addSeparator()
        action = menu.addAction(f"Pronounce “{word}” as…".replace("&", "&&"))
        action.setObjectName("pronounceAsAction")
        action.triggered.connect(lambda _checked=False, w=word: self.ask(w))

    def ask(self, word: str) -> PronounceAsDialog:
        """Open the small input for ``word`` (window-modal, not blocking: a Play goes on)."""
        capabilities, model_name = self._capabilities()
        existing = self._controller.own.rule_for(word)
        dialog = PronounceAsDialog(word, takes_phonemes(capabilities), model_name, self._editor.window())
        if existing is not None:
            dialog.say_edit.setText(existing.spoken_as)
            if isinstance(existing, PhonemeRule):
                dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData(existing.alphabet))
        dialog.accepted.connect(lambda: self.apply(dialog.rule) if dialog.rule is not None else None)
        dialog.finished.connect(lambda _result: setattr(self, "dialog", None) if self.dialog is dialog else None)
        self.dialog = dialog
        dialog.open()
        return dialog

    def touched(self, rule: Rule) -> list[tuple[int, Block]]:
        """Paragraphs whose spoken text ``rule`` would change (the one matcher, as synthesis uses it)."""
        self._document.sync()
        capabilities, _name = self._capabilities()
        before = self._controller.dictionaries()
        own = self._controller.own.with_rule(rule)
        after = ((own,) if own.rules else ()) + self._controller.shared
        return [(i, b) for i, b in enumerate(self._document.script.blocks)
                if rewrites(b.text, after, capabilities) != rewrites(b.text, before, capabilities)]

    def apply(self, rule: Rule) -> None:
        touched = self.touched(rule)
        locked = [(i, b) for i, b in touched if b.locked and b.chosen_take is not None]
        try:
            self._controller.put_rule(self._controller.own.id, rule)
        except DictionaryError as error:
            self.error.emit(error)
            return
        again = bool(locked) and self._ask_locked(locked, rule.grapheme)
        if again:
            for _index, block in locked:
                self._document.remake_locked(block.id)
        remade = len(touched) - (0 if again else len(locked))
        said = f"“{rule.grapheme}” is now said “{rule.spoken_as}”"
        if not touched:
            capabilities, model_name = self._capabilities()
            if isinstance(rule, PhonemeRule) and not takes_phonemes(capabilities):
                self.status.emit(f"{said}, but {model_name} cannot use phoneme rules: use an alias instead.")
            else:
                self.status.emit(f"{said}. No paragraph says it yet.")
        elif remade == 0:
            self.status.emit(f"{said}. The locked paragraphs with it keep their takes.")
        else:
            which = "paragraph" if remade == 1 else "paragraphs"
            self.status.emit(f"{said}: the next Play or Export makes {remade} {which} again.")
