"""Keeps PySide6 6.12's signal ``emit()`` from crashing Python 3.11.

Measured here (PySide6 6.12.0, CPython 3.11): every ``SomeSignal.emit(...)`` called from
Python returns ``True`` without taking a reference to it, so each call leaves ``True`` one
reference short. A small process starts with a few hundred references to ``True``; a player
that reports its position 100 times a second runs out within seconds and the interpreter
aborts ("Fatal Python error: bool_dealloc: deallocating True or False"), at the latest when
it shuts down. Python 3.12+ makes ``True``/``False``/``None`` immortal, which hides the bug.

:func:`apply` does what 3.12 does: it gives those three singletons so many references
(2**40) that no amount of emitting can bring them to zero. They are never freed anyway
(they live as long as the interpreter), so nothing else changes. Idempotent; a no-op
where it is not needed (3.12+, or not CPython). Call it once, early, in every process that
emits Qt signals from Python (the app's start, the test session): tests/test_pyside_emit
in tests/unit/playback checks both the bug and the cure.
"""

from __future__ import annotations

import ctypes
import sys

_EXTRA_REFERENCES = 1 << 40
_applied = False


def needed() -> bool:
    return sys.implementation.name == "cpython" and sys.version_info < (3, 12)


def apply() -> bool:
    """Make True, False and None effectively immortal. True if it changed anything."""
    global _applied
    if _applied or not needed():
        return False
    for singleton in (True, False, None):
        # CPython (release build): ob_refcnt is the first field of every object.
        refcount = ctypes.c_ssize_t.from_address(id(singleton))
        refcount.value += _EXTRA_REFERENCES
    _applied = True
    return True
