"""The offline engine with real Piper synthesis: chunks, timings, settings, seeds, bad input."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest

from studio.api.models import SpeechChunk, VoiceSettings
from studio.cancel import CancelToken
from studio.offline.engine import OfflineEngine, get_engine
from studio.offline.errors import EmptyTextError, OfflineEngineError
from studio.text_rules import is_speakable

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def engine() -> OfflineEngine:
    return get_engine()


class Take:
    def __init__(self, chunks: list[SpeechChunk], rate: int) -> None:
        self.chunks = chunks
        self.rate = rate
        self.pcm = np.frombuffer(b"".join(c.audio for c in chunks), dtype="<i2")
        self.chars: list[str] = []
        self.starts: list[float] = []
        self.ends: list[float] = []
        self.spoken = ""
        for chunk in chunks:
            assert chunk.alignment is not None and chunk.normalized_alignment is not None
            self.chars += chunk.alignment.characters
            self.starts += chunk.alignment.character_start_times_seconds
            self.ends += chunk.alignment.character_end_times_seconds
            self.spoken += "".join(chunk.normalized_alignment.characters)

    @property
    def seconds(self) -> float:
        return len(self.pcm) / self.rate

    def span(self, text: str, piece: str) -> tuple[float, float]:
        i = text.index(piece)
        return self.starts[i], self.ends[i + len(piece) - 1]

    def rms(self, t0: float, t1: float) -> float:
        part = self.pcm[int(t0 * self.rate) : int(t1 * self.rate)].astype(np.float64)
        return float(np.sqrt(np.mean(part**2))) if part.size else 0.0


def speak(engine: OfflineEngine, text: str, **kwargs: object) -> Take:
    return Take(list(engine.stream(text, **kwargs)), engine.sample_rate)  # type: ignore[arg-type]


def check_covers(take: Take, text: str) -> None:
    """Every character of the text has a time; times never go backwards; they fit the audio."""
    assert "".join(take.chars) == text
    assert len(take.starts) == len(take.ends) == len(text)
    assert all(a <= b for a, b in zip(take.starts, take.starts[1:]))
    assert all(a <= b for a, b in zip(take.ends, take.ends[1:]))
    assert all(s <= e for s, e in zip(take.starts, take.ends))
    assert take.starts[0] >= 0
    assert take.ends[-1] == pytest.approx(take.seconds, abs=0.002)


def test_engine_is_cached_per_voice_and_loaded_once(engine: OfflineEngine) -> None:
    results: list[OfflineEngine] = []
    threads = [threading.Thread(target=lambda: results.append(get_engine())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(result is engine for result in results)
    assert engine.is_loaded and engine.sample_rate == 22050


def test_unknown_voice_id_is_a_clear_error() -> None:
    with pytest.raises(OfflineEngineError, match="not found"):
        get_engine("offline-no-such-voice")


def test_streams_sentence_by_sentence_with_absolute_times(engine: OfflineEngine) -> None:
    text = "Dr. Smith paid $1,200 on Monday. Mr. Jones didn't! Was it fair?"
    take = speak(engine, text, seed=1)
    # Three sentences: "Dr." and "Mr." do not end one.
    assert ["".join(c.alignment.characters) for c in take.chunks] == [  # type: ignore[union-attr]
        "Dr. Smith paid $1,200 on Monday. ", "Mr. Jones didn't! ", "Was it fair?",
    ]
    check_covers(take, text)
    # Times are absolute: each chunk starts where the audio before it ended.
    offset = 0.0
    for chunk in take.chunks:
        assert chunk.alignment.character_start_times_seconds[0] >= offset - 1e-3  # type: ignore[union-attr]
        offset += len(chunk.audio) / 2 / engine.sample_rate
        assert chunk.alignment.character_end_times_seconds[-1] == pytest.approx(offset, abs=0.002)  # type: ignore[union-attr]
    assert len(take.pcm) > 0 and np.abs(take.pcm).max() > 10_000


def test_money_spans_the_whole_time_it_is_spoken(engine: OfflineEngine) -> None:
    text = "He paid $1,200 today."
    take = speak(engine, text, seed=2)
    check_covers(take, text)
    paid = take.span(text, "paid")
    money = take.span(text, "$1,200")
    today = take.span(text, "today")
    # "one thousand two hundred dollars" is several words: far longer than one short word.
    assert money[1] - money[0] > 2.5 * (paid[1] - paid[0])
    assert paid[1] <= money[0] and money[1] <= today[0]
    assert "one thousand two hundred dollars" in take.spoken
    assert "doctor" in speak(engine, "Dr. Who.", seed=2).spoken


def test_pauses_fall_on_punctuation_and_words_on_speech(engine: OfflineEngine) -> None:
    text = "We waited. Then, silence fell."
    take = speak(engine, text, seed=3)
    check_covers(take, text)
    for word in ("waited", "Then", "silence"):
        start, end = take.span(text, word)
        assert take.rms(start, end) > 1500, word
    for pause in (". ", ", "):
        start, end = take.span(text, pause)
        assert end - start > 0.05
        assert take.rms(start, end) < 400, pause


def test_same_seed_same_take_and_no_seed_varies(engine: OfflineEngine) -> None:
    text = "A seed makes this take come out the same."
    first = speak(engine, text, seed=1234)
    again = speak(engine, text, seed=1234)
    other = speak(engine, text, seed=99)
    assert first.pcm.tobytes() == again.pcm.tobytes()
    assert first.starts == again.starts and first.ends == again.ends
    assert other.pcm.tobytes() != first.pcm.tobytes()
    unseeded = [speak(engine, text).pcm.tobytes() for _ in range(2)]
    assert unseeded[0] != unseeded[1]


def test_speed_changes_length_and_stability_changes_the_take(engine: OfflineEngine) -> None:
    text = "Speed and stability both change how this sentence sounds."
    slow = speak(engine, text, seed=5, settings=VoiceSettings(speed=0.7))
    normal = speak(engine, text, seed=5, settings=VoiceSettings(speed=1.0))
    fast = speak(engine, text, seed=5, settings=VoiceSettings(speed=1.2))
    assert slow.seconds > normal.seconds * 1.2
    assert fast.seconds < normal.seconds * 0.92
    steady = speak(engine, text, seed=5, settings=VoiceSettings(stability=1.0))
    lively = speak(engine, text, seed=5, settings=VoiceSettings(stability=0.0))
    assert steady.pcm.tobytes() != lively.pcm.tobytes()
    params_steady = engine.synthesis_params(VoiceSettings(stability=1.0))
    params_lively = engine.synthesis_params(VoiceSettings(stability=0.0))
    assert params_steady.noise_scale < params_lively.noise_scale
    assert params_steady.noise_w < params_lively.noise_w
    default = engine.synthesis_params(None)
    assert default.noise_scale == pytest.approx(0.667) and default.length_scale == 1.0


def test_settings_without_an_offline_meaning_are_reported(engine: OfflineEngine) -> None:
    unsupported = engine.unsupported_settings()
    assert set(unsupported) == {"similarity_boost", "style", "use_speaker_boost"}
    assert all(len(reason) > 20 for reason in unsupported.values())


@pytest.mark.parametrize("text", ["", "   ", "\n\t  \n", "♥", "* * *", "!!!", "😀"])
def test_text_with_nothing_to_speak_is_a_clear_error(engine: OfflineEngine, text: str) -> None:
    """The studio's one "anything to speak" rule (studio.text_rules), as the server and segmenter."""
    with pytest.raises(EmptyTextError) as caught:
        engine.stream(text)
    assert "nothing to speak" in str(caught.value)


