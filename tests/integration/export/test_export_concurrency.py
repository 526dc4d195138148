"""Concurrency from what the server says: ``narration-studio export`` against a local server
that really refuses a third request at once (429 ``too_many_concurrent_requests``), while the
account says "creator" (5 at once by the plan table). Refusals are counted at the server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from studio.core.concurrency import plan_concurrency
from tests.fixtures.local_server import LocalServer, run_server

from .conftest import run_cli, tts_requests

SCRIPT = "\n\n".join(f"This is paragraph number {n}, read aloud by the local voice." for n in range(1, 6))


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "five.txt"
    path.write_text(SCRIPT, encoding="utf-8")
    return path


def _serve(monkeypatch: pytest.MonkeyPatch, **config: int) -> Iterator[LocalServer]:
    with run_server(**config) as server:
        monkeypatch.setenv("ELEVENLABS_API_KEY", "sk_export_concurrency_key")
        monkeypatch.setenv("ELEVENLABS_BASE_URL", server.base_url)
        assert server.state.usage.tier == "creator" and plan_concurrency("creator", "eleven_multilingual_v2") == 5
        yield server


@pytest.fixture
def room_for_two(monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalServer]:
    """An honest account: ``maximum-concurrent-requests: 2`` and really 2."""
    yield from _serve(monkeypatch, max_concurrent_requests=2, concurrency_limit=2)


@pytest.fixture
def shared_account(monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalServer]:
    """The header says 5, but only 2 fit (another app is using the rest of the account)."""
    yield from _serve(monkeypatch, max_concurrent_requests=5, concurrency_limit=2)


def test_an_account_with_room_for_two_is_refused_at_most_twice(
    room_for_two: LocalServer, script: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run_cli(str(script), "--out", str(tmp_path / "five.wav"))
    assert code == 0, capsys.readouterr().err
    seen = room_for_two.concurrency()
    assert seen["refused"] <= 2, seen  # before: 4 (the plan's burst of 5, then blind resends)
    assert seen["peak"] <= 2
    assert tts_requests(room_for_two) == 5 + seen["refused"]


def test_a_refusal_lowers_the_concurrency_to_what_was_running(
    shared_account: LocalServer, script: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run_cli(str(script), "--out", str(tmp_path / "five.wav"))
    err = capsys.readouterr().err
    assert code == 0, err
    seen = shared_account.concurrency()
    # Only the one burst the header allowed is refused (3 of 5 while 2 ran); after that the
    # export never sends more than was running when it was refused. Before: 4 or 5.
    assert seen["refused"] <= 3, seen
    assert "room for 2 at a time" in err
    assert tts_requests(shared_account) == 5 + seen["refused"]
