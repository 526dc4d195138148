"""The export dialog's subtitle rules: the chosen rule set, and every cue that breaks it, before exporting.

The person picks Netflix English, BBC or Custom (then types the numbers: characters a line,
lines, shortest and longest cue, characters a second, and the gap in frames at a frame rate).
The panel shows what the rule set means and lists each cue of the export that breaks it,
worked out in a worker from the takes already made (:mod:`studio.core.subtitle_preview`,
which only reads the speech cache). A cue with a fix (re-break, merge, extend, trim) is fixed
with one click (the Fix button, or a double-click on it); the export then writes the fixed
cues (:attr:`fixes` go into :class:`~studio.core.exporter.ExportOptions`). Changing the rules
forgets the fixes (they were chosen against the old ones) and checks again.

The panel never touches the disk itself: ``check_work(token, options)`` (given by the
dialog) reads the takes once per pause length; rules and fixes are then re-checked from the
same timings, still in a worker (a long book has thousands of cues).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.cancel import CancelToken
from studio.core.exporter import ExportOptions
from studio.core.subtitle_preview import SubtitlePreview
from studio.core.subtitles.checks import CueFix, Violation
from studio.core.subtitles.rule_sets import CUSTOM_LIMITS, PRESETS, RuleSet, custom_rule_set, rule_set_named
from studio.ui.worker import Worker, WorkerPool

#: check_work(token, options) -> the timings of the made audio (blocking: runs in a worker).
PreviewWork = Callable[[CancelToken, ExportOptions], SubtitlePreview]

_CUSTOM_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("max_line_chars", "Characters a line", ""),
    ("max_lines", "Lines", ""),
    ("min_duration_ms", "Shortest cue", " ms"),
    ("max_duration_ms", "Longest cue", " ms"),
    ("max_cps", "Characters a second", ""),
    ("min_gap_frames", "Gap between cues", " frames"),
    ("frame_rate", "Frame rate", " fps"),
)
_CHECK_DELAY_MS = 150


def _ms(ms: int) -> str:
    seconds, rest = divmod(ms, 1000)
    return f"{seconds // 60:02d}:{seconds % 60:02d}.{rest // 10:02d}"


class SubtitleRulesPanel(QGroupBox):
    #: A check finished and the list shows its result: the violations (for tests).
    checked = Signal(object)

    def __init__(self, pool: WorkerPool, check_work: PreviewWork, options: Callable[[], ExportOptions | None],
                 rules: str = "netflix-en", custom: dict[str, float] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Subtitle rules", parent)
        self.setAccessibleName("Subtitle rules")
        self._pool, self._check_work, self._options = pool, check_work, options
        self.fixes: list[CueFix] = []
        self.violations: list[Violation] = []
        self._preview: SubtitlePreview | None = None
        self._preview_pause: int | None = None
        self._worker: Worker | None = None
        self._again = False
        self._build(custom)
        self.rules_combo.setCurrentIndex(max(0, self.rules_combo.findData(rules)))
        self._on_rules_chosen()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(_CHECK_DELAY_MS)
        self._timer.timeout.connect(self._start_check)
        # Bound methods only: Qt drops them with the panel, so a check that ends after the
        # dialog closed never calls into a deleted widget.
        self.rules_combo.currentIndexChanged.connect(self._on_rules_picked)
        for spin in self.custom_spins.values():
            spin.valueChanged.connect(self.rules_changed)
        self.fix_button.clicked.connect(self.fix_selected)
        self.list.itemDoubleClicked.connect(self.fix_selected)
        self.list.currentRowChanged.connect(self._update_fix_button)

    def _build(self, custom: dict[str, float] | None) -> None:
        self.rules_combo = QComboBox()
        self.rules_combo.setAccessibleName("Subtitle rule set")
        for preset in PRESETS.values():
            self.rules_combo.addItem(preset.label, preset.name)
        self.rules_combo.addItem("Custom", "custom")
        self.summary = QLabel()
        self.summary.setAccessibleName("What the rules are")
        self.summary.setWordWrap(True)
        start = custom_rule_set({k: v for k, v in (custom or {}).items() if k in CUSTOM_LIMITS}
                                if _valid(custom) else None)
        self.custom_box = QWidget()
        grid = QFormLayout(self.custom_box)
        grid.setContentsMargins(0, 0, 0, 0)
        self.custom_spins: dict[str, QSpinBox | QDoubleSpinBox] = {}
        for key, label, suffix in _CUSTOM_FIELDS:
            low, high = CUSTOM_LIMITS[key]
            spin: QSpinBox | QDoubleSpinBox
            spin = QDoubleSpinBox() if key in ("max_cps", "frame_rate") else QSpinBox()
            if isinstance(spin, QDoubleSpinBox):
                spin.setDecimals(3 if key == "frame_rate" else 1)
                spin.setRange(low, high)
                spin.setValue(float(getattr(start, key)))
            else:
                spin.setRange(int(low), int(high))
                spin.setValue(int(getattr(start, key)))
            spin.setSuffix(suffix)
            spin.setAccessibleName(label)
            self.custom_spins[key] = spin
            grid.addRow(f"{label}:", spin)
        self.status = QLabel()
        self.status.setAccessibleName("Subtitle check")
        self.status.setWordWrap(True)
        self.list = QListWidget()
        self.list.setAccessibleName("Cues that break the rules")
        self.list.setMaximumHeight(120)
        self.fix_button = QPushButton("&Fix")
        self.fix_button.setAccessibleName("Fix the selected cue")
        self.fix_button.setAutoDefault(False)
        row = QHBoxLayout()
        row.addWidget(QLabel("&Rules:", buddy=self.rules_combo))
        row.addWidget(self.rules_combo, 1)
        row.addWidget(self.fix_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.summary)
        layout.addWidget(self.custom_box)
        layout.addWidget(self.status)
        layout.addWidget(self.list)

    # -- the rules ----------------------------------------------------------------------------------

    @property
    def rules_name(self) -> str:
        return str(self.rules_combo.currentData())

    def custom_values(self) -> dict[str, float]:
        return {key: float(spin.value()) for key, spin in self.custom_spins.items()}

    def rule_set(self) -> RuleSet:
        """The chosen rule set. Raises ValueError for custom numbers that do not agree."""
        return rule_set_named(self.rules_name, self.custom_values())

    def with_rules(self, options: ExportOptions) -> ExportOptions:
        """``options`` with these rules and the chosen fixes (raises ValueError as rule_set does)."""
        return replace(options, subtitle_rules=self.rule_set().cue_rules(), cue_fixes=tuple(self.fixes))

    def _on_rules_picked(self, _index: int) -> None:
        self._on_rules_chosen()
        self.rules_changed()

    def _on_rules_chosen(self) -> None:
        self.custom_box.setVisible(self.rules_name == "custom")
        self._show_summary()

    def _show_summary(self) -> None:
        try:
            rules = self.rule_set()
        except ValueError as error:
            self.summary.setText(f"These numbers do not agree: {error}.")
            return
        self.summary.setText(f"{rules.summary()}. Source: {rules.source}.")

    def rules_changed(self, *_value: object) -> None:
        """The rules changed: the fixes were chosen against the old ones; check again soon."""
        self.fixes.clear()
        self._show_summary()
        self.request_check()

    def reload(self, check_work: PreviewWork) -> None:
        """New takes were made (an export): read the timings again with ``check_work``."""
        self._check_work = check_work
        self._preview = None
        self.request_check()

    def pause_changed(self, *_value: object) -> None:
        self._preview = None  # the pauses move every cue after the first paragraph: read again
        self.fixes.clear()
        self.request_check()

    # -- checking ---------------------------------------------------------------------------------

    def request_check(self) -> None:
        self._timer.start()

    def _start_check(self) -> None:
        if self._worker is not None:
            self._again = True  # one more check when this one is done, with what is chosen then
            return
        base = self._options()
        if base is None:
            self.status.setText("Choose where to save the audio to check its subtitles.")
            return
        try:
            options = self.with_rules(base)
        except ValueError as error:
            self.status.setText(f"Subtitle rules not checked: {error}.")
            return
        preview = self._preview if self._preview_pause == options.pause_ms else None
        work = self._check_work

        def run(token: CancelToken) -> tuple[SubtitlePreview, list[Violation], int]:
            made = preview or work(token, options)
            token.raise_if_cancelled()
            return made, made.violations(options), options.pause_ms

        self.status.setText("Checking the subtitles…")
        worker = self._worker = Worker(run)
        worker.signals.finished.connect(self._show)
        worker.signals.errored.connect(self._failed)
        worker.signals.done.connect(self._done)
        self._pool.start(worker)

    def _done(self) -> None:
        self._worker = None
        if self._again:
            self._again = False
            self._start_check()

    def _failed(self, error: BaseException) -> None:
        from studio.ui.inline_message import describe_error

        self.status.setText(f"The subtitles could not be checked: {describe_error(error)}")

    def _show(self, result: tuple[SubtitlePreview, list[Violation], int]) -> None:
        preview, violations, pause = result
        self._preview, self._preview_pause = preview, pause
        self.violations = violations
        self.list.clear()
        for v in violations:
            fix = f" — {v.fix.label}" if v.fix is not None else " — no fix"
            item = QListWidgetItem(f"{_ms(v.start_ms)}  “{_short(v.text)}”: {v.message}{fix}")
            item.setData(256, v)
            self.list.addItem(item)
        missing = preview.missing_paragraphs
        note = (f" Paragraph{'s' if len(missing) != 1 else ''} {', '.join(str(i + 1) for i in missing)} "
                f"{'are' if len(missing) != 1 else 'is'} not spoken yet: checked once made."
                if missing else "")
        fixed = f" {len(self.fixes)} fix{'es' if len(self.fixes) != 1 else ''} chosen." if self.fixes else ""
        if violations:
            self.status.setText(f"{len(violations)} problem{'s' if len(violations) != 1 else ''} with these rules."
                                f"{fixed}{note}")
            self.list.setCurrentRow(0)
        else:
            self.status.setText(f"Every cue keeps these rules.{fixed}{note}")
        self._update_fix_button()
        self.checked.emit(violations)

    def _update_fix_button(self, *_row: object) -> None:
        item = self.list.currentItem()
        violation: Violation | None = item.data(256) if item is not None else None
        self.fix_button.setEnabled(violation is not None and violation.fix is not None)
        self.fix_button.setText(f"&{violation.fix.label}" if violation is not None and violation.fix else "&Fix")

    def fix_selected(self, *_item: object) -> bool:
        """Apply the selected cue's fix (then check again). False if it has none."""
        item = self.list.currentItem()
        violation: Violation | None = item.data(256) if item is not None else None
        if violation is None or violation.fix is None or self._worker is not None:
            return False
        self.fixes.append(violation.fix)
        self._timer.stop()
        self._start_check()
        return True

    def cancel(self, *_result: object) -> None:
        self._timer.stop()
        if self._worker is not None:
            self._worker.cancel()


def _valid(custom: Any) -> bool:
    try:
        custom_rule_set({k: v for k, v in (custom or {}).items() if k in CUSTOM_LIMITS})
    except (TypeError, ValueError):
        return False
    return True


def _short(text: str, limit: int = 36) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
