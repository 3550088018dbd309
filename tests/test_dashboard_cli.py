"""`pcm dashboard`: its command line and its refusals (the served app: test_dashboard_browser)."""

from __future__ import annotations

import argparse
import sys

import pytest

from core.errors import ConfigError, PcmError
from pcm.commands import dashboard


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="pcm")
    dashboard.add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["dashboard", *argv])


def test_defaults_and_the_streamlit_command():
    args = _args()
    assert (args.port, args.address, args.config, args.db) == (8501, None, None, None)
    assert dashboard.command(8502, "127.0.0.1") == [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(dashboard.APP),
        "--server.port",
        "8502",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.address",
        "127.0.0.1",
    ]
    assert dashboard.APP.name == "app.py"
    assert dashboard.APP.exists()


@pytest.mark.parametrize("port", ["0", "70000", "-1"])
def test_bad_port_is_refused(port):
    with pytest.raises(PcmError, match="is not a port number"):
        dashboard.handler(_args("--port", port))


def test_missing_config_is_refused_before_streamlit_starts(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        dashboard.handler(_args("--config", str(tmp_path / "none.yaml")))


def test_port_must_be_a_number(capsys):
    with pytest.raises(SystemExit):
        _args("--port", "eighty")
    assert "invalid int value" in capsys.readouterr().err
