"""``narration-studio chapters SCRIPT [--json]``: the outline, headless.

Lists the chapters of SCRIPT — a .narration project (its saved chapters), a book (.epub,
.docx, .md, .html, .pdf: headings become chapters) or a text file (by ``--chapter-rule``) —
with their paragraph counts, from the same :meth:`Script.chapters()
<studio.core.script.Script.chapters>` the studio's outline shows. Books are read as
``export`` reads them (front matter skipped unless ``--keep-front-matter``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from studio.commands._book_script import add_book_arguments, read_book_script

NAME = "chapters"
HELP = "List the chapters of a script, book or project with their paragraph counts."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("script", type=Path, metavar="SCRIPT",
                        help="a .narration project, a book (.epub, .docx, .md, .html, .pdf) or a UTF-8 text file")
    parser.add_argument("--json", action="store_true", help="print one JSON line instead of a table")
    add_book_arguments(parser)  # --chapter-rule, --keep-front-matter


def run(args: argparse.Namespace) -> int:
    from studio.core.book_import import CHAPTER_RULES, DEFAULT_CHAPTER_RULE
    from studio.core.book_import.text import import_text
    from studio.core.project import load_project
    from studio.core.script_io import BOOK, BOOK_SUFFIXES, script_file_kind

    path: Path = args.script
    kind = script_file_kind(path, accept={"project", BOOK})
    if kind == "project":
        script = load_project(path).document()
    elif path.suffix.lower() in BOOK_SUFFIXES:
        script, _source = read_book_script(path, args)  # .txt too: by the chapter rule
    else:  # a text script under another name (``notes``, ``draft.script``): the same text rule
        rule = CHAPTER_RULES[getattr(args, "chapter_rule", DEFAULT_CHAPTER_RULE)]
        script = import_text(path, rule).to_script(frozenset())
    chapters = script.chapters()
    rows = [{"number": n, "title": c.title, "paragraphs": len(c), "first_paragraph": c.first_block + 1}
            for n, c in enumerate(chapters, 1)]
    if args.json:
        print(json.dumps({"script": str(path), "chapters": rows, "paragraphs": len(script)}, ensure_ascii=False))
        return 0
    if not rows:
        print(f"{path.name}: no paragraphs.", file=sys.stderr)
        return 0
    width = max(len(r["title"] or "(opening)") for r in rows)
    for r in rows:
        print(f"{r['number']:>3}  {(r['title'] or '(opening)'):<{width}}  {r['paragraphs']:>5} paragraph"
              + ("" if r["paragraphs"] == 1 else "s"))
    return 0
