"""Fails any test that opens a network connection beyond loopback.

Tests talk only to servers on this machine. The guard wraps ``socket.connect`` (and
``connect_ex``, and UDP ``sendto``) for the whole test process, so a stray request to the
real ElevenLabs API, or anywhere else, raises at once instead of leaking traffic.
Unix-domain sockets (PulseAudio, D-Bus) are local and always allowed.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

_original_connect = socket.socket.connect
_original_connect_ex = socket.socket.connect_ex
_original_sendto = socket.socket.sendto
_original_getaddrinfo = socket.getaddrinfo

LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


class NonLoopbackConnection(RuntimeError):
    """A test tried to reach a host that is not this machine."""


def _is_loopback_host(host: str) -> bool:
    if host in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _check(sock: socket.socket, address: Any) -> None:
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return
    host = address[0] if isinstance(address, tuple) else str(address)
    if not _is_loopback_host(str(host)):
        raise NonLoopbackConnection(
            f"test tried to connect to {host!r}: tests may only reach loopback addresses"
        )


def _guarded_connect(self: socket.socket, address: Any) -> None:
    _check(self, address)
    return _original_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    _check(self, address)
    return _original_connect_ex(self, address)


def _guarded_sendto(self: socket.socket, data: bytes, *args: Any) -> int:
    _check(self, args[-1])
    return _original_sendto(self, data, *args)


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    # Name lookups of remote hosts would leave the machine (DNS): refuse them too.
    if host is not None:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if not _is_loopback_host(name):
            raise NonLoopbackConnection(
                f"test tried to look up {name!r}: tests may only reach loopback addresses"
            )
    return _original_getaddrinfo(host, *args, **kwargs)


def install() -> None:
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
    socket.socket.sendto = _guarded_sendto  # type: ignore[method-assign]
    socket.getaddrinfo = _guarded_getaddrinfo  # type: ignore[assignment]


def uninstall() -> None:
    socket.socket.connect = _original_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _original_connect_ex  # type: ignore[method-assign]
    socket.socket.sendto = _original_sendto  # type: ignore[method-assign]
    socket.getaddrinfo = _original_getaddrinfo  # type: ignore[assignment]
