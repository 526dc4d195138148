"""Closing a speech stream that already ended must not kill its pooled connection.

``SpeechStream.close()`` wakes a blocked reader by shutting the socket down. Once the stream
has been read to its end, the connection is back in the pool (and may already carry another
thread's request): shutting it then made that request fail after the server had received it,
and it was sent again (a second generation; seen as one TTS request too many in the UI's
export tests under load).
"""

from __future__ import annotations

from typing import Any

import httpx

from studio.api.client import ElevenLabsClient
from studio.api.requests import TextToSpeechRequest
from tests.fixtures.local_server import LocalServer

VOICE = "offline-en_US-joe-medium"


def test_closing_a_finished_stream_keeps_the_connection_for_the_next_request(local_server: LocalServer) -> None:
    ports: list[int] = []
    with ElevenLabsClient(None, local_server.base_url, limits=httpx.Limits(max_connections=1)) as client:
        original = client._http.send

        def send(request: httpx.Request, **kw: Any) -> httpx.Response:
            response = original(request, **kw)
            ports.append(response.extensions["network_stream"].get_extra_info("socket").getsockname()[1])
            return response

        client._http.send = send  # type: ignore[method-assign]
        for text in ("A short line.", "Another short line."):
            stream = client.stream(TextToSpeechRequest(voice_id=VOICE, text=text, output_format="pcm_24000"))
            for _ in stream:
                pass
            assert stream.completed
            stream.close()  # what the long-form generator does in its finally
    assert len(ports) == 2 and ports[0] == ports[1]  # one connection served both: the close left it alone
