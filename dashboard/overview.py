"""Overview page: the 8 a.m. answer first (the stories new since the last nightly run, by topic,
and the few topics that need attention), then warnings about the latest run, then one card per
topic: this week's share of negative stories against the weeks before, judged by the one change
rule (warehouse/views/10_topic_change.sql). Every story, topic and card links to the Stories
page filtered to it."""

from __future__ import annotations

import logging
from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboard import context, filters, overview_briefing, queries, widgets

logger = logging.getLogger(__name__)

COLUMNS = 3  # cards per row: readable on a 13-inch laptop with the sidebar open
MAX_ATTENTION = 3  # topics under "Needs attention"
STORIES_PER_TOPIC = 5  # new stories listed per topic under "Since the last run"
NEW_TOPICS = 6  # topics listed under "Since the last run" (the rest: one link to them all)
STORIES_PAGE = "dashboard/stories.py"
_STANCE_SYMBOLS = {"critical": "▼", "balanced": "◆", "favourable": "▲", "neutral": "●"}
_DELTA_COLOURS = {"improving": "blue", "worsening": "orange"}
# Card order: worsening, then topics with an alert this week, then improving, then the rest.
_ORDER = {"worsening": 0, "improving": 2, "no clear change": 3}
ALERTED = 1
NET_SCORE_TEXT = (
    "Net score: how favourable the coverage is, from −1 (every passage critical of the force) "
    "to +1 (every passage praising it); 0 is neutral or balanced."
)


def _present(value) -> bool:
    return value is not None and not pd.isna(value)


def _score(value) -> str:
    return f"{value:+.2f}" if _present(value) else "—"


def _pct(value) -> str:
    return f"{100 * value:.0f}%"


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _stories(count: int) -> str:
    return f"{count:,} {'story' if count == 1 else 'stories'}"


def _the_stories(count: int, after: str) -> str:
    """A link's words: "The story this week", "The 4 stories this week"."""
    return f"The story {after}" if count == 1 else f"The {count:,} stories {after}"


def _when(ts) -> str:
    return f"{pd.Timestamp(ts):%d %b %Y %H:%M}"


def _utc(ts) -> str:
    """A timestamp as the Stories page's `since` parameter wants it (UTC, ISO 8601)."""
    return pd.Timestamp(ts).tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")


def _card(row: pd.Series, baseline_days: int, link: dict) -> None:
    title = f"**{widgets.topic_label(row.topic)}**"
    if row.alerts:
        title += f" :orange-badge[⚠ {row.alerts} alert{'s' if row.alerts > 1 else ''}]"
    st.markdown(title)
    has_share = _present(row.share)
    has_change = _present(row.change)
    st.metric(
        widgets.topic_label(row.topic),
        f"{_pct(row.share)} negative" if has_share else "—",
        delta=f"{100 * row.change:+.0f} points vs the weeks before" if has_change else None,
        delta_color=_DELTA_COLOURS.get(row.verdict, "gray"),
        label_visibility="collapsed",
    )
    st.markdown(f"{widgets.TREND_BADGES[row.verdict]} {widgets.escape(row.reason)}")
    lines = []
    if has_share:
        lines.append(
            f"{row.negative:,} of {row.stories:,} {'story' if row.stories == 1 else 'stories'} "
            f"negative this week, from {_n(row.outlets, 'outlet')} (95% interval "
            f"{_pct(row.share_low)}–{_pct(row.share_high)})"
        )
    else:
        lines.append("No stories this week")
    if _present(row.base_share):
        lines.append(
            f"{row.base_negative:,} of {row.base_stories:,} in the {baseline_days} days before "
            f"({_pct(row.base_share)})"
        )
    if has_change:
        lines.append(
            f"change {100 * row.change:+.0f} points, 95% interval "
            f"{100 * row.change_low:+.0f} to {100 * row.change_high:+.0f}"
        )
    lines.append(f"net score {_score(row.net)} over {_n(row.passages, 'passage')}")
    st.caption(" · ".join(lines))
    if row.alerts and isinstance(row.alert_text, str):
        st.caption(
            widgets.escape(row.alert_text[:240] + ("…" if len(row.alert_text) > 240 else ""))
        )
    st.page_link(
        STORIES_PAGE,
        label=_the_stories(row.stories, "this week") if row.stories else "Stories on this topic",
        query_params=link,
        icon=":material/article:",
    )


