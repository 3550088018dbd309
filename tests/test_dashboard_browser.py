"""The served dashboard in a real headless Chromium (Debian's, via chromedriver): a screenshot,
the phone width, AA contrast, and a click on the Trends page's weekly chart."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.vocabulary import TOPICS, topic_name
from demo import browser
from demo.synthetic import build_fixture
from pcm.commands import dashboard

REPO = Path(__file__).resolve().parents[1]
START_TIMEOUT_S = 60
PAGE_TIMEOUT_S = 60

pytestmark = pytest.mark.skipif(
    not browser.available(),
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
    return browser.chromium(tmp_path / "chromium-profile")


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


class DashboardRaised(AssertionError):
    """The page shows Streamlit's error box: the script raised (details in the server log)."""


def test_weekly_chart_point_opens_that_weeks_stories(served, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    port, server = served
    driver = _chromium(tmp_path)
    try:
        _wait_healthy(port, server)
        driver.get(f"http://127.0.0.1:{port}/trends")
        point = _steady_point(driver)
        spread = driver.execute_script(WEEK_SPREAD_JS)
        ActionChains(driver).move_to_element(point["el"]).click().perform()
        WebDriverWait(driver, PAGE_TIMEOUT_S).until(
            lambda d: "/stories" in d.current_url or d.execute_script(PAGE_ERROR_JS)
        )
        if driver.execute_script(PAGE_ERROR_JS):
            raise DashboardRaised(f"the click on {point['topic']}: {_exception(server)}")
        start = datetime.fromtimestamp(point["week"] / 1000, UTC).date()
        end = start + timedelta(days=6)
        name = topic_name(point["topic"])
        wanted = f"{start:%d %b %Y} – {end:%d %b %Y}; topics: {name}"
        WebDriverWait(driver, PAGE_TIMEOUT_S).until(
            lambda d: (
                re.search(STORY_COUNT, d.find_element(By.TAG_NAME, "body").text)
                and wanted in d.find_element(By.TAG_NAME, "body").text
                and "from=" not in d.current_url
            )
        )
        url = urllib.parse.urlsplit(driver.current_url)
        text = driver.find_element(By.TAG_NAME, "body").text
    finally:
        driver.quit()
        shutil.rmtree(tmp_path / "chromium-profile", ignore_errors=True)
    # the plot has room: points of different shares are drawn at different heights (Streamlit
    # once squeezed the four-topic chart into its title, legend and axes, every point on a line)
    assert spread > 100, f"the weekly chart's points span {spread:.0f} px from top to bottom"
    query = urllib.parse.parse_qs(url.query)
    assert url.path.endswith("/stories"), url
    assert query.get("topic") == [point["topic"]], query
    assert query.get("dates") == [start.isoformat(), end.isoformat()], query
    assert "Stories" in text
    shown = int(re.search(STORY_COUNT, text).group(1).replace(",", ""))
    assert shown >= 1, text


def _steady_point(driver) -> dict:
    """The weekly chart's point with the most stories whose centre no other mark covers,
    once the chart has stopped moving (Vega draws, then fits the column's width)."""
    from selenium.webdriver.support.ui import WebDriverWait

    last = {}

    def settled(d):
        found = d.execute_script(WEEK_POINT_JS)
        if not found:
            return False
        where = (found["topic"], found["week"], round(found["x"]), round(found["y"]))
        if last.get("where") == where:
            return found
        last["where"] = where
        return False

    return WebDriverWait(driver, PAGE_TIMEOUT_S, poll_frequency=0.4).until(settled)


def _exception(server: subprocess.Popen) -> str:
    """The server's last exception line (the page shows none: showErrorDetails is off)."""
    server.terminate()
    try:
        out = server.communicate(timeout=15)[0] or ""
    except subprocess.TimeoutExpired:
        server.kill()
        out = server.communicate()[0] or ""
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)  # Rich's colours
    lines = [line for line in plain.splitlines() if "Exception" in line or "Error" in line]
    return lines[-1].strip() if lines else "see the server log"


# The weekly chart's points are SVG paths that Vega binds to their scene items (`__data__`,
# whose `datum` is the chart's row: topic id, week in ms since 1970, stories). The one with
# the most stories among those on top at their centre; null before the chart is drawn.
WEEK_POINT_JS = r"""
const chart = document.querySelector('.vega-embed');
if (!chart) return null;
chart.scrollIntoView({block: 'center'});
let best = null;
for (const p of chart.querySelectorAll('svg .mark-symbol.role-mark path')) {
  const d = p.__data__ && p.__data__.datum;
  if (!d || !d.topic || typeof d.week !== 'number' || !(d.stories > 0)) continue;
  const r = p.getBoundingClientRect();
  const x = r.left + r.width / 2, y = r.top + r.height / 2;
  if (document.elementFromPoint(x, y) !== p) continue;  // under another mark
  if (!best || d.stories > best.stories)
    best = {el: p, topic: d.topic, week: d.week, stories: d.stories, x: x, y: y};
}
return best;
"""
# How far apart, top to bottom, the weekly chart's points are drawn (px).
WEEK_SPREAD_JS = r"""
const ys = [...document.querySelectorAll('.vega-embed svg .mark-symbol.role-mark path')]
  .map(p => { const r = p.getBoundingClientRect(); return r.top + r.height / 2; });
return ys.length ? Math.max(...ys) - Math.min(...ys) : 0;
"""
# The Stories page's count above its table: "12 stories · 09 Nov 2026 – 15 Nov 2026; ...".
STORY_COUNT = r"(\d[\d,]*) stories(?: \(the first \d+\))? · "
# Streamlit's error box (redacted: showErrorDetails is "none").
PAGE_ERROR_JS = r"""
return !!document.querySelector('[data-testid="stException"]')
  || document.body.textContent.includes('This app has encountered an error');
"""


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
