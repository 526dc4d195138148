"""``narration-studio voices`` and ``models`` against a loopback server."""

from __future__ import annotations

import json

import pytest

from studio.cli import main
from tests.integration.api.loopback import LoopbackServer, Recorded, Reply


def voice(i: str, **extra: object) -> dict:
    return {"voice_id": i, "name": f"Voice {i}", "category": "premade",
            "labels": {"gender": "female", "accent": "british"}, **extra}


@pytest.fixture
def server(loopback: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> LoopbackServer:
    monkeypatch.setenv("ELEVENLABS_BASE_URL", loopback.base_url)

    def voices(request: Recorded) -> Reply:
        token = dict(request.query).get("next_page_token")
        if token is None:  # page 0 holds more than page_size (default voices), like the real API
            return Reply.json({"voices": [voice("a"), voice("b"), voice("c")], "has_more": True,
                               "total_count": 4, "next_page_token": "t1"})
        return Reply.json({"voices": [voice("c"), voice("d", description="Deep")], "has_more": False,
                           "total_count": 4, "next_page_token": None})

    loopback.route("GET", "/v2/voices", voices)
    loopback.route("GET", "/v1/models", Reply.json([
        {"model_id": "eleven_flash_v2_5", "name": "Flash v2.5", "can_do_text_to_speech": True,
         "maximum_text_length_per_request": 40000, "max_characters_request_subscribed_user": 40000,
         "languages": [{"language_id": "en", "name": "English"}], "model_rates": {"character_cost_multiplier": 0.5}},
        {"model_id": "eleven_english_sts_v2", "name": "Speech to speech", "can_do_text_to_speech": False},
        {"model_id": "eleven_v3", "name": "v3", "can_do_text_to_speech": True},
    ]))
    return loopback


def test_voices_table_first_page(server: LoopbackServer, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["voices", "--search", "calm", "--category", "premade", "--voice-type", "default",
                 "--sort", "name", "--direction", "desc", "--page-size", "2"])
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "VOICE", "ID", "CATEGORY", "LABELS"]
    assert "Voice a" in out and "Voice c" in out and "Voice d" not in out
    assert "female, british" in out and "use --all" in out
    query = dict(server.requests[0].query)
    assert query == {"search": "calm", "category": "premade", "voice_type": "default", "sort": "name",
                     "sort_direction": "desc", "page_size": "2", "include_total_count": "false"}
    assert "xi-api-key" not in server.requests[0].headers  # no key configured, none sent


def test_voices_all_as_json_each_voice_once(server: LoopbackServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["voices", "--all", "--json"]) == 0
    voices = json.loads(capsys.readouterr().out)
    assert [v["voice_id"] for v in voices] == ["a", "b", "c", "d"]
    assert voices[3]["description"] == "Deep" and voices[0]["labels"]["accent"] == "british"
    assert len(server.requests) == 2


def test_models_lists_only_text_to_speech(server: LoopbackServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "--json"]) == 0
    models = json.loads(capsys.readouterr().out)
    assert [m["model_id"] for m in models] == ["eleven_flash_v2_5", "eleven_v3"]
    assert main(["models"]) == 0
    out = capsys.readouterr().out
    assert "eleven_flash_v2_5" in out and "40,000" in out and "0.5" in out and "eleven_english_sts_v2" not in out


def test_missing_key_says_how_to_set_one(loopback: LoopbackServer, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ELEVENLABS_BASE_URL", loopback.base_url)
    loopback.route("GET", "/v1/models", Reply.json(
        {"detail": {"status": "needs_authorization", "message": "Neither authorization header nor xi-api-key received"}}, 401))
    assert main(["models"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "ELEVENLABS_API_KEY" in err and "Account" in err and "401" not in err


@pytest.mark.parametrize(
    ("reply", "words"),
    [
        (Reply.json({"detail": {"status": "system_busy", "message": "busy"}}, 429, {"retry-after": "600"}), "very busy"),
        (Reply.json({"detail": {"status": "missing_permissions",
                                "message": "The API key is missing the permission voices_read"}}, 401), "voices_read"),
        (Reply(502, {"content-type": "text/html"}, b"<html>bad gateway</html>"), "problem on its side"),
    ],
)
def test_errors_print_one_line_and_exit_non_zero(loopback: LoopbackServer, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str], reply: Reply, words: str) -> None:
    monkeypatch.setenv("ELEVENLABS_BASE_URL", loopback.base_url)
    monkeypatch.setenv("ELEVENLABS_API_KEY", "sk_cli_test_0123456789")
    loopback.route("GET", "/v2/voices", reply)
    assert main(["voices"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("narration-studio: ") and err.count("\n") == 1
    assert words in err and "Traceback" not in err and "HTTP" not in err


def test_bad_page_size_sends_nothing(server: LoopbackServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["voices", "--page-size", "101"]) == 1
    err = capsys.readouterr().err
    assert "Page size must be between 1 and 100" in err
    assert server.requests == []


def test_unreachable_server(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("ELEVENLABS_BASE_URL", f"http://127.0.0.1:{port}")
    assert main(["models"]) == 1
    err = capsys.readouterr().err
    assert "Could not connect to 127.0.0.1" in err and err.count("\n") == 1


@pytest.mark.parametrize("command", [["models"], ["voices"]])
def test_a_key_is_never_sent_over_plain_http_to_another_computer(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    # 192.0.2.x is a documentation address: the network guard would also stop any attempt.
    monkeypatch.setenv("ELEVENLABS_BASE_URL", "http://192.0.2.10:8000")
    monkeypatch.setenv("ELEVENLABS_API_KEY", "sk_cli_plain_http_0123456789")
    assert main(command) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "unencrypted" in err and "192.0.2.10" in err and "https://" in err and "Nothing was sent" in err
    assert "sk_cli_plain_http" not in err