def cards(ctx: context.PageContext) -> pd.DataFrame:
    """The Overview's rows: one per topic, verdict from the change rule, net score beside it.

    Args:
        ctx: the page context (filters, config, warehouse).

    Returns:
        Columns of `queries.overview` and `queries.topic_changes` (verdict, reason, share ...),
        worsening topics first (largest sure rise first), then those with an alert this week,
        then improving, then the rest.
    """
    f = ctx.filters
    base = queries.overview(ctx.db, ctx.version, f)
    changes = queries.topic_changes(
        ctx.db,
        ctx.version,
        f.end,
        f.external_only,
        ctx.cfg.alerts.min_stories,
        ctx.cfg.alerts.baseline_days,
    )
    out = base.drop(columns=["delta", "trend", "negative"]).merge(changes, how="left", on="topic")
    for column in ("stories", "negative", "outlets", "base_stories", "base_negative"):
        out[column] = out[column].fillna(0).astype(int)
    out["verdict"] = out["verdict"].fillna("no clear change")
    out["reason"] = out["reason"].fillna("no stories this week")
    out["order"] = out["verdict"].map(_ORDER)
    out.loc[(out["order"] > 0) & (out["alerts"] > 0), "order"] = ALERTED
    # a topic with no baseline has no change (None): the columns may hold no number at all
    low, high = (pd.to_numeric(out[c], errors="coerce") for c in ("change_low", "change_high"))
    out["sure"] = low.where(out["verdict"] == "worsening", -high)
    out = out.sort_values(
        ["order", "sure", "alerts", "topic"],
        ascending=[True, False, False, True],
        na_position="last",
    )
    return out.drop(columns=["order", "sure"]).reset_index(drop=True)


def needs_attention(df: pd.DataFrame) -> pd.DataFrame:
    """The topics that need attention: the change rule says worsening, or an alert this week.

    Args:
        df: the card rows (`cards`): verdict from the `topic_change` view, alerts from the
            stored alerts.

    Returns:
        At most MAX_ATTENTION of those rows, the most evidence first (stories, then outlets).
    """
    picked = df[(df["verdict"] == "worsening") | (df["alerts"] > 0)]
    return picked.sort_values(
        ["stories", "outlets", "alerts", "topic"], ascending=[False, False, False, True]
    ).head(MAX_ATTENTION)


def _story_label(title, stance: str, outlets) -> str:
    words = widgets.stance_words(stance)
    outlets = [str(o) for o in outlets] if outlets is not None else []
    carried = outlets[0] if outlets else "an unknown outlet"
    if len(outlets) > 1:
        carried += f" and {len(outlets) - 1} more outlet{'s' if len(outlets) > 2 else ''}"
    name = widgets.escape(title) if isinstance(title, str) and title else "(untitled)"
    # stance and outlet first: a phone cuts the end of a long link off
    return f"{_STANCE_SYMBOLS.get(words, '')} {words} · {widgets.escape(carried)}: {name}"


