"""``narration-studio queue add|run|list|remove|clear``: the render queue, headless.

The same queue file and the same core as the studio's Render Queue dock
(:mod:`studio.core.render_queue`, :mod:`studio.core.queue_runner`): ``queue add`` puts files
(or each of their chapters, ``--chapters``) in it, ``queue run`` exports what is waiting or
was stopped, ``queue list`` shows it. Each item is spoken as ``narration-studio export`` would
speak its file: a project with its own engine, voice, model, settings and takes; a script or
book with the defaults (ElevenLabs when a key is set, else the offline voice). Ctrl+C (or
SIGTERM) stops cleanly: the item in progress is kept as stopped, its finished parts are in
the speech cache, and the next ``queue run`` resumes there without asking for them again.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.errors import StudioError

if TYPE_CHECKING:
    from studio.cancel import CancelToken
    from studio.core.longform import Progress
    from studio.core.queue_runner import Prepared
    from studio.core.queue_sources import QueueSource
    from studio.core.render_queue import QueueItem, RenderQueue

NAME = "queue"
HELP = "A render queue of files or chapters to export one after another; resumable (add, run, list, remove, clear)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--queue-file", type=Path, metavar="FILE",
                        help="the queue to use (default: the studio's, in the app's data folder)")
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = sub.add_parser("add", help="queue files for export")
    add.add_argument("files", type=Path, nargs="+", metavar="FILE",
                     help="a .narration project, a script (.txt) or a book (.epub, .docx, .md, .html, .pdf)")
    add.add_argument("--out", type=Path, required=True, metavar="DIR", help="the folder the audio goes to")
    add.add_argument("--chapters", action="store_true", help="one file per chapter instead of one per file")
    add.add_argument("--format", default="wav", metavar="SUFFIX",
                     help="the audio format by its suffix: any the export writes (default wav)")
    run = sub.add_parser("run", help="export what is waiting or was stopped (failed items are tried again)")
    run.add_argument("--concurrency", type=int, metavar="N", help="requests at once (default: your plan's limit)")
    run.add_argument("--overwrite", action="store_true", help="replace files that exist already")
    listing = sub.add_parser("list", help="show the queue")
    listing.add_argument("--json", action="store_true", help="one JSON line")
    remove = sub.add_parser("remove", help="take items out of the queue")
    remove.add_argument("ids", nargs="+", metavar="ID", help="item ids (or their first characters), as listed")
    clear = sub.add_parser("clear", help="empty the queue")
    clear.add_argument("--finished", action="store_true", help="remove only the done items")


def run(args: argparse.Namespace) -> int:
    from studio.core.render_queue import RenderQueue

    queue = RenderQueue.load(args.queue_file)
    return int({"add": _add, "run": _run, "list": _list, "remove": _remove, "clear": _clear}[args.action](queue, args))


def _add(queue: RenderQueue, args: argparse.Namespace) -> int:
    from studio.core.queue_sources import queue_items

    suffix = "." + args.format.lower().lstrip(".")
    items = [i for path in args.files for i in queue_items(path, args.out, suffix=suffix, by_chapter=args.chapters)]
    for item in items:
        queue.add(item)  # a destination already queued is refused before anything is saved
    queue.save()
    for item in items:
        print(f"Queued {item.title} → {item.destination}")
    print(f"{len(queue.items)} item(s) in the queue; run them with: narration-studio queue run")
    return 0


def _list(queue: RenderQueue, args: argparse.Namespace) -> int:
    if args.json:
        body = {"fraction": round(queue.fraction, 4), "characters": queue.characters_total,
                "items": [i.to_json() for i in queue.items]}
        print(json.dumps(body, ensure_ascii=False))
        return 0
    if not queue.items:
        print("The render queue is empty.")
        return 0
    for item in queue.items:
        line = f"{item.id[:8]}  {item.state.label:<9} {item.fraction:>4.0%}  {item.title} → {item.destination}"
        print(line + (f"\n          {item.error}" if item.error else ""))
    print(f"Overall: {queue.fraction:.0%} of {queue.characters_total:,} characters.")
    return 0


def _match(queue: RenderQueue, prefix: str) -> QueueItem:
    found = [i for i in queue.items if i.id.startswith(prefix)]
    if len(found) != 1:
        raise StudioError(f"“{prefix}” names {'no' if not found else 'more than one'} item of the queue",
                          "Give the id as `narration-studio queue list` shows it.")
    return found[0]


def _remove(queue: RenderQueue, args: argparse.Namespace) -> int:
    for item in [_match(queue, p) for p in args.ids]:
        queue.remove(item.id)
        print(f"Removed {item.title}")
    queue.save()
    return 0


def _clear(queue: RenderQueue, args: argparse.Namespace) -> int:
    from studio.core.render_queue import QueueState

    if args.finished:
        count = queue.clear_finished()
    else:
        running = [i for i in queue.items if i.state is QueueState.RUNNING]
        count = len(queue.items) - len(running)
        queue.items = running
    queue.save()
    print(f"Removed {count} item(s).")
    return 0


def _prepare(item: QueueItem, source: QueueSource, _cancel: CancelToken) -> Prepared:
    """Speak ``item`` as ``narration-studio export FILE --out DEST`` would (its own defaults)."""
    from studio.commands import export
    from studio.core.pronunciation import resolve
    from studio.core.pronunciation.render import for_render
    from studio.core.queue_runner import Prepared

    parser = argparse.ArgumentParser(add_help=False)
    export.add_arguments(parser)
    options = parser.parse_args([item.source, "--out", item.destination])
    project = source.project
    backend = export._pick_backend(project is not None and project.engine == "offline",
                                   project.model_id if project is not None else None)
    try:
        dictionaries = resolve(project.pronunciation if project is not None else None, ())
        inputs, notes = for_render(export._inputs(options, backend, project, None), dictionaries)
    except BaseException:
        backend.close()
        raise
    for note in notes:
        print(f"Note: {note}", file=sys.stderr)
    return Prepared(source, inputs, close=backend.close)


class _Report:
    """One line per state change, and a progress line per finished segment."""

    def __init__(self, queue: RenderQueue) -> None:
        self.queue = queue
        self.last: tuple[str, int] | None = None

    def __call__(self, item: QueueItem, progress: Progress | None) -> None:
        if progress is None:
            print(f"[{self.queue.fraction:>4.0%}] {item.state.label}: {item.title}", file=sys.stderr, flush=True)
            if item.error:
                print(f"       {item.error}", file=sys.stderr, flush=True)
            return
        mark = (item.id, progress.segments_done)
        if mark != self.last:
            self.last = mark
            print(f"[{self.queue.fraction:>4.0%}] {progress.segments_done}/{progress.segments_total} segments "
                  f"({progress.segments_from_cache} from cache) of {item.title}", file=sys.stderr, flush=True)


def _run(queue: RenderQueue, args: argparse.Namespace) -> int:
    from studio.cancel import Cancelled, CancelToken
    from studio.core.cache import SpeechCache
    from studio.core.exporter import RunTuning
    from studio.core.queue_runner import QueueRunner
    from studio.core.render_queue import QueueState

    if args.concurrency is not None and args.concurrency < 1:
        raise StudioError("--concurrency must be 1 or more", "Give a whole number such as 4.")
    retried = queue.retry_failed()
    if retried:
        print(f"Trying {retried} failed item(s) again.", file=sys.stderr)
    if not queue.has_work:
        print("Nothing to export: the queue has nothing waiting.", file=sys.stderr)
        return 0
    cancel = CancelToken()
    runner = QueueRunner(queue, _prepare, cache=SpeechCache(), tuning=RunTuning(concurrency=args.concurrency),
                         on_update=_Report(queue), overwrite=args.overwrite)
    handled = (signal.SIGINT, signal.SIGTERM)
    main_thread = threading.current_thread() is threading.main_thread()
    previous: dict[int, Any] = {}
    if main_thread:
        for number in handled:
            previous[number] = signal.signal(number, lambda *_: cancel.cancel())
    try:
        runner.run(cancel)
    except Cancelled:
        print("narration-studio: queue stopped. Finished parts are kept; `narration-studio queue run` resumes.",
              file=sys.stderr)
        return 130
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    for item, result in runner.results:
        print(f"Wrote {result.audio_path} ({item.title})")
    failed = [i for i in queue.items if i.state is QueueState.FAILED]
    print(f"Queue finished: {len(runner.results)} exported, {len(failed)} failed.")
    return 1 if failed else 0
