"""The Overview's briefing PDF: the same rows the page shows (its cards, the topics that need
attention, the stories new since the last run) and the weekly chart of the topics that matter
most, laid out by `dashboard.briefing_pdf`."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

import pandas as pd

from dashboard import briefing, briefing_pdf, charts, context, queries, trends_queries, widgets

logger = logging.getLogger(__name__)

CHART_TOPICS = 4  # topics drawn in the briefing's weekly chart


def file_name(ctx: context.PageContext) -> str:
    """e.g. "pcm-briefing_2026-09-08_2026-12-06.pdf", with the filters as the CSVs name them."""
    f = ctx.filters
    csv = briefing.file_name("briefing", f.start, f.end, briefing.filter_parts(f))
    return csv.removesuffix(".csv") + ".pdf"


def topic_rows(df: pd.DataFrame) -> pd.DataFrame:
    """The cards as a table with headings in words (no ids): one row per topic, page order."""
    return pd.DataFrame(
        {
            "Topic": df["topic"].map(widgets.topic_label),
            "Negative this week": [
                f"{100 * s:.0f}% of {n}" if pd.notna(s) else "no stories"
                for s, n in zip(df["share"], df["stories"], strict=True)
            ],
            "Outlets": df["outlets"],
            "Change vs the weeks before": [
                f"{100 * c:+.0f} points ({100 * lo:+.0f} to {100 * hi:+.0f})"
                if pd.notna(c) and pd.notna(lo) and pd.notna(hi)
                else ""
                for c, lo, hi in zip(df["change"], df["change_low"], df["change_high"], strict=True)
            ],
            "Verdict": df["verdict"].str.capitalize(),
            "Why": df["reason"],
        }
    )


def attention_lines(attention: pd.DataFrame) -> list[tuple[str, str]]:
    """(topic name, one line of evidence) for each topic that needs attention."""
    out = []
    for row in attention.itertuples(index=False):
        alerts = f"; {row.alerts} alert{'s' if row.alerts != 1 else ''}" if row.alerts else ""
        out.append(
            (
                widgets.topic_label(row.topic),
                f"{row.negative} of {row.stories} stories negative this week, from "
                f"{row.outlets} outlet{'s' if row.outlets != 1 else ''}; {row.verdict}: "
                f"{row.reason}{alerts}.",
            )
        )
    return out


def story_lines(new: pd.DataFrame) -> list[tuple[str, str, str, str]]:
    """(topic name, stance in words, outlet, title) for each new story, page order."""
    return [
        (
            widgets.topic_label(row.topic),
            widgets.stance_words(row.stance),
            str(row.source),
            row.title if isinstance(row.title, str) and row.title else "(untitled)",
        )
        for row in new.itertuples(index=False)
    ]


def weekly_chart(ctx: context.PageContext, topics: list[str]) -> bytes | None:
    """The weekly share chart of these topics, with the period's event annotations, as PNG;
    None when they have no stories."""
    if not topics:
        return None
    df = queries.weekly(ctx.db, ctx.version, ctx.filters, tuple(topics))
    if not (df["stories"] > 0).any():
        return None
    df = df.assign(label=df["topic"].map(widgets.topic_label))
    f = ctx.filters
    marks = trends_queries.annotations(ctx.db, ctx.version, f.start, f.end, tuple(topics))
    chart = charts.weekly_share_chart(
        df, "Share of stories that were negative, week by week", marks
    )
    return briefing_pdf.chart_png(chart)


def build(
    ctx: context.PageContext, df: pd.DataFrame, attention: pd.DataFrame, week_start: date
) -> bytes:
    """The Overview briefing as PDF bytes.

    Args:
        ctx: the page context.
        df: the card rows (`overview.cards`).
        attention: the rows that need attention (`overview.needs_attention`).
        week_start: the first day of "this week".
    """
    f = ctx.filters
    run = queries.last_run(ctx.db, ctx.version)
    new = (
        queries.new_stories(ctx.db, ctx.version, run["article_ids"], f)
        if run is not None
        else pd.DataFrame(columns=["topic", "stance", "source", "title"])
    )
    busiest = df.sort_values("stories", ascending=False)["topic"].tolist()
    chosen = attention["topic"].tolist() or busiest[:CHART_TOPICS]
    finished = (
        f"the last nightly run finished {pd.Timestamp(run['finished_at']):%d %b %Y %H:%M} UTC"
        if run is not None
        else "no nightly run has succeeded yet"
    )
    content = briefing_pdf.Briefing(
        title=f"{ctx.force_name}: public confidence briefing",
        period=f"This week: {week_start:%d %b} - {f.end:%d %b %Y}, against the "
        f"{ctx.cfg.alerts.baseline_days} days before.",
        filters=f"Filters: {f.describe()}.",
        generated=f"Made {datetime.now(UTC):%d %b %Y %H:%M} UTC; {finished}.",
        attention=attention_lines(attention),
        topics=topic_rows(df),
        new_stories=story_lines(new),
        chart=weekly_chart(ctx, chosen[:CHART_TOPICS]),
    )
    logger.info("briefing PDF for %s to %s", f.start, f.end)
    return briefing_pdf.briefing_pdf(content)
