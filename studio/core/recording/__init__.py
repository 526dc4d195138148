"""The narrator's own recording of a script: read it, time it against the script, make it takes.

* :mod:`.decode` — a WAV, FLAC or MP3 file → 16-bit mono PCM (:class:`Recording`), with the
  checks that need no aligner (not audio, silent).
* :mod:`.offline` — forced alignment by the offline recogniser, in the shape of the
  ElevenLabs answer (:class:`~studio.api.forced_alignment.ForcedAlignment`), with a loss that
  says how much of the text the recogniser itself heard. The local server answers with it too.
* :mod:`.aligners` — who times it: ElevenLabs forced alignment (an account) or the offline
  recogniser.
* :mod:`.takes` — a timed recording → one take per paragraph (its slice of the audio in the
  speech cache, its characters' times), all or nothing.
* :mod:`.importer` — the whole path the studio's File ▸ Import Recording and
  ``narration-studio align`` share.

Qt-free.
"""

from studio.core.recording.decode import Recording, RecordingError, decode_recording
from studio.core.recording.importer import ImportProgress, RecordingImport, import_recording

__all__ = ["ImportProgress", "Recording", "RecordingError", "RecordingImport", "decode_recording", "import_recording"]
