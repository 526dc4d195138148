import socket

import pytest

from tests.network_guard import NonLoopbackConnection


def test_remote_connection_is_refused() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        with pytest.raises(NonLoopbackConnection, match="203.0.113.7"):
            sock.connect(("203.0.113.7", 443))


def test_remote_name_lookup_is_refused() -> None:
    with pytest.raises(NonLoopbackConnection, match="api.elevenlabs.io"):
        socket.getaddrinfo("api.elevenlabs.io", 443)


def test_loopback_is_allowed() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=2):
            pass
