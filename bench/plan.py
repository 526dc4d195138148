"""Benchmark of the script document and the render plan on a long script. Prints ONE JSON line.

A 200,000-character script of distinct paragraphs (varied sentences, 1–5 per paragraph):

* ``from_text_ms``: ``Script.from_text`` (the paragraph rule).
* ``plan_cold_ms``: ``plan_render`` against a real on-disk ``SpeechCache`` holding nothing
  (every block segmented, keyed and looked up).
* ``plan_warm_ms``: the same after every block has a take whose audio is in the cache (each
  take's keys looked up on disk): what the script counter or Play would pay per recount.
* ``reconcile_one_edit_ms``: ``Script.reconcile`` after one paragraph in the middle changed.
* ``requests_after_edit``: requests the plan needs after that edit (must be 1).

Each figure is the median of ``--repeat`` runs (default 5). Usage: ``.venv/bin/python bench/plan.py``.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from studio.api.models import Model, VoiceSettings  # noqa: E402
from studio.core.cache import CachedSpeech, SpeechCache  # noqa: E402
from studio.core.script import Capabilities, RenderSettings, Script, plan_render  # noqa: E402

_WORDS = ("keeper lantern harbour tide gull chapel letter compass window storm ferry captain village road "
          "north rain tar light water memorial stairs evening silence basket nets train city door").split()


def _script_text(characters: int) -> str:
    rng = random.Random(3)
    paragraphs: list[str] = []
    total = 0
    while total < characters:
        sentences = []
        for _ in range(rng.randint(1, 5)):
            words = [rng.choice(_WORDS) for _ in range(rng.randint(6, 18))]
            sentences.append(" ".join(words).capitalize() + rng.choice(".!?"))
        paragraph = f"{len(paragraphs)}. " + " ".join(sentences)
        paragraphs.append(paragraph)
        total += len(paragraph) + 2
    return "\n\n".join(paragraphs)


def _median_ms(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--characters", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    text = _script_text(args.characters)
    model = Model(model_id="eleven_multilingual_v2", max_characters_request_free_user=10_000,
                  max_characters_request_subscribed_user=10_000)
    caps = Capabilities("elevenlabs", model.model_id, model, "creator")
    settings = RenderSettings(voice_id="voice", model_id=model.model_id, voice_settings=VoiceSettings(stability=0.5))
    with tempfile.TemporaryDirectory() as folder:
        cache = SpeechCache(Path(folder))
        from_text_ms = _median_ms(lambda: Script.from_text(text), args.repeat)
        script = Script.from_text(text)
        plan_cold_ms = _median_ms(lambda: plan_render(script, settings, caps, cache), args.repeat)
        plan = plan_render(script, settings, caps, cache)
        speech = CachedSpeech(pcm=b"\0\0" * 8, sample_rate=24_000, request_id="r")
        for spec in plan.requests:
            cache.put(spec.key, speech)
        for block in plan.blocks:
            script.add_take(block.block_id, plan.take_from(block.block_id, [speech] * len(block.parts)))
        plan_warm_ms = _median_ms(lambda: plan_render(script, settings, caps, cache), args.repeat)

        paragraphs = text.split("\n\n")
        middle = len(paragraphs) // 2

        edited = list(paragraphs)
        edited[middle] += " One more line."
        edited_text = "\n\n".join(edited)
        # Each run edits its own copy of the blocks (reconcile changes the edited block's text).
        copies = iter([Script([replace(b) for b in script.blocks]) for _ in range(args.repeat)])
        reconcile_ms = _median_ms(lambda: next(copies).reconcile(edited_text), args.repeat)
        script.reconcile(edited_text)
        after = plan_render(script, settings, caps, cache)
    print(json.dumps({
        "characters": len(text),
        "blocks": len(paragraphs),
        "from_text_ms": from_text_ms,
        "plan_cold_ms": plan_cold_ms,
        "plan_warm_ms": plan_warm_ms,
        "reconcile_one_edit_ms": reconcile_ms,
        "requests_after_edit": after.requests_needed,
    }))


if __name__ == "__main__":
    main()
