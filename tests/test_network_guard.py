"""The guard in conftest.py must refuse real connections and allow loopback."""

import socket

import pytest
from conftest import NetworkBlockedError


def test_non_loopback_connection_is_refused():
    with socket.socket() as sock, pytest.raises(NetworkBlockedError):
        sock.connect(("93.184.216.34", 80))


def test_loopback_connection_is_allowed():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.socket() as client:
            client.connect(server.getsockname())