def _new_stories(ctx: context.PageContext, run: dict, new: pd.DataFrame) -> None:
    """The stories new since the run before the last, grouped by topic, each one a link."""
    f = ctx.filters
    since = run["new_since"]
    st.caption(
        f"What the nightly run that finished {_when(run['finished_at'])} brought in"
        + (f" (stories that came in after {_when(since)})" if since is not None else "")
        + ", by topic, with each story's stance towards the force"
        + (" in the words of voices outside the force." if f.external_only else ".")
    )
    extra = {filters.KEY_SINCE: _utc(since)} if since is not None else {}
    counts = new.groupby("topic")["article_id"].nunique()
    critical = new[new["stance"] == "negative"].groupby("topic")["article_id"].nunique()
    order = sorted(
        counts.index,
        key=lambda t: (-critical.get(t, 0), -counts[t], widgets.topic_label(t)),
    )
    for topic in order[:NEW_TOPICS]:
        group = new[new["topic"] == topic]
        words = group["stance"].map(widgets.stance_words).value_counts()
        summary = ", ".join(f"{words[w]} {w}" for w in _STANCE_SYMBOLS if w in words)
        st.markdown(f"**{widgets.topic_label(topic)}** · {_stories(len(group))}: {summary}")
        for story in group.head(STORIES_PER_TOPIC).itertuples(index=False):
            st.page_link(
                STORIES_PAGE,
                label=_story_label(story.title, story.stance, story.outlets),
                query_params=filters.link_params(f, topic, article=str(story.article_id)),
            )
        if len(group) > STORIES_PER_TOPIC:
            st.page_link(
                STORIES_PAGE,
                label=f"{len(group) - STORIES_PER_TOPIC} more on {widgets.topic_label(topic)}",
                query_params=filters.link_params(f, topic, **extra),
                icon=":material/more_horiz:",
            )
    if len(order) > NEW_TOPICS:
        st.caption(f"… and new stories on {len(order) - NEW_TOPICS} more topics.")
    if len(order) > 1:
        st.page_link(
            STORIES_PAGE,
            label=f"All {_stories(new['article_id'].nunique())} new since the run before",
            query_params=filters.link_params(f, **extra),
            icon=":material/list:",
        )


def _attention_item(ctx: context.PageContext, row, week_start) -> None:
    """One topic that needs attention: why, the evidence, and links to the stories behind it."""
    f = ctx.filters
    # The badges go with the evidence, under the name: the cards below carry the same badges
    # beside their names, and each card's title line stays the only one of its kind.
    st.markdown(f"**{widgets.topic_label(row.topic)}**")
    badges = widgets.TREND_BADGES[row.verdict]
    if row.alerts:
        badges += f" :orange-badge[⚠ {row.alerts} alert{'s' if row.alerts > 1 else ''}]"
    evidence = (
        f"{row.negative:,} of {_stories(row.stories)} negative this week, from "
        f"{_n(row.outlets, 'outlet')}"
        if row.stories
        else "No stories this week"
    )
    st.caption(f"{badges} {evidence}; {widgets.escape(row.reason)}.")
    st.page_link(
        STORIES_PAGE,
        label=_the_stories(row.stories, "behind it") if row.stories else "Its stories",
        query_params=filters.link_params(f, row.topic, week_start, f.end),
        icon=":material/arrow_forward:",
    )
    if row.alerts:
        alerted = queries.alerts(ctx.db, ctx.version, week_start, f.end, (row.topic,))
        lead = next((s for stories in alerted["stories"] for s in stories), None)
        if lead is not None:
            title = lead["title"] if isinstance(lead["title"], str) else "(untitled)"
            st.page_link(
                STORIES_PAGE,
                label=f"Read the alert's story: {widgets.escape(title)} "
                f"({widgets.escape(lead['source'])})",
                query_params=filters.link_params(f, row.topic, article=str(lead["id"])),
                icon=":material/warning:",
            )


def eight_am(ctx: context.PageContext, df: pd.DataFrame, week_start) -> None:
    """The top of the Overview: what is new since the last run and what needs attention, side
    by side on a wide screen, one above the other (in that order) on a phone."""
    run = queries.last_run(ctx.db, ctx.version)
    new = (
        queries.new_stories(ctx.db, ctx.version, run["article_ids"], ctx.filters)
        if run is not None
        else pd.DataFrame()
    )
    attention = needs_attention(df)
    if run is not None and new.empty and attention.empty:
        st.subheader("Since the last run")
        st.markdown(
            f"Nothing new since the last run ({_when(run['finished_at'])}): no new story on a "
            "topic, and no topic is worsening or has an alert this week."
        )
        return
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.subheader("Since the last run")
        if run is None:
            st.markdown("No nightly run has succeeded yet, so there is nothing new to report.")
        elif new.empty:
            st.markdown(
                f"No new story on a topic came in with the last run ({_when(run['finished_at'])})."
            )
        else:
            _new_stories(ctx, run, new)
    with right:
        st.subheader("Needs attention")
        if attention.empty:
            st.markdown("No topic is worsening or has an alert this week.")
            return
        st.caption(
            "Topics that the change rule calls worsening or that have an alert this week, the "
            "most stories and outlets first."
        )
        for row in attention.itertuples(index=False):
            with st.container(border=True):
                _attention_item(ctx, row, week_start)


