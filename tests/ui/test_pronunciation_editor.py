"""Tools ▸ Pronunciation… (issue 12, point 2): the project's rules and the shared dictionaries it uses.

The real window and dialog, driven with keys and clicks; files through the dialog's own file
chooser (non-native, answered by selecting the file); projects saved and opened for real.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QComboBox, QMessageBox

from studio.core.project import RecoveryStore, load_project
from studio.core.pronunciation import AliasRule, PhonemeRule, load_pls
from studio.core.shared_dictionaries import create_shared, shared_dictionaries_dir
from tests.ui.conftest import activate

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
LEFT = Qt.MouseButton.LeftButton
DATA = Path(__file__).resolve().parents[1] / "data" / "pronunciation"


def open_editor(qtbot: Any, window: Any) -> Any:
    """Ctrl+Shift+D in the script: the dictionary editor, active."""
    activate(qtbot, window)
    qtbot.keyClick(window.script.editor, Qt.Key.Key_D, CTRL | SHIFT)
    dialog = window.pronunciation.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
    return dialog


def type_rule(qtbot: Any, dialog: Any, word: str, said: str, kind: str = "Alias") -> None:
    """Fill the form with the keyboard and press Enter (adds, or saves the rule being edited)."""
    form = dialog.form
    form.kind_combo.setCurrentIndex(form.kind_combo.findText(kind))
    for edit, text in ((form.word_edit, word), (form.say_edit, said)):
        edit.setFocus()
        edit.selectAll()
        qtbot.keyClick(edit, Qt.Key.Key_Delete)
        type_text(qtbot, edit, text)
    qtbot.keyClick(form.say_edit, Qt.Key.Key_Return)


def type_text(qtbot: Any, widget: Any, text: str) -> None:
    """Type ``text``: ASCII as key clicks, anything else as an input method commits it (QTest has no keys for IPA)."""
    for char in text:
        if char.isascii():
            qtbot.keyClicks(widget, char)
        else:
            event = QInputMethodEvent()
            event.setCommitString(char)
            QApplication.sendEvent(widget, event)


def focus_table(qtbot: Any, dialog: Any) -> None:
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
    dialog.table.setFocus()


def shown(dialog: Any) -> str:
    """The dialog's inline message, if it is showing ("" when hidden)."""
    return dialog.message.text if dialog.message.isVisible() else ""


def rules(dialog: Any) -> list[tuple[str, str]]:
    model = dialog.model
    return [(model.index(r, 0).data(), model.index(r, 2).data()) for r in range(model.rowCount())]


def choose_file(qtbot: Any, dialog: Any, button: Any, path: Path) -> None:
    """Click Import… or Export… and pick ``path`` in the file chooser it opens."""
    qtbot.mouseClick(button, LEFT)
    chooser = dialog.file_dialog
    qtbot.waitUntil(chooser.isVisible, timeout=5000)
    chooser.selectFile(str(path))
    chooser.accept()
    qtbot.waitUntil(lambda: dialog.files.pending == 0, timeout=10000)


