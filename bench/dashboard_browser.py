"""Dashboard speed in a real browser: headless Chromium against `pcm dashboard` on loopback.

    .venv/bin/python bench/dashboard_browser.py [--passages N] [--forces N] [--db FILE]
                                               [--repeat 3] [--keep]

Builds the synthetic warehouse (demo/synthetic.py, 1,000,000 scored passages by default, with
the dashboard's table `dashboard_passage_scores` built as the nightly job does) unless --db
names one (then refreshed first if its table is out of date), and for each repeat starts the
dashboard (`pcm dashboard`'s command line, 127.0.0.1, a free port) and a fresh headless
Chromium (Debian's chromium and chromedriver), then times what a reader waits for:

  first    each page's first visit after the server starts, in page order (so the Overview
           also waits for the server to read its snapshot of the warehouse);
  second   each page again (the server warm, its caches filled);
  filter   on the Trends page, a topic picked in the sidebar, until the page says that topic's
           week against the weeks before and the chart shows that topic alone;
  save     on the Review page, a changed stance saved, until the confirmation appears.

"Until content" means until a text that the page draws only after its queries (and, for
charts, the chart's marks) is in the page, tested in the page at every animation frame, from
the start of the navigation (or the click), so Streamlit's loading skeleton never counts.
"Done" is when the page's script run has finished (the rest of the page: tables, downloads);
each step waits for it, so that no run overlaps the next page's. Prints the machine, the load
average, Chromium's version, and the medians of --repeat runs with their range. Saving
corrections writes to the warehouse (as a reader would): a warehouse reused with --db keeps
them.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

logger = logging.getLogger("bench.dashboard_browser")

START_TIMEOUT_S = 300  # the server's start, up to its health check answering
WAIT_TIMEOUT_S = 300  # any one page or action
FILTER_TOPIC = "stop_and_search"  # the topic picked in the Trends page's sidebar
REVIEWER = "bench"  # the name a correction is saved under
FORM = '[data-testid="stForm"]'  # the Review page's correction form (not the sidebar)
# Any chart's marks drawn: Streamlit renders Vega-Lite as SVG, or on a canvas for big data.
CHART = ".vega-embed svg g.role-mark > path, .vega-embed canvas"
# A redacted error box (showErrorDetails = "none") or an exception element: stop there.
ERROR_TEXT = "This app has encountered an error"


@dataclass(frozen=True)
class Page:
    """A page to time: its name, its path, and what it draws only after its queries."""

    name: str
    path: str
    pattern: str  # a regular expression the page's text matches once the data is drawn
    css: str = ""  # and an element that must be there too (a chart's marks), if any


PAGES = (
    # a card's last line, "net score +0.12 over 1,234 passages", after every card query
    Page("Overview", "/", r"Every topic this week[\s\S]*net score \S+ over [\d,]+ passage"),
    Page("Trends", "/trends", r"Click a point to open that week's stories", CHART),
    # the count above the table, "500 stories (the first 500) · ..."
    Page("Stories", "/stories", r"\d[\d,]* stories(?: \(the first \d+\))? · "),
    Page("Coverage", "/coverage", r"same days 52 weeks earlier"),  # its last query's text
    Page("Alerts", "/alerts", r"\d+ open alerts from"),
    Page("Sources", "/sources", r"Cannot read pages"),  # a metric over the source health
    Page("Review", "/review", r"Pick a passage \(most negative first"),
)
COMPARE = Page("Compare", "/compare", r"Every topic[\s\S]*too few", CHART)

# Installed in a page (or before a page's scripts, for a navigation): test the page at every
# animation frame; note when it first matches (`__pcmSeen`), then when Streamlit's script run
# has finished (`__pcmDone`: the app's data-test-script-state), in ms since the navigation.
WATCH_JS = """
(() => {
  const gen = %(gen)s, re = new RegExp(%(pattern)s), css = %(css)s;
  const extra = %(extra)s;
  window.__pcmGen = gen; window.__pcmSeen = null; window.__pcmDone = null;
  window.__pcmError = null; window.__pcmStart = performance.now();
  const next = (f) => document.hidden ? setTimeout(f, 16) : requestAnimationFrame(f);
  const check = () => {
    if (window.__pcmGen !== gen) return;
    const body = document.body;
    if (body) {
      const text = body.textContent;
      if (text.includes(%(error)s) || document.querySelector('[data-testid="stException"]')) {
        window.__pcmError = performance.now(); return;
      }
      if (window.__pcmSeen === null && re.test(text) && (!css || document.querySelector(css))
          && extra()) window.__pcmSeen = performance.now();
      const app = document.querySelector('[data-testid="stApp"]');
      if (window.__pcmSeen !== null && app
          && app.getAttribute('data-test-script-state') === 'notRunning') {
        window.__pcmDone = performance.now(); return;
      }
    }
    next(check);
  };
  next(check);
})();
"""
# Every point of the weekly chart is the one topic picked (the chart was drawn again).
ONE_TOPIC_JS = """() => {
  const points = [...document.querySelectorAll('.vega-embed svg .mark-symbol.role-mark path')]
    .map(p => p.__data__ && p.__data__.datum).filter(d => d && d.week !== undefined);
  return points.length > 0 && points.every(d => d.topic === %s);
}"""


def _watch_source(gen: int, page: Page, extra: str = "() => true") -> str:
    return WATCH_JS % {
        "gen": gen,
        "pattern": json.dumps(page.pattern),
        "css": json.dumps(page.css),
        "extra": extra,
        "error": json.dumps(ERROR_TEXT),
    }


class Browser:
    """Headless Chromium that times page loads and actions with an in-page watcher."""

    def __init__(self, profile: Path, server_log: Path):
        from demo.browser import chromium

        self.driver = chromium(profile)
        self.server_log = server_log
        self._gen = 0

    def version(self) -> str:
        return self.driver.capabilities.get("browserVersion", "?")

    def quit(self) -> None:
        self.driver.quit()

    def visit(self, url: str, page: Page) -> tuple[float, float]:
        """Open `url`; seconds from the navigation's start until `page`'s content is drawn, and
        until the page's script run has finished (waited for, so runs never overlap)."""
        self._gen += 1
        added = self.driver.execute_cdp_cmd(
            "Page.addScriptToEvaluateOnNewDocument", {"source": _watch_source(self._gen, page)}
        )
        try:
            self.driver.get(url)
            seen, done = self._seen(f"{page.name} ({url})")
            return seen / 1000, done / 1000
        finally:
            self.driver.execute_cdp_cmd(
                "Page.removeScriptToEvaluateOnNewDocument", {"identifier": added["identifier"]}
            )

    def watch(self, page: Page, extra: str = "() => true") -> None:
        """Start watching the open page for `page`'s content (then act, then `waited`)."""
        self._gen += 1
        self.driver.execute_script(_watch_source(self._gen, page, extra))

    def waited(self, what: str) -> float:
        """Seconds from `watch` until the content was drawn (the run is waited for too)."""
        seen, _ = self._seen(what)
        return (seen - self.driver.execute_script("return window.__pcmStart")) / 1000

    def _seen(self, what: str) -> tuple[float, float]:
        """The watcher's times (ms): content drawn, script run finished."""
        deadline = time.monotonic() + WAIT_TIMEOUT_S
        while time.monotonic() < deadline:
            seen, done, error = self.driver.execute_script(
                "return [window.__pcmSeen ?? null, window.__pcmDone ?? null, "
                "window.__pcmError ?? null]"
            )
            if error is not None:
                raise SystemExit(f"{what}: the page shows an error.\n{_tail(self.server_log)}")
            if done is not None:
                return float(seen), float(done)
            time.sleep(0.05)
        shot = self.server_log.with_name("timeout.png")
        self.driver.save_screenshot(str(shot))
        raise SystemExit(f"{what}: not drawn after {WAIT_TIMEOUT_S} s (screenshot {shot})")