def run_warnings(ctx: context.PageContext) -> None:
    """Warnings about the latest nightly run, in the page (the sidebar is hidden on a phone)."""
    fresh = queries.freshness(ctx.db, ctx.version)
    if fresh["last_status"] in ("failed", "partial"):
        st.warning(
            f"The latest nightly run ({_when(fresh['last_run_at'])}) "
            + ("failed" if fresh["last_status"] == "failed" else "finished only in part")
            + ": stories from last night may be missing. The sidebar gives the reason.",
            icon=":material/warning:",
        )
    failed = queries.failed_sources(ctx.db, ctx.version)
    if failed:
        st.warning(
            f"{_n(len(failed), 'source')} could not be read in the latest run: "
            f"{widgets.escape(', '.join(failed))}. Their new stories are missing.",
            icon=":material/warning:",
        )
        st.page_link("dashboard/sources.py", label="Why, on the Sources page", icon="🔎")


def card_grid(ctx: context.PageContext, df: pd.DataFrame, week_start) -> None:
    """The cards in priority order, one row of columns at a time, so that a phone (where
    columns stack) shows them in the same order."""
    rows = list(df.itertuples(index=False))
    for first in range(0, len(rows), COLUMNS):
        for column, row in zip(st.columns(COLUMNS), rows[first : first + COLUMNS], strict=False):
            with column.container(border=True):
                link = filters.link_params(ctx.filters, row.topic, week_start, ctx.filters.end)
                _card(row, ctx.cfg.alerts.baseline_days, link)


def render() -> None:
    """Draw the Overview page."""
    ctx = context.current()
    f = ctx.filters
    widgets.page_title("Overview", ctx)
    week_start = f.end - timedelta(days=queries.WEEK_DAYS - 1)
    df = cards(ctx)
    eight_am(ctx, df, week_start)
    run_warnings(ctx)
    st.subheader("Every topic this week")
    voices = (
        "Voices outside the force only (its own statements left out)"
        if f.external_only
        else "Including the force's own statements"
    )
    st.caption(
        f"This week: {week_start:%d %b} – {f.end:%d %b %Y}, against the "
        f"{ctx.cfg.alerts.baseline_days} days before. Each card shows the share of stories "
        f"that were negative about the force on the topic. A topic is marked improving or "
        f"worsening only when the change is larger than chance alone would give and rests on "
        f"at least {ctx.cfg.alerts.min_stories} stories from at least 2 outlets. {voices}. "
        f"Topics that got worse come first, then those with an alert."
    )
    st.caption(NET_SCORE_TEXT)
    if f.outlets or f.source_kinds or f.voices:
        st.caption(
            "Whether a topic moved is judged on every outlet and voice; the net score follows "
            "the sidebar's filters."
        )
    card_grid(ctx, df, week_start)
    left, right = st.columns(2)
    with left:
        widgets.csv_download(df.drop(columns=["alert_text"]), "overview")
    with right:
        st.download_button(
            "Download briefing (PDF)",
            data=lambda: overview_briefing.build(ctx, df, needs_attention(df), week_start),
            file_name=overview_briefing.file_name(ctx),
            mime="application/pdf",
            icon=":material/picture_as_pdf:",
            on_click="ignore",
            key="briefing_pdf",
        )


if __name__ == "__main__":  # st.Page runs this file as __main__
    render()