def test_rules_are_added_edited_and_removed_with_keys_and_undo_and_saved_in_the_project(
        qtbot: Any, make_window: Any, tmp_path: Path) -> None:
    window = make_window()
    window.script.editor.setPlainText("Mr Nguyen met Siobhan in Thailand.")
    window.project.mark_clean()
    dialog = open_editor(qtbot, window)
    assert rules(dialog) == []

    type_rule(qtbot, dialog, "Nguyen", "win")
    type_rule(qtbot, dialog, "Siobhan", "shiv awn")
    dialog.new_rule()
    type_rule(qtbot, dialog, "Thailand", "ˈtaɪ.lænd", kind="Phoneme")
    assert rules(dialog) == [("Nguyen", "win"), ("Siobhan", "shiv awn"), ("Thailand", "ˈtaɪ.lænd")]
    assert window.project.dirty  # the rules are the project's work
    assert "3 rules" in dialog.dictionary_list.item(0).text()
    window.project.autosave_now()  # as the autosave timer does: the recovery copy carries them
    qtbot.waitUntil(lambda: window.project._autosaved_revision == window.project._revision, timeout=10000)
    recovered = RecoveryStore(tmp_path / "state").read()
    assert recovered is not None and recovered.project.pronunciation is not None
    assert [r["string_to_replace"] for r in recovered.project.pronunciation.rules] == ["Nguyen", "Siobhan", "Thailand"]

    # Select "Siobhan" in the table (a click), change its alias in the form, Enter saves it in place.
    row = dialog.table.visualRect(dialog.model.index(1, 0)).center()
    qtbot.mouseClick(dialog.table.viewport(), LEFT, pos=row)
    assert dialog.form.word_edit.text() == "Siobhan"
    type_rule(qtbot, dialog, "Siobhan", "shi-vawn")
    assert rules(dialog)[1] == ("Siobhan", "shi-vawn")
    # The table's own check box: "Match case" off for Siobhan.
    case_cell = dialog.table.visualRect(dialog.model.index(1, 4))
    dialog.table.setFocus()
    dialog.table.setCurrentIndex(dialog.model.index(1, 4))
    qtbot.keyClick(dialog.table, Qt.Key.Key_Space)
    assert case_cell.isValid() and dialog.controller.own.rule_for("Siobhan").case_sensitive is False

    qtbot.keyClick(dialog.table, Qt.Key.Key_Delete)  # Delete in the table removes the selected rule
    assert [w for w, _ in rules(dialog)] == ["Nguyen", "Thailand"]

    # Ctrl+Z in the dialog brings the removed rule back, then the old flag, then the old alias.
    focus_table(qtbot, dialog)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Z, CTRL)
    assert [w for w, _ in rules(dialog)] == ["Nguyen", "Siobhan", "Thailand"]
    qtbot.keyClick(dialog.table, Qt.Key.Key_Z, CTRL)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Z, CTRL)
    assert rules(dialog)[1] == ("Siobhan", "shiv awn")
    qtbot.keyClick(dialog.table, Qt.Key.Key_Z, CTRL | SHIFT)
    assert rules(dialog)[1] == ("Siobhan", "shi-vawn")
    qtbot.keyClick(dialog.table, Qt.Key.Key_Y, CTRL)  # redo has both keys
    assert dialog.controller.own.rule_for("Siobhan").case_sensitive is False

    path = tmp_path / "names.narration"
    with qtbot.waitSignal(window.project.saved, timeout=10000):
        window.project.save_as(str(path))
    saved = load_project(path).pronunciation
    assert saved is not None
    assert saved.dictionary().rules == (
        AliasRule("Nguyen", "win"), AliasRule("Siobhan", "shi-vawn", case_sensitive=False),
        PhonemeRule("Thailand", "ˈtaɪ.lænd", "ipa"))

    # Opened in another window, the project has its rules back.
    other = make_window(state_dir=tmp_path / "other-state")
    with qtbot.waitSignal(other.project.opened, timeout=10000):
        other.open_project(str(path))
    assert [r.grapheme for r in other.pronunciation.dictionaries()[0].rules] == ["Nguyen", "Siobhan", "Thailand"]
    assert not other.project.dirty


