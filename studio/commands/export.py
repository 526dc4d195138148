"""``narration-studio export SCRIPT --out FILE``: narrate a script to audio and subtitles, headless.

The same code path as the studio's export dialog: the script document is planned with
:func:`studio.core.script.plan_render` from :func:`studio.core.render_inputs.render_inputs`
(the model from the engine's model list, the account's plan for its limits) and exported
with :func:`studio.core.exporter.export_plan`. So for the same voice, model and settings the
command line and the studio ask for the same audio under the same cache keys: what one of
them paid for, the other finds in the speech cache.

SCRIPT is a UTF-8 text file or a ``.narration`` project (version 1 files too). A project is
rendered as the studio would: its engine, voice, model, settings, seed and language, and
each paragraph's chosen take (a locked paragraph is never made again). Options given on the
command line override the project's values. Without a project the engine is ElevenLabs when
an API key is available, otherwise (or with ``--offline``) the bundled offline voice.
This module only turns options into inputs, picks the engine and draws progress on stderr.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from studio.commands._audiobook_options import add_audiobook_arguments, audiobook_options, output_path
from studio.commands._cast_options import add_cast_arguments, cast_from_args, document_for
from studio.core.script.capabilities import DEFAULT_MODEL_ID
from studio.errors import StudioError

if TYPE_CHECKING:
    from studio.api.models import Model, Subscription, VoiceSettings
    from studio.core.backend import SynthesisBackend
    from studio.core.longform import Progress
    from studio.core.project import Project
    from studio.core.render_inputs import RenderInputs

NAME = "export"
HELP = ("Narrate a script, book or .narration project to an audiobook (M4B, MP3, a folder per chapter), "
        "a read-along EPUB, or WAV, FLAC, OGG, with optional subtitles.")

DEFAULT_ELEVENLABS_MODEL = DEFAULT_MODEL_ID  # the capability table's (no model id is named here)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("script", type=Path, metavar="SCRIPT",
                        help="the script: a UTF-8 text file (chapters by --chapter-rule), a book (.epub, .docx, "
                             ".md, .html, .pdf; headings become chapters), or a .narration project saved by the studio, "
                             "rendered as the studio would (its engine, voice, model, settings, seed, language "
                             "and each paragraph's chosen or locked take); the options below override the "
                             "project's values")
    add_audiobook_arguments(parser)  # OUT (positional), --cover, --author, --narrator, --year, --description
    parser.add_argument("--out", type=Path, metavar="FILE", help="the same as OUT")
    parser.add_argument("--voice", help="voice id (default: the bundled offline voice, or your first voice)")
    parser.add_argument("--model", help=f"model id (default: {DEFAULT_ELEVENLABS_MODEL}, or the offline model)")
    parser.add_argument("--subtitles", default="", metavar="FORMATS",
                        help="comma-separated: srt, vtt, karaoke, lrc, json (written beside the audio)")
    parser.add_argument("--subtitle-rules", default="netflix-en", metavar="RULES",
                        help="netflix-en (default), bbc, or custom:NAME=N,... with max_line_chars, max_lines, "
                             "min_duration_ms, max_duration_ms, max_cps, min_gap_frames, frame_rate")
    parser.add_argument("--timing-qa", type=Path, metavar="FILE",
                        help="also write the takes' timing QA (clock faults, long silences, reading speed, "
                             "what the engine expanded) as JSON to FILE")
    parser.add_argument("--concurrency", type=int, metavar="N",
                        help="requests at once (default: your plan's limit)")
    parser.add_argument("--offline", action="store_true", help="use the offline voice even if an API key is set")
    parser.add_argument("--stability", type=float, help="0 to 1")
    parser.add_argument("--similarity", type=float, help="similarity boost, 0 to 1")
    parser.add_argument("--style", type=float, help="style exaggeration, 0 to 1")
    parser.add_argument("--speed", type=float, help="0.7 to 1.2")
    parser.add_argument("--speaker-boost", action=argparse.BooleanOptionalAction, default=None,
                        help="speaker boost on or off (the studio's checkbox)")
    parser.add_argument("--seed", type=int, help="0 to 4294967295: the same seed repeats the same delivery")
    parser.add_argument("--pause-ms", type=int, default=0, metavar="N", help="silence between paragraphs")
    parser.add_argument("--loudness", type=float, choices=(-16.0, -23.0), metavar="{-16,-23}",
                        help="normalise to this loudness in LUFS (EBU R128)")
    parser.add_argument("--preset", choices=("acx",),
                        help="acx: master for ACX/Audible (RMS −20 dBFS, true peak under −3 dBFS, room tone at "
                             "head and tail, 44.1 kHz 192 kbps CBR MP3) and check the files; OUT is an .mp3, or a "
                             "folder or .zip for one file per chapter (each mastered on its own), as ACX asks")
    parser.add_argument("--title", help="title tag")
    parser.add_argument("--artist", help="artist tag")
    parser.add_argument("--readalong-words", action="store_true",
                        help="read-along EPUB: highlight word by word instead of sentence by sentence")
    parser.add_argument("--quality", default="high", choices=("low", "medium", "high", "best"),
                        help="encoder quality for MP3/OGG (compression effort for FLAC)")
    parser.add_argument("--stitching", default="text", choices=("text", "request-ids"),
                        help="continuity between requests: neighbouring text (parallel) or request ids (sequential)")
    parser.add_argument("--overwrite", action="store_true", help="replace existing files")
    parser.add_argument("--dictionary", type=Path, action="append", default=[], metavar="FILE",
                        help="a pronunciation dictionary: a W3C .pls lexicon or a 'word = alias' .txt file; "
                             "repeat for more (at most 3 with the project's own, applied in order)")
    add_cast_arguments(parser)
    from studio.commands._book_script import add_book_arguments

    add_book_arguments(parser)  # --chapter-rule, --keep-front-matter (books as scripts)


def _voice_settings(args: argparse.Namespace, base: VoiceSettings | None = None) -> VoiceSettings | None:
    """``base`` (a project's settings) with the values given on the command line in their place."""
    from pydantic import ValidationError

    from studio.api.models import VoiceSettings

    values = {
        "stability": args.stability, "similarity_boost": args.similarity, "style": args.style, "speed": args.speed,
        "use_speaker_boost": args.speaker_boost,
    }
    values = {**(base.to_request() if base is not None else {}), **{k: v for k, v in values.items() if v is not None}}
    if not values:
        return None
    try:
        return VoiceSettings(**values)
    except ValidationError as error:
        field = str(error.errors()[0]["loc"][0])
        allowed = "between 0.7 and 1.2" if field == "speed" else "between 0 and 1"
        name = {"similarity_boost": "--similarity"}.get(field, f"--{field}")
        raise StudioError(f"{name} must be {allowed}", "Change it and run the export again. Nothing was sent.") from None


def _spoken_settings(backend: SynthesisBackend, model_id: str, settings: VoiceSettings | None,
                     given: VoiceSettings | None) -> VoiceSettings | None:
    """Only the settings the model uses, as the studio sends them (so both key the same audio);
    a setting given on the command line that the model ignores is named."""
    if settings is None:
        return None
    ignored = backend.unsupported_settings(model_id)
    for name in given.to_request() if given is not None else ():
        if name in ignored:
            print(f"Note: {name.replace('_', ' ')} is ignored here: {ignored[name]}", file=sys.stderr)
    from studio.api.models import VoiceSettings

    return VoiceSettings(**{k: v for k, v in settings.to_request().items() if k not in ignored})


def _pick_backend(offline: bool, model: str | None) -> SynthesisBackend:
    """ElevenLabs when a key is set, else the offline voice — unless ``--model`` names a
    model only ElevenLabs has: then the missing key is the problem, and is said so."""
    from studio.core.backends.offline import MODEL_ID as OFFLINE_MODEL, OfflineBackend

    if not offline:
        from studio.api.auth import ENV_API_KEY, load_api_key

        if load_api_key():
            from studio.commands._api_common import client_from_environment
            from studio.core.backends.elevenlabs import ElevenLabsBackend

            return ElevenLabsBackend(client_from_environment())
        if model is not None and model != OFFLINE_MODEL:
            from studio.api.errors import MissingApiKeyError

            raise MissingApiKeyError(
                f"No ElevenLabs API key is set, so the model “{model}” cannot be used",
                "Connect your account in the studio (Account; the key is kept in the system keyring), "
                f"or set the {ENV_API_KEY} environment variable; or add --offline to use the free offline "
                "voice instead.",
            )
    return OfflineBackend()


def _pick_model(backend: SynthesisBackend, wanted: str | None, models: list[Model]) -> tuple[str, Model | None]:
    """The model to use (of ``models``, those that can speak), refusing an unknown ``--model``
    with the list of known ones."""
    if backend.engine_id == "offline" and wanted is None:
        if not models:
            raise StudioError("The offline engine offers no model", "Reinstall Narration Studio.")
        return models[0].model_id, models[0]
    model_id = wanted or DEFAULT_ELEVENLABS_MODEL
    for model in models:
        if model.model_id == model_id:
            return model_id, model
    if wanted and models:
        raise StudioError(
            f"The model “{wanted}” is not available", "Use one of: " + ", ".join(m.model_id for m in models) + "."
        )
    return model_id, None


def _pick_voice(backend: SynthesisBackend, wanted: str | None) -> str:
    if wanted:
        return wanted
    if backend.engine_id == "offline":
        from studio.offline.voices import bundled_voice

        return bundled_voice().voice_id
    from studio.api.requests import VoiceSearch

    page = backend.search_voices(VoiceSearch(page_size=1))
    if not page.voices:
        raise StudioError("Your account has no voices", "Add a voice on elevenlabs.io, or pass --voice VOICE_ID.")
    voice = page.voices[0]
    print(f"Using the voice {voice.name or voice.voice_id} ({voice.voice_id}).", file=sys.stderr)
    return voice.voice_id


class TerminalProgress:
    """A progress bar on a terminal; plain lines (one per finished segment) otherwise."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.last_draw = 0.0
        self.last_done = -1
        self.last_message = ""

    def __call__(self, progress: Progress) -> None:
        final = progress.phase == "done"
        if progress.message and progress.message != self.last_message:
            self.last_message = progress.message
            self._line(progress.message)
        if self.tty:
            now = time.monotonic()
            if not final and now - self.last_draw < 0.1:
                return
            self.last_draw = now
            width = 28
            filled = int(width * progress.fraction)
            bar = "#" * filled + "-" * (width - filled)
            self.stream.write(f"\r[{bar}] {self._summary(progress)}\x1b[K")
            if final:
                self.stream.write("\n")
            self.stream.flush()
        elif progress.segments_done != self.last_done:
            self.last_done = progress.segments_done
            self.stream.write(self._summary(progress) + "\n")
            self.stream.flush()

    def stage(self, text: str) -> None:
        self._line(f"{text}…")
        self.stream.flush()

    def _line(self, text: str) -> None:
        prefix = "\r\x1b[K" if self.tty else ""
        self.stream.write(f"{prefix}{text}\n")

    @staticmethod
    def _summary(p: Progress) -> str:
        left = "" if p.seconds_left is None else f" · {_clock(p.seconds_left)} left"
        return (
            f"{p.segments_done}/{p.segments_total} segments ({p.segments_from_cache} from cache) · "
            f"{p.credits_spent:,.0f} credits spent · {p.credits_saved:,.0f} saved{left}"
        )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _read(path: Path, args: argparse.Namespace | None = None) -> tuple[str, Project | None, Any]:
    """The script's text, the project it belongs to when SCRIPT is one, and the document when
    SCRIPT is a book (imported with its chapters); refusing every other kind of file that is not
    a script, before anything starts or is spent."""
    from studio.core.project import load_project
    from studio.core.script_io import BOOK, read_script, script_file_kind

    kind = script_file_kind(path, accept={"project", BOOK})
    if kind == "project":
        project = load_project(path)
        return project.script, project, None
    if kind == BOOK:
        from studio.commands._book_script import read_book_script

        document, source = read_book_script(path, args)
        return source, None, document
    return read_script(path), None, None


def _subscription(backend: SynthesisBackend) -> Subscription | None:
    """The account's plan, for its per-request limits and concurrency (None: unknown, counted as free)."""
    if backend.engine_id == "offline":
        return None
    try:
        return backend.get_subscription()
    except StudioError:
        return None  # a key without account permission can still speak


def _inputs(args: argparse.Namespace, backend: SynthesisBackend, project: Project | None,
            given: VoiceSettings | None) -> RenderInputs:
    """How to speak: the command line's options, else the project's values, else the defaults;
    built with render_inputs (the model from the engine's list, the account's plan) as the
    studio builds its own, so both reach the same cache keys."""
    from studio.core.render_inputs import render_inputs
    from studio.core.script.capabilities import accepts_language_code

    # A project's voice, model and language belong to the engine it was made with.
    own = project if project is not None and project.engine in (None, backend.engine_id) else None
    if project is not None and own is None:
        print(f"Note: the project was made with another engine; {backend.display_name} speaks it with "
              "its own voice and model.", file=sys.stderr)
    models = backend.list_models()  # only models that can speak (the backend protocol)
    model_id, model = _pick_model(backend, args.model or (own.model_id if own else None), models)
    voice_id = _pick_voice(backend, args.voice or (own.voice_id if own else None))
    settings = _voice_settings(args, project.voice_settings if project is not None else None)
    seed = args.seed if args.seed is not None else (project.seed if project is not None else None)
    # As the studio does: only a model that takes a language code gets one.
    language = own.language_code if own is not None and model is not None and accepts_language_code(model) else None
    subscription = _subscription(backend)
    return render_inputs(
        backend, voice_id=voice_id, model_id=model_id, voice_settings=_spoken_settings(backend, model_id, settings, given),
        seed=seed, language_code=language, model=model, tier=subscription.tier if subscription is not None else None,
        stitching="request_ids" if args.stitching == "request-ids" else "text", cast=cast_from_args(args, project),
    )


def run(args: argparse.Namespace) -> int:
    from studio.core.cache import SpeechCache
    from studio.cancel import Cancelled, CancelToken
    from studio.core.exporter import ExportOptions, RunTuning, check_export, export_plan
    from studio.core.pronunciation import resolve
    from studio.core.pronunciation.render import for_render
    from studio.core.script import plan_render

    text, project, book = _read(args.script, args)
    formats = tuple(dict.fromkeys(f.strip().lower() for f in args.subtitles.split(",") if f.strip()))
    if args.pause_ms < 0:
        raise StudioError("--pause-ms cannot be negative", "Give 0 or more milliseconds.")
    from studio.core.subtitles.rule_sets import parse_rule_spec

    try:
        rules = parse_rule_spec(args.subtitle_rules)
    except ValueError as error:
        raise StudioError(f"--subtitle-rules: {error}", "Use netflix-en, bbc or custom:max_line_chars=32,...") from None
    options = ExportOptions(
        subtitle_rules=rules.cue_rules(),
        destination=output_path(args),
        subtitle_formats=formats,
        loudness_target=args.loudness,
        title=args.title,
        artist=args.artist,
        quality=args.quality,
        overwrite=args.overwrite,
        pause_ms=args.pause_ms,
        srt_speaker_names=args.srt_speaker_names,
        preset=args.preset,
        **audiobook_options(args),  # type: ignore[arg-type]
        overlay_granularity="word" if args.readalong_words else "sentence",
    )
    check_export(options)  # refuse before any engine starts or any credit is spent
    if args.concurrency is not None and args.concurrency < 1:
        raise StudioError("--concurrency must be 1 or more", "Give a whole number such as 4.")
    given = _voice_settings(args)  # checks the values before anything is sent
    document = document_for(text, project, cast_from_args(args, project), book)  # also checks --cast first
    # Read and check every dictionary (bad file, bad rule, a fourth one) before any engine starts.
    dictionaries = resolve(project.pronunciation if project is not None else None, tuple(args.dictionary))

    backend = _pick_backend(args.offline or (project is not None and project.engine == "offline"),
                            args.model or (project.model_id if project is not None else None))
    try:
        inputs, notes = for_render(_inputs(args, backend, project, given), dictionaries)
        for note in notes:
            print(f"Note: {note}", file=sys.stderr)
        cache = SpeechCache()
        plan = plan_render(document, inputs.settings, inputs.capabilities, cache)
        plan.require_speech()
        parts = plan.parts
        made = sum(1 for p in parts if p.cached)
        estimate = f", about {plan.credits_needed:,.0f} credits to spend" if inputs.capabilities.charges else ""
        print(
            f"{backend.display_name}: {_count(len(parts), 'segment')}, {made} already made, "
            f"{_count(plan.requests_needed, 'request')} to send{estimate}.",
            file=sys.stderr,
        )
        progress = TerminalProgress(sys.stderr)
        cancel = CancelToken()
        # Ctrl+C cancels cleanly (streams closed, no partial file) instead of killing mid-write.
        main_thread = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGINT, lambda *_: cancel.cancel()) if main_thread else None
        try:
            result = export_plan(plan, backend, options, script=document, source=text, cache=cache,
                                 on_progress=progress, on_stage=progress.stage, cancel=cancel,
                                 tuning=RunTuning(concurrency=args.concurrency))
        except Cancelled:
            print(
                "narration-studio: export stopped; no file was written. Finished parts are kept for next time.",
                file=sys.stderr,
            )
            return 130
        finally:
            if main_thread:
                signal.signal(signal.SIGINT, previous)
    finally:
        backend.close()

    g = result.generation
    files = ", ".join(str(p) for p in [result.audio_path, *result.subtitle_paths])
    print(f"Wrote {files}")
    print(
        f"{_clock(result.duration_seconds)} of audio; {_count(g.segments_generated, 'segment')} generated, "
        f"{g.segments_from_cache} from cache. Credits spent: {g.credits_spent:,.0f}; saved: {g.credits_saved:,.0f}."
    )
    if result.loudness_result is not None:
        print(f"Loudness: {result.loudness_result:.1f} LUFS (was {result.loudness_measured:.1f}).")
    if result.acx_reports is not None:
        failing = sum(not r.passed for r in result.acx_reports)
        files = len(result.acx_reports)
        print("ACX check: passes." if not failing and files == 1 else f"ACX check: all {files} files pass."
              if not failing else f"ACX check: {failing} of {files} file(s) fail (see the notes below).")
    for warning in result.warnings:
        print(f"Note: {warning}", file=sys.stderr)
    if args.timing_qa is not None:
        _write_timing_qa(args.timing_qa, document, cache)
    return 0


def _write_timing_qa(path: Path, document: Any, cache: Any) -> None:
    """``--timing-qa``: the QA of the takes this export used (recorded in ``document``), as JSON."""
    import json

    from studio.core.files import write_atomically
    from studio.core.timing_qa import analyse_script

    report = analyse_script(document, cache)
    try:
        write_atomically(path.expanduser(), (json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n").encode())
    except OSError as error:
        raise StudioError(f"The timing QA could not be written to “{path}” ({error.strerror or error})",
                          "Choose a folder you can write to.") from error
    cps = report.chars_per_second
    rate = f"{cps:.1f} characters/s, {report.words_per_minute:.0f} words/min" if cps is not None else "nothing timed"
    print(f"Timing QA: {rate}; {len(report.items)} item(s) in {path}")
