"""The status bar: which engine speaks, and the account's usage (characters used, left, reset)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

if TYPE_CHECKING:
    from studio.api.models import Subscription


def describe_usage(subscription: Subscription) -> tuple[str, str]:
    """Short text for the bar and a longer tooltip, from a Subscription."""
    used = getattr(subscription, "character_count", None)
    limit = getattr(subscription, "character_limit", None)
    reset = getattr(subscription, "next_character_count_reset_unix", None)
    tier = (getattr(subscription, "tier", "") or "").replace("_", " ").capitalize()
    parts = []
    if used is not None and limit is not None:
        left = max(0, limit - used)
        parts.append(f"{used:,} used · {left:,} left")
    if reset:
        when = dt.datetime.fromtimestamp(int(reset), tz=dt.timezone.utc).astimezone()
        parts.append(f"resets {when:%-d %b %Y}")
    text = " · ".join(parts) or "Usage unknown"
    tooltip = f"{tier} plan. " if tier else ""
    if used is not None and limit is not None:
        tooltip += f"{used:,} of {limit:,} characters used this period."
    return text, tooltip.strip()


class StudioStatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine_label = QLabel("Starting…")
        self.engine_label.setAccessibleName("Engine")
        self.usage_label = QLabel("")
        self.usage_label.setAccessibleName("Account usage")
        self.addPermanentWidget(self.usage_label)
        self.addPermanentWidget(self.engine_label)

    def show_engine(self, name: str, tooltip: str = "") -> None:
        self.engine_label.setText(name)
        self.engine_label.setToolTip(tooltip)

    def show_subscription(self, subscription: Subscription | None) -> None:
        if subscription is None:
            self.usage_label.setText("")
            self.usage_label.setToolTip("")
            return
        text, tooltip = describe_usage(subscription)
        self.usage_label.setText(f"Characters: {text}")
        self.usage_label.setToolTip(tooltip)

    def show_usage_problem(self, text: str) -> None:
        self.usage_label.setText(text)
