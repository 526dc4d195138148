"""The phoneme → word → character mapping, on synthetic data (no model needed)."""

from __future__ import annotations

from studio.offline import alignment as align
from studio.offline.espeak_events import WordEvent, _words_from_events

ID_MAP = {"_": [0], "^": [1], "$": [2], " ": [3], ".": [10], "a": [14], "b": [15], "k": [23], "ˈ": [120]}


def test_ids_with_owners_follow_pipers_layout_and_skip_unknown_phonemes() -> None:
    ids, owners = align.phoneme_ids_with_owners(["a", "?", "b"], ID_MAP)
    # ^ _ a _ b _ $   ("?" is not in the map: dropped, as piper drops it)
    assert ids == [1, 0, 14, 0, 15, 0, 2]
    assert owners == [align.LEAD, align.LEAD, 0, 0, 2, 2, align.TAIL]


def test_sample_ranges_per_phoneme() -> None:
    owners = [align.LEAD, align.LEAD, 0, 0, 2, 2, align.TAIL]
    samples = [256, 256, 512, 0, 768, 256, 512]
    ranges, lead_end, total = align.phoneme_sample_ranges(owners, samples, 3)
    assert ranges == [(512, 1024), None, (1024, 2048)]
    assert lead_end == 512
    assert total == 2560


def test_words_from_espeak_events_use_zero_based_offsets() -> None:
    raw = [(1, 1, 2, ""), (7, 1, 0, "h"), (7, 1, 0, "ˈaɪ"), (7, 3, 0, ""), (1, 4, 5, ""), (7, 4, 0, "ðɛɹ")]
    words = _words_from_events(raw)
    assert [(w.start, w.length, w.phonemes) for w in words] == [(0, 2, "hˈaɪ"), (3, 5, "ðɛɹ")]


def test_phonemes_map_to_words_even_when_streams_differ_slightly() -> None:
    words = [WordEvent(0, 2, "hˈaɪ"), WordEvent(3, 5, "ðɛɹ")]
    # Piper's stream has a space and a period espeak's events lack, and an extra "ə".
    phonemes = ["h", "ˈ", "a", "ɪ", " ", "ð", "ɛ", "ə", "ɹ", "."]
    assert align.map_phonemes_to_words(phonemes, words) == [0, 0, 0, 0, -1, 1, 1, 1, 1, -1]


def test_overlapping_words_merge_so_a_number_spans_all_its_time() -> None:
    text = "paid $1,200 now"
    # espeak's reading of "$1,200": four words at overlapping offsets.
    words = [
        WordEvent(0, 4, "p"), WordEvent(5, 1, "d"), WordEvent(6, 2, "w"),
        WordEvent(7, 2, "θ"), WordEvent(8, 3, "t"), WordEvent(12, 3, "n"),
    ]
    times = {0: (0.1, 0.4), 1: (0.5, 0.8), 2: (0.8, 1.0), 3: (1.0, 1.4), 4: (1.4, 2.0), 5: (2.1, 2.5)}
    groups = align.word_groups(text, words, times)
    assert [(text[g.start : g.end], g.t0, g.t1) for g in groups] == [
        ("paid", 0.1, 0.4), ("$1,200", 0.5, 2.0), ("now", 2.1, 2.5),
    ]


def test_words_spoken_out_of_text_order_fold_into_one_group() -> None:
    text = "ab cd"
    words = [WordEvent(0, 2, "a"), WordEvent(3, 2, "c")]
    groups = align.word_groups(text, words, {0: (1.0, 2.0), 1: (0.2, 0.9)})
    assert [(g.start, g.end, g.t0, g.t1) for g in groups] == [(0, 5, 0.2, 2.0)]


def test_apostrophes_and_abbreviation_periods_join_their_word() -> None:
    text = "Dr. didn't"
    words = [WordEvent(0, 2, "d"), WordEvent(4, 4, "d")]
    groups = align.word_groups(text, words, {0: (0.0, 0.3), 1: (0.4, 0.7)}, frozenset({"dr"}))
    assert [text[g.start : g.end] for g in groups] == ["Dr.", "didn't"]


def test_spans_tile_the_text_and_never_go_backwards() -> None:
    groups = [align.TimedSpan(2, 4, 0.5, 1.0, True), align.TimedSpan(6, 9, 1.2, 2.0, True)]
    spans = align.spans_for_text(11, groups, 0.1, 2.5)
    assert spans[0].start == 0 and spans[-1].end == 11
    for a, b in zip(spans, spans[1:]):
        assert a.end == b.start
        assert a.t1 <= b.t0 + 1e-12
    assert [(s.start, s.end, s.spoken) for s in spans] == [
        (0, 2, False), (2, 4, True), (4, 6, False), (6, 9, True), (9, 11, False),
    ]
    assert spans[-1].t1 == 2.5


def test_text_with_no_timed_words_spreads_over_the_audio() -> None:
    spans = align.spans_for_text(5, [], 0.2, 1.2)
    assert [(s.start, s.end, s.t0, s.t1) for s in spans] == [(0, 5, 0.2, 1.2)]


def test_spread_and_monotonic() -> None:
    starts, ends = align.spread(4, 1.0, 2.0)
    assert starts == [1.0, 1.25, 1.5, 1.75] and ends == [1.25, 1.5, 1.75, 2.0]
    s, e = [0.0, 0.5, 0.4, 0.9], [0.5, 0.45, 0.6, 0.8]
    align.make_monotonic(s, e)
    assert s == sorted(s) and e == sorted(e)
    assert all(a <= b for a, b in zip(s, e))
