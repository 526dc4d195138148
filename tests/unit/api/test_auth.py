"""Where the key and the server address come from, and that the key stays private."""

from __future__ import annotations

import httpx
import keyring
import pytest
from keyring.backend import KeyringBackend

from studio import logsafe
from studio.api import auth
from studio.api.client import ElevenLabsClient
from studio.api.errors import InvalidRequestError


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if (service, username) not in self.store:
            raise PasswordDeleteError("none")
        del self.store[(service, username)]


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_keyring_first_then_environment(memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ELEVENLABS_API_KEY", "env-key-abcdef")
    assert auth.load_api_key() == "env-key-abcdef"
    auth.save_api_key("  ring-key-123456 \n")
    assert memory_keyring.store[("narration-studio", auth.KEYRING_USERNAME)] == "ring-key-123456"
    assert auth.load_api_key() == "ring-key-123456"
    auth.delete_api_key()
    auth.delete_api_key()  # deleting twice is fine
    assert auth.load_api_key() == "env-key-abcdef"


def test_loaded_keys_are_registered_as_secrets(memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ELEVENLABS_API_KEY", "sk_registered_0123456789")
    auth.load_api_key()
    assert logsafe.redact("key=sk_registered_0123456789") == f"key={logsafe.MASK}"


def test_no_keyring_means_environment_only(monkeypatch: pytest.MonkeyPatch) -> None:
    # conftest selects keyring's null backend
    assert not auth.keyring_available()
    assert auth.load_api_key() is None
    monkeypatch.setenv("ELEVENLABS_API_KEY", "env-only-key")
    assert auth.load_api_key() == "env-only-key"
    with pytest.raises(auth.KeyringUnavailableError, match="ELEVENLABS_API_KEY"):
        auth.save_api_key("some-key-123")


def test_base_url_resolution(monkeypatch: pytest.MonkeyPatch) -> None:
    assert auth.resolve_base_url(None) == "https://api.elevenlabs.io"
    monkeypatch.setenv("ELEVENLABS_BASE_URL", "http://127.0.0.1:8123/")
    assert auth.resolve_base_url(None) == "http://127.0.0.1:8123"
    assert auth.resolve_base_url("https://eu.example.test") == "https://eu.example.test"
    with pytest.raises(InvalidRequestError, match="not a web address"):
        auth.resolve_base_url("localhost:8000")


def test_repr_masks_the_key_and_the_key_goes_only_to_our_server() -> None:
    key = "sk_origin_check_0123456789"
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=b"mp3")

    with ElevenLabsClient(key, "https://api.test", transport=httpx.MockTransport(handler)) as client:
        assert key not in repr(client) and "[hidden]" in repr(client)
        assert key not in repr(client._auth)
        client.download("https://storage.example.test/preview.mp3")
        client.download("/v1/voices/x/preview.mp3")
        client.get_history_audio("h1")
    assert "xi-api-key" not in seen[0].headers
    assert seen[1].headers["xi-api-key"] == key and seen[2].headers["xi-api-key"] == key


def test_redirects_are_followed_without_carrying_the_key_to_another_host() -> None:
    key = "sk_redirect_0123456789"
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.host == "api.test":
            return httpx.Response(302, headers={"location": "https://cdn.example.test/file.mp3"})
        return httpx.Response(200, content=b"mp3")

    with ElevenLabsClient(key, "https://api.test", transport=httpx.MockTransport(handler)) as client:
        assert client.download("/preview") == b"mp3"
    assert seen[0].headers.get("xi-api-key") == key
    assert seen[1].url.host == "cdn.example.test" and "xi-api-key" not in seen[1].headers


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST", "127.0.0.1", "127.8.9.10", "[::1]", "[::ffff:127.0.0.1]"])
def test_plain_http_is_fine_on_this_computer(host: str) -> None:
    with ElevenLabsClient("sk_loopback_0123456789", f"http://{host}:8000") as client:
        assert client.has_api_key


@pytest.mark.parametrize("address", ["http://api.elevenlabs.io", "http://192.168.1.20:8000", "http://[2001:db8::1]",
                                     "http://localhost.example.com", "http://128.0.0.1"])
def test_the_key_is_never_sent_over_plain_http_to_another_computer(address: str) -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=[])

    key = "sk_plain_http_0123456789"
    with pytest.raises(auth.InsecureAddressError) as caught:
        ElevenLabsClient(key, address, transport=httpx.MockTransport(handler))
    message = str(caught.value)
    assert "unencrypted" in message and "https://" in message and "Nothing was sent" in message
    assert key not in message
    # Without a key there is nothing to protect: a keyless client may talk plain http.
    with ElevenLabsClient(None, address, transport=httpx.MockTransport(handler)) as client:
        client.list_models()
        with pytest.raises(auth.InsecureAddressError):
            client.set_api_key(key)  # nor can a key be given to it later
        assert not client.has_api_key
        client.list_models()
    assert len(sent) == 2 and all("xi-api-key" not in r.headers for r in sent)
    # https to the same host is fine.
    ElevenLabsClient(key, address.replace("http://", "https://")).close()
