"""Benchmark of "rebuild from history" over loopback. Prints ONE JSON line.

A local server (real Piper speech) generates ``--paragraphs`` distinct paragraphs through the
studio's client, as a first export would; then, with an empty speech cache:

* ``match_ms``: :func:`match_history` over the server's history (pages of 1000, newest first),
  planning included: the report the person sees before anything is spent.
* ``fetch_ms``: :func:`fetch_found_takes`: every found paragraph's audio downloaded (MP3),
  decoded to the render format, stored in the cache and made a take.
* ``found`` / ``remaining``: paragraphs found, and still to generate (one new paragraph is added).
* ``tts_requests_during_rebuild``: speech requests the rebuild sent (must be 0).

Usage: ``.venv/bin/python bench/history.py [--paragraphs 20]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from studio.api.client import ElevenLabsClient  # noqa: E402
from studio.core.backends.elevenlabs import ElevenLabsBackend  # noqa: E402
from studio.core.cache import SpeechCache  # noqa: E402
from studio.core.history_match import history_query_for, match_history  # noqa: E402
from studio.core.history_takes import fetch_found_takes  # noqa: E402
from studio.core.render_inputs import render_inputs  # noqa: E402
from studio.core.script import Script  # noqa: E402
from tests.fixtures.local_server import run_server  # noqa: E402

VOICE = "offline-en_US-joe-medium"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--paragraphs", type=int, default=20)
    args = parser.parse_args()
    paragraphs = [f"Paragraph {n} of the chapter: the keeper wound the clock and watched the sea."
                  for n in range(args.paragraphs)]
    with run_server() as server, ElevenLabsClient(None, server.base_url) as client, \
            tempfile.TemporaryDirectory() as folder:
        backend = ElevenLabsBackend(client)
        inputs = render_inputs(backend, voice_id=VOICE, model_id=None, models=backend.list_models(), tier="creator")
        for request in (s.to_request() for s in _plan_requests(paragraphs, inputs)):
            client.convert(request)
        server.clear_requests()
        script = Script.from_text("\n\n".join([*paragraphs, "A new paragraph at the end."]))
        cache = SpeechCache(Path(folder))
        started = time.perf_counter()
        match = match_history(script, inputs.settings, inputs.capabilities,
                              client.iter_history(history_query_for(inputs.settings)), cache)
        matched = time.perf_counter()
        result = fetch_found_takes(match, client.get_history_audio, cache, script=script, record=True)
        fetched = time.perf_counter()
        tts = len([r for r in server.requests() if r["route"].startswith("tts_")])
    print(json.dumps({
        "paragraphs": args.paragraphs,
        "match_ms": round((matched - started) * 1000, 1),
        "fetch_ms": round((fetched - matched) * 1000, 1),
        "found": len(match.found),
        "remaining": len(match.remaining),
        "takes": len(result.takes),
        "downloaded_bytes": result.downloaded_bytes,
        "tts_requests_during_rebuild": tts,
    }))
    return 0


def _plan_requests(paragraphs: list[str], inputs):  # type: ignore[no-untyped-def]
    from studio.core.script import plan_render

    return plan_render(Script.from_text("\n\n".join(paragraphs)), inputs.settings, inputs.capabilities).requests


if __name__ == "__main__":
    sys.exit(main())
