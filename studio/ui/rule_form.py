"""The form under the rules table: one rule's word, kind, "say as", alphabet and the two flags.

It only builds rules (the model validates them as they are made, so :meth:`RuleForm.rule`
raises the ``DictionaryError`` that names the problem) and shows them; the dialog decides what
to do with them.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLineEdit, QWidget

from studio.core.pronunciation import AliasRule, PhonemeRule, Rule

ALIAS_HINT = "how it sounds, in letters (for example “win” for “Nguyen”)"
PHONEME_HINTS = {"ipa": "IPA, for example /ˈtaɪ.lænd/", "cmu": "ARPAbet, for example M AE1 D IH0 S AH0 N"}


class RuleForm(QWidget):
    #: Enter was pressed in a text field (the dialog adds or saves the rule).
    submitted = Signal()
    #: The kind or alphabet changed (the dialog says whether the model can use it).
    kind_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.word_edit = QLineEdit(self)
        self.word_edit.setAccessibleName("Word")
        self.word_edit.setPlaceholderText("the word as it is written in the script")
        self.kind_combo = QComboBox(self)
        self.kind_combo.setAccessibleName("Kind of rule")
        self.kind_combo.addItem("Alias", "alias")
        self.kind_combo.addItem("Phoneme", "phoneme")
        self.alphabet_combo = QComboBox(self)
        self.alphabet_combo.setAccessibleName("Alphabet")
        self.alphabet_combo.addItem("IPA", "ipa")
        self.alphabet_combo.addItem("CMU (ARPAbet)", "cmu")
        self.say_edit = QLineEdit(self)
        self.say_edit.setAccessibleName("Say as")
        self.case_check = QCheckBox("&Match case", self)
        self.case_check.setChecked(True)
        self.whole_check = QCheckBox("&Whole word only", self)
        self.whole_check.setChecked(True)

        kind_row = QHBoxLayout()
        kind_row.addWidget(self.kind_combo)
        kind_row.addWidget(self.alphabet_combo)
        kind_row.addStretch(1)
        flags = QHBoxLayout()
        flags.addWidget(self.case_check)
        flags.addWidget(self.whole_check)
        flags.addStretch(1)
        layout = QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addRow("W&ord:", self.word_edit)
        layout.addRow("&Kind:", kind_row)
        layout.addRow("&Say as:", self.say_edit)
        layout.addRow("", flags)

        self.kind_combo.currentIndexChanged.connect(self._on_kind)
        self.alphabet_combo.currentIndexChanged.connect(self._on_kind)
        self.word_edit.returnPressed.connect(self.submitted.emit)
        self.say_edit.returnPressed.connect(self.submitted.emit)
        self._on_kind()

    @property
    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    def rule(self) -> Rule:
        """The rule the form describes (raises DictionaryError naming what is wrong)."""
        flags = {"case_sensitive": self.case_check.isChecked(), "word_boundaries": self.whole_check.isChecked()}
        word, said = self.word_edit.text().strip(), self.say_edit.text().strip()
        if self.kind == "phoneme":
            return PhonemeRule(word, said, str(self.alphabet_combo.currentData()), **flags)  # type: ignore[arg-type]
        return AliasRule(word, said, **flags)

    def show_rule(self, rule: Rule | None) -> None:
        self.word_edit.setText(rule.grapheme if rule else "")
        self.say_edit.setText(rule.spoken_as if rule else "")
        self.kind_combo.setCurrentIndex(1 if isinstance(rule, PhonemeRule) else 0)
        if isinstance(rule, PhonemeRule):
            self.alphabet_combo.setCurrentIndex(self.alphabet_combo.findData(rule.alphabet))
        self.case_check.setChecked(rule.case_sensitive if rule else True)
        self.whole_check.setChecked(rule.word_boundaries if rule else True)

    def _on_kind(self) -> None:
        phoneme = self.kind == "phoneme"
        self.alphabet_combo.setEnabled(phoneme)
        self.say_edit.setPlaceholderText(PHONEME_HINTS[str(self.alphabet_combo.currentData())] if phoneme else ALIAS_HINT)
        self.kind_changed.emit()
