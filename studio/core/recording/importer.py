"""The one path from a recording file to takes: File ▸ Import Recording and ``narration-studio align``.

:func:`import_recording` reads the file, refuses what cannot be narration (not audio, too
short, silent) before anyone is asked to time it, times the script's text with the chosen
aligner, refuses a recording of another text (:data:`MAX_LOSS`), then stores every
paragraph's slice in the speech cache and returns the takes. It changes no Script: the
caller adds the takes (the GUI on its own thread), so a failure or a cancel at any point
leaves the script exactly as it was, and a slice already stored is only an unused cache entry.
Nothing here spends credits on speech; the ElevenLabs aligner is priced like speech to text.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path

from studio.cancel import CancelToken
from studio.core.cache import SpeechCache
from studio.core.recording.aligners import Aligner
from studio.core.recording.decode import Recording, RecordingError, decode_recording
from studio.core.recording.takes import ParagraphSlice, recording_key, slice_paragraphs, speech_for, take_for
from studio.core.script.document import Script, Take
from studio.core.segmenter import is_speakable

__all__ = ["MAX_LOSS", "ImportProgress", "RecordingImport", "RecordingMismatchError", "import_recording", "import_steps"]

#: Above this overall loss the recording is not a reading of the script. Measured offline on
#: real offline-voice speech (three paragraphs, 11.6 s): a clean reading 0.00, the second half
#: of the text replaced 0.65, another text 0.92. (A clean real ElevenLabs answer averages 0.075; its scale for a wrong text is not
#: documented, and no capture of one was found.)
MAX_LOSS = 0.35
#: A paragraph whose own words lose more than this is named in the warnings.
PARAGRAPH_WARNING_LOSS = 0.5


class RecordingMismatchError(RecordingError):
    """The recording does not read the script."""


@dataclass(frozen=True)
class ImportProgress:
    stage: str
    fraction: float


@dataclass
class RecordingImport:
    recording: Recording
    aligner: str
    aligner_id: str
    loss: float
    #: Block id → the recording's take of it.
    takes: dict[str, Take]
    slices: list[ParagraphSlice]
    warnings: list[str] = field(default_factory=list)


def import_recording(
    script: Script,
    path: Path,
    aligner: Aligner,
    cache: SpeechCache,
    *,
    cancel: CancelToken | None = None,
    on_progress: Callable[[ImportProgress], None] | None = None,
) -> RecordingImport:
    """Time the recording at ``path`` against ``script`` (a snapshot: it is not changed)."""
    steps = import_steps(script, path, aligner, cache, cancel=cancel)
    while True:
        try:
            progress = next(steps)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]
        if on_progress is not None:
            on_progress(progress)


def import_steps(
    script: Script,
    path: Path,
    aligner: Aligner,
    cache: SpeechCache,
    *,
    cancel: CancelToken | None = None,
) -> Generator[ImportProgress, None, RecordingImport]:
    """:func:`import_recording` as a generator of its progress (what a studio worker runs:
    each value is reported and the cancel token is checked between them)."""
    def progress(stage: str, fraction: float) -> ImportProgress:
        if cancel is not None:
            cancel.raise_if_cancelled()
        return ImportProgress(stage, fraction)

    text = script.text
    if not is_speakable(text):
        raise RecordingError("The script is empty", "Write or open the script the recording reads, then import it.")
    yield progress(f"Reading {path.name}", 0.0)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise RecordingError(f"“{path.name}” could not be read ({error.strerror or error})",
                             "Check that the file exists and that you may read it.") from None
    recording = decode_recording(data, path.name)
    recording.check_has_sound()
    yield progress(f"Timing {path.name} with {aligner.name}", 0.1)
    alignment = aligner.align(recording, data, text, cancel)
    yield progress("Checking the timing", 0.8)
    if alignment.loss > MAX_LOSS:
        raise RecordingMismatchError(
            f"“{path.name}” does not seem to read this script ({aligner.name} matched only "
            f"{max(0.0, 1 - alignment.loss):.0%} of it)",
            "Check that you chose the right recording for this script; if the narrator changed words, "
            "edit the script to say what was recorded, then import again.",
        )
    slices = slice_paragraphs(script, recording, alignment)
    if not slices:
        raise RecordingMismatchError(f"No words of the script were found in “{path.name}”",
                                     "Check that you chose the recording of this script.")
    digest = hashlib.sha256(data).hexdigest()
    created = time.time()
    takes: dict[str, Take] = {}
    warnings: list[str] = []
    for n, piece in enumerate(slices):
        yield progress("Storing the paragraphs", 0.85 + 0.15 * n / len(slices))
        block = script.blocks[piece.block_index]
        key = recording_key(digest, block.text, piece)
        if key not in cache and not cache.put(key, speech_for(recording, piece, created)):
            raise RecordingError("The recording could not be stored in the speech cache (the disk refused)",
                                 "Free some disk space, then import again. The script was not changed.")
        takes[block.id] = take_for(block.text, key, recording, aligner.id, created)
        if piece.loss > PARAGRAPH_WARNING_LOSS:
            warnings.append(f"Paragraph {piece.block_index + 1} may not match the recording; listen to it.")
    yield progress("Done", 1.0)
    return RecordingImport(recording, aligner.name, aligner.id, alignment.loss, takes, slices, warnings)
