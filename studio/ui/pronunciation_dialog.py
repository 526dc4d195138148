"""Tools ▸ Pronunciation…: the project's pronunciation rules, and the shared dictionaries it uses.

Left, the dictionaries the project speaks with, in order (its own rules first; earlier ones
win): attach a shared dictionary from the data folder (or make a new one), detach it, move it.
Right, the rules of the one selected, in a table (edit cells in place) and a form (add a rule,
or select one to change it), with Test (hear the word with the rule, by the current engine),
Remove, Import… and Export… (W3C PLS or "word = alias" text). Every change is one step of the
controller's undo stack (Undo/Redo here, Ctrl+Z / Ctrl+Shift+Z). Problems — a rule the model
refuses, a file with a bad line, a fourth dictionary — show inline, and change nothing.

When the chosen model cannot use phoneme rules, the dialog says so and offers "Use an Alias
Instead" for the phoneme rule at hand.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QHeaderView, QPushButton, QTableView,
    QVBoxLayout, QWidget)

from studio.core.pronunciation import DictionaryError, PronunciationDictionary, takes_phonemes
from studio.core.pronunciation.advice import PhonemeAdvice, phoneme_advice
from studio.ui.dictionary_files import FILE_FILTERS, DictionaryFiles
from studio.ui.inline_message import InlineMessage, Tone
from studio.ui.dictionary_list import DictionaryList
from studio.ui.pronunciation_controller import PronunciationController
from studio.ui.pronunciation_table import HEADERS, ChoiceDelegate, RuleTableModel
from studio.ui.rule_form import RuleForm
from studio.ui.rule_test import RuleTester

#: () -> (the chosen model's Capabilities or None, its name for messages)
ModelCapabilities = Callable[[], tuple[Any, str]]


class PronunciationDialog(QDialog):
    def __init__(self, controller: PronunciationController, files: DictionaryFiles, tester: RuleTester,
                 capabilities: ModelCapabilities, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pronunciationDialog")
        self.setWindowTitle("Pronunciation")
        self.controller = controller
        self.files = files
        self.tester = tester
        self._capabilities = capabilities
        self._editing: str | None = None  # the grapheme of the rule the form shows (None: a new rule)
        self.file_dialog: QFileDialog | None = None

        self.message = InlineMessage(self)
        self.capability_note = InlineMessage(self, closable=False)
        self.capability_note.setObjectName("capabilityNote")

        # -- dictionaries (left) and their aliases for callers -------------------------------------------
        self.dictionaries = DictionaryList(controller, files, self.message, self)
        self.dictionary_list = self.dictionaries.list
        self.attach_menu = self.dictionaries.attach_menu
        self.attach_button, self.detach_button = self.dictionaries.attach_button, self.dictionaries.detach_button
        self.up_button, self.down_button = self.dictionaries.up_button, self.dictionaries.down_button

        # -- rules (right) -------------------------------------------------------------------------------
        self.model = RuleTableModel(self._put_from_table, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setItemDelegate(ChoiceDelegate(self.table))
        self.table.setAccessibleName("Rules")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(HEADERS.index("Say as"), QHeaderView.ResizeMode.Stretch)
        self.form = RuleForm(self)
        self.add_button = QPushButton("Add &Rule", self)
        self.new_button = QPushButton("&New Rule", self)
        self.remove_button = QPushButton("Re&move", self)
        self.test_button = QPushButton("&Test", self)
        self.test_button.setToolTip("Hear the word spoken with this rule by the current voice and model.")
        self.import_button = QPushButton("&Import…", self)
        self.export_button = QPushButton("E&xport…", self)
        undo_stack = controller.undo_stack
        self.undo_action = undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcuts(QKeySequence.StandardKey.Undo)
        self.redo_action = undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts(QKeySequence.StandardKey.Redo)  # Ctrl+Y and Ctrl+Shift+Z
        self.addActions([self.undo_action, self.redo_action])
        remove_key = QAction("Remove Rule", self.table)
        remove_key.setShortcuts([QKeySequence(QKeySequence.StandardKey.Delete), QKeySequence("Backspace")])
        remove_key.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)  # in the table only, not in the form
        remove_key.triggered.connect(lambda _checked=False: self.remove_rule())
        self.table.addAction(remove_key)
        self.undo_button = QPushButton("Undo", self)
        self.undo_button.clicked.connect(self.undo_action.trigger)
        self.redo_button = QPushButton("Redo", self)
        self.redo_button.clicked.connect(self.redo_action.trigger)
        rule_buttons = QHBoxLayout()
        for button in (self.add_button, self.new_button, self.remove_button, self.test_button):
            rule_buttons.addWidget(button)
        rule_buttons.addStretch(1)
        file_buttons = QHBoxLayout()
        for button in (self.import_button, self.export_button):
            file_buttons.addWidget(button)
        file_buttons.addStretch(1)
        file_buttons.addWidget(self.undo_button)
        file_buttons.addWidget(self.redo_button)
        right = QVBoxLayout()
        right.addWidget(self.table, 1)
        right.addWidget(self.form)
        right.addLayout(rule_buttons)
        right.addLayout(file_buttons)

        columns = QHBoxLayout()
        columns.addWidget(self.dictionaries, 1)
        columns.addLayout(right, 3)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.capability_note)
        layout.addLayout(columns, 1)
        layout.addWidget(close)
        self.resize(860, 520)
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)  # Enter belongs to the form (add or save the rule), not to a button

        # -- wiring --------------------------------------------------------------------------------------
        self.dictionaries.selection_changed.connect(self._show_selected_dictionary)
        self.table.selectionModel().currentRowChanged.connect(lambda current, _prev: self._edit_row(current.row()))
        self.model.refused.connect(self.message.show_error)
        self.form.submitted.connect(self.add_or_save)
        self.form.kind_changed.connect(self.refresh_capability)
        self.add_button.clicked.connect(self.add_or_save)
        self.new_button.clicked.connect(self.new_rule)
        self.remove_button.clicked.connect(self.remove_rule)
        self.test_button.clicked.connect(self.test_rule)
        self.import_button.clicked.connect(self.ask_import)
        self.export_button.clicked.connect(self.ask_export)
        controller.changed.connect(self._on_changed)
        controller.loaded.connect(self._on_changed)
        files.error.connect(self.message.show_error)
        tester.error.connect(self.message.show_error)
        tester.busy_changed.connect(lambda busy: self.test_button.setText("Stop" if busy else "&Test"))
        self.model.show(self.selected)

    # == which dictionary =================================================================================

    @property
    def selected(self) -> PronunciationDictionary:
        return self.dictionaries.selected

    @property
    def library(self) -> list[PronunciationDictionary]:
        return self.dictionaries.library

    def _show_selected_dictionary(self) -> None:
        self.model.show(self.selected)
        self.new_rule()

    def _on_changed(self) -> None:
        self.dictionaries.refill()
        self.model.show(self.selected)
        row = self.model.row_of(self._editing) if self._editing else -1
        if row >= 0:
            self._select_row(row)
        self.refresh_capability()

    # == rules ==========================================================================================

    def _select_row(self, row: int) -> None:
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)

    def _edit_row(self, row: int) -> None:
        rule = self.model.rule_at(row)
        self._editing = rule.grapheme if rule is not None else None
        self.form.show_rule(rule)
        self.add_button.setText("Save &Rule" if rule is not None else "Add &Rule")
        self.remove_button.setEnabled(rule is not None)
        self.refresh_capability()

    def new_rule(self) -> None:
        self.table.selectionModel().clear()
        self._edit_row(-1)
        self.form.word_edit.setFocus()

    def add_or_save(self) -> None:
        try:
            rule = self.form.rule()
            self.controller.put_rule(self.selected.id, rule, replacing=self._editing)
        except DictionaryError as error:
            self.message.show_error(error)
            return
        self.message.hide()
        if self._editing is None:
            self.new_rule()  # added: the form is ready for the next word
        else:
            self._editing = rule.grapheme  # saved: the rule stays selected
            self._on_changed()

    def _put_from_table(self, old_grapheme: str, rule: object) -> None:
        self.controller.put_rule(self.selected.id, rule, replacing=old_grapheme)  # type: ignore[arg-type]
        if self._editing == old_grapheme:
            self._editing = rule.grapheme  # type: ignore[attr-defined]
            self.form.show_rule(rule)  # type: ignore[arg-type]
        self.message.hide()

    def remove_rule(self) -> None:
        if self._editing is None:
            return
        self.controller.remove_rule(self.selected.id, self._editing)
        self.new_rule()

    def test_rule(self) -> None:
        if self.tester.busy:
            self.tester.stop()
            return
        try:
            rule = self.form.rule()
        except DictionaryError as error:
            self.message.show_error(error)
            return
        self.message.hide()
        self.tester.test(rule)

    # == the model's abilities ==========================================================================

    def _advice(self) -> list[PhonemeAdvice]:
        """Phoneme rules the chosen model cannot use: the one in the form first (saved or not)."""
        capabilities, model_name = self._capabilities()
        found = phoneme_advice(self.controller.all(), capabilities, model_name)
        if self.form.kind == "phoneme" and not takes_phonemes(capabilities):
            try:
                rule = self.form.rule()
            except DictionaryError:
                rule = None
            if rule is not None:
                draft = PronunciationDictionary(self.selected.id, self.selected.name, (rule,))
                found = phoneme_advice([draft], capabilities, model_name) + found
        editing = self.form.word_edit.text().strip()
        return sorted(found, key=lambda a: a.rule.grapheme != editing)

    def refresh_capability(self) -> None:
        capabilities, _name = self._capabilities()
        self.model.phonemes_usable = takes_phonemes(capabilities)
        advice = self._advice()
        if not advice:
            self.capability_note.hide()
            return
        first = advice[0]
        self.capability_note.show_message(first.message, Tone.WARNING,
                                          action=("Use an Alias Instead", lambda: self.use_alias_instead(first)))

    def use_alias_instead(self, advice: PhonemeAdvice | None = None) -> None:
        """The phoneme rule becomes the suggested alias (a rough respelling, to correct by ear)."""
        advice = advice or next(iter(self._advice()), None)
        if advice is None:
            return
        saved = self.controller.all()
        if any(d.id == advice.dictionary.id and d.rule_for(advice.rule.grapheme) == advice.rule for d in saved):
            self.dictionaries.select(advice.dictionary.id)
            self._editing = advice.rule.grapheme
            self.controller.put_rule(advice.dictionary.id, advice.alias, replacing=advice.rule.grapheme)
            self._select_row(self.model.row_of(advice.alias.grapheme))
        else:  # only in the form so far
            self.form.show_rule(advice.alias)
        self.form.say_edit.setFocus()
        self.form.say_edit.selectAll()
        self.refresh_capability()

    # == files ==========================================================================================

    def _file_dialog(self, mode: QFileDialog.AcceptMode, title: str, then: Callable[[str], None]) -> QFileDialog:
        dialog = QFileDialog(self, title, "", FILE_FILTERS)
        dialog.setAcceptMode(mode)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)  # opened, not exec'd: the window keeps running
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile if mode == QFileDialog.AcceptMode.AcceptOpen
                           else QFileDialog.FileMode.AnyFile)
        dialog.fileSelected.connect(then)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.file_dialog = dialog
        dialog.open()
        return dialog

    def ask_import(self) -> None:
        self._file_dialog(QFileDialog.AcceptMode.AcceptOpen, "Import pronunciation rules", self.import_file)

    def ask_export(self) -> None:
        dialog = self._file_dialog(QFileDialog.AcceptMode.AcceptSave, "Export pronunciation rules", self.export_file)
        dialog.selectFile(f"{self.selected.name}.pls")

    def import_file(self, path: str) -> None:
        """Add a file's rules to the selected dictionary (one undo step); a bad file changes nothing."""
        target = self.selected.id

        def read(imported: PronunciationDictionary) -> None:
            dictionary = self.controller.dictionary(target)
            try:
                for rule in imported.rules:
                    dictionary = dictionary.with_rule(rule)
                self.controller.put_dictionary(dictionary, f"Import “{imported.name}”")
            except DictionaryError as error:
                self.message.show_error(error)
                return
            count = len(imported.rules)
            self.message.show_message(f"Imported {count} rule{'s' if count != 1 else ''} from “{imported.name}”.",
                                      Tone.INFO)

        self.files.read(path, read)

    def export_file(self, path: str) -> None:
        dictionary = self.selected
        self.files.write(dictionary, path, lambda written: self.message.show_message(
            f"Exported {len(dictionary.rules)} rules to {written}.", Tone.INFO))

    def done(self, result: int) -> None:  # noqa: D102 - closing stops a test that is still speaking
        self.tester.stop()
        super().done(result)
