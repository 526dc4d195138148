"""The pronunciation side of the window, put together: the rules, their files, the editor, "Pronounce as…".

The window makes one :class:`PronunciationView`, puts :meth:`open_editor` (Tools ▸
Pronunciation…) and :meth:`pronounce_word_at_cursor` in its Tools menu, saves
:meth:`project_field` in the project and hands an opened project to :meth:`load`. Play, Export
and the counter read :meth:`dictionaries` (through the window's render source) so they speak
with the rules. :attr:`changed` means the project was modified.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QWidget

from studio.core.pronunciation import DictionaryError, ProjectPronunciation, PronunciationDictionary
from studio.ui.dictionary_files import DictionaryFiles
from studio.ui.pronounce_as import PronounceAs
from studio.ui.pronunciation_controller import PronunciationController
from studio.ui.rule_test import RuleTester
from studio.ui.script_document import ScriptDocumentController
from studio.ui.script_editor import ScriptEditor
from studio.ui.worker import WorkerPool

if TYPE_CHECKING:
    from studio.core.cache import SpeechCache
    from studio.ui.pronunciation_dialog import PronunciationDialog
    from studio.ui.render_source import RenderSource


class PronunciationView(QObject):
    #: The person changed the rules: the project is modified (and the counter plans again).
    changed = Signal()
    #: The rules changed without an edit (a project opened, a shared file read): plan again only.
    loaded = Signal()
    #: A message for the status bar.
    status = Signal(str)
    #: What a worker's account sync did (emitted from that worker's thread: queued to ``status``).
    _synced = Signal(str)

    def __init__(self, panel: ScriptEditor, document: ScriptDocumentController, pool: WorkerPool,
                 source: RenderSource, cache: SpeechCache | None, parent: QObject | None = None, *,
                 shared_folder: Path | None = None) -> None:
        super().__init__(parent)
        self._panel = panel
        self._capabilities = source.capabilities
        inputs = source.current
        capabilities = source.capabilities
        source.dictionaries = self.dictionaries  # Play, Export and the counter speak with the rules
        # Uploads, skipped phoneme rules, rules applied on our side: said, never silently done.
        source.sync_notes = lambda notes: self._synced.emit(" ".join(notes))
        self._synced.connect(self.status)
        self.controller = PronunciationController(self)
        self.files = DictionaryFiles(pool, shared_folder, self)
        self.tester = RuleTester(pool, inputs, cache, self)
        self.pronounce_as = PronounceAs(panel.editor, document, self.controller, capabilities, parent=self)
        self.dialog: PronunciationDialog | None = None

        self.controller.changed.connect(self.changed.emit)
        self.controller.loaded.connect(self.loaded.emit)
        self.controller.shared_edited.connect(self.files.save_shared)  # another project sees it too
        self.pronounce_as.status.connect(self.status.emit)
        self.pronounce_as.error.connect(panel.message.show_error)
        self.files.error.connect(self._file_problem)

    # -- the project ------------------------------------------------------------------------------------

    def dictionaries(self) -> tuple[PronunciationDictionary, ...]:
        return self.controller.dictionaries()

    def project_field(self) -> ProjectPronunciation | None:
        return self.controller.project_field()

    def load(self, pronunciation: ProjectPronunciation | None) -> None:
        """A project was opened (None: New, or a project without rules); its shared files are read in a worker."""
        self.controller.load(pronunciation)
        self.files.read_all(self.controller.shared_paths(), self.controller.refreshed)

    # -- the editor and the gesture --------------------------------------------------------------------------

    def open_editor(self) -> PronunciationDialog:
        """Tools ▸ Pronunciation…: the dictionary editor (one at a time; raised if open)."""
        if self.dialog is not None:
            self.dialog.raise_()
            self.dialog.activateWindow()
            return self.dialog
        from studio.ui.pronunciation_dialog import PronunciationDialog

        parent = self._panel.window()
        dialog = PronunciationDialog(self.controller, self.files, self.tester, self._capabilities,
                                     parent if isinstance(parent, QWidget) else None)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.show()
        return dialog

    def model_changed(self) -> None:
        """Another model was chosen: the editor says again whether it can use phoneme rules."""
        if self.dialog is not None:
            self.dialog.refresh_capability()

    def pronounce_word_at_cursor(self) -> None:
        editor = self._panel.editor
        from studio.ui.pronounce_as import word_at

        word = word_at(editor, editor.textCursor().position())
        if word is None:
            self.status.emit("Put the cursor on a word (or select a name) to say how it is pronounced.")
            return
        self.pronounce_as.ask(word)

    def shutdown(self) -> None:
        self.tester.shutdown()

    def _file_problem(self, error: BaseException) -> None:
        if self.dialog is None and isinstance(error, DictionaryError):
            self._panel.message.show_error(error)  # e.g. a shared file of an opened project is damaged
