"""The rules of one pronunciation dictionary as a Qt table: word, kind, say as, alphabet, match case, whole word.

Cells are edited in place (text cells by typing, the kind and alphabet by a choice, the two
flags by a check box). An edit never changes the model's rule by itself: it builds the new rule
(the model validates it as it is made) and hands it to ``put(old_grapheme, rule)``, the
controller's undoable change; a rule the model refuses is reported through :attr:`refused`
(the dialog shows the ``DictionaryError`` inline) and the row keeps its old rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel, QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal)
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from studio.core.pronunciation import AliasRule, DictionaryError, PhonemeRule, PronunciationDictionary, Rule

Index = QModelIndex | QPersistentModelIndex

WORD, KIND, SAY_AS, ALPHABET, CASE, WHOLE = range(6)
HEADERS = ("Word", "Kind", "Say as", "Alphabet", "Match case", "Whole word")
KINDS = ("Alias", "Phoneme")
ALPHABETS = {"ipa": "IPA", "cmu": "CMU"}


def rule_kind(rule: Rule) -> str:
    return "Phoneme" if isinstance(rule, PhonemeRule) else "Alias"


def with_cell(rule: Rule, column: int, value: Any) -> Rule:
    """``rule`` with one cell changed (raises DictionaryError if that makes it unusable)."""
    flags = {"case_sensitive": rule.case_sensitive, "word_boundaries": rule.word_boundaries}
    if column == WORD:
        return replace(rule, grapheme=str(value).strip())
    if column == SAY_AS:
        text = str(value).strip()
        return replace(rule, phoneme=text) if isinstance(rule, PhonemeRule) else replace(rule, alias=text)
    if column == CASE:
        return replace(rule, case_sensitive=bool(value))
    if column == WHOLE:
        return replace(rule, word_boundaries=bool(value))
    if column == KIND:
        if str(value) == rule_kind(rule):
            return rule
        if str(value) == "Phoneme":
            return PhonemeRule(rule.grapheme, rule.spoken_as, "ipa", **flags)
        return AliasRule(rule.grapheme, rule.spoken_as, **flags)
    if column == ALPHABET and isinstance(rule, PhonemeRule):
        alphabet = next((k for k, v in ALPHABETS.items() if v == value or k == value), str(value))
        return replace(rule, alphabet=alphabet)
    return rule


class ChoiceDelegate(QStyledItemDelegate):
    """The kind and alphabet cells are edited with a choice, not typed."""

    CHOICES = {KIND: KINDS, ALPHABET: tuple(ALPHABETS.values())}

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:  # noqa: N802
        choices = self.CHOICES.get(index.column())
        if choices is None:
            return super().createEditor(parent, option, index)
        combo = QComboBox(parent)
        combo.addItems(list(choices))
        combo.activated.connect(lambda _i: self.commitData.emit(combo))
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        if isinstance(editor, QComboBox):
            editor.setCurrentText(str(index.data(Qt.ItemDataRole.EditRole)))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:  # noqa: N802
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)


class RuleTableModel(QAbstractTableModel):
    #: An edit the model refused: the DictionaryError (the row keeps its rule).
    refused = Signal(object)

    def __init__(self, put: Callable[[str, Rule], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._put = put
        self._rules: tuple[Rule, ...] = ()
        self.phonemes_usable = True  # False: the model cannot use phoneme rules (shown, not hidden)

    def show(self, dictionary: PronunciationDictionary | None) -> None:
        rules = dictionary.rules if dictionary is not None else ()
        if rules == self._rules:
            return
        if len(rules) == len(self._rules):
            self._rules = rules  # an edit: keep the selection and the editor's place
            self.dataChanged.emit(self.index(0, 0), self.index(len(rules) - 1, len(HEADERS) - 1))
            return
        self.beginResetModel()
        self._rules = rules
        self.endResetModel()

    def rule_at(self, row: int) -> Rule | None:
        return self._rules[row] if 0 <= row < len(self._rules) else None

    def row_of(self, grapheme: str) -> int:
        return next((i for i, r in enumerate(self._rules) if r.grapheme == grapheme), -1)

    # -- Qt model ----------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self._rules)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        rule = self.rule_at(index.row())
        if rule is None:
            return None
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == WORD:
                return rule.grapheme
            if column == KIND:
                return rule_kind(rule)
            if column == SAY_AS:
                return rule.spoken_as
            if column == ALPHABET:
                return ALPHABETS.get(rule.alphabet, rule.alphabet) if isinstance(rule, PhonemeRule) else "—"
        if role == Qt.ItemDataRole.CheckStateRole and column in (CASE, WHOLE):
            on = rule.case_sensitive if column == CASE else rule.word_boundaries
            return Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole and isinstance(rule, PhonemeRule) and not self.phonemes_usable:
            return "This model cannot use phoneme rules: the word is spoken as written. Use an alias instead."
        if role == Qt.ItemDataRole.AccessibleTextRole and column in (CASE, WHOLE):
            on = rule.case_sensitive if column == CASE else rule.word_boundaries
            return f"{HEADERS[column]}: {'yes' if on else 'no'}"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        rule = self.rule_at(index.row())
        if rule is None:
            return base
        if index.column() in (CASE, WHOLE):
            return base | Qt.ItemFlag.ItemIsUserCheckable
        if index.column() == ALPHABET and not isinstance(rule, PhonemeRule):
            return base
        return base | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        rule = self.rule_at(index.row())
        if rule is None:
            return False
        if role == Qt.ItemDataRole.CheckStateRole:
            value = Qt.CheckState(value) == Qt.CheckState.Checked
        elif role != Qt.ItemDataRole.EditRole:
            return False
        try:
            edited = with_cell(rule, index.column(), value)
            if edited != rule:
                self._put(rule.grapheme, edited)
        except DictionaryError as error:
            self.refused.emit(error)
            return False
        return True
