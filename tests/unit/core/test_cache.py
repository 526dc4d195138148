"""The speech cache: keys, round trip, corruption, LRU eviction, atomic writes, threads."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np

from studio.api.models import CharacterAlignment, VoiceSettings
from studio.core.cache import CachedSpeech, SpeechCache, default_cache_dir


def _speech(n: int = 2400, value: int = 1000) -> CachedSpeech:
    pcm = (np.arange(n, dtype=np.int32) % 200 * value // 200).astype("<i2").tobytes()
    alignment = CharacterAlignment(
        characters=list("Hi."), character_start_times_seconds=[0.0, 0.05, 0.08],
        character_end_times_seconds=[0.05, 0.08, 0.1],
    )
    return CachedSpeech(pcm=pcm, sample_rate=24000, alignment=alignment, request_id="req-1", character_cost=3)


def _key(text: str = "Hi.", **changes: object) -> str:
    args: dict[str, object] = dict(
        text=text, voice_id="v1", model_id="m1", settings=VoiceSettings(stability=0.5, speed=1.0),
        seed=7, output_format="pcm_24000", engine_id="elevenlabs",
    )
    args.update(changes)
    return SpeechCache.key_for(**args)  # type: ignore[arg-type]


def test_key_depends_on_everything_that_shapes_the_audio() -> None:
    base = _key()
    assert base == _key()  # stable
    variants = [
        _key("Hi!"), _key(voice_id="v2"), _key(model_id="m2"),
        _key(settings=VoiceSettings(stability=0.51, speed=1.0)), _key(seed=8), _key(seed=None),
        _key(output_format="pcm_22050"), _key(engine_id="offline"), _key(extra={"language_code": "de"}),
    ]
    assert len({base, *variants}) == len(variants) + 1
    # Equal settings written differently give the same key; unset keys are ignored.
    assert _key(settings=VoiceSettings(speed=1.0, stability=0.5)) == base
    assert _key(settings={"stability": 0.5, "speed": 1.0, "style": None}) == base


def test_round_trip(tmp_path: Path) -> None:
    cache = SpeechCache(tmp_path)
    key = _key()
    assert cache.get(key) is None
    speech = _speech()
    assert cache.put(key, speech)
    got = cache.get(key)
    assert got is not None
    assert got.pcm == speech.pcm and got.sample_rate == 24000
    assert got.alignment == speech.alignment
    assert got.request_id == "req-1" and got.character_cost == 3
    assert key in cache
    assert (cache.stats.hits, cache.stats.misses, cache.stats.puts) == (1, 1, 1)


def test_default_location_follows_xdg_cache_home(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "narration-studio" / "speech"
    cache = SpeechCache()
    cache.put(_key(), _speech())
    assert list((tmp_path / "xdg" / "narration-studio" / "speech").rglob("*.speech"))


def test_corrupt_entry_is_detected_removed_and_reported(tmp_path: Path) -> None:
    cache = SpeechCache(tmp_path)
    key = _key()
    cache.put(key, _speech())
    path = cache.path_for(key)
    blob = bytearray(path.read_bytes())
    blob[-10] ^= 0xFF  # one flipped bit in the audio
    path.write_bytes(bytes(blob))
    assert cache.verify() == (0, 1)
    assert cache.get(key) is None
    assert cache.stats.corrupt == 1
    assert not path.exists()
    # A truncated entry too.
    cache.put(key, _speech())
    path.write_bytes(path.read_bytes()[:-100])
    assert cache.get(key) is None and cache.stats.corrupt == 2
    # Garbage header.
    cache.put(key, _speech())
    path.write_bytes(b"NSC1\xff\xff\xff\xffnonsense")
    assert cache.get(key) is None and cache.stats.corrupt == 3


def test_a_good_entry_stored_while_a_damaged_one_is_read_is_kept(tmp_path: Path) -> None:
    """Playback reads a damaged entry while generation stores the new take: the new take stays."""
    cache = SpeechCache(tmp_path)
    key = _key()
    cache.put(key, _speech())
    path = cache.path_for(key)
    path.write_bytes(path.read_bytes()[:-100])  # damaged
    decode = SpeechCache._decode

    def decode_while_another_thread_stores(blob: bytes) -> CachedSpeech | None:
        # The other thread's put() lands between this reader's read and its verdict.
        assert SpeechCache(tmp_path).put(key, _speech(value=2000))
        return decode(blob)

    cache._decode = decode_while_another_thread_stores  # type: ignore[method-assign]
    assert cache.get(key) is None and cache.stats.corrupt == 1
    del cache._decode
    got = cache.get(key)
    assert got is not None and got.pcm == _speech(value=2000).pcm


def test_lru_eviction_keeps_recently_used(tmp_path: Path) -> None:
    one = len(_speech().pcm) + 600  # header overhead is a few hundred bytes
    cache = SpeechCache(tmp_path, max_bytes=3 * one)
    keys = [_key(f"text {i}") for i in range(3)]
    for age, key in enumerate(keys):
        cache.put(key, _speech())
        os.utime(cache.path_for(key), (1000 + age, 1000 + age))
    assert cache.get(keys[0]) is not None  # touch the oldest: now most recent
    cache.put(_key("text 3"), _speech())
    assert keys[0] in cache
    assert keys[1] not in cache  # least recently used went first
    assert keys[2] in cache
    assert cache.stats.evictions == 1
    assert cache.size_bytes() <= 3 * one


def test_atomic_write_leaves_no_temporary_files(tmp_path: Path) -> None:
    cache = SpeechCache(tmp_path)
    keys = [_key(f"t{i}") for i in range(5)]
    for key in keys:
        cache.put(key, _speech())
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == sorted(f"{k}.speech" for k in keys)


def test_put_into_an_unwritable_place_reports_false(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    cache = SpeechCache(blocker / "cache")
    assert cache.put(_key(), _speech()) is False
    assert cache.stats.write_failures == 1


def test_many_threads_share_one_cache(tmp_path: Path) -> None:
    cache = SpeechCache(tmp_path, max_bytes=40 * (len(_speech().pcm) + 600))
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for i in range(30):
                key = _key(f"w{worker % 3} {i}")
                cache.put(key, _speech(value=1000 + i))
                got = cache.get(key)
                if got is not None:  # may be evicted by a neighbour; never half-read
                    assert got.pcm == _speech(value=1000 + i).pcm
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    good, damaged = cache.verify()
    assert damaged == 0 and good > 0
    assert cache.size_bytes() <= cache.max_bytes
