"""The dictionary editor and the voice (issue 12, point 2): Test speaks the word with the rule by the
current engine, and a model that cannot use phoneme rules is said so, with an alias offered.

Real window and dialog, clicks and keys; the real offline voice (no account) and the local
ElevenLabs-compatible server over loopback; the sample heard through the real preview player.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from studio.core.pronunciation import AliasRule, PhonemeRule
from tests.fixtures.local_server import LocalServer
from tests.integration.player.rig import needs_audio
from tests.ui.pronunciation_support import right_click, spy_texts
from tests.ui.test_export_plan import account, connect
from tests.ui.test_pronunciation_editor import open_editor, type_rule, type_text

__all__ = ["account"]

LEFT = Qt.MouseButton.LeftButton


@needs_audio
def test_test_speaks_the_word_with_the_rule_on_the_offline_voice_without_touching_the_script_player(
        qtbot: Any, offline_window: Any) -> None:
    window = offline_window
    window.script.editor.setPlainText("Mr Nguyen opened the shop.")
    dialog = open_editor(qtbot, window)
    sent = spy_texts(window)
    form = dialog.form
    form.word_edit.setFocus()
    qtbot.keyClicks(form.word_edit, "Nguyen")
    form.say_edit.setFocus()
    qtbot.keyClicks(form.say_edit, "win")

    tester = dialog.tester
    heard: list[bool] = []
    tester.busy_changed.connect(heard.append)
    qtbot.mouseClick(dialog.test_button, LEFT)  # before the rule is even added: the form's rule
    qtbot.waitUntil(lambda: tester.last_wav is not None, timeout=60000)
    assert sent == ["win"]  # the word with the rule, by the current engine
    assert tester.last_wav[:4] == b"RIFF" and len(tester.last_wav) > 44 + 22050 // 10  # at least 0.1 s
    qtbot.waitUntil(lambda: heard[-1:] == [False], timeout=30000)
    assert True in heard and not dialog.message.isVisible(), dialog.message.text
    assert tester.preview._started  # the preview player really played it (to the end: busy went False)
    assert not window.player.is_active  # the script's player was never started
    assert dialog.controller.own.rules == ()  # testing adds nothing

    tester.last_wav = None
    qtbot.mouseClick(dialog.test_button, LEFT)  # again: from the speech cache, nothing sent
    qtbot.waitUntil(lambda: tester.last_wav is not None, timeout=30000)
    assert sent == ["win"]


def test_a_model_without_phoneme_rules_says_so_and_offers_an_alias(
        qtbot: Any, make_window: Any, account: LocalServer) -> None:
    window = connect(qtbot, make_window(), account, model_id="eleven_multilingual_v2")
    dialog = open_editor(qtbot, window)
    type_rule(qtbot, dialog, "Thailand", "ˈtaɪ.lænd", kind="Phoneme")
    assert dialog.controller.own.rules == (PhonemeRule("Thailand", "ˈtaɪ.lænd"),)
    note = dialog.capability_note
    assert note.isVisible()
    assert note.text.startswith("Eleven Multilingual v2 cannot use phoneme rules, so “Thailand”")
    assert note.action_button.text() == "Use an Alias Instead"

    # A model that takes phonemes: nothing to say.
    combo = window.settings_panel.model
    combo.setCurrentIndex(combo.findData("eleven_flash_v2"))
    assert not note.isVisible()
    combo.setCurrentIndex(combo.findData("eleven_multilingual_v2"))
    assert note.isVisible()

    qtbot.mouseClick(note.action_button, LEFT)  # the rule becomes an alias, the form ready to correct it
    rule = dialog.controller.own.rule_for("Thailand")
    assert isinstance(rule, AliasRule) and rule.alias == "teye land"
    assert dialog.form.kind == "alias" and dialog.form.say_edit.text() == "teye land"
    assert not note.isVisible()
    dialog.form.say_edit.selectAll()
    type_text(qtbot, dialog.form.say_edit, "tie land")
    qtbot.keyClick(dialog.form.say_edit, Qt.Key.Key_Return)
    assert dialog.controller.own.rules == (AliasRule("Thailand", "tie land"),)
    dialog.activateWindow()
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert dialog.controller.own.rules == (PhonemeRule("Thailand", "ˈtaɪ.lænd"),)  # undo brings the phonemes back


def test_pronounce_as_with_phonemes_on_a_model_without_them_offers_the_alias(
        qtbot: Any, make_window: Any, account: LocalServer) -> None:
    window = connect(qtbot, make_window(), account, model_id="eleven_multilingual_v2")
    script = "We flew to Thailand in May."
    window.script.editor.setPlainText(script)
    menu = right_click(qtbot, window, script.index("Thailand"))
    action = next(a for a in menu.actions() if a.objectName() == "pronounceAsAction")
    qtbot.mouseClick(menu, LEFT, pos=menu.actionGeometry(action).center())
    asked = window.pronunciation.pronounce_as.dialog
    qtbot.waitUntil(asked.isVisible, timeout=5000)
    asked.kind_combo.setFocus()
    qtbot.keyClick(asked.kind_combo, Qt.Key.Key_Down)  # Alias → IPA phonemes
    assert asked.kind_combo.currentData() == "ipa"
    assert asked.message.isVisible()
    assert asked.message.text.startswith("Eleven Multilingual v2 cannot use phoneme rules")
    asked.say_edit.setFocus()
    type_text(qtbot, asked.say_edit, "ˈtaɪ.lænd")
    qtbot.mouseClick(asked.message.action_button, LEFT)  # Use an Alias Instead
    assert asked.kind_combo.currentData() == "alias" and asked.say_edit.text() == "teye land"
    type_text(qtbot, asked.say_edit, "tie land")  # the suggestion was selected: typing replaces it
    qtbot.keyClick(asked.say_edit, Qt.Key.Key_Return)
    assert window.pronunciation.controller.own.rules == (AliasRule("Thailand", "tie land"),)
