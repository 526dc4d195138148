"""Benchmark of the ElevenLabs client over loopback TCP. Prints ONE JSON line.

* ``close_ms_median`` / ``close_ms_max``: how long ``SpeechStream.close()`` takes to return
  while another thread is blocked reading a slowly dripping stream (target ≤ 100 ms).
* ``reader_unblocked_ms_median`` / ``_max``: from ``close()`` until the reading thread has
  finished (the connection is released by then).
* ``get_ms_median``: a small GET on a kept-alive connection; ``connections`` how many TCP
  connections all those GETs used (1 = keep-alive works).
* ``ndjson_mb_per_s``: parsing + base64-decoding timestamped chunks (decoded audio MB/s).

Usage: ``.venv/bin/python bench/api_client.py [--repeat N]``.
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402

from studio.api.client import ElevenLabsClient  # noqa: E402
from studio.api.ndjson import parse_lines  # noqa: E402
from studio.api.requests import TextToSpeechRequest  # noqa: E402
from tests.integration.api.loopback import LoopbackServer, Reply, wait_for  # noqa: E402


def measure_close(client: ElevenLabsClient) -> tuple[float, float]:
    stream = client.stream(TextToSpeechRequest(voice_id="v1", text="Hello.", output_format="pcm_24000"))
    got: list[bytes] = []
    done = threading.Event()

    def read() -> None:
        for chunk in stream:
            got.append(chunk.audio)
        done.set()

    thread = threading.Thread(target=read)
    thread.start()
    wait_for(lambda: bool(got))
    time.sleep(0.05)  # let the reader block in recv
    start = time.perf_counter()
    stream.close()
    closed = time.perf_counter()
    done.wait(5)
    ended = time.perf_counter()
    thread.join()
    return (closed - start) * 1000, (ended - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    server = LoopbackServer().start()
    server.route("POST", "/v1/text-to-speech/v1/stream",
                 Reply(parts=[b"\x00\x01" * 2400, b"\x00\x01" * 100], delay=2.0, drip_forever=True))
    server.route("GET", "/v1/models", Reply.json([{"model_id": "m", "can_do_text_to_speech": True}]))
    try:
        with ElevenLabsClient("sk_bench_0123456789", server.base_url, timeout=httpx.Timeout(10.0)) as client:
            closes, unblocks = zip(*(measure_close(client) for _ in range(args.repeat)))
            server.requests.clear()
            gets = []
            for _ in range(args.repeat * 5):
                start = time.perf_counter()
                client.list_models()
                gets.append((time.perf_counter() - start) * 1000)
            connections = len({r.client_port for r in server.requests})
    finally:
        server.stop()

    audio = b"\x01\x02" * 4096
    line = json.dumps({"audio_base64": base64.b64encode(audio).decode(), "alignment": {
        "characters": list("abcdefghij"), "character_start_times_seconds": [i * 0.01 for i in range(10)],
        "character_end_times_seconds": [(i + 1) * 0.01 for i in range(10)]}, "normalized_alignment": None})
    lines = [line] * 2000
    start = time.perf_counter()
    decoded = sum(len(c.audio) for c in parse_lines(lines))
    mb_per_s = decoded / (time.perf_counter() - start) / 1e6

    print(json.dumps({
        "bench": "api_client",
        "repeat": args.repeat,
        "close_ms_median": round(statistics.median(closes), 3),
        "close_ms_max": round(max(closes), 3),
        "reader_unblocked_ms_median": round(statistics.median(unblocks), 3),
        "reader_unblocked_ms_max": round(max(unblocks), 3),
        "get_ms_median": round(statistics.median(gets), 3),
        "connections": connections,
        "ndjson_mb_per_s": round(mb_per_s, 1),
    }))


if __name__ == "__main__":
    main()