def test_a_lone_currency_sign_is_spoken(engine: OfflineEngine) -> None:
    chunks = list(engine.stream("€", seed=3))
    assert sum(len(c.audio) for c in chunks) / 2 / engine.sample_rate > 0.3  # "euros", not a pause
    assert "".join(ch for c in chunks for ch in c.alignment.characters) == "€"


@pytest.mark.parametrize("text,sentences", [
    ("She got an a. Then it rained.", ["She got an a. ", "Then it rained."]),
    ("Approx. ten minutes passed.", ["Approx. ten minutes passed."]),
])
def test_chunks_follow_the_shared_sentence_rule(engine: OfflineEngine, text: str, sentences: list[str]) -> None:
    chunks = list(engine.stream(text, seed=3))
    assert ["".join(c.alignment.characters) for c in chunks] == sentences


def test_seed_out_of_range_is_refused(engine: OfflineEngine) -> None:
    with pytest.raises(OfflineEngineError, match="seed"):
        engine.stream("Hello.", seed=2**32)


@pytest.mark.parametrize(
    "text",
    [
        "I love it 😀👍🏽 and ❤️ too. 👨‍👩‍👧",
        "Arabic: مرحبا بالعالم. Hebrew: שלום עולם.",
        "Chinese 你好世界。Japanese こんにちは。",
        "Bell\x07 null\x00 escape\x1b tab\t and\r\n newline.",
        "A lone surrogate \ud800 here.",
        "Raw [[ phonemes ]] are not phonemes.",
        "ⅷ ∑ ∞ ©",
    ],
    # A lone emoji or "..." has nothing to speak: test_text_with_nothing_to_speak_is_a_clear_error.
    ids=["emoji", "rtl", "cjk", "control", "surrogate", "brackets", "symbols"],
)
def test_odd_input_is_spoken_or_skipped_and_fully_timed(engine: OfflineEngine, text: str) -> None:
    take = speak(engine, text, seed=7)
    check_covers(take, text)
    assert take.seconds > 0


