"""Pronunciation dictionaries end to end (issue 12, points 3, 4, 7, 8): the CLI and the render
path against the local server (which applies locators) and with the offline voice (rules
applied on our side), requests and uploads counted at the server.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studio.core.cache import SpeechCache
from studio.core.pronunciation import AliasRule, PronunciationDictionary, dump_pls
from tests.fixtures.local_server import LocalServer, run_server

from .conftest import run_cli, tts_requests

DATA = Path(__file__).resolve().parents[2] / "data" / "pronunciation"

PARAGRAPHS = [
    "The ferry left the harbour at seven.",
    "Doctor Nguyen was already on deck.",
    "Gulls followed the wake for a mile.",
    "A boy sold oranges from a basket.",
    "The captain rang the bell twice.",
    "Rain began to fall over the island.",
    "Nguyen opened a small black notebook.",
    "Nobody spoke until the engines slowed.",
    "The pier was crowded with umbrellas.",
    "They walked up the hill to the inn.",
]
SCRIPT = "\n\n".join(PARAGRAPHS)


def _uploads(server: LocalServer) -> dict[str, int]:
    routes = [r["route"] for r in server.requests()]
    return {name: routes.count(f"dictionaries_{name}") for name in ("add_from_rules", "set_rules", "add_from_file")}


def _cached() -> list:  # type: ignore[type-arg]
    root = SpeechCache().root
    return [e for e in (SpeechCache._decode(p.read_bytes()) for p in root.rglob("*") if p.is_file()) if e is not None]


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_new_rule_revoices_only_its_paragraphs_and_an_unchanged_dictionary_is_not_uploaded(
        server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = _write(tmp_path, "ferry.txt", SCRIPT)
    words = tmp_path / "words.txt"
    words.write_text("Claughton = Cloffton\n", encoding="utf-8")  # matches nothing in the script
    out = tmp_path / "ferry.wav"

    assert run_cli(str(script), "--out", str(out), "--dictionary", str(words), "--overwrite") == 0
    assert tts_requests(server) == 10
    assert _uploads(server) == {"add_from_rules": 1, "set_rules": 0, "add_from_file": 0}

    words.write_text("Claughton = Cloffton\nNguyen = win\n", encoding="utf-8")  # a rule for a word in 2 paragraphs
    server.clear_requests()
    before = server.state.usage.character_count
    assert run_cli(str(script), "--out", str(out), "--dictionary", str(words), "--overwrite", "--subtitles", "json") == 0
    assert tts_requests(server) == 2
    # The studio sent the script's words (charged as written) and the server applied the rule:
    assert server.state.usage.character_count - before == len(PARAGRAPHS[1]) + len(PARAGRAPHS[6])
    heard = [e for e in _cached() if e.normalized_alignment and "win" in "".join(e.normalized_alignment.characters)]
    assert sorted("".join(e.alignment.characters) for e in heard) == sorted([PARAGRAPHS[1], PARAGRAPHS[6]])
    assert _uploads(server) == {"add_from_rules": 0, "set_rules": 1, "add_from_file": 0}
    timings = json.loads((tmp_path / "ferry.timings.json").read_text())
    assert [w["text"] for w in timings["words"]] == SCRIPT.split()  # the script's own words, "Nguyen" too

    server.clear_requests()
    assert run_cli(str(script), "--out", str(out), "--dictionary", str(words), "--overwrite") == 0
    assert tts_requests(server) == 0
    assert _uploads(server) == {"add_from_rules": 0, "set_rules": 0, "add_from_file": 0}
    uploaded = [d for d in server.state.dictionaries.all() if d.name == "words"]
    assert uploaded and uploaded[-1].rules == (AliasRule("Claughton", "Cloffton"), AliasRule("Nguyen", "win"))
    capsys.readouterr()


def test_three_dictionaries_in_order_pls_and_text(server: LocalServer, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    script = _write(tmp_path, "s.txt", "Doctor Nguyen visited Thailand and Claughton.")
    first = _write(tmp_path, "first.txt", "Nguyen = win\n")
    second = tmp_path / "second.pls"
    dump_pls(PronunciationDictionary("x", "second", (AliasRule("Nguyen", "new yen"), AliasRule("Thailand", "Tie land"))),
             second)
    out = tmp_path / "s.wav"
    assert run_cli(str(script), "--out", str(out), "--dictionary", str(first), "--dictionary", str(second),
                   "--dictionary", str(DATA / "elevenlabs_style.pls")) == 0
    assert tts_requests(server) == 1
    assert _uploads(server)["add_from_rules"] == 3
    names = [d.name for d in server.state.dictionaries.all()][-3:]
    assert names == ["first", "second", "elevenlabs_style"]
    err = capsys.readouterr().err  # the default model takes no phoneme rules: said, with an alias offered
    assert "cannot use phoneme rules" in err and "“Thailand = teye land”" in err


def test_pause_tags_and_rules_together_on_the_elevenlabs_engine(server: LocalServer, tmp_path: Path) -> None:
    script = _write(tmp_path, "s.txt", 'Doctor Nguyen waited. <break time="1.0s" /> Nguyen left.')
    words = _write(tmp_path, "w.txt", "Nguyen = win\n")
    out = tmp_path / "s.wav"
    assert run_cli(str(script), "--out", str(out), "--dictionary", str(words), "--subtitles", "json,srt") == 0
    assert tts_requests(server) == 1
    timings = json.loads((tmp_path / "s.timings.json").read_text())
    assert [w["text"] for w in timings["words"]] == "Doctor Nguyen waited. Nguyen left.".split()
    assert "break" not in (tmp_path / "s.srt").read_text()


# --- point 7: bad input is refused before anything is sent ---------------------------------

@pytest.mark.parametrize("name, content, words", [
    ("broken.pls", (DATA / "elevenlabs_style.pls").read_text(encoding="utf-8").replace(
        "<alias>Cloffton</alias>", "<alias>Cloffton</alas>"), ["“broken.pls”, line 19", "not well-formed", "Fix"]),
    ("empty.txt", "Nguyen = win\nThailand =\n", ["“empty.txt”, line 2", "Thailand", "alias"]),
    ("ipa.txt", "Nguyen = ipa: W IH1 N\n", ["“ipa.txt”, line 1", "Nguyen", "not IPA", "CMU"]),
    ("cmu.txt", "Nguyen = cmu: w1n\n", ["line 1", "not ARPAbet"]),
    ("noequals.txt", "Nguyen win\n", ["line 1", "no “=”"]),
])
def test_bad_dictionary_names_the_line_and_nothing_is_sent(
        server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        name: str, content: str, words: list[str]) -> None:
    script = _write(tmp_path, "s.txt", "Doctor Nguyen.")
    bad = _write(tmp_path, name, content)
    server.clear_requests()
    code = run_cli(str(script), "--out", str(tmp_path / "s.wav"), "--dictionary", str(bad))
    err = capsys.readouterr().err
    assert code != 0
    for word in words:
        assert word in err
    assert server.requests() == []  # not a model list, not an upload, not a credit
    assert not (tmp_path / "s.wav").exists()


def test_a_fourth_dictionary_is_refused_before_anything_is_sent(
        server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = _write(tmp_path, "s.txt", "Doctor Nguyen.")
    files = [_write(tmp_path, f"d{n}.txt", f"w{n} = x\n") for n in range(4)]
    server.clear_requests()
    code = run_cli(str(script), "--out", str(tmp_path / "s.wav"), *[a for f in files for a in ("--dictionary", str(f))])
    err = capsys.readouterr().err
    assert code != 0 and "“d3.txt” would be dictionary number 4" in err and "at most 3" in err
    assert server.requests() == []


# --- offline, and a server without dictionaries: the rules are applied on our side ----------

def test_offline_applies_rules_with_pause_tags_and_subtitles_show_the_script(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = _write(tmp_path, "s.txt", 'Doctor Nguyen paused. <break time="0.8s" /> Then Nguyen smiled.')
    words = _write(tmp_path, "w.txt", "Nguyen = win\n")
    out = tmp_path / "s.wav"
    assert run_cli(str(script), "--offline", "--out", str(out), "--dictionary", str(words),
                   "--subtitles", "json,srt") == 0
    capsys.readouterr()
    timings = json.loads((tmp_path / "s.timings.json").read_text())
    assert [w["text"] for w in timings["words"]] == "Doctor Nguyen paused. Then Nguyen smiled.".split()
    srt = (tmp_path / "s.srt").read_text()
    assert "Nguyen" in srt and "win" not in srt and "break" not in srt


def test_a_server_without_dictionaries_gets_the_rules_applied_by_the_studio(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    text = "Doctor Nguyen was already on deck."
    script = _write(tmp_path, "s.txt", text)
    words = _write(tmp_path, "w.txt", "Nguyen = win\n")
    with run_server(dictionaries_enabled=False) as bare:
        monkeypatch.setenv("ELEVENLABS_API_KEY", "sk_export_test_key")
        monkeypatch.setenv("ELEVENLABS_BASE_URL", bare.base_url)
        before = bare.state.usage.character_count
        assert run_cli(str(script), "--out", str(tmp_path / "s.wav"), "--dictionary", str(words),
                       "--subtitles", "json") == 0
        # Charged for the text sent, which is the rewritten one: "win" instead of "Nguyen".
        assert bare.state.usage.character_count - before == len(text.replace("Nguyen", "win"))
        assert tts_requests(bare) == 1
    assert "applies the rules itself" in capsys.readouterr().err
    timings = json.loads((tmp_path / "s.timings.json").read_text())
    assert [w["text"] for w in timings["words"]] == text.split()
