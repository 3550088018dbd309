"""`pcm demo` keeps the sample site up beside the dashboard, so "Open the original" opens."""

from __future__ import annotations

import logging
import socket
import urllib.request
from contextlib import ExitStack

import pytest

from pcm.demo import serve_site_beside


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_sample_site_is_served_while_the_stack_is_open():
    port = _free_port()
    with ExitStack() as stack:
        serve_site_beside(stack, port)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as page:
            assert page.status == 200
            assert b"<html" in page.read().lower()
    with (
        pytest.raises(ConnectionRefusedError),
        socket.create_connection(("127.0.0.1", port), timeout=2),
    ):
        pass  # closed with the stack


def test_a_taken_port_only_warns(caplog):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with ExitStack() as stack, caplog.at_level(logging.WARNING, logger="pcm.demo"):
            serve_site_beside(stack, port)
    assert "Open the original" in caplog.text
    assert f"127.0.0.1:{port}" in caplog.text