def _tail(log: Path, lines: int = 40) -> str:
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(db: Path, config: Path, log: Path) -> tuple[subprocess.Popen, int, float]:
    """Start the dashboard on a free loopback port; wait for its health check.

    Returns:
        The server process, its port and the seconds it took to answer.
    """
    from pcm.commands import dashboard

    port = _free_port()
    env = {**os.environ, "PCM_CONFIG": str(config), "PCM_DB": str(db)}
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as out:
        server = subprocess.Popen(
            dashboard.command(port, "127.0.0.1"),
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the dashboard exited with {server.returncode}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return server, port, time.perf_counter() - started
        except OSError:
            time.sleep(0.2)
    _stop(server)
    raise SystemExit(f"the dashboard did not answer within {START_TIMEOUT_S} s:\n{_tail(log)}")


def _stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _pick_topic(browser: Browser, base: str, topic: str) -> float:
    """On the Trends page, pick `topic` in the sidebar; seconds until it is drawn alone."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    from core.vocabulary import topic_name

    trends = next(p for p in PAGES if p.name == "Trends")
    browser.visit(base + trends.path, trends)
    driver = browser.driver
    box = next(
        m
        for m in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stMultiSelect"]')
        if m.text.startswith("Topics")
    )
    field = box.find_element(By.CSS_SELECTOR, "input")
    field.click()
    field.send_keys(topic_name(topic))
    drawn = Page("filter", trends.path, f"{topic_name(topic)}: this week against the weeks")
    browser.watch(drawn, ONE_TOPIC_JS % json.dumps(topic))
    field.send_keys(Keys.ENTER)  # one WebDriver round trip after the watch started
    return browser.waited(f"Trends with {topic} picked")


def _save_correction(browser: Browser, base: str, passage_id: int) -> float:
    """Change one stance of a passage on the Review page (or its voice, without a topic), then
    save; seconds from the click until the confirmation is drawn."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser.driver
    form = Page("Review form", "/review", rf"· passage {passage_id}(?!\d)[\s\S]*Save correction")
    browser.visit(f"{base}/review?passage={passage_id}", form)
    # a stance, or the voice where the passage has no topic: the select's input is labelled
    field = WebDriverWait(driver, 30).until(
        lambda d: (
            d.find_elements(By.CSS_SELECTOR, FORM + ' input[aria-label^="Stance on"]')
            or d.find_elements(By.CSS_SELECTOR, FORM + ' input[aria-label^="Voice ("]')
        )
    )[0]
    current = field.get_property("value")
    field.click()
    options = WebDriverWait(driver, 30).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, '[role="option"]')
    )
    next(o for o in options if o.text and o.text != current).click()
    WebDriverWait(driver, 30).until(lambda d: field.get_property("value") != current)
    name = driver.find_elements(By.CSS_SELECTOR, FORM + ' [data-testid="stTextInput"] input')
    if name:  # no sign-in: the reviewer types a name
        name[0].send_keys(REVIEWER)
    saved = Page("saved", "/review", rf"Saved \d+ corrections? of passage {passage_id}(?!\d)")
    browser.watch(saved)
    driver.execute_script(  # the click, in the same breath as the watch's start
        "[...document.querySelectorAll('button')]"
        ".find(b => b.textContent.trim() === 'Save correction').click()"
    )
    return browser.waited(f"saving a correction of passage {passage_id}")


