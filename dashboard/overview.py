"""Overview page: one card per topic, this week's share of negative stories against the weeks
before, judged by the one change rule (warehouse/views/10_topic_change.sql)."""

from __future__ import annotations

import logging
from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboard import context, queries, widgets

logger = logging.getLogger(__name__)

COLUMNS = 3  # cards per row: readable on a 13-inch laptop with the sidebar open
_DELTA_COLOURS = {"improving": "blue", "worsening": "orange"}
_ORDER = {"worsening": 0, "improving": 1, "no clear change": 2}
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


def _card(row: pd.Series, baseline_days: int) -> None:
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


def cards(ctx: context.PageContext) -> pd.DataFrame:
    """The Overview's rows: one per topic, verdict from the change rule, net score beside it.

    Args:
        ctx: the page context (filters, config, warehouse).

    Returns:
        Columns of `queries.overview` and `queries.topic_changes` (verdict, reason, share ...),
        worsening topics first (largest sure rise first), then improving, then the rest.
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
    out["sure"] = out["change_low"].where(out["verdict"] == "worsening", -out["change_high"])
    out = out.sort_values(
        ["order", "sure", "alerts", "topic"],
        ascending=[True, False, False, True],
        na_position="last",
    )
    return out.drop(columns=["order", "sure"]).reset_index(drop=True)


def render() -> None:
    """Draw the Overview page."""
    ctx = context.current()
    f = ctx.filters
    st.title("Overview")
    week_start = f.end - timedelta(days=queries.WEEK_DAYS - 1)
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
        f"Topics that got worse come first."
    )
    st.caption(NET_SCORE_TEXT)
    if f.outlets or f.source_kinds or f.voices:
        st.caption(
            "Whether a topic moved is judged on every outlet and voice; the net score follows "
            "the sidebar's filters."
        )
    df = cards(ctx)
    columns = st.columns(COLUMNS)
    for i, row in enumerate(df.itertuples(index=False)):
        with columns[i % COLUMNS].container(border=True):
            _card(row, ctx.cfg.alerts.baseline_days)
    widgets.csv_download(df.drop(columns=["alert_text"]), "overview")


if __name__ == "__main__":  # st.Page runs this file as __main__
    render()
