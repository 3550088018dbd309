"""The dashboard's entry point and router: config, access, freshness and filters, then the page.

Run it with `pcm dashboard` (or `streamlit run app.py` with PCM_CONFIG / PCM_DB set).
"""

from __future__ import annotations

import logging
import os

import duckdb
import streamlit as st

from core.config import Config, load_config
from core.errors import PcmError, WarehouseFileError, WarehouseLockedError
from dashboard import auth, context, filters, queries, snapshot, widgets
from warehouse.connection import WarehouseMissingError

logger = logging.getLogger(__name__)

# Shown only where several forces are watched.
COMPARE = st.Page("dashboard/compare.py", title="Compare", icon=":material/compare_arrows:")
PAGES = [
    st.Page("dashboard/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("dashboard/trends.py", title="Trends", icon=":material/show_chart:"),
    st.Page("dashboard/stories.py", title="Stories", icon=":material/article:"),
    st.Page("dashboard/coverage.py", title="Coverage", icon=":material/pie_chart:"),
    COMPARE,
    st.Page("dashboard/alerts.py", title="Alerts", icon=":material/notifications:"),
    st.Page("dashboard/sources.py", title="Sources", icon=":material/rss_feed:"),
    st.Page("dashboard/review.py", title="Review", icon=":material/edit:"),
]


@st.cache_resource(show_spinner=False)
def _config(config_path: str | None, db_path: str | None) -> Config:
    """The one config object, read once per process (and per PCM_CONFIG / PCM_DB pair)."""
    return load_config(config_path, db_path)


def main() -> None:
    """Draw the frame every page shares, then run the chosen page."""
    st.set_page_config(
        page_title="Public Confidence Monitor", page_icon=":material/policy:", layout="wide"
    )
    try:
        # Like the CLI, the entry point reads the environment once and passes the config down.
        cfg = _config(os.environ.get("PCM_CONFIG"), os.environ.get("PCM_DB"))
    except PcmError as exc:
        st.error(f"The dashboard cannot start: {exc}")
        return
    # the Compare page only where several forces are watched
    pages = PAGES if len(cfg.forces) > 1 else [p for p in PAGES if p is not COMPARE]
    if not auth.gate(cfg.auth):
        st.navigation(pages, position="hidden")  # keep page URLs valid; run none of them
        return
    page = st.navigation(pages)
    db = cfg.db_path
    try:
        newest, stale = queries.data_version(db)
        if stale:
            widgets.refreshing_notice(db)
        version, up_to_date = snapshot.current(db, newest)
        if not up_to_date:
            widgets.updating_notice(db, newest)
        # with several forces, the picker first: every page below shows the picked force
        force = filters.force_picker({f.id: f.name for f in cfg.forces})
        fresh = queries.with_journal(queries.freshness(db, version), db, cfg.schedule.run_timeout_s)
        widgets.run_overdue_banner(fresh)  # above every page: the job has stopped
        widgets.freshness_panel(fresh)
        first, last = queries.day_bounds(db, version)
        chosen = filters.sidebar(first, last, queries.outlets(db, version), force)
        scoped = snapshot.scoped(version, chosen.force)  # pages read the picked force's rows
        context.publish(context.PageContext(cfg=cfg, db=db, version=scoped, filters=chosen))
        page.run()
    except WarehouseLockedError:
        logger.info("warehouse %s is locked by a writer; showing 'refreshing'", db)
        widgets.refreshing_notice(db)
    except WarehouseMissingError as exc:
        st.error(f"{exc}. The nightly job (`pcm run`) or `pcm demo` fills it.")
    except WarehouseFileError as exc:
        st.error(f"The warehouse cannot be read: {exc}")
    except duckdb.CatalogException:
        st.error(f"{db} has no warehouse tables yet: run `pcm init --db {db}`, then `pcm run`.")


main()
