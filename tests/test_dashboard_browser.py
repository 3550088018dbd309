"""The served dashboard in a real headless Chromium (Debian's, via chromedriver): a screenshot."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from core.vocabulary import TOPICS, topic_name
from demo.synthetic import build_fixture
from pcm.commands import dashboard

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
START_TIMEOUT_S = 60
PAGE_TIMEOUT_S = 60

pytestmark = pytest.mark.skipif(
    not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()),
    reason="Debian's chromium and chromium-driver are not installed "
    "(apt-get install chromium chromium-driver; .ci/run does it)",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"pcm dashboard exited with {server.returncode}: {server.stdout.read()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"the dashboard did not answer on port {port} within {START_TIMEOUT_S} s")


@pytest.fixture
def served(tmp_path):
    """`streamlit run app.py --server.headless true --server.port <free port>` on a fixture."""
    fx = build_fixture(tmp_path / "wh")
    port = _free_port()
    env = {**os.environ, "PCM_CONFIG": str(fx.config), "PCM_DB": str(fx.db)}
    server = subprocess.Popen(
        dashboard.command(port, "127.0.0.1"),
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield port, server
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


def test_served_overview_renders_in_chromium(served, tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
        "--window-size=1440,1000",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        options.add_argument(flag)
    port, server = served
    # Chromium starts while the server boots; then wait for the server before loading the page.
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        _wait_healthy(port, server)
        driver.get(f"http://127.0.0.1:{port}/")
        # Wait for the data, not Streamlit's loading skeleton: a card's text and its score.
        WebDriverWait(driver, PAGE_TIMEOUT_S).until(
            lambda d: (
                "Road safety" in d.find_element(By.TAG_NAME, "body").text
                and "-0.10" in d.find_element(By.TAG_NAME, "body").text
            )
        )
        time.sleep(1)  # let the last cards and the sidebar paint
        shot = tmp_path / "overview.png"
        assert driver.save_screenshot(str(shot))
        text = driver.find_element(By.TAG_NAME, "body").text
    finally:
        driver.quit()
        shutil.rmtree(tmp_path / "chromium-profile", ignore_errors=True)
    assert shot.stat().st_size > 20_000
    labels = [topic_name(t) for t in TOPICS]
    missing = [label for label in labels if label not in text]
    assert not missing, f"topic cards missing from the page: {missing}"
    assert "Last successful run" in text
    assert "No authentication" in text
