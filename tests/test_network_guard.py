"""The guard in conftest.py must refuse real connections and allow loopback."""

import socket

import pytest


def test_non_loopback_connection_is_refused():
    # matched by name: tests/security has a conftest.py of its own, so `import conftest`
    # would be ambiguous
    with socket.socket() as sock, pytest.raises(RuntimeError, match="only connect to loopback"):
        sock.connect(("93.184.216.34", 80))


def test_loopback_connection_is_allowed():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.socket() as client:
            client.connect(server.getsockname())
