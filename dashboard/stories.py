"""Stories page: the articles behind the current filter; open one to read its scored passages.

Besides the sidebar's filters (`?topic=road_safety&dates=...`), the URL may carry `article=ID`
(open that story) and `since=TIME` (only stories that came in after it: the Overview's "Since
the last run" links).
"""

from __future__ import annotations

import logging

import pandas as pd
import streamlit as st

from dashboard import context, filters, queries, widgets

logger = logging.getLogger(__name__)

ARTICLE_PARAM = "article"  # ?article=<id> opens that story (links from Alerts use it)
LIMIT = 500
NET_SCORE_HELP = (
    "How favourable the story's passages are, from −1 (every one critical of the force) to +1 "
    "(every one praising it), over the passages that match the filters."
)


def _article_id_from_url() -> int | None:
    raw = st.query_params.get(ARTICLE_PARAM)
    try:
        return int(raw) if raw not in (None, "") else None
    except ValueError:
        return None


def _since_from_url() -> pd.Timestamp | None:
    """`?since=` as a time (a date alone means its first moment in London), else None."""
    raw = st.query_params.get(filters.KEY_SINCE)
    if not raw:
        return None
    try:
        ts = pd.Timestamp(raw)
    except (ValueError, TypeError):
        return None
    if pd.isna(ts):
        return None
    return ts.tz_localize(queries.DISPLAY_TZ) if ts.tzinfo is None else ts


def _show_every_story() -> None:
    st.query_params.pop(filters.KEY_SINCE, None)


def _stances_in_words(stances) -> str:
    """ "road_safety: negative, general: mixed" -> "Road safety: critical, The force as a whole:
    balanced"."""
    if not isinstance(stances, str) or not stances:
        return ""
    pairs = (part.partition(": ") for part in stances.split(", "))
    return ", ".join(
        f"{widgets.topic_label(topic)}: {widgets.stance_words(stance)}"
        for topic, _, stance in pairs
    )


def _counts_badge(voice: str, has_topics: bool, external_only: bool) -> str:
    """Whether the passage counts in the figures, and why not."""
    if not has_topics:
        return ":gray-badge[no topic: not in the figures]"
    if voice == "force" and external_only:
        return ":gray-badge[not counted: the force's own words]"
    return ":green-badge[counted]"


def _remember_choice() -> None:
    chosen = st.session_state.get("story_choice")
    if chosen is None:
        st.query_params.pop(ARTICLE_PARAM, None)
    else:
        st.query_params[ARTICLE_PARAM] = str(chosen)


def _topic_badges(topics: list) -> str:
    return " ".join(
        f"{widgets.topic_label(t['topic'])} {widgets.stance_badge(t['label'])}"
        + (f" score {t['score']:+.2f}" if t.get("score") is not None else "")
        + (" :gray-badge[corrected]" if t.get("corrected") else "")
        for t in topics
    )


def show_article(db: str, version: str, article_id: int, external_only: bool = True) -> None:
    """Draw one article: its metadata, a link to the original and every passage highlighted."""
    meta = queries.article(db, version, article_id)
    if meta is None:
        st.warning(f"There is no story {article_id}; pick one from the list.")
        return
    # Titles come from crawled pages: plain text, never Markdown (no live links or images).
    st.subheader(widgets.escape(meta["title"]) if meta["title"] else "(untitled)")
    when = meta["published_at"] if not pd.isna(meta["published_at"]) else meta["fetched_at"]
    st.caption(
        f"{widgets.escape(meta['source'])} ({widgets.source_kind_label(meta['source_kind'])})"
        f" · {pd.Timestamp(when):%d %b %Y %H:%M}"
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
            who = widgets.voice_label(p.voice) + (
                f" · {p.speaker}" if isinstance(p.speaker, str) else ""
            )
            st.markdown(
                f":violet-badge[🗣 {widgets.escape(who)}] "
                + _counts_badge(p.voice, bool(p.topics), external_only)
                + " "
                + (_topic_badges(p.topics) if p.topics else "")
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


def story_table(df: pd.DataFrame) -> None:
    """The stories as a table in words: topic names, stances as a reader says them, outlet kinds
    by name; the columns a reader needs most on the left."""
    shown = df.assign(
        source_kind=df["source_kind"].map(widgets.source_kind_label),
        stances=df["stances"].map(_stances_in_words),
    )
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_order=(
            "title",
            "stances",
            "net",
            "source",
            "published",
            "url",
            "passages",
            "source_kind",
        ),
        column_config={
            "title": st.column_config.TextColumn("Story"),
            "stances": st.column_config.TextColumn(
                "Stance towards the force", help="The story's stance on each of its topics."
            ),
            "net": st.column_config.NumberColumn("Net score", format="%+.2f", help=NET_SCORE_HELP),
            "source": st.column_config.TextColumn("Outlet"),
            "published": st.column_config.DatetimeColumn("Published", format="D MMM YYYY HH:mm"),
            "url": st.column_config.LinkColumn("Original", display_text="open"),
            "passages": st.column_config.NumberColumn("Passages", format="%d"),
            "source_kind": st.column_config.TextColumn("Kind of outlet"),
        },
    )


def render() -> None:
    """Draw the Stories page."""
    ctx = context.current()
    f = ctx.filters
    widgets.page_title("Stories", ctx)
    sort = st.selectbox("Sort", list(queries.STORY_SORTS), key="sort", bind="query-params")
    since = _since_from_url()
    df = queries.stories(
        ctx.db, ctx.version, f, sort, LIMIT, since.isoformat() if since is not None else None
    )
    if since is not None:
        st.info(
            f"Only the stories that came in after "
            f"{since.tz_convert(queries.DISPLAY_TZ):%d %b %Y %H:%M} (new since the run before).",
            icon=":material/filter_alt:",
        )
        st.button("Show every story", on_click=_show_every_story)
    st.caption(
        f"{len(df):,} stories{' (the first ' + str(LIMIT) + ')' if len(df) == LIMIT else ''}"
        f" · {f.describe()}. Net score and passages count the passages that match the "
        "filters; the stance per topic is the story's as a whole: critical, favourable, "
        "balanced (both about equally) or neutral."
    )
    story_table(df)
    widgets.csv_download(df, "stories")
    titles = {
        i: t if isinstance(t, str) and t else "(untitled)"
        for i, t in zip(df["id"].tolist(), df["title"].tolist(), strict=True)
    }
    wanted = _article_id_from_url()
    if wanted is not None and wanted not in titles:
        meta = queries.article(ctx.db, ctx.version, wanted)
        title = meta["title"] if meta and isinstance(meta["title"], str) else None
        titles = {wanted: title or f"story {wanted}", **titles}
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
        show_article(ctx.db, ctx.version, int(chosen), f.external_only)


if __name__ == "__main__":  # st.Page runs this file as __main__
    render()
