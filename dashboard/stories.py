"""Stories page: the articles behind the current filter; open one to read its scored passages."""

from __future__ import annotations

import logging

import pandas as pd
import streamlit as st

from dashboard import context, queries, widgets

logger = logging.getLogger(__name__)

ARTICLE_PARAM = "article"  # ?article=<id> opens that story (links from Alerts use it)
LIMIT = 500


def _article_id_from_url() -> int | None:
    raw = st.query_params.get(ARTICLE_PARAM)
    try:
        return int(raw) if raw not in (None, "") else None
    except ValueError:
        return None


def _remember_choice() -> None:
    chosen = st.session_state.get("story_choice")
    if chosen is None:
        st.query_params.pop(ARTICLE_PARAM, None)
    else:
        st.query_params[ARTICLE_PARAM] = str(chosen)


def _topic_badges(topics: list) -> str:
    return " ".join(
        f"{widgets.topic_label(t['topic'])} {widgets.stance_badge(t['label'])}"
        + (" :gray-badge[corrected]" if t.get("corrected") else "")
        for t in topics
    )


def show_article(db: str, version: str, article_id: int) -> None:
    """Draw one article: its metadata, a link to the original and every passage highlighted."""
    meta = queries.article(db, version, article_id)
    if meta is None:
        st.warning(f"There is no story {article_id}; pick one from the list.")
        return
    # Titles come from crawled pages: plain text, never Markdown (no live links or images).
    st.subheader(widgets.escape(meta["title"]) if meta["title"] else "(untitled)")
    when = meta["published_at"] if not pd.isna(meta["published_at"]) else meta["fetched_at"]
    st.caption(
        f"{meta['source']} ({meta['source_kind']}) · {pd.Timestamp(when):%d %b %Y %H:%M}"
        + (
            f" · a copy of story {int(meta['duplicate_of'])}, not counted"
            if not pd.isna(meta["duplicate_of"])
            else ""
        )
    )
    if str(meta["url"]).lower().startswith(("http://", "https://")):
        st.link_button("Open the original", meta["url"], icon=":material/open_in_new:")
    passages = queries.article_passages(db, version, article_id)
    for p in passages.itertuples(index=False):
        with st.container(border=True):
            who = f"{p.voice}" + (f" · {p.speaker}" if isinstance(p.speaker, str) else "")
            st.markdown(
                f":violet-badge[🗣 {widgets.escape(who)}] "
                + (_topic_badges(p.topics) if p.topics else ":gray-badge[no topic]")
            )
            st.markdown(
                widgets.escape(p.text)
                if isinstance(p.text, str)
                else "_text removed by the retention policy_"
            )
            st.page_link(
                "dashboard/review.py",
                label="Correct this passage",
                query_params={"passage": str(p.passage_id)},
                icon=":material/edit:",
            )
    flat = passages.assign(
        topics=passages["topics"].apply(
            lambda ts: ", ".join(f"{t['topic']}: {t['label']}" for t in ts)
        )
    )
    widgets.csv_download(flat, f"story_{article_id}_passages", "Download this story's passages")


def render() -> None:
    """Draw the Stories page."""
    ctx = context.current()
    f = ctx.filters
    st.title("Stories")
    sort = st.selectbox("Sort", list(queries.STORY_SORTS), key="sort", bind="query-params")
    df = queries.stories(ctx.db, ctx.version, f, sort, LIMIT)
    st.caption(
        f"{len(df):,} stories{' (the first ' + str(LIMIT) + ')' if len(df) == LIMIT else ''}"
        f" · {f.describe()}. Net score and passages count the passages that match the "
        "filters; the stance per topic is the story's as a whole."
    )
    st.dataframe(
        df,
        hide_index=True,
        width="stretch",
        column_config={
            "id": st.column_config.NumberColumn("id", format="%d"),
            "published": st.column_config.DatetimeColumn("published", format="D MMM YYYY HH:mm"),
            "net": st.column_config.NumberColumn("net", format="%+.2f"),
            "url": st.column_config.LinkColumn("original", display_text="open"),
        },
    )
    widgets.csv_download(df, "stories")
    titles = dict(zip(df["id"].tolist(), df["title"].tolist(), strict=True))
    wanted = _article_id_from_url()
    if wanted is not None and wanted not in titles:
        meta = queries.article(ctx.db, ctx.version, wanted)
        titles = {wanted: meta["title"] if meta else f"story {wanted}", **titles}
    options = list(titles)
    if "story_choice" not in st.session_state or st.session_state["story_choice"] not in options:
        st.session_state["story_choice"] = wanted if wanted in titles else None
    chosen = st.selectbox(
        "Open a story",
        options,
        key="story_choice",
        on_change=_remember_choice,
        format_func=lambda i: f"{titles[i]} (#{i})",
        index=None,
        placeholder="Choose a story to read its passages",
    )
    if chosen is not None:
        show_article(ctx.db, ctx.version, int(chosen))


if __name__ == "__main__":  # st.Page runs this file as __main__
    render()
