"""Compare page: the watched forces side by side, topic by topic, with the evidence behind each.

For one topic, each force's share of negative stories over the sidebar's dates, with its 95%
interval, forces with the most stories first (the best-evidenced comparisons on top); forces
with too few stories are drawn hollow and named as such. Below, every topic at once: one row per
force, one column per topic. Numbers come from the warehouse's `force_topic_comparison` view.
"""

from __future__ import annotations

import logging

import altair as alt
import pandas as pd
import streamlit as st

from core import vocabulary
from dashboard import charts, context, filters, queries, widgets

logger = logging.getLogger(__name__)

ROW_PX = 26  # height per force in the chart, so 43 forces keep readable labels
LABEL_PX = 150  # the longest force name before it is cut with "…", so a phone keeps a plot
ENOUGH_COLOUR = "#0072B2"  # 5.0:1 on white
FEW_COLOUR = "#6B6B6B"  # 5.3:1 on white: hollow marks for too few stories
TOPIC_KEY = "compare_topic"


def _pct(value) -> str:
    return "–" if value is None or pd.isna(value) else f"{100 * value:.0f}%"


def _explained(min_stories: int, external: bool) -> None:
    voices = "voices outside the force" if external else "every voice, the force's own included"
    st.caption(
        f"Each force's share of stories on the topic whose stance was negative ({voices}), "
        "over the dates in the sidebar, with the range it plausibly lies in (95% interval: "
        "few stories give a wide range). A story is an article with its syndicated copies. "
        f"Forces with fewer than {min_stories} stories from at least 2 outlets are drawn "
        "hollow: too few to compare. Forces with the most stories come first."
    )


def topic_chart(rows: pd.DataFrame, names: dict[str, str], topic: str) -> alt.Chart:
    """Each force's negative share on one topic with its interval, most stories on top."""
    df = rows.assign(
        force=rows["force_id"].map(lambda i: names.get(i, i)),
        evidence=rows["enough"].map({True: "enough stories", False: "too few stories"}),
        label=rows["stories"].map(lambda n: f"{n} stor{'y' if n == 1 else 'ies'}"),
    )
    order = df.sort_values(["stories", "force"], ascending=[False, True])["force"].tolist()
    y = alt.Y(
        "force:N", sort=order, title=None, axis=alt.Axis(labelLimit=LABEL_PX, labelOverlap=False)
    )
    x_scale = alt.Scale(domain=[0, 1])
    colour = alt.Color(
        "evidence:N",
        scale=alt.Scale(
            domain=["enough stories", "too few stories"], range=[ENOUGH_COLOUR, FEW_COLOUR]
        ),
        legend=alt.Legend(title=None, orient="top"),
    )
    tooltip = [
        alt.Tooltip("force:N", title="Force"),
        alt.Tooltip("stories:Q", title="Stories"),
        alt.Tooltip("negative:Q", title="Negative stories"),
        alt.Tooltip("negative_share:Q", title="Negative share", format=".0%"),
        alt.Tooltip("negative_low:Q", title="95% interval from", format=".0%"),
        alt.Tooltip("negative_high:Q", title="to", format=".0%"),
    ]
    base = alt.Chart(df).encode(y=y, tooltip=tooltip)
    rules = base.mark_rule(strokeWidth=2).encode(
        x=alt.X(
            "negative_low:Q",
            scale=x_scale,
            axis=alt.Axis(format="%"),
            title="Share of stories negative (95% interval)",
        ),
        x2="negative_high:Q",
        color=colour,
    )
    points = base.mark_point(size=70, strokeWidth=2).encode(
        x=alt.X("negative_share:Q", scale=x_scale),
        color=colour,
        fill=alt.condition("datum.enough", alt.value(ENOUGH_COLOUR), alt.value("white")),
        shape=alt.Shape("evidence:N", legend=None),
    )
    counts = base.mark_text(align="left", dx=6, fontSize=11).encode(
        x=alt.X("negative_high:Q", scale=x_scale), text="label:N"
    )
    chart = (rules + points + counts).properties(
        height=alt.Step(ROW_PX),  # a row per force, however many
        title=f"{vocabulary.topic_name(topic)}: share of stories negative, by force",
    )
    return charts.readable(chart)


def matrix(rows: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """One row per force, one column per topic: "41% of 12" (negative share of stories), or
    "too few (2)" where the evidence is short; forces with the most stories first."""
    cell = rows.apply(
        lambda r: (
            f"{_pct(r.negative_share)} of {r.stories}" if r.enough else f"too few ({r.stories})"
        ),
        axis=1,
    )
    table = rows.assign(cell=cell, name=rows["topic"].map(vocabulary.topic_name))
    wide = table.pivot(index="force_id", columns="name", values="cell").fillna("–")
    totals = rows.groupby("force_id")["stories"].sum().sort_values(ascending=False)
    wide = wide.reindex(totals.index)
    wide.index = [names.get(i, i) for i in wide.index]
    wide.index.name = "Force"
    return wide


def _detail(rows: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Force": rows["force_id"].map(lambda i: names.get(i, i)),
            "Stories": rows["stories"],
            "Outlets": rows["outlets"],
            "Negative": rows["negative_share"].map(_pct),
            "95% interval": [
                f"{_pct(lo)} to {_pct(hi)}"
                for lo, hi in zip(rows["negative_low"], rows["negative_high"], strict=True)
            ],
            "Positive": rows["positive_share"].map(_pct),
            "Enough to compare": rows["enough"].map({True: "yes", False: "no"}),
        }
    )


def render() -> None:
    ctx = context.current()
    f = ctx.filters
    st.title("Compare forces")
    names = {force.id: force.name for force in ctx.cfg.forces}
    if len(names) < 2:
        st.info(
            "This deployment watches one force. List several under `forces:` in the config "
            "(docs/configuration.md) to compare them here."
        )
        return
    min_stories = ctx.cfg.alerts.min_stories
    _explained(min_stories, f.external_only)
    rows = queries.force_topics(ctx.db, ctx.version, f, min_stories)
    if rows.empty:
        st.info("No stories about any force in these dates and filters. Widen the dates.")
        return
    by_topic = rows.groupby("topic")["stories"].sum().sort_values(ascending=False)
    topics = by_topic.index.tolist()
    topic = st.selectbox(
        "Topic",
        topics,
        key=TOPIC_KEY,
        format_func=vocabulary.topic_name,
        help="Topics with the most stories first.",
    )
    mine = rows[rows["topic"] == topic]
    st.altair_chart(topic_chart(mine, names, topic), width="stretch")
    shown = mine.sort_values(["stories", "force_id"], ascending=[False, True])
    st.dataframe(_detail(shown, names), hide_index=True, width="stretch")
    top = shown["force_id"].iloc[0]
    st.page_link(
        "dashboard/overview.py",
        label=f"Open {names.get(top, top)} on the Overview",
        icon=":material/open_in_new:",
        query_params=filters.link_params(f, topic=None, force=top),
    )
    st.subheader("Every topic")
    st.caption(
        "Each cell: the share of the force's stories on the topic that were negative, of how "
        f'many stories; "too few" under {min_stories} stories from 2 outlets.'
    )
    wide = matrix(rows, names)
    st.dataframe(wide, width="stretch")
    widgets.csv_download(
        rows.assign(force=rows["force_id"].map(lambda i: names.get(i, i))),
        f"pcm-compare_{f.start:%Y-%m-%d}_{f.end:%Y-%m-%d}.csv",
    )


if __name__ == "__main__":  # st.Page runs this file as __main__
    render()
