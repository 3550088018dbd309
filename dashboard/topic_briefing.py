"""One topic's briefing, from the Trends page: its level and change this week as the Overview's
change rule judges them (the same words the page shows above the chart), its weekly chart and
the stories behind it, laid out as a PDF by `dashboard.briefing_pdf`."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import altair as alt
import pandas as pd

from dashboard import briefing, briefing_pdf, charts, context, queries, trends_queries, widgets
from dashboard.filters import Filters

logger = logging.getLogger(__name__)

MAX_STORIES = 10  # stories listed in the PDF (the Stories page has them all)
CHART_TITLE = "Share of stories that were negative, week by week"


@dataclass(frozen=True)
class Level:
    """A topic's week in words, as the Trends page and the PDF say it.

    Attributes:
        verdict: the change rule's verdict ("worsening", "improving", "no clear change").
        reason: why, in words (the rule's own).
        lines: the level, the baseline and the change with their 95% intervals, one each.
    """

    verdict: str
    reason: str
    lines: tuple[str, ...]


def _pct(value) -> str:
    return f"{100 * value:.0f}%"


def _present(value) -> bool:
    return value is not None and not pd.isna(value)


def _stories(n: int) -> str:
    return f"{n:,} {'story' if n == 1 else 'stories'}"


def level(ctx: context.PageContext, topic: str) -> Level:
    """The topic's share of negative stories in the 7 days ending on the date filter's last day
    against the baseline days before, judged by the change rule (`queries.topic_changes`, as
    the Overview's cards read it: every outlet, the external-voices toggle applied).

    Args:
        ctx: the page context.
        topic: the topic id.
    """
    f = ctx.filters
    baseline_days = ctx.cfg.alerts.baseline_days
    changes = queries.topic_changes(
        ctx.db, ctx.version, f.end, f.external_only, ctx.cfg.alerts.min_stories, baseline_days
    )
    found = changes[changes["topic"] == topic]
    week = f"{f.end - timedelta(days=queries.WEEK_DAYS - 1):%d %b} - {f.end:%d %b %Y}"
    if found.empty:
        return Level("no clear change", "no stories this week", (f"No stories in {week}.",))
    row = found.iloc[0]
    lines = []
    if _present(row.share):
        lines.append(
            f"{row.negative:,} of {_stories(row.stories)} negative in {week} "
            f"({_pct(row.share)}, 95% interval {_pct(row.share_low)} to {_pct(row.share_high)}), "
            f"from {row.outlets:,} outlet{'' if row.outlets == 1 else 's'}."
        )
    else:
        lines.append(f"No stories in {week}.")
    if _present(row.base_share):
        lines.append(
            f"{row.base_negative:,} of {_stories(row.base_stories)} negative in the "
            f"{baseline_days} days before ({_pct(row.base_share)})."
        )
    if _present(row.change):
        lines.append(
            f"Change {100 * row.change:+.0f} points, 95% interval "
            f"{100 * row.change_low:+.0f} to {100 * row.change_high:+.0f}."
        )
    if f.outlets or f.source_kinds:
        lines.append(
            "These figures count every outlet, as the Overview's cards do; the chart and the "
            "stories keep the outlet filters."
        )
    return Level(str(row.verdict), str(row.reason), tuple(lines))


def verdict_line(found: Level) -> str:
    """e.g. "Verdict: no clear change - only 2 stories this week (3 needed)."."""
    return f"Verdict: {found.verdict} - {found.reason}."


def file_name(f: Filters, topic: str) -> str:
    """e.g. "pcm-briefing_2026-09-08_2026-12-06_topic-road-safety.pdf", with the other filters
    that narrow the Trends page's weekly rows, as its CSV names them."""
    parts = briefing.filter_parts(f, voices=False) | {"topic": (topic,)}
    if not f.external_only:
        parts["with"] = ("force-voice",)
    return briefing.file_name("briefing", f.start, f.end, parts).removesuffix(".csv") + ".pdf"


def weekly_chart(ctx: context.PageContext, topic: str) -> alt.TopLevelMixin | None:
    """The Trends page's weekly chart of this topic, with the period's annotations; None when
    the topic has no stories in the period."""
    f = ctx.filters
    df = queries.weekly(ctx.db, ctx.version, f, (topic,))
    if not (df["stories"] > 0).any():
        return None
    df = df.assign(label=df["topic"].map(widgets.topic_label))
    marks = trends_queries.annotations(ctx.db, ctx.version, f.start, f.end, (topic,))
    return charts.weekly_share_chart(df, CHART_TITLE, marks)


def story_lines(stories: pd.DataFrame) -> list[briefing_pdf.StoryLine]:
    """The stories as the PDF lists them: outlets, day and stance in words."""
    out = []
    for row in stories.itertuples(index=False):
        outlets = [str(o) for o in row.outlets] if row.outlets is not None else []
        outlet = str(row.source)
        if len(outlets) > 1:
            more = len(outlets) - 1
            outlet += f" and {more} more outlet{'s' if more > 1 else ''}"
        out.append(
            briefing_pdf.StoryLine(
                title=row.title if isinstance(row.title, str) and row.title else "(untitled)",
                outlet=outlet,
                day=f"{pd.Timestamp(row.day):%d %b %Y}",
                stance=widgets.stance_words(row.stance),
                url=row.url if isinstance(row.url, str) else None,
            )
        )
    return out


def build(ctx: context.PageContext, topic: str, chart: alt.TopLevelMixin | None = None) -> bytes:
    """One topic's briefing as PDF bytes.

    Args:
        ctx: the page context (its filters are the Trends page's).
        topic: the topic id.
        chart: the weekly chart the page drew (None: drawn here, as `weekly_chart`).
    """
    f = ctx.filters
    name = widgets.topic_label(topic)
    found = level(ctx, topic)
    stories = trends_queries.topic_stories(ctx.db, ctx.version, f, topic)
    shown = stories.head(MAX_STORIES)
    chart = chart if chart is not None else weekly_chart(ctx, topic)
    content = briefing_pdf.TopicBriefing(
        title=f"{ctx.force_name}: {name}",
        period=f"Public confidence briefing on {name.lower()}, {f.start:%d %b %Y} - "
        f"{f.end:%d %b %Y}.",
        filters=f"Filters: {f.describe()}.",
        generated=f"Made {datetime.now(UTC):%d %b %Y %H:%M} UTC.",
        level=[verdict_line(found), *found.lines],
        stories_heading=f"Top stories ({len(shown)} of {len(stories)}, "
        "the most outlets first, then critical)",
        stories=story_lines(shown),
        chart=briefing_pdf.chart_png(chart) if chart is not None else None,
    )
    logger.info("topic briefing PDF for %s, %s to %s", topic, f.start, f.end)
    return briefing_pdf.topic_briefing_pdf(content)
