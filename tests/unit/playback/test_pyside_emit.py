"""The PySide6 emit() reference bug, and that the workaround keeps long sessions alive."""

from __future__ import annotations

import subprocess
import sys

import pytest

from studio.playback import pyside_workaround

SCRIPT = r"""
import sys
from PySide6.QtCore import QCoreApplication, QObject, Signal
if sys.argv[1] == "fixed":
    from studio.playback import pyside_workaround
    pyside_workaround.apply()
app = QCoreApplication([])
class S(QObject):
    sig = Signal(float)
s = S()
s.sig.connect(lambda v: None)
before = sys.getrefcount(True)
for _ in range(100):
    s.sig.emit(1.0)
print("delta", sys.getrefcount(True) - before)
# Enough emits to exhaust True's references many times over (a long playback).
for _ in range(20000):
    s.sig.emit(1.0)
print("alive")
"""


def _run(mode: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", SCRIPT, mode], capture_output=True, text=True, timeout=120,
                          env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"}, cwd=str(_root()))


def _root():
    from pathlib import Path

    return Path(__file__).resolve().parents[3]


@pytest.mark.skipif(not pyside_workaround.needed(), reason="True/False/None are immortal on Python 3.12+")
def test_many_emits_survive_with_the_workaround() -> None:
    fixed = _run("fixed")
    assert fixed.returncode == 0, fixed.stderr[-2000:]
    assert "alive" in fixed.stdout


@pytest.mark.skipif(not pyside_workaround.needed(), reason="True/False/None are immortal on Python 3.12+")
def test_the_bug_is_still_there_without_it() -> None:
    """If this starts failing, PySide6 fixed emit() and the workaround can go."""
    plain = _run("plain")
    assert "delta -100" in plain.stdout or plain.returncode != 0
