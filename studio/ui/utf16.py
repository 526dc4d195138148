"""Qt counts document positions in UTF-16 code units; Python counts code points.

The two differ after any character outside the Basic Multilingual Plane (most emoji), so every
conversion between script indices and editor positions goes through here.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["utf16_positions"]


def utf16_positions(text: str, indices: Sequence[int]) -> list[int]:
    """Document positions of the sorted ``str`` indices ``indices`` of ``text``."""
    if len(text.encode("utf-16-le")) == 2 * len(text):
        return list(indices)  # no surrogate pairs: both count the same
    found: list[int] = []
    units = previous = 0
    for index in indices:
        units += len(text[previous:index].encode("utf-16-le")) // 2
        previous = index
        found.append(units)
    return found
