"""Benchmark of pronunciation rules on a long script. Prints ONE JSON line.

A 200,000-character script (the same generator as ``bench/plan.py``) and a dictionary of
``--rules`` alias rules (half for words of the script, half for words it never uses):

* ``rewrites_ms``: :func:`studio.core.pronunciation.rewrites` over every paragraph.
* ``plan_plain_ms`` / ``plan_with_rules_ms``: ``plan_render`` without rules, and with the rules
  applied on our side (``RenderSettings.rewriter``): what a rule set adds to each recount/Play.
* ``requests_after_new_rule``: requests the plan needs after one rule for a word of one
  paragraph is added to a fully cached script (must equal the paragraphs holding the word).

Each figure is the median of ``--repeat`` runs (default 5). Usage: ``.venv/bin/python bench/pronunciation.py``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.plan import _median_ms, _script_text  # noqa: E402
from studio.api.models import Model  # noqa: E402
from studio.core.cache import CachedSpeech, SpeechCache  # noqa: E402
from studio.core.pronunciation import AliasRule, PronunciationDictionary, rewrites  # noqa: E402
from studio.core.pronunciation.context import local  # noqa: E402
from studio.core.script import Capabilities, RenderSettings, Script, plan_render  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--characters", type=int, default=200_000)
    parser.add_argument("--rules", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    text = _script_text(args.characters)
    paragraphs = text.split("\n\n")
    used = sorted({w.strip(".!?").lower() for w in text.split()} - {""})[: args.rules // 2]
    unused = [f"Zork{n}" for n in range(args.rules - len(used))]
    names = PronunciationDictionary("bench", "bench", tuple(AliasRule(w, w[::-1], case_sensitive=False)
                                                            for w in used + unused))
    model = Model(model_id="eleven_multilingual_v2", max_characters_request_free_user=10_000,
                  max_characters_request_subscribed_user=10_000)
    caps = Capabilities("elevenlabs", model.model_id, model, "creator")
    plain = RenderSettings(voice_id="voice", model_id=model.model_id)
    ruled = RenderSettings(voice_id="voice", model_id=model.model_id, rewriter=local([names]).rewriter(caps))
    rewrites_ms = _median_ms(lambda: [rewrites(p, [names], caps) for p in paragraphs], args.repeat)
    with tempfile.TemporaryDirectory() as folder:
        cache = SpeechCache(Path(folder))
        script = Script.from_text(text)
        plan_plain_ms = _median_ms(lambda: plan_render(script, plain, caps, cache), args.repeat)
        plan_rules_ms = _median_ms(lambda: plan_render(script, ruled, caps, cache), args.repeat)
        speech = CachedSpeech(pcm=b"\0\0" * 8, sample_rate=24_000)
        for spec in plan_render(script, ruled, caps, cache).requests:
            cache.put(spec.key, speech)
        target = f"{len(paragraphs) // 2}."  # the number that starts one paragraph only
        more = names.with_rule(AliasRule(target, "the middle one"))
        after = plan_render(script, RenderSettings(voice_id="voice", model_id=model.model_id,
                                                   rewriter=local([more]).rewriter(caps)), caps, cache)
    print(json.dumps({
        "characters": len(text), "paragraphs": len(paragraphs), "rules": len(names.rules),
        "rewrites_ms": rewrites_ms, "plan_plain_ms": plan_plain_ms, "plan_with_rules_ms": plan_rules_ms,
        "requests_after_new_rule": after.requests_needed,
    }))


if __name__ == "__main__":
    main()
