"""Dashboard render times per page (Streamlit AppTest) on a synthetic warehouse of 1M passages.

    .venv/bin/python bench/dashboard_render.py [--passages N] [--forces N] [--db FILE]
                                              [--repeat 3] [--keep] [--pages overview,...]

Builds the synthetic warehouse (demo/synthetic.py, SQL range() inserts) unless --db names an
existing one, brings it up to date as the nightly job's refresh stage does (the single writer
migrates it, then warehouse.materialized.refresh rebuilds `dashboard_passage_scores` from the
`passage_scores` view; its time is printed), then times each page's first render three ways:
  cold    every cache empty, so the page also reads the shared snapshot of `passage_scores`
          (from `dashboard_passage_scores`, current after the refresh) into memory (what the
          first visitor after a server start or a nightly run waits for);
  first   the page's own queries cold, the snapshot already loaded (a page opened for the first
          time on a running server);
  cached  the same page again (its queries cached).
With --forces N (2 to 43) the articles are spread over the first N forces of England and Wales
(demo/synthetic_forces.py: each article about one force, a tenth about two), the config lists
them, and the Compare page (every force side by side) is timed too.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

PAGES = ["overview", "trends", "stories", "alerts", "sources", "review"]


def _build(db: Path, passages: int, forces: int) -> float:
    from demo.synthetic import build_fixture

    started = time.perf_counter()
    # materialize=False: _refresh does it, timed
    build_fixture(db.parent, passages=passages, materialize=False, forces=forces)
    return time.perf_counter() - started


def _refresh(db: Path, config: Path) -> tuple[int, float]:
    """Migrate and rebuild the dashboard's table through the writer, as the nightly job does."""
    from core.config import load_config
    from warehouse.connection import writer
    from warehouse.materialized import refresh

    started = time.perf_counter()
    with writer(load_config(str(config), str(db))) as con:
        rows = refresh(con)
    return rows, time.perf_counter() - started


def _render(app, page: str, query: dict) -> float:
    for key, value in query.items():
        app.query_params[key] = value
    app.switch_page(f"dashboard/{page}.py")
    started = time.perf_counter()
    app.run()
    took = time.perf_counter() - started
    if app.exception:
        raise SystemExit(f"page {page} raised: {app.exception[0].value}")
    return took


def _parse(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=1_000_000)
    parser.add_argument(
        "--forces", type=int, default=1, help="forces the articles are spread over (1 to 43)"
    )
    parser.add_argument("--pages", help="only these pages, comma-separated (default: all)")
    parser.add_argument("--db", help="an existing synthetic warehouse (default: build one)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the built warehouse (its path is printed) for --db next time",
    )
    return parser.parse_args(argv)


def _warehouse(args: argparse.Namespace, workdir: Path) -> tuple[Path, Path, str]:
    """The warehouse to measure (--db, or one built in `workdir`), its config and how it came."""
    if args.db:
        db = Path(args.db)
        from demo.synthetic import write_fixture_config

        config = write_fixture_config(workdir, forces=args.forces)
        built = "reused"
    else:
        db = workdir / "fixture.duckdb"
        seconds = _build(db, args.passages, args.forces)
        config = workdir / "config.yaml"
        built = f"built in {seconds:.1f} s"
    return db, config, built


def _report_warehouse(db: Path, built: str, materialized_rows: int, refresh_s: float) -> None:
    """Print the machine, the warehouse's size, the refresh time and the snapshot read times."""
    import duckdb
    import streamlit as st

    from dashboard import snapshot
    from warehouse import materialized

    con = duckdb.connect(str(db), read_only=True)
    scored = con.execute("SELECT count(DISTINCT passage_id) FROM scores").fetchone()[0]
    rows = con.execute("SELECT count(*) FROM scores").fetchone()[0]
    current = materialized.is_current(con)
    reads = {}
    for name, sql in (("table", snapshot.PASSAGE_SCORES_TABLE), ("view", snapshot.PASSAGE_SCORES)):
        started = time.perf_counter()
        con.sql(sql).to_arrow_table()
        reads[name] = time.perf_counter() - started
    con.close()
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, duckdb {duckdb.__version__}, streamlit {st.__version__}"
    )
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"warehouse: {db} ({built}): {scored:,} scored passages, {rows:,} score rows")
    print(
        f"refresh (migrations + warehouse.materialized.refresh, as the nightly job): "
        f"{materialized_rows:,} rows in {refresh_s:.1f} s; table current: {current}"
    )
    print(
        f"reading passage_scores into Arrow once: from {materialized.TABLE} "
        f"{reads['table']:.2f} s, from the view {reads['view']:.2f} s"
    )


def _time_pages(repeat: int, pages: list[str]) -> None:
    """Render each page cold, first and cached (medians of `repeat` runs) and print the times."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from dashboard import snapshot
    from warehouse import materialized

    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=600)
    app.run()  # registers the pages and imports everything once
    query = {}
    print(f"{'page':<10} {'cold s':>8} {'first s':>8} {'cached s':>9}")
    worst = worst_cold = 0.0
    for page in pages:
        cold, first, cached = [], [], []
        for _ in range(repeat):
            st.cache_data.clear()
            snapshot.clear()
            cold.append(_render(app, page, query))
            app.switch_page("dashboard/alerts.py").run()  # another page keeps the snapshot warm
            st.cache_data.clear()
            first.append(_render(app, page, query))
            cached.append(_render(app, page, query))
        c, f, k = (statistics.median(x) for x in (cold, first, cached))
        worst = max(worst, f)
        worst_cold = max(worst_cold, c)
        print(f"{page:<10} {c:8.2f} {f:8.2f} {k:9.2f}")
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"slowest first render with the snapshot loaded: {worst:.2f} s")
    print(f"slowest cold render (snapshot read from {materialized.TABLE}): {worst_cold:.2f} s")


def main(argv: list[str] | None = None) -> int:
    """Build or reuse the warehouse, refresh it, then time every page's renders."""
    args = _parse(argv)
    logging.basicConfig(level=logging.WARNING)
    warnings.filterwarnings("ignore", message="The inplace keyword")  # inside duckdb's .df()

    workdir = Path(tempfile.mkdtemp(prefix="pcm_bench_"))
    db, config, built = _warehouse(args, workdir)
    os.environ["PCM_CONFIG"] = str(config)
    os.environ["PCM_DB"] = str(db)
    materialized_rows, refresh_s = _refresh(db, config)

    from streamlit import logger as st_logger

    st_logger.set_log_level("error")  # "No runtime found" is expected outside a server
    _report_warehouse(db, built, materialized_rows, refresh_s)
    pages = PAGES + (["compare"] if args.forces > 1 else [])
    if args.pages:
        pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    print(f"forces: {args.forces}")
    _time_pages(args.repeat, pages)
    if args.keep or args.db:
        print(f"kept: {db}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
