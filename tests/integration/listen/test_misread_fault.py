"""The local server's ``misread`` fault: the voice says another word, as a misreading model would."""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from studio.core.listen_check.run import check_audio
from tests.fixtures.local_server import LocalServer

pytestmark = pytest.mark.slow

VOICE = "offline-en_US-joe-medium"
TEXT = "The ferry left the harbour at dawn with twelve passengers."


def _speak(server: LocalServer) -> tuple[bytes, str]:
    with httpx.Client(base_url=server.base_url, timeout=120) as http:
        response = http.post(f"/v1/text-to-speech/{VOICE}/with-timestamps", params={"output_format": "pcm_22050"},
                             json={"text": TEXT, "seed": 3})
    assert response.status_code == 200
    body = response.json()
    return base64.b64decode(body["audio_base64"]), "".join(body["alignment"]["characters"])


def test_misread_says_the_other_word_and_only_while_scheduled(local_server: LocalServer) -> None:
    try:
        local_server.inject({"kind": "misread", "word": "twelve", "instead": "seven"})
        pcm, said = _speak(local_server)
    finally:
        local_server.clear_faults()
    assert "seven passengers" in said
    check = check_audio(pcm, 22050, TEXT)
    assert [(f.kind, f.expected, f.heard) for f in check.flags] == [("misread", "twelve", "seven")]
    pcm, said = _speak(local_server)  # used up: spoken as sent
    assert said == TEXT and check_audio(pcm, 22050, TEXT).flags == ()
    assert json.dumps(local_server.pending_faults()) == "[]"
