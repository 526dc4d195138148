"""The studio window's menu bar: one function per menu, in the order they appear.

The F1 help (studio.ui.shortcuts_help) is generated from these menus and tests read them, so
every action keeps its text, shortcut and order here. Each action is also added to the window
itself, so its shortcut works with the menu bar hidden. The actions tests and other code use
stay attributes of the window (``window.save_action``…); the slots are the window's own
methods or its controllers', looked up when triggered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar

from studio.ui.audio_tag_insert import AudioTagPalette
from studio.ui.pause_insert import PauseInserter
from studio.ui.playback_keys import PLAY_PAUSE_KEY
from studio.ui.undo_actions import UndoSteps

if TYPE_CHECKING:
    from studio.ui.main_window import MainWindow

Shortcut = QKeySequence | QKeySequence.StandardKey | None


def add_action(window: MainWindow, menu: QMenu, text: str, slot: Callable[[], Any],
               shortcut: Shortcut = None) -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(shortcut if isinstance(shortcut, QKeySequence) else QKeySequence(shortcut))
    action.triggered.connect(lambda _checked=False: slot())
    menu.addAction(action)
    window.addAction(action)  # shortcuts work with the menu bar hidden too
    return action


def build_menus(window: MainWindow) -> None:
    bar = window.menuBar()
    _file_menu(window, bar)
    _edit_menu(window, bar)
    _insert_menu(window, bar)
    _voice_menu(window, bar)
    _playback_menu(window, bar)
    bar.addMenu(window.takes.menu)  # Paragraph: built by TakesView
    bar.addMenu(window.outline.menu)  # Chapter: built by the outline (studio.ui.outline_controller)
    _view_menu(window, bar)
    _tools_menu(window, bar)
    _help_menu(window, bar)
    window._rebuild_recent()


def _file_menu(w: MainWindow, bar: QMenuBar) -> None:
    menu = bar.addMenu("&File")
    w.new_action = add_action(w, menu, "&New", w.new_project, QKeySequence.StandardKey.New)
    w.open_action = add_action(w, menu, "&Open…", w.open_project_dialog, QKeySequence.StandardKey.Open)
    w.recent_menu = QMenu("Open &Recent", w)
    menu.addMenu(w.recent_menu)
    w.save_action = add_action(w, menu, "&Save", w.save_project, QKeySequence.StandardKey.Save)
    w.save_as_action = add_action(w, menu, "Save &As…", w.save_project_as_dialog, QKeySequence.StandardKey.SaveAs)
    menu.addSeparator()
    w.export_action = add_action(w, menu, "&Export Audio…", w.open_export, QKeySequence("Ctrl+E"))
    w.import_recording_action = add_action(w, menu, "&Import Recording…", w.recordings.choose_and_import)
    w.import_book_action = add_action(  # unsaved work is saved or discarded first: the book replaces it
        w, menu, "Import &Book…", lambda: w.files.after_unsaved_changes(w.books.choose_and_import))
    # The render queue (studio/ui/window_queue.py): files, or chapters of this project.
    w.add_to_queue_action = add_action(w, menu, "Add to Render &Queue…", w.render_queue.add_files)
    w.export_chapters_action = add_action(w, menu, "Export C&hapters…", w.render_queue.queue_chapters,
                                          QKeySequence("Ctrl+Shift+E"))
    menu.addSeparator()
    w.account_action = add_action(w, menu, "&Account…", w.open_account, QKeySequence("Ctrl+,"))
    menu.addSeparator()
    w.quit_action = add_action(w, menu, "&Quit", w.close, QKeySequence.StandardKey.Quit)
    if w.quit_action.shortcut().isEmpty():
        w.quit_action.setShortcut(QKeySequence("Ctrl+Q"))


def _edit_menu(w: MainWindow, bar: QMenuBar) -> None:
    menu = bar.addMenu("&Edit")
    editor = w.script.editor
    w.undo_action = add_action(w, menu, "&Undo", editor.undo, QKeySequence.StandardKey.Undo)
    w.redo_action = add_action(w, menu, "&Redo", editor.redo, QKeySequence.StandardKey.Redo)
    w.undo_steps = UndoSteps(editor, w.undo_action, w.redo_action)
    menu.addSeparator()
    add_action(w, menu, "Cu&t", editor.cut, QKeySequence.StandardKey.Cut)
    add_action(w, menu, "&Copy", editor.copy, QKeySequence.StandardKey.Copy)
    add_action(w, menu, "&Paste", editor.paste, QKeySequence.StandardKey.Paste)
    add_action(w, menu, "Select &All", editor.selectAll, QKeySequence.StandardKey.SelectAll)
    menu.addSeparator()
    w.find_action = add_action(w, menu, "&Find in Script…", w.script.open_find, QKeySequence.StandardKey.Find)
    menu.addSeparator()
    add_action(w, menu, "Zoom &In", w.script.zoom_in, QKeySequence.StandardKey.ZoomIn)
    add_action(w, menu, "Zoom &Out", w.script.zoom_out, QKeySequence.StandardKey.ZoomOut)
    add_action(w, menu, "&Reset Zoom", w.script.reset_zoom, QKeySequence("Ctrl+0"))


def _insert_menu(w: MainWindow, bar: QMenuBar) -> None:
    menu = bar.addMenu("&Insert")
    w.pauses = PauseInserter(w.script.editor, w)
    w.insert_pause_action = add_action(w, menu, "&Pause…", w.pauses.ask, QKeySequence("Ctrl+Shift+B"))
    w.audio_tags = AudioTagPalette(w.script.editor, menu, w.render_source.capabilities, w)
    w.settings.model_changed.connect(lambda _m: w.audio_tags.refresh())


def _voice_menu(w: MainWindow, bar: QMenuBar) -> None:
    menu = bar.addMenu("&Voice")
    w.search_action = add_action(w, menu, "&Search Voices", w.browser.focus_search, QKeySequence("Ctrl+K"))
    w.search_action.setShortcuts([QKeySequence("Ctrl+K"), QKeySequence("Ctrl+Shift+F")])
    add_action(w, menu, "&Preview Voice", w.details.preview_button.click, QKeySequence("Ctrl+Shift+P"))
    add_action(w, menu, "Toggle &Favourite", w.details.favourite_button.click, QKeySequence("Ctrl+D"))


def _playback_menu(w: MainWindow, bar: QMenuBar) -> None:
    menu = bar.addMenu("&Playback")
    w.play_action = add_action(w, menu, "&Play Script", w._play, QKeySequence("Ctrl+Return"))
    w.play_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
    w.play_selection_action = add_action(w, menu, "Play &Selection", w._play_selection,
                                         QKeySequence("Ctrl+Shift+Return"))
    w.play_cursor_action = add_action(w, menu, "Play from &Cursor", w._play_from_cursor,
                                      QKeySequence("Ctrl+Alt+Return"))
    # Play Paragraph and Regenerate Paragraph live in the Paragraph menu (TakesView).
    # Space: see PlaybackKeys (it types in the script unless the script is being heard).
    w.pause_action = add_action(w, menu, "Play/Pa&use", w._toggle_pause, PLAY_PAUSE_KEY)
    w.stop_action = add_action(w, menu, "S&top", w._stop, QKeySequence("Ctrl+."))
    menu.addSeparator()
    w.timing_qa_action = add_action(w, menu, "Check &Timing…", w.open_timing_qa, QKeySequence("Ctrl+Shift+T"))


def _view_menu(w: MainWindow, bar: QMenuBar) -> None:
    menu = bar.addMenu("Vie&w")  # Alt+V is the Voice menu
    menu.addAction(w.cast.toggle_action)
    menu.addAction(w.outline.toggle_action)
    w.addAction(w.outline.toggle_action)
    w.history_action = w.history_dock.toggleViewAction()
    w.history_action.setText("&History")
    w.history_action.setShortcut(QKeySequence("Ctrl+Shift+H"))
    menu.addAction(w.history_action)
    w.addAction(w.history_action)
    w.render_queue_action = w.render_queue.dock.toggleViewAction()
    w.render_queue_action.setText("Render &Queue")
    w.render_queue_action.setShortcut(QKeySequence("Ctrl+Shift+J"))
    menu.addAction(w.render_queue_action)
    w.addAction(w.render_queue_action)


def _tools_menu(w: MainWindow, bar: QMenuBar) -> None:
    menu = bar.addMenu("&Tools")
    add_action(w, menu, "&Pronunciation…", w.pronunciation.open_editor, QKeySequence("Ctrl+Shift+D"))
    add_action(w, menu, "Pronounce &Word As…", w.pronunciation.pronounce_word_at_cursor, QKeySequence("Ctrl+Shift+W"))
    w.rebuild_action = add_action(w, menu, "&Rebuild from History…", w.open_rebuild)


def _help_menu(w: MainWindow, bar: QMenuBar) -> None:
    menu = bar.addMenu("&Help")
    add_action(w, menu, "&Keyboard Shortcuts", w.show_shortcuts, QKeySequence.StandardKey.HelpContents)
    add_action(w, menu, "&About Narration Studio", w.show_about)
