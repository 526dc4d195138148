"""A heading typed or edited in the script starts its chapter (the importers' "Chapter 1" rule)."""

from __future__ import annotations

from studio.core.script import Script
from studio.core.typed_headings import follow_headings


def _sync(script: Script, text: str) -> bool:
    old = {b.id: b.text for b in script}
    return follow_headings(script, script.reconcile(text), old)


def _titles(script: Script) -> list[str]:
    return [c.title for c in script.chapters()]


def test_new_and_edited_headings_follow_their_words_and_chosen_titles_stay() -> None:
    script = Script.from_text("Intro.")
    assert _sync(script, "Intro.\n\nChapter 1\n\nThe sea.\n\nPart Two\n\nLand.\n\n# Not a heading here")
    assert _titles(script) == ["", "Chapter 1", "Part Two"]
    assert _sync(script, "Intro.\n\nChapter 1: The Sea\n\nThe sea.\n\nPart Two\n\nLand.\n\n# Not a heading here")
    assert _titles(script) == ["", "Chapter 1: The Sea", "Part Two"]
    # A chapter the person renamed keeps its title when its heading is edited.
    script.rename_chapter(script.chapters()[2].id, "Ashore")
    assert not _sync(script, "Intro.\n\nChapter 1: The Sea\n\nThe sea.\n\nPart Two!\n\nLand.\n\n# Not a heading here")
    assert _titles(script) == ["", "Chapter 1: The Sea", "Ashore"]
    # A heading edited into prose no longer starts a chapter; prose edited into a heading does.
    assert _sync(script, "Intro.\n\nChapter one was long, the sea was longer, and nobody wrote it down at all, "
                         "not even once, not for years and years and years, until the lamps went out.\n\n"
                         "The sea.\n\nPart Two!\n\nLand.\n\nEpilogue")
    assert _titles(script) == ["", "Ashore", "Epilogue"]


def test_nothing_changes_where_the_text_did_not() -> None:
    script = Script.from_text("Chapter 1\n\nThe sea.")  # from_text alone marks nothing
    assert _titles(script) == [""]
    assert not _sync(script, "Chapter 1\n\nThe sea.")
    assert _titles(script) == [""]
