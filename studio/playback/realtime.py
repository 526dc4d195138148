"""Keeps the GUI thread on time while audio plays and the highlight moves.

Two interpreter-wide settings, applied once when the player is created (the main window
creates it at start-up, after the heavy imports):

* ``gc.freeze()``: everything allocated so far (Qt wrappers, pydantic models, numpy, the
  whole import graph) moves to a permanent generation the cyclic collector never scans
  again. Measured in bench/player.py: without it a full collection during a narration took
  about 40 ms of the GUI thread — a visible hitch in the highlight and a risk of audio
  underrun. Objects frozen this way are still freed by reference counting as usual.
* ``sys.setswitchinterval(0.002)``: a worker thread running Python (NDJSON parsing, the
  offline engine's alignment) hands the interpreter back to the GUI thread after at most
  2 ms instead of 5 ms.
"""

from __future__ import annotations

import gc
import sys

SWITCH_INTERVAL_S = 0.002
_done = False


def prepare() -> None:
    global _done
    if _done:
        return
    _done = True
    gc.collect()
    gc.freeze()
    if sys.getswitchinterval() > SWITCH_INTERVAL_S:
        sys.setswitchinterval(SWITCH_INTERVAL_S)
