"""The listen-check's comparison of script and heard words (heard words given, no audio)."""

from __future__ import annotations

from studio.core.listen_check import check_text
from studio.core.listen_check.check import check_parts
from studio.core.listen_check.compare import align_tokens, near
from studio.core.listen_check.words import script_words
from studio.offline.recognizer import HeardWord

SCRIPT = (
    "The lighthouse keeper climbed the stairs every evening at 7. "
    "Nobody had seen the ship since Tuesday, Dr. Smith said."
)
CLEAN = "the lighthouse keeper climbed the stairs every evening at seven nobody had seen the ship since tuesday doctor smith said"


def heard(words: str) -> list[HeardWord]:
    return [HeardWord(w, i * 0.3, i * 0.3 + 0.25) for i, w in enumerate(words.split())]


def kinds(check) -> list[tuple[str, str, str]]:
    return [(f.kind, f.expected, f.heard) for f in check.flags]


def test_clean_take_has_no_flags_and_full_score() -> None:
    check = check_text(SCRIPT, heard(CLEAN))
    assert check.flags == () and check.score == 1.0 and check.words == 20


def test_numbers_abbreviations_and_aliases_are_normalised_on_both_sides() -> None:
    words = script_words("At 7, Dr. Nguyen paid $4,250.", {"Nguyen": "win"})
    assert [w.spoken for w in words] == [
        ("at",), ("seven",), ("doctor",), ("win",), ("paid",), ("four", "thousand", "two", "hundred", "fifty", "dollars"),
    ]
    said = "at seven dr win four thousand two hundred fifty dollars"  # the recogniser wrote "dr"
    assert check_text("At 7, Dr. Nguyen paid $4,250.", heard(said.replace("win", "win paid")),
                      {"Nguyen": "win"}).flags == ()


def test_recogniser_noise_is_not_flagged() -> None:
    noisy = CLEAN.replace("climbed", "climb").replace("lighthouse", "light house").replace(" the ship", " ship")
    assert check_text(SCRIPT, heard(noisy)).flags == ()
    assert near("climb", "climbed") and near("their", "there") and not near("tuesday", "thursday")


def test_misread_word_is_flagged_with_what_was_heard_and_its_span() -> None:
    check = check_text(SCRIPT, heard(CLEAN.replace("tuesday", "thursday")))
    assert kinds(check) == [("misread", "Tuesday", "thursday")]
    flag = check.flags[0]
    assert SCRIPT[flag.start : flag.end] == "Tuesday"
    assert (flag.time_start, flag.time_end) == (16 * 0.3, 16 * 0.3 + 0.25)
    assert check.score < 1.0


def test_skipped_sentence_is_one_flag_over_the_sentence() -> None:
    text = SCRIPT + " The sea was calm."
    check = check_text(text, heard(CLEAN))
    assert kinds(check) == [("skipped", "The sea was calm", "")]
    assert check.flags[0].whole_sentence
    assert "Skipped sentence" in check.flags[0].describe()


def test_repeated_phrase_is_flagged_as_repeated_on_the_words_repeated() -> None:
    check = check_text(SCRIPT, heard(CLEAN.replace("every evening", "every evening every evening")))
    assert kinds(check) == [("repeated", "every evening", "every evening")]


def test_inserted_words_are_flagged_on_the_word_before() -> None:
    check = check_text(SCRIPT, heard(CLEAN.replace("keeper", "keeper banana bread")))
    assert kinds(check) == [("inserted", "", "banana bread")]
    assert SCRIPT[check.flags[0].start : check.flags[0].end] == "keeper"


def test_truncated_end_is_a_skip_of_the_last_words() -> None:
    check = check_text(SCRIPT, heard(CLEAN.rsplit(" since", 1)[0]))
    assert kinds(check) == [("skipped", "since Tuesday, Dr. Smith said", "")]


def test_a_lone_function_word_slip_is_not_flagged_but_two_are() -> None:
    assert check_text(SCRIPT, heard(CLEAN.replace("at seven", "seven"))).flags == ()
    assert check_text(SCRIPT, heard(CLEAN.replace("keeper", "keeper of the"))).flags != ()


def test_paragraphs_share_out_flags_and_scores() -> None:
    text = "One small step.\n\nA giant leap for mankind."
    checks = check_parts(text, heard("one small step a giant leap for"), [(0, 15), (17, len(text))])
    assert checks[0].flags == () and checks[0].score == 1.0
    assert [f.expected for f in checks[1].flags] == ["mankind"] and checks[1].score == 0.8


def test_alignment_uses_every_token_once() -> None:
    steps = align_tokens(list("abcdef"), list("abxdeeg"))
    assert sorted(i for s in steps for i in s.s) == list(range(6))
    assert sorted(j for s in steps for j in s.h) == list(range(7))


def test_a_written_number_read_another_way_is_not_flagged() -> None:
    text = "In 1987 the keeper was paid $1,200 a month."
    said = "in nineteen hundred eighty seven the keeper was paid dollar one thousand two hundred a month"
    assert check_text(text, heard(said)).flags == ()
    # …but a different number is a misread, and number words away from a number are extras.
    wrong = check_text(text, heard(said.replace("keeper was", "keeper seven was").replace("dollar one", "nine")))
    assert {f.kind for f in wrong.flags} == {"inserted", "misread"}


def test_a_check_is_saved_with_its_take_and_kept_when_the_same_audio_comes_back() -> None:
    import json

    from studio.core.listen_check import ListenCheck
    from studio.core.script import Script, Take, TakePart
    from studio.core.script.records import blocks_to_json, script_from_json

    script = Script.from_text(SCRIPT)
    take = Take("t1", SCRIPT, (TakePart("ab" * 8, 0, len(SCRIPT)),), "cd" * 8, "joe", "m", "offline", "pcm_22050")
    block = script.blocks[0]
    script.add_take(block.id, take)
    check = check_text(SCRIPT, heard(CLEAN.replace("tuesday", "thursday")))
    block.set_listen_check("t1", check)
    saved = json.loads(json.dumps(blocks_to_json(script)))
    reopened = script_from_json(saved).blocks[0]
    assert reopened.takes[0].listen_check == check and isinstance(check, ListenCheck)
    # Play finds the same audio again (a take without a check): what was heard is kept.
    reopened.add_take(take)
    assert reopened.takes[0].listen_check == check
    # A file from before the listen-check reads as "not heard yet".
    del saved[0]["takes"][0]["listen_check"]
    assert script_from_json(saved).blocks[0].takes[0].listen_check is None


def test_one_word_misread_as_two_is_one_misread_not_an_insertion_on_the_word_before() -> None:
    # The recogniser heard "seven" as "said them": both heard words belong to the misread word;
    # nothing is marked on "only", which was said right.
    text = "By dawn only twelve lamps still burned in the village."
    check = check_text(text, heard("by dawn only said them lamps still burned in the village"))
    assert kinds(check) == [("misread", "twelve", "said them")]
    assert text[check.flags[0].start : check.flags[0].end] == "twelve"
    # An insertion away from any misread word is still an insertion.
    check = check_text(text, heard("by dawn only twelve banana bread lamps still burned in seven village"))
    assert ("inserted", "", "banana bread") in kinds(check)
