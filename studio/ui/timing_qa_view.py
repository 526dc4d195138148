"""The Timing QA window: what is wrong with the takes' timing, per paragraph and for the script.

Opened from Playback ▸ Check Timing. The analysis (:func:`studio.core.timing_qa.analyse_script`)
reads every chosen take's alignment from the speech cache, so it runs in a worker over a
snapshot of the document; the window lists its report (:class:`TimingQaModel`). "Show"
narrows the list to one paragraph or the whole script. Clicking a row selects what it
names in the script — a paragraph, or the characters of an item (the "$4,250" that was
spoken as "four thousand two hundred fifty dollars") — so the narrator can look, listen and
fix it there. "Check again" re-reads the takes after Play or Regenerate made new ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QComboBox, QDialog, QHBoxLayout, QLabel, QListView, QPushButton, QVBoxLayout, QWidget

from studio.core.timing_qa import ScriptQa, analyse_script
from studio.ui.paragraph_positions import utf16_positions
from studio.ui.timing_qa_model import SpanRole, TimingQaModel
from studio.ui.worker import Worker, WorkerPool

if TYPE_CHECKING:
    from PySide6.QtWidgets import QPlainTextEdit

    from studio.core.cache import SpeechCache
    from studio.ui.script_document import ScriptDocumentController

_EXCERPT = 40


class TimingQaDialog(QDialog):
    """A non-modal window over the window's document and editor."""

    #: A report arrived and is shown (for tests and the status line).
    checked = Signal(object)

    def __init__(self, document: ScriptDocumentController, editor: QPlainTextEdit, *, pool: WorkerPool,
                 cache: SpeechCache | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timingQaDialog")
        self.setWindowTitle("Timing QA")
        self.setAccessibleName("Timing QA")
        self.document, self.editor, self.pool, self.cache = document, editor, pool, cache
        self._worker: Worker | None = None

        self.model = TimingQaModel(self)
        self.list = QListView()
        self.list.setAccessibleName("Timing problems")
        self.list.setModel(self.model)
        self.list.setUniformItemSizes(True)
        self.list.setWordWrap(False)
        self.scope_combo = QComboBox()
        self.scope_combo.setAccessibleName("Show")
        self.scope_combo.addItem("Whole script", None)
        self.status = QLabel("Checking…")
        self.status.setAccessibleName("Timing QA status")
        self.status.setWordWrap(True)
        self.refresh_button = QPushButton("Check &again")
        self.refresh_button.setAccessibleName("Check again")
        self.refresh_button.setAutoDefault(False)

        top = QHBoxLayout()
        show = QLabel("&Show:")
        show.setBuddy(self.scope_combo)
        top.addWidget(show)
        top.addWidget(self.scope_combo, 1)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.status)
        self.resize(640, 420)

        self.list.clicked.connect(self.select_in_script)
        self.list.activated.connect(self.select_in_script)  # Enter on a row
        # Bound methods, not lambdas holding ``self``: a closed window is freed at once.
        self.scope_combo.currentIndexChanged.connect(self._on_scope)
        self.refresh_button.clicked.connect(self.refresh)
        self.finished.connect(self._stop)

    def _on_scope(self, _index: int) -> None:
        self.model.set_scope(self.scope_combo.currentData())

    def _stop(self, _result: int = 0) -> None:
        if self._worker is not None:
            self._worker.cancel()

    # -- checking ---------------------------------------------------------------------------------

    def refresh(self) -> bool:
        """Analyse the takes as they are now, in a worker. False while a check still runs."""
        if self._worker is not None:
            return False
        self.document.sync()
        snapshot, cache = self.document.snapshot(), self.cache
        excerpts = [_excerpt(block.text) for block in snapshot.blocks]
        worker = self._worker = Worker(lambda _token: (analyse_script(snapshot, cache), excerpts))
        worker.signals.finished.connect(self._show)
        worker.signals.errored.connect(self._failed)
        worker.signals.done.connect(self._done)
        self.status.setText("Checking…")
        self.refresh_button.setEnabled(False)
        self.pool.start(worker)
        return True

    def _done(self) -> None:
        self._worker = None
        self.refresh_button.setEnabled(True)

    def _show(self, result: tuple[ScriptQa, list[str]]) -> None:
        report, excerpts = result
        scope = self.scope_combo.currentData()
        self.scope_combo.blockSignals(True)
        self.scope_combo.clear()
        self.scope_combo.addItem("Whole script", None)
        for i, excerpt in enumerate(excerpts):
            self.scope_combo.addItem(f"Paragraph {i + 1}: {excerpt}", i)
        self.scope_combo.setCurrentIndex(max(0, self.scope_combo.findData(scope)) if scope is not None else 0)
        self.scope_combo.blockSignals(False)
        self.model.set_report(report, excerpts)
        self.model.set_scope(self.scope_combo.currentData())
        items = len(report.items)
        self.status.setText("No timing problems found." if items == 0 else
                            f"{items} item{'s' if items != 1 else ''} to look at. Click one to select it in the script.")
        self.checked.emit(report)

    def _failed(self, error: BaseException) -> None:
        from studio.ui.inline_message import describe_error

        self.status.setText(describe_error(error))

    # -- click to select ----------------------------------------------------------------------------

    def select_in_script(self, index: QModelIndex) -> bool:
        """Select what row ``index`` names in the editor; False if it names nothing there now."""
        span = index.data(SpanRole)
        if span is None:
            return False
        block_id, start, end = span
        self.document.sync()
        try:
            paragraph = self.document.script.index_of(block_id)
        except KeyError:
            self.status.setText("That paragraph is not in the script any more. Check again.")
            return False
        base, stop = self.document.span_of(paragraph)
        first, last = min(base + start, stop), min(base + max(end, start), stop)
        anchor, position = utf16_positions(self.document.text, [first, last])
        cursor = self.editor.textCursor()
        cursor.setPosition(anchor)
        cursor.setPosition(position, QTextCursor.MoveMode.KeepAnchor)
        self.editor.setTextCursor(cursor)
        self.editor.ensureCursorVisible()
        return True


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _EXCERPT else flat[: _EXCERPT - 1].rstrip() + "…"
