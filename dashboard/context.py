"""What the router hands to the page it runs: config, warehouse, data version and filters."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import streamlit as st

from core.config import Config
from dashboard.filters import Filters

logger = logging.getLogger(__name__)

_KEY = "_pcm_page_context"


@dataclass(frozen=True)
class PageContext:
    """Everything a page needs, built once per script run by app.py.

    Attributes:
        cfg: the one config object.
        db: the warehouse path (cfg.db_path).
        version: the data version the cached queries are keyed on; with several forces, the
            picked force's (`snapshot.scoped`), so pages read only its rows.
        filters: the shared filters from the sidebar.
    """

    cfg: Config
    db: str
    version: str
    filters: Filters

    @property
    def force_name(self) -> str:
        """The name of the force the pages show (the picked one, else the default)."""
        return self.cfg.force_by_id(self.filters.force).name


def publish(ctx: PageContext) -> None:
    """Make `ctx` the context of this script run (app.py calls it before running the page)."""
    st.session_state[_KEY] = ctx


def current() -> PageContext:
    """The context app.py published for this run.

    Raises:
        RuntimeError: the page was run without app.py (open the app, not the page file).
    """
    ctx = st.session_state.get(_KEY)
    if ctx is None:
        raise RuntimeError("dashboard pages run inside app.py: start `pcm dashboard`")
    return ctx
