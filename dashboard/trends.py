"""Trends page: each topic week by week (share of negative stories, with its interval), or day
by day (rolling 7-day net score of passages, split by voice or source kind), with alerts."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from dashboard import (
    annotate,
    briefing,
    briefing_pdf,
    charts,
    context,
    filters,
    queries,
    topic_briefing,
    trends_queries,
    widgets,
)

logger = logging.getLogger(__name__)

DEFAULT_TOPICS = 4  # without a topic filter, compare the busiest few topics
WEEKLY_PX = 420  # the weekly chart's height in pixels (see `_weekly`)
WEEKLY_CHART = "weekly_chart"  # the weekly chart's key: its selection state
_OPEN_WEEK = "_trends_open_week"  # set by a click on the chart: open that week's stories
# The two grains: stories by week (the default: the unit of evidence, as the Overview uses),
# or passages day by day for a closer look, split by voice or source kind.
GRAINS = {
    "week": "Week by week, counting stories.",
    "day": "Day by day, over passages.",
}
MAX_SPLIT_TOPICS = 6  # split views draw one chart per topic
# The CSV's plain column names, day by day and week by week (the table on the page keeps ids).
DAILY_COLUMNS = {
    "day": "day",
    "topic": "topic",
    "group": "group",
    "passages": "passages that day",
    "articles": "articles that day",
    "net": "net score that day",
    "rolling_net": "net score over the 7 days to this day",
    "low": "lower end of the 95% band",
    "high": "upper end of the 95% band",
    "rolling_passages": "passages in the 7 days",
}
WEEKLY_COLUMNS = {
    "week": "week starting",
    "topic": "topic",
    "stories": "stories",
    "negative": "negative stories",
    "positive": "positive stories",
    "outlets": "outlets",
    "share": "share of stories negative",
    "share_low": "share negative, 95% interval from",
    "share_high": "share negative, 95% interval to",
    "net_score": "net score",
}


def render() -> None:
    """Draw the Trends page."""
    ctx = context.current()
    f = ctx.filters
    widgets.page_title("Trends", ctx)
    annotate.flash()
    grain = (
        st.segmented_control(
            "Grain", list(GRAINS), default="week", key="grain", bind="query-params"
        )
        or "week"
    )
    if f.topics:
        topics = list(f.topics)
    else:
        topics = queries.busiest_topics(ctx.db, ctx.version, f, DEFAULT_TOPICS)
        st.caption(
            f"Comparing the {len(topics)} busiest topics in this period; pick topics in the "
            "sidebar to compare others."
        )
    if grain == "week":
        _weekly(ctx, f, topics)
        return
    marks = trends_queries.annotations(ctx.db, ctx.version, f.start, f.end, tuple(topics))
    split = (
        st.segmented_control(
            "Split by", list(queries.SPLITS), default="none", key="split", bind="query-params"
        )
        or "none"
    )
    shown = replace(f, topics=tuple(topics))
    df = queries.daily(ctx.db, ctx.version, shown, split)
    alerts = queries.alerts(ctx.db, ctx.version, f.start, f.end, tuple(topics))
    st.caption(
        "Line: mean passage score over the 7 days up to each day; band: ± 1.96 standard "
        "errors of that mean; ▼ marks an alert. " + f.describe()
    )
    if df.empty:
        st.info("No scored passages match these filters.")
        annotate.panel(ctx, marks, f.end)
        return
    if split == "none":
        st.altair_chart(
            charts.trend_and_volume(
                df, alerts, "topic", "Net score, 7-day rolling", (f.start, f.end), marks
            ),
            width="stretch",
        )
    else:
        for topic in topics[:MAX_SPLIT_TOPICS]:
            part = df[df["topic"] == topic]
            if part.empty:
                continue
            st.subheader(widgets.topic_label(topic))
            st.altair_chart(
                charts.trend_and_volume(
                    part,
                    alerts[alerts["topic"] == topic],
                    "grp",
                    f"Net score by {split}, 7-day rolling",
                    (f.start, f.end),
                    marks[marks["topic"].isna() | (marks["topic"] == topic)],
                ),
                width="stretch",
            )
    table = df.rename(columns={"grp": split if split != "none" else "group"})
    with st.expander("The numbers behind the charts"):
        st.dataframe(table, hide_index=True, width="stretch")
    annotate.panel(ctx, marks, f.end)
    plain = _plain(df.rename(columns={"grp": "group"}), split)
    columns = DAILY_COLUMNS | {"group": split if split != "none" else "group"}
    if split == "none":
        del columns["group"]
    parts = briefing.filter_parts(f) | {"split": (split,) if split != "none" else ()}
    briefing.download(
        plain, briefing.file_name("trends-daily", f.start, f.end, parts), columns, "csv_trends"
    )


def _weekly(ctx, f, topics: list[str]) -> None:
    """The weekly view: stories, not passages, so that one long article cannot swing a line."""
    df = queries.weekly(ctx.db, ctx.version, f, tuple(topics))
    marks = trends_queries.annotations(ctx.db, ctx.version, f.start, f.end, tuple(topics))
    st.caption(
        GRAINS["week"] + " The line is the share of the week's stories (articles, syndicated "
        "copies counted once) whose stance on the topic was negative; the band is its 95% "
        "interval (Wilson); a bigger point is more stories; a week with no stories is a gap. "
        "Click a point to open that week's stories. " + f.describe()
    )
    if not (df["stories"] > 0).any():
        st.info("No stories match these filters.")
        annotate.panel(ctx, marks, f.end)
        return
    if len(topics) == 1:
        _level(ctx, topics[0])
    df = df.assign(label=df["topic"].map(widgets.topic_label))
    chart = charts.weekly_share_chart(df, topic_briefing.CHART_TITLE, marks)
    st.altair_chart(
        chart,
        width="stretch",
        height=WEEKLY_PX,  # the whole chart: plot, title, axes and legend
        on_select=_open_week,
        selection_mode=charts.WEEK_PICK,
        key=WEEKLY_CHART,
    )
    topic = st.session_state.pop(_OPEN_WEEK, None)
    if topic:  # the filters already hold the week and the topic (`_open_week`)
        st.switch_page("dashboard/stories.py", query_params={filters.KEY_TOPICS: [topic]})
    table = df[df["stories"] > 0].drop(columns=["segment", "label"])
    with st.expander("The numbers behind the chart"):
        st.dataframe(table, hide_index=True, width="stretch")
    annotate.panel(ctx, marks, f.end)
    parts = briefing.filter_parts(f, voices=False)
    if not f.external_only:
        parts["with"] = ("force-voice",)
    briefing.download(
        _plain(table, "none"),
        briefing.file_name("trends", f.start, f.end, parts),
        WEEKLY_COLUMNS,
        "csv_trends_weekly",
    )
    st.download_button(
        "Download chart (PNG)",
        data=lambda: briefing_pdf.chart_png(chart),  # drawn when clicked, offline
        file_name=briefing.file_name("trends", f.start, f.end, parts).removesuffix(".csv") + ".png",
        mime="image/png",
        icon=":material/image:",
        on_click="ignore",
        key="png_trends_weekly",
    )
    if len(topics) == 1:
        pdf_name = topic_briefing.file_name(f, topics[0])
        st.download_button(
            "Download briefing (PDF)",
            data=lambda: topic_briefing.build(ctx, topics[0], chart),  # made when clicked
            file_name=pdf_name,
            mime="application/pdf",
            icon=":material/picture_as_pdf:",
            on_click="ignore",
            key="briefing_pdf_topic",
            help=f"Saves {pdf_name}",
        )


def _level(ctx, topic: str) -> None:
    """One topic's week against the weeks before, judged by the change rule (as its briefing
    PDF says it)."""
    found = topic_briefing.level(ctx, topic)
    badge = widgets.TREND_BADGES.get(found.verdict, "")
    st.markdown(
        f"**{widgets.escape(widgets.topic_label(topic))}: this week against the weeks before** "
        f"{badge} {widgets.escape(found.reason)}"
    )
    st.caption(widgets.escape(" ".join(found.lines)))


def picked_week(event) -> tuple[str, date] | None:
    """(topic, Monday) of the point a reader clicked on the weekly chart; None for no click.

    Args:
        event: the chart's selection state (`st.session_state[WEEKLY_CHART]`, or what
            `st.altair_chart(..., on_select=...)` returned).
    """
    selection = getattr(event, "selection", None)
    if selection is None and isinstance(event, Mapping):
        selection = event.get("selection")
    picks = (selection or {}).get(charts.WEEK_PICK) or []
    pick = next((p for p in picks if p.get("topic") and p.get("week") is not None), None)
    if pick is None:
        return None
    week = pd.to_datetime(
        pick["week"], unit="ms" if isinstance(pick["week"], int | float) else None
    )
    return pick["topic"], week.date()


def _open_week() -> None:
    """The weekly chart's selection callback: a click on a point puts its week (Monday to
    Sunday) and topic into the shared filters, and the page then opens the Stories page with
    them. The filters are set here, before the widgets are drawn, because Streamlit refuses
    `st.switch_page(query_params=...)` for parameters bound to a widget (the dates)."""
    picked = picked_week(st.session_state.get(WEEKLY_CHART))
    if picked is None:
        return
    topic, start = picked
    st.session_state[filters.KEY_DATES] = (start, start + timedelta(days=6))
    st.session_state[filters.KEY_TOPICS] = [topic]
    st.session_state[_OPEN_WEEK] = topic


def _plain(df, split: str):
    """The rows with topics, voices and source kinds as people read them (for the CSV)."""
    out = df.assign(topic=df["topic"].map(widgets.topic_label))
    names = {"voice": widgets.voice_label, "source kind": widgets.source_kind_label}
    if split in names:
        out["group"] = out["group"].map(names[split])
    if "week" in out:
        out["week"] = out["week"].dt.date
    return out


if __name__ == "__main__":  # st.Page runs this file as __main__
    render()
