"""What the dashboard's AppTest modules share: a private copy of a fixture warehouse wired in
through PCM_CONFIG / PCM_DB, and opening a page with URL query parameters."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from demo.synthetic import copy_fixture

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 60  # the first run imports pandas, altair and duckdb


def wire(built, tmp_path: Path, monkeypatch):
    """A private copy of the built fixture warehouse, which the app then reads."""
    fx = copy_fixture(built, tmp_path / "wh")
    monkeypatch.setenv("PCM_CONFIG", str(fx.config))
    monkeypatch.setenv("PCM_DB", str(fx.db))
    return fx


def open_page(page: str | None = None, **params) -> AppTest:
    """Run the app with these query parameters, then switch to `page` (a file under
    dashboard/, without .py; None: the Overview); fails on any exception in the page."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(f"dashboard/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at
