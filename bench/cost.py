"""What Play and Export spend, counted at the server. Prints ONE JSON line.

The reference is the local ElevenLabs-compatible server (``narration-studio serve --faults``
in its own process): it logs every request it serves (``/_test/requests``) and charges
characters to its account (``/v1/user/subscription``), so nothing the studio reports about
itself is counted. The script is 40 distinct paragraphs of book-like prose (1–5 sentences
each, none repeated).

* ``play_then_export_requests``: Play the whole script (the player's own worker job,
  ``studio.playback.stream_job.play_job``, with the audio drained as fast as it arrives
  instead of through a sound card: the requests it sends are the player's), then
  ``narration-studio export`` of the same text as a separate process: text-to-speech
  requests the export sent (target 0).
* ``export_then_play_requests``: a fresh cache; export first, then Play: requests Play sent (0).
* ``edit_one_of_40_requests``: paragraph 17 edited, exported again: requests sent (= that
  paragraph's parts, 1 here).
* ``credits_spent_second_pass``: characters the server charged for the second pass of the
  first two cases (0).
* ``first_pass_requests``: what the first Play of 40 paragraphs sent (for scale).

Usage: ``.venv/bin/python bench/cost.py`` (about a minute or two: every paragraph is spoken
by the offline Piper voice behind the server).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from export import server_process  # noqa: E402 - bench/export.py's server in its own process

from tests.unit.core.script.prose import paragraphs  # noqa: E402 - distinct book-like paragraphs

#: Any key: the local server started without one accepts every key.
KEY = "bench-cost-key-0123456789"
PARAGRAPH_TO_EDIT = 16  # the 17th

class Counter:
    """Requests and characters, read from the server."""

    def __init__(self, base_url: str) -> None:
        import httpx

        self.http = httpx.Client(base_url=base_url, headers={"xi-api-key": KEY}, timeout=30)

    def tts_requests(self) -> int:
        log = self.http.get("/_test/requests").json()["requests"]
        return sum(1 for r in log if "text-to-speech" in r["path"])

    def characters(self) -> int:
        return int(self.http.get("/v1/user/subscription").json()["character_count"])


def _backend(base_url: str):  # type: ignore[no-untyped-def]
    from studio.api.client import ElevenLabsClient
    from studio.core.backends.elevenlabs import ElevenLabsBackend

    return ElevenLabsBackend(ElevenLabsClient(KEY, base_url, max_retries=0))


def _inputs(backend, voice_id: str):  # type: ignore[no-untyped-def]
    from studio.core.render_inputs import render_inputs

    return render_inputs(backend, voice_id=voice_id, model_id="eleven_multilingual_v2", models=backend.list_models(),
                         tier=backend.get_subscription().tier)


def play(base_url: str, text: str, voice_id: str, cache_dir: Path) -> None:
    """The player's worker job over the whole script, the audio drained as it arrives."""
    from studio.core.cache import SpeechCache
    from studio.cancel import CancelToken
    from studio.core.script import Script
    from studio.playback.pcm_buffer import PcmBuffer
    from studio.playback.stream_job import play_job

    backend = _backend(base_url)
    script = Script.from_text(text)
    buffer = PcmBuffer(capacity_bytes=1 << 40)  # nobody listens: never wait for playback
    cache = SpeechCache(cache_dir)
    for _event in play_job(CancelToken(), _inputs(backend, voice_id), script, range(len(script)), buffer, cache):
        pass


def export(base_url: str, text: str, voice_id: str, workdir: Path, name: str) -> None:
    source = workdir / f"{name}.txt"
    source.write_text(text, encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "studio", "export", str(source), "--out", str(workdir / f"{name}.wav"),
         "--voice", voice_id, "--model", "eleven_multilingual_v2", "--overwrite"],
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        env={**os.environ, "ELEVENLABS_API_KEY": KEY, "ELEVENLABS_BASE_URL": base_url},
    )


def main() -> None:
    from studio.api.requests import VoiceSearch

    texts = paragraphs()
    text = "\n\n".join(texts)
    edited = list(texts)
    edited[PARAGRAPH_TO_EDIT] = edited[PARAGRAPH_TO_EDIT].replace(" ", " quietly ", 1)
    edited_text = "\n\n".join(edited)
    results: dict[str, float | int] = {}
    with tempfile.TemporaryDirectory() as tmp, server_process() as base_url:
        work = Path(tmp)
        os.environ["XDG_CACHE_HOME"] = str(work / "cache-a")  # the CLI's cache: the same folder as Play's
        cache_dir = work / "cache-a" / "narration-studio" / "speech"
        counter = Counter(base_url)
        voice_id = _backend(base_url).search_voices(VoiceSearch(page_size=1)).voices[0].voice_id

        before = counter.tts_requests()
        play(base_url, text, voice_id, cache_dir)
        results["first_pass_requests"] = counter.tts_requests() - before
        before, chars = counter.tts_requests(), counter.characters()
        export(base_url, text, voice_id, work, "play-then-export")
        results["play_then_export_requests"] = counter.tts_requests() - before
        second_pass_chars = counter.characters() - chars

        before = counter.tts_requests()
        export(base_url, edited_text, voice_id, work, "edited")
        results["edit_one_of_40_requests"] = counter.tts_requests() - before

        os.environ["XDG_CACHE_HOME"] = str(work / "cache-b")  # a fresh cache: export first
        cache_dir = work / "cache-b" / "narration-studio" / "speech"
        export(base_url, text, voice_id, work, "export-first")
        before, chars = counter.tts_requests(), counter.characters()
        play(base_url, text, voice_id, cache_dir)
        results["export_then_play_requests"] = counter.tts_requests() - before
        second_pass_chars += counter.characters() - chars
        results["credits_spent_second_pass"] = second_pass_chars
    print(json.dumps(results))


if __name__ == "__main__":
    main()
