"""Which :mod:`studio.api.errors` class a failed response or transport error becomes.

The API's error bodies come in several shapes (ENDPOINTS.md §4), all handled here:

* ``{"detail": {"status": ..., "message": ..., ...extra keys}}`` (most errors),
* ``{"detail": [{"loc": [...], "msg": ..., "type": ..., "input": ...}]}`` (422),
* ``{"detail": "text"}``,
* ``{"status": ..., "message": ...}`` with no ``detail`` (a 2025 500),
* a body that is not JSON at all (proxies, gateways).

The status string decides when present, the HTTP status otherwise. The whole body is
passed through :func:`studio.logsafe.redact` so a server echoing the key cannot leak it.
"""

from __future__ import annotations

import email.utils
import errno
import json
import re
import socket
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from studio.api import errors as e
from studio.logsafe import redact


@dataclass
class ErrorBody:
    """The parts of an error body we use, whatever its shape."""

    status: str | None = None
    message: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


def parse_error_body(content: bytes) -> ErrorBody:
    # Redacted before parsing, so no part of the body (message, field reasons) can carry the key.
    text = redact(content.decode("utf-8", errors="replace"))
    try:
        data = json.loads(text) if text else None
    except ValueError:
        text = text.strip()
        # Gateways answer with HTML; a page of markup helps nobody.
        if text.startswith("<") or not text:
            return ErrorBody()
        return ErrorBody(message=text[:300])
    if not isinstance(data, dict):
        return ErrorBody(message=str(data)[:300] if data is not None else None)
    detail = data.get("detail", data if "status" in data or "message" in data else None)
    if isinstance(detail, dict):
        extra = {k: v for k, v in detail.items() if k not in ("status", "message")}
        return ErrorBody(_str(detail.get("status")), _str(detail.get("message")), extra=extra)
    if isinstance(detail, list):
        return ErrorBody(fields=_validation_fields(detail))
    if isinstance(detail, str):
        return ErrorBody(message=detail)
    return ErrorBody()


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _validation_fields(items: list[Any]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for item in items:
        if not isinstance(item, dict):
            continue
        loc = [str(part) for part in item.get("loc") or [] if part not in ("body", "query", "path")]
        name = ".".join(loc) or "request"
        fields[name] = str(item.get("msg") or item.get("type") or "invalid")
    return fields


def parse_retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds from a ``Retry-After`` header: delta-seconds or an HTTP date."""
    value = headers.get("retry-after")
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _said(message: str | None) -> str:
    """The server's own words, in brackets after our sentence (nothing if it said none)."""
    return f" ({message.rstrip('.')})" if message else ""


_PERMISSION = re.compile(r"permission[s]?\s+['\"]?([a-z_]+)", re.IGNORECASE)

#: Scoped-key permissions as the key settings on elevenlabs.io name them (area: access).
#: The real answer names the scope: 401 ``missing_permissions`` "The API key you used is
#: missing the permission speech_history_read to execute this operation."
PERMISSION_LABELS = {
    "speech_history_read": "History: Read",
    "speech_history_write": "History: Write",
    "voices_read": "Voices: Read",
    "voices_write": "Voices: Write",
    "user_read": "User: Read",
    "models_read": "Models: Read",
    "text_to_speech": "Text to Speech",
}


def permission_denied(permission: str | None, **kw: Any) -> e.PermissionDeniedError:
    """The error for a key that lacks ``permission`` (None: the server did not say which)."""
    label = PERMISSION_LABELS.get(permission or "")
    if permission:
        what = f"the '{permission}' permission" + (f" ({label})" if label else "")
    else:
        what = "a permission this needs"
    where = f"set {label.replace(': ', ' to ')}" if label else "give it that permission"
    return e.PermissionDeniedError(
        f"Your API key does not have {what}",
        f"On elevenlabs.io, edit the key (or create a new one) and {where}, then paste it in Account.",
        permission=permission,
        **kw,
    )


def error_from_response(
    status_code: int,
    headers: Mapping[str, str],
    content: bytes,
    *,
    has_key: bool,
    voice_id: str | None = None,
) -> e.ApiError:
    body = parse_error_body(content)
    message = body.message
    status = (body.status or "").strip().lower() or None
    kw: dict[str, Any] = {"status_code": status_code, "api_status": body.status, "server_message": message}

    if status == "quota_exceeded":
        return e.QuotaExceededError(
            "You do not have enough ElevenLabs credits left for this" + _said(message),
            "Wait for your monthly credits to reset, shorten the text, or upgrade your plan.",
            **kw,
        )
    if status in ("missing_permissions", "missing_permission") or (
        status_code == 401 and message and "permission" in message.lower()
    ):
        found = _PERMISSION.search(message or "")
        return permission_denied(found.group(1) if found else None, **kw)
    if status in ("invalid_api_key", "needs_authorization", "unauthorized") or status_code == 401:
        if not has_key:
            return e.MissingApiKeyError(
                "This server needs an ElevenLabs API key and none is set",
                "Open Account to paste your key, or set the ELEVENLABS_API_KEY environment variable.",
                **kw,
            )
        return e.AuthenticationError("Your API key was rejected", e.KEY_REMEDY, **kw)
    if status in ("voice_not_found", "voice_does_not_exist"):
        named = f" '{voice_id}'" if voice_id else ""
        return e.VoiceNotFoundError(
            f"The voice{named} was not found on your account",
            "Pick another voice from the voice list.",
            voice_id=voice_id,
            **kw,
        )
    if status == "max_character_limit_exceeded":
        return e.TextTooLongError(
            "The text is too long for one request to this model",
            "Split it into shorter parts or choose a model that accepts more characters.",
            **kw,
        )
    if status_code == 429 or status in (e.REFUSED_FOR_CONCURRENCY, "system_busy"):
        retry_after = parse_retry_after(headers)
        if status == "system_busy":
            return e.RateLimitError(
                "ElevenLabs is very busy right now",
                "Try again in a minute; higher plans are served first.",
                retry_after=retry_after,
                kind="system_busy",
                **kw,
            )
        return e.RateLimitError(
            "Too many requests at once for your ElevenLabs plan",
            "Wait a moment and try again, lower the number of parallel requests in Settings, or upgrade your plan.",
            retry_after=retry_after,
            kind=e.REFUSED_FOR_CONCURRENCY,
            **kw,
        )
    if status_code == 403 or (status or "").startswith("only_for"):
        return e.PlanRequiredError(
            "Your ElevenLabs plan does not include this" + _said(message),
            "Choose another output format or model, or upgrade your plan.",
            **kw,
        )
    if status_code == 422 or body.fields:
        fields = body.fields
        listed = "; ".join(f"{name}: {reason}" for name, reason in fields.items()) or (message or "unknown fields")
        return e.ValidationError(
            f"The service refused these settings ({listed})",
            "Change them and try again.",
            fields=fields,
            **kw,
        )
    if status_code == 404:
        if voice_id is not None and status is None and message and "voice" in message.lower():
            return e.VoiceNotFoundError(
                f"The voice '{voice_id}' was not found on your account",
                "Pick another voice from the voice list.",
                voice_id=voice_id,
                **kw,
            )
        return e.NotFoundError(
            "The server does not offer this" + _said(message),
            e.ADDRESS_REMEDY,
            **kw,
        )
    if status_code >= 500:
        return e.ServerError(
            "ElevenLabs had a problem on its side" + _said(message),
            "Try again in a moment.",
            **kw,
        )
    return e.ApiError(
        "The service refused the request" + _said(message),
        "Check the text and settings, then try again.",
        **kw,
    )


# --- refining an error by what was asked --------------------------------------------------
# error_from_response knows the answer; these know the question (which item, which voice),
# so "not found" can say *what* is gone instead of blaming the server address.


def _kw(error: e.ApiError) -> dict[str, Any]:
    return {"status_code": error.status_code, "api_status": error.api_status, "server_message": error.server_message}


def _route_missing(error: e.ApiError) -> bool:
    """A 404 for the address itself (a server without the endpoint), not for an item."""
    return error.status_code == 404 and error.api_status is None and (error.server_message or "").strip() == "Not Found"


def for_history(error: e.ApiError, permission: str, history_item_id: str | None = None,
                what: str = "history item") -> e.ApiError:
    """Refine the error of a history call: name the permission the call needs, and which item is gone."""
    if isinstance(error, e.PermissionDeniedError) and error.permission is None:
        return permission_denied(permission, **_kw(error))
    if error.status_code == 404 and history_item_id is not None and not _route_missing(error):
        several = what.endswith("items")
        cause = (f"Some of the {what} ({history_item_id}) are no longer in your history" if several
                 else f"The {what} '{history_item_id}' is no longer in your history")
        return e.HistoryItemNotFoundError(
            cause + _said(error.server_message),
            "It was deleted, here or on elevenlabs.io. Refresh the history list; nothing else was changed.",
            history_item_id=history_item_id,
            **_kw(error),
        )
    if error.status_code == 400 and type(error) is e.ApiError:
        return e.ApiError(
            "The history items could not be downloaded" + _said(error.server_message),
            "Refresh the history list and choose items that are still there, then try again.",
            **_kw(error),
        )
    return error


def for_shared_voice(error: e.ApiError, voice_id: str, name: str | None = None) -> e.ApiError:
    """Refine the error of adding a library voice: gone from the library, or no free voice slot."""
    if isinstance(error, e.PermissionDeniedError) and error.permission is None:
        return permission_denied("voices_write", **_kw(error))
    if (error.api_status or "").lower() == "voice_limit_reached":
        return e.SharedVoiceUnavailableError(
            "All the voice slots of your plan are in use" + _said(error.server_message),
            "Remove a voice you no longer need from My Voices, or upgrade your plan, then add it again.",
            voice_id=voice_id,
            **_kw(error),
        )
    refused = error.status_code in (400, 404, 409) and not isinstance(
        error, (e.QuotaExceededError, e.AuthenticationError, e.ValidationError, e.TextTooLongError))
    if refused and not _route_missing(error):
        named = f"'{name}'" if name else f"'{voice_id}'"
        return e.SharedVoiceUnavailableError(
            f"The library voice {named} can no longer be added" + _said(error.server_message),
            "Its owner may have removed it from the library or stopped sharing it. Pick another voice "
            "in the library; nothing was added.",
            voice_id=voice_id,
            **_kw(error),
        )
    return error


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


_DNS_WORDS = ("name or service not known", "nodename nor servname", "temporary failure in name resolution",
              "getaddrinfo failed", "no address associated")


def error_from_transport(exc: httpx.TransportError | OSError, host: str) -> e.NetworkError:
    """A person-readable network error for an httpx transport failure."""
    chain = _chain(exc)
    text = " ".join(str(x) for x in chain).lower()
    where = host or "the server"
    if isinstance(exc, httpx.ConnectTimeout) or isinstance(exc, httpx.PoolTimeout):
        return e.ConnectTimeoutError(
            f"Connecting to {where} took too long",
            "Check your internet connection and try again, or use the offline voice.",
        )
    if isinstance(exc, (httpx.ReadTimeout, httpx.WriteTimeout)):
        return e.ReadTimeoutError(
            f"{where} stopped answering",
            "Try again in a moment; if it keeps happening, check your connection.",
        )
    if any(isinstance(x, ssl.SSLError) for x in chain) or "ssl" in text or "certificate" in text:
        return e.TlsError(
            f"A secure connection to {where} could not be set up",
            "Check the computer's date and time, and any proxy or firewall that inspects web traffic.",
        )
    if any(isinstance(x, socket.gaierror) for x in chain) or any(word in text for word in _DNS_WORDS):
        return e.DnsError(
            f"Could not find {where} on the network",
            "Check your internet connection and the server address.",
        )
    codes = {getattr(x, "errno", None) for x in chain}
    if codes & {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN} or "network is unreachable" in text:
        return e.OfflineError(
            "This computer seems to be offline",
            "Connect to the internet, or switch to the offline voice.",
        )
    if isinstance(exc, httpx.RemoteProtocolError):
        return e.ConnectError(
            f"{where} closed the connection unexpectedly",
            "Try again in a moment.",
        )
    return e.ConnectError(
        f"Could not connect to {where}",
        "Check your internet connection and the server address, or use the offline voice.",
    )