def _one_run(
    db: Path, config: Path, pages: tuple[Page, ...], workdir: Path, passage_id: int
) -> tuple[dict, str]:
    """One server start, one fresh Chromium: every measurement once.

    Returns:
        ({"first": {page: s}, "second": {page: s}, "start", "filter", "save": s}, version).
    """
    shutil.rmtree(workdir / "profile", ignore_errors=True)
    log = workdir / "server.log"
    browser = Browser(workdir / "profile", log)  # starts while nothing else runs
    server = None
    try:
        server, port, start_s = _serve(db, config, log)
        base = f"http://127.0.0.1:{port}"
        browser.driver.get(f"{base}/_stcore/health")  # the renderer process up, nothing drawn
        out = {"start": start_s, "first": {}, "second": {}, "first done": {}, "second done": {}}
        for visit in ("first", "second"):
            for page in pages:
                seen, done = browser.visit(base + page.path, page)
                out[visit][page.name], out[f"{visit} done"][page.name] = seen, done
                logger.info(
                    "%s visit of %s: %.2f s (run done %.2f s)", visit, page.name, seen, done
                )
        out["filter"] = _pick_topic(browser, base, FILTER_TOPIC)
        out["save"] = _save_correction(browser, base, passage_id)
        return out, browser.version()
    finally:
        browser.quit()
        if server is not None:
            _stop(server)
        shutil.rmtree(workdir / "profile", ignore_errors=True)


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=1_000_000)
    parser.add_argument(
        "--forces", type=int, default=1, help="forces the articles are spread over (1 to 43)"
    )
    parser.add_argument("--db", help="an existing synthetic warehouse (default: build one)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument(
        "--keep", action="store_true", help="keep the built warehouse (its path is printed)"
    )
    return parser.parse_args(argv)


