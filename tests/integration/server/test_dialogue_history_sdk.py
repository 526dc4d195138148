"""The local server keeps Text-to-Dialogue generations in its history like text to speech, and
the official ``elevenlabs`` SDK's ``history.list``/``get``/``get_audio`` show them (real loopback
TCP, real Piper speech): the spec's dialogue item, its lines in ``dialogue``, the top-level text
and voice empty; not with ``enable_logging=false``, nor when the dialogue is cut short."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from elevenlabs.client import ElevenLabs
from elevenlabs.types import DialogueInput

from studio.server.catalog import generate_voices
from tests.fixtures.local_server import LocalServer, run_server
from tests.integration.server.audio_checks import assert_speech, decode

JOE = "offline-en_US-joe-medium"
CATALOG = generate_voices(4, seed=7)
OTHER = CATALOG[0]["voice_id"]
LINES = [("Where were you last night?", JOE), ("At the lighthouse, of course.", OTHER)]


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    with run_server(catalog=CATALOG) as running:
        yield running


@pytest.fixture
def client(server: LocalServer) -> Iterator[ElevenLabs]:
    server.state.history.clear()
    yield ElevenLabs(api_key="any-key", base_url=server.base_url, timeout=60)
    server.clear_faults()


def _inputs() -> list[DialogueInput]:
    return [DialogueInput(text=text, voice_id=voice) for text, voice in LINES]


def test_sdk_history_lists_each_dialogue_route_with_its_lines(client: ElevenLabs, server: LocalServer) -> None:
    b"".join(client.text_to_dialogue.convert(inputs=_inputs(), output_format="mp3_44100_128"))
    b"".join(client.text_to_dialogue.stream(inputs=_inputs(), output_format="pcm_16000"))
    client.text_to_dialogue.convert_with_timestamps(inputs=_inputs(), output_format="pcm_22050")
    list(client.text_to_dialogue.stream_with_timestamps(inputs=_inputs(), output_format="pcm_22050"))

    page = client.history.list(page_size=10)
    assert len(page.history) == 4 and not page.has_more
    names = {entry.voice_id: entry.voice.get("name") for entry in server.state.catalog.entries}
    for item in page.history:
        assert item.text is None and item.voice_id is None  # the spec: empty on a dialogue item
        assert [(line.text, line.voice_id) for line in item.dialogue] == LINES
        assert [line.voice_name for line in item.dialogue] == [names[JOE], names[OTHER]]
        assert item.model_id == "eleven_v3" and item.source == "TTS" and item.state == "created"
        total = sum(len(text) for text, _ in LINES)
        assert item.character_count_change_to - item.character_count_change_from == total
        assert item.alignments is not None
        assert "".join(item.alignments.alignment.characters) == "".join(text for text, _ in LINES)
    assert [item.output_format for item in page.history] == ["pcm_22050", "pcm_22050", "pcm_16000", "mp3_44100_128"]

    oldest = client.history.get(page.history[-1].history_item_id)  # the convert: mp3 as it was sent
    samples, rate = decode(b"".join(client.history.get_audio(oldest.history_item_id)))
    assert_speech(samples, rate, " ".join(text for text, _ in LINES))
    # The voice and search filters look into the lines.
    assert len(client.history.list(voice_id=OTHER).history) == 4
    assert len(client.history.list(search="lighthouse").history) == 4
    assert client.history.list(search="harbour").history == []


def test_zero_retention_and_cut_short_dialogues_are_not_recorded(client: ElevenLabs, server: LocalServer) -> None:
    b"".join(client.text_to_dialogue.convert(inputs=_inputs(), output_format="mp3_44100_128", enable_logging=False))
    with server.faults({"kind": "disconnect", "after_bytes": 2000, "endpoint": "dialogue_stream"}), \
            pytest.raises(httpx.TransportError):
        b"".join(client.text_to_dialogue.stream(inputs=_inputs(), output_format="pcm_16000"))
    assert client.history.list().history == []
