"""Sources page: crawl health per source, errors by reason, and sources that have gone silent."""

from __future__ import annotations

import logging

import streamlit as st

from dashboard import charts, context, queries, widgets

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
    health = queries.source_health(ctx.db, ctx.version, configured, int(days))
    silent = health[health["silent"]]
    left, mid, right = st.columns(3)
    left.metric("Sources", len(health))
    mid.metric("Silent", len(silent))
    right.metric(f"Crawl errors, last {days} days", int(health["errors"].sum()))
    if not silent.empty:
        st.warning(
            f"Gone silent (no new article in {days} days): {', '.join(silent['source'])}",
            icon=":material/warning:",
        )
    shown = health.assign(silent=health["silent"].map({True: "⚠ silent", False: ""}))
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config={
            "last_success": st.column_config.DatetimeColumn("last success", format="D MMM HH:mm"),
            "newest_article": st.column_config.DatetimeColumn(
                "newest article", format="D MMM HH:mm"
            ),
            "new_articles": st.column_config.NumberColumn(f"new ({days} d)"),
            "errors": st.column_config.NumberColumn(f"errors ({days} d)"),
        },
    )
    widgets.csv_download(health, "sources")
    st.subheader("Errors by reason")
    errors = queries.crawl_errors(ctx.db, ctx.version, int(days))
    if errors.empty:
        st.info(f"No crawl errors in the last {days} days.")
    else:
        st.altair_chart(charts.errors_chart(errors), width="stretch")
        st.dataframe(errors, hide_index=True, width="stretch")
        widgets.csv_download(errors, "crawl_errors", "Download errors CSV")


if __name__ == "__main__":  # st.Page runs this file as __main__
    render()