def test_cancel_between_sentences(engine: OfflineEngine) -> None:
    token = CancelToken()
    text = " ".join(f"This is sentence number {n}." for n in range(1, 30))
    received = []
    for chunk in engine.stream(text, cancel=token):
        received.append(chunk)
        token.cancel()
    assert len(received) == 1


def test_cancel_from_another_thread_stops_promptly(engine: OfflineEngine) -> None:
    token = CancelToken()
    text = " ".join(f"Here is a rather long sentence, number {n}, that takes a while." for n in range(60))
    chunks = engine.stream(text, cancel=token)
    first = next(chunks)
    assert first.audio
    timer = threading.Timer(0.05, token.cancel)
    timer.start()
    started = time.perf_counter()
    rest = list(chunks)
    elapsed = time.perf_counter() - started
    timer.join()
    assert len(rest) < 30
    assert elapsed < 5.0  # generous: the point is it stops, not how fast this machine is


def test_two_threads_can_speak_at_once(engine: OfflineEngine) -> None:
    texts = ["The first voice speaks here. And again.", "The second one talks over it. Twice."]
    takes: dict[int, Take] = {}
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            takes[i] = speak(engine, texts[i], seed=11)
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    for i in range(2):
        check_covers(takes[i], texts[i])
        assert takes[i].pcm.tobytes() == speak(engine, texts[i], seed=11).pcm.tobytes()


def test_nearly_every_sound_of_ordinary_english_finds_its_word(engine: OfflineEngine) -> None:
    from studio.offline import alignment as align
    from studio.offline.espeak_events import word_events
    from studio.offline.sentences import split_sentences

    text = (
        "The keeper climbed 112 steps at dusk. Dr. Alvarez visited twice a year; Mr. Okafor "
        "said it kept her honest. In 1987 the lamp was automated, and she was paid $1,200 a "
        "month to watch the radio within 3.5 miles of the reef."
    )
    total = mapped = 0
    for sentence in split_sentences(text):
        phonemes: list[str] = []
        for part in engine._phonemizer.phonemize(sentence.text):  # type: ignore[union-attr]
            phonemes += ([" "] if phonemes else []) + part
        words = word_events(sentence.text, engine.voice.espeak_voice)
        owners = align.map_phonemes_to_words(phonemes, words)
        sounds = [o for p, o in zip(phonemes, owners) if p not in align.SEPARATORS]
        total += len(sounds)
        mapped += sum(o >= 0 for o in sounds)
        known = [o for o in owners if o >= 0]
        assert known == sorted(known)  # words are spoken in order
    assert total > 150
    assert mapped / total >= 0.98


def test_a_seeded_take_is_the_same_in_another_process(engine: OfflineEngine) -> None:
    import hashlib
    import subprocess
    import sys

    text = "Reproducible across processes, with a seed. Twice!"
    here = hashlib.sha256(speak(engine, text, seed=42).pcm.tobytes()).hexdigest()
    code = (
        "import hashlib\n"
        "from studio.offline.engine import get_engine\n"
        f"chunks = get_engine().stream({text!r}, seed=42)\n"
        "print(hashlib.sha256(b''.join(c.audio for c in chunks)).hexdigest())\n"
    )
    root = Path(__file__).resolve().parents[3]
    there = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120, cwd=root
    )
    assert there.stdout.strip() == here


def test_random_mixed_script_text_never_crashes_and_is_fully_timed(engine: OfflineEngine) -> None:
    import random

    pools = [
        "abcdefghij ABC .,!?;:'\"-()[]{}", "0123456789$€£%/,.", "مرحبا שלום", "你好世界。！",
        "😀👍🏽❤️\u200d\ufe0f", "\x00\x07\x1b\r\n\t\u200f\u202e\ufeff\xad", "éüñçøå\u0301", "ⅷ∑∞©®™°±×÷",
    ]
    rng = random.Random(20261121)
    spoken = 0
    for _ in range(12):
        text = "".join(rng.choice(rng.choice(pools)) for _ in range(rng.randint(1, 20)))
        if not is_speakable(text):
            with pytest.raises(EmptyTextError):
                engine.stream(text)
            continue
        check_covers(speak(engine, text, seed=1), text)
        spoken += 1
    assert spoken >= 9


def test_cleaning_keeps_every_offset() -> None:
    from studio.offline.engine import clean_for_speech

    text = "a\x00b\x07c[[d]]\ud800e\u200d\ufe0f\tf\ng\ue000"
    cleaned = clean_for_speech(text)
    assert len(cleaned) == len(text)
    assert cleaned == "a b c((d)) e\u200d\ufe0f\tf\ng "
    cleaned.encode("utf-8")  # no lone surrogate left for espeak's C string
