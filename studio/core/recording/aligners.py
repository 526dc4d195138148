"""Who times a recording against its script: ElevenLabs forced alignment, or the offline recogniser.

Both answer with a :class:`~studio.api.forced_alignment.ForcedAlignment`, so everything after
them (the quality check, the takes) is one path. :func:`choose_aligner` picks ElevenLabs when
an account is connected (a client with a key) unless offline is asked for, else the recogniser.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from studio.api.forced_alignment import ForcedAlignment
from studio.cancel import CancelToken
from studio.core.recording.decode import Recording, RecordingError
from studio.core.recording.offline import offline_forced_alignment

if TYPE_CHECKING:
    from studio.api.client import ElevenLabsClient

__all__ = ["MAX_UPLOAD_BYTES", "Aligner", "ElevenLabsAligner", "OfflineAligner", "choose_aligner"]

#: "The file size must be less than 1GB" (the spec; the docs say 3 GB: the smaller is kept).
MAX_UPLOAD_BYTES = 1_000_000_000


class Aligner(Protocol):
    #: Stored on the takes (their ``model_id``).
    id: str
    #: Said to the narrator: "timed with …".
    name: str

    def align(self, recording: Recording, data: bytes, text: str, cancel: CancelToken | None) -> ForcedAlignment: ...


class ElevenLabsAligner:
    id = "elevenlabs-forced-alignment"
    name = "ElevenLabs forced alignment"

    def __init__(self, client: ElevenLabsClient) -> None:
        self.client = client

    def align(self, recording: Recording, data: bytes, text: str, cancel: CancelToken | None) -> ForcedAlignment:
        if len(data) >= MAX_UPLOAD_BYTES:
            raise RecordingError(
                f"“{recording.name}” is {len(data) / 1e9:.1f} GB; ElevenLabs forced alignment takes files under 1 GB",
                "Export the recording as MP3 (or split it into chapters), or time it offline.",
            )
        # The file as it is: the service decodes every major format itself, and re-encoding
        # would only make the upload bigger (WAV) or worse (MP3).
        return self.client.forced_alignment(data, recording.name, text, cancel=cancel)


class OfflineAligner:
    id = "offline-recogniser"
    name = "the offline recogniser (pocketsphinx)"

    def align(self, recording: Recording, data: bytes, text: str, cancel: CancelToken | None) -> ForcedAlignment:
        return offline_forced_alignment(recording.pcm, recording.sample_rate, text, cancel)


def choose_aligner(client: ElevenLabsClient | None, *, offline: bool = False) -> Aligner:
    if not offline and client is not None and client.has_api_key:
        return ElevenLabsAligner(client)
    return OfflineAligner()