def _warehouse(args: argparse.Namespace, workdir: Path) -> tuple[Path, Path, str]:
    """The warehouse to measure (--db, or one built in `workdir`), its config and how it came;
    its dashboard table brought up to date through the writer, as the nightly job does."""
    from core.config import load_config
    from demo.synthetic import build_fixture, write_fixture_config
    from warehouse import materialized
    from warehouse.connection import writer

    if args.db:
        db = Path(args.db).resolve()
        config = write_fixture_config(workdir, forces=args.forces)
        built = "reused"
    else:
        started = time.perf_counter()
        fx = build_fixture(workdir, passages=args.passages, forces=args.forces)
        db, config = fx.db, fx.config
        built = f"built in {time.perf_counter() - started:.1f} s"
    with writer(load_config(str(config), str(db))) as con:
        if not materialized.is_current(con):
            started = time.perf_counter()
            rows = materialized.refresh(con)
            built += f", table refreshed ({rows:,} rows) in {time.perf_counter() - started:.1f} s"
    return db, config, built


def _describe(db: Path) -> tuple[int, int, bool]:
    """Scored passages, the passage to correct (the first scored one), and whether the
    dashboard's table is current."""
    import duckdb

    from warehouse import materialized

    con = duckdb.connect(str(db), read_only=True)
    try:
        scored, first = con.execute(
            "SELECT count(DISTINCT passage_id), min(passage_id) FROM scores"
        ).fetchone()
        return scored, first, materialized.is_current(con)
    finally:
        con.close()


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _span(values: list[float]) -> str:
    """The median, and the range where there are several runs: "1.23 (1.10-1.40)"."""
    median = f"{statistics.median(values):.2f}"
    if len(values) < 2:
        return median
    return f"{median} ({min(values):.2f}-{max(values):.2f})"


def _report(runs: list[dict], pages: tuple[Page, ...]) -> None:
    columns = ("first", "first done", "second", "second done")
    print("until content, then until the page's script run finished (s):")
    print(f"{'page':<10}" + "".join(f"{c:>19}" for c in columns))
    for page in pages:
        cells = [_span([r[c][page.name] for r in runs]) for c in columns]
        print(f"{page.name:<10}" + "".join(f"{c:>19}" for c in cells))
    slowest = [max(r["first"].values()) for r in runs]
    print(f"slowest first visit: {_span(slowest)} s")
    print(f"server start until its health check answers: {_span([r['start'] for r in runs])} s")
    print(f"filter (Trends, a topic picked in the sidebar): {_span([r['filter'] for r in runs])} s")
    print(f"saving a correction (Review): {_span([r['save'] for r in runs])} s")


def main(argv: list[str] | None = None) -> int:
    """Build or reuse the warehouse, then time the dashboard in Chromium --repeat times."""
    args = _parse(argv)
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    from demo.browser import available as browser_available

    if not browser_available():
        raise SystemExit(
            "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)"
        )
    import duckdb
    import streamlit as st

    load_at_start = _load()
    workdir = Path(tempfile.mkdtemp(prefix="pcm_browser_bench_"))
    db, config, built = _warehouse(args, workdir)
    scored, passage_id, current = _describe(db)
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, duckdb {duckdb.__version__}, streamlit {st.__version__}"
    )
    print(f"warehouse: {db} ({built}): {scored:,} scored passages; table current: {current}")
    print(f"forces: {args.forces}; repeats: {args.repeat} (median, range)")
    print(f"load average before the build: {load_at_start}; before the runs: {_load()}")
    pages = PAGES + ((COMPARE,) if args.forces > 1 else ())
    runs, version = [], "?"
    for n in range(args.repeat):
        run, version = _one_run(db, config, pages, workdir, passage_id)
        logger.info("run %d: %s", n + 1, run)
        runs.append(run)
    print(f"load average after: {_load()}")
    print(f"chromium: {version} (headless, 1440 x 1000)")
    _report(runs, pages)
    if args.keep and not args.db:
        print(f"kept: {db} (--db {db} next time)")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
