"""A heading typed in the script ("Chapter 4", "Part Two", "Prologue") starts a chapter.

The importers find chapters with :data:`~studio.core.book_import.CHAPTER_RULES`; a script
written (or pasted) in the editor gets them by the same ``"chapter"`` rule, so text typed and
the same text imported from a ``.txt`` file have the same chapters. Only where the text was
changed: after :meth:`Script.reconcile <studio.core.script.Script.reconcile>`,

* a new paragraph that is a heading starts a chapter titled by it;
* an edited paragraph whose title came from its own heading (or that had none) follows its
  new words: a heading edited into another heading renames its chapter, one edited into
  prose no longer starts one, prose edited into a heading starts one;
* a title the person chose (renamed in the outline, or a split's) is never touched.

``#`` lines are not headings here: in the editor they are words that would be read aloud.
"""

from __future__ import annotations

from collections.abc import Mapping

from studio.core.book_import.text import CHAPTER_RULES
from studio.core.script import ReconcileResult, Script

__all__ = ["HEADING_RULE", "follow_headings"]

HEADING_RULE = CHAPTER_RULES["chapter"]
assert HEADING_RULE is not None


def follow_headings(script: Script, result: ReconcileResult, old_texts: Mapping[str, str]) -> bool:
    """Set or clear chapter marks where ``result`` (of a reconcile) added or edited paragraphs;
    ``old_texts``: block id → its text before. True if a mark changed."""
    changed = False
    wanted = set(result.added) | set(result.edited)
    if not wanted:
        return False
    for block in script.blocks:
        if block.id not in wanted:
            continue
        old = old_texts.get(block.id)
        follows = block.chapter is None or (old is not None and block.chapter == HEADING_RULE.title(old))
        if not follows:
            continue
        title = HEADING_RULE.title(block.text)
        if title != block.chapter:
            block.chapter = title
            changed = True
    return changed
