"""The outline's figures per chapter, read off the one render plan: paragraphs still to make,
and the length of the audio already there, from the cache entries' headers."""

from __future__ import annotations

from pathlib import Path

from studio.core.cache import CachedSpeech, SpeechCache
from studio.core.chapter_figures import chapter_figures
from studio.core.script import Block, Capabilities, RenderSettings, Script, plan_render

CAPS = Capabilities("elevenlabs", "eleven_multilingual_v2", None, "creator")
SETTINGS = RenderSettings(voice_id="JBFqnCBsd6RMkjVDRZzb", model_id="eleven_multilingual_v2", seed=1234,
                          output_format="pcm_24000")


def _script() -> Script:
    return Script([Block("Before."), Block("Chapter 1", chapter="Chapter 1"), Block("The sea."), Block("* * *"),
                   Block("Chapter 2", chapter="Chapter 2"), Block("Morning.")])


def test_figures_count_what_is_still_to_make_and_sum_what_is_made(tmp_path: Path) -> None:
    cache = SpeechCache(tmp_path / "cache")
    script = _script()
    plan = plan_render(script, SETTINGS, CAPS, cache)
    figures = chapter_figures(plan, cache)
    assert [(f.spoken, f.to_make, f.seconds_made) for f in figures] == [(1, 1, 0.0), (2, 2, 0.0), (2, 2, 0.0)]
    # Chapter 1's paragraphs are made (1.5 s and 0.5 s of 24 kHz audio); "* * *" has nothing to speak.
    made = {"Chapter 1": 36000, "The sea.": 12000}
    for block in plan.blocks:
        if block.text in made:
            for part in block.parts:
                assert part.key is not None
                cache.put(part.key, CachedSpeech(pcm=b"\0\0" * made[block.text], sample_rate=24000))
    plan = plan_render(script, SETTINGS, CAPS, cache)
    figures = chapter_figures(plan, cache)
    assert [f.chapter_id for f in figures] == [c.id for c in script.chapters()]
    one = figures[1]
    assert (one.spoken, one.to_make, one.complete) == (2, 0, True) and abs(one.seconds_made - 2.0) < 1e-9
    assert not figures[2].complete and figures[2].to_make == 2


def test_seconds_reads_the_header_only_and_says_none_for_what_is_not_there(tmp_path: Path) -> None:
    cache = SpeechCache(tmp_path / "cache")
    key = "ab" * 16
    assert cache.seconds(key) is None
    assert cache.put(key, CachedSpeech(pcm=b"\0\0" * 22050, sample_rate=22050))
    assert cache.seconds(key) == 1.0
    cache.path_for("cd" * 16).parent.mkdir(parents=True, exist_ok=True)
    cache.path_for("cd" * 16).write_bytes(b"not an entry")
    assert cache.seconds("cd" * 16) is None
