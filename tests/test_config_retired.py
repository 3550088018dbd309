"""Settings retired by a newer rule still load, with a warning that says to remove them."""

from __future__ import annotations

import logging

import pytest

from core.config import Alerts, load_config
from core.errors import ConfigError


def test_retired_alert_settings_load_with_a_warning(tmp_path, caplog):
    path = tmp_path / "force.yaml"
    path.write_text(
        "force:\n  name: Example Constabulary\nalerts:\n  sensitivity: 2.5\n  min_negative: 4\n",
        encoding="utf-8",
    )
    with caplog.at_level(logging.WARNING, logger="core.config"):
        cfg = load_config(path)
    assert cfg.alerts.min_stories == 3
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("alerts.sensitivity is no longer used" in m for m in warned)
    assert any("alerts.min_negative is no longer used" in m for m in warned)


def test_a_config_without_them_says_nothing(caplog):
    with caplog.at_level(logging.WARNING, logger="core.config"):
        Alerts()
    assert not caplog.records


def test_bad_values_are_still_refused(tmp_path):
    path = tmp_path / "force.yaml"
    path.write_text("force:\n  name: Example\nalerts:\n  sensitivity: -1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="sensitivity"):
        load_config(path)