def test_a_rule_the_model_refuses_is_named_inline_and_changes_nothing(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    window.project.mark_clean()
    dialog = open_editor(qtbot, window)

    type_rule(qtbot, dialog, "Nguyen", "")
    assert dialog.message.isVisible()
    assert "“Nguyen” has no alias" in shown(dialog)
    type_rule(qtbot, dialog, "Thailand", "tai land!", kind="Phoneme")
    assert "not IPA" in shown(dialog) and "“!”" in shown(dialog)
    type_rule(qtbot, dialog, "", "win")
    assert "has no word to replace" in shown(dialog)
    assert rules(dialog) == [] and not window.project.dirty

    # In the table too: emptying a word's alias in place is refused and the rule stays.
    type_rule(qtbot, dialog, "Nguyen", "win")
    assert not dialog.message.isVisible()
    assert dialog.model.setData(dialog.model.index(0, 2), "   ") is False
    assert "has no alias" in shown(dialog)
    assert rules(dialog) == [("Nguyen", "win")]

    # The kind cell is a choice: F2, Down, Enter makes the rule a phoneme rule (IPA “win”).
    focus_table(qtbot, dialog)
    dialog.table.setCurrentIndex(dialog.model.index(0, 1))
    qtbot.keyClick(dialog.table, Qt.Key.Key_F2)
    combo = dialog.table.viewport().findChild(QComboBox)
    assert combo is not None and combo.currentText() == "Alias"
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    qtbot.keyClick(combo, Qt.Key.Key_Return)
    assert dialog.controller.own.rules == (PhonemeRule("Nguyen", "win", "ipa"),)


def test_import_and_export_pls_and_word_lists_and_a_bad_file_names_its_line(
        qtbot: Any, make_window: Any, tmp_path: Path) -> None:
    window = make_window()
    dialog = open_editor(qtbot, window)
    type_rule(qtbot, dialog, "Siobhan", "shiv awn")

    choose_file(qtbot, dialog, dialog.import_button, DATA / "elevenlabs_style.pls")
    words = [w for w, _ in rules(dialog)]
    assert words == ["Siobhan", "tomato", "Tomato", "Claughton", "UN", "Nguyen", "Thailand", "Madison"]
    assert "Imported 7 rules" in shown(dialog)

    bad = tmp_path / "bad.txt"
    bad.write_text("# names\nKaur = core\nNguyen win\n", encoding="utf-8")
    choose_file(qtbot, dialog, dialog.import_button, bad)
    assert "line 3" in shown(dialog) and "has no “=”" in shown(dialog)
    assert [w for w, _ in rules(dialog)] == words  # nothing imported, not even line 2
    broken = tmp_path / "broken.pls"
    broken.write_text((DATA / "elevenlabs_style.pls").read_text(encoding="utf-8").replace("</alias>", "", 1),
                      encoding="utf-8")
    choose_file(qtbot, dialog, dialog.import_button, broken)
    assert "broken.pls" in shown(dialog) and "line" in shown(dialog)
    assert [w for w, _ in rules(dialog)] == words

    # Undo takes the whole import back in one step.
    focus_table(qtbot, dialog)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Z, CTRL)
    assert rules(dialog) == [("Siobhan", "shiv awn")]
    qtbot.keyClick(dialog.table, Qt.Key.Key_Z, CTRL | SHIFT)

    choose_file(qtbot, dialog, dialog.export_button, tmp_path / "out.pls")
    assert load_pls(tmp_path / "out.pls").rules == dialog.controller.own.rules
    choose_file(qtbot, dialog, dialog.export_button, tmp_path / "out.txt")
    text = (tmp_path / "out.txt").read_text(encoding="utf-8")
    assert "Siobhan = shiv awn" in text and "Nguyen = win" in text and "Madison = cmu: M AE1 D IH0 S AH0 N" in text


def attach_from_menu(qtbot: Any, dialog: Any, name: str) -> None:
    """Attach Shared ▸ <name> (the library is listed in a worker when the dialog opens)."""
    qtbot.waitUntil(lambda: any(d.name == name for d in dialog.library), timeout=10000)
    dialog.attach_menu.aboutToShow.emit()
    action = next(a for a in dialog.attach_menu.actions() if a.text().startswith(f"{name} ("))
    action.trigger()


