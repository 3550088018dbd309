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
    yield from _serve(build_fixture(tmp_path / "wh"))


@pytest.fixture
def served_six(tmp_path):
    """The same, on a fixture whose articles are spread over six forces."""
    yield from _serve(build_fixture(tmp_path / "wh", passages=4000, forces=6))


def _serve(fx):
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


def _chromium(tmp_path):
    """Headless Chromium at 1440 x 1000 with a private profile under `tmp_path`."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

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
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def test_served_overview_renders_in_chromium(served, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    port, server = served
    # Chromium starts while the server boots; then wait for the server before loading the page.
    driver = _chromium(tmp_path)
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
        worst = driver.execute_script(LOWEST_CONTRAST_JS)
        driver.set_window_size(390, 844)  # a phone
        time.sleep(1.5)
        phone_width = driver.execute_script("return document.documentElement.scrollWidth")
        driver.get(f"http://127.0.0.1:{port}/trends")
        WebDriverWait(driver, PAGE_TIMEOUT_S).until(
            lambda d: "counting stories" in d.find_element(By.TAG_NAME, "body").text.lower()
        )
        time.sleep(1.5)  # let the chart size itself to the column
        trends_width = driver.execute_script("return document.documentElement.scrollWidth")
    finally:
        driver.quit()
        shutil.rmtree(tmp_path / "chromium-profile", ignore_errors=True)
    assert shot.stat().st_size > 20_000
    labels = [topic_name(t) for t in TOPICS]
    missing = [label for label in labels if label not in text]
    assert not missing, f"topic cards missing from the page: {missing}"
    assert "Last successful run" in text
    assert "No authentication" in text
    # WCAG AA: every piece of text at least 4.5:1 against what is behind it
    assert worst["ratio"] >= 4.5, worst
    assert phone_width <= 390, f"the Overview is {phone_width} px wide on a 390 px screen"
    assert trends_width <= 390, f"the Trends page is {trends_width} px wide on a 390 px screen"


def test_compare_page_fits_a_phone_and_reads_at_aa_contrast(served_six, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    port, server = served_six
    driver = _chromium(tmp_path)
    try:
        _wait_healthy(port, server)
        driver.get(f"http://127.0.0.1:{port}/compare?force=cheshire")
        WebDriverWait(driver, PAGE_TIMEOUT_S).until(
            lambda d: "Every topic" in d.find_element(By.TAG_NAME, "body").text
        )
        time.sleep(1.5)  # the chart and the tables paint
        shot = tmp_path / "compare.png"
        assert driver.save_screenshot(str(shot))
        text = driver.find_element(By.TAG_NAME, "body").text
        worst = driver.execute_script(LOWEST_CONTRAST_JS)
        charts = driver.execute_script("return document.querySelectorAll('canvas, svg').length")
        driver.get(f"http://127.0.0.1:{port}/?force=cheshire")
        WebDriverWait(driver, PAGE_TIMEOUT_S).until(
            lambda d: "Overview: Cheshire Constabulary" in d.find_element(By.TAG_NAME, "body").text
        )
        driver.set_window_size(390, 844)
        driver.get(f"http://127.0.0.1:{port}/compare?force=cheshire")
        WebDriverWait(driver, PAGE_TIMEOUT_S).until(
            lambda d: "Every topic" in d.find_element(By.TAG_NAME, "body").text
        )
        time.sleep(1.5)
        phone_width = driver.execute_script("return document.documentElement.scrollWidth")
    finally:
        driver.quit()
        shutil.rmtree(tmp_path / "chromium-profile", ignore_errors=True)
    assert shot.stat().st_size > 20_000
    assert "Compare forces" in text
    assert "Cheshire Constabulary" in text  # the force picker (the tables draw on a canvas)
    assert "on the Overview" in text  # the link to the best-evidenced force
    assert "95% interval" in text
    assert charts > 0
    assert worst["ratio"] >= 4.5, worst
    assert phone_width <= 390, f"the Compare page is {phone_width} px wide on a 390 px screen"


# The lowest contrast of any visible text on the page: its ratio, colours and the text itself.
# Colours with transparency are blended over the nearest opaque background behind them.
LOWEST_CONTRAST_JS = r"""
function rgba(c) {  // "rgb(1, 2, 3)", "rgba(1, 2, 3, 0.5)", "color(srgb 0.1 0.2 0.3 / 0.5)"
  const m = (c.match(/[0-9.]+/g) || []).map(Number);
  if (m.length < 3) return null;
  const srgb = c.startsWith("color(srgb");
  const rgb = m.slice(0, 3).map(x => srgb ? x * 255 : x);
  return [...rgb, m.length > 3 ? m[3] : 1];
}
function blend(fg, bg) { const a = fg[3]; return [0,1,2].map(i => fg[i]*a + bg[i]*(1-a)); }
function background(el) {
  const layers = [];
  for (let e = el; e; e = e.parentElement) {
    const c = rgba(getComputedStyle(e).backgroundColor);
    if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
  }
  let bg = [255, 255, 255];
  for (const c of layers.reverse()) bg = blend(c, bg);
  return bg;
}
function lum(c) {
  const v = c.map(x => {
    x /= 255;
    return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4);
  });
  return 0.2126*v[0] + 0.7152*v[1] + 0.0722*v[2];
}
let worst = {ratio: 21, text: "", fg: "", bg: ""};
for (const el of document.querySelectorAll("body *")) {
  const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  const r = el.getBoundingClientRect();
  const st = getComputedStyle(el);
  const hidden = st.visibility === "hidden" || st.opacity === "0";
  if (!own || r.width === 0 || r.height === 0 || hidden) continue;
  if (el.closest("svg, canvas, [aria-hidden=true]")) continue;
  const bg = background(el);
  const colour = rgba(st.color);
  if (!colour) continue;
  const fg = blend(colour, bg);
  const a = lum(fg), b = lum(bg);
  const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  if (ratio < worst.ratio) worst = {ratio: ratio, text: el.textContent.trim().slice(0, 80),
    fg: st.color, bg: "rgb(" + bg.map(Math.round).join(",") + ")"};
}
return worst;
"""
