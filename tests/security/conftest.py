"""Fixtures of the security tests: hostile servers on loopback (see hostile.py)."""

from __future__ import annotations

import pytest
from hostile import serve


@pytest.fixture(scope="module")
def hostile_pair():
    """Two loopback servers: `site`, the configured source, and `internal`, standing for a
    host on the private network that only ever gets reached as http://localhost:PORT."""
    with serve() as site, serve() as internal:
        yield site, internal
