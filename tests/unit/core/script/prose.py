"""Forty distinct, real-looking paragraphs, and a stand-in render, for the script-document tests."""

from __future__ import annotations

import random
import time

from studio.core.cache import CachedSpeech
from studio.core.script import BlockStatus, RenderPlan, Script

_SUBJECTS = ["The keeper", "Old Marguerite", "A fisherman from the harbour", "The youngest of the three sisters",
             "Doctor Abernathy", "The boy with the lantern", "Nobody in the village", "The ferry captain",
             "Her grandmother", "The stranger in the grey coat", "The schoolteacher", "A flock of gulls"]
_VERBS = ["climbed", "remembered", "counted", "carried", "refused", "painted", "whispered about", "searched for",
          "mended", "followed", "forgot", "watched"]
_OBJECTS = ["the spiral stairs", "the letters hidden under the floorboards", "every boat that left the bay",
            "a basket of wet nets", "the last train to the city", "the chapel door", "the long road north",
            "the tide tables pinned by the window", "a broken compass", "the lights across the water",
            "the names on the war memorial", "the smell of tar and rain"]
_TAILS = ["before the storm arrived", "while the kettle sang", "as if nothing had happened", "for the third time",
          "without a word to anyone", "long after midnight", "in the thin grey light of dawn",
          "because someone had to", "until his hands were numb", "and then, quite suddenly, stopped"]


def paragraphs(count: int = 40, seed: int = 17) -> list[str]:
    """``count`` different paragraphs of one to five sentences each."""
    rng = random.Random(seed)
    made: list[str] = []
    seen: set[str] = set()
    while len(made) < count:
        sentences = []
        for _ in range(rng.randint(1, 5)):
            sentence = f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} {rng.choice(_TAILS)}"
            if rng.random() < 0.3:
                sentence += f", {rng.randint(2, 97)} years after the fire"
            sentences.append(sentence + rng.choice([".", ".", ".", "!", "?"]))
        paragraph = " ".join(sentences)
        if paragraph not in seen:
            seen.add(paragraph)
            made.append(paragraph)
    return made


def script_text(count: int = 40) -> str:
    return "\n\n".join(paragraphs(count))


def _speech(text: str, request_id: str | None = None, age: float = 0.0) -> CachedSpeech:
    return CachedSpeech(pcm=b"\0\0" * 10, sample_rate=24_000, request_id=request_id,
                        created_unix=time.time() - age, character_cost=float(len(text)))


def generate_all(script: Script, plan: RenderPlan, cache: set[str], ids: bool = False, age: float = 0.0) -> None:
    """What a render does: store every requested part, record a take per block."""
    cache.update(spec.key for spec in plan.requests)
    for block in plan.blocks:
        if block.status in (BlockStatus.CACHED, BlockStatus.NEEDS_GENERATION):
            speeches = [_speech(p.text, f"req-{block.index}-{p.index}" if ids else None, age) for p in block.parts]
            script.add_take(block.block_id, plan.take_from(block.block_id, speeches))
