"""Sources page: each source's state in words (down, blocked by robots.txt, pages it cannot
read, no new articles, working), errors by reason, and the crawl health behind them."""

from __future__ import annotations

import logging

import pandas as pd
import streamlit as st

from core.vocabulary import reason_name, source_kind_name
from dashboard import charts, context, queries, widgets
from dashboard import sources_queries as sq

logger = logging.getLogger(__name__)

DEFAULT_SILENT_DAYS = 7


def render() -> None:
    """Draw the Sources page."""
    ctx = context.current()
    st.title("Sources")
    days = st.number_input(
        "Silent after (days without a new article)",
        min_value=1,
        max_value=365,
        value=DEFAULT_SILENT_DAYS,
        step=1,
        key="silent",
        bind="query-params",
    )
    configured = tuple((s.name, s.kind) for s in ctx.cfg.sources if s.enabled)
    health = _with_state(queries.source_health(ctx.db, ctx.version, configured, int(days)))
    counts = health["state"].value_counts()
    cells = st.columns(4)
    cells[0].metric("Sources", len(health))
    cells[1].metric("Down or blocked", int(counts.get(sq.DOWN, 0) + counts.get(sq.BLOCKED, 0)))
    cells[2].metric("Cannot read pages", int(counts.get(sq.UNREADABLE, 0)))
    cells[3].metric(f"No new articles ({days} days)", int(counts.get(sq.SILENT, 0)))
    for state, icon in ((sq.DOWN, "error"), (sq.BLOCKED, "block"), (sq.UNREADABLE, "warning")):
        names = health.loc[health["state"] == state, "source"].tolist()
        if names:
            st.warning(f"{state}: {', '.join(names)}", icon=f":material/{icon}:")
    shown = health[
        [
            "source",
            "kind",
            "state",
            "detail",
            "last_success",
            "newest_article",
            "new_articles",
            "errors",
        ]
    ].assign(kind=health["kind"].map(source_kind_name))
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config={
            "source": st.column_config.TextColumn("Source"),
            "kind": st.column_config.TextColumn("Kind of outlet"),
            "state": st.column_config.TextColumn("State"),
            "detail": st.column_config.TextColumn("What happened", width="large"),
            "last_success": st.column_config.DatetimeColumn(
                "Last good crawl", format="D MMM HH:mm"
            ),
            "newest_article": st.column_config.DatetimeColumn(
                "Newest article", format="D MMM HH:mm"
            ),
            "new_articles": st.column_config.NumberColumn(f"New articles ({days} days)"),
            "errors": st.column_config.NumberColumn(f"Errors ({days} days)"),
        },
    )
    widgets.csv_download(shown, "sources")
    st.subheader("Errors by reason")
    errors = queries.crawl_errors(ctx.db, ctx.version, int(days))
    if errors.empty:
        st.info(f"No crawl errors in the last {days} days.")
    else:
        errors = errors.assign(reason=errors["reason"].map(reason_name))
        st.altair_chart(charts.errors_chart(errors), width="stretch")
        st.dataframe(
            errors,
            hide_index=True,
            width="stretch",
            column_config={
                "source": st.column_config.TextColumn("Source"),
                "reason": st.column_config.TextColumn("Reason"),
                "errors": st.column_config.NumberColumn("Errors"),
                "last_at": st.column_config.DatetimeColumn("Last seen", format="D MMM HH:mm"),
                "example_url": st.column_config.LinkColumn("Example page"),
            },
        )
        widgets.csv_download(errors, "crawl_errors", "Download errors CSV")


def _with_state(health: pd.DataFrame) -> pd.DataFrame:
    """The health table with each source's state and its explanation, worst first."""
    pairs = [
        sq.source_state(row.last_status, row.last_reasons, bool(row.silent))
        for row in health.itertuples()
    ]
    out = health.assign(state=[state for state, _ in pairs], detail=[detail for _, detail in pairs])
    rank = {state: i for i, state in enumerate(sq.STATE_ORDER)}
    return out.sort_values(
        ["state", "errors", "source"],
        key=lambda col: col.map(rank) if col.name == "state" else col,
        ascending=[True, False, True],
    ).reset_index(drop=True)


if __name__ == "__main__":  # st.Page runs this file as __main__
    render()
