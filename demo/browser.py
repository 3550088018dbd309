"""Headless Chromium for the dashboard's browser test and benchmark: Debian's `chromium` and
`chromium-driver`, started as the project's standards ask (`--headless --no-sandbox
--disable-gpu`), with nothing that reaches out (no background networking, updates or sync)."""

from __future__ import annotations

import logging
from pathlib import Path

logger = logging.getLogger(__name__)

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
)


def available() -> bool:
    """Whether Debian's Chromium and its driver are installed."""
    return Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()


def chromium(profile: Path, width: int = 1440, height: int = 1000):
    """A selenium driver for a headless Chromium window of `width` x `height` whose profile
    lives in `profile` (a private folder; remove it when done)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--window-size={width},{height}", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    logger.debug("starting headless Chromium with profile %s", profile)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