def test_shared_dictionaries_attach_in_order_at_most_three_and_serve_every_project(
        qtbot: Any, make_window: Any, tmp_path: Path) -> None:
    for name in ("Characters", "Places", "Brands", "Latin"):
        create_shared(name)
    assert len(list(shared_dictionaries_dir().glob("*.pls"))) == 4
    window = make_window()
    window.project.mark_clean()
    dialog = open_editor(qtbot, window)
    for name in ("Characters", "Places", "Brands"):
        attach_from_menu(qtbot, dialog, name)
    names = [dialog.dictionary_list.item(i).text().split(" (")[0] for i in range(dialog.dictionary_list.count())]
    assert names == ["This project — 0 rules", "Characters", "Places", "Brands"]
    assert window.project.dirty

    attach_from_menu(qtbot, dialog, "Latin")
    assert dialog.message.isVisible()
    assert "at most 3" in shown(dialog) and "“Latin”" in shown(dialog)
    assert [d.name for d in window.pronunciation.dictionaries()] == ["Characters", "Places", "Brands"]
    # With three shared, the project's own first rule would be a fourth: refused too, named.
    dialog.message.hide()
    dialog.dictionary_list.setCurrentRow(0)
    assert dialog.selected.id == dialog.controller.own.id
    type_rule(qtbot, dialog, "Nguyen", "win")
    assert dialog.message.isVisible() and "at most 3" in shown(dialog)
    assert "the project's own rules" in shown(dialog) and dialog.controller.own.rules == ()

    # Move Brands up, detach Places: the order is what renders use, first wins.
    dialog.dictionary_list.setCurrentRow(3)
    qtbot.mouseClick(dialog.up_button, LEFT)
    dialog.dictionary_list.setCurrentRow(3)
    assert dialog.selected.name == "Places"
    qtbot.mouseClick(dialog.detach_button, LEFT)
    assert [d.name for d in window.pronunciation.dictionaries()] == ["Characters", "Brands"]

    # A rule added to a shared dictionary is written to its file (in the data folder) ...
    dialog.dictionary_list.setCurrentRow(1)
    assert dialog.selected.name == "Characters"
    type_rule(qtbot, dialog, "Siobhan", "shiv awn")
    qtbot.waitUntil(lambda: dialog.files.pending == 0, timeout=10000)
    characters = shared_dictionaries_dir() / "Characters.pls"
    assert load_pls(characters).rules == (AliasRule("Siobhan", "shiv awn"),)
    path = tmp_path / "first.narration"
    with qtbot.waitSignal(window.project.saved, timeout=10000):
        window.project.save_as(str(path))
    assert load_project(path).pronunciation.shared == (str(characters), str(shared_dictionaries_dir() / "Brands.pls"))

    # ... so another project that attaches it speaks the same.
    other = make_window(state_dir=tmp_path / "other-state")
    second = open_editor(qtbot, other)
    attach_from_menu(qtbot, second, "Characters")
    assert other.pronunciation.dictionaries()[0].rules == (AliasRule("Siobhan", "shiv awn"),)

    # Opening the first project reads its shared files (in a worker): their rules, and no edit.
    third = make_window(state_dir=tmp_path / "third-state")
    with qtbot.waitSignal(third.project.opened, timeout=10000):
        third.open_project(str(path))
    qtbot.waitUntil(lambda: third.pronunciation.files.pending == 0, timeout=10000)
    assert [(d.name, d.rules) for d in third.pronunciation.dictionaries()] == [
        ("Characters", (AliasRule("Siobhan", "shiv awn"),)), ("Brands", ())]
    assert not third.project.dirty


def test_f1_lists_the_pronunciation_keys_and_they_work_from_the_script(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    window.script.editor.setPlainText("Mr Nguyen opened the shop.")
    activate(qtbot, window)
    qtbot.keyClick(window.script.editor, Qt.Key.Key_F1)  # Help ▸ Keyboard Shortcuts
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox), timeout=5000)
    box = QApplication.activeModalWidget()
    text = box.text()
    box.done(0)
    assert "<b>Tools</b>" in text
    assert "Ctrl+Shift+D</td><td>Pronunciation</td>" in text
    assert "Ctrl+Shift+W</td><td>Pronounce Word As</td>" in text

    # Ctrl+Shift+W on a word: the small input for it; Enter adds the rule.
    activate(qtbot, window)
    cursor = window.script.editor.textCursor()
    cursor.setPosition(5)  # in "Nguyen"
    window.script.editor.setTextCursor(cursor)
    qtbot.keyClick(window.script.editor, Qt.Key.Key_W, CTRL | SHIFT)
    asked = window.pronunciation.pronounce_as.dialog
    assert asked is not None and asked.windowTitle() == "Pronounce “Nguyen” as"
    qtbot.waitUntil(asked.isVisible, timeout=5000)
    qtbot.keyClicks(asked.say_edit, "win")
    qtbot.keyClick(asked.say_edit, Qt.Key.Key_Return)
    assert window.pronunciation.controller.own.rules == (AliasRule("Nguyen", "win"),)
    assert window.script.editor.toPlainText() == "Mr Nguyen opened the shop."  # the keys typed nothing

    # A selected name of two words is one entry.
    window.script.editor.setPlainText("Saoirse Ronan waved.")
    activate(qtbot, window)
    cursor = window.script.editor.textCursor()
    cursor.setPosition(0)
    cursor.setPosition(len("Saoirse Ronan"), cursor.MoveMode.KeepAnchor)
    window.script.editor.setTextCursor(cursor)
    qtbot.keyClick(window.script.editor, Qt.Key.Key_W, CTRL | SHIFT)
    assert window.pronunciation.pronounce_as.dialog.windowTitle() == "Pronounce “Saoirse Ronan” as"
    window.pronunciation.pronounce_as.dialog.reject()
