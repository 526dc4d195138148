"""Where the API key and the server address come from.

The key lives in the OS keyring (service ``narration-studio``); the environment variable
``ELEVENLABS_API_KEY`` is the fallback for headless use. It is never written to settings,
project files or logs: every key loaded or saved here is registered with
:mod:`studio.logsafe` at once, so log output masks it wherever it might appear.

The key never travels unencrypted beyond this computer: :func:`check_key_transport` refuses
a plain ``http://`` address unless its host is loopback (:func:`is_loopback_host`), and the
client calls it whenever it holds a key.
"""

from __future__ import annotations

import ipaddress
import logging
import os
from urllib.parse import urlsplit

from studio.api.errors import InvalidRequestError
from studio.errors import StudioError
from studio.logsafe import register_secret

log = logging.getLogger(__name__)

KEYRING_SERVICE = "narration-studio"
KEYRING_USERNAME = "elevenlabs-api-key"
ENV_API_KEY = "ELEVENLABS_API_KEY"
ENV_BASE_URL = "ELEVENLABS_BASE_URL"
DEFAULT_BASE_URL = "https://api.elevenlabs.io"


class KeyringUnavailableError(StudioError):
    pass


class InsecureAddressError(InvalidRequestError):
    """The key would cross the network unencrypted (plain http:// to another computer)."""


def is_loopback_host(host: str | None) -> bool:
    """This computer only: ``localhost``, 127.0.0.0/8 or ::1 (also as an IPv4-mapped address)."""
    host = (host or "").strip("[]").rstrip(".").lower()
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return bool(address.is_loopback or (mapped is not None and mapped.is_loopback))


def check_key_transport(base_url: str) -> None:
    """Refuse to send a key to ``base_url`` unless the way there is encrypted or stays on
    this computer. Raises InsecureAddressError; nothing has been sent when it does."""
    parts = urlsplit(base_url)
    if parts.scheme == "https" or is_loopback_host(parts.hostname):
        return
    raise InsecureAddressError(
        f"The API key would be sent unencrypted to {parts.hostname or base_url}: the server address starts "
        "with http://, so anyone on the network between could read the key",
        "Use an https:// address (in Account ▸ API address, or ELEVENLABS_BASE_URL); plain http:// is only "
        "allowed for this computer (localhost or 127.0.0.1). Nothing was sent.",
        field="base_url",
    )


def keyring_available() -> bool:
    """Whether a real keyring backend (not the null or fail backend) is usable."""
    try:
        import keyring
        from keyring.backends import fail, null

        backend = keyring.get_keyring()
    except Exception:  # noqa: BLE001 - a broken keyring install means "no keyring"
        return False
    if isinstance(backend, (fail.Keyring, null.Keyring)):
        return False
    try:
        return float(backend.priority) > 0  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001
        return True


def _keyring_key() -> str | None:
    if not keyring_available():
        return None
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, KEYRING_USERNAME)
    except Exception as error:  # noqa: BLE001 - a locked or broken keyring: fall back to env
        log.debug("keyring read failed: %s", type(error).__name__)
        return None


def load_api_key() -> str | None:
    """The keyring's key, else ``ELEVENLABS_API_KEY``, else None (registered as a secret)."""
    key = _keyring_key() or os.environ.get(ENV_API_KEY) or None
    if key is not None:
        key = key.strip() or None
    register_secret(key)
    return key


def save_api_key(key: str) -> None:
    key = key.strip()
    if not key:
        raise InvalidRequestError("The API key is empty", "Paste the key from your ElevenLabs profile.", field="api_key")
    register_secret(key)
    if not keyring_available():
        raise KeyringUnavailableError(
            "This computer has no secure password store to keep the key in",
            f"Set the {ENV_API_KEY} environment variable instead.",
        )
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, KEYRING_USERNAME, key)
    except Exception as error:  # noqa: BLE001
        raise KeyringUnavailableError(
            f"The key could not be saved in the password store ({type(error).__name__})",
            f"Unlock the password store and try again, or set {ENV_API_KEY}.",
        ) from None


def delete_api_key() -> None:
    if not keyring_available():
        return
    try:
        import keyring
        from keyring.errors import PasswordDeleteError

        try:
            keyring.delete_password(KEYRING_SERVICE, KEYRING_USERNAME)
        except PasswordDeleteError:
            pass  # nothing stored: already deleted
    except Exception as error:  # noqa: BLE001
        raise KeyringUnavailableError(
            f"The key could not be removed from the password store ({type(error).__name__})",
            "Unlock the password store and try again.",
        ) from None


def resolve_base_url(setting: str | None = None) -> str:
    """The server address: the setting, else ``ELEVENLABS_BASE_URL``, else the real API."""
    for source, value in (("setting", setting), (ENV_BASE_URL, os.environ.get(ENV_BASE_URL))):
        if value and value.strip():
            return _checked_url(value.strip(), source)
    return DEFAULT_BASE_URL


def _checked_url(url: str, source: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidRequestError(
            f"The server address {url!r} (from {source}) is not a web address",
            "Use a full address such as https://api.elevenlabs.io or http://127.0.0.1:8000.",
            field="base_url",
        )
    return url.rstrip("/")
