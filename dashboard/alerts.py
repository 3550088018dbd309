"""Alerts page: each alert the nightly job raised, why, and the stories behind it."""

from __future__ import annotations

import logging

import streamlit as st

from dashboard import context, queries, widgets

logger = logging.getLogger(__name__)


def render() -> None:
    """Draw the Alerts page."""
    ctx = context.current()
    f = ctx.filters
    st.title("Alerts")
    df = queries.alerts(ctx.db, ctx.version, f.start, f.end, f.topics)
    st.caption(
        f"{len(df)} alerts from {f.start:%d %b %Y} to {f.end:%d %b %Y}"
        + (f" on {', '.join(f.topics)}" if f.topics else "")
        + ", newest first."
    )
    if df.empty:
        st.info("No alerts in this period.")
    for a in df.itertuples(index=False):
        with st.container(border=True):
            st.markdown(
                f"**{a.day:%d %b %Y} · {widgets.topic_label(a.topic)}** "
                f":orange-badge[⚠ {a.kind.replace('_', ' ')}]"
            )
            st.markdown(
                f"{a.value:g} against a baseline of {a.baseline:g} (threshold {a.threshold:g})"
            )
            st.markdown(widgets.escape(a.explanation))
            for story in a.stories:
                st.page_link(
                    "dashboard/stories.py",
                    label=f"{story['title']} ({story['source']})",
                    query_params={"article": str(story["id"])},
                    icon=":material/article:",
                )
    flat = df.drop(columns=["stories"]).assign(
        article_ids=df["article_ids"].apply(lambda ids: " ".join(str(i) for i in ids)),
        stories=df["stories"].apply(lambda ss: " | ".join(s["title"] for s in ss)),
    )
    widgets.csv_download(flat, "alerts")


if __name__ == "__main__":  # st.Page runs this file as __main__
    render()
